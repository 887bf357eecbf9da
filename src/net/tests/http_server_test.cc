#include "net/http_server.h"

#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "net/http_client.h"

namespace net {
namespace {

using tcp = asio::ip::tcp;
using common::ErrorCode;

// What a test handler does with each request, chosen by the request target.
class TestHandler : public Handler {
 public:
  awaitable<Response> Handle(Exchange& ex) override {
    Response res;
    std::string_view target = ex.header().target();
    ++requests;
    if (target == "/buffered") {
      auto body = co_await ex.ReadBody(1024);
      last_status = body.ok() ? common::Status::Ok() : body.status();
      res.msg.body() = body.ok() ? "got " + std::to_string(body->size()) : "error";
    } else if (target == "/streamed") {
      std::string all;
      char buf[7];  // deliberately small: many reads
      for (;;) {
        auto n = co_await ex.ReadSome(asio::buffer(buf));
        if (!n.ok()) {
          last_status = n.status();
          break;
        }
        if (*n == 0) break;
        all.append(buf, *n);
      }
      streamed = all;
      res.msg.body() = "streamed " + std::to_string(all.size());
    } else if (target == "/refuse") {
      res.msg.result(http::status::forbidden);
      res.msg.body() = "no";
    } else if (target == "/slow") {
      asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(400));
      co_await t.async_wait(asio::use_awaitable);
      res.msg.body() = "slow done";
    } else if (target == "/source") {
      struct Source : BodySource {
        int left = 3;
        awaitable<common::Result<size_t>> Read(asio::mutable_buffer buf) override {
          if (left-- == 0) co_return size_t{0};
          std::memcpy(buf.data(), "abcd", 4);
          co_return size_t{4};
        }
      };
      res.stream = std::make_unique<Source>();
    } else if (target == "/throw") {
      throw std::runtime_error("boom");
    } else {
      res.msg.body() = "hello";
    }
    if (!res.stream) res.msg.prepare_payload();
    co_return res;
  }

  Response ConnectionError(http::status status, std::string_view reason) override {
    Response res;
    res.msg.result(status);
    res.msg.body() = std::string(reason);
    res.msg.prepare_payload();
    return res;
  }

  std::atomic<int> requests{0};
  common::Status last_status;
  std::string streamed;
};

// Runs `task` on `ioc` (served by another thread) and waits for its result.
template <typename T>
T RunSync(asio::io_context& ioc, awaitable<T> task) {
  std::optional<T> out;
  auto wrapper = [&]() -> awaitable<void> { out.emplace(co_await std::move(task)); };
  asio::co_spawn(ioc, wrapper(), asio::use_future).get();
  return std::move(*out);
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(common::LimitsConfig limits = {}) {
    ServerOptions opts{"test", {"127.0.0.1", 0}, limits, nullptr};
    auto s = HttpServer::Create(ioc_, opts, handler_, metrics_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    server_->Start();
    thread_ = std::thread([this] { ioc_.run(); });
  }

  void TearDown() override {
    if (server_ && !server_->stopping()) Shutdown(std::chrono::milliseconds(100));
    work_.reset();
    ioc_.stop();
    if (thread_.joinable()) thread_.join();
  }

  void Shutdown(std::chrono::milliseconds grace) {
    auto f = asio::co_spawn(ioc_, server_->Shutdown(grace), asio::use_future);
    f.get();
  }

  tcp::socket Connect() {
    tcp::socket s(client_ioc_);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->local_address().port));
    return s;
  }

  // Sends raw bytes and reads until the peer closes or `until` appears.
  static std::string Exchange(tcp::socket& s, std::string_view out, std::string_view until = {}) {
    asio::write(s, asio::buffer(out));
    std::string in;
    boost::system::error_code ec;
    if (!until.empty()) {
      asio::read_until(s, asio::dynamic_buffer(in), until, ec);
    } else {
      asio::read(s, asio::dynamic_buffer(in), ec);
    }
    return in;
  }

