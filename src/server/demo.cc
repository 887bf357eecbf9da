#include "server/demo.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "auth/credentials.h"
#include "client/aws_client.h"
#include "client/transport.h"
#include "net/http_client.h"

namespace server {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

constexpr auto kHopTimeout = std::chrono::seconds(60);

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// The stack's HTTP plumbing: one I/O thread for blocking calls.
class Demo {
 public:
  explicit Demo(const common::Config& config)
      : config_(config), work_(ioc_.get_executor()), http_(ioc_.get_executor()) {
    io_ = std::thread([this] { ioc_.run(); });
  }
  ~Demo() {
    http_.CloseIdle();
    work_.reset();
    ioc_.stop();
    io_.join();
  }

  int Run();

 private:
  // A raw HTTP exchange (the application API, the presigned PUT).
  common::Result<net::ClientResponse> Send(const common::HostPort& to, net::ClientRequest req) {
    return boost::asio::co_spawn(
               ioc_,
               [this, to, req = std::move(req)]() mutable
               -> net::awaitable<std::optional<common::Result<net::ClientResponse>>> {
                 co_return co_await http_.Send(to, std::move(req));
               },
               boost::asio::use_future)
        .get()
        .value();
  }

  client::AwsClient Aws(const common::RegionConfig& rc) {
    return client::AwsClient(ioc_.get_executor(),
                             client::ClientEndpoint{std::make_shared<client::HttpTransport>(http_, rc.endpoint),
                                                    rc.name, admin_});
  }

  // Prints a hop: the time since the pipeline started, then what happened.
  void Hop(std::string_view what) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_).count();
    std::printf("%s", fmt::format("  {:>9}  {}\n", ms < 10000 ? fmt::format("{} ms", ms)
                                                               : fmt::format("{:.1f} s", ms / 1000.0),
                                  what)
                          .c_str());
    std::fflush(stdout);
  }

  // Polls `probe` until it gives a value; prints the failure and returns "" at the timeout.
  std::string Wait(std::string_view what, const std::function<std::string()>& probe) {
    auto deadline = Clock::now() + kHopTimeout;
    while (Clock::now() < deadline) {
      std::string got = probe();
      if (!got.empty()) return got;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    std::printf("%s", fmt::format("  ✗ no {} within {} s\n", what, kHopTimeout.count()).c_str());
    return "";
  }

  // The newest mail in `region`'s mail folder that mentions `needle` (its file name).
  std::string MailWith(const common::RegionConfig& rc, std::string_view needle) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(rc.data_dir / "mail", ec)) {
      std::string name = entry.path().filename().string();
      if (name.starts_with(".") || !name.ends_with(".eml")) continue;  // still being written
      if (ReadAll(entry.path()).find(needle) != std::string::npos) return entry.path().string();
    }
    return "";
  }

  int Seed000();
  int Seed001();

  const common::Config& config_;
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  net::HttpClient http_;
  std::thread io_;
  auth::Credentials admin_;
  std::string api_key_;
  const common::RegionConfig* primary_ = nullptr;
  const common::RegionConfig* replica_ = nullptr;
  Clock::time_point start_;
  std::string tag_;
};

