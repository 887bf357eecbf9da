#include "net/http_server.h"

#include <array>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>

#include "common/log.h"

namespace net {
namespace {

using tcp = asio::ip::tcp;
using common::ErrorCode;
using common::Result;
using common::Status;
constexpr auto kUse = asio::as_tuple(asio::use_awaitable);

bool IsTimeout(const beast::error_code& ec) { return ec == beast::error::timeout; }

// Maps a body-read error to a Status for the handler.
Status BodyError(const beast::error_code& ec) {
  if (ec == http::error::body_limit) return {ErrorCode::kTooLarge, "request body exceeds the limit"};
  if (IsTimeout(ec)) return {ErrorCode::kTimeout, "timed out reading the request body"};
  if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::error::operation_aborted) {
    return {ErrorCode::kIoError, "the client closed the connection before the body was complete"};
  }
  if (&ec.category() == &http::make_error_code(http::error::bad_chunk).category()) {
    return {ErrorCode::kInvalidArgument, "malformed request body: " + ec.message()};
  }
  return {ErrorCode::kIoError, ec.message()};
}

}  // namespace

// The part of a session the server sees, independent of the stream type.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection if it is waiting for a request. Thread-safe.
  virtual void CloseIfIdle() = 0;
  // Closes the connection whatever it is doing. Thread-safe.
  virtual void ForceClose() = 0;
};

