#include "service/objects/cors.h"

#include <cctype>

namespace service::objects {
namespace {

bool EqualChar(char a, char b, bool ignore_case) {
  if (!ignore_case) return a == b;
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool WildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case) {
  // Iterative glob with backtracking to the last '*': linear in practice.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && EqualChar(pattern[p], text[t], ignore_case)) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

const CorsRule* MatchCors(const std::vector<CorsRule>& rules, std::string_view origin,
                          std::string_view method, std::string_view request_headers) {
  for (const auto& rule : rules) {
    bool origin_ok = false;
    for (const auto& o : rule.allowed_origins) origin_ok = origin_ok || WildcardMatch(o, origin);
    if (!origin_ok) continue;
    bool method_ok = false;
    for (const auto& m : rule.allowed_methods) method_ok = method_ok || m == method;
    if (!method_ok) continue;
    bool headers_ok = true;
    size_t pos = 0;
    while (headers_ok && pos < request_headers.size()) {
      size_t comma = request_headers.find(',', pos);
      std::string_view h = Trim(request_headers.substr(
          pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
      pos = comma == std::string_view::npos ? request_headers.size() : comma + 1;
      if (h.empty()) continue;
      bool allowed = false;
      for (const auto& a : rule.allowed_headers) allowed = allowed || WildcardMatch(a, h, true);
      headers_ok = allowed;
    }
    if (headers_ok) return &rule;
  }
  return nullptr;
}

}  // namespace service::objects
