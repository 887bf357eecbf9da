// libFuzzer target for DynamoDB attribute values and numbers
// (src/service/tables/value.h, number.h).
//
// Input: arbitrary bytes, parsed as JSON (DynamoDB's nesting allowance) and
// then as an item; the first line is also parsed as a number.
//
// Properties checked:
//   * ItemFromJson never crashes; a refusal carries a message. An accepted
//     item survives ItemToJson → ItemFromJson unchanged (and renders the same
//     JSON again), and its size is computable and at least its names' bytes.
//   * Every accepted item keeps value.h's invariants: N and NS elements are
//     canonical (Number::Parse(text).ToString() == text); sets are non-empty
//     without duplicates.
//   * Numbers (the first line, and every N/NS element of the item): the
//     canonical text parses back to the same number; ordered keys sort
//     exactly as <=> does (against fixed numbers and each other) and are never
//     a prefix of one another; Add/Subtract agree with <=> and undo each other
//     whenever they succeed.
//   * The item's S and B values: EncodeKeyValue sorts as CompareScalars does
//     and is self-delimiting.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "service/tables/value.h"

namespace {

using service::tables::AttributeValue;
using service::tables::Item;
using service::tables::Number;
using service::tables::ValueType;

void Check(bool ok) {
  if (!ok) std::abort();
}

int Sign(std::strong_ordering c) { return c < 0 ? -1 : c > 0 ? 1 : 0; }
int Sign(int c) { return c < 0 ? -1 : c > 0 ? 1 : 0; }

// Values compared pairwise per input, so that a wide item stays fast.
constexpr size_t kMaxNumbers = 16;
constexpr size_t kMaxCollected = 32;

void CheckNumberPair(const Number& a, const Number& b) {
  int c = Sign(a <=> b);
  Check(c == -Sign(b <=> a));
  Check((c == 0) == (a == b));
  std::string ka = a.OrderedKey(), kb = b.OrderedKey();
  Check(Sign(ka.compare(kb)) == c);
  if (c != 0) Check(!ka.starts_with(kb) && !kb.starts_with(ka));
  auto diff = a.Subtract(b);
  if (diff.ok()) {
    // a - b has the sign of a <=> b, and adding b back gives a.
    Check((diff->is_zero() ? 0 : diff->negative() ? -1 : 1) == c);
    auto back = diff->Add(b);
    Check(back.ok() && *back == a);
  }
  auto sum = a.Add(b);
  if (sum.ok()) {
    auto swapped = b.Add(a);
    Check(swapped.ok() && *swapped == *sum);
    auto back = sum->Subtract(b);
    Check(back.ok() && *back == a);
  }
}

void CheckNumber(const Number& n) {
  auto again = Number::Parse(n.ToString());
  Check(again.ok() && *again == n && again->ToString() == n.ToString());
  Check(n.significant_digits() <= 38);
  static const std::vector<Number>* fixed = [] {
    auto* v = new std::vector<Number>;
    for (std::string_view text : {"0", "1", "-1", "0.5", "-123.456e7", "9.9999999999999999999999999999999999999E+125",
                                  "-9.9999999999999999999999999999999999999E+125", "1E-130", "-1E-130"}) {
      v->push_back(Number::Parse(text).value());
    }
    return v;
  }();
  for (const Number& o : *fixed) CheckNumberPair(n, o);
}

struct Collected {
  std::vector<Number> numbers;
  std::vector<const AttributeValue*> strings;   // S
  std::vector<const AttributeValue*> binaries;  // B
};

void CheckCanonicalNumber(const std::string& text, Collected& out) {
  auto n = Number::Parse(text);
  Check(n.ok() && n->ToString() == text);
  if (out.numbers.size() < kMaxNumbers) out.numbers.push_back(*n);
}

void Walk(const AttributeValue& v, Collected& out) {
  switch (v.type) {
    case ValueType::kS:
      if (out.strings.size() < kMaxCollected) out.strings.push_back(&v);
      break;
    case ValueType::kB:
      if (out.binaries.size() < kMaxCollected) out.binaries.push_back(&v);
      break;
    case ValueType::kN: CheckCanonicalNumber(v.str, out); break;
    case ValueType::kSS:
    case ValueType::kNS:
    case ValueType::kBS:
      Check(!v.set.empty());
      for (size_t i = 0; i < v.set.size(); ++i) {
        for (size_t j = i + 1; j < v.set.size() && j < i + kMaxCollected; ++j) Check(v.set[i] != v.set[j]);
        if (v.type == ValueType::kNS) CheckCanonicalNumber(v.set[i], out);
      }
      break;
    case ValueType::kM:
      for (const auto& [name, e] : v.map) {
        Check(!name.empty());
        Walk(e, out);
      }
      break;
    case ValueType::kL:
      for (const auto& e : v.list) Walk(e, out);
      break;
    case ValueType::kNull:
    case ValueType::kBool: break;
  }
}

void CheckKeyOrder(const std::vector<const AttributeValue*>& values) {
  for (const AttributeValue* a : values) {
    std::string ka = service::tables::EncodeKeyValue(*a);
    for (const AttributeValue* b : values) {
      std::string kb = service::tables::EncodeKeyValue(*b);
      int c = Sign(service::tables::CompareScalars(*a, *b));
      Check(Sign(ka.compare(kb)) == c);
      if (c != 0) Check(!ka.starts_with(kb));
    }
  }
}

void CheckItem(const Item& item) {
  // Round trip, and the rendering is stable.
  boost::json::object wire = service::tables::ItemToJson(item);
  auto again = service::tables::ItemFromJson(wire);
  Check(again.ok() && *again == item);
  Check(boost::json::serialize(service::tables::ItemToJson(*again)) == boost::json::serialize(wire));

  size_t names = 0;
  Collected collected;
  for (const auto& [name, v] : item) {
    Check(!name.empty());
    names += name.size();
    Walk(v, collected);
  }
  Check(service::tables::ItemSize(item) >= names);

  for (const Number& n : collected.numbers) CheckNumber(n);
  for (const Number& a : collected.numbers) {
    for (const Number& b : collected.numbers) CheckNumberPair(a, b);
  }
  CheckKeyOrder(collected.strings);
  CheckKeyOrder(collected.binaries);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto n = Number::Parse(input.substr(0, input.find('\n')));
  if (n.ok()) {
    CheckNumber(*n);
  } else {
    Check(!n.status().message().empty());
  }

  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = service::tables::kJsonMaxDepth;
  boost::json::value v = boost::json::parse(input, ec, {}, options);
  if (ec) return 0;
  auto item = service::tables::ItemFromJson(v);
  if (!item.ok()) {
    Check(!item.status().message().empty());
    return 0;
  }
  CheckItem(*item);
  return 0;
}
