#include "service/bus/pattern.h"

#include <arpa/inet.h>

#include <variant>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace service::bus {

namespace json = boost::json;
using common::Result;
using common::Status;

namespace {

Status Invalid(std::string why) {
  return Status(common::ErrorCode::kInvalidArgument, "Event pattern is not valid. Reason: " + why,
                "InvalidEventPatternException");
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool WildcardMatch(std::string_view pattern, std::string_view text) {
  // Iterative '*' matching with backtracking to the last star.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::optional<double> AsNumber(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  return std::nullopt;
}

}  // namespace

// One condition on a leaf value.
struct Condition {
  enum class Kind { kLiteral, kPrefix, kSuffix, kEqualsIgnoreCase, kWildcard, kAnythingBut, kNumeric, kExists, kCidr };
  Kind kind = Kind::kLiteral;
  json::value literal;                   // kLiteral
  std::string text;                      // prefix/suffix/ignore-case/wildcard
  bool ignore_case = false;              // prefix/suffix with equals-ignore-case
  std::vector<Condition> but;            // kAnythingBut: none of these
  std::vector<std::pair<std::string, double>> ranges;  // kNumeric
  bool exists = true;                    // kExists
  uint32_t net = 0, mask = 0;            // kCidr

  bool Matches(const json::value& v) const {
    switch (kind) {
      case Kind::kLiteral: {
        auto a = AsNumber(literal), b = AsNumber(v);
        if (a && b) return *a == *b;
        return literal == v;
      }
      case Kind::kPrefix:
        if (!v.is_string()) return false;
        return ignore_case ? Lower(v.as_string()).starts_with(Lower(text)) : std::string_view(v.as_string()).starts_with(text);
      case Kind::kSuffix:
        if (!v.is_string()) return false;
        return ignore_case ? Lower(v.as_string()).ends_with(Lower(text)) : std::string_view(v.as_string()).ends_with(text);
      case Kind::kEqualsIgnoreCase:
        return v.is_string() && Lower(v.as_string()) == Lower(text);
      case Kind::kWildcard:
        return v.is_string() && WildcardMatch(text, v.as_string());
      case Kind::kAnythingBut:
        for (const auto& c : but) {
          if (c.Matches(v)) return false;
        }
        return true;
      case Kind::kNumeric: {
        auto n = AsNumber(v);
        if (!n) return false;
        for (const auto& [op, x] : ranges) {
          bool ok = op == "=" ? *n == x : op == "<" ? *n < x : op == "<=" ? *n <= x : op == ">" ? *n > x : *n >= x;
          if (!ok) return false;
        }
        return true;
      }
      case Kind::kExists:
        return true;  // presence is decided by the field lookup
      case Kind::kCidr: {
        if (!v.is_string()) return false;
        in_addr a{};
        if (inet_pton(AF_INET, std::string(v.as_string()).c_str(), &a) != 1) return false;
        return (ntohl(a.s_addr) & mask) == net;
      }
    }
    return false;
  }
};

struct EventPattern::Node {
  // field → either a nested node or conditions (OR).
  struct Field {
    std::string name;
    std::shared_ptr<Node> nested;
    std::vector<Condition> conditions;
  };
  std::vector<Field> fields;
  std::vector<std::vector<std::shared_ptr<Node>>> ors;  // each "$or": one of them must match

