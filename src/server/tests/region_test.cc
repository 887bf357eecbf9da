#include "server/region.h"

#include <stdlib.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "net/http_client.h"
#include "server/stack.h"

namespace server {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using common::ErrorCode;
using tcp = asio::ip::tcp;

constexpr std::string_view kAdminKeyId = "AKIATESTADMIN0000001";
constexpr std::string_view kAdminSecret = "regionTestAdminSecret0123456789abcdefghi";
static_assert(kAdminSecret.size() == 40);
constexpr auto kGrace = std::chrono::milliseconds(2000);

// A fresh, empty directory under the system temp dir.
fs::path MakeTempDir() {
  std::string tmpl = (fs::temp_directory_path() / "stratus-region-test-XXXXXX").string();
  char* made = ::mkdtemp(tmpl.data());
  EXPECT_NE(made, nullptr) << "mkdtemp " << tmpl;
  return fs::path(tmpl);
}

// Two regions on loopback, every listener on port 0, data under `root`.
common::Config MakeConfig(const fs::path& root) {
  common::Config config;
  config.data_root = root;
  config.threads = 1;
  config.admin = {std::string(kAdminKeyId), std::string(kAdminSecret)};
  config.regions = {
      {"ap-south-1", {"127.0.0.1", 0}, {"127.0.0.1", 0}, root / "ap-south-1"},
      {"eu-west-1", {"127.0.0.1", 0}, {"127.0.0.1", 0}, root / "eu-west-1"},
  };
  return config;
}

// The count of `stratus_requests_total` for one admin operation on a listener.
uint64_t AdminRequests(common::metrics::Registry& metrics, std::string_view listener,
                       std::string_view operation, unsigned status) {
  return metrics
      .GetCounter("stratus_requests_total", "",
                  {{"listener", std::string(listener)},
                   {"protocol", "admin"},
                   {"operation", std::string(operation)},
                   {"status", std::to_string(status)}})
      .Value();
}

// Regions served by an io_context on a background thread, as Stack runs them.
class RegionTest : public ::testing::Test {
 protected:
  RegionTest() : root_(MakeTempDir()), config_(MakeConfig(root_)) {
    credentials_.Add({std::string(kAdminKeyId), std::string(kAdminSecret), ""},
                     "arn:aws:iam::000000000000:root");
    thread_ = std::thread([this] { ioc_.run(); });
  }

  ~RegionTest() override {
    for (auto& region : regions_) Shutdown(*region);
    regions_.clear();
    work_.reset();
    thread_.join();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  const common::RegionConfig& south() const { return config_.regions[0]; }
  const common::RegionConfig& west() const { return config_.regions[1]; }

  common::Result<std::unique_ptr<Region>> OpenRegion(const common::RegionConfig& rc) {
    return Region::Open(config_, rc, ioc_, credentials_);
  }

  // Opens a region that must open; the fixture shuts it down at the end.
  Region* MustOpen(const common::RegionConfig& rc) {
    auto region = OpenRegion(rc);
    EXPECT_TRUE(region.ok()) << region.status().ToString();
    if (!region.ok()) return nullptr;
    regions_.push_back(std::move(region).value());
    return regions_.back().get();
  }

  // Shuts `region` down and closes it.
  void Close(Region* region) {
    Shutdown(*region);
    std::erase_if(regions_, [region](const auto& r) { return r.get() == region; });
  }

  void Shutdown(Region& region) {
    asio::co_spawn(ioc_, region.Shutdown(kGrace), asio::use_future).get();
  }

  // Runs `task` on the I/O thread and waits for its result.
  template <typename T>
  T RunSync(net::awaitable<T> task) {
    std::optional<T> out;
    asio::co_spawn(ioc_, Into(std::move(task), out), asio::use_future).get();
    return std::move(*out);
  }
  template <typename T>
  static net::awaitable<void> Into(net::awaitable<T> task, std::optional<T>& out) {
    out.emplace(co_await std::move(task));
  }

  // GETs `target` from `to` on a new connection.
  common::Result<net::ClientResponse> Get(const common::HostPort& to, std::string target) {
    net::HttpClient client(ioc_.get_executor());
    net::ClientRequest request{net::http::verb::get, target, 11};
    request.keep_alive(false);
    return RunSync(client.Send(to, std::move(request)));
  }

  fs::path root_;
  common::Config config_;
  auth::CredentialStore credentials_;
  asio::io_context ioc_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_{ioc_.get_executor()};
  std::thread thread_;
  std::vector<std::unique_ptr<Region>> regions_;
};

// Verifies Open creates the data directory and binds both listeners on real
// ports.
TEST_F(RegionTest, OpenBindsBothListenersAndCreatesDataDir) {
  ASSERT_FALSE(fs::exists(south().data_dir));
  Region* region = MustOpen(south());
  ASSERT_NE(region, nullptr);
  EXPECT_TRUE(fs::is_directory(south().data_dir));
  EXPECT_EQ(region->config().name, "ap-south-1");
  EXPECT_EQ(region->aws_address().host, "127.0.0.1");
  EXPECT_NE(region->aws_address().port, 0);
  EXPECT_NE(region->app_address().port, 0);
  EXPECT_NE(region->aws_address().port, region->app_address().port);
}

// Verifies the boot count is 1 on first open and 2 after a clean shutdown and
// reopen of the same data directory.
TEST_F(RegionTest, BootCountGrowsAcrossReopen) {
  Region* first = MustOpen(south());
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->boot_count(), 1u);
  ASSERT_TRUE(first->Start().ok());
  Close(first);

