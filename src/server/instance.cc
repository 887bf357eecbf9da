#include "server/instance.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "common/checksum.h"
#include "common/log.h"
#include "common/version.h"
#include "net/http_client.h"

namespace server {
namespace {

constexpr std::string_view kEc2Imds = "169.254.169.254:80";

std::string ReadFirstLine(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

bool LooksLikeEc2() {
  return ReadFirstLine("/sys/devices/virtual/dmi/id/sys_vendor").find("Amazon EC2") != std::string::npos ||
         ReadFirstLine("/sys/devices/virtual/dmi/id/board_asset_tag").starts_with("i-");
}

// IMDSv2: a token, then each value; nullopt when the service does not answer.
std::optional<InstanceInfo> FromImds(const common::HostPort& at) {
  boost::asio::io_context ioc;
  net::ClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(1000);
  options.request_timeout = std::chrono::milliseconds(1000);
  net::HttpClient http(ioc.get_executor(), options);
  std::optional<InstanceInfo> out;
  boost::asio::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        net::ClientRequest token_req{net::http::verb::put, "/latest/api/token", 11};
        token_req.set("X-aws-ec2-metadata-token-ttl-seconds", "300");
        auto token = co_await http.Send(at, std::move(token_req));
        if (!token.ok() || token->result_int() != 200) co_return;
        std::string t = token->body();
        auto get = [&](std::string path) -> net::awaitable<std::string> {
          net::ClientRequest req{net::http::verb::get, "/latest/meta-data/" + path, 11};
          req.set("X-aws-ec2-metadata-token", t);
          auto res = co_await http.Send(at, std::move(req));
          co_return res.ok() && res->result_int() == 200 ? res->body() : std::string();
        };
        InstanceInfo info;
        info.instance_id = co_await get("instance-id");
        info.availability_zone = co_await get("placement/availability-zone");
        info.hostname = co_await get("local-hostname");
        info.instance_type = co_await get("instance-type");
        info.source = "imds";
        if (!info.instance_id.empty()) out = std::move(info);
      },
      boost::asio::detached);
  ioc.run_for(std::chrono::seconds(2));
  http.CloseIdle();
  return out;
}

}  // namespace

InstanceInfo DescribeInstance(std::string_view imds_endpoint, const std::filesystem::path& data_root) {
  auto started = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  std::optional<common::HostPort> imds;
  if (imds_endpoint == "auto") {
    if (LooksLikeEc2()) imds = common::HostPort::Parse(kEc2Imds).value();
  } else if (imds_endpoint != "off") {
    auto parsed = common::HostPort::Parse(imds_endpoint);
    if (parsed.ok()) imds = *parsed;
  }
  if (imds) {
    if (auto info = FromImds(*imds)) {
      info->started_at_ms = started;
      return *info;
    }
    common::log::Get("server")->warn("instance metadata service at {} did not answer; using local values",
                                     imds->ToString());
  }
  InstanceInfo info;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) info.hostname = host;
  std::string machine = ReadFirstLine("/etc/machine-id");
  std::string digest = common::HexEncode(
      common::Digest(common::ChecksumAlgorithm::kSha256, machine + "\n" + info.hostname + "\n" + data_root.string()));
  info.instance_id = "i-" + digest.substr(0, 17);
  info.instance_type = "stratus.local";
  info.source = "local";
  info.started_at_ms = started;
  return info;
}

std::map<std::string, std::string> InstanceEnvironment(const InstanceInfo& info, const std::string& region) {
  return {
      {"AWS_REGION", region},
      {"AWS_DEFAULT_REGION", region},
      {"STRATUS_INSTANCE_ID", info.instance_id},
      {"STRATUS_AVAILABILITY_ZONE", info.availability_zone.empty() ? region + "a" : info.availability_zone},
      {"STRATUS_HOSTNAME", info.hostname},
      {"STRATUS_INSTANCE_TYPE", info.instance_type},
      {"STRATUS_METADATA_SOURCE", info.source},
      {"STRATUS_STARTED_AT", std::to_string(info.started_at_ms)},
      {"STRATUS_VERSION", std::string(common::kVersion)},
  };
}

}  // namespace server
