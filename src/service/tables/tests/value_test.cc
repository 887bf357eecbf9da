#include "service/tables/value.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace service::tables {
namespace {

namespace json = boost::json;

json::value ParseJson(std::string_view text) {
  json::parse_options options;
  options.max_depth = kJsonMaxDepth;
  return json::parse(text, {}, options);
}

Result<Item> ParseItem(std::string_view text) { return ItemFromJson(ParseJson(text)); }

Result<AttributeValue> ParseValue(std::string_view text) { return ValueFromJson(ParseJson(text)); }

// "ok" or the error message.
std::string Error(std::string_view item_text) {
  auto r = ParseItem(item_text);
  return r.ok() ? "ok" : r.status().message();
}

// The error for one attribute value, checked both ways in: as an item's
// attribute (ItemFromJson) and alone (ValueFromJson).
std::string ValueError(std::string_view value_text) {
  auto alone = ParseValue(value_text);
  std::string in_item = Error(R"({"a":)" + std::string(value_text) + "}");
  EXPECT_EQ(alone.ok() ? "ok" : alone.status().message(), in_item) << value_text;
  return in_item;
}

std::string_view Reason(std::string_view value_text) {
  auto r = ParseValue(value_text);
  return r.ok() ? "ok" : r.status().reason();
}

std::string Serialize(const AttributeValue& v) { return json::serialize(ValueToJson(v)); }

AttributeValue Num(std::string_view text) { return AttributeValue::N(Number::Parse(text).value()); }

TEST(ValueTest, TypeNames) {
  EXPECT_EQ(TypeName(ValueType::kS), "S");
  EXPECT_EQ(TypeName(ValueType::kN), "N");
  EXPECT_EQ(TypeName(ValueType::kB), "B");
  EXPECT_EQ(TypeName(ValueType::kSS), "SS");
  EXPECT_EQ(TypeName(ValueType::kNS), "NS");
  EXPECT_EQ(TypeName(ValueType::kBS), "BS");
  EXPECT_EQ(TypeName(ValueType::kM), "M");
  EXPECT_EQ(TypeName(ValueType::kL), "L");
  EXPECT_EQ(TypeName(ValueType::kNull), "NULL");
  EXPECT_EQ(TypeName(ValueType::kBool), "BOOL");
}

TEST(ValueTest, Constructors) {
  EXPECT_EQ(AttributeValue::S("x").type, ValueType::kS);
  EXPECT_EQ(AttributeValue::S("x").str, "x");
  EXPECT_EQ(Num("1.50").type, ValueType::kN);
  EXPECT_EQ(Num("1.50").str, "1.5");
  EXPECT_EQ(AttributeValue::B(std::string("\0\xff", 2)).type, ValueType::kB);
  EXPECT_EQ(AttributeValue::B(std::string("\0\xff", 2)).str, std::string("\0\xff", 2));
  EXPECT_EQ(AttributeValue::Bool(true).type, ValueType::kBool);
  EXPECT_TRUE(AttributeValue::Bool(true).boolean);
  EXPECT_FALSE(AttributeValue::Bool(false).boolean);
  EXPECT_EQ(AttributeValue::Null().type, ValueType::kNull);
  EXPECT_EQ(AttributeValue(), AttributeValue::Null());
}

TEST(ValueTest, ParsesEveryType) {
  auto item = ParseItem(R"({"s":{"S":"héllo"},"e":{"S":""},"n":{"N":"-001.50e1"},"b":{"B":"AAEC/w=="},
    "eb":{"B":""},"ss":{"SS":["b","a",""]},"ns":{"NS":["10","2.0","-0.5e1"]},"bs":{"BS":["AA==","","AQ=="]},
    "m":{"M":{"x":{"L":[{"NULL":true},{"BOOL":false},{"BOOL":true}]}}},"l":{"L":[]},
    "em":{"M":{}}})");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->size(), 11u);
  EXPECT_EQ(item->at("s"), AttributeValue::S("héllo"));
  EXPECT_EQ(item->at("e"), AttributeValue::S(""));
  EXPECT_EQ(item->at("n").type, ValueType::kN);
  EXPECT_EQ(item->at("n").str, "-15");  // canonical
  EXPECT_EQ(item->at("b"), AttributeValue::B(std::string("\0\1\2\xff", 4)));
  EXPECT_EQ(item->at("eb"), AttributeValue::B(""));
  EXPECT_EQ(item->at("ss").set, (std::vector<std::string>{"b", "a", ""}));  // order kept
  EXPECT_EQ(item->at("ns").set, (std::vector<std::string>{"10", "2", "-5"}));
  EXPECT_EQ(item->at("bs").set, (std::vector<std::string>{std::string("\0", 1), "", "\1"}));
  const AttributeValue& m = item->at("m");
  ASSERT_EQ(m.type, ValueType::kM);
  ASSERT_EQ(m.map.size(), 1u);
  const AttributeValue& l = m.map.at("x");
  ASSERT_EQ(l.type, ValueType::kL);
  ASSERT_EQ(l.list.size(), 3u);
  EXPECT_EQ(l.list[0], AttributeValue::Null());
  EXPECT_EQ(l.list[1], AttributeValue::Bool(false));
  EXPECT_EQ(l.list[2], AttributeValue::Bool(true));
  EXPECT_EQ(item->at("l").type, ValueType::kL);
  EXPECT_TRUE(item->at("l").list.empty());
  EXPECT_EQ(item->at("em").type, ValueType::kM);
  EXPECT_TRUE(item->at("em").map.empty());
}

