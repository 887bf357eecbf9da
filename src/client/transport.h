#pragma once

// Transport: where the AWS client's signed requests go (DESIGN.md principle
// 4). HttpTransport sends them over the network to an endpoint (another
// region, another host, AWS); InProcessTransport hands them to a region's own
// request pipeline without a socket, so a function inside stratus takes the
// same path as any client: route, SigV4, authorisation, codec, service.
//
// Both are thread-safe: many coroutines may Send at once.

#include <memory>

#include "common/config.h"
#include "common/status.h"
#include "net/http_client.h"
#include "net/http_types.h"

namespace client {

class Transport {
 public:
  virtual ~Transport() = default;

  // Sends one signed request (its Host header set to host()) and returns the
  // whole response, of any HTTP status. Errors are transport failures, as
  // net::HttpClient::Send reports them.
  virtual net::awaitable<common::Result<net::ClientResponse>> Send(net::ClientRequest request) = 0;

  // The authority requests are addressed and signed for ("127.0.0.1:4566").
  virtual std::string host() const = 0;
};

class HttpTransport final : public Transport {
 public:
  // `http` must outlive the transport. With `tls`, https.
  HttpTransport(net::HttpClient& http, common::HostPort to, bool tls = false)
      : http_(http), to_(std::move(to)), tls_(tls) {}

  net::awaitable<common::Result<net::ClientResponse>> Send(net::ClientRequest request) override;
  // "host:port", or the bare host on the scheme's default port (as AWS's
  // endpoints are addressed and signed).
  std::string host() const override;

 private:
  net::HttpClient& http_;
  common::HostPort to_;
  bool tls_;
};

// An endpoint URL: "http://host[:port]" or "https://host[:port]" (a trailing
// '/' allowed; the port defaults to the scheme's). kInvalidArgument otherwise.
struct EndpointUrl {
  common::HostPort address;
  bool tls = false;
};
common::Result<EndpointUrl> ParseEndpointUrl(std::string_view url);

// AWS's own endpoint of `service` (a SigV4 signing name) in `region`:
// https://<service>.<region>.amazonaws.com (.com.cn in China).
EndpointUrl AwsEndpoint(std::string_view service, std::string_view region);

class InProcessTransport final : public Transport {
 public:
  // `handler` (a region's AWS pipeline) must outlive the transport; requests
  // run on new strands of `executor` (the region's I/O threads). `host` is
  // the region's AWS endpoint, which the requests are signed for. Responses
  // larger than `max_body` fail with kTooLarge.
  InProcessTransport(net::Handler& handler, net::asio::any_io_executor executor, std::string host,
                     uint64_t max_body = 64ull << 20)
      : handler_(handler), executor_(std::move(executor)), host_(std::move(host)), max_body_(max_body) {}

  net::awaitable<common::Result<net::ClientResponse>> Send(net::ClientRequest request) override;
  std::string host() const override { return host_; }

 private:
  net::Handler& handler_;
  net::asio::any_io_executor executor_;
  std::string host_;
  uint64_t max_body_;
};

}  // namespace client
