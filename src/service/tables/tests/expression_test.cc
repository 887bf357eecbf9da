#include "service/tables/expression.h"

#include <gtest/gtest.h>

namespace service::tables {
namespace {

AttributeValue S(std::string v) { return AttributeValue::S(std::move(v)); }
AttributeValue N(std::string_view v) { return AttributeValue::N(Number::Parse(v).value()); }
AttributeValue L(std::vector<AttributeValue> v) {
  AttributeValue a;
  a.type = ValueType::kL;
  a.list = std::move(v);
  return a;
}
AttributeValue M(Item m) {
  AttributeValue a;
  a.type = ValueType::kM;
  a.map = std::move(m);
  return a;
}
AttributeValue Set(ValueType t, std::vector<std::string> e) {
  AttributeValue a;
  a.type = t;
  a.set = std::move(e);
  return a;
}

Item Sample() {
  return {{"id", S("i1")},
          {"n", N("10")},
          {"s", S("hello world")},
          {"b", AttributeValue::B(std::string("\x01\x02\x03", 3))},
          {"ok", AttributeValue::Bool(true)},
          {"nothing", AttributeValue::Null()},
          {"tags", Set(ValueType::kSS, {"red", "blue"})},
          {"nums", Set(ValueType::kNS, {"1", "2"})},
          {"lst", L({S("a"), N("2"), M({{"deep", S("x")}})})},
          {"map", M({{"in2", M({{"leaf", N("7")}})}, {"other", S("o")}})},
          {"status", S("reserved-name")}};
}

struct Eval {
  std::map<std::string, std::string, std::less<>> names = {{"#st", "status"}, {"#m", "map"}};
  std::map<std::string, AttributeValue, std::less<>> values = {
      {":ten", N("10")}, {":nine", N("9")}, {":s", S("hello")}, {":red", S("red")}, {":one", N("1")},
      {":S", S("S")},    {":L", S("L")},    {":NULL", S("NULL")}, {":x", S("x")}, {":big", N("100")}};