TEST(ValueTest, WritesTheWireForm) {
  EXPECT_EQ(Serialize(AttributeValue::S("a\"b")), R"({"S":"a\"b"})");
  EXPECT_EQ(Serialize(Num("1.50")), R"({"N":"1.5"})");
  EXPECT_EQ(Serialize(AttributeValue::B(std::string("\0\1\2", 3))), R"({"B":"AAEC"})");
  EXPECT_EQ(Serialize(AttributeValue::B("ab")), R"({"B":"YWI="})");
  EXPECT_EQ(Serialize(AttributeValue::B("")), R"({"B":""})");
  EXPECT_EQ(Serialize(AttributeValue::Bool(false)), R"({"BOOL":false})");
  EXPECT_EQ(Serialize(AttributeValue::Null()), R"({"NULL":true})");
  EXPECT_EQ(Serialize(ParseValue(R"({"SS":["x","y"]})").value()), R"({"SS":["x","y"]})");
  EXPECT_EQ(Serialize(ParseValue(R"({"NS":["1.0","2e2"]})").value()), R"({"NS":["1","200"]})");
  EXPECT_EQ(Serialize(ParseValue(R"({"BS":["YWI=","Yw=="]})").value()), R"({"BS":["YWI=","Yw=="]})");
  EXPECT_EQ(Serialize(ParseValue(R"({"L":[{"N":"01"},{"L":[]}]})").value()), R"({"L":[{"N":"1"},{"L":[]}]})");
  EXPECT_EQ(Serialize(ParseValue(R"({"M":{"b":{"S":"1"},"a":{"M":{}}}})").value()),
            R"({"M":{"a":{"M":{}},"b":{"S":"1"}}})");  // names in order
  auto item = ParseItem(R"({"z":{"N":"3"},"a":{"BOOL":true}})").value();
  EXPECT_EQ(json::serialize(ItemToJson(item)), R"({"a":{"BOOL":true},"z":{"N":"3"}})");
  EXPECT_EQ(json::serialize(ItemToJson(Item{})), "{}");
}

TEST(ValueTest, JsonRoundTrip) {
  const char* text = R"({"s":{"S":""},"n":{"N":"1.50"},"b":{"B":"AAEC"},"ss":{"SS":["a","b"]},
    "ns":{"NS":["1","2.0"]},"bs":{"BS":["AA==","AQ=="]},"m":{"M":{"x":{"L":[{"NULL":true},{"BOOL":false}]}}}})";
  auto item = ParseItem(text);
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  json::object wire = ItemToJson(*item);
  auto again = ItemFromJson(wire);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, *item);
  // Through text too, and the second rendering is identical to the first.
  auto reparsed = ParseItem(json::serialize(wire));
  ASSERT_TRUE(reparsed.ok());
  EXPECT_EQ(*reparsed, *item);
  EXPECT_EQ(json::serialize(ItemToJson(*reparsed)), json::serialize(wire));
}

