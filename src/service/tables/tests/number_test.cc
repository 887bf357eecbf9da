#include "service/tables/number.h"

#include <random>

#include <gtest/gtest.h>

namespace service::tables {
namespace {

std::string Canon(std::string_view text) {
  auto n = Number::Parse(text);
  return n.ok() ? n->ToString() : "error: " + n.status().message();
}

TEST(NumberTest, CanonicalText) {
  EXPECT_EQ(Canon("0"), "0");
  EXPECT_EQ(Canon("-0.000"), "0");
  EXPECT_EQ(Canon("+7"), "7");
  EXPECT_EQ(Canon("1.50"), "1.5");
  EXPECT_EQ(Canon("007.0100"), "7.01");
  EXPECT_EQ(Canon("1E+2"), "100");
  EXPECT_EQ(Canon("1e2"), "100");
  EXPECT_EQ(Canon("-12.5e-3"), "-0.0125");
  EXPECT_EQ(Canon(".5"), "0.5");
  EXPECT_EQ(Canon("5."), "5");
  EXPECT_EQ(Canon("123456789012345678901234567890.12345678"), "123456789012345678901234567890.12345678");
  EXPECT_EQ(Canon("1E125"), "1" + std::string(125, '0'));
  EXPECT_EQ(Canon("1E-130"), "0." + std::string(129, '0') + "1");
  EXPECT_EQ(Canon("0E999999999"), "0");
}

TEST(NumberTest, RejectsWhatDynamoDbRejects) {
  for (std::string_view bad : {"", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", " 1", "1 ", "0x10", "1,5", "NaN",
                               "Infinity", "1e5.5", "--1"}) {
    auto n = Number::Parse(bad);
    ASSERT_FALSE(n.ok()) << bad;
    EXPECT_EQ(n.status().message(), "A value provided cannot be converted into a number") << bad;
  }
  EXPECT_EQ(Number::Parse(std::string(39, '1')).status().message(),
            "Attempting to store more than 38 significant digits in a Number");
  EXPECT_TRUE(Number::Parse(std::string(38, '9')).ok());
  EXPECT_TRUE(Number::Parse("1" + std::string(40, '0')).ok());  // trailing zeros are not significant
  EXPECT_NE(Number::Parse("1E126").status().message().find("Number overflow"), std::string::npos);
  EXPECT_TRUE(Number::Parse("9.9999999999999999999999999999999999999E+125").ok());
  EXPECT_NE(Number::Parse("1E-131").status().message().find("Number underflow"), std::string::npos);
}

// A reference order: exact comparison through long decimal expansion.
struct Decimal {
  bool negative;
  std::string digits;  // at most a few digits
  int exp10;           // value = digits × 10^exp10
  std::string Text() const { return (negative ? "-" : "") + digits + "E" + std::to_string(exp10); }
};

TEST(NumberTest, OrderedKeyMatchesNumericOrder) {
  std::mt19937 rng(42);
  std::vector<Number> numbers;
  for (int i = 0; i < 600; ++i) {
    Decimal d{rng() % 2 == 0, std::to_string(rng() % 100000), static_cast<int>(rng() % 17) - 8};
    if (i % 50 == 0) d.digits = "0";
    numbers.push_back(Number::Parse(d.Text()).value());
  }
  for (size_t i = 0; i + 1 < numbers.size(); ++i) {
    for (size_t j = i + 1; j < std::min(numbers.size(), i + 40); ++j) {
      const Number& a = numbers[i];
      const Number& b = numbers[j];
      // Reference: a - b's sign, computed exactly.
      Number diff = a.Subtract(b).value();
      int ref = diff.is_zero() ? 0 : diff.negative() ? -1 : 1;
      int by_key = a.OrderedKey().compare(b.OrderedKey());
      by_key = by_key < 0 ? -1 : by_key > 0 ? 1 : 0;
      auto c = a <=> b;
      int by_op = c < 0 ? -1 : c > 0 ? 1 : 0;
      ASSERT_EQ(by_key, ref) << a.ToString() << " vs " << b.ToString();
      ASSERT_EQ(by_op, ref) << a.ToString() << " vs " << b.ToString();
      // Self-delimiting: no key is a proper prefix of another.
      if (by_key != 0) {
        ASSERT_FALSE(b.OrderedKey().starts_with(a.OrderedKey()));
        ASSERT_FALSE(a.OrderedKey().starts_with(b.OrderedKey()));
      }
    }
  }
}

TEST(NumberTest, ArithmeticIsExact) {
  auto add = [](std::string_view a, std::string_view b) {
    return Number::Parse(a)->Add(Number::Parse(b).value())->ToString();
  };
  auto sub = [](std::string_view a, std::string_view b) {
    return Number::Parse(a)->Subtract(Number::Parse(b).value())->ToString();
  };
  EXPECT_EQ(add("0.1", "0.2"), "0.3");
  EXPECT_EQ(add("999", "1"), "1000");
  EXPECT_EQ(add("-5", "3"), "-2");
  EXPECT_EQ(add("5", "-5"), "0");
  EXPECT_EQ(add("1E20", "1E-10"), "100000000000000000000.0000000001");
  EXPECT_EQ(sub("1", "0.0001"), "0.9999");
  EXPECT_EQ(sub("-1.5", "-1.5"), "0");
  EXPECT_EQ(sub("0", "7"), "-7");
  Number total;
  for (int i = 0; i < 10; ++i) total = total.Add(Number::Parse("0.1").value()).value();
  EXPECT_EQ(total.ToString(), "1");
  // 38 digits stay exact; a 39th is refused.
  EXPECT_EQ(add(std::string(37, '9'), "1"), "1" + std::string(37, '0'));
  EXPECT_FALSE(Number::Parse(std::string(38, '9'))->Add(Number::Parse("0.1").value()).ok());
  EXPECT_FALSE(Number::Parse("9E125")->Add(Number::Parse("9E125").value()).ok());
}

}  // namespace
}  // namespace service::tables
