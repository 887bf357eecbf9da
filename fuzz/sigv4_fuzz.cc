// libFuzzer target for SigV4 verification (src/auth/sigv4.h).
//
// Input grammar (bytes after the first are split on '\n'):
//   flags:u8  authorization '\n' query '\n' path ('\n' header-name ':' value)*
// flags bit 0: method PUT instead of GET; bit 1: empty payload_hash;
//       bit 2: S3 rules; bit 3: Sign then Verify; bit 4: Presign then Verify.
//
// Verify must never crash on any input. For the Sign/Presign round trips the
// target also checks a property: a request we signed ourselves verifies,
// whenever it is one an HTTP parser could have delivered (token header names)
// and the fuzzer did not add auth material of its own.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "auth/credentials.h"
#include "auth/sigv4.h"
#include "auth/sigv4_internal.h"

namespace {

constexpr char kKeyId[] = "AKIAFUZZ000000000001";
constexpr char kSecret[] = "fuzz/secret+key";
constexpr char kAmzDate[] = "20261122T050000Z";

const auth::CredentialStore& Store() {
  static const auth::CredentialStore* store = [] {
    auto* s = new auth::CredentialStore();
    s->Add({kKeyId, kSecret, ""}, "arn:aws:iam::000000000000:user/fuzz");
    return s;
  }();
  return *store;
}

std::vector<std::string_view> Split(std::string_view in, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    size_t pos = in.find(sep);
    out.push_back(in.substr(0, pos));
    if (pos == std::string_view::npos) return out;
    in.remove_prefix(pos + 1);
  }
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

// A header name an HTTP/1.1 parser accepts and that Sign does not replace.
bool PlainHeaderName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return !IEquals(name, "authorization") && !IEquals(name, "x-amz-date") &&
         !IEquals(name, "x-amz-content-sha256");
}

// No parameter that selects or alters query authentication.
bool PlainQuery(std::string_view query) {
  for (const auto& [name, value] : auth::internal::ParseQuery(query)) {
    if (name == "X-Amz-Algorithm" || name == "X-Amz-Credential" || name == "X-Amz-Signature" ||
        name == "X-Amz-Content-Sha256" || name == "AWSAccessKeyId") {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::vector<std::string_view> fields = Split(input, '\n');

  auth::SignableRequest request;
  request.method = (flags & 1) ? "PUT" : "GET";
  request.query = fields.size() > 1 ? std::string(fields[1]) : std::string();
  request.path = fields.size() > 2 ? std::string(fields[2]) : std::string("/");
  request.headers.emplace_back("Host", "fuzz.localhost:9000");
  request.headers.emplace_back("x-amz-date", kAmzDate);
  bool plain_headers = true;
  for (size_t i = 3; i < fields.size(); ++i) {
    size_t colon = fields[i].find(':');
    std::string_view name = fields[i].substr(0, colon);
    std::string_view value =
        colon == std::string_view::npos ? std::string_view() : fields[i].substr(colon + 1);
    plain_headers = plain_headers && PlainHeaderName(name);
    request.headers.emplace_back(std::string(name), std::string(value));
  }
  request.payload_hash = (flags & 2) ? "" : auth::Sha256Hex("");

  auth::VerifyOptions options;
  options.region = "us-east-1";
  options.now = std::chrono::sys_seconds(*auth::internal::ParseAmzDate(kAmzDate));
  options.s3 = (flags & 4) != 0;

  // Arbitrary credentials: must fail cleanly (or, by luck, verify).
  auth::SignableRequest with_auth = request;
  if (!fields[0].empty()) with_auth.headers.emplace_back("Authorization", std::string(fields[0]));
  (void)auth::HasSigV4(with_auth);
  (void)auth::Verify(with_auth, Store(), options);

  // The parsers on raw input.
  (void)auth::internal::ParseAuthorization(fields[0]);
  (void)auth::internal::ParseHttpDate(fields[0]);
  (void)auth::internal::ParseAmzDate(fields[0]);
  (void)auth::internal::CanonicalUri(request.path, false);

  const bool plain = plain_headers && PlainQuery(request.query);
  const auth::Credentials credentials{kKeyId, kSecret, ""};
  const char* service = options.s3 ? "s3" : "fuzzservice";

  if (flags & 8) {
    auth::SignableRequest signed_request = request;
    auth::Sign(signed_request, credentials, "us-east-1", service, options.now, options.s3);
    common::Result<auth::SigV4Result> v = auth::Verify(signed_request, Store(), options);
    if (plain && !v.ok()) std::abort();
  }
  if (flags & 16) {
    auth::SignableRequest presigned = request;
    presigned.query = auth::Presign(presigned, credentials, "us-east-1", service, options.now,
                                    std::chrono::seconds(3600));
    common::Result<auth::SigV4Result> v = auth::Verify(presigned, Store(), options);
    if (plain && !v.ok()) std::abort();
  }
  return 0;
}
