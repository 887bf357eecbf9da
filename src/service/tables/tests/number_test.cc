#include "service/tables/number.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace service::tables {
namespace {

constexpr std::string_view kNotANumber = "A value provided cannot be converted into a number";
constexpr std::string_view kTooManyDigits = "Attempting to store more than 38 significant digits in a Number";
constexpr std::string_view kOverflow =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
constexpr std::string_view kUnderflow =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";

std::string Canon(std::string_view text) {
  auto n = Number::Parse(text);
  return n.ok() ? n->ToString() : "error: " + n.status().message();
}

std::string Error(std::string_view text) {
  auto n = Number::Parse(text);
  return n.ok() ? "ok: " + n->ToString() : n.status().message();
}

Number N(std::string_view text) { return Number::Parse(text).value(); }

int Sign(int c) { return c < 0 ? -1 : c > 0 ? 1 : 0; }
int Sign(std::strong_ordering c) { return c < 0 ? -1 : c > 0 ? 1 : 0; }

// ---------------------------------------------------------------------------
// A reference model, independent of Number's representation: a decimal
// `sign × digits × 10^exp10` written out as a fixed-point integer in units of
// 10^-kFraction. Every in-range DynamoDB number is an integer in those units.

constexpr int kFraction = 200;

struct Reference {
  bool negative = false;
  std::string digits;  // any digits, leading/trailing zeros allowed
  int exp10 = 0;

  std::string Text() const { return (negative ? "-" : "") + digits + "E" + std::to_string(exp10); }

  // |value| in units of 10^-kFraction, without leading zeros ("" for zero).
  std::string Scaled() const {
    std::string s = digits;
    EXPECT_GE(exp10 + kFraction, 0);
    s.append(static_cast<size_t>(exp10 + kFraction), '0');
    size_t b = s.find_first_not_of('0');
    return b == std::string::npos ? "" : s.substr(b);
  }

