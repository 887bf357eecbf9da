#include "common/faults.h"

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>

#include <fmt/format.h>

namespace common::faults {
namespace {

struct Point {
  double probability = 0;
  int64_t parameter = 0;
};

std::atomic<bool> any{false};  // some point is configured
std::mutex mu;
std::map<std::string, Point, std::less<>> points;  // guarded by mu

Status Bad(std::string_view entry) {
  return Status(ErrorCode::kInvalidArgument,
                fmt::format("STRATUS_FAULTS: expected <point>=<probability>[:<parameter>], got \"{}\"",
                            entry));
}

}  // namespace

Status Configure(std::string_view spec) {
  std::map<std::string, Point, std::less<>> parsed;
  while (!spec.empty()) {
    size_t comma = spec.find(',');
    std::string_view entry = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    if (entry.empty()) continue;
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) return Bad(entry);
    std::string_view value = entry.substr(eq + 1);
    std::string_view param;
    if (size_t colon = value.find(':'); colon != std::string_view::npos) {
      param = value.substr(colon + 1);
      value = value.substr(0, colon);
    }
    Point p;
    try {
      size_t used = 0;
      p.probability = std::stod(std::string(value), &used);
      if (used != value.size()) return Bad(entry);
    } catch (...) {
      return Bad(entry);
    }
    if (!(p.probability >= 0 && p.probability <= 1)) return Bad(entry);
    if (!param.empty()) {
      auto [ptr, ec] = std::from_chars(param.data(), param.data() + param.size(), p.parameter);
      if (ec != std::errc() || ptr != param.data() + param.size()) return Bad(entry);
    }
    parsed[std::string(entry.substr(0, eq))] = p;
  }
  std::lock_guard lock(mu);
  points = std::move(parsed);
  any = !points.empty();
  return Status::Ok();
}

Result<std::string> ConfigureFromEnvironment() {
  const char* spec = std::getenv("STRATUS_FAULTS");
  if (spec == nullptr || *spec == '\0') return std::string();
  STRATUS_RETURN_IF_ERROR(Configure(spec));
  return std::string(spec);
}

bool Fires(std::string_view point) {
  if (!any.load(std::memory_order_relaxed)) return false;
  std::lock_guard lock(mu);
  auto it = points.find(point);
  if (it == points.end()) return false;
  thread_local std::mt19937_64 rng(std::random_device{}());
  return std::uniform_real_distribution<double>(0, 1)(rng) < it->second.probability;
}

int64_t Parameter(std::string_view point) {
  std::lock_guard lock(mu);
  auto it = points.find(point);
  return it == points.end() ? 0 : it->second.parameter;
}

}  // namespace common::faults