// Random values of every type, nested, for the round trip.
AttributeValue RandomValue(std::mt19937& rng, int depth) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  auto bytes = [&](int max) {
    std::string s;
    for (int i = pick(max + 1); i > 0; --i) s.push_back(static_cast<char>(pick(256)));
    return s;
  };
  auto text = [&](int max) {
    std::string s;
    const char* pieces[] = {"a", "b", "Z", "0", " ", "\"", "\\", "\n", "é", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
    for (int i = pick(max + 1); i > 0; --i) s += pieces[pick(11)];
    return s;
  };
  auto number = [&] {
    std::string t = (pick(2) ? "-" : "") + std::to_string(rng() % 100000) + "." + std::to_string(rng() % 1000) +
                    "e" + std::to_string(pick(41) - 20);
    return Number::Parse(t).value().ToString();
  };
  auto unique_set = [&](auto make) {
    std::vector<std::string> set;
    for (int i = pick(4) + 1; i > 0; --i) {
      std::string e = make();
      if (std::find(set.begin(), set.end(), e) == set.end()) set.push_back(e);
    }
    return set;
  };
  AttributeValue v;
  switch (pick(depth >= 4 ? 7 : 10)) {
    case 0: return AttributeValue::S(text(6));
    case 1: return AttributeValue::N(Number::Parse(number()).value());
    case 2: return AttributeValue::B(bytes(6));
    case 3: v.type = ValueType::kSS; v.set = unique_set([&] { return text(3); }); return v;
    case 4: v.type = ValueType::kNS; v.set = unique_set(number); return v;
    case 5: v.type = ValueType::kBS; v.set = unique_set([&] { return bytes(3); }); return v;
    case 6: return pick(2) ? AttributeValue::Null() : AttributeValue::Bool(pick(2) == 1);
    case 7:
    case 8:
      v.type = ValueType::kM;
      for (int i = pick(4); i > 0; --i) v.map.insert_or_assign("k" + text(3), RandomValue(rng, depth + 1));
      return v;
    default:
      v.type = ValueType::kL;
      for (int i = pick(4); i > 0; --i) v.list.push_back(RandomValue(rng, depth + 1));
      return v;
  }
}

TEST(ValueTest, RandomValuesRoundTrip) {
  std::mt19937 rng(1234);
  for (int i = 0; i < 2000; ++i) {
    Item item;
    for (int j = static_cast<int>(rng() % 5); j >= 0; --j) item["attr" + std::to_string(j)] = RandomValue(rng, 1);
    std::string text = json::serialize(ItemToJson(item));
    auto back = ParseItem(text);
    ASSERT_TRUE(back.ok()) << text << ": " << back.status().message();
    ASSERT_EQ(*back, item) << text;
    ASSERT_EQ(json::serialize(ItemToJson(*back)), text);
    ASSERT_EQ(ItemSize(*back), ItemSize(item));
  }
}

TEST(ValueTest, StructuralErrors) {
  EXPECT_EQ(ValueError(R"({})"), "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  EXPECT_EQ(ValueError(R"({"S":"x","N":"1"})"),
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
            "datatypes");
  EXPECT_EQ(ValueError(R"({"NULL":true,"BOOL":true})"),
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
            "datatypes");
  EXPECT_EQ(Reason(R"({"X":"1"})"), "SerializationException");
  EXPECT_EQ(Reason(R"({"s":"1"})"), "SerializationException");  // tags are case-sensitive
  EXPECT_EQ(Reason(R"("x")"), "SerializationException");
  EXPECT_EQ(Reason(R"([{"S":"x"}])"), "SerializationException");
  EXPECT_EQ(Reason("null"), "SerializationException");
  EXPECT_EQ(ParseItem(R"([])").status().reason(), "SerializationException");
  EXPECT_EQ(ParseItem(R"("item")").status().reason(), "SerializationException");
  EXPECT_EQ(ParseItem(R"({"a":"x"})").status().reason(), "SerializationException");
  EXPECT_EQ(ParseItem(R"({"a":{"M":{"b":5}}})").status().reason(), "SerializationException");
  // Names are 1 byte or more, in nested maps too.
  EXPECT_EQ(Error(R"({"":{"S":"x"}})"),
            "One or more parameter values were invalid: An attribute name may not be empty");
  EXPECT_EQ(ValueError(R"({"M":{"":{"S":"x"}}})"),
            "One or more parameter values were invalid: An attribute name may not be empty");
  EXPECT_TRUE(ParseItem(R"({})").ok());
  EXPECT_TRUE(ParseItem(R"({})")->empty());
}