  bool operator()(std::string_view text) {
    ExpressionAttributes attrs(names, values);
    auto c = Condition::Parse(text, attrs, "ConditionExpression");
    EXPECT_TRUE(c.ok()) << text << ": " << c.status().ToString();
    return c.ok() && c->Evaluate(Sample());
  }
};

TEST(ConditionTest, ComparatorsAndLogic) {
  Eval e;
  EXPECT_TRUE(e("n = :ten"));
  EXPECT_TRUE(e("n <> :nine"));
  EXPECT_TRUE(e("absent <> :nine"));
  EXPECT_FALSE(e("absent = :nine"));
  EXPECT_TRUE(e("n > :nine AND n >= :ten AND n < :big AND n <= :ten"));
  EXPECT_FALSE(e("s > :ten"));  // different types never order
  EXPECT_TRUE(e("n BETWEEN :nine AND :ten"));
  EXPECT_TRUE(e("n IN (:one, :ten)"));
  EXPECT_FALSE(e("n IN (:one, :nine)"));
  EXPECT_TRUE(e("NOT n = :nine"));
  EXPECT_TRUE(e("n = :nine OR n = :ten"));
  EXPECT_FALSE(e("n = :nine OR n = :ten AND n = :nine"));  // AND binds tighter
  EXPECT_TRUE(e("(n = :nine OR n = :ten) AND NOT (n = :nine)"));
  EXPECT_TRUE(e("n = :ten and not n = :nine"));  // case-insensitive keywords
}

TEST(ConditionTest, Functions) {
  Eval e;
  EXPECT_TRUE(e("attribute_exists(id) AND attribute_not_exists(absent)"));
  EXPECT_TRUE(e("attribute_exists(#m.in2.leaf) AND attribute_exists(lst[2].deep)"));
  EXPECT_FALSE(e("attribute_exists(lst[3])"));
  EXPECT_TRUE(e("attribute_type(s, :S) AND attribute_type(lst, :L) AND attribute_type(nothing, :NULL)"));
  EXPECT_TRUE(e("begins_with(s, :s)"));
  EXPECT_TRUE(e("contains(s, :s) AND contains(tags, :red) AND contains(nums, :one)"));
  EXPECT_FALSE(e("contains(lst, :x)"));
  EXPECT_TRUE(e("size(s) > :ten AND size(tags) < :big AND size(lst) BETWEEN :one AND :ten"));
  EXPECT_TRUE(e("size(#m) = :one OR size(#m) > :one"));
  EXPECT_TRUE(e("#st = #st"));
}

std::string Error(std::string_view text, std::string_view kind = "ConditionExpression") {
  Eval e;
  ExpressionAttributes attrs(e.names, e.values);
  auto c = Condition::Parse(text, attrs, kind);
  return c.ok() ? "ok" : c.status().message();
}

TEST(ConditionTest, Errors) {
  EXPECT_EQ(Error("status = :s"),
            "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status");
  EXPECT_EQ(Error("n = :undefined"),
            "Invalid ConditionExpression: An expression attribute value used in expression is not defined; "
            "attribute value: :undefined");
  EXPECT_EQ(Error("#nope = :s"),
            "Invalid ConditionExpression: An expression attribute name used in the document path is not "
            "defined; attribute name: #nope");
  EXPECT_NE(Error("n = ").find("Invalid ConditionExpression: Syntax error; token: \"<EOF>\""), std::string::npos);
  EXPECT_NE(Error("n == :s").find("Syntax error; token: \"=\""), std::string::npos);
  EXPECT_EQ(Error("foo(n)"), "Invalid ConditionExpression: Invalid function name; function: foo");
  EXPECT_EQ(Error("size(n)"), "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"size(n)\"");
  EXPECT_EQ(Error("n = attribute_exists(n)"),
            "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; "
            "function: attribute_exists");
  EXPECT_NE(Error("attribute_type(n, :ten)").find("Invalid attribute type name found"), std::string::npos);
  EXPECT_NE(Error("n BETWEEN :ten AND :nine").find("requires upper bound to be greater than or equal"),
            std::string::npos);
  EXPECT_EQ(Error(""), "Invalid ConditionExpression: The expression can not be empty;");
  EXPECT_EQ(Error(std::string(5000, 'a')),
            "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size");
  std::string deep(200, '(');
  EXPECT_NE(Error(deep + "n = :ten" + std::string(200, ')')).find("nested too deeply"), std::string::npos);
  EXPECT_NE(Error("n = :ten", "FilterExpression").find("ok"), std::string::npos);
}

TEST(ConditionTest, UnusedPlaceholders) {
  ExpressionAttributes attrs({{"#a", "a"}, {"#b", "b"}}, {{":v", S("x")}, {":w", S("y")}});
  ASSERT_TRUE(Condition::Parse("#a = :v", attrs, "ConditionExpression").ok());
  EXPECT_EQ(attrs.CheckAllUsed().message(),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}");
  ExpressionAttributes values({}, {{":v", S("x")}, {":w", S("y")}});
  ASSERT_TRUE(Condition::Parse("a = :v", values, "ConditionExpression").ok());
  EXPECT_EQ(values.CheckAllUsed().message(),
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}");
}

Result<Item> Apply(std::string_view text, Item item, std::map<std::string, AttributeValue, std::less<>> values = {}) {
  ExpressionAttributes attrs({}, std::move(values));
  auto u = Update::Parse(text, attrs);
  if (!u.ok()) return u.status();
  STRATUS_RETURN_IF_ERROR(u->Apply(item));
  return item;
}

TEST(UpdateTest, SetArithmeticAndFunctions) {
  auto r = Apply("SET n = n + :d, m = :d - n, c = if_not_exists(c, :z), l = list_append(l, :more)",
                 {{"n", N("1.5")}, {"l", L({N("1")})}}, {{":d", N("0.25")}, {":z", N("0")}, {":more", L({N("2")})}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->at("n").str, "1.75");
  EXPECT_EQ(r->at("m").str, "-1.25");  // computed from the item before the update
  EXPECT_EQ(r->at("c").str, "0");
  EXPECT_EQ(r->at("l").list.size(), 2u);
  r = Apply("SET c = if_not_exists(c, :z)", {{"c", N("5")}}, {{":z", N("0")}});
  EXPECT_EQ(r->at("c").str, "5");
  r = Apply("SET l = list_append(:front, l)", {{"l", L({N("1")})}}, {{":front", L({N("0")})}});
  EXPECT_EQ(r->at("l").list[0].str, "0");
}

TEST(UpdateTest, NestedPathsAndLists) {
  Item item{{"m", M({{"a", L({N("0"), N("1"), N("2"), N("3")})}})}};
  auto r = Apply("SET m.a[1] = :x, m.a[10] = :y, m.b = :x REMOVE m.a[0], m.a[2]", item,
                 {{":x", S("x")}, {":y", S("y")}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& list = r->at("m").map.at("a").list;
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].str, "x");
  EXPECT_EQ(list[1].str, "3");
  EXPECT_EQ(list[2].str, "y");
  EXPECT_EQ(r->at("m").map.at("b").str, "x");
  auto bad = Apply("SET nope.a = :x", item, {{":x", S("x")}});
  EXPECT_EQ(bad.status().message(), "The document path provided in the update expression is invalid for update");
}

TEST(UpdateTest, AddAndDelete) {
  auto r = Apply("ADD n :one, c :one, tags :more DELETE gone :gone", {{"n", N("41")}, {"tags", Set(ValueType::kSS, {"a"})},
                 {"gone", Set(ValueType::kSS, {"z"})}},
                 {{":one", N("1")}, {":more", Set(ValueType::kSS, {"a", "b"})}, {":gone", Set(ValueType::kSS, {"z"})}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->at("n").str, "42");
  EXPECT_EQ(r->at("c").str, "1");
  EXPECT_EQ(r->at("tags").set, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(r->contains("gone"));
  Item exact{{"x", N("0")}};
  for (int i = 0; i < 10; ++i) exact = Apply("ADD x :d", exact, {{":d", N("0.1")}}).value();
  EXPECT_EQ(exact.at("x").str, "1");
}

TEST(UpdateTest, ErrorsLeaveTheItemUnchanged) {
  Item item{{"s", S("text")}, {"n", N("1")}};
  ExpressionAttributes attrs({}, {{":one", N("1")}});
  auto u = Update::Parse("SET n = n + :one, s = s + :one", attrs);
  ASSERT_TRUE(u.ok());
  Item copy = item;
  EXPECT_EQ(u->Apply(copy).message(), "An operand in the update expression has an incorrect data type");
  EXPECT_EQ(copy, item);
  EXPECT_EQ(Apply("SET a = absent", item).status().message(),
            "The provided expression refers to an attribute that does not exist in the item");
  EXPECT_NE(Apply("SET a = :one, a.b = :one", item, {{":one", N("1")}}).status().message().find(
                "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: "
                "[a], path two: [a, b]"),
            std::string::npos);
  EXPECT_EQ(Apply("SET a = :one SET b = :one", item, {{":one", N("1")}}).status().message(),
            "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;");
  EXPECT_NE(Apply("ADD a :s", item, {{":s", S("x")}}).status().message().find("Incorrect operand type"),
            std::string::npos);
}

TEST(ProjectionTest, KeepsPathsAndParents) {
  ExpressionAttributes attrs({{"#m", "map"}}, {});
  auto p = Projection::Parse("id, #m.in2.leaf, lst[2], lst[0], absent", attrs);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  Item out = p->Apply(Sample());
  EXPECT_EQ(out.size(), 3u);
  EXPECT_EQ(out.at("map").map.size(), 1u);
  EXPECT_EQ(out.at("map").map.at("in2").map.at("leaf").str, "7");
  ASSERT_EQ(out.at("lst").list.size(), 2u);  // compacted, in list order
  EXPECT_EQ(out.at("lst").list[0].str, "a");
  ExpressionAttributes a2;
  EXPECT_NE(Projection::Parse("a, a.b", a2).status().message().find("Invalid ProjectionExpression: Two document paths overlap"),
            std::string::npos);
}

TEST(KeyConditionTest, Shapes) {
  auto parse = [](std::string_view text) {
    ExpressionAttributes attrs({{"#k", "pk"}}, {{":h", S("h")}, {":a", N("1")}, {":b", N("5")}});
    return KeyCondition::Parse(text, attrs, "pk", "sk");
  };
  auto k = parse("#k = :h AND sk BETWEEN :a AND :b");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->op, KeyCondition::RangeOp::kBetween);
  EXPECT_TRUE(k->RangeMatches(N("3")));
  EXPECT_FALSE(k->RangeMatches(N("6")));
  k = parse("sk <= :b AND pk = :h");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->op, KeyCondition::RangeOp::kLe);
  k = parse("(pk = :h) AND begins_with(sk, :h)");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->op, KeyCondition::RangeOp::kBeginsWith);
  EXPECT_EQ(parse("sk = :a").status().message(), "Query condition missed key schema element: pk");
  EXPECT_EQ(parse("pk = :h OR sk = :a").status().message(), "Invalid operator used in KeyConditionExpression: OR");
  EXPECT_EQ(parse("pk = :h AND sk = :a AND sk = :b").status().message(), "Query key condition not supported");
  EXPECT_EQ(parse("pk = :h AND extra = :a").status().message(), "Query condition missed key schema element: sk");
}

}  // namespace
}  // namespace service::tables
