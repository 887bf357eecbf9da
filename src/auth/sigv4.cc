#include "auth/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>

#include "auth/sigv4_internal.h"

namespace auth {
namespace internal {
namespace {

using common::ErrorCode;
using common::Status;

constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Client-facing messages, worded as S3 words them.
constexpr std::string_view kHeaderMalformedPrefix = "The authorization header is malformed; ";
constexpr std::string_view kCredentialParamPrefix =
    "Error parsing the X-Amz-Credential parameter; ";
constexpr std::string_view kCredentialShape =
    "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";
constexpr std::string_view kUnsupportedMechanism =
    "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.";
constexpr std::string_view kMissingDate =
    "AWS authentication requires a valid Date or x-amz-date header";
constexpr std::string_view kMissingQueryParams =
    "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
    "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";
constexpr std::string_view kUnknownKey =
    "The AWS Access Key Id you provided does not exist in our records.";
constexpr std::string_view kBadToken = "The security token included in the request is invalid.";
constexpr std::string_view kMismatch =
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method.";
constexpr std::string_view kTooSkewed =
    "The difference between the request time and the server's time is too large.";
constexpr std::string_view kUnsignedHeaders =
    "There were headers present in the request which were not signed";

// Headers Sign/Presign never sign: hop-by-hop ones a proxy may rewrite, and the
// ones the AWS SDKs leave out.
constexpr std::array<std::string_view, 12> kUnsignableHeaders = {
    "authorization",       "connection",       "expect",     "keep-alive",
    "proxy-authorization", "proxy-connection", "te",         "trailer",
    "transfer-encoding",   "upgrade",          "user-agent", "x-amzn-trace-id"};

// x-amz-* headers S3 accepts unsigned: the payload hash is bound through the
// canonical request, the date through the string to sign, and the token is
// checked against the store (the SigV4 test suite's post-sts-header-after).
constexpr std::array<std::string_view, 3> kUnsignedAmzAllowed = {
    "x-amz-content-sha256", "x-amz-date", "x-amz-security-token"};

Status Malformed(std::string message) {
  return Status(ErrorCode::kAuthMalformed, std::move(message));
}

char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLowerAscii(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Parses exactly `s` as a non-negative decimal; nullopt on anything else.
std::optional<int64_t> ParseDecimal(std::string_view s) {
  if (!IsDigits(s) || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// The value of header `name` (any case); duplicates joined with ','.
std::optional<std::string> FindHeader(const SignableRequest& request, std::string_view name) {
  std::optional<std::string> out;
  for (const auto& [n, v] : request.headers) {
    if (!EqualsIgnoreCase(n, name)) continue;
    if (out) {
      out->push_back(',');
      out->append(v);
    } else {
      out = v;
    }
  }
  return out;
}

size_t CountHeader(const SignableRequest& request, std::string_view name) {
  return static_cast<size_t>(
      std::count_if(request.headers.begin(), request.headers.end(),
                    [&](const auto& h) { return EqualsIgnoreCase(h.first, name); }));
}

void RemoveHeader(SignableRequest& request, std::string_view name) {
  std::erase_if(request.headers, [&](const auto& h) { return EqualsIgnoreCase(h.first, name); });
}

bool IsUnsignable(std::string_view lower_name) {
  return std::find(kUnsignableHeaders.begin(), kUnsignableHeaders.end(), lower_name) !=
         kUnsignableHeaders.end();
}

// Lower-case, sorted, unique names of the headers Sign/Presign sign.
std::vector<std::string> HeadersToSign(const SignableRequest& request) {
  std::vector<std::string> names;
  for (const auto& h : request.headers) {
    std::string lower = ToLower(h.first);
    if (!IsUnsignable(lower)) names.push_back(std::move(lower));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string JoinSignedHeaders(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out.push_back(';');
    out += n;
  }
  return out;
}

// The first x-amz-* header (lower-cased) present but absent from `signed_headers`.
std::optional<std::string> FirstUnsignedAmzHeader(const SignableRequest& request,
                                                  const std::vector<std::string>& signed_headers) {
  for (const auto& h : request.headers) {
    std::string lower = ToLower(h.first);
    if (!lower.starts_with("x-amz-")) continue;
    if (std::find(kUnsignedAmzAllowed.begin(), kUnsignedAmzAllowed.end(), lower) !=
        kUnsignedAmzAllowed.end()) {
      continue;
    }
    if (std::find(signed_headers.begin(), signed_headers.end(), lower) == signed_headers.end()) {
      return lower;
    }
  }
  return std::nullopt;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Seconds ToSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::floor<std::chrono::seconds>(t);
}

std::string FormatAmzDate(Seconds t) {
  const std::chrono::sys_days day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::optional<Seconds> MakeTime(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi,
                                int64_t s) {
  const std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(y)),
                                        std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  return Seconds(std::chrono::sys_days(ymd)) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(s);
}

// Canonical "n=v&..." of already-decoded pairs.
std::string CanonicalQueryFromPairs(const std::vector<std::pair<std::string, std::string>>& params,
                                    bool drop_signature) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [name, value] : params) {
    if (drop_signature && name == "X-Amz-Signature") continue;
    encoded.emplace_back(UriEncode(name, true), UriEncode(value, true));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

// Assembles canonical request -> string to sign -> signature with a key
// derived for `scope`.
struct Signed {
  std::string signing_key;
  std::string signature;
};

Signed ComputeSignature(std::string_view secret, const CredentialScope& scope,
                        std::string_view amz_date, std::string_view canonical_request) {
  Signed out;
  out.signing_key = DeriveSigningKey(secret, scope.date, scope.region, scope.service);
  out.signature = HexEncode(
      HmacSha256(out.signing_key, StringToSign(amz_date, scope.Scope(), canonical_request)));
  return out;
}

// The query parameters presigned auth reads; each at most once.
struct PresignParams {
  std::optional<std::string> algorithm;
  std::optional<std::string> credential;
  std::optional<std::string> date;
  std::optional<std::string> expires;
  std::optional<std::string> signed_headers;
  std::optional<std::string> signature;
  std::optional<std::string> security_token;
  std::optional<std::string> content_sha256;
};

common::Result<PresignParams> ReadPresignParams(
    const std::vector<std::pair<std::string, std::string>>& query) {
  PresignParams p;
  const std::pair<std::string_view, std::optional<std::string>*> slots[] = {
      {"X-Amz-Algorithm", &p.algorithm},
      {"X-Amz-Credential", &p.credential},
      {"X-Amz-Date", &p.date},
      {"X-Amz-Expires", &p.expires},
      {"X-Amz-SignedHeaders", &p.signed_headers},
      {"X-Amz-Signature", &p.signature},
      {"X-Amz-Security-Token", &p.security_token},
      {"X-Amz-Content-Sha256", &p.content_sha256},
  };
  for (const auto& [name, value] : query) {
    for (const auto& [slot_name, slot] : slots) {
      if (name != slot_name) continue;
      if (slot->has_value()) {
        return Malformed("Query-string authentication parameter " + std::string(slot_name) +
                         " is specified more than once.");
      }
      *slot = value;
    }
  }
  return p;
}

bool IsPresignMarker(std::string_view name) {
  return name == "X-Amz-Algorithm" || name == "X-Amz-Credential" || name == "X-Amz-Signature";
}

// Checks the parts of a credential scope that do not depend on the key.
// `prefix` is the S3 message prefix for header or query auth.
Status CheckScope(const CredentialScope& scope, std::string_view amz_date,
                  const VerifyOptions& options, std::string_view prefix) {
  if (scope.terminator != kTerminator) {
    return Malformed(std::string(prefix) + "incorrect terminal \"" + scope.terminator +
                     "\". This endpoint uses \"aws4_request\".");
  }
  if (scope.region != options.region) {
    return Malformed(std::string(prefix) + "the region '" + scope.region +
                     "' is wrong; expecting '" + options.region + "'");
  }
  if (scope.date != amz_date.substr(0, 8)) {
    return Malformed(std::string(prefix) + "Invalid credential date \"" + scope.date +
                     "\". This date is not the same as X-Amz-Date: \"" +
                     std::string(amz_date.substr(0, 8)) + "\".");
  }
  return Status::Ok();
}

// Resolves the access key and, for temporary credentials, the session token.
common::Result<CredentialStore::Entry> LookUpKey(const CredentialStore& store,
                                                 std::string_view access_key_id,
                                                 const std::optional<std::string>& token) {
  std::optional<CredentialStore::Entry> entry = store.Find(access_key_id);
  if (!entry) return Status(ErrorCode::kInvalidAccessKey, std::string(kUnknownKey));
  const std::string& expected = entry->credentials.session_token;
  if (!expected.empty() && !(token && ConstantTimeEquals(*token, expected))) {
    return Status(ErrorCode::kInvalidAccessKey, std::string(kBadToken));
  }
  return std::move(*entry);
}

common::Result<SigV4Result> Finish(const CredentialStore::Entry& entry,
                                   const CredentialScope& scope, std::string amz_date,
                                   const std::string& provided_signature,
                                   std::string_view canonical_request, bool presigned) {
  Signed s =
      ComputeSignature(entry.credentials.secret_access_key, scope, amz_date, canonical_request);
  if (!ConstantTimeEquals(s.signature, provided_signature)) {
    return Status(ErrorCode::kSignatureMismatch, std::string(kMismatch));
  }
  SigV4Result result;
  result.principal.access_key_id = entry.credentials.access_key_id;
  result.principal.arn = entry.arn;
  result.principal.anonymous = false;
  result.region = scope.region;
  result.service = scope.service;
  result.signature = std::move(s.signature);
  result.amz_date = std::move(amz_date);
  result.scope = scope.Scope();
  result.signing_key = std::move(s.signing_key);
  result.presigned = presigned;
  return result;
}

common::Result<SigV4Result> VerifyHeader(const SignableRequest& request, std::string_view header,
                                         const CredentialStore& store,
                                         const VerifyOptions& options) {
  common::Result<AuthorizationHeader> auth = ParseAuthorization(header);
  if (!auth.ok()) return auth.status();

  common::Result<CredentialScope> scope = ParseCredential(auth->credential);
  if (!scope.ok())
    return Malformed(std::string(kHeaderMalformedPrefix) + std::string(kCredentialShape));

  std::optional<std::vector<std::string>> signed_headers = ParseSignedHeaders(auth->signed_headers);
  if (!signed_headers) {
    return Malformed(std::string(kHeaderMalformedPrefix) + "the SignedHeaders component is empty.");
  }
  if (std::find(signed_headers->begin(), signed_headers->end(), "host") == signed_headers->end()) {
    return Malformed(std::string(kHeaderMalformedPrefix) + "the host header must be signed.");
  }

  // The request date: x-amz-date wins over Date.
  std::optional<Seconds> date;
  if (std::optional<std::string> amz = FindHeader(request, "x-amz-date")) {
    date = ParseAmzDate(Trim(*amz));
  } else if (std::optional<std::string> http = FindHeader(request, "date")) {
    date = ParseHttpDate(Trim(*http));
  }
  if (!date) return Malformed(std::string(kMissingDate));
  std::string amz_date = FormatAmzDate(*date);

  STRATUS_RETURN_IF_ERROR(CheckScope(*scope, amz_date, options, kHeaderMalformedPrefix));

  common::Result<CredentialStore::Entry> entry =
      LookUpKey(store, scope->access_key_id, FindHeader(request, "x-amz-security-token"));
  if (!entry.ok()) return entry.status();

  Seconds now = ToSeconds(options.now);
  if (std::chrono::abs(now - *date) > options.max_skew) {
    return Status(ErrorCode::kClockSkew, std::string(kTooSkewed));
  }

  if (options.s3 && FirstUnsignedAmzHeader(request, *signed_headers)) {
    return Status(ErrorCode::kPermissionDenied, std::string(kUnsignedHeaders));
  }

  std::string payload_hash = request.payload_hash;
  if (payload_hash.empty()) {
    payload_hash = FindHeader(request, "x-amz-content-sha256").value_or("");
  }
  if (payload_hash.empty()) {
    if (options.s3) {
      return Malformed("Missing required header for this request: x-amz-content-sha256");
    }
    payload_hash = kEmptySha256;
  }

  std::string canonical = CanonicalRequest(
      request.method, CanonicalUri(request.path, options.s3),
      CanonicalQueryString(request.query, /*drop_signature=*/false),
      CanonicalHeaders(request, *signed_headers), JoinSignedHeaders(*signed_headers), payload_hash);
  return Finish(*entry, *scope, std::move(amz_date), auth->signature, canonical,
                /*presigned=*/false);
}

// The payload hash of a presigned request (see Verify's contract).
std::string PresignedPayloadHash(const SignableRequest& request,
                                 const std::optional<std::string>& query_content_sha256, bool s3) {
  if (s3) {
    if (query_content_sha256 && !query_content_sha256->empty()) return *query_content_sha256;
    std::string header = FindHeader(request, "x-amz-content-sha256").value_or("");
    return header.empty() ? std::string(kUnsignedPayload) : header;
  }
  if (!request.payload_hash.empty()) return request.payload_hash;
  std::string header = FindHeader(request, "x-amz-content-sha256").value_or("");
  return header.empty() ? std::string(kEmptySha256) : header;
}

common::Result<SigV4Result> VerifyPresigned(
    const SignableRequest& request, const std::vector<std::pair<std::string, std::string>>& query,
    const CredentialStore& store, const VerifyOptions& options) {
  common::Result<PresignParams> params = ReadPresignParams(query);
  if (!params.ok()) return params.status();
  const PresignParams& p = *params;
  if (!p.algorithm || !p.credential || !p.date || !p.expires || !p.signed_headers || !p.signature) {
    return Malformed(std::string(kMissingQueryParams));
  }
  if (*p.algorithm != kAlgorithm) {
    return Malformed("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  }
  common::Result<CredentialScope> scope = ParseCredential(*p.credential);
  if (!scope.ok())
    return Malformed(std::string(kCredentialParamPrefix) + std::string(kCredentialShape));

  std::optional<Seconds> date = ParseAmzDate(*p.date);
  if (!date) {
    return Malformed("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  }
  std::optional<int64_t> expires = ParseDecimal(*p.expires);
  if (!expires) {
    if (p.expires->starts_with('-') && IsDigits(std::string_view(*p.expires).substr(1))) {
      return Malformed("X-Amz-Expires must be non-negative");
    }
    if (IsDigits(*p.expires)) {  // too many digits to be a valid value
      return Malformed("X-Amz-Expires must be less than a week (in seconds) that is 604800");
    }
    return Malformed("X-Amz-Expires should be a number");
  }
  if (*expires > kMaxPresignExpiresSeconds) {
    return Malformed("X-Amz-Expires must be less than a week (in seconds) that is 604800");
  }
  if (*expires < 1) return Malformed("X-Amz-Expires must be at least 1 second");

  std::optional<std::vector<std::string>> signed_headers = ParseSignedHeaders(*p.signed_headers);
  if (!signed_headers) {
    return Malformed("Error parsing the X-Amz-SignedHeaders parameter; the value is empty.");
  }
  if (std::find(signed_headers->begin(), signed_headers->end(), "host") == signed_headers->end()) {
    return Malformed(
        "Error parsing the X-Amz-SignedHeaders parameter; the host header must be signed.");
  }

  const std::string& amz_date = *p.date;  // strictly parsed, so canonical
  STRATUS_RETURN_IF_ERROR(CheckScope(*scope, amz_date, options, kCredentialParamPrefix));

  std::optional<std::string> token = p.security_token;
  if (!token) token = FindHeader(request, "x-amz-security-token");
  common::Result<CredentialStore::Entry> entry = LookUpKey(store, scope->access_key_id, token);
  if (!entry.ok()) return entry.status();

  Seconds now = ToSeconds(options.now);
  if (*date - now > options.max_skew) {
    return Status(ErrorCode::kRequestExpired, "Request is not yet valid");
  }
  if (now > *date + std::chrono::seconds(*expires)) {
    return Status(ErrorCode::kRequestExpired, "Request has expired");
  }

  if (options.s3 && FirstUnsignedAmzHeader(request, *signed_headers)) {
    return Status(ErrorCode::kPermissionDenied, std::string(kUnsignedHeaders));
  }

  std::string canonical = CanonicalRequest(
      request.method, CanonicalUri(request.path, options.s3),
      CanonicalQueryString(request.query, /*drop_signature=*/true),
      CanonicalHeaders(request, *signed_headers), JoinSignedHeaders(*signed_headers),
      PresignedPayloadHash(request, p.content_sha256, options.s3));
  return Finish(*entry, *scope, amz_date, *p.signature, canonical, /*presigned=*/true);
}

}  // namespace

std::string UriDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!raw_query.empty()) {
    size_t amp = raw_query.find('&');
    std::string_view piece = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(UriDecode(piece), std::string());
    } else {
      out.emplace_back(UriDecode(piece.substr(0, eq)), UriDecode(piece.substr(eq + 1)));
    }
  }
  return out;
}

std::string CanonicalUri(std::string_view path, bool s3) {
  if (path.empty()) return "/";
  if (s3) return std::string(path);
  std::vector<std::string_view> segments;
  std::string_view rest = path;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(seg);
  }
  std::string normalised = path.front() == '/' ? "/" : "";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) normalised.push_back('/');
    normalised.append(segments[i]);
  }
  if (path.back() == '/' && !segments.empty()) normalised.push_back('/');
  if (normalised.empty()) normalised = "/";
  return UriEncode(normalised, /*encode_slash=*/false);
}

std::string CanonicalQueryString(std::string_view raw_query, bool drop_signature) {
  return CanonicalQueryFromPairs(ParseQuery(raw_query), drop_signature);
}

std::string TrimHeaderValue(std::string_view value) {
  value = Trim(value);
  std::string out;
  out.reserve(value.size());
  bool in_space = false;
  for (char c : value) {
    if (IsSpace(c)) {
      in_space = true;
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
  return out;
}

std::string CanonicalHeaders(const SignableRequest& request,
                             const std::vector<std::string>& signed_headers) {
  std::string out;
  for (const std::string& name : signed_headers) {
    std::string line = name + ":";
    bool found = false;
    for (const auto& [n, v] : request.headers) {
      if (!EqualsIgnoreCase(n, name)) continue;
      if (found) line.push_back(',');
      line += TrimHeaderValue(v);
      found = true;
    }
    if (!found) continue;
    out += line;
    out.push_back('\n');
  }
  return out;
}

std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, std::string_view canonical_headers,
                             std::string_view signed_headers, std::string_view payload_hash) {
  std::string out;
  out.reserve(method.size() + canonical_uri.size() + canonical_query.size() +
              canonical_headers.size() + signed_headers.size() + payload_hash.size() + 5);
  out.append(method).push_back('\n');
  out.append(canonical_uri).push_back('\n');
  out.append(canonical_query).push_back('\n');
  out.append(canonical_headers).push_back('\n');
  out.append(signed_headers).push_back('\n');
  out.append(payload_hash);
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out.push_back('\n');
  out.append(amz_date).push_back('\n');
  out.append(scope).push_back('\n');
  out += Sha256Hex(canonical_request);
  return out;
}

std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service) {
  std::string k_secret = "AWS4";
  k_secret.append(secret);
  std::string k_date = HmacSha256(k_secret, date);
  std::string k_region = HmacSha256(k_date, region);
  std::string k_service = HmacSha256(k_region, service);
  std::string k_signing = HmacSha256(k_service, kTerminator);
  for (std::string* k : {&k_secret, &k_date, &k_region, &k_service}) {
    OPENSSL_cleanse(k->data(), k->size());
  }
  return k_signing;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

std::optional<Seconds> ParseAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  std::optional<int64_t> y = ParseDecimal(s.substr(0, 4));
  std::optional<int64_t> mo = ParseDecimal(s.substr(4, 2));
  std::optional<int64_t> d = ParseDecimal(s.substr(6, 2));
  std::optional<int64_t> h = ParseDecimal(s.substr(9, 2));
  std::optional<int64_t> mi = ParseDecimal(s.substr(11, 2));
  std::optional<int64_t> sec = ParseDecimal(s.substr(13, 2));
  if (!y || !mo || !d || !h || !mi || !sec) return std::nullopt;
  return MakeTime(*y, *mo, *d, *h, *mi, *sec);
}

std::optional<Seconds> ParseHttpDate(std::string_view s) {
  s = Trim(s);
  // Optional "Www," weekday.
  if (s.size() >= 4 && s[3] == ',') s = Trim(s.substr(4));
  std::vector<std::string_view> fields;
  while (!s.empty()) {
    size_t space = 0;
    while (space < s.size() && !IsSpace(s[space])) ++space;
    fields.push_back(s.substr(0, space));
    s = Trim(s.substr(space));
  }
  if (fields.size() != 5) return std::nullopt;
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  int64_t month = 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (EqualsIgnoreCase(fields[1], kMonths[i])) month = static_cast<int64_t>(i) + 1;
  }
  const std::string_view zone = fields[4];
  if (month == 0 || fields[0].size() > 2 || fields[2].size() != 4 || fields[3].size() != 8 ||
      fields[3][2] != ':' || fields[3][5] != ':' ||
      !(zone == "GMT" || zone == "UTC" || zone == "Z" || zone == "+0000" || zone == "-0000")) {
    return std::nullopt;
  }
  std::optional<int64_t> d = ParseDecimal(fields[0]);
  std::optional<int64_t> y = ParseDecimal(fields[2]);
  std::optional<int64_t> h = ParseDecimal(fields[3].substr(0, 2));
  std::optional<int64_t> mi = ParseDecimal(fields[3].substr(3, 2));
  std::optional<int64_t> sec = ParseDecimal(fields[3].substr(6, 2));
  if (!d || !y || !h || !mi || !sec) return std::nullopt;
  return MakeTime(*y, month, *d, *h, *mi, *sec);
}

std::string CredentialScope::Scope() const {
  std::string out = date;
  out.push_back('/');
  out += region;
  out.push_back('/');
  out += service;
  out.push_back('/');
  out += terminator;
  return out;
}

common::Result<CredentialScope> ParseCredential(std::string_view credential) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t slash = credential.find('/');
    parts.push_back(credential.substr(0, slash));
    if (slash == std::string_view::npos) break;
    credential.remove_prefix(slash + 1);
  }
  if (parts.size() != 5 ||
      std::any_of(parts.begin(), parts.end(), [](std::string_view p) { return p.empty(); })) {
    return Malformed("the Credential is mal-formed");
  }
  return CredentialScope{std::string(parts[0]), std::string(parts[1]), std::string(parts[2]),
                         std::string(parts[3]), std::string(parts[4])};
}

common::Result<AuthorizationHeader> ParseAuthorization(std::string_view value) {
  value = Trim(value);
  size_t scheme_end = 0;
  while (scheme_end < value.size() && !IsSpace(value[scheme_end]) && value[scheme_end] != ',') {
    ++scheme_end;
  }
  const std::string_view scheme = value.substr(0, scheme_end);
  if (scheme != kAlgorithm) {
    if (scheme.starts_with("AWS4-")) {
      return Malformed(std::string(kHeaderMalformedPrefix) +
                       "the algorithm must be AWS4-HMAC-SHA256.");
    }
    return Malformed(std::string(kUnsupportedMechanism));
  }

  // Drop whitespace around '=', then split on ',' and whitespace: no
  // component value contains either.
  const std::string_view rest = value.substr(scheme_end);
  std::string normalised;
  normalised.reserve(rest.size());
  for (size_t i = 0; i < rest.size(); ++i) {
    if (!IsSpace(rest[i])) {
      normalised.push_back(rest[i]);
      continue;
    }
    size_t j = i;
    while (j < rest.size() && IsSpace(rest[j])) ++j;
    const bool next_is_eq = j < rest.size() && rest[j] == '=';
    const bool prev_is_eq = !normalised.empty() && normalised.back() == '=';
    if (!next_is_eq && !prev_is_eq) normalised.push_back(' ');
    i = j - 1;
  }

  std::optional<std::string> credential, signed_headers, signature;
  std::string_view tokens = normalised;
  while (!tokens.empty()) {
    size_t sep = tokens.find_first_of(", ");
    std::string_view token = tokens.substr(0, sep);
    tokens = sep == std::string_view::npos ? std::string_view() : tokens.substr(sep + 1);
    if (token.empty()) continue;
    size_t eq = token.find('=');
    std::string_view key = token.substr(0, eq);
    std::optional<std::string>* slot = key == "Credential"      ? &credential
                                       : key == "SignedHeaders" ? &signed_headers
                                       : key == "Signature"     ? &signature
                                                                : nullptr;
    if (eq == std::string_view::npos || eq + 1 == token.size() || slot == nullptr ||
        slot->has_value()) {
      return Malformed(std::string(kHeaderMalformedPrefix) + "the authorization component \"" +
                       std::string(token) + "\" is malformed.");
    }
    *slot = std::string(token.substr(eq + 1));
  }
  if (!credential || !signed_headers || !signature) {
    return Malformed(std::string(kHeaderMalformedPrefix) +
                     "the authorization header requires three components: Credential, "
                     "SignedHeaders, and Signature.");
  }
  return AuthorizationHeader{std::move(*credential), std::move(*signed_headers),
                             std::move(*signature)};
}

std::optional<std::vector<std::string>> ParseSignedHeaders(std::string_view value) {
  std::vector<std::string> names;
  while (true) {
    size_t semi = value.find(';');
    std::string_view name = Trim(value.substr(0, semi));
    if (name.empty()) return std::nullopt;
    names.push_back(ToLower(name));
    if (semi == std::string_view::npos) break;
    value.remove_prefix(semi + 1);
  }
  return names;
}

}  // namespace internal

