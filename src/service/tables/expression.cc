// DynamoDB expressions: a tokenizer, one recursive-descent parser for the
// four expression kinds, and their evaluation against items.

#include "service/tables/expression.h"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "service/tables/reserved_words.h"

namespace service::tables {

using common::ErrorCode;

// --- the AST -------------------------------------------------------------------

namespace {

struct Operand {
  enum class Kind { kPath, kValue, kSize };
  Kind kind = Kind::kPath;
  Path path;
  AttributeValue value;
};

}  // namespace

struct Condition::Node {
  enum class Kind { kCompare, kBetween, kIn, kAnd, kOr, kNot, kExists, kNotExists, kType, kBeginsWith, kContains };
  Kind kind = Kind::kCompare;
  std::string op;  // kCompare: = <> < <= > >=
  std::vector<Operand> operands;
  std::shared_ptr<const Node> left, right;
};

namespace {

// A SET action's value: operand, or operand + operand / operand - operand,
// where operands may be if_not_exists(path, value) or list_append(a, b).
struct SetOperand {
  enum class Kind { kPath, kValue, kIfNotExists, kListAppend };
  Kind kind = Kind::kPath;
  Path path;
  AttributeValue value;
  std::shared_ptr<const SetOperand> a, b;
};

struct SetValue {
  SetOperand lhs;
  char op = 0;  // 0, '+' or '-'
  SetOperand rhs;
};

}  // namespace

struct Update::Action {
  enum class Kind { kSet, kRemove, kAdd, kDelete };
  Kind kind = Kind::kSet;
  Path path;
  SetValue value;         // kSet
  AttributeValue operand; // kAdd, kDelete
};

// --- paths ---------------------------------------------------------------------

const AttributeValue* Resolve(const Item& item, const Path& path) {
  if (path.empty() || path[0].is_index) return nullptr;
  auto it = item.find(path[0].name);
  if (it == item.end()) return nullptr;
  const AttributeValue* v = &it->second;
  for (size_t i = 1; i < path.size(); ++i) {
    const PathElement& e = path[i];
    if (e.is_index) {
      if (v->type != ValueType::kL || e.index >= v->list.size()) return nullptr;
      v = &v->list[e.index];
    } else {
      if (v->type != ValueType::kM) return nullptr;
      auto m = v->map.find(e.name);
      if (m == v->map.end()) return nullptr;
      v = &m->second;
    }
  }
  return v;
}

namespace {

std::string PathText(const Path& p) {
  std::string out = "[";
  for (size_t i = 0; i < p.size(); ++i) {
    if (i > 0) out += ", ";
    out += p[i].is_index ? fmt::format("[{}]", p[i].index) : p[i].name;
  }
  return out + "]";
}

// One path is a prefix of the other (or they are equal).
bool Overlap(const Path& a, const Path& b) {
  size_t n = std::min(a.size(), b.size());
  return std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), b.begin());
}

Status CheckOverlaps(const std::vector<Path>& paths, std::string_view kind) {
  for (size_t i = 0; i < paths.size(); ++i) {
    for (size_t j = i + 1; j < paths.size(); ++j) {
      if (Overlap(paths[i], paths[j])) {
        return Status(ErrorCode::kInvalidArgument,
                      fmt::format("Invalid {}: Two document paths overlap with each other; must remove or "
                                  "rewrite one of these paths; path one: {}, path two: {}",
                                  kind, PathText(paths[i]), PathText(paths[j])));
      }
    }
  }
  return Status::Ok();
}

// --- tokens --------------------------------------------------------------------------

enum class Tok {
  kName, kNamePh, kValuePh, kNumber, kLParen, kRParen, kLBracket, kRBracket, kComma, kDot,
  kEq, kNe, kLt, kLe, kGt, kGe, kPlus, kMinus, kEnd
};

struct Token {
  Tok kind;
  std::string_view text;
  size_t pos;
};

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool Iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

constexpr size_t kMaxExpressionBytes = 4096;
constexpr int kMaxDepth = 100;
constexpr size_t kMaxInOperands = 100;

class Parser {
 public:
  Parser(std::string_view text, ExpressionAttributes& attrs, std::string_view kind)
      : text_(text), attrs_(attrs), kind_(kind) {}

  Status Tokenize() {
    if (text_.size() > kMaxExpressionBytes) {
      return Fail("Expression size has exceeded the maximum allowed size");
    }
    size_t i = 0;
    while (i < text_.size()) {
      char c = text_[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i;
        continue;
      }
      size_t start = i;
      auto add = [&](Tok k, size_t len) {
        tokens_.push_back({k, text_.substr(start, len), start});
        i = start + len;
      };
      if (c == '#' || c == ':') {
        size_t j = i + 1;
        while (j < text_.size() && IsWordChar(text_[j])) ++j;
        if (j == i + 1) return SyntaxAt(start, text_.substr(start, 1));
        add(c == '#' ? Tok::kNamePh : Tok::kValuePh, j - i);
      } else if (c >= '0' && c <= '9') {
        size_t j = i;
        while (j < text_.size() && text_[j] >= '0' && text_[j] <= '9') ++j;
        add(Tok::kNumber, j - i);
      } else if (IsWordChar(c)) {
        size_t j = i;
        while (j < text_.size() && IsWordChar(text_[j])) ++j;
        add(Tok::kName, j - i);
      } else {
        std::string_view two = text_.substr(i, 2);
        if (two == "<>") add(Tok::kNe, 2);
        else if (two == "<=") add(Tok::kLe, 2);
        else if (two == ">=") add(Tok::kGe, 2);
        else if (c == '=') add(Tok::kEq, 1);
        else if (c == '<') add(Tok::kLt, 1);
        else if (c == '>') add(Tok::kGt, 1);
        else if (c == '(') add(Tok::kLParen, 1);
        else if (c == ')') add(Tok::kRParen, 1);
        else if (c == '[') add(Tok::kLBracket, 1);
        else if (c == ']') add(Tok::kRBracket, 1);
        else if (c == ',') add(Tok::kComma, 1);
        else if (c == '.') add(Tok::kDot, 1);
        else if (c == '+') add(Tok::kPlus, 1);
        else if (c == '-') add(Tok::kMinus, 1);
        else return SyntaxAt(start, text_.substr(start, 1));
      }
    }
    tokens_.push_back({Tok::kEnd, "<EOF>", text_.size()});
    if (tokens_.size() == 1) return Fail("The expression can not be empty;");
    return Status::Ok();
  }