template <typename Stream>
class Session final : public SessionBase,
                      public Exchange,
                      public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(HttpServer& server, Stream stream, std::string remote)
      : server_(server), stream_(std::move(stream)), remote_(std::move(remote)) {}

  // Runs the connection; the server registered the session before spawning this.
  static awaitable<void> Run(std::shared_ptr<Session> self) {
    try {
      co_await self->Loop();
    } catch (const std::exception& e) {
      common::log::Get("net")->error("server={} remote={} session failed: {}",
                                     self->server_.options_.name, self->remote_, e.what());
    }
    self->Close();
    self->server_.Unregister(self.get());
  }

  auto executor() { return beast::get_lowest_layer(stream_).get_executor(); }

  void CloseIfIdle() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      // Cancel rather than close: a read that has already taken bytes from
      // the socket (Asio reads speculatively) completes and is served; one
      // still waiting is aborted and the session closes itself.
      if (self->idle_ && !self->HasPendingInput()) {
        beast::error_code ec;
        self->Lowest().socket().cancel(ec);
      }
    });
  }

  void ForceClose() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->Close(); });
  }

  // Exchange
  const RequestHeader& header() const override { return header_parser_->get(); }
  bool body_complete() const override { return body_complete_; }
  uint64_t body_bytes_read() const override { return body_bytes_; }
  std::string remote_address() const override { return remote_; }
  bool secure() const override { return kTls; }

  awaitable<Result<std::string>> ReadBody(uint64_t limit) override {
    if (body_complete_) co_return std::string();
    if (stream_parser_) co_return Status(ErrorCode::kInternal, "body already being streamed");
    // The parser checks its limit against Content-Length only while parsing
    // the header, which is already done: check it here, before reading.
    if (auto length = header_parser_->content_length(); length && *length > limit) {
      broken_ = true;
      co_return Status(ErrorCode::kTooLarge,
                       fmt::format("request body of {} bytes exceeds the limit of {}", *length, limit));
    }
    if (auto st = co_await SendContinueIfAsked(); !st.ok()) co_return st;
    http::request_parser<http::string_body> parser(std::move(*header_parser_));
    parser.body_limit(limit);
    buffer_.reserve(kStreamReadBytes);
    Lowest().expires_after(RequestTimeout());
    auto [ec, n] = co_await http::async_read(stream_, buffer_, parser, kUse);
    CountIn(n);
    if (ec) {
      broken_ = true;
      co_return BodyError(ec);
    }
    body_complete_ = true;
    std::string body = std::move(parser.get().body());
    body_bytes_ = body.size();
    // Keep the header for the handler: restore it into the header parser.
    header_parser_.emplace();
    header_parser_->get().base() = parser.get().base();
    co_return body;
  }

  awaitable<Result<size_t>> ReadSome(asio::mutable_buffer buf) override {
    if (body_complete_ || buf.size() == 0) co_return size_t{0};
    if (!stream_parser_) {
      if (auto st = co_await SendContinueIfAsked(); !st.ok()) co_return st;
      stream_header_ = header_parser_->get().base();
      stream_parser_.emplace(std::move(*header_parser_));
      stream_parser_->body_limit(boost::none);
      // Beast reads into buffer_'s free capacity (at least 512 bytes, at most
      // 64 KiB per read): give a streamed body room for full-size reads.
      buffer_.reserve(kStreamReadBytes);
      header_parser_.emplace();
      header_parser_->get().base() = stream_header_;
    }
    auto& p = *stream_parser_;
    while (!p.is_done()) {
      p.get().body().data = buf.data();
      p.get().body().size = buf.size();
      Lowest().expires_after(RequestTimeout());
      auto [ec, n] = co_await http::async_read_some(stream_, buffer_, p, kUse);
      CountIn(n);
      if (ec && ec != http::error::need_buffer) {
        broken_ = true;
        co_return BodyError(ec);
      }
      size_t got = buf.size() - p.get().body().size;
      if (got > 0) {
        body_bytes_ += got;
        if (p.is_done()) body_complete_ = true;
        co_return got;
      }
    }
    body_complete_ = true;
    co_return size_t{0};
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  // Read-buffer capacity while a body streams in (Beast reads at most 64 KiB
  // per call); idle connections give it back (see the session loop).
  static constexpr size_t kStreamReadBytes = 64 * 1024;

  auto& Lowest() { return beast::get_lowest_layer(stream_); }
  std::chrono::seconds RequestTimeout() const {
    return std::chrono::seconds(server_.options_.limits.request_timeout_seconds);
  }
  void CountIn(size_t n) { server_.bytes_in_.Inc(n); }

  // True if request bytes have arrived that the session has not parsed yet
  // (buffered, or waiting in the socket): a request the client already sent
  // is served, not dropped, by a graceful shutdown.
  bool HasPendingInput() {
    if (buffer_.size() > 0) return true;
    beast::error_code ec;
    return Lowest().socket().available(ec) > 0 && !ec;
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    Lowest().close();
  }

  awaitable<Status> SendContinueIfAsked() {
    const auto& h = header_parser_->get();
    auto expect = h[http::field::expect];
    if (continue_sent_ || !beast::iequals(expect, "100-continue")) co_return Status::Ok();
    continue_sent_ = true;
    http::response<http::empty_body> cont{http::status::continue_, h.version()};
    Lowest().expires_after(RequestTimeout());
    auto [ec, n] = co_await http::async_write(stream_, cont, kUse);
    server_.bytes_out_.Inc(n);
    if (ec) {
      broken_ = true;
      co_return Status(ErrorCode::kIoError, ec.message());
    }
    co_return Status::Ok();
  }

  awaitable<void> Loop() {
    const auto& limits = server_.options_.limits;
    if constexpr (kTls) {
      Lowest().expires_after(std::chrono::seconds(limits.request_timeout_seconds));
      auto [ec, used] =
          co_await stream_.async_handshake(asio::ssl::stream_base::server, buffer_.data(), kUse);
      if (ec) co_return;
      buffer_.consume(used);
    }
    for (;;) {
      // A fresh parser per message.
      header_parser_.emplace();
      header_parser_->header_limit(limits.max_header_bytes);
      // Body limits are the operation's (ReadBody's limit, or none when
      // streamed): Beast's default would refuse any Content-Length over 8 MB
      // while the header is read, before the request is even routed.
      header_parser_->body_limit(boost::none);
      stream_parser_.reset();
      // A large body's read buffer is not kept for an idle connection.
      if (buffer_.size() == 0 && buffer_.capacity() > 8 * 1024) buffer_.shrink_to_fit();
      body_complete_ = false;
      continue_sent_ = false;
      body_bytes_ = 0;

      idle_ = true;
      if (closed_ || (server_.stopping() && !HasPendingInput())) co_return;
      Lowest().expires_after(std::chrono::seconds(limits.idle_timeout_seconds));
      auto [ec, n] = co_await http::async_read_header(stream_, buffer_, *header_parser_, kUse);
      idle_ = false;
      CountIn(n);
      if (ec) {
        if (ec == http::error::end_of_stream || closed_) co_return;
        if (IsTimeout(ec)) {
          if (n > 0 || buffer_.size() > 0) server_.timeouts_.Inc();
          co_return;
        }
        if (ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
            ec == asio::error::eof || ec == http::error::partial_message) {
          co_return;
        }
        server_.bad_requests_.Inc();
        auto status = ec == http::error::header_limit ? http::status::request_header_fields_too_large
                                                      : http::status::bad_request;
        Response res = server_.handler_.ConnectionError(status, ec.message());
        res.msg.keep_alive(false);
        co_await Write(res);
        co_return;
      }
      body_complete_ = header_parser_->is_done();
      // A request with an empty body and `Expect: 100-continue` gets its
      // 100 Continue at once: there is nothing to refuse before the body, and
      // some clients (botocore) otherwise misread the next exchange.
      if (body_complete_) {
        if (auto st = co_await SendContinueIfAsked(); !st.ok()) co_return;
      }

      Response res;
      try {
        res = co_await server_.handler_.Handle(*this);
      } catch (const std::exception& e) {
        common::log::Get("net")->error("server={} handler threw: {}", server_.options_.name,
                                       e.what());
        res = server_.handler_.ConnectionError(http::status::internal_server_error, e.what());
      }
      if (closed_) co_return;
      co_await DrainSmallBody();
      bool keep = header_parser_->get().keep_alive() && body_complete_ && !broken_ &&
                  !server_.stopping() && res.msg.keep_alive();
      // HTTP/1.0 clients get keep-alive only when they asked for it.
      res.msg.version(header_parser_->get().version());
      res.msg.keep_alive(keep);
      if (!co_await Write(res) || !keep) co_return;
    }
  }

  // A handler that answered without reading a small body (an unknown
  // operation, an auth failure) should not cost the client its connection:
  // read and drop up to kDrainLimit bytes. Not when the client waits for
  // 100 Continue, which it was not sent; it may never send the body.
  awaitable<void> DrainSmallBody() {
    static constexpr uint64_t kDrainLimit = 64 * 1024;
    if (body_complete_ || broken_ || stream_parser_) co_return;
    const auto& h = header_parser_->get();
    if (beast::iequals(h[http::field::expect], "100-continue") && !continue_sent_) co_return;
    auto length = header_parser_->content_length();
    if (!length || *length > kDrainLimit) co_return;
    http::request_parser<http::string_body> parser(std::move(*header_parser_));
    parser.body_limit(kDrainLimit);
    Lowest().expires_after(RequestTimeout());
    auto [ec, n] = co_await http::async_read(stream_, buffer_, parser, kUse);
    CountIn(n);
    header_parser_.emplace();
    header_parser_->get().base() = parser.get().base();
    if (ec) {
      broken_ = true;
      co_return;
    }
    body_complete_ = true;
  }

  // Writes one response; false if the connection must close.
  awaitable<bool> Write(Response& res) {
    Lowest().expires_after(RequestTimeout());
    if (res.head) {
      // Headers only; Content-Length is what a GET would send.
      http::response<http::empty_body> head{res.msg.result(), res.msg.version()};
      head.base() = res.msg.base();
      http::response_serializer<http::empty_body> sr{head};
      sr.split(true);
      auto [ec, n] = co_await http::async_write_header(stream_, sr, kUse);
      server_.bytes_out_.Inc(n);
      co_return !ec;
    }
    if (!res.stream) {
      if (!res.msg.has_content_length() && !res.msg.chunked()) res.msg.prepare_payload();
      if (res.msg.chunked()) {
        auto [ec, n] = co_await http::async_write(stream_, res.msg, kUse);
        server_.bytes_out_.Inc(n);
        co_return !ec;
      }
      // The common case, a whole body with Content-Length: one gather write of
      // the serialised head and the body (cheaper than Beast's serializer).
      SerializeHead(res.msg, head_);
      std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(res.msg.body())};
      auto [ec, n] = co_await asio::async_write(stream_, buffers, kUse);
      server_.bytes_out_.Inc(n);
      co_return !ec;
    }
    http::response<http::buffer_body> out{res.msg.result(), res.msg.version()};
    out.base() = res.msg.base();
    if (!out.has_content_length()) out.chunked(true);
    http::response_serializer<http::buffer_body> sr{out};
    {
      auto [ec, n] = co_await http::async_write_header(stream_, sr, kUse);
      server_.bytes_out_.Inc(n);
      if (ec) co_return false;
    }
    std::vector<char> chunk(64 * 1024);
    for (;;) {
      auto got = co_await res.stream->Read(asio::buffer(chunk));
      if (!got.ok()) {
        common::log::Get("net")->warn("server={} response body source failed: {}",
                                      server_.options_.name, got.status().ToString());
        co_return false;  // the client sees a short body and the connection closes
      }
      out.body().data = *got ? chunk.data() : nullptr;
      out.body().size = *got;
      out.body().more = *got != 0;
      Lowest().expires_after(RequestTimeout());
      auto [ec, n] = co_await http::async_write(stream_, sr, kUse);
      server_.bytes_out_.Inc(n);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) co_return false;
      if (*got == 0) break;
    }
    co_return true;
  }

  // "HTTP/1.1 200 OK\r\n" + fields + "\r\n" into `out`.
  static void SerializeHead(const http::response<http::string_body>& msg, std::string& out) {
    out.clear();
    out += msg.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out += std::to_string(msg.result_int());
    out += ' ';
    std::string_view reason = msg.reason();
    if (reason.empty()) reason = http::obsolete_reason(msg.result());
    out += reason;
    out += "\r\n";
    for (const auto& field : msg) {
      out += field.name_string();
      out += ": ";
      out += field.value();
      out += "\r\n";
    }
    out += "\r\n";
  }

  HttpServer& server_;
  Stream stream_;
  std::string head_;  // serialised response head, reused across requests
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> header_parser_;
  std::optional<http::request_parser<http::buffer_body>> stream_parser_;
  http::request_header<> stream_header_;
  bool idle_ = true;
  bool closed_ = false;
  bool broken_ = false;  // the stream is unusable for another request
  bool body_complete_ = false;
  bool continue_sent_ = false;
  uint64_t body_bytes_ = 0;
};

