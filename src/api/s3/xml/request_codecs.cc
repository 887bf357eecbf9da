#include "api/s3/xml/request_codecs.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <unordered_set>
#include <utility>

#include <pugixml.hpp>

namespace api::s3 {
namespace {

using common::ErrorCode;
using common::Result;
using common::Status;
using service::objects::CorsRule;
using service::objects::PublicAccessBlock;
using service::objects::Tags;

constexpr char kMalformedMessage[] =
    "The XML you provided was not well-formed or did not validate against our published schema";

Status Malformed() { return Status(ErrorCode::kInvalidArgument, kMalformedMessage, "MalformedXML"); }

Status TooBig() {
  return Status(ErrorCode::kTooLarge, "Your request was too big.", "MaxMessageLengthExceeded");
}

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (!IsXmlSpace(c)) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsXmlSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsXmlSpace(s.back())) s.remove_suffix(1);
  return s;
}

// ---------------------------------------------------------------------------
// Checks pugixml leaves out. pugixml is deliberately lenient: it accepts raw
// control characters, several root elements, text outside the root, unknown
// entity references (kept as literal text) and &#0; (which ends the C string it
// decodes into). So before pugixml sees a document, ScanDocument checks:
//   - the bytes are UTF-8 without overlong forms, surrogates, U+FFFE/U+FFFF or
//     control characters other than tab, LF and CR;
//   - every '&' starts &amp; &lt; &gt; &quot; &apos; or a character reference to
//     a code point in 1..0x10FFFF other than a surrogate, U+FFFE, U+FFFF;
//   - there is no <!DOCTYPE (nor any <! other than a comment or CDATA), so no
//     entity can be declared, expanded, or fetched;
//   - exactly one root element, with only white space, comments and
//     processing instructions around it.
// pugixml then checks the rest (names, nesting, attributes).

bool ValidCharacters(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
      ++i;
      continue;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
    } else {
      return false;
    }
    if (n - i < len) return false;
    if (p[i + 1] < lo || p[i + 1] > hi) return false;
    for (size_t k = 2; k < len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return false;
    }
    // U+FFFE and U+FFFF are not XML characters.
    if (c == 0xEF && p[i + 1] == 0xBF && (p[i + 2] == 0xBE || p[i + 2] == 0xBF)) return false;
    i += len;
  }
  return true;
}

// The length of the reference starting at s[amp] == '&', or 0 if it is not one
// this reader accepts.
size_t ReferenceLength(std::string_view s, size_t amp) {
  const std::string_view rest = s.substr(amp + 1);
  for (std::string_view name : {"amp;", "lt;", "gt;", "quot;", "apos;"}) {
    if (rest.starts_with(name)) return 1 + name.size();
  }
  if (!rest.starts_with('#')) return 0;
  size_t i = 1;
  uint32_t base = 10;
  if (i < rest.size() && rest[i] == 'x') {
    base = 16;
    ++i;
  }
  uint32_t value = 0;
  size_t digits = 0;
  for (; i < rest.size() && rest[i] != ';'; ++i, ++digits) {
    const char c = rest[i];
    uint32_t d;
    if (c >= '0' && c <= '9') {
      d = static_cast<uint32_t>(c - '0');
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      d = static_cast<uint32_t>(c - 'a' + 10);
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      d = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return 0;
    }
    value = value * base + d;
    if (value > 0x10FFFF) return 0;
  }
  if (i == rest.size() || digits == 0) return 0;
  if (value == 0 || (value >= 0xD800 && value <= 0xDFFF) || value == 0xFFFE || value == 0xFFFF) {
    return 0;
  }
  return 1 + i + 1;  // '&', "#...", ';'
}