bool HasSigV4(const SignableRequest& request) {
  if (internal::CountHeader(request, "authorization") > 0) return true;
  for (const auto& [name, value] : internal::ParseQuery(request.query)) {
    if (internal::IsPresignMarker(name) || name == "AWSAccessKeyId") return true;
  }
  return false;
}

common::Result<SigV4Result> Verify(const SignableRequest& request, const CredentialStore& store,
                                   const VerifyOptions& options) {
  using internal::Malformed;
  const std::vector<std::pair<std::string, std::string>> query =
      internal::ParseQuery(request.query);
  const bool query_auth = std::any_of(
      query.begin(), query.end(), [](const auto& p) { return internal::IsPresignMarker(p.first); });
  const size_t header_count = internal::CountHeader(request, "authorization");
  if (header_count > 0 && query_auth) {
    return Malformed(
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature "
        "query string parameter or the Authorization header should be specified");
  }
  if (header_count > 1) {
    return Malformed(std::string(internal::kHeaderMalformedPrefix) +
                     "more than one Authorization header.");
  }
  if (header_count == 1) {
    return internal::VerifyHeader(request, *internal::FindHeader(request, "authorization"), store,
                                  options);
  }
  if (query_auth) return internal::VerifyPresigned(request, query, store, options);
  if (std::any_of(query.begin(), query.end(),
                  [](const auto& p) { return p.first == "AWSAccessKeyId"; })) {
    return Malformed(std::string(internal::kUnsupportedMechanism));
  }
  return common::Status(common::ErrorCode::kUnauthenticated, "The request is not signed.");
}

