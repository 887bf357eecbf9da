#pragma once

// DynamoDB expressions: condition and filter expressions, key condition
// expressions, projection expressions and update expressions, with
// ExpressionAttributeNames (#n) and ExpressionAttributeValues (:v), as AWS's
// "Expressions" developer guide defines them.
//
// Parse* compile the text once (the AST is private to expression.cc); the
// compiled objects are immutable and evaluate against items. Every parse error
// is kInvalidArgument with DynamoDB's wording, e.g.
//   "Invalid ConditionExpression: Syntax error; token: \"<\", near: \"a <\""
//   "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v"
//   "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #n"
//   "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"
//   "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"
//   "Invalid KeyConditionExpression: ..."
// A request's expressions share one ExpressionAttributes; after parsing all
// of them CheckAllUsed() reports placeholders no expression used, as AWS does.
//
// Grammar (condition/filter):
//   condition := operand comparator operand | operand BETWEEN operand AND operand
//              | operand IN ( operand (, operand)* )        (up to 100)
//              | function | condition AND condition | condition OR condition
//              | NOT condition | ( condition )
//   comparator := = | <> | < | <= | > | >=
//   function := attribute_exists(path) | attribute_not_exists(path)
//             | attribute_type(path, :type) | begins_with(path, operand)
//             | contains(path, operand)
//   operand := path | :value | size(path)
//   path := name ( .name | [index] )*       (name: identifier or #placeholder)
// Precedence: = <> < <= > >= IN BETWEEN, then function, then NOT, AND, OR.
// Keywords are case-insensitive; reserved words as bare names are an error
// ("Attribute name is a reserved keyword; reserved keyword: <word>").
//
// Update: SET path = value (, ...) | REMOVE path (, ...) | ADD path :v (, ...)
// | DELETE path :v (, ...), each clause at most once, where value :=
// operand | operand + operand | operand - operand and operand may also be
// if_not_exists(path, value) or list_append(a, b).

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "service/tables/value.h"

namespace service::tables {

// One step of a document path: an attribute/map-key name or a list index.
struct PathElement {
  std::string name;   // when !is_index
  size_t index = 0;   // when is_index
  bool is_index = false;
  bool operator==(const PathElement&) const = default;
};
using Path = std::vector<PathElement>;  // the first element is always a name

// The value at `path` in `item`, or null if any step is missing or of the
// wrong type.
const AttributeValue* Resolve(const Item& item, const Path& path);

// The placeholders of one request and which of them its expressions used.
class ExpressionAttributes {
 public:
  ExpressionAttributes() = default;
  ExpressionAttributes(std::map<std::string, std::string, std::less<>> names,
                       std::map<std::string, AttributeValue, std::less<>> values);

  // kInvalidArgument naming the unused ones, in AWS's words:
  //   "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}"
  //   "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}"
  Status CheckAllUsed() const;

  // For the parsers: look up and mark used; null if undefined.
  const std::string* Name(std::string_view placeholder);
  const AttributeValue* Value(std::string_view placeholder);

 private:
  std::map<std::string, std::string, std::less<>> names_;
  std::map<std::string, AttributeValue, std::less<>> values_;
  std::set<std::string, std::less<>> used_names_;
  std::set<std::string, std::less<>> used_values_;
};

// A compiled condition or filter expression.
class Condition {
 public:
  // `kind` names the parameter in errors: "ConditionExpression",
  // "FilterExpression".
  static Result<Condition> Parse(std::string_view text, ExpressionAttributes& attrs,
                                 std::string_view kind);
  // Whether `item` satisfies the condition; a missing item is the empty item
  // (so attribute_not_exists holds). Comparisons of different types are false.
  bool Evaluate(const Item& item) const;

  struct Node;  // the AST, defined in expression.cc

 private:
  std::shared_ptr<const Node> root_;
};

// A compiled projection expression: the document paths to keep.
class Projection {
 public:
  static Result<Projection> Parse(std::string_view text, ExpressionAttributes& attrs);
  static Projection Of(std::vector<Path> paths);
  // The item with only the projected paths (nested paths keep their parents;
  // list elements keep their relative order, compacted as DynamoDB does).
  Item Apply(const Item& item) const;
  const std::vector<Path>& paths() const { return paths_; }

 private:
  std::vector<Path> paths_;
};

// A compiled update expression.
class Update {
 public:
  static Result<Update> Parse(std::string_view text, ExpressionAttributes& attrs);
  // Applies every action to `item` (in place; SET values are computed from
  // the item as it was before the update, as DynamoDB does). kInvalidArgument
  // with DynamoDB's wording when an operand has the wrong type, e.g.
  //   "An operand in the update expression has an incorrect data type"
  //   "The provided expression refers to an attribute that does not exist in the item"
  // On error `item` is unchanged.
  Status Apply(Item& item) const;
  // Every path the update sets, removes, adds to or deletes from (for
  // UPDATED_OLD / UPDATED_NEW, and for the key-attribute check).
  const std::vector<Path>& paths() const { return paths_; }

  struct Action;  // defined in expression.cc

 private:
  std::vector<std::shared_ptr<const Action>> actions_;
  std::vector<Path> paths_;
};

// A compiled key condition: equality on the partition key and at most one
// condition on the sort key.
struct KeyCondition {
  enum class RangeOp { kNone, kEq, kLt, kLe, kGt, kGe, kBetween, kBeginsWith };
  AttributeValue hash;
  RangeOp op = RangeOp::kNone;
  AttributeValue low;   // the operand (the lower bound for BETWEEN)
  AttributeValue high;  // BETWEEN's upper bound

  // `hash_name`/`range_name` are the key schema's attribute names
  // (`range_name` empty for a hash-only key). Errors as DynamoDB words them:
  //   "Query condition missed key schema element: <name>"
  //   "Query key condition not supported"
  //   "Invalid KeyConditionExpression: ..." (syntax, placeholders)
  static Result<KeyCondition> Parse(std::string_view text, ExpressionAttributes& attrs,
                                    std::string_view hash_name, std::string_view range_name);
  // Whether a sort key value satisfies op (true for kNone).
  bool RangeMatches(const AttributeValue& range) const;
};

}  // namespace service::tables