common::Result<std::unique_ptr<HttpServer>> HttpServer::Create(asio::io_context& ioc,
                                                               ServerOptions options,
                                                               Handler& handler,
                                                               common::metrics::Registry& metrics) {
  std::unique_ptr<HttpServer> server(new HttpServer(ioc, std::move(options), handler, metrics));
  beast::error_code ec;
  auto addr = asio::ip::make_address(server->options_.address.host, ec);
  if (ec) {
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(server->options_.address.host, "", ec);
    if (ec || results.empty()) {
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("cannot resolve listen host '{}'", server->options_.address.host));
    }
    addr = results.begin()->endpoint().address();
  }
  tcp::endpoint ep(addr, server->options_.address.port);
  auto& a = server->acceptor_;
  if (a.open(ep.protocol(), ec); ec) {
    return Status(ErrorCode::kIoError, fmt::format("cannot open socket for {}: {}",
                                                   server->options_.address.ToString(), ec.message()));
  }
  a.set_option(asio::socket_base::reuse_address(true), ec);
  if (a.bind(ep, ec); ec) {
    return Status(ErrorCode::kIoError, fmt::format("cannot listen on {}: {}",
                                                   server->options_.address.ToString(), ec.message()));
  }
  if (a.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return Status(ErrorCode::kIoError, fmt::format("cannot listen on {}: {}",
                                                   server->options_.address.ToString(), ec.message()));
  }
  auto local = a.local_endpoint();
  server->local_ = common::HostPort{local.address().to_string(), local.port()};
  return server;
}