  // Canonical text written from the scaled integer: point kFraction digits
  // from the right, zeros trimmed.
  std::string Canonical() const {
    std::string s = Scaled();
    if (s.empty()) return "0";
    const size_t fraction = kFraction;
    if (s.size() <= fraction) s.insert(0, fraction + 1 - s.size(), '0');
    std::string whole = s.substr(0, s.size() - fraction), frac = s.substr(s.size() - fraction);
    frac.erase(frac.find_last_not_of('0') + 1);
    return (negative ? "-" : "") + whole + (frac.empty() ? "" : "." + frac);
  }
};

int CompareReference(const Reference& a, const Reference& b) {
  std::string x = a.Scaled(), y = b.Scaled();
  int sa = x.empty() ? 0 : a.negative ? -1 : 1;
  int sb = y.empty() ? 0 : b.negative ? -1 : 1;
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  int magnitude = x.size() != y.size() ? (x.size() < y.size() ? -1 : 1) : Sign(x.compare(y));
  return sa * magnitude;
}

// ---------------------------------------------------------------------------

TEST(NumberTest, CanonicalText) {
  struct Case {
    std::string in, out;
  };
  const Case cases[] = {
      {"0", "0"},
      {"-0", "0"},
      {"+0", "0"},
      {"-0.000", "0"},
      {"000", "0"},
      {"0E999999999", "0"},
      {"-0e-999999999999999999999", "0"},
      {"0.", "0"},
      {".0", "0"},
      {"7", "7"},
      {"+7", "7"},
      {"-7", "-7"},
      {"1.50", "1.5"},
      {"007.0100", "7.01"},
      {"-007.0100", "-7.01"},
      {"1E+2", "100"},
      {"1e2", "100"},
      {"1E2", "100"},
      {"1.5e1", "15"},
      {"1.5e0", "1.5"},
      {"15e-1", "1.5"},
      {"-12.5e-3", "-0.0125"},
      {".5", "0.5"},
      {"-.5", "-0.5"},
      {"5.", "5"},
      {"0.000100", "0.0001"},
      {"100", "100"},
      {"100.000", "100"},
      {"1000e-3", "1"},
      {"0.001e3", "1"},
      {"123.456e1", "1234.56"},
      {"123.456e3", "123456"},
      {"123.456e5", "12345600"},
      {"123.456e-3", "0.123456"},
      {"123.456e-5", "0.00123456"},
      {"1e+0", "1"},
      {"1e-0", "1"},
      {"1e0000000000000000000000000000000000001", "10"},
      {"123456789012345678901234567890.12345678", "123456789012345678901234567890.12345678"},
      {"99999999999999999999999999999999999999", "99999999999999999999999999999999999999"},
      {"0.00000000000000000000000000000000000000000000000000000001", "0.00000000000000000000000000000000000000000000000000000001"},
      {"1E125", "1" + std::string(125, '0')},
      {"-1E125", "-1" + std::string(125, '0')},
      {"9.9999999999999999999999999999999999999E+125", std::string(38, '9') + std::string(88, '0')},
      {"1E-130", "0." + std::string(129, '0') + "1"},
      {"-1E-130", "-0." + std::string(129, '0') + "1"},
      {"0.1E-129", "0." + std::string(129, '0') + "1"},
      {"10E-131", "0." + std::string(129, '0') + "1"},
      {"1" + std::string(60, '0'), "1" + std::string(60, '0')},  // trailing zeros are not significant
      {"0." + std::string(60, '0') + "1" + std::string(60, '0'), "0." + std::string(60, '0') + "1"},
  };
  for (const auto& c : cases) EXPECT_EQ(Canon(c.in), c.out) << c.in;
}

TEST(NumberTest, AcceptedTextIsAFixedPoint) {
  // The canonical text is itself valid input and canonical.
  for (std::string_view text : {"0", "-1.5", "1E125", "-1E-130", "123.456e-7", "9.9999999999999999999999999999999999999E+125"}) {
    std::string once = Canon(text);
    EXPECT_EQ(Canon(once), once) << text;
    EXPECT_EQ(N(once), N(text)) << text;
  }
}

TEST(NumberTest, RejectsMalformedText) {
  for (std::string_view bad :
       {"", "-", "+", ".", "-.", "+.", "e5", ".e5", "1e", "1e+", "1e-", "1E--1", "1e+-1", "1.2.3", "..1", " 1", "1 ",
        "\t1", "1\n", "0x10", "1,5", "1_000", "NaN", "nan", "Infinity", "-Infinity", "inf", "1e5.5", "1e5e5", "--1",
        "+-1", "-+1", "++1", "1-", "1+", "1e1.", "1d5", "1f", "１"}) {
    auto n = Number::Parse(bad);
    ASSERT_FALSE(n.ok()) << "'" << bad << "'";
    EXPECT_EQ(n.status().code(), common::ErrorCode::kInvalidArgument);
    EXPECT_EQ(n.status().message(), kNotANumber) << "'" << bad << "'";
  }
  // An embedded NUL in the middle of otherwise valid text.
  EXPECT_EQ(Error(std::string_view("12\0" "3", 4)), kNotANumber);
}

TEST(NumberTest, RangeAndPrecisionErrors) {
  // 38 significant digits is the limit, wherever the point is.
  EXPECT_EQ(Error(std::string(38, '9')), "ok: " + std::string(38, '9'));
  EXPECT_EQ(Error(std::string(39, '1')), kTooManyDigits);
  EXPECT_EQ(Error("123456789012345678901234567890123456789"), kTooManyDigits);
  EXPECT_EQ(Error("-1.23456789012345678901234567890123456789"), kTooManyDigits);
  EXPECT_EQ(Error("0.000" + std::string(39, '7')), kTooManyDigits);
  EXPECT_EQ(Error("1" + std::string(37, '0') + "1"), kTooManyDigits);  // inner zeros count
  EXPECT_EQ(Error("1" + std::string(36, '0') + "1"), "ok: 1" + std::string(36, '0') + "1");
  EXPECT_EQ(Error("00000" + std::string(38, '5') + "00000"), "ok: " + std::string(38, '5') + "00000");
  EXPECT_EQ(Error("0.0000" + std::string(38, '5') + "0000"), "ok: 0.0000" + std::string(38, '5'));

  // Magnitude: 1E-130 up to 9.99…E+125.
  EXPECT_EQ(Error("1E126"), kOverflow);
  EXPECT_EQ(Error("-1E126"), kOverflow);
  EXPECT_EQ(Error("1e126"), kOverflow);
  EXPECT_EQ(Error("10E125"), kOverflow);
  EXPECT_EQ(Error("1000e123"), kOverflow);
  EXPECT_EQ(Error("1" + std::string(126, '0')), kOverflow);
  EXPECT_EQ(Error("1E99999999999999999999999999999"), kOverflow);
  EXPECT_EQ(Error("1E-131"), kUnderflow);
  EXPECT_EQ(Error("-1e-131"), kUnderflow);
  EXPECT_EQ(Error("0.1E-130"), kUnderflow);
  EXPECT_EQ(Error("0." + std::string(130, '0') + "1"), kUnderflow);
  EXPECT_EQ(Error("1E-99999999999999999999999999999"), kUnderflow);
  EXPECT_EQ(Error("9.9999999999999999999999999999999999999E+125").substr(0, 3), "ok:");
  EXPECT_EQ(Error("-9.9999999999999999999999999999999999999E+125").substr(0, 3), "ok:");
  EXPECT_EQ(Error("1E-130").substr(0, 3), "ok:");
  // Out of range and too precise: the range is reported (as DynamoDB does).
  EXPECT_EQ(Error("1.23456789012345678901234567890123456789E200"), kOverflow);
  EXPECT_EQ(Error("1.23456789012345678901234567890123456789E-200"), kUnderflow);
  // Many zeros cannot bring a saturated exponent back into range.
  EXPECT_EQ(Error("0." + std::string(5000, '0') + "1E999999999999999999999"), kOverflow);
  EXPECT_EQ(Error("1" + std::string(5000, '0') + "E-999999999999999999999"), kUnderflow);
  EXPECT_EQ(Error("0." + std::string(5000, '0') + "1E5000"), "ok: 0.1");
}

TEST(NumberTest, Accessors) {
  EXPECT_TRUE(Number().is_zero());
  EXPECT_EQ(Number().ToString(), "0");
  EXPECT_EQ(Number(), N("-0.0"));
  EXPECT_FALSE(N("-0").negative());
  EXPECT_TRUE(N("-0.1").negative());
  EXPECT_FALSE(N("0.1").negative());
  EXPECT_EQ(N("0").significant_digits(), 0u);
  EXPECT_EQ(N("100").significant_digits(), 1u);
  EXPECT_EQ(N("-0.0012300").significant_digits(), 3u);
  EXPECT_EQ(N("101").significant_digits(), 3u);
  EXPECT_EQ(N(std::string(38, '9')).significant_digits(), 38u);
}

TEST(NumberTest, OrderedKeyBytesAreStable) {
  // The encoding is stored in item keys (docs/key-encoding.md): pin it.
  EXPECT_EQ(N("0").OrderedKey(), std::string("\x02", 1));
  // positive: 0x03, exponent + 129 (value = 0.d1d2… × 10^exponent), digit + 1…, 0x00
  EXPECT_EQ(N("1").OrderedKey(), std::string("\x03\x82\x02\x00", 4));
  EXPECT_EQ(N("25").OrderedKey(), std::string("\x03\x83\x03\x06\x00", 5));
  EXPECT_EQ(N("1E-130").OrderedKey(), std::string("\x03\x00\x02\x00", 4));
  EXPECT_EQ(N("9E125").OrderedKey(), std::string("\x03\xff\x0a\x00", 4));
  // negative: 0x01 and every later byte complemented, ending 0xff.
  EXPECT_EQ(N("-1").OrderedKey(), std::string("\x01\x7d\xfd\xff", 4));
}

// Random numbers over the whole range, with many near-ties: equal values in
// different spellings, shared prefixes, neighbours in the last digit.
std::vector<Reference> RandomReferences(std::mt19937_64& rng, size_t count) {
  auto pick = [&](int lo, int hi) { return static_cast<int>(lo + static_cast<int>(rng() % (hi - lo + 1))); };
  auto random_digits = [&](int n) {
    std::string d;
    for (int i = 0; i < n; ++i) d.push_back(static_cast<char>('0' + pick(i == 0 ? 1 : 0, 9)));
    return d;
  };
  std::vector<Reference> out;
  while (out.size() < count) {
    Reference r;
    int mode = pick(0, 9);
    if (out.empty() || mode <= 3) {
      // Fresh: n digits, scientific exponent anywhere in range.
      int n = pick(1, 38);
      r.digits = random_digits(n);
      r.exp10 = pick(-130, 125) - (n - 1);
      r.negative = pick(0, 1) == 1;
    } else if (mode <= 5) {
      // Small numbers near each other.
      r.digits = random_digits(pick(1, 4));
      r.exp10 = pick(-3, 2);
      r.negative = pick(0, 1) == 1;
    } else {
      // A neighbour of an earlier number.
      r = out[rng() % out.size()];
      int n = static_cast<int>(r.digits.size());
      switch (pick(0, 5)) {
        case 0:  // same value, another spelling
          if (r.exp10 - 3 + kFraction >= 0 && r.digits.size() < 60) {
            r.digits = "00" + r.digits + "000";
            r.exp10 -= 3;
          }
          break;
        case 1:  // one more digit
          if (n < 38) {
            r.digits += static_cast<char>('0' + pick(0, 9));
            r.exp10 -= 1;
          }
          break;
        case 2:  // one digit fewer
          if (n > 1) {
            r.digits.pop_back();
            r.exp10 += 1;
          }
          break;
        case 3:  // last digit changed
          r.digits.back() = static_cast<char>('0' + pick(0, 9));
          break;
        case 4: r.negative = !r.negative; break;
        case 5: r.digits = "0"; break;
      }
      if (r.digits.find_first_not_of('0') == std::string::npos) r.digits = "0";
      // Keep it in range (the neighbour may have stepped out).
      if (!Number::Parse(r.Text()).ok()) continue;
    }
    out.push_back(r);
  }
  return out;
}

TEST(NumberTest, RandomNumbersMatchTheReferenceModel) {
  std::mt19937_64 rng(20240611);
  std::vector<Reference> refs = RandomReferences(rng, 700);
  std::vector<Number> numbers;
  std::vector<std::string> keys;
  for (const auto& r : refs) {
    auto n = Number::Parse(r.Text());
    ASSERT_TRUE(n.ok()) << r.Text() << ": " << n.status().message();
    // Canonical text agrees with the reference's, and reads back the same.
    ASSERT_EQ(n->ToString(), r.Canonical()) << r.Text();
    ASSERT_EQ(N(n->ToString()), *n) << r.Text();
    numbers.push_back(*n);
    keys.push_back(n->OrderedKey());
  }
  size_t ties = 0;
  for (size_t i = 0; i < refs.size(); ++i) {
    for (size_t j = 0; j < refs.size(); ++j) {
      int want = CompareReference(refs[i], refs[j]);
      ties += i != j && want == 0;
      ASSERT_EQ(Sign(numbers[i] <=> numbers[j]), want) << refs[i].Text() << " vs " << refs[j].Text();
      ASSERT_EQ(numbers[i] == numbers[j], want == 0) << refs[i].Text() << " vs " << refs[j].Text();
      ASSERT_EQ(Sign(keys[i].compare(keys[j])), want) << refs[i].Text() << " vs " << refs[j].Text();
      // Self-delimiting: a key is never a proper prefix of another, so a key
      // followed by more bytes still sorts by the number first.
      if (want != 0) {
        ASSERT_FALSE(keys[j].starts_with(keys[i])) << refs[i].Text() << " vs " << refs[j].Text();
        ASSERT_EQ(Sign((keys[i] + "\xff\xff").compare(keys[j] + std::string(1, '\0'))), want);
      }
    }
  }
  EXPECT_GT(ties, 50u);  // the generator does produce equal values spelled differently
}

TEST(NumberTest, SortingByKeySortsNumerically) {
  std::vector<std::string> texts = {"-1E125", "-100", "-99.99", "-1", "-0.5", "-0.05", "-1E-130", "0",
                                    "1E-130", "0.05", "0.0501", "0.5", "1", "1.0000000001", "9", "10",
                                    "99.99", "100", "1E125", "9.9999999999999999999999999999999999999E+125"};
  std::vector<std::string> shuffled = texts;
  std::mt19937 rng(7);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  std::sort(shuffled.begin(), shuffled.end(),
            [](const std::string& a, const std::string& b) { return N(a).OrderedKey() < N(b).OrderedKey(); });
  EXPECT_EQ(shuffled, texts);
}

std::string Add(std::string_view a, std::string_view b) {
  auto r = N(a).Add(N(b));
  return r.ok() ? r->ToString() : r.status().message();
}
std::string Sub(std::string_view a, std::string_view b) {
  auto r = N(a).Subtract(N(b));
  return r.ok() ? r->ToString() : r.status().message();
}

TEST(NumberTest, AddAndSubtractAreExact) {
  EXPECT_EQ(Add("0.1", "0.2"), "0.3");  // 0.30000000000000004 in binary
  EXPECT_EQ(Add("0", "0"), "0");
  EXPECT_EQ(Add("0", "-3.5"), "-3.5");
  EXPECT_EQ(Add("-3.5", "0"), "-3.5");
  EXPECT_EQ(Add("-5", "3"), "-2");
  EXPECT_EQ(Add("5", "-3"), "2");
  EXPECT_EQ(Add("-5", "-3"), "-8");
  EXPECT_EQ(Add("1E20", "1E-10"), "100000000000000000000.0000000001");
  EXPECT_EQ(Add("1E-10", "1E20"), "100000000000000000000.0000000001");
  EXPECT_EQ(Sub("0", "7"), "-7");
  EXPECT_EQ(Sub("7", "0"), "7");
  EXPECT_EQ(Sub("-7", "-7"), "0");
  EXPECT_EQ(Sub("1", "-1"), "2");
  Number total;
  for (int i = 0; i < 10; ++i) total = total.Add(N("0.1")).value();
  EXPECT_EQ(total.ToString(), "1");
  for (int i = 0; i < 10; ++i) total = total.Subtract(N("0.1")).value();
  EXPECT_EQ(total.ToString(), "0");
  EXPECT_TRUE(total.is_zero());
  EXPECT_FALSE(total.negative());
}

TEST(NumberTest, Carries) {
  EXPECT_EQ(Add("999", "1"), "1000");
  EXPECT_EQ(Add("-999", "-1"), "-1000");
  EXPECT_EQ(Add("0.999", "0.001"), "1");
  EXPECT_EQ(Add("9.99", "0.01"), "10");
  EXPECT_EQ(Add("99.5", "0.5"), "100");
  EXPECT_EQ(Add("5", "5"), "10");
  EXPECT_EQ(Add(std::string(37, '9'), "1"), "1" + std::string(37, '0'));
  EXPECT_EQ(Add(std::string(38, '9'), "1"), "1" + std::string(38, '0'));  // 1E38: one digit
  EXPECT_EQ(Add("0." + std::string(38, '9'), "0." + std::string(37, '0') + "1"), "1");
  EXPECT_EQ(Add("9.9999999999999999999999999999999999999E+125", "-9.9999999999999999999999999999999999999E+125"),
            "0");
}

TEST(NumberTest, Cancellation) {
  EXPECT_EQ(Sub("1.000000001", "1"), "0.000000001");
  EXPECT_EQ(Sub("1", "0.0001"), "0.9999");
  EXPECT_EQ(Sub("1000", "1"), "999");
  EXPECT_EQ(Sub("1000", "999.999"), "0.001");
  EXPECT_EQ(Sub("-1.5", "-1.5"), "0");
  EXPECT_EQ(Sub("1E100", "1E100"), "0");
  EXPECT_EQ(Add("123456789012345678901234567890.12345678", "-123456789012345678901234567890.12345677"),
            "0.00000001");
  // 38 digits minus a neighbour leaves one.
  EXPECT_EQ(Sub(std::string(38, '9'), "9" + std::string(36, '9') + "8"), "1");
  // Large operands whose difference is tiny but representable.
  EXPECT_EQ(Sub("1.0000000000000000000000000000000000001E-90", "1E-90"), "0." + std::string(126, '0') + "1");
}

TEST(NumberTest, ArithmeticRangeErrors) {
  const std::string max = "9.9999999999999999999999999999999999999E+125";
  EXPECT_EQ(Add(max, "1E88"), kOverflow);
  EXPECT_EQ(Sub("-" + max, "1E88"), kOverflow);
  EXPECT_EQ(Add(max, max), kOverflow);
  EXPECT_EQ(Add("9E125", "9E125"), kOverflow);
  EXPECT_EQ(Add(max, "-1E88").substr(0, 5), "99999");
  EXPECT_EQ(Sub("1.1E-130", "1E-130"), kUnderflow);  // 1E-131
  EXPECT_EQ(Add("-2E-130", "1.9E-130"), kUnderflow);
  // Exact results needing more than 38 digits are refused, never rounded.
  EXPECT_EQ(Add(std::string(38, '9'), "0.1"), kTooManyDigits);
  EXPECT_EQ(Add("1E30", "1E-10"), kTooManyDigits);
  EXPECT_EQ(Add("1E125", "1E-130"), kTooManyDigits);
  EXPECT_EQ(Sub("1", "1E-38"), "0." + std::string(38, '9'));  // 38 nines: fits
  EXPECT_EQ(Sub("1", "1E-39"), kTooManyDigits);
}

__extension__ typedef __int128 Int128;

std::string Int128Text(Int128 v) {
  bool negative = v < 0;
  if (negative) v = -v;
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v != 0);
  return (negative ? "-" : "") + s;
}