  Region* second = MustOpen(south());
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->boot_count(), 2u);
  auto text = second->metrics().RenderPrometheus();
  EXPECT_NE(text.find("stratus_region_boot_count{region=\"ap-south-1\"} 2\n"), std::string::npos)
      << text;
}

// Verifies a data directory that belongs to another region is refused with
// kInvalidArgument naming both regions.
TEST_F(RegionTest, DataDirOfAnotherRegionIsRefused) {
  Region* south_region = MustOpen(south());
  ASSERT_NE(south_region, nullptr);
  Close(south_region);

  common::RegionConfig impostor = west();
  impostor.data_dir = south().data_dir;
  auto opened = OpenRegion(impostor);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(opened.status().message().find("ap-south-1"), std::string::npos)
      << opened.status().message();
  EXPECT_NE(opened.status().message().find("eu-west-1"), std::string::npos)
      << opened.status().message();
}

// Verifies a data directory already open (here, in this process) is refused
// with kUnavailable naming the region.
TEST_F(RegionTest, DataDirInUseIsUnavailable) {
  ASSERT_NE(MustOpen(south()), nullptr);
  auto again = OpenRegion(south());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(again.status().message().find("ap-south-1"), std::string::npos)
      << again.status().message();
}

// Verifies each region's endpoints answer /_stratus/health with their own
// region name, and /_stratus/ready is 200 once started.
TEST_F(RegionTest, HealthAndReadyOverHttp) {
  Region* south_region = MustOpen(south());
  Region* west_region = MustOpen(west());
  ASSERT_NE(south_region, nullptr);
  ASSERT_NE(west_region, nullptr);
  ASSERT_TRUE(south_region->Start().ok());
  ASSERT_TRUE(west_region->Start().ok());
  ASSERT_TRUE(south_region->Activate().ok());
  ASSERT_TRUE(west_region->Activate().ok());

  for (Region* region : {south_region, west_region}) {
    const std::string want = "\"region\":\"" + region->config().name + "\"";
    for (const common::HostPort& at : {region->aws_address(), region->app_address()}) {
      SCOPED_TRACE(region->config().name + " " + at.ToString());
      auto health = Get(at, "/_stratus/health");
      ASSERT_TRUE(health.ok()) << health.status().ToString();
      EXPECT_EQ(health->result_int(), 200u);
      EXPECT_NE(health->body().find("\"status\":\"ok\""), std::string::npos) << health->body();
      EXPECT_NE(health->body().find(want), std::string::npos) << health->body();

      auto ready = Get(at, "/_stratus/ready");
      ASSERT_TRUE(ready.ok()) << ready.status().ToString();
      EXPECT_EQ(ready->result_int(), 200u) << ready->body();
      EXPECT_NE(ready->body().find("\"state\":\"ready\""), std::string::npos) << ready->body();
    }
  }
}