HttpServer::HttpServer(asio::io_context& ioc, ServerOptions options, Handler& handler,
                       common::metrics::Registry& metrics)
    : ioc_(ioc),
      options_(std::move(options)),
      handler_(handler),
      acceptor_(asio::make_strand(ioc)),
      connections_(metrics.GetGauge("stratus_http_connections", "Open HTTP connections.",
                                    {{"listener", options_.name}})),
      accepted_(metrics.GetCounter("stratus_http_connections_accepted_total",
                                   "HTTP connections accepted.", {{"listener", options_.name}})),
      rejected_(metrics.GetCounter("stratus_http_connections_rejected_total",
                                   "HTTP connections refused because the limit was reached.",
                                   {{"listener", options_.name}})),
      bytes_in_(metrics.GetCounter("stratus_http_received_bytes_total",
                                   "Bytes received on HTTP connections.",
                                   {{"listener", options_.name}})),
      bytes_out_(metrics.GetCounter("stratus_http_sent_bytes_total",
                                    "Bytes sent on HTTP connections.",
                                    {{"listener", options_.name}})),
      timeouts_(metrics.GetCounter("stratus_http_timeouts_total",
                                   "Connections closed because the client stalled mid-request.",
                                   {{"listener", options_.name}})),
      bad_requests_(metrics.GetCounter("stratus_http_malformed_requests_total",
                                       "Requests refused because the HTTP framing was malformed.",
                                       {{"listener", options_.name}})) {}

HttpServer::~HttpServer() {
  beast::error_code ec;
  acceptor_.close(ec);
}

void HttpServer::Start() {
  accepting_.store(true, std::memory_order_release);
  asio::co_spawn(acceptor_.get_executor(), AcceptLoop(), [this](std::exception_ptr) {
    accepting_.store(false, std::memory_order_release);
  });
}

size_t HttpServer::connection_count() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void HttpServer::Register(SessionBase* s) {
  std::lock_guard lock(mu_);
  sessions_.insert(s);
  connections_.Add(1);
}

void HttpServer::Unregister(SessionBase* s) {
  std::lock_guard lock(mu_);
  sessions_.erase(s);
  connections_.Add(-1);
}