int Demo::Seed000() {
  std::printf("\nSeed 000: upload through a presigned URL → replica → metadata item → alert\n");
  start_ = Clock::now();
  const std::string key = fmt::format("demo/{}-hello.txt", tag_);
  const std::string body = fmt::format("Hello from stratus demo {}\n", tag_);
  net::ClientRequest presign{net::http::verb::post, "/presign", 11};
  presign.set("x-api-key", api_key_);
  presign.set(net::http::field::content_type, "application/json");
  presign.body() = json::serialize(json::object{{"key", key}, {"content_type", "text/plain"}});
  auto presigned = Send(primary_->app_endpoint, std::move(presign));
  if (!presigned.ok() || presigned->result_int() != 200) {
    std::printf("  ✗ POST /presign: %s\n",
                presigned.ok() ? presigned->body().c_str() : presigned.status().message().c_str());
    return 1;
  }
  json::value answer = json::parse(presigned->body());
  std::string url(answer.at("url").as_string());
  Hop(fmt::format("POST /presign → a PUT URL for s3://main/{} (expires in {} s)", key,
                  answer.at("expires_in").as_int64()));

  // The URL as a browser or curl uses it: no credentials, the signed content type.
  std::string_view rest = std::string_view(url).substr(url.find("://") + 3);
  auto slash = rest.find('/');
  auto to = common::HostPort::Parse(rest.substr(0, slash));
  net::ClientRequest put{net::http::verb::put, std::string(rest.substr(slash)), 11};
  put.set(net::http::field::content_type, "text/plain");
  put.body() = body;
  auto uploaded = to.ok() ? Send(*to, std::move(put)) : common::Result<net::ClientResponse>(to.status());
  if (!uploaded.ok() || uploaded->result_int() != 200) {
    std::printf("  ✗ PUT with the URL: %s\n", uploaded.ok() ? uploaded->body().c_str() : uploaded.status().message().c_str());
    return 1;
  }
  Hop(fmt::format("PUT with the URL → 200, version {}", std::string((*uploaded)["x-amz-version-id"])));

  client::AwsClient primary = Aws(*primary_);
  std::string status = Wait("replication", [&]() -> std::string {
    auto head = primary.S3({net::http::verb::head, "main", key, "", {}, ""});
    if (!head.ok() || head->result_int() != 200) return "";
    std::string s((*head)["x-amz-replication-status"]);
    return s == "COMPLETED" || s == "FAILED" ? s : "";
  });
  if (status != "COMPLETED") return 1;
  Hop(fmt::format("replication COMPLETED → s3://main-replica/{} in {}", key, replica_->name));

  std::string item = Wait("metadata item", [&]() -> std::string {
    net::ClientRequest get{net::http::verb::get, "/files/" + key, 11};
    get.set("x-api-key", api_key_);
    auto res = Send(primary_->app_endpoint, std::move(get));
    return res.ok() && res->result_int() == 200 ? res->body() : "";
  });
  if (item.empty()) return 1;
  json::value record = json::parse(item);
  Hop(fmt::format("metadata item (GET /files/{}): {} bytes, {}", key, record.at("size").as_int64(),
                  std::string(record.at("checksum").as_string())));

  std::string mail = Wait("alert email", [&] { return MailWith(*replica_, key); });
  if (mail.empty()) return 1;
  Hop(fmt::format("alert email → {}", mail));
  return 0;
}