TEST(ValueTest, WrongJsonTypeForTheTag) {
  for (std::string_view bad :
       {R"({"S":5})", R"({"S":null})", R"({"S":["a"]})", R"({"N":1})", R"({"N":true})", R"({"B":5})", R"({"B":{}})",
        R"({"SS":"a"})", R"({"SS":[1]})", R"({"SS":[null]})", R"({"NS":"1"})", R"({"NS":[1]})", R"({"BS":"AA=="})",
        R"({"BS":[5]})", R"({"M":[]})", R"({"M":"x"})", R"({"L":{}})", R"({"L":"x"})", R"({"NULL":"true"})",
        R"({"NULL":1})", R"({"BOOL":"true"})", R"({"BOOL":0})", R"({"L":[5]})", R"({"L":[{"S":1}]})"}) {
    auto r = ParseValue(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), common::ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(r.status().reason(), "SerializationException") << bad;
    EXPECT_FALSE(r.status().message().empty()) << bad;
  }
}

TEST(ValueTest, NumberErrors) {
  const std::string not_a_number = "A value provided cannot be converted into a number";
  EXPECT_EQ(ValueError(R"({"N":"abc"})"), not_a_number);
  EXPECT_EQ(ValueError(R"({"N":""})"), not_a_number);
  EXPECT_EQ(ValueError(R"({"N":" 1"})"), not_a_number);
  EXPECT_EQ(ValueError(R"({"NS":["1","b"]})"), not_a_number);
  EXPECT_EQ(ValueError(R"({"L":[{"N":"1"},{"N":"x"}]})"), not_a_number);
  EXPECT_EQ(ValueError(R"({"M":{"k":{"NS":["1e"]}}})"), not_a_number);
  EXPECT_EQ(ValueError(R"({"N":"1234567890123456789012345678901234567890"})"),
            "Attempting to store more than 38 significant digits in a Number");
  EXPECT_EQ(ValueError(R"({"NS":["1","1e126"]})"),
            "Number overflow. Attempting to store a number with magnitude larger than supported range");
  EXPECT_EQ(ValueError(R"({"N":"-1e-131"})"),
            "Number underflow. Attempting to store a number with magnitude smaller than supported range");
  // A bad number is reported before an empty or duplicate set would be.
  EXPECT_EQ(ValueError(R"({"NS":["1","1","z"]})"), not_a_number);
}

TEST(ValueTest, SetErrors) {
  EXPECT_EQ(ValueError(R"({"SS":[]})"), "One or more parameter values were invalid: An string set  may not be empty");
  EXPECT_EQ(ValueError(R"({"NS":[]})"), "One or more parameter values were invalid: An number set  may not be empty");
  EXPECT_EQ(ValueError(R"({"BS":[]})"), "One or more parameter values were invalid: Binary sets should not be empty");
  EXPECT_EQ(ValueError(R"({"SS":["a","a"]})"),
            "One or more parameter values were invalid: Input collection [a, a] contains duplicates.");
  EXPECT_EQ(ValueError(R"({"SS":["x","a","y","a"]})"),
            "One or more parameter values were invalid: Input collection [x, a, y, a] contains duplicates.");
  EXPECT_EQ(ValueError(R"({"SS":["",""]})"),
            "One or more parameter values were invalid: Input collection [, ] contains duplicates.");
  EXPECT_EQ(ValueError(R"({"NS":["1","1"]})"), "Input collection contains duplicates");
  EXPECT_EQ(ValueError(R"({"NS":["1","1.0"]})"), "Input collection contains duplicates");  // numerically equal
  EXPECT_EQ(ValueError(R"({"NS":["-0","0.00"]})"), "Input collection contains duplicates");
  EXPECT_EQ(ValueError(R"({"BS":["Yg==","Yg=="]})"),
            "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates.");
  EXPECT_EQ(ValueError(R"({"BS":["",""]})"),
            "One or more parameter values were invalid: Input collection [, ]of type BS contains duplicates.");
  // Nested sets are checked too.
  EXPECT_EQ(ValueError(R"({"M":{"k":{"L":[{"SS":[]}]}}})"),
            "One or more parameter values were invalid: An string set  may not be empty");
  // Distinct elements, including empty ones, are fine; "1" and "1.5" differ.
  EXPECT_EQ(ValueError(R"({"SS":["","a","A"]})"), "ok");
  EXPECT_EQ(ValueError(R"({"NS":["1","1.5","-1"]})"), "ok");
  EXPECT_EQ(ValueError(R"({"BS":["","AA==","AAA="]})"), "ok");
}