awaitable<void> HttpServer::AcceptLoop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ioc_), kUse);
    if (stopping()) {
      // Accepted as the stop began: serve what this client already sent.
      if (!ec) {
        accepted_.Inc();
        beast::error_code ignored;
        auto ep = socket.remote_endpoint(ignored);
        StartSession(std::move(socket), fmt::format("{}:{}", ep.address().to_string(), ep.port()));
      }
      co_return;
    }
    if (ec) {
      if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) co_return;
      // EMFILE and friends: back off briefly rather than spin.
      common::log::Get("net")->warn("server={} accept failed: {}", options_.name, ec.message());
      asio::steady_timer t(acceptor_.get_executor(), std::chrono::milliseconds(50));
      co_await t.async_wait(kUse);
      continue;
    }
    accepted_.Inc();
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto remote_ep = socket.remote_endpoint(ignored);
    std::string remote = fmt::format("{}:{}", remote_ep.address().to_string(), remote_ep.port());
    if (connection_count() >= options_.limits.max_connections) {
      rejected_.Inc();
      // The response is made here: the coroutine below may outlive the server,
      // so it must not touch it.
      Response res =
          handler_.ConnectionError(http::status::service_unavailable, "too many connections");
      res.msg.keep_alive(false);
      res.msg.prepare_payload();
      auto executor = socket.get_executor();
      asio::co_spawn(
          executor,
          [s = std::move(socket), msg = std::move(res.msg)]() mutable -> awaitable<void> {
            beast::tcp_stream stream(std::move(s));
            stream.expires_after(std::chrono::seconds(5));
            co_await http::async_write(stream, msg, kUse);
            beast::error_code e;
            stream.socket().shutdown(tcp::socket::shutdown_both, e);
          },
          asio::detached);
      continue;
    }
    StartSession(std::move(socket), std::move(remote));
  }
}

void HttpServer::StartSession(tcp::socket socket, std::string remote) {
  // Registered before it is spawned, so Shutdown never misses a session
  // that has not started running yet.
  if (options_.tls) {
    using TlsStream = beast::ssl_stream<beast::tcp_stream>;
    auto s = std::make_shared<Session<TlsStream>>(
        *this, TlsStream(beast::tcp_stream(std::move(socket)), *options_.tls), std::move(remote));
    Register(s.get());
    asio::co_spawn(s->executor(), Session<TlsStream>::Run(s), asio::detached);
  } else {
    auto s = std::make_shared<Session<beast::tcp_stream>>(*this, beast::tcp_stream(std::move(socket)),
                                                          std::move(remote));
    Register(s.get());
    asio::co_spawn(s->executor(), Session<beast::tcp_stream>::Run(s), asio::detached);
  }
}

void HttpServer::DrainBacklogAndClose() {
  // Connections the kernel completed before the stop are clients that have
  // sent (or are sending) a request: take them and serve what they sent,
  // rather than resetting them with the listening socket.
  beast::error_code ec;
  acceptor_.non_blocking(true, ec);
  for (int i = 0; !ec && i < 4096; ++i) {
    tcp::socket socket(asio::make_strand(ioc_));
    acceptor_.accept(socket, ec);
    if (ec) break;
    accepted_.Inc();
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto ep = socket.remote_endpoint(ignored);
    StartSession(std::move(socket), fmt::format("{}:{}", ep.address().to_string(), ep.port()));
  }
  acceptor_.close(ec);
}

awaitable<void> HttpServer::Shutdown(std::chrono::milliseconds grace) {
  stopping_.store(true, std::memory_order_release);
  asio::post(acceptor_.get_executor(), [this] { DrainBacklogAndClose(); });
  auto executor = co_await asio::this_coro::executor;
  auto close_all = [this](bool force) {
    std::lock_guard lock(mu_);
    for (SessionBase* s : sessions_) {
      if (force) s->ForceClose();
      else s->CloseIfIdle();
    }
  };
  auto deadline = std::chrono::steady_clock::now() + grace;
  asio::steady_timer timer(executor);
  // Idle connections close now; busy ones finish their request and close.
  // Re-check idleness each tick: a connection that was busy becomes idle.
  while (connection_count() > 0 && std::chrono::steady_clock::now() < deadline) {
    close_all(false);
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(kUse);
  }
  for (int i = 0; connection_count() > 0 && i < 100; ++i) {
    close_all(true);
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(kUse);
  }
  // The accept loop's last (aborted) accept must complete before the server
  // may be destroyed.
  while (accepting_.load(std::memory_order_acquire)) {
    timer.expires_after(std::chrono::milliseconds(5));
    co_await timer.async_wait(kUse);
  }
}

}  // namespace net
