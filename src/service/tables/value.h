#pragma once

// DynamoDB attribute values and items, their wire JSON form
// ({"S": "..."}, {"N": "12"}, {"M": {...}}, ...), equality, ordering, item
// size accounting and the order-preserving encoding of key attributes.
//
// Invariants of a value that passed FromJson (and of every stored value):
//   - N and NS elements are canonical Number text (number.h);
//   - B and BS elements hold raw bytes (base64 only on the wire);
//   - SS, NS and BS are non-empty and have no duplicates (kept in the order
//     given; equality of sets ignores order);
//   - S may be empty (DynamoDB allows empty strings outside keys).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

#include "common/status.h"
#include "service/tables/number.h"

namespace service::tables {

enum class ValueType : unsigned char { kS, kN, kB, kSS, kNS, kBS, kM, kL, kNull, kBool };

// The wire tag: "S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL".
std::string_view TypeName(ValueType type);

struct AttributeValue;
using Item = std::map<std::string, AttributeValue, std::less<>>;

struct AttributeValue {
  ValueType type = ValueType::kNull;
  std::string str;                   // S (UTF-8), N (canonical text), B (raw bytes)
  std::vector<std::string> set;      // SS, NS (canonical text), BS (raw bytes)
  std::vector<AttributeValue> list;  // L
  Item map;                          // M
  bool boolean = false;              // BOOL; NULL is always true on the wire

  static AttributeValue S(std::string v);
  static AttributeValue N(const Number& v);
  static AttributeValue B(std::string bytes);
  static AttributeValue Bool(bool v);
  static AttributeValue Null();

  // DynamoDB equality: same type and value; N compared numerically (canonical
  // text makes that textual), sets compared as sets, M and L deeply.
  bool operator==(const AttributeValue& other) const;
};

// Parses one wire value. kInvalidArgument with DynamoDB's wording, e.g.
//   "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
//   "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
//   "One or more parameter values were invalid: An string set  may not be empty"
//   "One or more parameter values were invalid: Input collection [a, a] contains duplicates."
//   number errors from Number::Parse; invalid base64 for B.
Result<AttributeValue> ValueFromJson(const boost::json::value& json);
// Parses a wire item (a JSON object of name → value). Attribute names must be
// non-empty.
Result<Item> ItemFromJson(const boost::json::value& json);

// Documents nest up to 32 levels, two JSON levels each, inside a request:
// parse DynamoDB JSON with boost::json::parse_options::max_depth at least this.
constexpr size_t kJsonMaxDepth = 128;

boost::json::value ValueToJson(const AttributeValue& value);
boost::json::object ItemToJson(const Item& item);

// The item's size as DynamoDB accounts it (names' UTF-8 bytes plus values:
// S/B their bytes, N about 1 byte per 2 significant digits + 1, BOOL/NULL 1,
// M/L 3 + their elements), for the 400 KB limit.
size_t ItemSize(const Item& item);
size_t ValueSize(const AttributeValue& value);
constexpr size_t kMaxItemSize = 400 * 1024;

// Compares two scalars of the same type the way DynamoDB orders them: N
// numerically, S and B bytewise. Returns <0, 0, >0. Precondition: both are
// S, both N or both B.
int CompareScalars(const AttributeValue& a, const AttributeValue& b);

// Bytes whose bytewise order is CompareScalars' order, self-delimiting so key
// attributes can be concatenated: S and B are escaped (0x00 → 0x00 0xff) and
// end with 0x00 0x01; N is Number::OrderedKey(). Precondition: S, N or B.
std::string EncodeKeyValue(const AttributeValue& value);

}  // namespace service::tables
