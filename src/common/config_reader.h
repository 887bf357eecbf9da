#pragma once

// Reading TOML tables with errors that name the file, line and key — shared by
// the config loader's files (config.cc, config_resources.cc). Internal to
// stratus_common.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "common/config.h"
#include "common/status.h"

namespace common::config_internal {

namespace fs = std::filesystem;

// Assigns the value of `expr`, a Result<T>, to `lhs`, or returns its Status
// from the enclosing function.
#define CONFIG_CONCAT_INNER(a, b) a##b
#define CONFIG_CONCAT(a, b) CONFIG_CONCAT_INNER(a, b)
#define CONFIG_ASSIGN_OR_RETURN(lhs, expr)                   \
  auto CONFIG_CONCAT(config_result_, __LINE__) = (expr);     \
  if (!CONFIG_CONCAT(config_result_, __LINE__).ok()) {       \
    return CONFIG_CONCAT(config_result_, __LINE__).status(); \
  }                                                          \
  lhs = std::move(CONFIG_CONCAT(config_result_, __LINE__)).value()

// `s` in double quotes, with quotes, backslashes and control bytes escaped, so a
// message stays on one line whatever the input.
inline std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

// A key as it appears in a key path: bare when TOML allows it bare, else quoted.
inline std::string KeyName(std::string_view key) {
  bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
  return bare ? std::string(key) : Quote(key);
}

inline std::string_view TypeName(toml::node_type type) {
  switch (type) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

// Edit distance, for "did you mean" hints on unknown keys.
inline size_t Distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "<source>:<line>:<column>"; positions of nodes built without a source
// (never the case for parsed ones) read as 1:1.
inline std::string Where(std::string_view source, const toml::source_position& pos) {
  return fmt::format("{}:{}:{}", source, std::max<toml::source_index>(pos.line, 1),
                     std::max<toml::source_index>(pos.column, 1));
}

inline Status ErrorAt(std::string_view source, const toml::source_position& pos, std::string_view path,
               std::string_view problem) {
  return InvalidArgument(fmt::format("{}: {}: {}", Where(source, pos), path, problem));
}

// Whether `host` accepts connections for every address of its port.
inline bool IsWildcard(std::string_view host) { return host == "0.0.0.0" || host == "::"; }

inline bool SameHost(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) {
             return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
           };
           return lower(x) == lower(y);
         });
}

// Whether two listeners would fight over one socket address.
inline bool Collide(const HostPort& a, const HostPort& b) {
  if (a.port == 0 || a.port != b.port) return false;
  return IsWildcard(a.host) || IsWildcard(b.host) || SameHost(a.host, b.host);
}

// ^[a-z]{2}(-[a-z]+)+-[0-9]+$
inline bool IsRegionName(std::string_view name) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t dash = name.find('-', start);
    parts.push_back(name.substr(start, dash == std::string_view::npos ? dash : dash - start));
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  if (parts.size() < 3) return false;
  auto all = [](std::string_view s, auto pred) {
    return !s.empty() && std::all_of(s.begin(), s.end(), pred);
  };
  auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (parts.front().size() != 2 || !all(parts.front(), lower)) return false;
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    if (!all(parts[i], lower)) return false;
  }
  return all(parts.back(), digit);
}

// Absolute and lexically normal, without a trailing separator.
inline Result<fs::path> Normalize(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  if (ec)
    return IoError(fmt::format("cannot make {} absolute: {}", Quote(p.string()), ec.message()));
  fs::path out = abs.lexically_normal();
  if (!out.has_filename() && out.has_relative_path()) out = out.parent_path();
  return out;
}

// One TOML table at `path` ("" for the document, "server", "regions[1]"). Every
// accessor reports problems as kInvalidArgument at the offending node.
class TableReader {
 public:
  TableReader(std::string_view source, const toml::table& table, std::string path)
      : source_(source), table_(table), path_(std::move(path)) {}

  std::string PathOf(std::string_view key) const {
    return path_.empty() ? KeyName(key) : path_ + "." + KeyName(key);
  }

  const toml::node* Find(std::string_view key) const { return table_.get(key); }

  // An error about the value of `key`, which must be present.
  Status Invalid(std::string_view key, std::string_view problem) const {
    const toml::node* node = Find(key);
    toml::source_position pos = node != nullptr ? node->source().begin : table_.source().begin;
    return ErrorAt(source_, pos, PathOf(key), problem);
  }

  // An error about `key` being absent: at the table itself.
  Status Missing(std::string_view key, std::string_view what) const {
    return ErrorAt(source_, table_.source().begin, PathOf(key),
                   fmt::format("missing required {}", what));
  }

