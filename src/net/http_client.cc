#include "net/http_client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>

#include <type_traits>

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
  tls_idle_.clear();
}

template <typename Stream>
std::optional<Stream> HttpClient::TakeIdle(std::map<std::string, std::vector<Stream>>& pool, const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = pool.find(key);
  if (it == pool.end() || it->second.empty()) return std::nullopt;
  Stream s = std::move(it->second.back());
  it->second.pop_back();
  return s;
}

template <typename Stream>
void HttpClient::ReturnIdle(std::map<std::string, std::vector<Stream>>& pool, const std::string& key, Stream stream) {
  std::lock_guard lock(mu_);
  auto& streams = pool[key];
  if (streams.size() < options_.max_idle_per_host) streams.push_back(std::move(stream));
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

Result<std::shared_ptr<asio::ssl::context>> HttpClient::TlsContext() {
  std::lock_guard lock(mu_);
  if (tls_context_) return tls_context_;
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  beast::error_code ec;
  ctx->set_default_verify_paths(ec);
  if (!ec && !options_.ca_file.empty()) {
    ctx->load_verify_file(options_.ca_file, ec);
    // A certificate given here is trusted as it is, even if it is not a root
    // (e.g. the server's own chain).
    X509_STORE_set_flags(SSL_CTX_get_cert_store(ctx->native_handle()), X509_V_FLAG_PARTIAL_CHAIN);
  }
  if (ec) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("cannot load the trusted CAs{}: {}",
                              options_.ca_file.empty() ? "" : " from " + options_.ca_file, ec.message()));
  }
  ctx->set_verify_mode(asio::ssl::verify_peer);
  tls_context_ = std::move(ctx);
  return tls_context_;
}

awaitable<Result<HttpClient::TlsStream>> HttpClient::ConnectTls(const common::HostPort& to) {
  auto ctx = TlsContext();
  if (!ctx.ok()) co_return ctx.status();
  auto tcp_stream = co_await Connect(to);
  if (!tcp_stream.ok()) co_return tcp_stream.status();
  TlsStream stream(std::move(tcp_stream).value(), **ctx);
  beast::error_code not_ip;
  asio::ip::make_address(to.host, not_ip);
  if (not_ip && !SSL_set_tlsext_host_name(stream.native_handle(), to.host.c_str())) {
    co_return Status(ErrorCode::kIoError, "cannot set the TLS server name " + to.host);
  }
  stream.set_verify_callback(asio::ssl::host_name_verification(to.host));
  beast::get_lowest_layer(stream).expires_after(options_.connect_timeout);
  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kUse);
  if (ec) {
    co_return Status(ErrorCode::kUnavailable, fmt::format("TLS handshake with {} failed: {}", to.ToString(),
                                                          ec.message()));
  }
  co_return std::move(stream);
}

awaitable<Result<ClientResponse>> HttpClient::Send(const common::HostPort& to, ClientRequest request, bool tls) {
  if (tls) co_return co_await SendOn(tls_idle_, to, std::move(request));
  co_return co_await SendOn(idle_, to, std::move(request));
}

template <typename Stream>
awaitable<Result<ClientResponse>> HttpClient::SendOn(std::map<std::string, std::vector<Stream>>& pool,
                                                     const common::HostPort& to, ClientRequest request) {
  const std::string key = to.ToString();
  if (request.find(http::field::host) == request.end()) request.set(http::field::host, key);
  request.prepare_payload();
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::optional<Stream> slot = attempt == 0 ? TakeIdle(pool, key) : std::nullopt;
    bool reused = slot.has_value();
    if (!reused) {
      if constexpr (std::is_same_v<Stream, TlsStream>) {
        auto connected = co_await ConnectTls(to);
        if (!connected.ok()) co_return connected.status();
        slot.emplace(std::move(connected).value());
      } else {
        auto connected = co_await Connect(to);
        if (!connected.ok()) co_return connected.status();
        slot.emplace(std::move(connected).value());
      }
    }
    Stream& stream = *slot;
    beast::get_lowest_layer(stream).expires_after(options_.request_timeout);
    auto [wec, wn] = co_await http::async_write(stream, request, kUse);
    if (wec) {
      if (reused) continue;
      co_return TransportError(wec, key);
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(options_.max_response_body);
    if (request.method() == http::verb::head) parser.skip(true);
    beast::get_lowest_layer(stream).expires_after(options_.request_timeout);
    auto [rec, rn] = co_await http::async_read(stream, buffer, parser, kUse);
    if (rec) {
      if (reused && rn == 0 &&
          (rec == http::error::end_of_stream || rec == asio::error::connection_reset ||
           rec == asio::ssl::error::stream_truncated)) {
        continue;
      }
      co_return TransportError(rec, key);
    }
    ClientResponse response = parser.release();
    if (response.keep_alive() && request.keep_alive()) {
      beast::get_lowest_layer(stream).expires_never();
      ReturnIdle(pool, key, std::move(stream));
    }
    co_return response;
  }
  co_return Status(ErrorCode::kIoError, "connection to " + key + " closed twice");
}

}  // namespace net
