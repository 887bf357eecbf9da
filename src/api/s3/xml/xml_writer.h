#pragma once

// XmlWriter: the streaming writer every S3 response body is rendered with.
//
//   XmlWriter w;
//   w.Declaration();
//   w.Open("ListBucketResult", kS3Namespace);
//   w.Element("Name", bucket);
//   w.Element("MaxKeys", max_keys);       // any integer type
//   w.Element("IsTruncated", truncated);  // bool: "true" / "false"
//   w.Close();
//   std::string body = w.Take();
//
// Output grammar (compact, no indentation; what S3 itself sends):
//   document := [ '<?xml version="1.0" encoding="UTF-8"?>' '\n' ] element
//   element  := '<' name [ ' xmlns="' escaped '"' ] '>' content '</' name '>'
//             | '<' name [ ' xmlns="' escaped '"' ] '/>'
//   content  := ( element | escaped )*
//
// Escaping (text and attribute values alike): & < > " ' become &amp; &lt; &gt;
// &quot; &apos; (S3 writes an ETag as &quot;...&quot;). XML 1.0 cannot carry most
// C0 control characters even as references, yet S3 keys may hold them; S3 writes
// them as character references anyway and so do we: tab, LF and CR as &#9; &#10;
// &#13; (so that no parser's line-end or white-space normalisation changes them),
// any other byte below 0x20 as lower-case hex, e.g. &#x4;. Clients that cannot
// read those use encoding-type=url. Everything else, including UTF-8 sequences,
// is copied as it is; the writer assumes UTF-8 input and does not validate it.
//
// Element names are written verbatim: pass XML names (string literals).
//
// Thread-compatible: one writer per response, on the request's strand.

#include <charconv>
#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace api::s3 {

// The namespace S3 declares on the root of its responses.
inline constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

class XmlWriter {
 public:
  XmlWriter() = default;
  // Reserves `capacity` bytes up front (listings know roughly how much they write).
  explicit XmlWriter(size_t capacity) { out_.reserve(capacity); }

  // Writes the XML declaration and a newline; call first, at most once.
  void Declaration();

  // Opens <name> (with xmlns="..." when `xmlns` is not empty); Close() ends it.
  void Open(std::string_view name, std::string_view xmlns = {});
  // Closes the innermost open element. Closing with none open is a bug
  // (reported, and ignored).
  void Close();

  // <name>escaped text</name>; an empty text gives <name></name>.
  void Element(std::string_view name, std::string_view text);
  // <name>decimal</name> for integers; <name>true</name> / <name>false</name> for bool.
  template <typename T>
    requires std::integral<T> && (!std::is_same_v<T, char>)
  void Element(std::string_view name, T value) {
    if constexpr (std::is_same_v<T, bool>) {
      Element(name, std::string_view(value ? "true" : "false"));
    } else {
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
      (void)ec;  // 24 bytes hold any 64-bit integer
      Element(name, std::string_view(buf, static_cast<size_t>(end - buf)));
    }
  }
  // Element(name, text) only when `text` is not empty (S3 omits such elements).
  void ElementIfNotEmpty(std::string_view name, std::string_view text) {
    if (!text.empty()) Element(name, text);
  }
  // <name/>.
  void Empty(std::string_view name);
  // Escaped text inside the innermost open element, e.g. GetBucketLocation's
  // <LocationConstraint xmlns="...">eu-west-1</LocationConstraint>.
  void Text(std::string_view text) { AppendEscaped(text); }

  // Closes whatever is still open and hands over the document; the writer is
  // then empty and may be reused.
  std::string Take();
  // The document so far (for tests).
  const std::string& str() const { return out_; }

  // Appends `text` to `out`, escaped as described above.
  static void AppendEscaped(std::string& out, std::string_view text);

 private:
  void AppendEscaped(std::string_view text) { AppendEscaped(out_, text); }

  std::string out_;
  std::vector<std::string> open_;  // names of the open elements, innermost last
};

// `text` escaped as XmlWriter escapes it (for values spliced into other text).
std::string XmlText(std::string_view text);

}  // namespace api::s3