  // --- condition grammar ---
  Result<std::shared_ptr<const Condition::Node>> ParseCondition() {
    auto node = Or();
    if (!node.ok()) return node;
    if (Peek().kind != Tok::kEnd) return Syntax();
    return node;
  }

  // --- projection ---
  Result<std::vector<Path>> ParseProjection() {
    std::vector<Path> paths;
    while (true) {
      auto p = ParsePath();
      if (!p.ok()) return p.status();
      paths.push_back(std::move(p).value());
      if (Peek().kind == Tok::kComma) {
        Next();
        continue;
      }
      if (Peek().kind != Tok::kEnd) return Syntax();
      break;
    }
    STRATUS_RETURN_IF_ERROR(CheckOverlaps(paths, kind_));
    return paths;
  }

  // --- update ---
  Status ParseUpdate(std::vector<std::shared_ptr<const Update::Action>>& actions, std::vector<Path>& paths) {
    bool seen[4] = {false, false, false, false};
    while (Peek().kind != Tok::kEnd) {
      const Token& t = Peek();
      if (t.kind != Tok::kName) return Syntax();
      Update::Action::Kind kind;
      std::string_view word;
      if (Iequals(t.text, "SET")) kind = Update::Action::Kind::kSet, word = "SET";
      else if (Iequals(t.text, "REMOVE")) kind = Update::Action::Kind::kRemove, word = "REMOVE";
      else if (Iequals(t.text, "ADD")) kind = Update::Action::Kind::kAdd, word = "ADD";
      else if (Iequals(t.text, "DELETE")) kind = Update::Action::Kind::kDelete, word = "DELETE";
      else return Syntax();
      int k = static_cast<int>(kind);
      if (seen[k]) {
        return Fail(fmt::format("The \"{}\" section can only be used once in an update expression;", word));
      }
      seen[k] = true;
      Next();
      while (true) {
        auto action = std::make_shared<Update::Action>();
        action->kind = kind;
        auto p = ParsePath();
        if (!p.ok()) return p.status();
        action->path = std::move(p).value();
        if (kind == Update::Action::Kind::kSet) {
          if (Peek().kind != Tok::kEq) return Syntax();
          Next();
          auto v = ParseSetValue();
          if (!v.ok()) return v.status();
          action->value = std::move(v).value();
        } else if (kind != Update::Action::Kind::kRemove) {
          if (Peek().kind != Tok::kValuePh) return Syntax();
          auto v = ValueOf(Next());
          if (!v.ok()) return v.status();
          action->operand = std::move(v).value();
          bool set = action->operand.type == ValueType::kSS || action->operand.type == ValueType::kNS ||
                     action->operand.type == ValueType::kBS;
          if (!set && !(kind == Update::Action::Kind::kAdd && action->operand.type == ValueType::kN)) {
            return Fail(fmt::format("Incorrect operand type for operator or function; operator: {}, operand "
                                    "type: {}", word, TypeLongName(action->operand.type)));
          }
        }
        paths.push_back(action->path);
        actions.push_back(std::move(action));
        if (Peek().kind != Tok::kComma) break;
        Next();
      }
    }
    return CheckOverlaps(paths, kind_);
  }

  // The text of the next token; for key conditions.
  const Token& Peek() const { return tokens_[pos_]; }

