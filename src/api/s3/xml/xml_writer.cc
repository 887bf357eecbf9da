#include "api/s3/xml/xml_writer.h"

#include "common/status.h"

namespace api::s3 {
namespace {

// What each byte becomes; nullptr for bytes copied as they are. Control bytes
// other than tab, LF and CR are handled apart (lower-case hex references).
const char* Replacement(unsigned char c) {
  switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&apos;";
    case '\t': return "&#9;";
    case '\n': return "&#10;";
    case '\r': return "&#13;";
    default: return nullptr;
  }
}

bool NeedsEscape(unsigned char c) {
  return c < 0x20 || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'';
}

}  // namespace

void XmlWriter::AppendEscaped(std::string& out, std::string_view text) {
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!NeedsEscape(c)) continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    if (const char* r = Replacement(c)) {
      out += r;
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "&#x";
      if (c >= 0x10) out += kHex[c >> 4];
      out += kHex[c & 0xF];
      out += ';';
    }
  }
  out.append(text.data() + run, text.size() - run);
}

void XmlWriter::Declaration() { out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"; }

void XmlWriter::Open(std::string_view name, std::string_view xmlns) {
  out_ += '<';
  out_ += name;
  if (!xmlns.empty()) {
    out_ += " xmlns=\"";
    AppendEscaped(xmlns);
    out_ += '"';
  }
  out_ += '>';
  open_.emplace_back(name);
}

void XmlWriter::Close() {
  if (open_.empty()) {
    STRATUS_BUG("XmlWriter::Close with no open element");
    return;
  }
  out_ += "</";
  out_ += open_.back();
  out_ += '>';
  open_.pop_back();
}

void XmlWriter::Element(std::string_view name, std::string_view text) {
  out_ += '<';
  out_ += name;
  out_ += '>';
  AppendEscaped(text);
  out_ += "</";
  out_ += name;
  out_ += '>';
}

void XmlWriter::Empty(std::string_view name) {
  out_ += '<';
  out_ += name;
  out_ += "/>";
}

std::string XmlWriter::Take() {
  while (!open_.empty()) Close();
  std::string out = std::move(out_);
  out_.clear();
  return out;
}

std::string XmlText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  XmlWriter::AppendEscaped(out, text);
  return out;
}

}  // namespace api::s3
