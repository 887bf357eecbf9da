#include "server/stack.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include "common/ids.h"
#include "common/log.h"
#include "net/tls.h"
#include "server/provisioner.h"

namespace server {
namespace {

using common::ErrorCode;
using common::Result;
using common::Status;

constexpr std::string_view kSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

Status WriteFileDurably(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status(ErrorCode::kIoError, fmt::format("cannot write {}", tmp.string()));
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status(ErrorCode::kIoError, fmt::format("cannot write {}", path.string()));
  }
  int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::Ok();
}

}  // namespace

Result<auth::Credentials> ResolveAdminCredentials(const common::Config& config) {
  auth::Credentials creds{config.admin.access_key_id, config.admin.secret_access_key, ""};
  if (!creds.secret_access_key.empty()) return creds;
  // Format: "<access key id>\n<secret>\n"
  const auto path = config.data_root / "admin-credentials";
  std::error_code ec;
  std::filesystem::create_directories(config.data_root, ec);
  if (ec) {
    return Status(ErrorCode::kIoError, fmt::format("cannot create data directory {}: {}",
                                                   config.data_root.string(), ec.message()));
  }
  std::ifstream in(path);
  std::string id, secret;
  if (in && std::getline(in, id) && std::getline(in, secret) && id == creds.access_key_id &&
      secret.size() >= 16) {
    creds.secret_access_key = secret;
    return creds;
  }
  creds.secret_access_key = common::RandomString(40, kSecretAlphabet);
  STRATUS_RETURN_IF_ERROR(
      WriteFileDurably(path, creds.access_key_id + "\n" + creds.secret_access_key + "\n"));
  return creds;
}

Result<std::vector<std::string>> ResolveApiKeys(const common::Config& config) {
  if (!config.app.api_keys.empty()) return config.app.api_keys;
  const auto path = config.data_root / "api-key";
  std::ifstream in(path);
  std::string key;
  if (in && std::getline(in, key) && key.size() >= 20) return std::vector<std::string>{key};
  std::error_code ec;
  std::filesystem::create_directories(config.data_root, ec);
  if (ec) {
    return Status(ErrorCode::kIoError, fmt::format("cannot create data directory {}: {}",
                                                   config.data_root.string(), ec.message()));
  }
  key = common::RandomString(40, kSecretAlphabet);
  STRATUS_RETURN_IF_ERROR(WriteFileDurably(path, key + "\n"));
  return std::vector<std::string>{key};
}

Stack::Stack(common::Config config)
    : config_(std::move(config)),
      ioc_(config_.threads != 0 ? static_cast<int>(config_.threads)
                                : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))) {}

Stack::~Stack() = default;

namespace {

void MaskStopSignals(int how) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(how, &set, nullptr);
}

}  // namespace

void Stack::BlockStopSignals() { MaskStopSignals(SIG_BLOCK); }

Result<std::unique_ptr<Stack>> Stack::Open(common::Config config) {
  BlockStopSignals();
  std::unique_ptr<Stack> stack(new Stack(std::move(config)));
  auto admin = ResolveAdminCredentials(stack->config_);
  if (!admin.ok()) return admin.status();
  stack->admin_ = *admin;
  auto keys = ResolveApiKeys(stack->config_);
  if (!keys.ok()) return keys.status();
  stack->config_.app.api_keys = std::move(keys).value();
  stack->instance_ = DescribeInstance(stack->config_.app.imds_endpoint, stack->config_.data_root);
  stack->credentials_.Add(stack->admin_,
                          fmt::format("arn:aws:iam::{}:root", auth::kAccountId));
  std::shared_ptr<boost::asio::ssl::context> tls;
  if (stack->config_.tls) {
    auto ctx = net::MakeServerTlsContext(*stack->config_.tls);
    if (!ctx.ok()) return ctx.status();
    tls = std::move(ctx).value();
  }
  // Regions open in parallel: each is independent, and start-up time counts.
  std::vector<std::future<Result<std::unique_ptr<Region>>>> opening;
  for (const auto& rc : stack->config_.regions) {
    opening.push_back(std::async(std::launch::async, [&stack, &rc, tls] {
      return Region::Open(stack->config_, rc, stack->ioc_, stack->credentials_, tls, &stack->instance_);
    }));
  }
  Status first_error;
  for (auto& f : opening) {
    auto region = f.get();
    if (!region.ok()) {
      if (first_error.ok()) first_error = region.status();
      continue;
    }
    stack->regions_.push_back(std::move(region).value());
  }
  if (!first_error.ok()) return first_error;
  // Replication reaches the regions of this process at their bound addresses.
  std::vector<replication::Resolver::LocalRegion> locals;
  for (const auto& region : stack->regions_) {
    const Region* r = region.get();
    locals.push_back({r->config().name, r->aws_address(),
                      [r](std::string_view bucket) { return r->HasBucket(bucket); },
                      stack->config_.tls.has_value()});
  }
  auto resolver = std::make_shared<const replication::Resolver>(stack->config_.replication.endpoints,
                                                                std::move(locals), stack->admin_);
  for (auto& region : stack->regions_) region->SetReplicationResolver(resolver);
  // Functions reach the other regions of this process, and the endpoints
  // declared for replication (those without a bucket list stand for a whole
  // region, and win, as in replication), over HTTP with SigV4.
  std::map<std::string, client::Endpoint, std::less<>> peers;
  for (const auto& region : stack->regions_) {
    peers[region->config().name] = client::Endpoint{region->aws_address(), region->config().name, stack->admin_,
                                                    stack->config_.tls.has_value()};
  }
  for (const auto& e : stack->config_.replication.endpoints) {
    if (!e.buckets.empty()) continue;
    auth::Credentials c = e.access_key_id.empty() ? stack->admin_
                                                  : auth::Credentials{e.access_key_id, e.secret_access_key, ""};
    peers[e.region] = client::Endpoint{e.endpoint, e.region, c, e.tls};
  }
  for (auto& region : stack->regions_) region->SetPeers(peers, stack->admin_);
  return stack;
}