Status ScanDocument(std::string_view s) {
  if (!ValidCharacters(s)) return Malformed();
  size_t i = 0;
  size_t depth = 0;
  int roots = 0;
  // Moves past the next `end` at or after `from`; false if there is none.
  auto skip_past = [&](std::string_view end, size_t from) {
    const size_t at = s.find(end, from);
    if (at == std::string_view::npos) return false;
    i = at + end.size();
    return true;
  };
  while (i < s.size()) {
    const char c = s[i];
    if (c == '<') {
      const std::string_view rest = s.substr(i);
      if (rest.starts_with("<?")) {
        if (!skip_past("?>", i + 2)) return Malformed();
        continue;
      }
      if (rest.starts_with("<!--")) {
        if (!skip_past("-->", i + 4)) return Malformed();
        continue;
      }
      if (rest.starts_with("<![CDATA[")) {
        if (depth == 0 || !skip_past("]]>", i + 9)) return Malformed();
        continue;
      }
      if (rest.starts_with("<!")) return Malformed();  // <!DOCTYPE and the like
      const bool end_tag = rest.starts_with("</");
      if (!end_tag && depth == 0 && ++roots > 1) return Malformed();
      // The tag ends at the first '>' outside a quoted attribute value.
      char quote = 0;
      size_t j = i + 1;
      for (; j < s.size(); ++j) {
        const char t = s[j];
        if (quote != 0) {
          if (t == quote) {
            quote = 0;
          } else if (t == '<') {
            return Malformed();
          } else if (t == '&') {
            const size_t len = ReferenceLength(s, j);
            if (len == 0) return Malformed();
            j += len - 1;
          }
        } else if (t == '"' || t == '\'') {
          quote = t;
        } else if (t == '>') {
          break;
        } else if (t == '<' || t == '&') {
          return Malformed();
        }
      }
      if (j == s.size()) return Malformed();
      if (end_tag) {
        if (depth == 0) return Malformed();
        --depth;
      } else if (s[j - 1] != '/') {
        ++depth;
      }
      i = j + 1;
      continue;
    }
    if (c == '&') {
      const size_t len = depth == 0 ? 0 : ReferenceLength(s, i);
      if (len == 0) return Malformed();
      i += len;
      continue;
    }
    if (depth == 0 && !IsXmlSpace(c)) return Malformed();
    ++i;
  }
  if (depth != 0 || roots != 1) return Malformed();
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// Reading the tree.

// pugixml's defaults (entities and character references decoded, CDATA kept,
// line ends normalised) plus white-space-only text kept, so that a key of " "
// survives; doctype nodes are kept only so that LoadRoot can refuse them too.
constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_ws_pcdata | pugi::parse_doctype;

std::string_view LocalName(pugi::xml_node n) {
  std::string_view name = n.name();
  const size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// Parses `body` into `doc` and returns its root element, which must be named
// `root_name` (in any namespace).
Result<pugi::xml_node> LoadRoot(pugi::xml_document& doc, std::string_view body,
                                std::string_view root_name, size_t limit) {
  if (body.size() > limit) return TooBig();
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);  // a UTF-8 byte order mark
  if (Status st = ScanDocument(body); !st.ok()) return st;
  const pugi::xml_parse_result parsed =
      doc.load_buffer(body.data(), body.size(), kParseOptions, pugi::encoding_utf8);
  if (!parsed) return Malformed();
  pugi::xml_node root;
  for (pugi::xml_node n : doc.children()) {
    switch (n.type()) {
      case pugi::node_element:
        if (root) return Malformed();
        root = n;
        break;
      case pugi::node_pcdata:
        if (!IsBlank(n.value())) return Malformed();
        break;
      case pugi::node_doctype:
        return Malformed();
      default:
        break;
    }
  }
  if (!root || LocalName(root) != root_name) return Malformed();
  return root;
}

// Calls visit(child) for each element child of `parent`, in order, stopping at
// the first error. Text other than white space among them is malformed.
template <typename Visit>
Status ForEachElement(pugi::xml_node parent, Visit&& visit) {
  for (pugi::xml_node n : parent.children()) {
    switch (n.type()) {
      case pugi::node_element:
        if (Status st = visit(n); !st.ok()) return st;
        break;
      case pugi::node_pcdata:
      case pugi::node_cdata:
        if (!IsBlank(n.value())) return Malformed();
        break;
      default:
        break;
    }
  }
  return Status::Ok();
}

// The text of a leaf element: its character data and CDATA sections joined (a
// comment may split them). An element inside it is malformed.
Result<std::string> LeafText(pugi::xml_node n) {
  std::string out;
  for (pugi::xml_node c : n.children()) {
    switch (c.type()) {
      case pugi::node_pcdata:
      case pugi::node_cdata:
        out += c.value();
        break;
      case pugi::node_element:
        return Malformed();
      default:
        break;
    }
  }
  return out;
}

// Stores the text of `n` in `slot`, which must still be empty: a single-valued
// element given twice is malformed.
Status SetOnce(std::optional<std::string>& slot, pugi::xml_node n) {
  if (slot.has_value()) return Malformed();
  Result<std::string> text = LeafText(n);
  if (!text.ok()) return text.status();
  slot = std::move(text).value();
  return Status::Ok();
}

// Appends the text of `n` to `list`.
Status Append(std::vector<std::string>& list, pugi::xml_node n) {
  Result<std::string> text = LeafText(n);
  if (!text.ok()) return text.status();
  list.push_back(std::move(text).value());
  return Status::Ok();
}

// xsd:integer within int64, optionally signed, surrounded by white space.
std::optional<int64_t> ParseInt(std::string_view s) {
  s = Trim(s);
  if (s.starts_with('+')) {
    s.remove_prefix(1);
    if (s.starts_with('-')) return std::nullopt;
  }
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// xsd:boolean: true, false, 1, 0, surrounded by white space.
std::optional<bool> ParseBool(std::string_view s) {
  s = Trim(s);
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  return std::nullopt;
}

// The number of UTF-16 code units of valid UTF-8 `s`.
size_t Utf16Length(std::string_view s) {
  size_t units = 0;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) != 0x80) ++units;  // a lead byte: one code point
    if (c >= 0xF0) ++units;           // beyond the BMP: a surrogate pair
  }
  return units;
}

