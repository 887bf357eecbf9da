#include "service/tables/value.h"

#include <algorithm>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/checksum.h"

namespace service::tables {

namespace json = boost::json;
using common::ErrorCode;

namespace {

// DynamoDB refuses documents nested deeper than 32 levels.
constexpr int kMaxDepth = 32;

Status Invalid(std::string m) { return Status(ErrorCode::kInvalidArgument, std::move(m)); }
Status Invalid(std::string m, std::string_view reason) {
  return Status(ErrorCode::kInvalidArgument, std::move(m), reason);
}

Status WrongJsonType(std::string_view tag) {
  return Invalid(fmt::format("Unexpected JSON type for the AttributeValue member {}", tag),
                 "SerializationException");
}

struct TypeTag {
  std::string_view name;
  ValueType type;
};
constexpr TypeTag kTags[] = {
    {"S", ValueType::kS},   {"N", ValueType::kN},   {"B", ValueType::kB},     {"SS", ValueType::kSS},
    {"NS", ValueType::kNS}, {"BS", ValueType::kBS}, {"M", ValueType::kM},     {"L", ValueType::kL},
    {"NULL", ValueType::kNull}, {"BOOL", ValueType::kBool},
};

Result<std::string> DecodeBinary(const json::value& v, std::string_view tag) {
  if (!v.is_string()) return WrongJsonType(tag);
  auto raw = common::Base64Decode(std::string_view(v.as_string()));
  if (!raw) {
    return Invalid(fmt::format("Invalid base64 in the AttributeValue member {}", tag), "SerializationException");
  }
  return *raw;
}

Result<std::string> CanonicalNumber(const json::value& v, std::string_view tag) {
  if (!v.is_string()) return WrongJsonType(tag);
  auto n = Number::Parse(std::string_view(v.as_string()));
  if (!n.ok()) return n.status();
  return n->ToString();
}

Status CheckSet(std::vector<std::string>& elements, const std::vector<std::string>& as_given,
                std::string_view empty_message) {
  if (elements.empty()) return Invalid(std::string(empty_message));
  std::vector<std::string> sorted = elements;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    std::string list;
    for (const auto& e : as_given) list += (list.empty() ? "" : ", ") + e;
    return Invalid(fmt::format("One or more parameter values were invalid: Input collection [{}] contains "
                               "duplicates.", list));
  }
  return Status::Ok();
}

Result<AttributeValue> Parse(const json::value& v, int depth);

Result<Item> ParseMap(const json::value& v, int depth) {
  if (!v.is_object()) return WrongJsonType("M");
  Item item;
  for (const auto& [name, value] : v.as_object()) {
    if (name.empty()) {
      return Invalid("One or more parameter values were invalid: An attribute name may not be empty");
    }
    auto parsed = Parse(value, depth + 1);
    if (!parsed.ok()) return parsed.status();
    item.insert_or_assign(std::string(name), std::move(parsed).value());
  }
  return item;
}

Result<AttributeValue> Parse(const json::value& v, int depth) {
  if (depth > kMaxDepth) return Invalid("Nesting Levels have exceeded supported limits");
  if (!v.is_object()) return Invalid("Supplied AttributeValue is not a JSON object", "SerializationException");
  const json::object& o = v.as_object();
  if (o.empty()) {
    return Invalid("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  }
  if (o.size() > 1) {
    return Invalid("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
                   "supported datatypes");
  }
  const auto& [tag, value] = *o.begin();
  const TypeTag* found = nullptr;
  for (const auto& t : kTags) {
    if (t.name == std::string_view(tag)) found = &t;
  }
  if (found == nullptr) {
    return Invalid(fmt::format("Supplied AttributeValue has an unknown datatype: {}", std::string_view(tag)),
                   "SerializationException");
  }
  AttributeValue out;
  out.type = found->type;
  switch (found->type) {
    case ValueType::kS:
      if (!value.is_string()) return WrongJsonType(tag);
      out.str = std::string(value.as_string());
      break;
    case ValueType::kN: {
      auto n = CanonicalNumber(value, tag);
      if (!n.ok()) return n.status();
      out.str = std::move(n).value();
      break;
    }
    case ValueType::kB: {
      auto b = DecodeBinary(value, tag);
      if (!b.ok()) return b.status();
      out.str = std::move(b).value();
      break;
    }
    case ValueType::kSS:
    case ValueType::kNS:
    case ValueType::kBS: {
      if (!value.is_array()) return WrongJsonType(tag);
      std::vector<std::string> as_given;
      for (const auto& e : value.as_array()) {
        Result<std::string> element = found->type == ValueType::kSS
                                          ? (e.is_string() ? Result<std::string>(std::string(e.as_string()))
                                                           : Result<std::string>(WrongJsonType(tag)))
                                      : found->type == ValueType::kNS ? CanonicalNumber(e, tag)
                                                                      : DecodeBinary(e, tag);
        if (!element.ok()) return element.status();
        as_given.push_back(e.is_string() ? std::string(e.as_string()) : std::string());
        out.set.push_back(std::move(element).value());
      }
      std::string_view empty = found->type == ValueType::kSS
                                   ? "One or more parameter values were invalid: An string set  may not be empty"
                               : found->type == ValueType::kNS
                                   ? "One or more parameter values were invalid: An number set  may not be empty"
                                   : "One or more parameter values were invalid: Binary sets should not be empty";
      STRATUS_RETURN_IF_ERROR(CheckSet(out.set, as_given, empty));
      break;
    }
    case ValueType::kM: {
      auto m = ParseMap(value, depth);
      if (!m.ok()) return m.status();
      out.map = std::move(m).value();
      break;
    }
    case ValueType::kL:
      if (!value.is_array()) return WrongJsonType(tag);
      for (const auto& e : value.as_array()) {
        auto element = Parse(e, depth + 1);
        if (!element.ok()) return element.status();
        out.list.push_back(std::move(element).value());
      }
      break;
    case ValueType::kNull:
      if (!value.is_bool()) return WrongJsonType(tag);
      if (!value.as_bool()) {
        return Invalid("One or more parameter values were invalid: Null attribute value types must have the "
                       "value of true");
      }
      break;
    case ValueType::kBool:
      if (!value.is_bool()) return WrongJsonType(tag);
      out.boolean = value.as_bool();
      break;
  }
  return out;
}

size_t NumberSize(const std::string& canonical) {
  // One byte per two significant digits, plus one.
  std::string digits;
  for (char c : canonical) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  size_t b = digits.find_first_not_of('0');
  size_t e = digits.find_last_not_of('0');
  size_t significant = b == std::string::npos ? 1 : e - b + 1;
  return (significant + 1) / 2 + 1;
}

}  // namespace

std::string_view TypeName(ValueType type) {
  for (const auto& t : kTags) {
    if (t.type == type) return t.name;
  }
  return "?";
}

AttributeValue AttributeValue::S(std::string v) {
  AttributeValue a;
  a.type = ValueType::kS;
  a.str = std::move(v);
  return a;
}

AttributeValue AttributeValue::N(const Number& v) {
  AttributeValue a;
  a.type = ValueType::kN;
  a.str = v.ToString();
  return a;
}

AttributeValue AttributeValue::B(std::string bytes) {
  AttributeValue a;
  a.type = ValueType::kB;
  a.str = std::move(bytes);
  return a;
}

AttributeValue AttributeValue::Bool(bool v) {
  AttributeValue a;
  a.type = ValueType::kBool;
  a.boolean = v;
  return a;
}

AttributeValue AttributeValue::Null() { return AttributeValue(); }

bool AttributeValue::operator==(const AttributeValue& o) const {
  if (type != o.type) return false;
  switch (type) {
    case ValueType::kS:
    case ValueType::kN:
    case ValueType::kB: return str == o.str;
    case ValueType::kSS:
    case ValueType::kNS:
    case ValueType::kBS: {
      if (set.size() != o.set.size()) return false;
      std::vector<std::string> a = set, b = o.set;
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      return a == b;
    }
    case ValueType::kM: return map == o.map;
    case ValueType::kL: return list == o.list;
    case ValueType::kNull: return true;
    case ValueType::kBool: return boolean == o.boolean;
  }
  return false;
}

Result<AttributeValue> ValueFromJson(const json::value& v) { return Parse(v, 1); }

Result<Item> ItemFromJson(const json::value& v) {
  if (!v.is_object()) return Invalid("An item must be a JSON object", "SerializationException");
  return ParseMap(v, 0);
}

json::value ValueToJson(const AttributeValue& v) {
  json::object o;
  std::string_view tag = TypeName(v.type);
  switch (v.type) {
    case ValueType::kS:
    case ValueType::kN: o[tag] = v.str; break;
    case ValueType::kB: o[tag] = common::Base64Encode(v.str); break;
    case ValueType::kSS:
    case ValueType::kNS:
    case ValueType::kBS: {
      json::array a;
      for (const auto& e : v.set) {
        a.emplace_back(v.type == ValueType::kBS ? json::string(common::Base64Encode(e)) : json::string(e));
      }
      o[tag] = std::move(a);
      break;
    }
    case ValueType::kM: o[tag] = ItemToJson(v.map); break;
    case ValueType::kL: {
      json::array a;
      for (const auto& e : v.list) a.push_back(ValueToJson(e));
      o[tag] = std::move(a);
      break;
    }
    case ValueType::kNull: o[tag] = true; break;
    case ValueType::kBool: o[tag] = v.boolean; break;
  }
  return o;
}

json::object ItemToJson(const Item& item) {
  json::object o;
  o.reserve(item.size());
  for (const auto& [name, v] : item) o[name] = ValueToJson(v);
  return o;
}

size_t ValueSize(const AttributeValue& v) {
  switch (v.type) {
    case ValueType::kS:
    case ValueType::kB: return v.str.size();
    case ValueType::kN: return NumberSize(v.str);
    case ValueType::kSS:
    case ValueType::kBS: {
      size_t n = 0;
      for (const auto& e : v.set) n += e.size();
      return n;
    }
    case ValueType::kNS: {
      size_t n = 0;
      for (const auto& e : v.set) n += NumberSize(e);
      return n;
    }
    case ValueType::kM: {
      size_t n = 3;
      for (const auto& [name, e] : v.map) n += name.size() + ValueSize(e) + 1;
      return n;
    }
    case ValueType::kL: {
      size_t n = 3;
      for (const auto& e : v.list) n += ValueSize(e) + 1;
      return n;
    }
    case ValueType::kNull:
    case ValueType::kBool: return 1;
  }
  return 0;
}

size_t ItemSize(const Item& item) {
  size_t n = 0;
  for (const auto& [name, v] : item) n += name.size() + ValueSize(v);
  return n;
}

int CompareScalars(const AttributeValue& a, const AttributeValue& b) {
  if (a.type == ValueType::kN) {
    auto x = Number::Parse(a.str), y = Number::Parse(b.str);
    if (!x.ok() || !y.ok()) return a.str.compare(b.str);
    auto c = *x <=> *y;
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  int c = a.str.compare(b.str);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

std::string EncodeKeyValue(const AttributeValue& v) {
  if (v.type == ValueType::kN) {
    auto n = Number::Parse(v.str);
    return n.ok() ? n->OrderedKey() : std::string();
  }
  std::string out;
  out.reserve(v.str.size() + 2);
  for (char c : v.str) {
    out.push_back(c);
    if (c == '\0') out.push_back('\xff');
  }
  out.push_back('\0');
  out.push_back('\x01');
  return out;
}

}  // namespace service::tables