int Stack::Run(const std::function<void(const Stack&)>& on_ready) {
  auto log = common::log::Get("server");
  boost::asio::signal_set signals(ioc_, SIGINT, SIGTERM);
  boost::asio::signal_set interrupts(ioc_);
  const auto grace = std::chrono::seconds(config_.limits.shutdown_grace_seconds);
  signals.async_wait([this, &signals, &interrupts, log, grace](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    log->info("signal={} state=stopping grace_seconds={}", sig, grace.count());
    // A second Ctrl-C does not wait for the grace period. (Repeated SIGTERMs,
    // as `timeout` and process-group kills send, are not a request to hurry.)
    signals.remove(SIGINT);
    interrupts.add(SIGINT);
    interrupts.async_wait([log](const boost::system::error_code& ec2, int) {
      if (ec2) return;
      log->warn("second interrupt: exiting without draining");
      std::_Exit(130);
    });
    stopping_ = true;
    auto remaining = std::make_shared<std::atomic<size_t>>(regions_.size());
    for (auto& region : regions_) {
      boost::asio::co_spawn(
          ioc_,
          [this, &signals, &interrupts, r = region.get(), remaining,
           grace]() -> net::awaitable<void> {
            // Provisioning calls the regions in process: it stops first (it
            // checks stopping_ between its calls, each a few milliseconds).
            boost::asio::steady_timer wait(co_await boost::asio::this_coro::executor);
            while (provisioning_.load()) {
              wait.expires_after(std::chrono::milliseconds(5));
              co_await wait.async_wait(boost::asio::use_awaitable);
            }
            co_await r->Shutdown(grace);
            if (remaining->fetch_sub(1) == 1) {
              signals.cancel();
              interrupts.cancel();
              ioc_.stop();
            }
          },
          boost::asio::detached);
    }
  });
  // Handled from here on (a signal that came during Open is delivered now).
  MaskStopSignals(SIG_UNBLOCK);
  for (auto& region : regions_) {
    if (auto st = region->Start(); !st.ok()) {
      log->error("{}", st.message());
      return 1;
    }
  }

  size_t n = config_.threads != 0 ? config_.threads
                                  : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (size_t i = 1; i < n; ++i) threads.emplace_back([this] { ioc_.run(); });
  // The declared resources are provisioned through the regions' own APIs, in
  // process, so the regions are running; they report ready once it is done.
  std::atomic<bool> failed{false};
  provisioning_ = true;
  std::thread provisioning([this, &on_ready, &failed, log] {
    struct Done {
      std::atomic<bool>& flag;
      ~Done() { flag = false; }
    } done{provisioning_};
    std::vector<client::AwsClient> clients;
    clients.reserve(regions_.size());
    std::vector<ProvisionedRegion> targets;
    for (auto& region : regions_) {
      clients.push_back(region->AdminClient());
      Region* r = region.get();
      targets.push_back({&r->config(), &clients.back(), [r](std::string_view topic, std::string_view address) {
                           return r->ConfirmEmailSubscription(topic, address);
                         }});
    }
    if (auto st = Provision(targets, [this] { return stopping_.load(); }); !st.ok()) {
      if (stopping_) return;
      log->error("provisioning failed: {}", st.message());
      failed = true;
      std::raise(SIGTERM);
      return;
    }
    for (auto& region : regions_) {
      if (auto st = region->Activate(); !st.ok()) {
        log->error("{}", st.message());
        failed = true;
        std::raise(SIGTERM);
        return;
      }
    }
    if (on_ready) on_ready(*this);
  });
  ioc_.run();
  provisioning.join();
  for (auto& t : threads) t.join();
  log->info("state=stopped");
  spdlog::shutdown();
  return failed ? 1 : 0;
}

}  // namespace server