 private:
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool PeekWord(std::string_view w) const { return Peek().kind == Tok::kName && Iequals(Peek().text, w); }
  const Token& PeekAt(size_t ahead) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }

  Status Fail(std::string detail) const {
    return Status(ErrorCode::kInvalidArgument, fmt::format("Invalid {}: {}", kind_, detail));
  }
  Status SyntaxAt(size_t pos, std::string_view token) const {
    size_t from = pos >= 10 ? pos - 10 : 0;
    std::string_view near = text_.substr(from, std::min<size_t>(text_.size() - from, pos - from + 10));
    return Fail(fmt::format("Syntax error; token: \"{}\", near: \"{}\"", token, near));
  }
  Status Syntax() const {
    const Token& t = Peek();
    if (t.kind == Tok::kEnd) return Fail("Syntax error; token: \"<EOF>\", near: \"" + std::string(text_.substr(text_.size() >= 10 ? text_.size() - 10 : 0)) + "\"");
    // near: the previous token, this one and the next.
    size_t from = pos_ > 0 ? tokens_[pos_ - 1].pos : t.pos;
    const Token& after = PeekAt(1);
    size_t to = after.kind == Tok::kEnd ? t.pos + t.text.size() : after.pos + after.text.size();
    return Fail(fmt::format("Syntax error; token: \"{}\", near: \"{}\"", t.text, text_.substr(from, to - from)));
  }

  static std::string_view TypeLongName(ValueType t) {
    switch (t) {
      case ValueType::kS: return "STRING";
      case ValueType::kN: return "NUMBER";
      case ValueType::kB: return "BINARY";
      case ValueType::kSS: return "SS";
      case ValueType::kNS: return "NS";
      case ValueType::kBS: return "BS";
      case ValueType::kM: return "MAP";
      case ValueType::kL: return "LIST";
      case ValueType::kNull: return "NULL";
      case ValueType::kBool: return "BOOLEAN";
    }
    return "?";
  }

  Result<AttributeValue> ValueOf(const Token& t) {
    const AttributeValue* v = attrs_.Value(t.text);
    if (v == nullptr) {
      return Fail(fmt::format("An expression attribute value used in expression is not defined; attribute "
                              "value: {}", t.text));
    }
    return *v;
  }

  Result<std::string> NameOf(const Token& t) {
    if (t.kind == Tok::kNamePh) {
      const std::string* n = attrs_.Name(t.text);
      if (n == nullptr) {
        return Fail(fmt::format("An expression attribute name used in the document path is not defined; "
                                "attribute name: {}", t.text));
      }
      return *n;
    }
    if (t.kind != Tok::kName || (t.text[0] >= '0' && t.text[0] <= '9')) return Syntax();
    if (IsReservedWord(t.text)) {
      return Fail(fmt::format("Attribute name is a reserved keyword; reserved keyword: {}", t.text));
    }
    return std::string(t.text);
  }

  Result<Path> ParsePath() {
    Path path;
    auto first = NameOf(Peek());
    if (!first.ok()) return first.status();
    Next();
    path.push_back({std::move(first).value(), 0, false});
    while (true) {
      if (Peek().kind == Tok::kDot) {
        Next();
        auto n = NameOf(Peek());
        if (!n.ok()) return n.status();
        Next();
        path.push_back({std::move(n).value(), 0, false});
      } else if (Peek().kind == Tok::kLBracket) {
        Next();
        if (Peek().kind != Tok::kNumber) return Syntax();
        std::string_view digits = Next().text;
        if (digits.size() > 9) return Fail("List index is too large");
        size_t index = std::stoul(std::string(digits));
        if (Peek().kind != Tok::kRBracket) return Syntax();
        Next();
        path.push_back({std::string(), index, true});
      } else {
        return path;
      }
    }
  }

  bool IsFunctionCall() const { return Peek().kind == Tok::kName && PeekAt(1).kind == Tok::kLParen; }

  // operand := path | :value | size(path)
  Result<Operand> ParseOperand() {
    Operand o;
    if (Peek().kind == Tok::kValuePh) {
      auto v = ValueOf(Next());
      if (!v.ok()) return v.status();
      o.kind = Operand::Kind::kValue;
      o.value = std::move(v).value();
      return o;
    }
    if (IsFunctionCall()) {
      std::string_view name = Peek().text;
      if (!Iequals(name, "size")) {
        if (IsConditionFunction(name)) {
          return Fail(fmt::format("The function is not allowed to be used this way in an expression; "
                                  "function: {}", name));
        }
        return Fail(fmt::format("Invalid function name; function: {}", name));
      }
      Next();
      Next();  // (
      if (Peek().kind == Tok::kValuePh) {
        auto v = ValueOf(Peek());
        if (!v.ok()) return v.status();
        return Fail(fmt::format("Incorrect operand type for operator or function; operator or function: size, "
                                "operand type: {}", TypeName(v->type)));
      }
      auto p = ParsePath();
      if (!p.ok()) return p.status();
      if (Peek().kind != Tok::kRParen) return Syntax();
      Next();
      o.kind = Operand::Kind::kSize;
      o.path = std::move(p).value();
      return o;
    }
    auto p = ParsePath();
    if (!p.ok()) return p.status();
    o.path = std::move(p).value();
    return o;
  }

  static bool IsConditionFunction(std::string_view name) {
    for (std::string_view f : {"attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains"}) {
      if (Iequals(name, f)) return true;
    }
    return false;
  }

  using NodePtr = std::shared_ptr<const Condition::Node>;
  using Node = Condition::Node;

  Result<NodePtr> Or() {
    auto left = And();
    if (!left.ok()) return left;
    while (PeekWord("OR")) {
      Next();
      auto right = And();
      if (!right.ok()) return right;
      auto n = std::make_shared<Node>();
      n->kind = Node::Kind::kOr;
      n->left = *left;
      n->right = *right;
      left = NodePtr(n);
    }
    return left;
  }

  Result<NodePtr> And() {
    auto left = Not();
    if (!left.ok()) return left;
    while (PeekWord("AND")) {
      Next();
      auto right = Not();
      if (!right.ok()) return right;
      auto n = std::make_shared<Node>();
      n->kind = Node::Kind::kAnd;
      n->left = *left;
      n->right = *right;
      left = NodePtr(n);
    }
    return left;
  }

  Result<NodePtr> Not() {
    if (++depth_ > kMaxDepth) return Fail("The expression is nested too deeply");
    Result<NodePtr> out = NodePtr();
    if (PeekWord("NOT")) {
      Next();
      auto inner = Not();
      if (!inner.ok()) return inner;
      auto n = std::make_shared<Node>();
      n->kind = Node::Kind::kNot;
      n->left = *inner;
      out = NodePtr(n);
    } else {
      out = Primary();
    }
    --depth_;
    return out;
  }

  Result<NodePtr> Primary() {
    if (Peek().kind == Tok::kLParen) {
      Next();
      auto inner = Or();
      if (!inner.ok()) return inner;
      if (Peek().kind != Tok::kRParen) return Syntax();
      Next();
      return inner;
    }
    if (IsFunctionCall() && IsConditionFunction(Peek().text)) return Function();
    if (IsFunctionCall() && !Iequals(Peek().text, "size")) {
      return Fail(fmt::format("Invalid function name; function: {}", Peek().text));
    }
    auto first = ParseOperand();
    if (!first.ok()) return first.status();
    auto n = std::make_shared<Node>();
    n->operands.push_back(std::move(first).value());
    const Token& t = Peek();
    switch (t.kind) {
      case Tok::kEq: case Tok::kNe: case Tok::kLt: case Tok::kLe: case Tok::kGt: case Tok::kGe: {
        n->kind = Node::Kind::kCompare;
        n->op = std::string(Next().text);
        auto second = ParseOperand();
        if (!second.ok()) return second.status();
        n->operands.push_back(std::move(second).value());
        return NodePtr(n);
      }
      default: break;
    }
    if (PeekWord("BETWEEN")) {
      Next();
      n->kind = Node::Kind::kBetween;
      auto low = ParseOperand();
      if (!low.ok()) return low.status();
      if (!PeekWord("AND")) return Syntax();
      Next();
      auto high = ParseOperand();
      if (!high.ok()) return high.status();
      if (low->kind == Operand::Kind::kValue && high->kind == Operand::Kind::kValue &&
          low->value.type == high->value.type &&
          (low->value.type == ValueType::kN || low->value.type == ValueType::kS || low->value.type == ValueType::kB) &&
          CompareScalars(low->value, high->value) > 0) {
        return Fail(fmt::format("The BETWEEN operator requires upper bound to be greater than or equal to lower "
                                "bound; lower bound operand: AttributeValue: {{{}:{}}}, upper bound operand: "
                                "AttributeValue: {{{}:{}}}", TypeName(low->value.type), low->value.str,
                                TypeName(high->value.type), high->value.str));
      }
      n->operands.push_back(std::move(low).value());
      n->operands.push_back(std::move(high).value());
      return NodePtr(n);
    }
    if (PeekWord("IN")) {
      Next();
      n->kind = Node::Kind::kIn;
      if (Peek().kind != Tok::kLParen) return Syntax();
      Next();
      while (true) {
        auto o = ParseOperand();
        if (!o.ok()) return o.status();
        n->operands.push_back(std::move(o).value());
        if (n->operands.size() - 1 > kMaxInOperands) {
          return Fail("The IN operator is provided with too many operands; number of operands: " +
                      std::to_string(n->operands.size() - 1));
        }
        if (Peek().kind == Tok::kComma) {
          Next();
          continue;
        }
        if (Peek().kind != Tok::kRParen) return Syntax();
        Next();
        break;
      }
      return NodePtr(n);
    }
    return Syntax();
  }

  Result<NodePtr> Function() {
    std::string_view name = Next().text;
    Next();  // (
    auto n = std::make_shared<Node>();
    int arity = 2;
    if (Iequals(name, "attribute_exists")) n->kind = Node::Kind::kExists, arity = 1;
    else if (Iequals(name, "attribute_not_exists")) n->kind = Node::Kind::kNotExists, arity = 1;
    else if (Iequals(name, "attribute_type")) n->kind = Node::Kind::kType;
    else if (Iequals(name, "begins_with")) n->kind = Node::Kind::kBeginsWith;
    else n->kind = Node::Kind::kContains;
    for (int i = 0; i < arity; ++i) {
      if (i > 0) {
        if (Peek().kind != Tok::kComma) return Syntax();
        Next();
      }
      auto o = ParseOperand();
      if (!o.ok()) return o.status();
      if (i == 0 && o->kind != Operand::Kind::kPath) {
        return Fail(fmt::format("Incorrect operand type for operator or function; operator or function: {}, "
                                "operand type: {}", name,
                                o->kind == Operand::Kind::kValue ? TypeName(o->value.type) : "N"));
      }
      n->operands.push_back(std::move(o).value());
    }
    if (Peek().kind != Tok::kRParen) return Syntax();
    Next();
    if (n->kind == Node::Kind::kType) {
      const Operand& t = n->operands[1];
      static constexpr std::string_view kTypes[] = {"S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"};
      if (t.kind != Operand::Kind::kValue || t.value.type != ValueType::kS ||
          std::find(std::begin(kTypes), std::end(kTypes), t.value.str) == std::end(kTypes)) {
        return Fail(fmt::format("Invalid attribute type name found; type: {}, valid types: "
                                "{{B,NULL,SS,BOOL,L,BS,N,NS,S,M}}",
                                t.kind == Operand::Kind::kValue ? t.value.str : "?"));
      }
    }
    if (n->kind == Node::Kind::kBeginsWith) {
      const Operand& p = n->operands[1];
      if (p.kind == Operand::Kind::kValue && p.value.type != ValueType::kS && p.value.type != ValueType::kB) {
        return Fail(fmt::format("Incorrect operand type for operator or function; operator or function: "
                                "begins_with, operand type: {}", TypeName(p.value.type)));
      }
    }
    return NodePtr(n);
  }

  Result<SetOperand> ParseSetOperand() {
    if (++depth_ > kMaxDepth) return Fail("The expression is nested too deeply");
    Result<SetOperand> out = SetOperand();
    SetOperand o;
    if (Peek().kind == Tok::kValuePh) {
      auto v = ValueOf(Next());
      if (!v.ok()) {
        out = v.status();
      } else {
        o.kind = SetOperand::Kind::kValue;
        o.value = std::move(v).value();
        out = std::move(o);
      }
    } else if (IsFunctionCall()) {
      std::string_view name = Next().text;
      Next();  // (
      bool if_not_exists = Iequals(name, "if_not_exists");
      if (!if_not_exists && !Iequals(name, "list_append")) {
        out = IsConditionFunction(name) || Iequals(name, "size")
                  ? Fail(fmt::format("The function is not allowed to be used this way in an expression; "
                                     "function: {}", name))
                  : Fail(fmt::format("Invalid function name; function: {}", name));
      } else {
        o.kind = if_not_exists ? SetOperand::Kind::kIfNotExists : SetOperand::Kind::kListAppend;
        Result<SetOperand> a = if_not_exists ? PathOperand() : ParseSetOperand();
        if (!a.ok()) {
          out = a.status();
        } else if (Peek().kind != Tok::kComma) {
          out = Syntax();
        } else {
          Next();
          auto b = ParseSetOperand();
          if (!b.ok()) {
            out = b.status();
          } else if (Peek().kind != Tok::kRParen) {
            out = Syntax();
          } else {
            Next();
            o.a = std::make_shared<SetOperand>(std::move(a).value());
            o.b = std::make_shared<SetOperand>(std::move(b).value());
            out = std::move(o);
          }
        }
      }
    } else {
      out = PathOperand();
    }
    --depth_;
    return out;
  }

  Result<SetOperand> PathOperand() {
    auto p = ParsePath();
    if (!p.ok()) return p.status();
    SetOperand o;
    o.path = std::move(p).value();
    return o;
  }

  Result<SetValue> ParseSetValue() {
    SetValue v;
    auto lhs = ParseSetOperand();
    if (!lhs.ok()) return lhs.status();
    v.lhs = std::move(lhs).value();
    if (Peek().kind == Tok::kPlus || Peek().kind == Tok::kMinus) {
      v.op = Next().kind == Tok::kPlus ? '+' : '-';
      auto rhs = ParseSetOperand();
      if (!rhs.ok()) return rhs.status();
      v.rhs = std::move(rhs).value();
    }
    return v;
  }

  std::string_view text_;
  ExpressionAttributes& attrs_;
  std::string kind_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

