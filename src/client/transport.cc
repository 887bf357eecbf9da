#include "client/transport.h"

#include <algorithm>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

namespace client {

using common::ErrorCode;
using common::Result;
using common::Status;

net::awaitable<Result<net::ClientResponse>> HttpTransport::Send(net::ClientRequest request) {
  co_return co_await http_.Send(to_, std::move(request), tls_);
}

std::string HttpTransport::host() const {
  if (to_.port == (tls_ ? 443 : 80) && to_.host.find(':') == std::string::npos) return to_.host;
  return to_.ToString();
}

Result<EndpointUrl> ParseEndpointUrl(std::string_view url) {
  EndpointUrl out;
  if (url.starts_with("https://")) {
    out.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    return Status(ErrorCode::kInvalidArgument, fmt::format("{} is not an http:// or https:// URL", url));
  }
  if (url.ends_with("/")) url.remove_suffix(1);
  if (url.empty() || url.find('/') != std::string_view::npos) {
    return Status(ErrorCode::kInvalidArgument, "an endpoint URL is a scheme, a host and a port, without a path");
  }
  bool has_port = url.back() != ']' && url.find(':', url.rfind(']') == std::string_view::npos ? 0 : url.rfind(']')) !=
                                           std::string_view::npos;
  auto address = common::HostPort::Parse(has_port ? std::string(url)
                                                  : fmt::format("{}:{}", url, out.tls ? 443 : 80));
  if (!address.ok()) return address.status();
  out.address = std::move(address).value();
  return out;
}

EndpointUrl AwsEndpoint(std::string_view service, std::string_view region) {
  std::string_view domain = region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return EndpointUrl{common::HostPort{fmt::format("{}.{}.{}", service, region, domain), 443}, true};
}

namespace {

// The request as the pipeline sees a connection's: header and a body read
// from memory.
class MemoryExchange final : public net::Exchange {
 public:
  explicit MemoryExchange(net::ClientRequest request) : request_(std::move(request)) {}

  const net::RequestHeader& header() const override { return request_.base(); }

  net::awaitable<Result<std::string>> ReadBody(uint64_t limit) override {
    const std::string& body = request_.body();
    if (body.size() - offset_ > limit) co_return Status(ErrorCode::kTooLarge, "request body exceeds the limit");
    std::string rest = body.substr(offset_);
    offset_ = body.size();
    co_return rest;
  }

  net::awaitable<Result<size_t>> ReadSome(net::asio::mutable_buffer buf) override {
    const std::string& body = request_.body();
    size_t n = std::min(buf.size(), body.size() - offset_);
    std::copy_n(body.data() + offset_, n, static_cast<char*>(buf.data()));
    offset_ += n;
    co_return n;
  }

  bool body_complete() const override { return offset_ == request_.body().size(); }
  uint64_t body_bytes_read() const override { return offset_; }
  std::string remote_address() const override { return "in-process"; }
  // The request never leaves the process: as private as TLS
  // (aws:SecureTransport holds).
  bool secure() const override { return true; }

 private:
  net::ClientRequest request_;
  size_t offset_ = 0;
};

// Runs one request through `handler` and collects the whole response.
net::awaitable<Result<net::ClientResponse>> Exchange(net::Handler& handler, net::ClientRequest request,
                                                     uint64_t max_body) {
  request.prepare_payload();
  MemoryExchange exchange(std::move(request));
  net::Response response = co_await handler.Handle(exchange);
  net::ClientResponse out = std::move(response.msg);
  if (response.stream && !response.head) {
    std::string body;
    char chunk[64 * 1024];
    while (true) {
      auto n = co_await response.stream->Read(net::asio::buffer(chunk));
      if (!n.ok()) co_return n.status();
      if (*n == 0) break;
      if (body.size() + *n > max_body) co_return Status(ErrorCode::kTooLarge, "response body exceeds the limit");
      body.append(chunk, *n);
    }
    out.body() = std::move(body);
  }
  if (response.head) out.body().clear();
  co_return out;
}

}  // namespace

net::awaitable<Result<net::ClientResponse>> InProcessTransport::Send(net::ClientRequest request) {
  // On a strand of its own, as a connection's requests are. (co_spawn needs
  // a default-constructible result, hence the optional.)
  auto run = [](net::Handler& handler, net::ClientRequest request,
                uint64_t max_body) -> net::awaitable<std::optional<Result<net::ClientResponse>>> {
    co_return co_await Exchange(handler, std::move(request), max_body);
  };
  auto out = co_await net::asio::co_spawn(net::asio::make_strand(executor_),
                                          run(handler_, std::move(request), max_body_), net::asio::use_awaitable);
  co_return std::move(*out);
}

}  // namespace client
