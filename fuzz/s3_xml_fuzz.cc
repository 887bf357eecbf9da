// libFuzzer target for the S3 XML codecs (src/api/s3/xml/): every request body
// parser, and XmlWriter's escaping.
//
// Input grammar: the raw bytes are one request body, given as they are to every
// parser: ParseCreateBucketConfiguration, ParseDelete,
// ParseCompleteMultipartUpload, ParseVersioningConfiguration, ParseTagging
// (object and bucket limits), ParseCorsConfiguration,
// ParsePublicAccessBlockConfiguration, ParseReplicationConfiguration,
// ParseNotificationConfiguration.
//
// Properties checked beyond "no crash, leak or UB":
//   1. A parser fails only with kInvalidArgument (with a reason) or kTooLarge.
//   2. What a parser accepts, XmlWriter renders back to a document the parser
//      reads to the same values (Delete, Tagging, CORS).
//   3. Any text XML can hold (non-empty UTF-8 without NUL, U+FFFE or U+FFFF;
//      control characters included, as S3 allows them in keys) survives
//      XmlWriter -> ParseDelete unchanged, as a key and as a version id.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "api/s3/xml/request_codecs.h"
#include "api/s3/xml/xml_writer.h"

namespace {

using api::s3::XmlWriter;
using common::ErrorCode;

template <typename T>
void CheckFailure(const common::Result<T>& r) {
  if (r.ok()) return;
  const common::Status st = r.status();
  if (st.code() == ErrorCode::kTooLarge) return;
  if (st.code() != ErrorCode::kInvalidArgument || st.reason().empty()) std::abort();
}

// Non-empty, valid UTF-8, and every code point one XML can carry (directly or
// as a reference): not NUL, U+FFFE or U+FFFF.
bool XmlRepresentable(std::string_view s) {
  if (s.empty()) return false;
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      return false;
    }
    if (s.size() - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (cp == 0 || cp == 0xFFFE || cp == 0xFFFF) return false;
    i += len;
  }
  return true;
}

std::string RenderDelete(const api::s3::DeleteRequest& d) {
  XmlWriter w;
  w.Declaration();
  w.Open("Delete", api::s3::kS3Namespace);
  for (const auto& o : d.objects) {
    w.Open("Object");
    w.Element("Key", o.key);
    w.ElementIfNotEmpty("VersionId", o.version_id);
    w.Close();
  }
  w.Element("Quiet", d.quiet);
  return w.Take();
}

void CheckDelete(std::string_view body) {
  common::Result<api::s3::DeleteRequest> d = api::s3::ParseDelete(body);
  CheckFailure(d);
  if (!d.ok()) return;
  const std::string rendered = RenderDelete(*d);
  if (rendered.size() > api::s3::kMaxDeleteBody) return;  // escaping may grow text
  common::Result<api::s3::DeleteRequest> again = api::s3::ParseDelete(rendered);
  if (!again.ok() || again->objects != d->objects || again->quiet != d->quiet) std::abort();
}

void CheckTagging(std::string_view body, size_t max_tags) {
  common::Result<service::objects::Tags> tags = api::s3::ParseTagging(body, max_tags);
  CheckFailure(tags);
  if (!tags.ok()) return;
  XmlWriter w;
  w.Open("Tagging");
  w.Open("TagSet");
  for (const auto& [key, value] : *tags) {
    w.Open("Tag");
    w.Element("Key", key);
    w.Element("Value", value);
    w.Close();
  }
  const std::string rendered = w.Take();
  if (rendered.size() > api::s3::kMaxTaggingBody) return;
  common::Result<service::objects::Tags> again = api::s3::ParseTagging(rendered, max_tags);
  if (!again.ok() || *again != *tags) std::abort();
}

void CheckCors(std::string_view body) {
  common::Result<std::vector<service::objects::CorsRule>> rules =
      api::s3::ParseCorsConfiguration(body);
  CheckFailure(rules);
  if (!rules.ok()) return;
  XmlWriter w;
  w.Open("CORSConfiguration", api::s3::kS3Namespace);
  for (const auto& rule : *rules) {
    w.Open("CORSRule");
    w.ElementIfNotEmpty("ID", rule.id);
    for (const auto& v : rule.allowed_headers) w.Element("AllowedHeader", v);
    for (const auto& v : rule.allowed_methods) w.Element("AllowedMethod", v);
    for (const auto& v : rule.allowed_origins) w.Element("AllowedOrigin", v);
    for (const auto& v : rule.expose_headers) w.Element("ExposeHeader", v);
    if (rule.max_age_seconds) w.Element("MaxAgeSeconds", *rule.max_age_seconds);
    w.Close();
  }
  const std::string rendered = w.Take();
  if (rendered.size() > api::s3::kMaxCorsBody) return;
  common::Result<std::vector<service::objects::CorsRule>> again =
      api::s3::ParseCorsConfiguration(rendered);
  if (!again.ok() || *again != *rules) std::abort();
}

// Property 3: the input as a key and a version id.
void CheckTextRoundTrip(std::string_view text) {
  if (!XmlRepresentable(text)) return;
  api::s3::DeleteRequest d;
  d.objects.push_back({std::string(text), std::string(text)});
  const std::string rendered = RenderDelete(d);
  if (rendered.size() > api::s3::kMaxDeleteBody) return;
  common::Result<api::s3::DeleteRequest> parsed = api::s3::ParseDelete(rendered);
  if (!parsed.ok() || parsed->objects != d.objects) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  CheckFailure(api::s3::ParseCreateBucketConfiguration(body));
  CheckDelete(body);
  CheckFailure(api::s3::ParseCompleteMultipartUpload(body));
  CheckFailure(api::s3::ParseVersioningConfiguration(body));
  CheckTagging(body, api::s3::kMaxObjectTags);
  CheckTagging(body, api::s3::kMaxBucketTags);
  CheckCors(body);
  CheckFailure(api::s3::ParsePublicAccessBlockConfiguration(body));
  CheckFailure(api::s3::ParseReplicationConfiguration(body));
  CheckFailure(api::s3::ParseNotificationConfiguration(body));

  CheckTextRoundTrip(body);
  return 0;
}