// --- evaluation ------------------------------------------------------------------

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

const AttributeValue* Eval(const Operand& o, const Item& item, AttributeValue& scratch) {
  switch (o.kind) {
    case Operand::Kind::kValue: return &o.value;
    case Operand::Kind::kPath: return Resolve(item, o.path);
    case Operand::Kind::kSize: {
      const AttributeValue* v = Resolve(item, o.path);
      if (v == nullptr) return nullptr;
      size_t size;
      switch (v->type) {
        case ValueType::kS: size = Utf8Length(v->str); break;
        case ValueType::kB: size = v->str.size(); break;
        case ValueType::kSS: case ValueType::kNS: case ValueType::kBS: size = v->set.size(); break;
        case ValueType::kL: size = v->list.size(); break;
        case ValueType::kM: size = v->map.size(); break;
        default: return nullptr;
      }
      scratch = AttributeValue::N(Number::Parse(std::to_string(size)).value());
      return &scratch;
    }
  }
  return nullptr;
}

bool Scalar(const AttributeValue& v) {
  return v.type == ValueType::kN || v.type == ValueType::kS || v.type == ValueType::kB;
}

// <0, 0, >0, or nullopt when the two cannot be ordered.
std::optional<int> Order(const AttributeValue* a, const AttributeValue* b) {
  if (a == nullptr || b == nullptr || a->type != b->type || !Scalar(*a)) return std::nullopt;
  return CompareScalars(*a, *b);
}

