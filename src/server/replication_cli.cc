#include "server/replication_cli.h"

#include <cstdio>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/common/query_string.h"
#include "auth/sigv4.h"
#include "net/http_client.h"

namespace server {
namespace {

namespace json = boost::json;

std::string Bytes(int64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  if (n < (1 << 20)) return fmt::format("{:.1f} KiB", n / 1024.0);
  if (n < (1 << 30)) return fmt::format("{:.1f} MiB", n / 1048576.0);
  return fmt::format("{:.1f} GiB", n / 1073741824.0);
}

int64_t Int(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  return 0;
}

std::string Str(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

void Print(const ReplicationStatusTarget& t, const json::object& s) {
  double oldest = 0;
  if (auto* v = s.if_contains("oldest_pending_seconds"); v != nullptr && v->is_number()) {
    oldest = v->to_number<double>();
  }
  std::printf("%s", fmt::format("{} ({}): {} pending, oldest {:.1f} s, {} retrying, {} checksum mismatches\n",
                                t.region, t.endpoint.ToString(), Int(s, "pending"), oldest,
                                Int(s, "retrying"), Int(s, "checksum_mismatches"))
                        .c_str());
  const auto* rules = s.if_contains("rules");
  if (rules == nullptr || !rules->is_array() || rules->get_array().empty()) {
    std::printf("  no replication rules have been used since start\n");
  } else {
    std::printf("%s", fmt::format("  {:<20} {:<16} {:<36} {:>8} {:>10} {:>10} {:>7}\n", "bucket",
                                  "rule", "destination", "pending", "bytes", "completed", "failed")
                          .c_str());
    for (const auto& r : rules->get_array()) {
      if (!r.is_object()) continue;
      const auto& o = r.get_object();
      std::printf("%s", fmt::format("  {:<20} {:<16} {:<36} {:>8} {:>10} {:>10} {:>7}\n",
                                    Str(o, "bucket"), Str(o, "rule"), Str(o, "destination"),
                                    Int(o, "pending_objects"), Bytes(Int(o, "pending_bytes")),
                                    Int(o, "completed"), Int(o, "failed"))
                            .c_str());
    }
  }
  if (const auto* f = s.if_contains("failures"); f != nullptr && f->is_object()) {
    for (const auto& [reason, n] : f->get_object()) {
      std::printf("%s", fmt::format("  failed for good: {} × {}\n", n.is_int64() ? n.get_int64() : 0,
                                    std::string_view(reason))
                            .c_str());
    }
  }
}

}  // namespace

int PrintReplicationStatus(const std::vector<ReplicationStatusTarget>& targets,
                           const std::string& bucket) {
  boost::asio::io_context ioc;
  net::HttpClient http(ioc.get_executor());
  int code = 0;
  for (const auto& t : targets) {
    net::ClientRequest req;
    req.method(net::http::verb::get);
    std::string target = "/_stratus/replication";
    if (!bucket.empty()) target += "?bucket=" + auth::UriEncode(bucket, true);
    req.target(target);
    req.version(11);
    std::optional<common::Result<net::ClientResponse>> answer;
    boost::asio::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> { answer.emplace(co_await http.Send(t.endpoint, std::move(req))); },
        boost::asio::detached);
    ioc.restart();
    ioc.run();
    auto& res = *answer;
    if (!res.ok() || res->result_int() != 200) {
      std::fprintf(stderr, "%s", fmt::format("stratus: {} ({}): {}\n", t.region, t.endpoint.ToString(),
                                             res.ok() ? fmt::format("HTTP {}", res->result_int())
                                                      : res.status().message())
                                     .c_str());
      code = 1;
      continue;
    }
    boost::system::error_code ec;
    json::value v = json::parse(res->body(), ec);
    if (ec || !v.is_object()) {
      std::fprintf(stderr, "stratus: %s: unreadable answer\n", t.region.c_str());
      code = 1;
      continue;
    }
    Print(t, v.get_object());
  }
  return code;
}

}  // namespace server