TEST(ValueTest, NullMustBeTrue) {
  EXPECT_EQ(ValueError(R"({"NULL":false})"),
            "One or more parameter values were invalid: Null attribute value types must have the value of true");
  EXPECT_EQ(ValueError(R"({"L":[{"NULL":false}]})"),
            "One or more parameter values were invalid: Null attribute value types must have the value of true");
  EXPECT_EQ(ValueError(R"({"NULL":true})"), "ok");
}

TEST(ValueTest, Base64Errors) {
  EXPECT_EQ(ValueError(R"({"B":"23456"})"),
            "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but "
            "found: 5");
  EXPECT_EQ(ValueError(R"({"B":"=+/="})"), "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='");
  EXPECT_EQ(ValueError(R"({"B":"ab!d"})"), "'ab!d' can not be converted to a Blob: Invalid Base64 character: '!'");
  EXPECT_EQ(ValueError(R"({"B":"a€"})"), "'a€' can not be converted to a Blob: Invalid Base64 character: '€'");
  EXPECT_EQ(ValueError(R"({"B":"AA==AA=="})"),
            "'AA==AA==' can not be converted to a Blob: Invalid Base64 character: '='");
  EXPECT_EQ(ValueError(R"({"B":"+/+="})"),
            "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected");
  EXPECT_EQ(ValueError(R"({"BS":["AA==","YR=="]})"),
            "'YR==' can not be converted to a Blob: Invalid last non-pad Base64 character dectected");
  EXPECT_EQ(Reason(R"({"B":"23456"})"), "SerializationException");
  EXPECT_EQ(Reason(R"({"BS":["!!!!"]})"), "SerializationException");
  EXPECT_EQ(ValueError(R"({"B":"YWJj"})"), "ok");
  EXPECT_EQ(ValueError(R"({"B":"YQ=="})"), "ok");
}

// {"L":[ … {"S":"x"} … ]} with `wraps` lists (or maps) around the scalar.
std::string Nested(int wraps, bool maps) {
  std::string s;
  for (int i = 0; i < wraps; ++i) s += maps ? R"({"M":{"k":)" : R"({"L":[)";
  s += R"({"S":"x"})";
  for (int i = 0; i < wraps; ++i) s += maps ? "}}" : "]}";
  return s;
}

TEST(ValueTest, NestingLimit) {
  // A top-level attribute is level 1; DynamoDB takes 31 wraps and refuses 32.
  const std::string too_deep =
      "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported "
      "limit";
  for (bool maps : {false, true}) {
    EXPECT_EQ(ValueError(Nested(31, maps)), "ok") << maps;
    EXPECT_EQ(ValueError(Nested(32, maps)), too_deep) << maps;
    EXPECT_EQ(ValueError(Nested(60, maps)), too_deep) << maps;
  }
  // Mixed M and L count alike.
  std::string mixed = R"({"M":{"k":)" + Nested(30, false) + "}}";
  EXPECT_EQ(ValueError(mixed), "ok");
  mixed = R"({"M":{"k":)" + Nested(31, false) + "}}";
  EXPECT_EQ(ValueError(mixed), too_deep);
  // kJsonMaxDepth leaves room for the deepest accepted item inside a request.
  std::string request = R"({"TableName":"t","Item":{"a":)" + Nested(31, true) + "}}";
  EXPECT_NO_THROW(ParseJson(request));
}

