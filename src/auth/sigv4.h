#pragma once

// AWS Signature Version 4: verification of incoming requests (Authorization
// header and presigned query) and signing of outgoing ones (the AWS client).
// Pure functions over a protocol-neutral view of the request; no I/O.
// Reference: AWS "Signature Version 4 signing process" and the S3 SigV4 docs.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/credentials.h"
#include "common/status.h"

namespace auth {

// The parts of an HTTP request SigV4 covers.
struct SignableRequest {
  std::string method;  // "GET"
  std::string path;    // the request-target's path, exactly as sent (percent-encoded)
  std::string query;   // the raw query string after '?', without the '?'; may be ""
  // Every header as received (names in any case; duplicates allowed and joined
  // with ',' as SigV4 specifies).
  std::vector<std::pair<std::string, std::string>> headers;
  // Hex SHA-256 of the body, or the literal x-amz-content-sha256 value
  // ("UNSIGNED-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", ...).
  // Verify with header auth uses it if non-empty, else the x-amz-content-sha256
  // header. Verify ignores it for presigned S3 requests (see Verify). Verify
  // never checks the body against it: for S3 the caller must check the body
  // against the x-amz-content-sha256 value it accepted.
  std::string payload_hash;
};

// What a verified signature established.
struct SigV4Result {
  Principal principal;
  std::string region;       // from the credential scope
  std::string service;      // from the credential scope, e.g. "s3"
  std::string signature;    // hex; the seed signature for aws-chunked bodies
  std::string amz_date;     // ISO8601 basic, e.g. 20261122T050000Z
  std::string scope;        // credential scope, e.g. 20261122/us-east-1/s3/aws4_request
  std::string signing_key;  // raw bytes of the derived key (for aws-chunked chunk signatures)
  bool presigned = false;
};

struct VerifyOptions {
  std::string region;                         // this region; the scope must match
  std::chrono::system_clock::time_point now;  // injected clock
  // Header auth: how far x-amz-date may be from `now` either way. Presigned:
  // how far X-Amz-Date may be in the future (S3 answers "Request is not yet valid").
  std::chrono::seconds max_skew{15 * 60};
  // S3 normalises paths differently from other services: S3 canonical URIs are
  // not normalised and are encoded once; others are normalised and encoded twice.
  bool s3 = false;
};

// True if the request carries SigV4 credentials in the header or the query.
// Any Authorization header counts (also another scheme, e.g. SigV2), as do the
// X-Amz-Algorithm / X-Amz-Credential / X-Amz-Signature query parameters and
// SigV2's AWSAccessKeyId: a request that tries to authenticate in a way we do
// not support must be rejected by Verify, never served as anonymous.
bool HasSigV4(const SignableRequest& request);

// Verifies a request signed with `Authorization: AWS4-HMAC-SHA256 ...` or
// presigned (`X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=...`).
// The request date is x-amz-date, else Date (RFC 1123); presigned: X-Amz-Date.
// SignedHeaders must include host. The payload hash signed is:
//   header auth        request.payload_hash, else the x-amz-content-sha256
//                      header, else (S3: kAuthMalformed) SHA-256 of "".
//   presigned, S3      the X-Amz-Content-Sha256 query parameter, else the
//                      x-amz-content-sha256 header, else UNSIGNED-PAYLOAD.
//   presigned, non-S3  request.payload_hash, else the header, else SHA-256 of "".
// If the key's store entry has a session token, the request must carry the
// same one (x-amz-security-token header or X-Amz-Security-Token parameter).
// The scope's service is not checked: the caller compares result.service.
// Errors (all with a message fit for the client):
//   kAuthMalformed      — header/query unparsable, missing parts, bad date, a
//                         scope region other than options.region (message names
//                         the expected region), X-Amz-Expires outside
//                         1..604800, host not signed, another auth scheme, both
//                         header and query auth, scope date != request date
//   kInvalidAccessKey   — access key unknown to `store`, or a wrong session token
//   kSignatureMismatch  — the signature differs
//   kClockSkew          — header auth with the request date more than max_skew away
//   kRequestExpired     — presigned and now > date + X-Amz-Expires, or the
//                         date is more than max_skew in the future
//   kUnauthenticated    — the request carries no credentials (HasSigV4 is false)
//   kPermissionDenied   — S3 only: an x-amz-* header (other than
//                         x-amz-content-sha256, x-amz-date, x-amz-security-token)
//                         is present but not signed, as S3 refuses
//                         ("There were headers present in the request which were not signed")
common::Result<SigV4Result> Verify(const SignableRequest& request, const CredentialStore& store,
                                   const VerifyOptions& options);

// Signs `request` in place with header auth: adds x-amz-date, (if
// credentials.session_token) x-amz-security-token, x-amz-content-sha256 when
// `s3`, and Authorization, replacing earlier values of those headers (so a
// retry can be re-signed). `request.payload_hash` must be set ("" is taken as
// an empty body). Every header present is signed except hop-by-hop ones,
// user-agent, expect and x-amzn-trace-id; the headers must include Host.
void Sign(SignableRequest& request, const Credentials& credentials, std::string_view region,
          std::string_view service, std::chrono::system_clock::time_point now, bool s3);

// Returns the query string (without '?') that presigns `request` for
// `expires` seconds (Verify accepts 1..604800): request.query's parameters plus
// X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders, (with a
// session token) -Security-Token, all canonically encoded and sorted, then
// X-Amz-Signature. Headers are signed as in Sign (they must include Host).
// service == "s3" selects S3's path rule and UNSIGNED-PAYLOAD; other services
// sign request.payload_hash ("" = empty body).
std::string Presign(const SignableRequest& request, const Credentials& credentials,
                    std::string_view region, std::string_view service,
                    std::chrono::system_clock::time_point now, std::chrono::seconds expires);

// Hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// Raw HMAC-SHA256.
std::string HmacSha256(std::string_view key, std::string_view data);
// "20261122T050000Z" for a time point.
std::string AmzDate(std::chrono::system_clock::time_point t);
// SigV4 URI encoding (RFC 3986 unreserved kept; '/' kept when !encode_slash).
std::string UriEncode(std::string_view s, bool encode_slash);

}  // namespace auth
