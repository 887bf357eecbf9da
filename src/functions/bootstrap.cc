#include "functions/bootstrap.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <optional>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "client/transport.h"
#include "net/http_client.h"

extern char** environ;

namespace functions {
namespace {

namespace json = boost::json;
using common::ErrorCode;
using common::Result;
using common::Status;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

// Where each region's services are, from AWS_ENDPOINT_URL and STRATUS_ENDPOINTS.
std::map<std::string, std::string, std::less<>> Endpoints(const std::string& region) {
  std::map<std::string, std::string, std::less<>> out;
  if (std::string own = Env("AWS_ENDPOINT_URL"); !own.empty()) out[region] = own;
  std::string_view list = std::getenv("STRATUS_ENDPOINTS") ? std::getenv("STRATUS_ENDPOINTS") : "";
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    auto eq = item.find('=');
    if (eq != std::string_view::npos) out[std::string(item.substr(0, eq))] = std::string(item.substr(eq + 1));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

class BootstrapContext final : public Context {
 public:
  BootstrapContext(const FunctionSpec& spec, std::string region, std::string request_id, std::string arn,
                   std::chrono::system_clock::time_point deadline, net::HttpClient& http,
                   net::asio::any_io_executor executor, const std::map<std::string, std::string, std::less<>>& endpoints)
      : spec_(spec),
        region_(std::move(region)),
        request_id_(std::move(request_id)),
        arn_(std::move(arn)),
        deadline_(deadline),
        http_(http),
        executor_(std::move(executor)),
        endpoints_(endpoints) {}

  const std::string& request_id() const override { return request_id_; }
  const FunctionSpec& function() const override { return spec_; }
  const std::string& region() const override { return region_; }
  std::string function_arn() const override { return arn_; }
  std::chrono::milliseconds remaining_time() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - std::chrono::system_clock::now());
  }
  std::string_view env(std::string_view name) const override {
    auto it = spec_.environment.find(std::string(name));
    return it == spec_.environment.end() ? std::string_view() : std::string_view(it->second);
  }
  void Log(std::string_view line) override {
    auto now = std::chrono::system_clock::now();
    std::string text = fmt::format("{:%Y-%m-%dT%H:%M:%S}Z\t{}\t{}\n",
                                   std::chrono::floor<std::chrono::milliseconds>(now), request_id_, line);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }
  Result<client::AwsClient*> Aws(std::string_view region) override {
    std::string r = region.empty() ? region_ : std::string(region);
    if (auto it = clients_.find(r); it != clients_.end()) return it->second.get();
    client::ClientEndpoint endpoint;
    endpoint.region = r;
    endpoint.credentials =
        auth::Credentials{Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"), Env("AWS_SESSION_TOKEN")};
    if (auto url = endpoints_.find(r); url != endpoints_.end()) {
      auto parsed = client::ParseEndpointUrl(url->second);
      if (!parsed.ok()) {
        return Status(ErrorCode::kInvalidArgument, fmt::format("endpoint of region {}: {}", r, parsed.status().message()));
      }
      endpoint.transport = std::make_shared<client::HttpTransport>(http_, parsed->address, parsed->tls);
      endpoint.scheme = parsed->tls ? "https" : "http";
    } else {
      // AWS itself: each service at its own https endpoint.
      endpoint.scheme = "https";
      endpoint.per_service = [&http = http_, r](std::string_view service) -> std::shared_ptr<client::Transport> {
        client::EndpointUrl at = client::AwsEndpoint(service, r);
        return std::make_shared<client::HttpTransport>(http, at.address, true);
      };
    }
    auto aws = std::make_unique<client::AwsClient>(executor_, std::move(endpoint));
    aws->set_deadline(std::chrono::steady_clock::now() + remaining_time());
    return clients_.emplace(r, std::move(aws)).first->second.get();
  }

 private:
  const FunctionSpec& spec_;
  std::string region_, request_id_, arn_;
  std::chrono::system_clock::time_point deadline_;
  net::HttpClient& http_;
  net::asio::any_io_executor executor_;
  const std::map<std::string, std::string, std::less<>>& endpoints_;
  std::map<std::string, std::unique_ptr<client::AwsClient>> clients_;
};

}  // namespace

int RunBootstrap(const std::map<std::string, Handler, std::less<>>& handlers) {
  std::string api = Env("AWS_LAMBDA_RUNTIME_API"), handler_name = Env("_HANDLER"), region = Env("AWS_REGION");
  auto runtime = common::HostPort::Parse(api);
  if (!runtime.ok() || handler_name.empty() || region.empty()) {
    std::fprintf(stderr, "stratus lambda-bootstrap: AWS_LAMBDA_RUNTIME_API (host:port), _HANDLER and AWS_REGION "
                         "are required\n");
    return 2;
  }
  auto handler = handlers.find(handler_name);
  if (handler == handlers.end()) {
    std::fprintf(stderr, "stratus lambda-bootstrap: no built-in handler %s\n", handler_name.c_str());
    return 2;
  }
  FunctionSpec spec;
  spec.name = Env("AWS_LAMBDA_FUNCTION_NAME").empty() ? handler_name : Env("AWS_LAMBDA_FUNCTION_NAME");
  spec.handler = handler_name;
  if (std::string m = Env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"); !m.empty()) spec.memory_mb = std::atoi(m.c_str());
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos) spec.environment[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  const auto endpoints = Endpoints(region);

  boost::asio::io_context ioc;
  auto work = boost::asio::make_work_guard(ioc);
  std::thread io([&] { ioc.run(); });
  net::ClientOptions options;
  options.request_timeout = std::chrono::minutes(15);  // /next waits for an event
  options.ca_file = Env("AWS_CA_BUNDLE");
  net::HttpClient http(ioc.get_executor(), options);
  auto send = [&](net::ClientRequest req) {
    return boost::asio::co_spawn(
               ioc,
               [&http, to = *runtime, req = std::move(req)]() mutable
               -> net::awaitable<std::optional<Result<net::ClientResponse>>> {
                 co_return co_await http.Send(to, std::move(req));
               },
               boost::asio::use_future)
        .get()
        .value();
  };
  int code = 0;
  auto failing_since = std::optional<std::chrono::steady_clock::time_point>();
  while (true) {
    auto next = send(net::ClientRequest{net::http::verb::get, "/2018-06-01/runtime/invocation/next", 11});
    if (!next.ok()) {
      auto now = std::chrono::steady_clock::now();
      if (!failing_since) failing_since = now;
      if (now - *failing_since > std::chrono::seconds(10)) {
        std::fprintf(stderr, "stratus lambda-bootstrap: the Runtime API at %s is unreachable: %s\n", api.c_str(),
                     next.status().message().c_str());
        code = 1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    failing_since.reset();
    if (next->result_int() == 503) break;  // the runtime is stopping
    if (next->result_int() != 200) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    auto header = [&](std::string_view name) {
      auto it = next->find(name);
      return it == next->end() ? std::string() : std::string(it->value());
    };
    std::string id = header("Lambda-Runtime-Aws-Request-Id");
    int64_t deadline_ms = std::atoll(header("Lambda-Runtime-Deadline-Ms").c_str());
    auto deadline = std::chrono::system_clock::time_point(std::chrono::milliseconds(deadline_ms));
    BootstrapContext ctx(spec, region, id, header("Lambda-Runtime-Invoked-Function-Arn"), deadline, http,
                         ioc.get_executor(), endpoints);
    boost::system::error_code ec;
    json::value event = json::parse(next->body(), ec);
    Result<json::value> result = ec ? Result<json::value>(Status(ErrorCode::kInvalidArgument, "the event is not JSON"))
                                    : handler->second(ctx, event);
    net::ClientRequest answer{net::http::verb::post,
                              fmt::format("/2018-06-01/runtime/invocation/{}/{}", id, result.ok() ? "response" : "error"),
                              11};
    answer.set(net::http::field::content_type, "application/json");
    if (result.ok()) {
      answer.body() = json::serialize(*result);
    } else {
      std::string type(common::ErrorCodeName(result.status().code()));
      answer.set("Lambda-Runtime-Function-Error-Type", type);
      answer.body() = json::serialize(json::object{{"errorMessage", result.status().message()}, {"errorType", type}});
    }
    auto posted = send(std::move(answer));
    if (!posted.ok()) {
      std::fprintf(stderr, "stratus lambda-bootstrap: answering %s: %s\n", id.c_str(), posted.status().message().c_str());
    }
  }
  http.CloseIdle();
  work.reset();
  ioc.stop();
  io.join();
  return code;
}

}  // namespace functions