bool EvalNode(const Condition::Node& n, const Item& item) {
  using K = Condition::Node::Kind;
  AttributeValue s1, s2, s3;
  switch (n.kind) {
    case K::kAnd: return EvalNode(*n.left, item) && EvalNode(*n.right, item);
    case K::kOr: return EvalNode(*n.left, item) || EvalNode(*n.right, item);
    case K::kNot: return !EvalNode(*n.left, item);
    case K::kCompare: {
      const AttributeValue* a = Eval(n.operands[0], item, s1);
      const AttributeValue* b = Eval(n.operands[1], item, s2);
      if (n.op == "=") return a != nullptr && b != nullptr && *a == *b;
      if (n.op == "<>") return !(a != nullptr && b != nullptr && *a == *b);
      auto c = Order(a, b);
      if (!c) return false;
      if (n.op == "<") return *c < 0;
      if (n.op == "<=") return *c <= 0;
      if (n.op == ">") return *c > 0;
      return *c >= 0;
    }
    case K::kBetween: {
      const AttributeValue* v = Eval(n.operands[0], item, s1);
      auto lo = Order(v, Eval(n.operands[1], item, s2));
      auto hi = Order(v, Eval(n.operands[2], item, s3));
      return lo && hi && *lo >= 0 && *hi <= 0;
    }
    case K::kIn: {
      const AttributeValue* v = Eval(n.operands[0], item, s1);
      if (v == nullptr) return false;
      for (size_t i = 1; i < n.operands.size(); ++i) {
        const AttributeValue* c = Eval(n.operands[i], item, s2);
        if (c != nullptr && *c == *v) return true;
      }
      return false;
    }
    case K::kExists: return Resolve(item, n.operands[0].path) != nullptr;
    case K::kNotExists: return Resolve(item, n.operands[0].path) == nullptr;
    case K::kType: {
      const AttributeValue* v = Resolve(item, n.operands[0].path);
      return v != nullptr && TypeName(v->type) == n.operands[1].value.str;
    }
    case K::kBeginsWith: {
      const AttributeValue* v = Resolve(item, n.operands[0].path);
      const AttributeValue* p = Eval(n.operands[1], item, s2);
      if (v == nullptr || p == nullptr || v->type != p->type) return false;
      if (v->type != ValueType::kS && v->type != ValueType::kB) return false;
      return v->str.starts_with(p->str);
    }
    case K::kContains: {
      const AttributeValue* v = Resolve(item, n.operands[0].path);
      const AttributeValue* p = Eval(n.operands[1], item, s2);
      if (v == nullptr || p == nullptr) return false;
      switch (v->type) {
        case ValueType::kS: return p->type == ValueType::kS && v->str.find(p->str) != std::string::npos;
        case ValueType::kSS:
        case ValueType::kNS:
        case ValueType::kBS: {
          ValueType element = v->type == ValueType::kSS ? ValueType::kS
                              : v->type == ValueType::kNS ? ValueType::kN : ValueType::kB;
          return p->type == element && std::find(v->set.begin(), v->set.end(), p->str) != v->set.end();
        }
        case ValueType::kL:
          return std::find(v->list.begin(), v->list.end(), *p) != v->list.end();
        default: return false;
      }
    }
  }
  return false;
}

