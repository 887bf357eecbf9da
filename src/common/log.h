#pragma once

// Process logging: one named spdlog logger per subsystem ("net", "storage",
// "server", ...). Lines are logfmt-style (`key=value`) so they stay readable and
// machine-parseable; every line on the request path carries `request_id=`.
// Never log Authorization headers, signatures, presigned queries or secrets.

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace common::log {

// Configures the default sink (stderr) and level ("trace".."error", "off").
// Call once at start-up, before other threads log. Safe to skip in tests.
void Init(std::string_view level);

// Returns the logger of a subsystem, creating it on first use. Thread-safe.
std::shared_ptr<spdlog::logger> Get(std::string_view subsystem);

// Opens a JSON-lines access log at `path` ("-" = stdout, "" = off). Returns
// nullptr when off. The logger is buffered and flushed every second and at exit.
std::shared_ptr<spdlog::logger> OpenAccessLog(const std::string& name, const std::string& path);

// Escapes `s` for inclusion inside a JSON string literal.
std::string JsonEscape(std::string_view s);
// Appends `s`, escaped as JsonEscape does, to `out`.
void AppendJsonEscaped(std::string& out, std::string_view s);

}  // namespace common::log
