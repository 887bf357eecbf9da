#pragma once

// HttpServer: one listening socket serving HTTP/1.1 (optionally over TLS) with
// C++20 coroutines on Boost.Asio/Beast. One coroutine per connection, on its own
// strand; a fresh parser per message; keep-alive; header limit; idle and
// per-request inactivity timeouts; a bound on connections; graceful shutdown.
//
// Lifecycle: Create() binds; Start() accepts; Shutdown() stops accepting,
// closes idle connections, lets in-flight requests finish within the grace
// period, then closes whatever is left. The server must outlive its
// io_context's run() or be shut down first.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "common/config.h"
#include "common/metrics.h"
#include "net/http_types.h"

namespace net {

struct ServerOptions {
  std::string name;  // for logs, e.g. "ap-south-1/aws"
  common::HostPort address;
  common::LimitsConfig limits;
  std::shared_ptr<asio::ssl::context> tls;  // null = plain HTTP
};

class SessionBase;
template <typename Stream>
class Session;

class HttpServer {
 public:
  // Binds `options.address` (SO_REUSEADDR). kIoError if the address cannot be
  // bound, naming it. `handler` and `metrics` must outlive the server.
  static common::Result<std::unique_ptr<HttpServer>> Create(asio::io_context& ioc,
                                                            ServerOptions options,
                                                            Handler& handler,
                                                            common::metrics::Registry& metrics);
  ~HttpServer();

  // The bound address (the real port when 0 was asked for).
  common::HostPort local_address() const { return local_; }
  const ServerOptions& options() const { return options_; }

  // Starts accepting. Call once.
  void Start();

  // Graceful stop; completes when every connection is closed. Call once.
  awaitable<void> Shutdown(std::chrono::milliseconds grace);

  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  size_t connection_count() const;

 private:
  friend class SessionBase;
  template <typename Stream>
  friend class Session;
  HttpServer(asio::io_context& ioc, ServerOptions options, Handler& handler,
             common::metrics::Registry& metrics);

  awaitable<void> AcceptLoop();
  void StartSession(asio::ip::tcp::socket socket, std::string remote);
  // Takes every connection already queued on the listening socket, then
  // closes it. Runs on the acceptor's strand.
  void DrainBacklogAndClose();
  void Register(SessionBase* s);
  void Unregister(SessionBase* s);

  asio::io_context& ioc_;
  ServerOptions options_;
  Handler& handler_;
  asio::ip::tcp::acceptor acceptor_;
  common::HostPort local_;
  std::atomic<bool> stopping_{false};
  // True while AcceptLoop runs; Shutdown waits for it to end, since the loop's
  // pending accept completes (aborted) after the acceptor is closed.
  std::atomic<bool> accepting_{false};

  mutable std::mutex mu_;
  std::unordered_set<SessionBase*> sessions_;  // guarded by mu_

  // Metrics (owned by the registry).
  common::metrics::Gauge& connections_;
  common::metrics::Counter& accepted_;
  common::metrics::Counter& rejected_;
  common::metrics::Counter& bytes_in_;
  common::metrics::Counter& bytes_out_;
  common::metrics::Counter& timeouts_;
  common::metrics::Counter& bad_requests_;
};

}  // namespace net
