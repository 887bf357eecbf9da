#pragma once

// HttpClient: outgoing HTTP/1.1, plain or over TLS (https), on the same
// Asio/Beast stack as the server, with a keep-alive connection pool per
// destination. Used by the AWS client (replication, functions, AWS itself),
// SNS webhooks and tests. Thread-safe: Send may run concurrently from any
// executor; each call uses its own connection.
//
// TLS: 1.2 or later; the server's certificate must chain to a trusted CA
// (ClientOptions::ca_file, else the system's store, which OpenSSL's
// SSL_CERT_FILE / SSL_CERT_DIR override) and name the host (DNS or IP
// subject alternative name); SNI is sent for host names.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
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
  std::string ca_file;  // PEM certificates trusted for https besides the system's store
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
  // a new connection. With `tls`, over TLS (kUnavailable too when the
  // handshake or the certificate check fails, naming why).
  awaitable<common::Result<ClientResponse>> Send(const common::HostPort& to, ClientRequest request,
                                                 bool tls = false);

  // Closes idle pooled connections.
  void CloseIdle();

 private:
  using TlsStream = beast::ssl_stream<beast::tcp_stream>;

  awaitable<common::Result<beast::tcp_stream>> Connect(const common::HostPort& to);
  awaitable<common::Result<TlsStream>> ConnectTls(const common::HostPort& to);
  common::Result<std::shared_ptr<asio::ssl::context>> TlsContext();
  template <typename Stream>
  std::optional<Stream> TakeIdle(std::map<std::string, std::vector<Stream>>& pool, const std::string& key);
  template <typename Stream>
  void ReturnIdle(std::map<std::string, std::vector<Stream>>& pool, const std::string& key, Stream stream);
  template <typename Stream>
  awaitable<common::Result<ClientResponse>> SendOn(std::map<std::string, std::vector<Stream>>& pool,
                                                   const common::HostPort& to, ClientRequest request);

  asio::any_io_executor executor_;
  ClientOptions options_;
  std::mutex mu_;
  std::map<std::string, std::vector<beast::tcp_stream>> idle_;  // guarded by mu_
  std::map<std::string, std::vector<TlsStream>> tls_idle_;      // guarded by mu_
  std::shared_ptr<asio::ssl::context> tls_context_;             // made at first use; guarded by mu_
};

}  // namespace net