  bool Matches(const json::value* event) const;
};

namespace {

Result<Condition> ParseCondition(const json::value& v);

Result<Condition> ParseStringMatcher(Condition::Kind kind, std::string_view op, const json::value& arg) {
  Condition c;
  c.kind = kind;
  if (arg.is_string()) {
    c.text = arg.as_string();
    return c;
  }
  if ((kind == Condition::Kind::kPrefix || kind == Condition::Kind::kSuffix) && arg.is_object() &&
      arg.as_object().size() == 1 && arg.as_object().contains("equals-ignore-case") &&
      arg.as_object().at("equals-ignore-case").is_string()) {
    c.text = arg.as_object().at("equals-ignore-case").as_string();
    c.ignore_case = true;
    return c;
  }
  return Invalid(fmt::format("{} match pattern must be a string", op));
}

Result<Condition> ParseCondition(const json::value& v) {
  Condition c;
  if (!v.is_object()) {
    if (v.is_array()) return Invalid("Match value must be String, number, true, false, or null");
    c.literal = v;
    return c;
  }
  const auto& o = v.as_object();
  if (o.size() != 1) return Invalid("Only one key allowed in match expression");
  const auto& [op_key, arg] = *o.begin();
  std::string_view op = op_key;
  if (op == "prefix") return ParseStringMatcher(Condition::Kind::kPrefix, op, arg);
  if (op == "suffix") return ParseStringMatcher(Condition::Kind::kSuffix, op, arg);
  if (op == "equals-ignore-case") return ParseStringMatcher(Condition::Kind::kEqualsIgnoreCase, op, arg);
  if (op == "wildcard") return ParseStringMatcher(Condition::Kind::kWildcard, op, arg);
  if (op == "exists") {
    if (!arg.is_bool()) return Invalid("exists match pattern must be either true or false.");
    c.kind = Condition::Kind::kExists;
    c.exists = arg.as_bool();
    return c;
  }
  if (op == "anything-but") {
    c.kind = Condition::Kind::kAnythingBut;
    if (arg.is_array()) {
      if (arg.as_array().empty()) return Invalid("Empty arrays are not allowed");
      for (const auto& e : arg.as_array()) {
        if (e.is_object() || e.is_array()) return Invalid("Inside anything but list, start|null|boolean is not supported.");
        Condition lit;
        lit.literal = e;
        c.but.push_back(std::move(lit));
      }
      return c;
    }
    if (arg.is_object()) {
      auto inner = ParseCondition(arg);
      if (!inner.ok()) return inner.status();
      if (inner->kind != Condition::Kind::kPrefix && inner->kind != Condition::Kind::kSuffix &&
          inner->kind != Condition::Kind::kEqualsIgnoreCase && inner->kind != Condition::Kind::kWildcard) {
        return Invalid("Unsupported anything-but pattern: " + json::serialize(arg));
      }
      c.but.push_back(std::move(inner).value());
      return c;
    }
    Condition lit;
    lit.literal = arg;
    c.but.push_back(std::move(lit));
    return c;
  }
  if (op == "numeric") {
    c.kind = Condition::Kind::kNumeric;
    if (!arg.is_array() || arg.as_array().empty() || arg.as_array().size() % 2 != 0 || arg.as_array().size() > 4) {
      return Invalid("Value of numeric must be an array of operator and number pairs.");
    }
    const auto& a = arg.as_array();
    for (size_t i = 0; i < a.size(); i += 2) {
      if (!a[i].is_string()) return Invalid("Unrecognized numeric range operator");
      std::string op2(a[i].as_string());
      if (op2 != "=" && op2 != "<" && op2 != "<=" && op2 != ">" && op2 != ">=") {
        return Invalid("Unrecognized numeric range operator: " + op2);
      }
      auto n = AsNumber(a[i + 1]);
      if (!n) return Invalid("Value of " + op2 + " must be numeric");
      c.ranges.emplace_back(std::move(op2), *n);
    }
    return c;
  }
  if (op == "cidr") {
    c.kind = Condition::Kind::kCidr;
    if (!arg.is_string()) return Invalid("cidr match pattern must be a string");
    std::string s(arg.as_string());
    auto slash = s.find('/');
    int bits = slash == std::string::npos ? 32 : std::atoi(s.c_str() + slash + 1);
    in_addr a{};
    if (bits < 0 || bits > 32 || inet_pton(AF_INET, s.substr(0, slash).c_str(), &a) != 1) {
      return Invalid("Malformed CIDR, one '/' required");
    }
    c.mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
    c.net = ntohl(a.s_addr) & c.mask;
    return c;
  }
  return Invalid(fmt::format("Unrecognized match type {}", op));
}

Result<std::shared_ptr<EventPattern::Node>> ParseNode(const json::object& o, int depth) {
  if (depth > 32) return Invalid("Pattern is too deeply nested");
  auto node = std::make_shared<EventPattern::Node>();
  for (const auto& [name, v] : o) {
    if (name == "$or") {
      if (!v.is_array() || v.as_array().size() < 2) return Invalid("$or must be an array of at least two patterns");
      std::vector<std::shared_ptr<EventPattern::Node>> alts;
      for (const auto& alt : v.as_array()) {
        if (!alt.is_object()) return Invalid("$or must contain objects");
        auto n = ParseNode(alt.as_object(), depth + 1);
        if (!n.ok()) return n.status();
        alts.push_back(std::move(n).value());
      }
      node->ors.push_back(std::move(alts));
      continue;
    }
    EventPattern::Node::Field f;
    f.name = name;
    if (v.is_object()) {
      auto n = ParseNode(v.as_object(), depth + 1);
      if (!n.ok()) return n.status();
      f.nested = std::move(n).value();
    } else if (v.is_array()) {
      if (v.as_array().empty()) return Invalid("Empty arrays are not allowed");
      for (const auto& e : v.as_array()) {
        auto c = ParseCondition(e);
        if (!c.ok()) return c.status();
        f.conditions.push_back(std::move(c).value());
      }
    } else {
      return Invalid(fmt::format("Match value must be an array or an object: \"{}\"", std::string_view(name)));
    }
    node->fields.push_back(std::move(f));
  }
  return node;
}

bool FieldMatches(const EventPattern::Node::Field& f, const json::value* value) {
  if (f.nested) {
    if (value == nullptr) return false;
    if (value->is_array()) {
      for (const auto& e : value->as_array()) {
        if (e.is_object() && f.nested->Matches(&e)) return true;
      }
      return false;
    }
    return value->is_object() && f.nested->Matches(value);
  }
  for (const auto& c : f.conditions) {
    if (c.kind == Condition::Kind::kExists) {
      bool present = value != nullptr && !(value->is_array() && value->as_array().empty()) && !value->is_object();
      if (present == c.exists) return true;
      continue;
    }
    if (value == nullptr) {
      // anything-but matches absent? No: EventBridge requires the field.
      continue;
    }
    if (value->is_array()) {
      for (const auto& e : value->as_array()) {
        if (c.Matches(e)) return true;
      }
    } else if (c.Matches(*value)) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool EventPattern::Node::Matches(const json::value* event) const {
  const json::object* o = event != nullptr && event->is_object() ? &event->as_object() : nullptr;
  for (const auto& f : fields) {
    const json::value* v = o != nullptr ? o->if_contains(f.name) : nullptr;
    if (!FieldMatches(f, v)) return false;
  }
  for (const auto& alts : ors) {
    bool any = false;
    for (const auto& alt : alts) {
      if (alt->Matches(event)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

Result<EventPattern> EventPattern::Parse(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return Invalid(fmt::format("Filter is not valid JSON: {}", ec.message()));
  return FromJson(v);
}

Result<EventPattern> EventPattern::FromJson(const json::value& v) {
  if (!v.is_object()) return Invalid("Filter is not an object");
  auto root = ParseNode(v.as_object(), 0);
  if (!root.ok()) return root.status();
  EventPattern p;
  p.root_ = std::move(root).value();
  return p;
}

bool EventPattern::Matches(const json::value& event) const { return root_ != nullptr && root_->Matches(&event); }

}  // namespace service::bus
