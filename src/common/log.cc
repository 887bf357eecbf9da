#include "common/log.h"

#include <chrono>
#include <mutex>

#include <fmt/format.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace common::log {
namespace {

std::mutex g_mu;
spdlog::level::level_enum g_level = spdlog::level::info;

constexpr const char* kPattern = "%Y-%m-%dT%H:%M:%S.%eZ level=%l logger=%n %v";

}  // namespace

void Init(std::string_view level) {
  std::lock_guard lock(g_mu);
  g_level = spdlog::level::from_str(std::string(level));
  spdlog::set_level(g_level);
  spdlog::set_pattern(kPattern, spdlog::pattern_time_type::utc);
  spdlog::flush_every(std::chrono::seconds(1));
}

std::shared_ptr<spdlog::logger> Get(std::string_view subsystem) {
  std::string name(subsystem);
  if (auto existing = spdlog::get(name)) return existing;
  std::lock_guard lock(g_mu);
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = spdlog::stderr_logger_mt(name);
  logger->set_pattern(kPattern, spdlog::pattern_time_type::utc);
  logger->set_level(g_level);
  logger->flush_on(spdlog::level::warn);
  return logger;
}

std::shared_ptr<spdlog::logger> OpenAccessLog(const std::string& name, const std::string& path) {
  if (path.empty() || path == "off") return nullptr;
  std::lock_guard lock(g_mu);
  spdlog::drop(name);
  std::shared_ptr<spdlog::logger> logger;
  if (path == "-") {
    logger = spdlog::stdout_logger_mt(name);
  } else {
    logger = spdlog::basic_logger_mt(name, path);
  }
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::err);
  return logger;
}

void AppendJsonEscaped(std::string& out, std::string_view s) {
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  AppendJsonEscaped(out, s);
  return out;
}

}  // namespace common::log