// --- update evaluation -------------------------------------------------------------

Status UpdateError(std::string m) { return Status(ErrorCode::kInvalidArgument, std::move(m)); }
Status WrongType() { return UpdateError("An operand in the update expression has an incorrect data type"); }
Status Missing() {
  return UpdateError("The provided expression refers to an attribute that does not exist in the item");
}

Result<AttributeValue> EvalSet(const SetOperand& o, const Item& item) {
  switch (o.kind) {
    case SetOperand::Kind::kValue: return o.value;
    case SetOperand::Kind::kPath: {
      const AttributeValue* v = Resolve(item, o.path);
      if (v == nullptr) return Missing();
      return *v;
    }
    case SetOperand::Kind::kIfNotExists: {
      const AttributeValue* v = Resolve(item, o.a->path);
      if (v != nullptr) return *v;
      return EvalSet(*o.b, item);
    }
    case SetOperand::Kind::kListAppend: {
      auto a = EvalSet(*o.a, item);
      if (!a.ok()) return a;
      auto b = EvalSet(*o.b, item);
      if (!b.ok()) return b;
      if (a->type != ValueType::kL || b->type != ValueType::kL) return WrongType();
      for (auto& e : b->list) a->list.push_back(std::move(e));
      return a;
    }
  }
  return WrongType();
}

Result<AttributeValue> EvalSetValue(const SetValue& v, const Item& item) {
  auto lhs = EvalSet(v.lhs, item);
  if (!lhs.ok() || v.op == 0) return lhs;
  auto rhs = EvalSet(v.rhs, item);
  if (!rhs.ok()) return rhs;
  if (lhs->type != ValueType::kN || rhs->type != ValueType::kN) return WrongType();
  auto a = Number::Parse(lhs->str), b = Number::Parse(rhs->str);
  if (!a.ok() || !b.ok()) return WrongType();
  auto r = v.op == '+' ? a->Add(*b) : a->Subtract(*b);
  if (!r.ok()) return r.status();
  return AttributeValue::N(*r);
}

Status InvalidPath() {
  return UpdateError("The document path provided in the update expression is invalid for update");
}

// The container that holds the last element of `path` in `item`, or null.
AttributeValue* Parent(Item& item, const Path& path, Item** top) {
  *top = nullptr;
  if (path.size() == 1) {
    *top = &item;
    return nullptr;
  }
  auto it = item.find(path[0].name);
  if (it == item.end()) return nullptr;
  AttributeValue* v = &it->second;
  for (size_t i = 1; i + 1 < path.size(); ++i) {
    const PathElement& e = path[i];
    if (e.is_index) {
      if (v->type != ValueType::kL || e.index >= v->list.size()) return nullptr;
      v = &v->list[e.index];
    } else {
      if (v->type != ValueType::kM) return nullptr;
      auto m = v->map.find(e.name);
      if (m == v->map.end()) return nullptr;
      v = &m->second;
    }
  }
  return v;
}

Status Assign(Item& item, const Path& path, AttributeValue value) {
  Item* top;
  AttributeValue* parent = Parent(item, path, &top);
  if (top != nullptr) {
    (*top)[path[0].name] = std::move(value);
    return Status::Ok();
  }
  if (parent == nullptr) return InvalidPath();
  const PathElement& last = path.back();
  if (last.is_index) {
    if (parent->type != ValueType::kL) return InvalidPath();
    if (last.index < parent->list.size()) parent->list[last.index] = std::move(value);
    else parent->list.push_back(std::move(value));
  } else {
    if (parent->type != ValueType::kM) return InvalidPath();
    parent->map[last.name] = std::move(value);
  }
  return Status::Ok();
}

void Remove(Item& item, const Path& path) {
  Item* top;
  AttributeValue* parent = Parent(item, path, &top);
  if (top != nullptr) {
    top->erase(path[0].name);
    return;
  }
  if (parent == nullptr) return;
  const PathElement& last = path.back();
  if (last.is_index) {
    if (parent->type == ValueType::kL && last.index < parent->list.size()) {
      parent->list.erase(parent->list.begin() + static_cast<std::ptrdiff_t>(last.index));
    }
  } else if (parent->type == ValueType::kM) {
    parent->map.erase(last.name);
  }
}

}  // namespace

// --- ExpressionAttributes -------------------------------------------------------------

ExpressionAttributes::ExpressionAttributes(std::map<std::string, std::string, std::less<>> names,
                                           std::map<std::string, AttributeValue, std::less<>> values)
    : names_(std::move(names)), values_(std::move(values)) {}

const std::string* ExpressionAttributes::Name(std::string_view placeholder) {
  auto it = names_.find(placeholder);
  if (it == names_.end()) return nullptr;
  used_names_.insert(it->first);
  return &it->second;
}

const AttributeValue* ExpressionAttributes::Value(std::string_view placeholder) {
  auto it = values_.find(placeholder);
  if (it == values_.end()) return nullptr;
  used_values_.insert(it->first);
  return &it->second;
}

Status ExpressionAttributes::CheckAllUsed() const {
  auto unused = [](const auto& all, const std::set<std::string, std::less<>>& used) {
    std::string list;
    for (const auto& [k, _] : all) {
      if (!used.contains(k)) list += (list.empty() ? "" : ", ") + k;
    }
    return list;
  };
  std::string names = unused(names_, used_names_);
  if (!names.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("Value provided in ExpressionAttributeNames unused in expressions: keys: {{{}}}", names));
  }
  std::string values = unused(values_, used_values_);
  if (!values.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("Value provided in ExpressionAttributeValues unused in expressions: keys: {{{}}}",
                              values));
  }
  return Status::Ok();
}

