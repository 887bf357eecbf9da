#include "api/app/gateway.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <openssl/crypto.h>

#include "auth/sigv4.h"

namespace api::app {
namespace {

using common::ErrorCode;
using common::Status;

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

std::string Decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) && std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Matches `path` against the template; fills the parameters.
bool MatchPath(std::string_view tmpl, std::string_view path, std::map<std::string, std::string>& params) {
  auto want = Segments(tmpl);
  auto got = Segments(path);
  for (size_t i = 0; i < want.size(); ++i) {
    std::string_view w = want[i];
    bool param = w.size() > 2 && w.front() == '{' && w.back() == '}';
    if (param && w.ends_with("+}")) {
      if (i >= got.size() || got[i].empty()) return false;
      std::string rest;
      for (size_t j = i; j < got.size(); ++j) rest += (j > i ? "/" : "") + std::string(got[j]);
      params[std::string(w.substr(1, w.size() - 3))] = Decode(rest);
      return true;
    }
    if (i >= got.size()) return false;
    if (param) {
      if (got[i].empty()) return false;
      params[std::string(w.substr(1, w.size() - 2))] = Decode(got[i]);
    } else if (w != got[i]) {
      return false;
    }
  }
  return want.size() == got.size();
}

}  // namespace

Gateway::Gateway(GatewayOptions options, FunctionInvoker invoke)
    : options_(std::move(options)), invoke_(std::move(invoke)) {}

std::optional<Gateway::Match> Gateway::Find(std::string_view method, std::string_view path) const {
  std::optional<Match> any;
  for (const auto& route : options_.routes) {
    if (route.method != method && route.method != "ANY") continue;
    Match m;
    if (!MatchPath(route.path, path, m.path_parameters)) continue;
    m.route = &route;
    m.resource = route.path;
    if (route.method == method) return m;
    if (!any) any = std::move(m);
  }
  return any;
}

std::vector<std::string> Gateway::MethodsFor(std::string_view path) const {
  std::vector<std::string> out;
  for (const auto& route : options_.routes) {
    std::map<std::string, std::string> ignored;
    if (!MatchPath(route.path, path, ignored)) continue;
    if (route.method == "ANY") return {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"};
    if (std::find(out.begin(), out.end(), route.method) == out.end()) out.push_back(route.method);
  }
  return out;
}

Status Gateway::Admit(std::string_view key, std::chrono::seconds* retry_after) {
  bool known = false;
  for (const auto& k : options_.api_keys) {
    // Constant time per candidate of the same length.
    if (k.size() == key.size() && CRYPTO_memcmp(k.data(), key.data(), k.size()) == 0) known = true;
  }
  if (!known) return Status(ErrorCode::kUnauthenticated, "Forbidden");
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) it = buckets_.emplace(std::string(key), Bucket{options_.burst, now}).first;
  Bucket& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.last).count();
  b.tokens = std::min(options_.burst, b.tokens + elapsed * options_.rate_per_second);
  b.last = now;
  if (b.tokens < 1.0) {
    if (retry_after != nullptr) {
      *retry_after = std::chrono::seconds(
          std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - b.tokens) / options_.rate_per_second))));
    }
    return Status(ErrorCode::kThrottled, "Too Many Requests");
  }
  b.tokens -= 1.0;
  return Status::Ok();
}

std::string Gateway::AllowOrigin(std::string_view origin) const {
  for (const auto& o : options_.cors_allow_origins) {
    if (o == "*") return "*";
    if (!origin.empty() && o == origin) return o;
  }
  return "";
}

}  // namespace api::app