// S3's tag alphabet: letters, digits, white space and _ . : / = + @ -. ASCII is
// checked; other characters are let through (see the header).
bool ValidTagText(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) continue;
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == ' ' || c == '_' || c == '.' || c == ':' || c == '/' || c == '=' ||
                    c == '+' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status InvalidTag(std::string message) {
  return Status(ErrorCode::kInvalidArgument, std::move(message), "InvalidTag");
}

}  // namespace

Result<std::string> ParseCreateBucketConfiguration(std::string_view body) {
  if (body.size() > kMaxCreateBucketBody) return TooBig();
  if (IsBlank(body)) return std::string();
  pugi::xml_document doc;
  Result<pugi::xml_node> root =
      LoadRoot(doc, body, "CreateBucketConfiguration", kMaxCreateBucketBody);
  if (!root.ok()) return root.status();
  std::optional<std::string> location;
  Status st = ForEachElement(*root, [&](pugi::xml_node n) {
    if (LocalName(n) == "LocationConstraint") return SetOnce(location, n);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return location.value_or(std::string());
}

Result<DeleteRequest> ParseDelete(std::string_view body) {
  pugi::xml_document doc;
  Result<pugi::xml_node> root = LoadRoot(doc, body, "Delete", kMaxDeleteBody);
  if (!root.ok()) return root.status();
  DeleteRequest out;
  std::optional<std::string> quiet;
  Status st = ForEachElement(*root, [&](pugi::xml_node n) {
    const std::string_view name = LocalName(n);
    if (name == "Quiet") return SetOnce(quiet, n);
    if (name != "Object") return Status::Ok();
    if (out.objects.size() == kMaxDeleteObjects) return Malformed();
    std::optional<std::string> key;
    std::optional<std::string> version;
    Status fields = ForEachElement(n, [&](pugi::xml_node c) {
      const std::string_view field = LocalName(c);
      if (field == "Key") return SetOnce(key, c);
      if (field == "VersionId") return SetOnce(version, c);
      return Status::Ok();
    });
    if (!fields.ok()) return fields;
    if (!key.has_value() || key->empty()) return Malformed();
    out.objects.push_back({std::move(*key), version.value_or(std::string())});
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (out.objects.empty()) return Malformed();
  if (quiet.has_value()) {
    std::optional<bool> q = ParseBool(*quiet);
    if (!q.has_value()) return Malformed();
    out.quiet = *q;
  }
  return out;
}

Result<std::vector<CompletedPart>> ParseCompleteMultipartUpload(std::string_view body) {
  pugi::xml_document doc;
  Result<pugi::xml_node> root =
      LoadRoot(doc, body, "CompleteMultipartUpload", kMaxCompleteMultipartBody);
  if (!root.ok()) return root.status();
  std::vector<CompletedPart> parts;
  bool bad_number = false;  // a PartNumber out of range, reported after the schema checks
  Status st = ForEachElement(*root, [&](pugi::xml_node n) {
    if (LocalName(n) != "Part") return Status::Ok();
    if (parts.size() == kMaxParts) return Malformed();
    std::optional<std::string> number;
    std::optional<std::string> etag;
    CompletedPart part;
    Status fields = ForEachElement(n, [&](pugi::xml_node c) {
      const std::string_view field = LocalName(c);
      if (field == "PartNumber") return SetOnce(number, c);
      if (field == "ETag") return SetOnce(etag, c);
      if (field.size() > 8 && field.starts_with("Checksum")) {
        Result<std::string> value = LeafText(c);
        if (!value.ok()) return value.status();
        if (!part.checksums.emplace(std::string(field), std::move(value).value()).second) {
          return Malformed();
        }
      }
      return Status::Ok();
    });
    if (!fields.ok()) return fields;
    if (!number.has_value() || !etag.has_value()) return Malformed();
    std::optional<int64_t> value = ParseInt(*number);
    if (!value.has_value()) return Malformed();
    if (*value < 1 || *value > static_cast<int64_t>(kMaxParts)) {
      bad_number = true;
    } else {
      part.part_number = static_cast<int>(*value);
    }
    std::string_view tag = Trim(*etag);
    if (tag.starts_with('"')) tag.remove_prefix(1);
    if (tag.ends_with('"')) tag.remove_suffix(1);
    part.etag = std::string(tag);
    parts.push_back(std::move(part));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (parts.empty()) return Malformed();
  if (bad_number) {
    return Status(ErrorCode::kInvalidArgument,
                  "Part number must be an integer between 1 and 10000, inclusive",
                  "InvalidArgument");
  }
  return parts;
}

Result<VersioningConfiguration> ParseVersioningConfiguration(std::string_view body) {
  pugi::xml_document doc;
  Result<pugi::xml_node> root = LoadRoot(doc, body, "VersioningConfiguration", kMaxVersioningBody);
  if (!root.ok()) return root.status();
  std::optional<std::string> status;
  std::optional<std::string> mfa_delete;
  Status st = ForEachElement(*root, [&](pugi::xml_node n) {
    const std::string_view name = LocalName(n);
    if (name == "Status") return SetOnce(status, n);
    if (name == "MfaDelete") return SetOnce(mfa_delete, n);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  VersioningConfiguration out;
  if (status.has_value()) {
    if (*status != "Enabled" && *status != "Suspended") return Malformed();
    out.status = std::move(*status);
  }
  if (mfa_delete.has_value()) {
    if (*mfa_delete != "Enabled" && *mfa_delete != "Disabled") return Malformed();
    out.mfa_delete = std::move(*mfa_delete);
  }
  return out;
}

Result<Tags> ParseTagging(std::string_view body, size_t max_tags) {
  pugi::xml_document doc;
  Result<pugi::xml_node> root = LoadRoot(doc, body, "Tagging", kMaxTaggingBody);
  if (!root.ok()) return root.status();
  Tags tags;
  bool have_set = false;
  Status st = ForEachElement(*root, [&](pugi::xml_node set) {
    if (LocalName(set) != "TagSet") return Status::Ok();
    if (have_set) return Malformed();
    have_set = true;
    return ForEachElement(set, [&](pugi::xml_node tag) {
      if (LocalName(tag) != "Tag") return Status::Ok();
      std::optional<std::string> key;
      std::optional<std::string> value;
      Status fields = ForEachElement(tag, [&](pugi::xml_node c) {
        const std::string_view field = LocalName(c);
        if (field == "Key") return SetOnce(key, c);
        if (field == "Value") return SetOnce(value, c);
        return Status::Ok();
      });
      if (!fields.ok()) return fields;
      if (!key.has_value() || !value.has_value()) return Malformed();
      tags.emplace_back(std::move(*key), std::move(*value));
      return Status::Ok();
    });
  });
  if (!st.ok()) return st;
  if (!have_set) return Malformed();

  const bool bucket = max_tags == kMaxBucketTags;
  if (tags.size() > max_tags) {
    return Status(ErrorCode::kInvalidArgument,
                  bucket ? "Bucket tag count cannot be greater than " + std::to_string(max_tags)
                         : "Object tags cannot be greater than " + std::to_string(max_tags),
                  "BadRequest");
  }
  std::unordered_set<std::string_view> seen;
  for (const auto& [key, value] : tags) {
    if (key.empty() || !ValidTagText(key)) return InvalidTag("The TagKey you have provided is invalid");
    if (!ValidTagText(value)) return InvalidTag("The TagValue you have provided is invalid");
    if (Utf16Length(key) > 128) return InvalidTag("The TagKey you have provided is too long, max 128");
    if (Utf16Length(value) > 256) {
      return InvalidTag("The TagValue you have provided is too long, max 256");
    }
    if (key.starts_with("aws:")) {
      return InvalidTag(bucket ? "System tags cannot be added/updated by requester"
                               : "Your TagKey cannot be prefixed with aws:");
    }
    if (!seen.insert(key).second) return InvalidTag("Cannot provide multiple Tags with the same key");
  }
  return tags;
}

Result<std::vector<CorsRule>> ParseCorsConfiguration(std::string_view body) {
  pugi::xml_document doc;
  Result<pugi::xml_node> root = LoadRoot(doc, body, "CORSConfiguration", kMaxCorsBody);
  if (!root.ok()) return root.status();
  std::vector<CorsRule> rules;
  Status st = ForEachElement(*root, [&](pugi::xml_node n) {
    if (LocalName(n) != "CORSRule") return Status::Ok();
    if (rules.size() == kMaxCorsRules) return Malformed();
    CorsRule rule;
    std::optional<std::string> id;
    std::optional<std::string> max_age;
    Status fields = ForEachElement(n, [&](pugi::xml_node c) {
      const std::string_view field = LocalName(c);
      if (field == "ID") return SetOnce(id, c);
      if (field == "AllowedOrigin") return Append(rule.allowed_origins, c);
      if (field == "AllowedMethod") return Append(rule.allowed_methods, c);
      if (field == "AllowedHeader") return Append(rule.allowed_headers, c);
      if (field == "ExposeHeader") return Append(rule.expose_headers, c);
      if (field == "MaxAgeSeconds") return SetOnce(max_age, c);
      return Status::Ok();
    });
    if (!fields.ok()) return fields;
    if (rule.allowed_origins.empty() || rule.allowed_methods.empty()) return Malformed();
    if (max_age.has_value()) {
      std::optional<int64_t> seconds = ParseInt(*max_age);
      if (!seconds.has_value() || *seconds < std::numeric_limits<int32_t>::min() ||
          *seconds > std::numeric_limits<int32_t>::max()) return Malformed();
      rule.max_age_seconds = *seconds;
    }
    rule.id = id.value_or(std::string());
    rules.push_back(std::move(rule));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (rules.empty()) return Malformed();

  auto invalid_request = [](std::string message) {
    return Status(ErrorCode::kInvalidArgument, std::move(message), "InvalidRequest");
  };
  auto wildcards = [](std::string_view s) {
    size_t count = 0;
    for (char c : s) count += c == '*';
    return count;
  };
  for (const CorsRule& rule : rules) {
    if (rule.id.size() > 255) {
      return Status(ErrorCode::kInvalidArgument, "ID length should not exceed allowed limit of 255",
                    "InvalidArgument");
    }
    for (const std::string& method : rule.allowed_methods) {
      if (method != "GET" && method != "PUT" && method != "POST" && method != "DELETE" &&
          method != "HEAD") {
        return invalid_request(
            "Found unsupported HTTP method in CORS config. Unsupported method is " + method);
      }
    }
    for (const std::string& origin : rule.allowed_origins) {
      if (wildcards(origin) > 1) {
        return invalid_request("AllowedOrigin \"" + origin +
                               "\" can not have more than one wildcard.");
      }
    }
    for (const std::string& header : rule.allowed_headers) {
      if (wildcards(header) > 1) {
        return invalid_request("AllowedHeader \"" + header +
                               "\" can not have more than one wildcard.");
      }
    }
  }
  return rules;
}

Result<PublicAccessBlock> ParsePublicAccessBlockConfiguration(std::string_view body) {
  pugi::xml_document doc;
  Result<pugi::xml_node> root =
      LoadRoot(doc, body, "PublicAccessBlockConfiguration", kMaxPublicAccessBlockBody);
  if (!root.ok()) return root.status();
  std::optional<std::string> values[4];
  static constexpr std::string_view kNames[4] = {"BlockPublicAcls", "IgnorePublicAcls",
                                                 "BlockPublicPolicy", "RestrictPublicBuckets"};
  Status st = ForEachElement(*root, [&](pugi::xml_node n) {
    const std::string_view name = LocalName(n);
    for (size_t i = 0; i < 4; ++i) {
      if (name == kNames[i]) return SetOnce(values[i], n);
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  bool flags[4] = {false, false, false, false};
  for (size_t i = 0; i < 4; ++i) {
    if (!values[i].has_value()) continue;
    std::optional<bool> b = ParseBool(*values[i]);
    if (!b.has_value()) return Malformed();
    flags[i] = *b;
  }
  PublicAccessBlock out;
  out.block_public_acls = flags[0];
  out.ignore_public_acls = flags[1];
  out.block_public_policy = flags[2];
  out.restrict_public_buckets = flags[3];
  return out;
}

namespace {

// <Status>Enabled|Disabled</Status> inside `n`; nullopt (and `st` set) when malformed.
Result<bool> StatusChild(pugi::xml_node n) {
  std::optional<std::string> status;
  STRATUS_RETURN_IF_ERROR(ForEachElement(n, [&](pugi::xml_node c) {
    return LocalName(c) == "Status" ? SetOnce(status, c) : Status::Ok();
  }));
  if (!status || (*status != "Enabled" && *status != "Disabled")) return Malformed();
  return *status == "Enabled";
}

Result<std::pair<std::string, std::string>> ParseReplicationTag(pugi::xml_node n) {
  std::optional<std::string> key, value;
  STRATUS_RETURN_IF_ERROR(ForEachElement(n, [&](pugi::xml_node c) {
    if (LocalName(c) == "Key") return SetOnce(key, c);
    if (LocalName(c) == "Value") return SetOnce(value, c);
    return Status::Ok();
  }));
  if (!key || !value) return Malformed();
  return std::make_pair(std::move(*key), std::move(*value));
}

Status ParseReplicationFilter(pugi::xml_node n, service::objects::ReplicationRule& rule) {
  using Form = service::objects::ReplicationRule::FilterForm;
  int parts = 0;
  std::optional<std::string> prefix;
  STRATUS_RETURN_IF_ERROR(ForEachElement(n, [&](pugi::xml_node c) -> Status {
    const std::string_view name = LocalName(c);
    if (name == "Prefix") {
      ++parts;
      rule.filter_form = Form::kPrefix;
      return SetOnce(prefix, c);
    }
    if (name == "Tag") {
      ++parts;
      rule.filter_form = Form::kTag;
      auto tag = ParseReplicationTag(c);
      if (!tag.ok()) return tag.status();
      rule.tags.push_back(std::move(tag).value());
      return Status::Ok();
    }
    if (name == "And") {
      ++parts;
      rule.filter_form = Form::kAnd;
      return ForEachElement(c, [&](pugi::xml_node a) -> Status {
        if (LocalName(a) == "Prefix") return SetOnce(prefix, a);
        if (LocalName(a) == "Tag") {
          auto tag = ParseReplicationTag(a);
          if (!tag.ok()) return tag.status();
          rule.tags.push_back(std::move(tag).value());
        }
        return Status::Ok();
      });
    }
    return Status::Ok();
  }));
  // A filter holds one of Prefix, Tag or And.
  if (parts > 1) return Malformed();
  if (parts == 0) rule.filter_form = Form::kEmpty;
  rule.prefix = prefix.value_or(std::string());
  return Status::Ok();
}

Status ParseReplicationDestination(pugi::xml_node n, service::objects::ReplicationRule& rule) {
  std::optional<std::string> bucket, account, storage_class;
  STRATUS_RETURN_IF_ERROR(ForEachElement(n, [&](pugi::xml_node c) -> Status {
    const std::string_view name = LocalName(c);
    if (name == "Bucket") return SetOnce(bucket, c);
    if (name == "Account") return SetOnce(account, c);
    if (name == "StorageClass") return SetOnce(storage_class, c);
    if (name == "ReplicationTime") {
      auto on = StatusChild(c);
      if (!on.ok()) return on.status();
      rule.replication_time = *on;
    }
    if (name == "Metrics") {
      auto on = StatusChild(c);
      if (!on.ok()) return on.status();
      rule.metrics = *on;
    }
    return Status::Ok();
  }));
  if (!bucket) return Malformed();
  rule.destination = std::move(*bucket);
  rule.destination_account = account.value_or(std::string());
  rule.storage_class = storage_class.value_or(std::string());
  return Status::Ok();
}

}  // namespace

Result<service::objects::ReplicationConfig> ParseReplicationConfiguration(std::string_view body) {
  using Form = service::objects::ReplicationRule::FilterForm;
  pugi::xml_document doc;
  Result<pugi::xml_node> root = LoadRoot(doc, body, "ReplicationConfiguration", kMaxReplicationBody);
  if (!root.ok()) return root.status();
  service::objects::ReplicationConfig config;
  std::optional<std::string> role;
  Status st = ForEachElement(*root, [&](pugi::xml_node n) -> Status {
    const std::string_view name = LocalName(n);
    if (name == "Role") return SetOnce(role, n);
    if (name != "Rule") return Status::Ok();
    if (config.rules.size() == kMaxReplicationRules) return Malformed();
    service::objects::ReplicationRule rule;
    rule.filter_form = Form::kNone;
    std::optional<std::string> id, priority, status, legacy_prefix;
    bool have_filter = false, have_destination = false;
    STRATUS_RETURN_IF_ERROR(ForEachElement(n, [&](pugi::xml_node c) -> Status {
      const std::string_view field = LocalName(c);
      if (field == "ID") return SetOnce(id, c);
      if (field == "Priority") return SetOnce(priority, c);
      if (field == "Status") return SetOnce(status, c);
      if (field == "Prefix") return SetOnce(legacy_prefix, c);
      if (field == "Filter") {
        if (have_filter) return Malformed();
        have_filter = true;
        return ParseReplicationFilter(c, rule);
      }
      if (field == "Destination") {
        if (have_destination) return Malformed();
        have_destination = true;
        return ParseReplicationDestination(c, rule);
      }
      if (field == "DeleteMarkerReplication") {
        auto on = StatusChild(c);
        if (!on.ok()) return on.status();
        rule.delete_marker_replication = *on;
      }
      if (field == "ExistingObjectReplication") {
        auto on = StatusChild(c);
        if (!on.ok()) return on.status();
        rule.existing_object_replication = *on;
      }
      return Status::Ok();
    }));
    if (!status || (*status != "Enabled" && *status != "Disabled") || !have_destination) {
      return Malformed();
    }
    if (have_filter && legacy_prefix) return Malformed();
    if (legacy_prefix) {
      rule.filter_form = Form::kLegacyPrefix;
      rule.prefix = std::move(*legacy_prefix);
    }
    rule.enabled = *status == "Enabled";
    rule.id = id.value_or(std::string());
    if (priority) {
      auto p = ParseInt(*priority);
      if (!p || *p < 0 || *p > std::numeric_limits<int32_t>::max()) return Malformed();
      rule.priority = static_cast<int>(*p);
    }
    config.rules.push_back(std::move(rule));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (config.rules.empty()) return Malformed();
  config.role = role.value_or(std::string());
  return config;
}

Result<service::objects::NotificationConfig> ParseNotificationConfiguration(std::string_view body) {
  using Kind = service::objects::NotificationTarget::Kind;
  pugi::xml_document doc;
  Result<pugi::xml_node> root = LoadRoot(doc, body, "NotificationConfiguration", kMaxReplicationBody);
  if (!root.ok()) return root.status();
  service::objects::NotificationConfig config;
  auto invalid = [](std::string m) { return Status(ErrorCode::kInvalidArgument, std::move(m), "InvalidArgument"); };
  Status st = ForEachElement(*root, [&](pugi::xml_node n) -> Status {
    const std::string_view name = LocalName(n);
    if (name == "EventBridgeConfiguration") {
      config.eventbridge = true;
      return Status::Ok();
    }
    Kind kind;
    std::string_view arn_element, arn_alias;
    if (name == "QueueConfiguration") {
      kind = Kind::kQueue;
      arn_element = "Queue";
    } else if (name == "TopicConfiguration") {
      kind = Kind::kTopic;
      arn_element = "Topic";
    } else if (name == "CloudFunctionConfiguration" || name == "LambdaFunctionConfiguration") {
      kind = Kind::kFunction;
      arn_element = "CloudFunction";
      arn_alias = "LambdaFunctionArn";
    } else {
      return Malformed();
    }
    if (config.targets.size() == 1000) return Malformed();
    service::objects::NotificationTarget t;
    t.kind = kind;
    std::optional<std::string> id, arn;
    STRATUS_RETURN_IF_ERROR(ForEachElement(n, [&](pugi::xml_node c) -> Status {
      const std::string_view field = LocalName(c);
      if (field == "Id") return SetOnce(id, c);
      if (field == arn_element || (!arn_alias.empty() && field == arn_alias)) return SetOnce(arn, c);
      if (field == "Event") return Append(t.events, c);
      if (field != "Filter") return Malformed();
      return ForEachElement(c, [&](pugi::xml_node key) -> Status {
        if (LocalName(key) != "S3Key") return Malformed();
        return ForEachElement(key, [&](pugi::xml_node rule) -> Status {
          if (LocalName(rule) != "FilterRule") return Malformed();
          std::optional<std::string> rule_name, value;
          STRATUS_RETURN_IF_ERROR(ForEachElement(rule, [&](pugi::xml_node f) -> Status {
            if (LocalName(f) == "Name") return SetOnce(rule_name, f);
            if (LocalName(f) == "Value") return SetOnce(value, f);
            return Malformed();
          }));
          if (!rule_name || !value) return Malformed();
          std::string lower;
          for (char ch : *rule_name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
          std::string& slot = lower == "prefix" ? t.prefix : t.suffix;
          if (lower != "prefix" && lower != "suffix") {
            return invalid("filter rule name must be either prefix or suffix");
          }
          if (!slot.empty()) return invalid("Cannot specify more than one " + lower + " rule in a filter.");
          slot = std::move(*value);
          return Status::Ok();
        });
      });
    }));
    if (!arn || t.events.empty()) return Malformed();
    t.arn = std::move(*arn);
    t.id = id.value_or("");
    config.targets.push_back(std::move(t));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return config;
}

}  // namespace api::s3
