#include "service/tables/number.h"

#include <algorithm>
#include <cstdlib>

namespace service::tables {

using common::ErrorCode;

namespace {

constexpr size_t kMaxDigits = 38;
// value = 0.d1…dn × 10^e: magnitudes from 1E-130 (e = -129) up to just
// below 1E+126 (e = 126).
constexpr int kMinExponent = -129;
constexpr int kMaxExponent = 126;

Status NotANumber() {
  return Status(ErrorCode::kInvalidArgument, "A value provided cannot be converted into a number");
}
Status TooManyDigits() {
  return Status(ErrorCode::kInvalidArgument, "Attempting to store more than 38 significant digits in a Number");
}
Status Overflow() {
  return Status(ErrorCode::kInvalidArgument,
                "Number overflow. Attempting to store a number with magnitude larger than supported range");
}
Status Underflow() {
  return Status(ErrorCode::kInvalidArgument,
                "Number underflow. Attempting to store a number with magnitude smaller than supported range");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Compares two digit strings of equal length as integers.
int CompareMagnitude(const std::string& a, const std::string& b) { return a.compare(b); }

// a + b for equal-length digit strings; the result may be one digit longer.
std::string AddDigits(const std::string& a, const std::string& b) {
  std::string out(a.size() + 1, '0');
  int carry = 0;
  for (size_t i = a.size(); i-- > 0;) {
    int s = (a[i] - '0') + (b[i] - '0') + carry;
    out[i + 1] = static_cast<char>('0' + s % 10);
    carry = s / 10;
  }
  out[0] = static_cast<char>('0' + carry);
  return out;
}

// a - b for equal-length digit strings with a >= b.
std::string SubtractDigits(const std::string& a, const std::string& b) {
  std::string out(a.size(), '0');
  int borrow = 0;
  for (size_t i = a.size(); i-- > 0;) {
    int d = (a[i] - '0') - (b[i] - '0') - borrow;
    borrow = d < 0 ? 1 : 0;
    out[i] = static_cast<char>('0' + (d + 10) % 10);
  }
  return out;
}

}  // namespace

Result<Number> Number::Parse(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::string digits;
  int int_digits = 0;
  bool seen_point = false, any_digit = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (IsDigit(c)) {
      any_digit = true;
      digits.push_back(c);
      if (!seen_point) ++int_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!any_digit) return NotANumber();
  long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
    if (i == text.size()) return NotANumber();
    for (; i < text.size(); ++i) {
      if (!IsDigit(text[i])) return NotANumber();
      if (exponent < 1'000'000) exponent = exponent * 10 + (text[i] - '0');
    }
    if (exp_negative) exponent = -exponent;
  }
  if (i != text.size()) return NotANumber();

  Number n;
  size_t lead = 0;
  while (lead < digits.size() && digits[lead] == '0') ++lead;
  if (lead == digits.size()) return n;  // zero, whatever its sign or exponent
  size_t end = digits.size();
  while (digits[end - 1] == '0') --end;
  n.digits_ = digits.substr(lead, end - lead);
  long e = static_cast<long>(int_digits) - static_cast<long>(lead) + exponent;
  if (n.digits_.size() > kMaxDigits) return TooManyDigits();
  if (e > kMaxExponent) return Overflow();
  if (e < kMinExponent) return Underflow();
  n.exponent_ = static_cast<int>(e);
  n.negative_ = negative;
  return n;
}

std::string Number::ToString() const {
  if (is_zero()) return "0";
  std::string out = negative_ ? "-" : "";
  int n = static_cast<int>(digits_.size());
  if (exponent_ <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exponent_), '0');
    out += digits_;
  } else if (exponent_ < n) {
    out += digits_.substr(0, exponent_);
    out += '.';
    out += digits_.substr(exponent_);
  } else {
    out += digits_;
    out.append(static_cast<size_t>(exponent_ - n), '0');
  }
  return out;
}

std::string Number::OrderedKey() const {
  // negative: 0x01, ~(exponent), ~(digit + 1)…, 0xff
  // zero:     0x02
  // positive: 0x03, exponent, (digit + 1)…, 0x00
  if (is_zero()) return std::string(1, '\x02');
  std::string out;
  out.reserve(digits_.size() + 3);
  auto byte = [&](unsigned v) { out.push_back(static_cast<char>(negative_ ? 0xff - v : v)); };
  out.push_back(negative_ ? '\x01' : '\x03');
  byte(static_cast<unsigned>(exponent_ - kMinExponent));
  for (char d : digits_) byte(static_cast<unsigned>(d - '0' + 1));
  byte(0);
  return out;
}

std::strong_ordering Number::operator<=>(const Number& other) const {
  auto sign = [](const Number& n) { return n.is_zero() ? 0 : n.negative_ ? -1 : 1; };
  int a = sign(*this), b = sign(other);
  if (a != b) return a <=> b;
  if (a == 0) return std::strong_ordering::equal;
  std::strong_ordering magnitude = exponent_ != other.exponent_ ? exponent_ <=> other.exponent_
                                                                : digits_.compare(other.digits_) <=> 0;
  return a > 0 ? magnitude : 0 <=> magnitude;
}

Result<Number> Number::Add(const Number& other) const {
  if (is_zero()) return other;
  if (other.is_zero()) return *this;
  // Align both as integers scaled by 10^low.
  int low = std::min(exponent_ - static_cast<int>(digits_.size()),
                     other.exponent_ - static_cast<int>(other.digits_.size()));
  int high = std::max(exponent_, other.exponent_);
  auto aligned = [&](const Number& n) {
    std::string s(static_cast<size_t>(high - n.exponent_), '0');
    s += n.digits_;
    s.append(static_cast<size_t>(n.exponent_ - static_cast<int>(n.digits_.size()) - low), '0');
    return s;
  };
  std::string a = aligned(*this), b = aligned(other);
  std::string sum;
  bool negative;
  if (negative_ == other.negative_) {
    sum = AddDigits(a, b);
    negative = negative_;
  } else {
    int c = CompareMagnitude(a, b);
    if (c == 0) return Number();
    sum = c > 0 ? SubtractDigits(a, b) : SubtractDigits(b, a);
    negative = c > 0 ? negative_ : other.negative_;
  }
  // sum is an integer scaled by 10^low with (high - low [+1]) digits: value
  // = 0.sum × 10^(low + sum.size()).
  int exponent = low + static_cast<int>(sum.size());
  std::string text = negative ? "-0." : "0.";
  text += sum;
  text += "E" + std::to_string(exponent);
  return Parse(text);
}

Result<Number> Number::Subtract(const Number& other) const {
  Number negated = other;
  if (!negated.is_zero()) negated.negative_ = !negated.negative_;
  return Add(negated);
}

}  // namespace service::tables