TEST(ValueTest, EqualityTreatsSetsAsSets) {
  auto value = [](std::string_view text) { return ParseValue(text).value(); };
  EXPECT_EQ(value(R"({"SS":["a","b"]})"), value(R"({"SS":["b","a"]})"));
  EXPECT_NE(value(R"({"SS":["a","b"]})"), value(R"({"SS":["a","c"]})"));
  EXPECT_NE(value(R"({"SS":["a","b"]})"), value(R"({"SS":["a"]})"));
  EXPECT_NE(value(R"({"SS":["a"]})"), value(R"({"SS":["a","b"]})"));
  EXPECT_EQ(value(R"({"NS":["1","2.50"]})"), value(R"({"NS":["2.5","1.0"]})"));
  EXPECT_EQ(value(R"({"BS":["AA==","AQ=="]})"), value(R"({"BS":["AQ==","AA=="]})"));
  EXPECT_NE(value(R"({"SS":["1"]})"), value(R"({"NS":["1"]})"));
  EXPECT_NE(value(R"({"SS":["AA=="]})"), value(R"({"BS":["AA=="]})"));
  // Scalars: same type and value; N numerically.
  EXPECT_EQ(value(R"({"N":"1.0"})"), value(R"({"N":"1"})"));
  EXPECT_NE(value(R"({"N":"1"})"), value(R"({"N":"-1"})"));
  EXPECT_NE(value(R"({"S":"1"})"), value(R"({"N":"1"})"));
  EXPECT_NE(value(R"({"S":"YQ=="})"), value(R"({"B":"YQ=="})"));
  EXPECT_NE(value(R"({"S":""})"), value(R"({"NULL":true})"));
  EXPECT_EQ(value(R"({"NULL":true})"), value(R"({"NULL":true})"));
  EXPECT_EQ(value(R"({"BOOL":true})"), value(R"({"BOOL":true})"));
  EXPECT_NE(value(R"({"BOOL":true})"), value(R"({"BOOL":false})"));
  EXPECT_NE(value(R"({"BOOL":false})"), value(R"({"NULL":true})"));
  // Documents deeply; list order matters, map order does not.
  EXPECT_EQ(value(R"({"M":{"a":{"N":"1"},"b":{"SS":["x","y"]}}})"),
            value(R"({"M":{"b":{"SS":["y","x"]},"a":{"N":"1.00"}}})"));
  EXPECT_NE(value(R"({"M":{"a":{"N":"1"}}})"), value(R"({"M":{"a":{"N":"2"}}})"));
  EXPECT_NE(value(R"({"M":{"a":{"N":"1"}}})"), value(R"({"M":{"b":{"N":"1"}}})"));
  EXPECT_NE(value(R"({"M":{}})"), value(R"({"L":[]})"));
  EXPECT_EQ(value(R"({"L":[{"S":"a"},{"N":"2"}]})"), value(R"({"L":[{"S":"a"},{"N":"2.0"}]})"));
  EXPECT_NE(value(R"({"L":[{"S":"a"},{"N":"2"}]})"), value(R"({"L":[{"N":"2"},{"S":"a"}]})"));
  EXPECT_NE(value(R"({"L":[{"S":"a"}]})"), value(R"({"L":[{"S":"a"},{"S":"a"}]})"));
}

TEST(ValueTest, SizesFollowTheDeveloperGuide) {
  auto size = [](std::string_view value_text) { return ValueSize(ParseValue(value_text).value()); };
  // S: UTF-8 bytes; B: raw bytes.
  EXPECT_EQ(size(R"({"S":""})"), 0u);
  EXPECT_EQ(size(R"({"S":"abc"})"), 3u);
  EXPECT_EQ(size(R"({"S":"é€😀"})"), 2u + 3u + 4u);
  EXPECT_EQ(size(R"({"B":"AAECAw=="})"), 4u);  // 4 bytes, 8 base64 characters
  // N: 1 byte per two significant digits (leading and trailing zeros
  // trimmed), plus 1.
  EXPECT_EQ(size(R"({"N":"0"})"), 1u);
  EXPECT_EQ(size(R"({"N":"1"})"), 2u);
  EXPECT_EQ(size(R"({"N":"12"})"), 2u);
  EXPECT_EQ(size(R"({"N":"123"})"), 3u);
  EXPECT_EQ(size(R"({"N":"1000000"})"), 2u);
  EXPECT_EQ(size(R"({"N":"0.00012"})"), 2u);
  EXPECT_EQ(size(R"({"N":"-12.3456"})"), 4u);
  EXPECT_EQ(size(R"({"N":"101"})"), 3u);
  EXPECT_EQ(size(R"({"N":"99999999999999999999999999999999999999"})"), 20u);
  EXPECT_EQ(size(R"({"N":"1E125"})"), 2u);
  // BOOL and NULL: 1.
  EXPECT_EQ(size(R"({"BOOL":false})"), 1u);
  EXPECT_EQ(size(R"({"NULL":true})"), 1u);
  // Sets: the sum of their elements.
  EXPECT_EQ(size(R"({"SS":["ab","","c"]})"), 3u);
  EXPECT_EQ(size(R"({"NS":["1","123","0"]})"), 2u + 3u + 1u);
  EXPECT_EQ(size(R"({"BS":["AQI=","Ag==","AQ=="]})"), 4u);
  // L and M: 3, plus 1 per element, plus the elements (and M's names).
  EXPECT_EQ(size(R"({"L":[]})"), 3u);
  EXPECT_EQ(size(R"({"M":{}})"), 3u);
  EXPECT_EQ(size(R"({"L":[{"S":"xy"},{"BOOL":true}]})"), 3u + (1 + 2) + (1 + 1));
  EXPECT_EQ(size(R"({"M":{"name":{"S":"xy"},"é":{"N":"12"}}})"), 3u + (1 + 4 + 2) + (1 + 2 + 2));
  EXPECT_EQ(size(R"({"L":[{"L":[{"M":{}}]}]})"), 3u + 1 + (3 + 1 + 3));
}