void Sign(SignableRequest& request, const Credentials& credentials, std::string_view region,
          std::string_view service, std::chrono::system_clock::time_point now, bool s3) {
  using namespace internal;
  RemoveHeader(request, "authorization");
  RemoveHeader(request, "x-amz-date");
  const std::string amz_date = AmzDate(now);
  request.headers.emplace_back("X-Amz-Date", amz_date);
  if (!credentials.session_token.empty()) {
    RemoveHeader(request, "x-amz-security-token");
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  const std::string payload_hash =
      request.payload_hash.empty() ? std::string(kEmptySha256) : request.payload_hash;
  if (s3) {
    RemoveHeader(request, "x-amz-content-sha256");
    request.headers.emplace_back("X-Amz-Content-SHA256", payload_hash);
  }

  const CredentialScope scope{credentials.access_key_id, amz_date.substr(0, 8), std::string(region),
                              std::string(service), std::string(kTerminator)};
  const std::vector<std::string> signed_headers = HeadersToSign(request);
  const std::string signed_list = JoinSignedHeaders(signed_headers);
  const std::string canonical = CanonicalRequest(
      request.method, CanonicalUri(request.path, s3), CanonicalQueryString(request.query, false),
      CanonicalHeaders(request, signed_headers), signed_list, payload_hash);
  Signed s = ComputeSignature(credentials.secret_access_key, scope, amz_date, canonical);
  OPENSSL_cleanse(s.signing_key.data(), s.signing_key.size());
  request.headers.emplace_back(
      "Authorization", std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" +
                           scope.Scope() + ", SignedHeaders=" + signed_list +
                           ", Signature=" + s.signature);
}

std::string Presign(const SignableRequest& request, const Credentials& credentials,
                    std::string_view region, std::string_view service,
                    std::chrono::system_clock::time_point now, std::chrono::seconds expires) {
  using namespace internal;
  const bool s3 = service == "s3";
  const std::string amz_date = AmzDate(now);
  const CredentialScope scope{credentials.access_key_id, amz_date.substr(0, 8), std::string(region),
                              std::string(service), std::string(kTerminator)};
  const std::vector<std::string> signed_headers = HeadersToSign(request);
  const std::string signed_list = JoinSignedHeaders(signed_headers);

  std::vector<std::pair<std::string, std::string>> params = ParseQuery(request.query);
  std::erase_if(params, [](const auto& p) {
    return p.first == "X-Amz-Algorithm" || p.first == "X-Amz-Credential" ||
           p.first == "X-Amz-Date" || p.first == "X-Amz-Expires" ||
           p.first == "X-Amz-SignedHeaders" || p.first == "X-Amz-Signature" ||
           p.first == "X-Amz-Security-Token";
  });
  std::optional<std::string> query_content_sha256;
  for (const auto& [name, value] : params) {
    if (name == "X-Amz-Content-Sha256") query_content_sha256 = value;
  }
  params.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  params.emplace_back("X-Amz-Credential", credentials.access_key_id + "/" + scope.Scope());
  params.emplace_back("X-Amz-Date", amz_date);
  params.emplace_back("X-Amz-Expires", std::to_string(expires.count()));
  params.emplace_back("X-Amz-SignedHeaders", signed_list);
  if (!credentials.session_token.empty()) {
    params.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  const std::string canonical_query = CanonicalQueryFromPairs(params, /*drop_signature=*/false);
  const std::string canonical =
      CanonicalRequest(request.method, CanonicalUri(request.path, s3), canonical_query,
                       CanonicalHeaders(request, signed_headers), signed_list,
                       PresignedPayloadHash(request, query_content_sha256, s3));
  Signed s = ComputeSignature(credentials.secret_access_key, scope, amz_date, canonical);
  OPENSSL_cleanse(s.signing_key.data(), s.signing_key.size());
  return canonical_query + "&X-Amz-Signature=" + s.signature;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) {
    STRATUS_BUG("EVP_Digest(SHA-256) failed");
    return std::string();
  }
  return internal::HexEncode(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  // HMAC hashes keys longer than the block size anyway; doing it here keeps
  // the length within HMAC()'s int.
  std::string hashed_key;
  if (key.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(key.data(), key.size(), md, &len, EVP_sha256(), nullptr);
    hashed_key.assign(reinterpret_cast<const char*>(md), len);
    key = hashed_key;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len) == nullptr) {
    STRATUS_BUG("HMAC-SHA256 failed");
    return std::string();
  }
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string AmzDate(std::chrono::system_clock::time_point t) {
  return internal::FormatAmzDate(std::chrono::floor<std::chrono::seconds>(t));
}

std::string UriEncode(std::string_view s, bool encode_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved || (c == '/' && !encode_slash)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xf]);
    }
  }
  return out;
}

}  // namespace auth