  static bool PeerClosed(tcp::socket& s) {
    char c;
    boost::system::error_code ec;
    s.read_some(asio::buffer(&c, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

  asio::io_context ioc_{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{ioc_.get_executor()};
  asio::io_context client_ioc_;
  common::metrics::Registry metrics_;
  TestHandler handler_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

// Verifies two requests are served on one keep-alive connection.
TEST_F(HttpServerTest, KeepAlive) {
  StartServer();
  auto s = Connect();
  auto a = Exchange(s, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n", "hello");
  EXPECT_NE(a.find("200 OK"), std::string::npos);
  auto b = Exchange(s, "GET /b HTTP/1.1\r\nHost: x\r\n\r\n", "hello");
  EXPECT_NE(b.find("200 OK"), std::string::npos);
  EXPECT_EQ(handler_.requests.load(), 2);
}

// Verifies a malformed request line gets 400 and the connection closes.
TEST_F(HttpServerTest, MalformedRequestIs400AndCloses) {
  StartServer();
  auto s = Connect();
  auto r = Exchange(s, "GARBAGE\r\n\r\n");
  EXPECT_EQ(r.substr(0, 12), "HTTP/1.1 400");
  EXPECT_EQ(handler_.requests.load(), 0);
}

// Verifies headers over the limit get 431 and the connection closes.
TEST_F(HttpServerTest, OversizedHeadersAre431) {
  common::LimitsConfig limits;
  limits.max_header_bytes = 2048;
  StartServer(limits);
  auto s = Connect();
  std::string req = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n";
  auto r = Exchange(s, req);
  EXPECT_EQ(r.substr(0, 12), "HTTP/1.1 431");
}

// Verifies a buffered body within the limit reaches the handler.
TEST_F(HttpServerTest, BufferedBody) {
  StartServer();
  auto s = Connect();
  auto r = Exchange(s, "POST /buffered HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde", "got 5");
  EXPECT_NE(r.find("got 5"), std::string::npos);
}

// Verifies a buffered body over the limit is kTooLarge and closes the connection.
TEST_F(HttpServerTest, BufferedBodyOverLimit) {
  StartServer();
  auto s = Connect();
  std::string body(2000, 'x');
  auto r = Exchange(s, "POST /buffered HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n" + body);
  EXPECT_NE(r.find("error"), std::string::npos);
  EXPECT_EQ(handler_.last_status.code(), ErrorCode::kTooLarge);
}

// Verifies a streamed chunked body arrives whole through many small reads.
TEST_F(HttpServerTest, StreamedChunkedBody) {
  StartServer();
  auto s = Connect();
  auto r = Exchange(s,
                    "PUT /streamed HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "a\r\n0123456789\r\n5\r\nabcde\r\n0\r\n\r\n",
                    "streamed 15");
  EXPECT_NE(r.find("streamed 15"), std::string::npos);
  EXPECT_EQ(handler_.streamed, "0123456789abcde");
}

// Verifies Expect: 100-continue gets 100 before the body is read.
TEST_F(HttpServerTest, ExpectContinue) {
  StartServer();
  auto s = Connect();
  auto cont = Exchange(s,
                       "PUT /streamed HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                       "Expect: 100-continue\r\n\r\n",
                       "\r\n\r\n");
  EXPECT_EQ(cont.substr(0, 25), "HTTP/1.1 100 Continue\r\n\r\n");
  auto r = Exchange(s, "wxyz", "streamed 4");
  EXPECT_NE(r.find("streamed 4"), std::string::npos);
}

// Verifies a request refused without reading its body gets its response and
// the connection closes (the unread body cannot be parsed as a request).
TEST_F(HttpServerTest, UnreadBodyClosesConnection) {
  StartServer();
  auto s = Connect();
  auto r = Exchange(s, "PUT /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                       "Expect: 100-continue\r\n\r\n");
  EXPECT_EQ(r.substr(0, 12), "HTTP/1.1 403");
  EXPECT_EQ(r.find("100 Continue"), std::string::npos);
  EXPECT_NE(r.find("Connection: close"), std::string::npos);
}

// Verifies an idle keep-alive connection is closed after the idle timeout.
TEST_F(HttpServerTest, IdleTimeoutCloses) {
  common::LimitsConfig limits;
  limits.idle_timeout_seconds = 1;
  StartServer(limits);
  auto s = Connect();
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(PeerClosed(s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// Verifies a client that stalls mid-body times out and the handler sees kTimeout.
TEST_F(HttpServerTest, StalledBodyTimesOut) {
  common::LimitsConfig limits;
  limits.request_timeout_seconds = 1;
  StartServer(limits);
  auto s = Connect();
  asio::write(s, asio::buffer(std::string_view("PUT /streamed HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")));
  EXPECT_TRUE(PeerClosed(s));
  // The deadline closes the socket first; the session then finishes its
  // handler and unregisters (which orders the handler's writes before ours).
  for (int i = 0; i < 200 && server_->connection_count() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(server_->connection_count(), 0u);
  EXPECT_EQ(handler_.last_status.code(), ErrorCode::kTimeout);
}

// Verifies a client that disconnects mid-body surfaces as kIoError and the
// connection is released.
TEST_F(HttpServerTest, DisconnectMidBody) {
  StartServer();
  {
    auto s = Connect();
    asio::write(s, asio::buffer(std::string_view("PUT /streamed HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (int i = 0; i < 100 && server_->connection_count() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(server_->connection_count(), 0u);
  EXPECT_EQ(handler_.last_status.code(), ErrorCode::kIoError);
}

// Verifies connections past the limit get 503 and are closed.
TEST_F(HttpServerTest, ConnectionLimit) {
  common::LimitsConfig limits;
  limits.max_connections = 2;
  StartServer(limits);
  auto a = Connect();
  auto b = Connect();
  Exchange(a, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "hello");
  Exchange(b, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "hello");
  auto c = Connect();
  auto r = Exchange(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.substr(0, 12), "HTTP/1.1 503");
  EXPECT_EQ(metrics_.GetCounter("stratus_http_connections_rejected_total", "", {{"listener", "test"}}).Value(), 1u);
}

// Verifies graceful shutdown finishes an in-flight request, closes idle
// connections and refuses new ones.
TEST_F(HttpServerTest, GracefulShutdownFinishesInFlight) {
  StartServer();
  auto idle = Connect();
  Exchange(idle, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "hello");
  auto busy = Connect();
  asio::write(busy, asio::buffer(std::string_view("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Shutdown(std::chrono::seconds(5));
  std::string in;
  boost::system::error_code ec;
  asio::read(busy, asio::dynamic_buffer(in), ec);
  EXPECT_NE(in.find("slow done"), std::string::npos);
  EXPECT_NE(in.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(PeerClosed(idle));
  tcp::socket late(client_ioc_);
  late.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->local_address().port), ec);
  EXPECT_TRUE(ec);
}

// Verifies a streamed response without Content-Length is sent chunked and whole.
TEST_F(HttpServerTest, StreamedResponse) {
  StartServer();
  auto s = Connect();
  auto r = Exchange(s, "GET /source HTTP/1.1\r\nHost: x\r\n\r\n", "0\r\n\r\n");
  EXPECT_NE(r.find("Transfer-Encoding: chunked"), std::string::npos);
  // Each Read became one chunk: "4\r\nabcd\r\n" three times, then the last chunk.
  EXPECT_NE(r.find("4\r\nabcd\r\n4\r\nabcd\r\n4\r\nabcd\r\n0\r\n\r\n"), std::string::npos);
}

// Verifies an exception escaping the handler becomes a 500.
TEST_F(HttpServerTest, HandlerExceptionIs500) {
  StartServer();
  auto s = Connect();
  auto r = Exchange(s, "GET /throw HTTP/1.1\r\nHost: x\r\n\r\n", "boom");
  EXPECT_EQ(r.substr(0, 12), "HTTP/1.1 500");
}

// Verifies the client reuses a pooled connection and reports refused connects.
TEST_F(HttpServerTest, ClientRoundTripAndPool) {
  StartServer();
  HttpClient client(ioc_.get_executor());
  auto send = [&](std::string target) {
    ClientRequest req{http::verb::get, target, 11};
    return RunSync(ioc_, client.Send(server_->local_address(), std::move(req)));
  };
  auto a = send("/x");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->body(), "hello");
  auto b = send("/y");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(metrics_.GetCounter("stratus_http_connections_accepted_total", "", {{"listener", "test"}}).Value(), 1u);
  common::HostPort closed{"127.0.0.1", 1};
  ClientRequest req{http::verb::get, "/", 11};
  auto c = RunSync(ioc_, client.Send(closed, std::move(req)));
  EXPECT_EQ(c.status().code(), ErrorCode::kUnavailable);
  client.CloseIdle();
}

}  // namespace
}  // namespace net