// Verifies Shutdown lets a request already in flight finish (its connection
// then closes) and that afterwards both listeners refuse connections.
TEST_F(RegionTest, ShutdownDrainsInFlightRequestThenRefuses) {
  Region* region = MustOpen(south());
  ASSERT_NE(region, nullptr);
  ASSERT_TRUE(region->Start().ok());
  const common::HostPort aws = region->aws_address();
  const common::HostPort app = region->app_address();

  // A Query form POST whose body is still arriving: the pipeline is reading it.
  asio::io_context client_ioc;
  tcp::socket socket(client_ioc);
  socket.connect(tcp::endpoint(asio::ip::make_address(aws.host), aws.port));
  const std::string body = "Action=NoSuchAction&Version=1";
  const std::string head = "POST / HTTP/1.1\r\nHost: " + aws.ToString() +
                           "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                           "Content-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n";
  asio::write(socket, asio::buffer(head + body.substr(0, 10)));
  auto& in_flight =
      region->metrics().GetGauge("stratus_requests_in_flight", "", {{"listener", "aws"}});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (in_flight.Value() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(in_flight.Value(), 1);

  auto stopped = asio::co_spawn(ioc_, region->Shutdown(kGrace), asio::use_future);
  EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);

  asio::write(socket, asio::buffer(body.substr(10)));
  std::string response;
  boost::system::error_code ec;
  asio::read(socket, asio::dynamic_buffer(response), ec);  // until the server closes
  EXPECT_EQ(ec, asio::error::eof) << ec.message();
  EXPECT_EQ(response.rfind("HTTP/1.1 400 ", 0), 0u) << response;
  EXPECT_NE(response.find("<Code>InvalidAction</Code>"), std::string::npos) << response;
  EXPECT_NE(response.find("Connection: close"), std::string::npos) << response;

  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  stopped.get();
  std::erase_if(regions_, [region](const auto& r) { return r.get() == region; });

  for (const common::HostPort& at : {aws, app}) {
    auto refused = Get(at, "/_stratus/ready");
    ASSERT_FALSE(refused.ok()) << at.ToString() << " still answers";
    EXPECT_EQ(refused.status().code(), ErrorCode::kUnavailable) << refused.status().ToString();
  }
}

// Verifies regions keep separate metrics: requests to one region do not move
// another region's request counters.
TEST_F(RegionTest, RegionsAreIsolated) {
  Region* south_region = MustOpen(south());
  Region* west_region = MustOpen(west());
  ASSERT_NE(south_region, nullptr);
  ASSERT_NE(west_region, nullptr);
  ASSERT_TRUE(south_region->Start().ok());
  ASSERT_TRUE(west_region->Start().ok());
  ASSERT_TRUE(south_region->Activate().ok());
  ASSERT_TRUE(west_region->Activate().ok());

  for (int i = 0; i < 3; ++i) {
    auto health = Get(south_region->aws_address(), "/_stratus/health");
    ASSERT_TRUE(health.ok()) << health.status().ToString();
  }

  const std::string west_text = west_region->metrics().RenderPrometheus();
  EXPECT_EQ(west_text.find("stratus_requests_total"), std::string::npos) << west_text;
  const std::string south_text = south_region->metrics().RenderPrometheus();
  EXPECT_NE(south_text.find("stratus_requests_total{region=\"ap-south-1\",listener=\"aws\","
                            "protocol=\"admin\",operation=\"Health\",status=\"200\"} 3\n"),
            std::string::npos)
      << south_text;
  EXPECT_EQ(AdminRequests(south_region->metrics(), "aws", "Health", 200), 3u);
  EXPECT_EQ(AdminRequests(west_region->metrics(), "aws", "Health", 200), 0u);
}

// Verifies the admin secret comes from the config when it has one, and no
// credentials file is written.
TEST_F(RegionTest, AdminCredentialsFromConfig) {
  auto creds = ResolveAdminCredentials(config_);
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, kAdminKeyId);
  EXPECT_EQ(creds->secret_access_key, kAdminSecret);
  EXPECT_FALSE(fs::exists(root_ / "admin-credentials"));
}

// Verifies that without a configured secret one is generated (40 characters),
// written to <data root>/admin-credentials with mode 0600, and reused next time.
TEST_F(RegionTest, AdminCredentialsGeneratedOnceAndKept) {
  common::Config config = config_;
  config.admin.secret_access_key.clear();
  config.data_root = root_ / "fresh-root";

  auto first = ResolveAdminCredentials(config);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->access_key_id, kAdminKeyId);
  ASSERT_EQ(first->secret_access_key.size(), 40u);
  for (char c : first->secret_access_key) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << first->secret_access_key;
  }

  const fs::path file = config.data_root / "admin-credentials";
  ASSERT_TRUE(fs::is_regular_file(file));
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  std::ifstream in(file);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), std::string(kAdminKeyId) + "\n" + first->secret_access_key + "\n");

  auto second = ResolveAdminCredentials(config);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->secret_access_key, first->secret_access_key);
}

}  // namespace
}  // namespace server