TEST(NumberTest, RandomArithmeticMatchesIntegerArithmetic) {
  // Operands m × 10^e with |m| < 10^18 and -9 <= e <= 9, i.e. integers in
  // units of 10^-9 below 10^36: their sums are exact in 128 bits, and the
  // reference result is written out by Reference::Canonical.
  std::mt19937_64 rng(99);
  auto operand = [&](Int128& units) {
    int digits = static_cast<int>(rng() % 18) + 1;
    uint64_t m = rng() % 1'000'000'000'000'000'000ULL;
    for (int i = digits; i < 18; ++i) m /= 10;
    if (rng() % 8 == 0) m = 0;
    int e = static_cast<int>(rng() % 19) - 9;
    bool negative = rng() % 2 == 0;
    units = static_cast<Int128>(m);
    for (int i = 0; i < e + 9; ++i) units *= 10;
    if (negative) units = -units;
    return (negative ? "-" : "") + std::to_string(m) + "e" + std::to_string(e);
  };
  auto canonical = [](Int128 units) {
    std::string s = Int128Text(units);
    bool negative = s[0] == '-';
    Reference r{negative, negative ? s.substr(1) : s, -9};
    return r.Canonical();
  };
  for (int i = 0; i < 20000; ++i) {
    Int128 x, y;
    std::string a = operand(x), b = operand(y);
    auto sum = N(a).Add(N(b));
    auto diff = N(a).Subtract(N(b));
    ASSERT_TRUE(sum.ok()) << a << " + " << b << ": " << sum.status().message();
    ASSERT_TRUE(diff.ok()) << a << " - " << b << ": " << diff.status().message();
    ASSERT_EQ(sum->ToString(), canonical(x + y)) << a << " + " << b;
    ASSERT_EQ(diff->ToString(), canonical(x - y)) << a << " - " << b;
    // a + b == b + a and (a - b) + b == a.
    ASSERT_EQ(N(b).Add(N(a)).value(), *sum);
    ASSERT_EQ(diff->Add(N(b)).value(), N(a));
  }
}

}  // namespace
}  // namespace service::tables
