#pragma once

// HttpClient: outgoing HTTP/1.1 on the same Asio/Beast stack as the server,
// with a keep-alive connection pool per destination. Used by the AWS client
// (replication, functions) and by tests. Thread-safe: Send may run
// concurrently from any executor; each call uses its own connection.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "common/config.h"
#include "net/http_types.h"

namespace net {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{30000};  // inactivity per read/write
  size_t max_idle_per_host = 16;
  uint64_t max_response_body = 64ull << 20;
};

using ClientRequest = http::request<http::string_body>;
using ClientResponse = http::response<http::string_body>;

class HttpClient {
 public:
  HttpClient(asio::any_io_executor executor, ClientOptions options = {});
  ~HttpClient();

  // Sends `request` to `to` and returns the whole response. Sets Host and
  // Content-Length. A response of any status is OK; errors are transport
  // failures: kUnavailable (connection refused), kTimeout, kIoError,
  // kTooLarge (response body over the limit). A request that fails on a
  // reused keep-alive connection before any response byte is retried once on
  // a new connection.
  awaitable<common::Result<ClientResponse>> Send(const common::HostPort& to, ClientRequest request);

  // Closes idle pooled connections.
  void CloseIdle();

 private:
  awaitable<common::Result<beast::tcp_stream>> Connect(const common::HostPort& to);
  std::optional<beast::tcp_stream> TakeIdle(const std::string& key);
  void ReturnIdle(const std::string& key, beast::tcp_stream stream);

  asio::any_io_executor executor_;
  ClientOptions options_;
  std::mutex mu_;
  std::map<std::string, std::vector<beast::tcp_stream>> idle_;  // guarded by mu_
};

}  // namespace net