// --- Condition -------------------------------------------------------------------

Result<Condition> Condition::Parse(std::string_view text, ExpressionAttributes& attrs, std::string_view kind) {
  Parser p(text, attrs, kind);
  STRATUS_RETURN_IF_ERROR(p.Tokenize());
  auto root = p.ParseCondition();
  if (!root.ok()) return root.status();
  Condition c;
  c.root_ = std::move(root).value();
  return c;
}

bool Condition::Evaluate(const Item& item) const { return root_ != nullptr && EvalNode(*root_, item); }

// --- Projection -------------------------------------------------------------------

Result<Projection> Projection::Parse(std::string_view text, ExpressionAttributes& attrs) {
  Parser p(text, attrs, "ProjectionExpression");
  STRATUS_RETURN_IF_ERROR(p.Tokenize());
  auto paths = p.ParseProjection();
  if (!paths.ok()) return paths.status();
  return Of(std::move(paths).value());
}

Projection Projection::Of(std::vector<Path> paths) {
  Projection p;
  p.paths_ = std::move(paths);
  return p;
}

namespace {

// Which parts of a value a projection keeps.
struct Mask {
  bool whole = false;
  std::map<std::string, Mask, std::less<>> names;
  std::map<size_t, Mask> indexes;
};

std::optional<AttributeValue> Build(const AttributeValue& v, const Mask& m) {
  if (m.whole) return v;
  if (v.type == ValueType::kM && !m.names.empty()) {
    AttributeValue out;
    out.type = ValueType::kM;
    for (const auto& [name, sub] : m.names) {
      auto it = v.map.find(name);
      if (it == v.map.end()) continue;
      if (auto b = Build(it->second, sub)) out.map.emplace(name, std::move(*b));
    }
    if (!out.map.empty()) return out;
  }
  if (v.type == ValueType::kL && !m.indexes.empty()) {
    AttributeValue out;
    out.type = ValueType::kL;
    for (const auto& [index, sub] : m.indexes) {
      if (index >= v.list.size()) continue;
      if (auto b = Build(v.list[index], sub)) out.list.push_back(std::move(*b));
    }
    if (!out.list.empty()) return out;
  }
  return std::nullopt;
}

}  // namespace

Item Projection::Apply(const Item& item) const {
  std::map<std::string, Mask, std::less<>> top;
  for (const Path& p : paths_) {
    Mask* m = &top[p[0].name];
    for (size_t i = 1; i < p.size(); ++i) {
      m = p[i].is_index ? &m->indexes[p[i].index] : &m->names[p[i].name];
    }
    m->whole = true;
  }
  Item out;
  for (const auto& [name, mask] : top) {
    auto it = item.find(name);
    if (it == item.end()) continue;
    if (auto b = Build(it->second, mask)) out.emplace(name, std::move(*b));
  }
  return out;
}

// --- Update -------------------------------------------------------------------

Result<Update> Update::Parse(std::string_view text, ExpressionAttributes& attrs) {
  Parser p(text, attrs, "UpdateExpression");
  STRATUS_RETURN_IF_ERROR(p.Tokenize());
  Update u;
  STRATUS_RETURN_IF_ERROR(p.ParseUpdate(u.actions_, u.paths_));
  return u;
}

Status Update::Apply(Item& item) const {
  const Item& before = item;
  Item work = item;
  std::vector<const Action*> removals;
  for (const auto& a : actions_) {
    switch (a->kind) {
      case Action::Kind::kSet: {
        auto v = EvalSetValue(a->value, before);
        if (!v.ok()) return v.status();
        STRATUS_RETURN_IF_ERROR(Assign(work, a->path, std::move(v).value()));
        break;
      }
      case Action::Kind::kRemove: removals.push_back(a.get()); break;
      case Action::Kind::kAdd: {
        const AttributeValue* cur = Resolve(before, a->path);
        AttributeValue next = a->operand;
        if (cur != nullptr) {
          if (cur->type != a->operand.type) return WrongType();
          if (cur->type == ValueType::kN) {
            auto sum = Number::Parse(cur->str)->Add(Number::Parse(a->operand.str).value());
            if (!sum.ok()) return sum.status();
            next = AttributeValue::N(*sum);
          } else {
            next = *cur;
            for (const auto& e : a->operand.set) {
              if (std::find(next.set.begin(), next.set.end(), e) == next.set.end()) next.set.push_back(e);
            }
          }
        }
        STRATUS_RETURN_IF_ERROR(Assign(work, a->path, std::move(next)));
        break;
      }
      case Action::Kind::kDelete: {
        const AttributeValue* cur = Resolve(before, a->path);
        if (cur == nullptr) break;
        if (cur->type != a->operand.type) return WrongType();
        AttributeValue next = *cur;
        std::erase_if(next.set, [&](const std::string& e) {
          return std::find(a->operand.set.begin(), a->operand.set.end(), e) != a->operand.set.end();
        });
        if (next.set.empty()) Remove(work, a->path);
        else STRATUS_RETURN_IF_ERROR(Assign(work, a->path, std::move(next)));
        break;
      }
    }
  }
  // Removals last, later list indexes first, so each index means what it
  // meant in the item before the update.
  std::sort(removals.begin(), removals.end(), [](const Action* x, const Action* y) {
    const Path& a = x->path;
    const Path& b = y->path;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
      if (a[i] == b[i]) continue;
      if (a[i].is_index && b[i].is_index) return a[i].index > b[i].index;
      return a[i].name < b[i].name;
    }
    return a.size() > b.size();
  });
  for (const Action* r : removals) Remove(work, r->path);
  item = std::move(work);
  return Status::Ok();
}

