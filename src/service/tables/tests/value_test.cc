#include "service/tables/value.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace service::tables {
namespace {

Result<Item> ParseItem(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = 256;
  return ItemFromJson(boost::json::parse(text, {}, options));
}

std::string Error(std::string_view text) {
  auto r = ParseItem(text);
  return r.ok() ? "ok" : r.status().message();
}

TEST(ValueTest, RoundTripsEveryType) {
  const char* text = R"({"s":{"S":""},"n":{"N":"1.50"},"b":{"B":"AAEC"},"ss":{"SS":["a","b"]},
    "ns":{"NS":["1","2.0"]},"bs":{"BS":["AA==","AQ=="]},"m":{"M":{"x":{"L":[{"NULL":true},{"BOOL":false}]}}}})";
  auto item = ParseItem(text);
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->at("n").str, "1.5");
  EXPECT_EQ(item->at("b").str, std::string("\0\1\2", 3));
  EXPECT_EQ(item->at("ns").set, (std::vector<std::string>{"1", "2"}));
  auto again = ItemFromJson(ItemToJson(*item));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *item);
  EXPECT_EQ(boost::json::serialize(ItemToJson(*item)["b"]), R"({"B":"AAEC"})");
}

TEST(ValueTest, ValidationMessages) {
  EXPECT_EQ(Error(R"({"a":{}})"),
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  EXPECT_EQ(Error(R"({"a":{"S":"x","N":"1"}})"),
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
            "datatypes");
  EXPECT_EQ(Error(R"({"a":{"SS":[]}})"), "One or more parameter values were invalid: An string set  may not be empty");
  EXPECT_EQ(Error(R"({"a":{"NS":[]}})"), "One or more parameter values were invalid: An number set  may not be empty");
  EXPECT_EQ(Error(R"({"a":{"BS":[]}})"), "One or more parameter values were invalid: Binary sets should not be empty");
  EXPECT_EQ(Error(R"({"a":{"SS":["a","a"]}})"),
            "One or more parameter values were invalid: Input collection [a, a] contains duplicates.");
  EXPECT_EQ(Error(R"({"a":{"NS":["1","1.0"]}})"),
            "One or more parameter values were invalid: Input collection [1, 1.0] contains duplicates.");
  EXPECT_EQ(Error(R"({"a":{"NULL":false}})"),
            "One or more parameter values were invalid: Null attribute value types must have the value of true");
  EXPECT_EQ(Error(R"({"a":{"N":"abc"}})"), "A value provided cannot be converted into a number");
  EXPECT_EQ(ParseItem(R"({"a":{"S":5}})").status().reason(), "SerializationException");
  EXPECT_EQ(ParseItem(R"({"a":{"B":"!!"}})").status().reason(), "SerializationException");
  EXPECT_EQ(ParseItem(R"({"a":{"X":"1"}})").status().reason(), "SerializationException");
  std::string deep = R"({"a":)";
  for (int i = 0; i < 33; ++i) deep += R"({"L":[)";
  deep += R"({"S":"x"})";
  for (int i = 0; i < 33; ++i) deep += "]}";
  deep += "}";
  EXPECT_EQ(Error(deep), "Nesting Levels have exceeded supported limits");
}

TEST(ValueTest, EqualityTreatsSetsAsSets) {
  auto a = ParseItem(R"({"x":{"SS":["a","b"]}})").value();
  auto b = ParseItem(R"({"x":{"SS":["b","a"]}})").value();
  auto c = ParseItem(R"({"x":{"SS":["a","c"]}})").value();
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(ParseItem(R"({"x":{"S":"1"}})").value(), ParseItem(R"({"x":{"N":"1"}})").value());
}

TEST(ValueTest, Sizes) {
  auto item = ParseItem(R"({"name":{"S":"abc"},"n":{"N":"12345"},"b":{"BOOL":true},"l":{"L":[{"S":"xy"}]}})").value();
  // name 4+3, n 1+(5+1)/2+1=4, b 1+1, l 1+(3+2+1)
  EXPECT_EQ(ItemSize(item), 7u + 5u + 2u + 7u);
}

TEST(ValueTest, KeyEncodingOrdersBytewise) {
  std::vector<std::string> values = {"", std::string("\0", 1), std::string("\0\0", 2), "a", std::string("a\0", 2),
                                     std::string("a\0b", 3), "a\x01", "ab", "b", "\xff"};
  for (size_t i = 0; i < values.size(); ++i) {
    for (size_t j = 0; j < values.size(); ++j) {
      auto ei = EncodeKeyValue(AttributeValue::S(values[i]));
      auto ej = EncodeKeyValue(AttributeValue::S(values[j]));
      int raw = values[i].compare(values[j]);
      int enc = ei.compare(ej);
      EXPECT_EQ(raw < 0, enc < 0) << i << " " << j;
      EXPECT_EQ(raw == 0, enc == 0) << i << " " << j;
      if (i != j) {
        EXPECT_FALSE(ej.starts_with(ei)) << i << " " << j;
      }
    }
  }
  EXPECT_LT(CompareScalars(AttributeValue::N(Number::Parse("9").value()),
                           AttributeValue::N(Number::Parse("10").value())), 0);
}

}  // namespace
}  // namespace service::tables
