#include "net/http_client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>

namespace net {
namespace {

using common::ErrorCode;
using common::Result;
using common::Status;
using tcp = asio::ip::tcp;
constexpr auto kUse = asio::as_tuple(asio::use_awaitable);

Status TransportError(const beast::error_code& ec, const std::string& to) {
  if (ec == beast::error::timeout) return {ErrorCode::kTimeout, "timed out talking to " + to};
  if (ec == asio::error::connection_refused) {
    return {ErrorCode::kUnavailable, "connection refused by " + to};
  }
  if (ec == http::error::body_limit) return {ErrorCode::kTooLarge, "response from " + to + " too large"};
  return {ErrorCode::kIoError, fmt::format("{}: {}", to, ec.message())};
}

}  // namespace

HttpClient::HttpClient(asio::any_io_executor executor, ClientOptions options)
    : executor_(std::move(executor)), options_(options) {}

HttpClient::~HttpClient() { CloseIdle(); }

void HttpClient::CloseIdle() {
  std::lock_guard lock(mu_);
  idle_.clear();
}

std::optional<beast::tcp_stream> HttpClient::TakeIdle(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = idle_.find(key);
  if (it == idle_.end() || it->second.empty()) return std::nullopt;
  beast::tcp_stream s = std::move(it->second.back());
  it->second.pop_back();
  return s;
}

void HttpClient::ReturnIdle(const std::string& key, beast::tcp_stream stream) {
  std::lock_guard lock(mu_);
  auto& pool = idle_[key];
  if (pool.size() < options_.max_idle_per_host) pool.push_back(std::move(stream));
}

awaitable<Result<beast::tcp_stream>> HttpClient::Connect(const common::HostPort& to) {
  tcp::resolver resolver(executor_);
  auto [rec, results] =
      co_await resolver.async_resolve(to.host, std::to_string(to.port), kUse);
  if (rec) co_return TransportError(rec, to.ToString());
  beast::tcp_stream stream(executor_);
  stream.expires_after(options_.connect_timeout);
  auto [ec, ep] = co_await stream.async_connect(results, kUse);
  if (ec) co_return TransportError(ec, to.ToString());
  beast::error_code ignored;
  stream.socket().set_option(tcp::no_delay(true), ignored);
  co_return std::move(stream);
}

awaitable<Result<ClientResponse>> HttpClient::Send(const common::HostPort& to,
                                                   ClientRequest request) {
  const std::string key = to.ToString();
  if (request.find(http::field::host) == request.end()) request.set(http::field::host, key);
  request.prepare_payload();
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::optional<beast::tcp_stream> slot = attempt == 0 ? TakeIdle(key) : std::nullopt;
    bool reused = slot.has_value();
    if (!reused) {
      auto connected = co_await Connect(to);
      if (!connected.ok()) co_return connected.status();
      slot.emplace(std::move(connected).value());
    }
    beast::tcp_stream& stream = *slot;
    stream.expires_after(options_.request_timeout);
    auto [wec, wn] = co_await http::async_write(stream, request, kUse);
    if (wec) {
      if (reused) continue;
      co_return TransportError(wec, key);
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(options_.max_response_body);
    if (request.method() == http::verb::head) parser.skip(true);
    stream.expires_after(options_.request_timeout);
    auto [rec, rn] = co_await http::async_read(stream, buffer, parser, kUse);
    if (rec) {
      if (reused && rn == 0 &&
          (rec == http::error::end_of_stream || rec == asio::error::connection_reset)) {
        continue;
      }
      co_return TransportError(rec, key);
    }
    ClientResponse response = parser.release();
    if (response.keep_alive() && request.keep_alive()) {
      stream.expires_never();
      ReturnIdle(key, std::move(stream));
    }
    co_return response;
  }
  co_return Status(ErrorCode::kIoError, "connection to " + key + " closed twice");
}

}  // namespace net
