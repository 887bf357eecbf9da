#pragma once

// Stored records as JSON documents with a format version ("v"): the parsing
// and field reading shared by the domain services' records.cc files.
// Decoding something that is not one of our records is kCorruption.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "common/status.h"

namespace service::record {

// Parses `s` as a JSON object whose "v" is `format`; `what` names the record
// in errors ("bucket record is not JSON").
common::Result<boost::json::object> Parse(std::string_view s, int64_t format, std::string_view what);

// Reads fields of a decoded object; a missing field reads as empty/zero and
// any type mismatch makes ok() false.
class Reader {
 public:
  explicit Reader(const boost::json::object& o) : o_(o) {}
  std::string Str(std::string_view k);
  int64_t Int(std::string_view k);
  uint64_t UInt(std::string_view k) { return static_cast<uint64_t>(Int(k)); }
  bool Bool(std::string_view k);
  const boost::json::array* Arr(std::string_view k);
  const boost::json::object* Obj(std::string_view k);
  // [[k, v], ...] pairs.
  std::vector<std::pair<std::string, std::string>> Pairs(std::string_view k);
  std::vector<std::string> Strings(std::string_view k);
  void Fail() { ok_ = false; }
  bool ok() const { return ok_; }

 private:
  const boost::json::object& o_;
  bool ok_ = true;
};

// `value` if every field read fine, else kCorruption naming the record.
template <typename T>
common::Result<T> Checked(T value, const Reader& r, std::string_view what) {
  if (!r.ok()) return common::Corruption(std::string(what) + " record has a malformed field");
  return value;
}

boost::json::array EncodePairs(const std::vector<std::pair<std::string, std::string>>& pairs);
boost::json::array EncodeStrings(const std::vector<std::string>& v);

}  // namespace service::record
