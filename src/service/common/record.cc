#include "service/common/record.h"

namespace service::record {

namespace json = boost::json;

common::Result<json::object> Parse(std::string_view s, int64_t format, std::string_view what) {
  boost::system::error_code ec;
  json::value v = json::parse(s, ec);
  if (ec || !v.is_object()) return common::Corruption(std::string(what) + " record is not JSON");
  auto* f = v.get_object().if_contains("v");
  if (f == nullptr || !f->is_int64() || f->get_int64() != format) {
    return common::Corruption(std::string(what) + " record has an unknown format");
  }
  return std::move(v.get_object());
}

std::string Reader::Str(std::string_view k) {
  auto* v = o_.if_contains(k);
  if (v == nullptr) return {};
  if (!v->is_string()) {
    ok_ = false;
    return {};
  }
  return std::string(v->get_string());
}

int64_t Reader::Int(std::string_view k) {
  auto* v = o_.if_contains(k);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  ok_ = false;
  return 0;
}

bool Reader::Bool(std::string_view k) {
  auto* v = o_.if_contains(k);
  if (v == nullptr) return false;
  if (!v->is_bool()) {
    ok_ = false;
    return false;
  }
  return v->get_bool();
}

const json::array* Reader::Arr(std::string_view k) {
  auto* v = o_.if_contains(k);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    ok_ = false;
    return nullptr;
  }
  return &v->get_array();
}

const json::object* Reader::Obj(std::string_view k) {
  auto* v = o_.if_contains(k);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    ok_ = false;
    return nullptr;
  }
  return &v->get_object();
}

std::vector<std::pair<std::string, std::string>> Reader::Pairs(std::string_view k) {
  std::vector<std::pair<std::string, std::string>> out;
  if (auto* a = Arr(k)) {
    for (const auto& e : *a) {
      if (!e.is_array() || e.get_array().size() != 2 || !e.get_array()[0].is_string() ||
          !e.get_array()[1].is_string()) {
        ok_ = false;
        break;
      }
      out.emplace_back(std::string(e.get_array()[0].get_string()), std::string(e.get_array()[1].get_string()));
    }
  }
  return out;
}

std::vector<std::string> Reader::Strings(std::string_view k) {
  std::vector<std::string> out;
  if (auto* a = Arr(k)) {
    for (const auto& e : *a) {
      if (!e.is_string()) {
        ok_ = false;
        break;
      }
      out.emplace_back(e.get_string());
    }
  }
  return out;
}

json::array EncodePairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  json::array a;
  a.reserve(pairs.size());
  for (const auto& [k, v] : pairs) a.push_back(json::array{json::string(k), json::string(v)});
  return a;
}

json::array EncodeStrings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(json::string(s));
  return a;
}

}  // namespace service::record