  // Rejects the first key (in file order) that is not in `known`.
  Status RejectUnknownKeys(std::initializer_list<std::string_view> known) const {
    const toml::key* first = nullptr;
    for (auto&& [key, value] : table_) {
      if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
      auto before = [](const toml::source_position& a, const toml::source_position& b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
      };
      if (first == nullptr || before(key.source().begin, first->source().begin)) first = &key;
    }
    if (first == nullptr) return Status::Ok();
    std::string problem = "unknown key";
    for (std::string_view candidate : known) {
      if (Distance(first->str(), candidate) <= 2) {
        problem += fmt::format(" (did you mean {}?)", Quote(candidate));
        break;
      }
    }
    return ErrorAt(source_, first->source().begin, PathOf(first->str()), problem);
  }

  // The sub-table `key`, or nullptr when absent.
  Result<const toml::table*> Table(std::string_view key) const {
    const toml::node* node = Find(key);
    if (node == nullptr) return static_cast<const toml::table*>(nullptr);
    if (!node->is_table()) return TypeError(key, *node, "a table");
    return node->as_table();
  }

  // The array `key`, or nullptr when absent.
  Result<const toml::array*> Array(std::string_view key, std::string_view expected) const {
    const toml::node* node = Find(key);
    if (node == nullptr) return static_cast<const toml::array*>(nullptr);
    if (!node->is_array()) return TypeError(key, *node, expected);
    return node->as_array();
  }

  // A non-empty string, or nullopt when absent.
  Result<std::optional<std::string>> OptionalString(std::string_view key) const {
    const toml::node* node = Find(key);
    if (node == nullptr) return std::optional<std::string>();
    if (!node->is_string()) return TypeError(key, *node, "a string");
    const std::string& value = node->as_string()->get();
    if (value.empty()) return Invalid(key, "must not be empty");
    return std::optional<std::string>(value);
  }

  Result<std::string> String(std::string_view key, std::string fallback) const {
    CONFIG_ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(key));
    return value.has_value() ? std::move(*value) : std::move(fallback);
  }

  Result<std::string> RequiredString(std::string_view key) const {
    CONFIG_ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(key));
    if (!value.has_value()) return Missing(key, "key");
    return std::move(*value);
  }

  // An integer in [min, max], or `fallback` when absent.
  template <typename T>
  Result<T> Integer(std::string_view key, T fallback, int64_t min,
                    int64_t max = static_cast<int64_t>(
                        std::min<uint64_t>(std::numeric_limits<T>::max(),
                                           std::numeric_limits<int64_t>::max()))) const {
    const toml::node* node = Find(key);
    if (node == nullptr) return fallback;
    if (!node->is_integer()) return TypeError(key, *node, "an integer");
    int64_t value = node->as_integer()->get();
    if (value < min) return Invalid(key, fmt::format("must be at least {}, got {}", min, value));
    if (value > max) return Invalid(key, fmt::format("must be at most {}, got {}", max, value));
    return static_cast<T>(value);
  }

  Result<bool> Bool(std::string_view key, bool fallback) const {
    const toml::node* node = Find(key);
    if (node == nullptr) return fallback;
    if (!node->is_boolean()) return TypeError(key, *node, "true or false");
    return node->as_boolean()->get();
  }

  toml::source_position begin() const { return table_.source().begin; }

 private:
  Status TypeError(std::string_view key, const toml::node& node, std::string_view expected) const {
    return Invalid(key, fmt::format("expected {}, got {}", expected, TypeName(node.type())));
  }

  std::string_view source_;
  const toml::table& table_;
  std::string path_;
};

// The tables of the array `key` of `r` ([[regions.<key>]]), each with its key
// path; empty when absent.
inline Result<std::vector<std::pair<const toml::table*, std::string>>> Tables(std::string_view source,
                                                                               const TableReader& r,
                                                                               std::string_view key) {
  std::vector<std::pair<const toml::table*, std::string>> out;
  CONFIG_ASSIGN_OR_RETURN(const toml::array* array,
                          r.Array(key, fmt::format("an array of tables ([[regions.{}]])", key)));
  if (array == nullptr) return out;
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& node = *array->get(i);
    std::string path = fmt::format("{}[{}]", r.PathOf(key), i);
    if (!node.is_table()) {
      return ErrorAt(source, node.source().begin, path, fmt::format("expected a table, got {}", TypeName(node.type())));
    }
    out.emplace_back(node.as_table(), std::move(path));
  }
  return out;
}

// [[regions.buckets]], [[regions.queues]], [[regions.topics]],
// [[regions.tables]] and [[regions.rules]] of the region table `r`
// (config_resources.cc).
Status ReadResources(std::string_view source, const TableReader& r, RegionConfig& region);
// The [app] table of the document `top`, if any.
Status ReadApp(std::string_view source, const TableReader& top, AppConfig& app);

}  // namespace common::config_internal
