// libFuzzer target for DynamoDB expressions (src/service/tables/expression.h).
//
// Input: arbitrary text, given to each parser (condition, key condition,
// projection, update) with a fixed set of placeholders.
//
// Properties checked:
//   * No parser crashes, hangs or recurses without bound; a refusal is
//     kInvalidArgument with a message naming the expression kind.
//   * Whatever parses evaluates (a condition, a key condition's range
//     test), projects or applies against a fixed item without crashing; a
//     failed update leaves the item unchanged, a projection keeps only
//     attributes of the item.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "service/tables/expression.h"

namespace {

using namespace service::tables;

void Check(bool ok) {
  if (!ok) std::abort();
}

AttributeValue N(std::string_view v) { return AttributeValue::N(Number::Parse(v).value()); }

const Item& Sample() {
  static const Item* item = [] {
    auto* i = new Item;
    AttributeValue list;
    list.type = ValueType::kL;
    list.list = {AttributeValue::S("a"), N("2")};
    AttributeValue map;
    map.type = ValueType::kM;
    map.map = {{"x", N("1")}, {"l", list}};
    AttributeValue set;
    set.type = ValueType::kSS;
    set.set = {"p", "q"};
    *i = {{"a", AttributeValue::S("text")}, {"n", N("-3.5")}, {"m", map}, {"l", list}, {"ss", set},
          {"b", AttributeValue::Bool(true)}};
    return i;
  }();
  return *item;
}

ExpressionAttributes Attrs() {
  AttributeValue set;
  set.type = ValueType::kSS;
  set.set = {"q", "r"};
  AttributeValue list;
  list.type = ValueType::kL;
  list.list = {N("9")};
  return ExpressionAttributes({{"#a", "a"}, {"#n", "n"}, {"#m", "m"}, {"#k", "status"}},
                              {{":s", AttributeValue::S("te")}, {":n", N("1")}, {":t", AttributeValue::S("S")},
                               {":set", set}, {":l", list}});
}

void CheckError(const common::Status& st) {
  Check(st.code() == common::ErrorCode::kInvalidArgument && !st.message().empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  {
    ExpressionAttributes attrs = Attrs();
    auto c = Condition::Parse(text, attrs, "ConditionExpression");
    if (c.ok()) {
      (void)c->Evaluate(Sample());
      (void)c->Evaluate(Item());
      (void)attrs.CheckAllUsed();
    } else {
      CheckError(c.status());
    }
  }
  {
    ExpressionAttributes attrs = Attrs();
    auto k = KeyCondition::Parse(text, attrs, "a", "n");
    if (k.ok()) (void)k->RangeMatches(N("2"));
    else CheckError(k.status());
  }
  {
    ExpressionAttributes attrs = Attrs();
    auto p = Projection::Parse(text, attrs);
    if (p.ok()) {
      Item out = p->Apply(Sample());
      for (const auto& [name, _] : out) Check(Sample().contains(name));
    } else {
      CheckError(p.status());
    }
  }
  {
    ExpressionAttributes attrs = Attrs();
    auto u = Update::Parse(text, attrs);
    if (u.ok()) {
      Item item = Sample();
      if (!u->Apply(item).ok()) Check(item == Sample());
    } else {
      CheckError(u.status());
    }
  }
  return 0;
}
