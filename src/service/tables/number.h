#pragma once

// DynamoDB numbers: exact decimals of up to 38 significant digits with a
// magnitude between 1E-130 and 9.9999999999999999999999999999999999999E+125
// (or zero). Never converted through a double: arithmetic and comparison work
// on the digits.
//
// Canonical text (what is stored and returned, as DynamoDB does): no exponent,
// no leading '+', no leading zeros before the point, no trailing zeros after
// it, "-" only for negative values, "0" for zero: "1.50" → "1.5",
// "1E+2" → "100", "-0.0" → "0".

#include <compare>
#include <string>
#include <string_view>

#include "common/status.h"

namespace service::tables {

using common::Result;
using common::Status;

class Number {
 public:
  Number() = default;  // zero

  // Parses DynamoDB number text: optional sign, digits with an optional point,
  // optional exponent (e/E, optional sign, digits); surrounding spaces are not
  // allowed. kInvalidArgument with DynamoDB's wording:
  //   "A value provided cannot be converted into a number"
  //   "Attempting to store more than 38 significant digits in a Number"
  //   "Number overflow. Attempting to store a number with magnitude larger than supported range"
  //   "Number underflow. Attempting to store a number with magnitude smaller than supported range"
  static Result<Number> Parse(std::string_view text);

  std::string ToString() const;  // canonical text (see above)

  // Bytes whose bytewise order is the numeric order; self-delimiting (may be
  // followed by other key bytes). Used in item keys for N sort keys.
  std::string OrderedKey() const;

  // Exact; kInvalidArgument (overflow/underflow/more than 38 digits wording as
  // in Parse) when the result is out of DynamoDB's range.
  Result<Number> Add(const Number& other) const;
  Result<Number> Subtract(const Number& other) const;

  bool is_zero() const { return digits_.empty(); }
  bool negative() const { return negative_; }
  // Significant digits (for DynamoDB's item size accounting).
  size_t significant_digits() const { return digits_.size(); }

  std::strong_ordering operator<=>(const Number& other) const;
  bool operator==(const Number& other) const = default;

 private:
  // value = (negative_ ? -1 : 1) × 0.d1d2…dn × 10^exponent_, with digits_ =
  // "d1…dn", d1 != '0' and dn != '0'; zero has empty digits_, exponent_ 0 and
  // negative_ false.
  bool negative_ = false;
  std::string digits_;
  int exponent_ = 0;
};

}  // namespace service::tables
