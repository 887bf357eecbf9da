#pragma once

// The building blocks of SigV4, exposed for unit tests and the fuzz target
// (leveldb's *_internal.h convention). Not part of the auth API: code outside
// src/auth and its tests should use sigv4.h. All functions are pure and
// thread-safe.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/sigv4.h"
#include "common/status.h"

namespace auth::internal {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kTerminator = "aws4_request";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr int64_t kMaxPresignExpiresSeconds = 604800;  // one week

using Seconds = std::chrono::sys_seconds;

// Decodes %XX escapes. A '%' not followed by two hex digits is kept literally;
// '+' is kept (SigV4 query strings never use form encoding).
std::string UriDecode(std::string_view s);

// Splits a raw query string on '&' and each pair on its first '='; names and
// values are percent-decoded. Empty pieces ("a&&b") are skipped; "a" yields
// ("a", "").
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view raw_query);

// CanonicalURI. S3: the path exactly as sent ("" becomes "/"). Other services:
// the path with '.', '..' and empty segments removed (what the AWS test suite
// and botocore do), then UriEncode'd again, keeping '/'.
std::string CanonicalUri(std::string_view path, bool s3);

// CanonicalQueryString: every parameter decoded, re-encoded with
// UriEncode(encode_slash=true), sorted by name then value, joined as
// "n1=v1&n2=v2". When `drop_signature`, X-Amz-Signature is left out (presigned).
std::string CanonicalQueryString(std::string_view raw_query, bool drop_signature);

// The header value as SigV4 canonicalises it: leading and trailing whitespace
// removed and inner runs of whitespace collapsed to one space.
std::string TrimHeaderValue(std::string_view value);

// CanonicalHeaders for `signed_headers` (lower-case names): for each name, in
// the order given, "name:v1,v2\n" where v1, v2 are the trimmed values of every
// request header of that name (any case), in request order. A signed name with
// no such header contributes no line, as AWS does.
std::string CanonicalHeaders(const SignableRequest& request,
                             const std::vector<std::string>& signed_headers);

// Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n payload.
std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, std::string_view canonical_headers,
                             std::string_view signed_headers, std::string_view payload_hash);

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256(canonical_request)>".
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service);

// Lower-case hex of raw bytes.
std::string HexEncode(std::string_view bytes);

// Parses ISO 8601 basic "YYYYMMDDTHHMMSSZ" (exactly 16 characters).
std::optional<Seconds> ParseAmzDate(std::string_view s);

// Parses an RFC 1123 date, "Fri, 24 May 2013 00:00:00 GMT" (the weekday is
// optional; the zone may be GMT, UTC, +0000 or -0000 as Python's formatdate writes).
std::optional<Seconds> ParseHttpDate(std::string_view s);

// "<AKID>/<YYYYMMDD>/<region>/<service>/aws4_request", split.
struct CredentialScope {
  std::string access_key_id;
  std::string date;
  std::string region;
  std::string service;
  std::string terminator;

  // "<date>/<region>/<service>/<terminator>".
  std::string Scope() const;
};

// Splits a Credential value on '/'. Fails (kAuthMalformed, message without a
// prefix) unless there are exactly five non-empty parts.
common::Result<CredentialScope> ParseCredential(std::string_view credential);

// The three components of an `Authorization: AWS4-HMAC-SHA256 ...` header.
struct AuthorizationHeader {
  std::string credential;      // raw Credential value
  std::string signed_headers;  // raw SignedHeaders value
  std::string signature;       // raw Signature value
};

// Parses an Authorization header value. Tolerates the variants SDKs and tools
// send: ", " or "," or whitespace between components, whitespace around '=',
// a trailing comma. Errors: kAuthMalformed (any other scheme, another
// algorithm, a missing/duplicate/unknown/empty component).
common::Result<AuthorizationHeader> ParseAuthorization(std::string_view value);

// Splits SignedHeaders on ';' and lower-cases the names. Returns nullopt if
// the list or any name is empty.
std::optional<std::vector<std::string>> ParseSignedHeaders(std::string_view value);

}  // namespace auth::internal
