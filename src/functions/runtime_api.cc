#include "functions/runtime_api.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "common/log.h"

namespace functions {
namespace {

namespace json = boost::json;
using common::ErrorCode;
using common::Status;
using net::http::status;

constexpr std::string_view kPrefix = "/2018-06-01/runtime/";
constexpr uint64_t kMaxPayload = 6 << 20;  // Lambda's synchronous payload limit

net::Response JsonResponse(status code, const json::object& body) {
  net::Response res;
  res.msg.result(code);
  res.msg.set(net::http::field::content_type, "application/json");
  res.msg.body() = json::serialize(body);
  res.msg.prepare_payload();
  return res;
}

net::Response Accepted() { return JsonResponse(status::accepted, {{"status", "OK"}}); }

net::Response RuntimeError(status code, std::string_view type, std::string_view message) {
  return JsonResponse(code, {{"errorType", type}, {"errorMessage", message}});
}

}  // namespace

common::Result<json::value> RuntimeApi::Invoke(const std::string& request_id, const json::value& event,
                                               std::chrono::system_clock::time_point deadline) {
  auto p = std::make_shared<Pending>();
  p->request_id = request_id;
  p->event = json::serialize(event);
  p->deadline_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline.time_since_epoch()).count();
  std::unique_lock lock(mu_);
  if (stopped_) return Status(ErrorCode::kUnavailable, "the function's runtime is stopping");
  queue_.push_back(p);
  answered_.wait_until(lock, deadline, [&] { return p->done || stopped_; });
  if (!p->done) {
    // Never fetched, or fetched and not answered in time: either way gone.
    std::erase(queue_, p);
    in_flight_.erase(request_id);
    if (stopped_) return Status(ErrorCode::kUnavailable, "the function's runtime is stopping");
    return Status(ErrorCode::kTimeout, "Task timed out");
  }
  if (p->failed) {
    boost::system::error_code ec;
    json::value err = json::parse(p->answer, ec);
    std::string type = "Unhandled", message = p->answer;
    if (!ec && err.is_object()) {
      if (auto* t = err.as_object().if_contains("errorType"); t != nullptr && t->is_string()) type = t->as_string();
      if (auto* m = err.as_object().if_contains("errorMessage"); m != nullptr && m->is_string()) message = m->as_string();
    }
    return Status(ErrorCode::kInternal, fmt::format("{}: {}", type, message));
  }
  boost::system::error_code ec;
  json::value result = json::parse(p->answer, ec);
  if (ec) return json::value(p->answer);
  return result;
}

void RuntimeApi::Stop() {
  std::lock_guard lock(mu_);
  stopped_ = true;
  answered_.notify_all();
}

std::optional<net::Response> RuntimeApi::Next() {
  std::lock_guard lock(mu_);
  if (stopped_) return RuntimeError(status::service_unavailable, "ServiceUnavailable", "stopping");
  if (queue_.empty()) return std::nullopt;
  auto p = queue_.front();
  queue_.pop_front();
  p->fetched = true;
  in_flight_[p->request_id] = p;
  net::Response res;
  res.msg.result(status::ok);
  res.msg.set(net::http::field::content_type, "application/json");
  res.msg.set("Lambda-Runtime-Aws-Request-Id", p->request_id);
  res.msg.set("Lambda-Runtime-Deadline-Ms", std::to_string(p->deadline_ms));
  res.msg.set("Lambda-Runtime-Invoked-Function-Arn", function_arn_);
  res.msg.set("Lambda-Runtime-Trace-Id", fmt::format("Root=1-{}", p->request_id));
  res.msg.body() = p->event;
  res.msg.prepare_payload();
  return res;
}

net::Response RuntimeApi::Answer(std::string_view id, bool error, std::string body) {
  std::lock_guard lock(mu_);
  auto it = in_flight_.find(std::string(id));
  if (it == in_flight_.end()) {
    return RuntimeError(status::bad_request, "InvalidRequestID", fmt::format("Invalid request ID: {}", id));
  }
  it->second->done = true;
  it->second->failed = error;
  it->second->answer = std::move(body);
  in_flight_.erase(it);
  answered_.notify_all();
  return Accepted();
}

net::awaitable<net::Response> RuntimeApi::Handle(net::Exchange& exchange) {
  const auto& h = exchange.header();
  std::string_view target = h.target();
  std::string_view path = target.substr(0, target.find('?'));
  if (!path.starts_with(kPrefix)) co_return RuntimeError(status::not_found, "NotFound", "Not Found");
  path.remove_prefix(kPrefix.size());
  if (h.method() == net::http::verb::get && path == "invocation/next") {
    boost::asio::steady_timer wait(co_await boost::asio::this_coro::executor);
    while (true) {
      if (auto res = Next()) co_return std::move(*res);
      wait.expires_after(std::chrono::milliseconds(5));
      co_await wait.async_wait(boost::asio::use_awaitable);
    }
  }
  if (h.method() != net::http::verb::post) co_return RuntimeError(status::not_found, "NotFound", "Not Found");
  auto body = co_await exchange.ReadBody(kMaxPayload);
  if (!body.ok()) {
    co_return RuntimeError(status::payload_too_large, "RequestEntityTooLarge", body.status().message());
  }
  if (path == "init/error") {
    common::log::Get("functions")->error("{}: runtime init error: {}", function_arn_, *body);
    co_return Accepted();
  }
  if (path.starts_with("invocation/")) {
    path.remove_prefix(std::string_view("invocation/").size());
    auto slash = path.find('/');
    std::string_view id = path.substr(0, slash);
    std::string_view what = slash == std::string_view::npos ? "" : path.substr(slash + 1);
    if (what == "response") co_return Answer(id, false, std::move(*body));
    if (what == "error") co_return Answer(id, true, std::move(*body));
  }
  co_return RuntimeError(status::not_found, "NotFound", "Not Found");
}

net::Response RuntimeApi::ConnectionError(net::http::status code, std::string_view reason) {
  return RuntimeError(code, "RequestError", reason);
}

}  // namespace functions
