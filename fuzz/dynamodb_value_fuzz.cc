// libFuzzer target for DynamoDB attribute values and numbers
// (src/service/tables/value.h, number.h).
//
// Input: arbitrary bytes, parsed as JSON (DynamoDB's nesting allowance) and
// then as an item; the first line is also parsed as a number.
//
// Properties checked:
//   * ItemFromJson never crashes; an accepted item survives
//     ItemToJson → ItemFromJson unchanged, and its size is computable.
//   * An accepted number's canonical text parses back to the same number,
//     and its ordered key sorts it exactly where <=> does against a few
//     fixed numbers (and is never a prefix of theirs).

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "service/tables/value.h"

namespace {

using service::tables::Number;

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckNumber(std::string_view text) {
  auto n = Number::Parse(text);
  if (!n.ok()) return;
  auto again = Number::Parse(n->ToString());
  Check(again.ok() && *again == *n && again->ToString() == n->ToString());
  for (std::string_view other : {"0", "1", "-1", "0.5", "-123.456e7", "9.9999999999999999999999999999999999999E+125",
                                 "-1E-130"}) {
    Number o = Number::Parse(other).value();
    auto c = *n <=> o;
    int by_key = n->OrderedKey().compare(o.OrderedKey());
    Check((c < 0) == (by_key < 0) && (c == 0) == (by_key == 0));
    if (c != 0) Check(!n->OrderedKey().starts_with(o.OrderedKey()) && !o.OrderedKey().starts_with(n->OrderedKey()));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckNumber(input.substr(0, input.find('\n')));
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
  auto again = service::tables::ItemFromJson(service::tables::ItemToJson(*item));
  Check(again.ok() && *again == *item);
  (void)service::tables::ItemSize(*item);
  return 0;
}