int Demo::Seed001() {
  std::printf("\nSeed 001: a category upload validated; a poison pill → DLQ → redrive → failure email\n");
  start_ = Clock::now();
  client::AwsClient aws = Aws(*primary_);
  const std::string key = fmt::format("demo/{}-contract.pdf", tag_);
  auto put = aws.S3({net::http::verb::put, "documents", key, "", {{"content-type", "application/pdf"}},
                     std::string("%PDF-1.7 demo ") + tag_});
  if (!put.ok() || put->result_int() != 200) {
    std::printf("  ✗ PUT s3://documents/%s: %s\n", key.c_str(),
                put.ok() ? put->body().c_str() : put.status().message().c_str());
    return 1;
  }
  Hop(fmt::format("PUT s3://documents/{} → version {}", key, std::string((*put)["x-amz-version-id"])));
  const fs::path log = primary_->data_dir / "functions" / "checksum-validator.log";
  std::string line = Wait("validation", [&]() -> std::string {
    std::string text = ReadAll(log);
    auto at = text.find("SUCCESS: Checksum validation passed for s3://documents/" + key);
    return at == std::string::npos ? "" : FirstLine(text.substr(at));
  });
  if (line.empty()) return 1;
  Hop(fmt::format("checksum-validator: {}", line));

  auto url = aws.Json(client::kSqs, "GetQueueUrl", {{"QueueName", "validation-queue"}});
  auto dlq = aws.Json(client::kSqs, "GetQueueUrl", {{"QueueName", "validation-dlq"}});
  if (!url.ok() || !dlq.ok()) {
    std::printf("  ✗ the default stack's validation-queue and validation-dlq are missing\n");
    return 1;
  }
  std::string dlq_url(dlq->at("QueueUrl").as_string());
  auto waiting = [&]() -> int64_t {
    auto attrs = aws.Json(client::kSqs, "GetQueueAttributes",
                          {{"QueueUrl", dlq_url}, {"AttributeNames", json::array{"ApproximateNumberOfMessages"}}});
    if (!attrs.ok()) return -1;
    return std::atoll(std::string(attrs->at("Attributes").at("ApproximateNumberOfMessages").as_string()).c_str());
  };
  int64_t before = waiting();
  std::string pill = fmt::format("poison pill {} — not an event", tag_);
  auto sent = aws.Json(client::kSqs, "SendMessage", {{"QueueUrl", url->at("QueueUrl")}, {"MessageBody", pill}});
  if (!sent.ok()) {
    std::printf("  ✗ SendMessage: %s\n", sent.status().message().c_str());
    return 1;
  }
  Hop("poison pill sent to validation-queue");
  if (Wait("poison pill in validation-dlq", [&] { return waiting() > before ? std::string("yes") : ""; }).empty()) {
    return 1;
  }
  Hop("poison pill in validation-dlq (failed maxReceiveCount times)");
  std::string arn_prefix = fmt::format("arn:aws:sqs:{}:{}:", primary_->name, auth::kAccountId);
  auto task = aws.Json(client::kSqs, "StartMessageMoveTask",
                       {{"SourceArn", arn_prefix + "validation-dlq"}, {"DestinationArn", arn_prefix + "failure-queue"}});
  if (!task.ok()) {
    std::printf("  ✗ StartMessageMoveTask: %s\n", task.status().message().c_str());
    return 1;
  }
  Hop("redrive started: validation-dlq → failure-queue (StartMessageMoveTask)");
  std::string mail = Wait("failure email", [&] { return MailWith(*primary_, tag_ + " — not an event"); });
  if (mail.empty()) return 1;
  Hop(fmt::format("failure email → {}", mail));
  return 0;
}

int Demo::Run() {
  for (const auto& rc : config_.regions) {
    for (const auto& b : rc.buckets) {
      if (b.name == "main") primary_ = &rc;
      if (b.name == "main-replica") replica_ = &rc;
    }
  }
  if (primary_ == nullptr || replica_ == nullptr) {
    std::fprintf(stderr, "stratus demo: the config has no default stack (buckets main and main-replica)\n");
    return 2;
  }
  // The credentials and API key `stratus serve` uses.
  admin_ = auth::Credentials{config_.admin.access_key_id, config_.admin.secret_access_key, ""};
  if (admin_.secret_access_key.empty()) {
    std::ifstream in(config_.data_root / "admin-credentials");
    std::string id;
    std::getline(in, id);
    std::getline(in, admin_.secret_access_key);
  }
  api_key_ = config_.app.api_keys.empty() ? FirstLine(ReadAll(config_.data_root / "api-key"))
                                          : config_.app.api_keys.front();
  if (admin_.secret_access_key.empty() || api_key_.empty()) {
    std::fprintf(stderr, "stratus demo: no credentials under %s — is `stratus serve` running with this data root?\n",
                 config_.data_root.string().c_str());
    return 2;
  }
  net::ClientRequest ready{net::http::verb::get, "/_stratus/ready", 11};
  auto up = Send(primary_->endpoint, std::move(ready));
  if (!up.ok() || up->result_int() != 200) {
    std::fprintf(stderr, "stratus demo: %s is not ready — start the stack with `stratus serve` first\n",
                 primary_->endpoint.ToString().c_str());
    return 2;
  }
  tag_ = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
  std::printf("%s", fmt::format("stratus demo — {} (primary, {}) and {} (replica, {})\n", primary_->name,
                                primary_->endpoint.ToString(), replica_->name, replica_->endpoint.ToString())
                        .c_str());
  auto total = Clock::now();
  int code = Seed000();
  if (code == 0) code = Seed001();
  std::printf("%s", fmt::format("\n{} in {:.1f} s\n", code == 0 ? "Every hop happened" : "Stopped",
                                std::chrono::duration<double>(Clock::now() - total).count())
                        .c_str());
  return code;
}

}  // namespace

int RunDemo(const common::Config& config) { return Demo(config).Run(); }

}  // namespace server