// --- KeyCondition -------------------------------------------------------------------

namespace {

struct KeyPart {
  std::string name;
  KeyCondition::RangeOp op;
  AttributeValue low, high;
};

Status KeyFail(std::string m) { return Status(ErrorCode::kInvalidArgument, std::move(m)); }

Status CollectKeyParts(const Condition::Node& n, std::vector<KeyPart>& parts) {
  using K = Condition::Node::Kind;
  auto single_name = [](const Operand& o) { return o.kind == Operand::Kind::kPath && o.path.size() == 1; };
  switch (n.kind) {
    case K::kAnd:
      STRATUS_RETURN_IF_ERROR(CollectKeyParts(*n.left, parts));
      return CollectKeyParts(*n.right, parts);
    case K::kOr: return KeyFail("Invalid operator used in KeyConditionExpression: OR");
    case K::kNot: return KeyFail("Invalid operator used in KeyConditionExpression: NOT");
    case K::kIn: return KeyFail("Invalid operator used in KeyConditionExpression: IN");
    case K::kCompare: {
      if (n.op == "<>") return KeyFail("Invalid operator used in KeyConditionExpression: <>");
      const Operand* path = &n.operands[0];
      const Operand* value = &n.operands[1];
      std::string op = n.op;
      if (!single_name(*path) && single_name(*value)) {
        std::swap(path, value);  // ":v < sk" is "sk > :v"
        op = op == "<" ? ">" : op == "<=" ? ">=" : op == ">" ? "<" : op == ">=" ? "<=" : op;
      }
      if (!single_name(*path) || value->kind != Operand::Kind::kValue) {
        return KeyFail("Invalid KeyConditionExpression: The key conditions must be a comparison of a key "
                       "attribute with a value");
      }
      KeyCondition::RangeOp r = op == "=" ? KeyCondition::RangeOp::kEq
                                : op == "<" ? KeyCondition::RangeOp::kLt
                                : op == "<=" ? KeyCondition::RangeOp::kLe
                                : op == ">" ? KeyCondition::RangeOp::kGt
                                            : KeyCondition::RangeOp::kGe;
      parts.push_back({path->path[0].name, r, value->value, {}});
      return Status::Ok();
    }
    case K::kBetween: {
      if (!single_name(n.operands[0]) || n.operands[1].kind != Operand::Kind::kValue ||
          n.operands[2].kind != Operand::Kind::kValue) {
        return KeyFail("Invalid KeyConditionExpression: BETWEEN needs a key attribute and two values");
      }
      parts.push_back({n.operands[0].path[0].name, KeyCondition::RangeOp::kBetween, n.operands[1].value,
                       n.operands[2].value});
      return Status::Ok();
    }
    case K::kBeginsWith: {
      if (!single_name(n.operands[0]) || n.operands[1].kind != Operand::Kind::kValue) {
        return KeyFail("Invalid KeyConditionExpression: begins_with needs a key attribute and a value");
      }
      parts.push_back({n.operands[0].path[0].name, KeyCondition::RangeOp::kBeginsWith, n.operands[1].value, {}});
      return Status::Ok();
    }
    default: {
      static constexpr std::string_view kNames[] = {"", "", "", "", "", "", "attribute_exists",
                                                    "attribute_not_exists", "attribute_type", "", "contains"};
      return KeyFail(fmt::format("Invalid operator used in KeyConditionExpression: {}",
                                 kNames[static_cast<int>(n.kind)]));
    }
  }
}

}  // namespace

Result<KeyCondition> KeyCondition::Parse(std::string_view text, ExpressionAttributes& attrs,
                                         std::string_view hash_name, std::string_view range_name) {
  Parser p(text, attrs, "KeyConditionExpression");
  STRATUS_RETURN_IF_ERROR(p.Tokenize());
  auto root = p.ParseCondition();
  if (!root.ok()) return root.status();
  std::vector<KeyPart> parts;
  STRATUS_RETURN_IF_ERROR(CollectKeyParts(**root, parts));
  KeyCondition kc;
  bool have_hash = false, have_range = false;
  for (auto& part : parts) {
    if (part.name == hash_name && part.op == RangeOp::kEq && !have_hash) {
      kc.hash = std::move(part.low);
      have_hash = true;
    } else if (!range_name.empty() && part.name == range_name && !have_range) {
      kc.op = part.op;
      kc.low = std::move(part.low);
      kc.high = std::move(part.high);
      have_range = true;
    } else if (part.name == hash_name || part.name == range_name) {
      return KeyFail("Query key condition not supported");
    } else {
      return KeyFail(fmt::format("Query condition missed key schema element: {}",
                                 !have_hash || range_name.empty() ? hash_name : range_name));
    }
  }
  if (!have_hash) return KeyFail(fmt::format("Query condition missed key schema element: {}", hash_name));
  return kc;
}

bool KeyCondition::RangeMatches(const AttributeValue& v) const {
  if (op == RangeOp::kNone) return true;
  if (v.type != low.type) return false;
  int c = CompareScalars(v, low);
  switch (op) {
    case RangeOp::kNone: return true;
    case RangeOp::kEq: return c == 0;
    case RangeOp::kLt: return c < 0;
    case RangeOp::kLe: return c <= 0;
    case RangeOp::kGt: return c > 0;
    case RangeOp::kGe: return c >= 0;
    case RangeOp::kBetween: return c >= 0 && CompareScalars(v, high) <= 0;
    case RangeOp::kBeginsWith: return v.str.starts_with(low.str);
  }
  return false;
}

}  // namespace service::tables