TEST(ValueTest, ItemSize) {
  auto item = ParseItem(R"({"name":{"S":"abc"},"n":{"N":"12345"},"b":{"BOOL":true},"l":{"L":[{"S":"xy"}]},
    "ünï":{"NULL":true}})").value();
  // name 4+3, n 1+(5+1)/2+1=4, b 1+1, l 1+(3+1+2), ünï 5+1
  EXPECT_EQ(ItemSize(item), 7u + 5u + 2u + 7u + 6u);
  EXPECT_EQ(ItemSize(Item{}), 0u);
}

TEST(ValueTest, ItemSizeAtDynamoDbsCapacityBoundary) {
  // From DynamoDB's observed consumed capacity: this item is exactly 4096
  // bytes (half a read unit eventually consistent), and one byte more with a
  // two-element BS (4097, a full unit).
  auto make = [](size_t b_length, std::string_view bs) {
    std::string text = R"({"a":{"S":"0123456789"},"b":{"S":")" + std::string(b_length, 'b') +
                       R"("},"c":{"N":"12.3456"},"d":{"B":"AQI="},"e":{"BS":)" + std::string(bs) + "}}";
    return ParseItem(text).value();
  };
  EXPECT_EQ(ItemSize(make(4081 - 10, R"(["AQI=","Ag==","AQ=="])")), 4096u);
  EXPECT_EQ(ItemSize(make(4083 - 10, R"(["AQI=","Ag=="])")), 4097u);
}

AttributeValue Bytes(std::string_view s) { return AttributeValue::B(std::string(s)); }

TEST(ValueTest, CompareScalars) {
  EXPECT_LT(CompareScalars(Num("9"), Num("10")), 0);
  EXPECT_GT(CompareScalars(Num("10"), Num("9")), 0);
  EXPECT_LT(CompareScalars(Num("-10"), Num("-9")), 0);
  EXPECT_LT(CompareScalars(Num("-1"), Num("0.5")), 0);
  EXPECT_LT(CompareScalars(Num("0"), Num("1E-130")), 0);
  EXPECT_EQ(CompareScalars(Num("1.0"), Num("1")), 0);
  EXPECT_EQ(CompareScalars(Num("-0"), Num("0")), 0);
  // S and B bytewise, bytes unsigned.
  EXPECT_LT(CompareScalars(AttributeValue::S("10"), AttributeValue::S("9")), 0);
  EXPECT_LT(CompareScalars(AttributeValue::S(""), AttributeValue::S("a")), 0);
  EXPECT_LT(CompareScalars(AttributeValue::S("a"), AttributeValue::S("ab")), 0);
  EXPECT_LT(CompareScalars(AttributeValue::S("Z"), AttributeValue::S("a")), 0);
  EXPECT_LT(CompareScalars(AttributeValue::S("z"), AttributeValue::S("é")), 0);
  EXPECT_EQ(CompareScalars(AttributeValue::S("same"), AttributeValue::S("same")), 0);
  EXPECT_LT(CompareScalars(Bytes(std::string_view("\0", 1)), Bytes("\x01")), 0);
  EXPECT_LT(CompareScalars(Bytes("\x7f"), Bytes("\x80")), 0);
  EXPECT_LT(CompareScalars(Bytes("a"), Bytes(std::string_view("a\0", 2))), 0);
  EXPECT_GT(CompareScalars(Bytes("\xff"), Bytes(std::string_view("\0\0", 2))), 0);
  // Results are exactly -1, 0 or 1.
  EXPECT_EQ(CompareScalars(AttributeValue::S("a"), AttributeValue::S("z")), -1);
  EXPECT_EQ(CompareScalars(Num("100"), Num("1")), 1);
}

// Every string over {0x00, 0x01, 'a', 0xff} up to length 3.
std::vector<std::string> SmallStrings() {
  const char alphabet[] = {'\0', '\x01', 'a', '\xff'};
  std::vector<std::string> out = {""};
  for (size_t begin = 0, len = 1; len <= 3; ++len) {
    size_t end = out.size();
    for (size_t i = begin; i < end; ++i) {
      for (char c : alphabet) out.push_back(out[i] + c);
    }
    begin = end;
  }
  return out;
}

TEST(ValueTest, KeyEncodingOrdersBytewise) {
  std::vector<std::string> values = SmallStrings();
  ASSERT_EQ(values.size(), 1u + 4 + 16 + 64);
  for (bool binary : {false, true}) {
    auto make = [&](const std::string& s) { return binary ? AttributeValue::B(s) : AttributeValue::S(s); };
    for (const auto& x : values) {
      std::string ex = EncodeKeyValue(make(x));
      for (const auto& y : values) {
        std::string ey = EncodeKeyValue(make(y));
        int want = CompareScalars(make(x), make(y));
        ASSERT_EQ(want < 0 ? -1 : want > 0 ? 1 : 0, x < y ? -1 : x > y ? 1 : 0);
        int got = ex.compare(ey);
        ASSERT_EQ(got < 0, want < 0) << testing::PrintToString(x) << " vs " << testing::PrintToString(y);
        ASSERT_EQ(got == 0, want == 0) << testing::PrintToString(x) << " vs " << testing::PrintToString(y);
        // Self-delimiting: never a proper prefix of another encoding.
        if (x != y) {
          ASSERT_FALSE(ey.starts_with(ex)) << testing::PrintToString(x) << " vs " << testing::PrintToString(y);
        }
      }
    }
  }
}

TEST(ValueTest, ConcatenatedKeysOrderByFirstThenSecond) {
  // hash key, then range key: (x1, y1) < (x2, y2) lexicographically.
  std::vector<std::string> values = SmallStrings();
  values.resize(21);  // up to length 2
  std::vector<AttributeValue> numbers = {Num("-10"), Num("-1"), Num("0"), Num("0.5"), Num("1"), Num("10")};
  struct Key {
    std::string first;
    size_t second;  // index into numbers
    std::string encoded;
  };
  std::vector<Key> keys;
  for (const auto& v : values) {
    for (size_t n = 0; n < numbers.size(); ++n) {
      keys.push_back({v, n, EncodeKeyValue(AttributeValue::S(v)) + EncodeKeyValue(numbers[n])});
    }
  }
  for (const auto& a : keys) {
    for (const auto& b : keys) {
      bool want_less = a.first != b.first ? a.first < b.first : a.second < b.second;
      ASSERT_EQ(a.encoded < b.encoded, want_less)
          << testing::PrintToString(a.first) << "/" << a.second << " vs " << testing::PrintToString(b.first) << "/"
          << b.second;
    }
  }
}

TEST(ValueTest, KeyEncodingBytes) {
  // Stored in item keys (docs/key-encoding.md): pin the format.
  EXPECT_EQ(EncodeKeyValue(AttributeValue::S("")), std::string("\0\x01", 2));
  EXPECT_EQ(EncodeKeyValue(AttributeValue::S("ab")), std::string("ab\0\x01", 4));
  EXPECT_EQ(EncodeKeyValue(AttributeValue::B(std::string("a\0b", 3))), std::string("a\0\xff" "b\0\x01", 6));
  EXPECT_EQ(EncodeKeyValue(AttributeValue::B(std::string("\0", 1))), std::string("\0\xff\0\x01", 4));
  EXPECT_EQ(EncodeKeyValue(Num("-1.50")), Number::Parse("-1.5")->OrderedKey());
  EXPECT_EQ(EncodeKeyValue(Num("0")), std::string("\x02", 1));
}

TEST(ValueTest, NumberKeysSortNumerically) {
  std::vector<std::string> texts = {"-100", "-9.5", "-1", "0", "0.001", "1", "2", "10", "100.5"};
  for (size_t i = 0; i + 1 < texts.size(); ++i) {
    EXPECT_LT(EncodeKeyValue(Num(texts[i])), EncodeKeyValue(Num(texts[i + 1]))) << texts[i];
    EXPECT_LT(CompareScalars(Num(texts[i]), Num(texts[i + 1])), 0) << texts[i];
  }
}

}  // namespace
}  // namespace service::tables
