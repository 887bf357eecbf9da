#pragma once

// The types the HTTP server shares with its handler (the api/ pipeline): the
// request as seen after its header is read, and the response to send.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "common/status.h"

namespace net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
template <typename T>
using awaitable = asio::awaitable<T>;

using RequestHeader = http::request_header<>;

// A pull-based source of response body bytes (e.g. an object streamed from
// disk). Read fills `buf` and returns the bytes written, 0 at the end.
class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual awaitable<common::Result<size_t>> Read(asio::mutable_buffer buf) = 0;
};

struct Response {
  http::response<http::string_body> msg;
  // When set, the body comes from here instead of msg.body(); set
  // msg.content_length() as well, else the body is sent chunked.
  std::unique_ptr<BodySource> stream;
  // A response to HEAD: headers (with Content-Length as the GET would send)
  // and no body.
  bool head = false;
};

// One request on a connection, handed to Handler::Handle after its header has
// been read. The handler chooses how to take the body: ReadBody (buffered,
// with a limit) or ReadSome (streamed, bounded memory), or not at all. The
// first body read sends `100 Continue` when the client asked for it, so a
// request refused before its body is read never transfers it. An unread body
// closes the connection after the response. Runs on the connection's strand;
// not thread-safe.
class Exchange {
 public:
  virtual ~Exchange() = default;

  virtual const RequestHeader& header() const = 0;

  // The whole body, up to `limit` bytes: kTooLarge past the limit,
  // kInvalidArgument for a malformed body framing, kTimeout when the client
  // stalls, kIoError when it disconnects.
  virtual awaitable<common::Result<std::string>> ReadBody(uint64_t limit) = 0;

  // Streams the body: fills `buf` with the next bytes and returns how many,
  // 0 once the body is complete. Errors as ReadBody.
  virtual awaitable<common::Result<size_t>> ReadSome(asio::mutable_buffer buf) = 0;

  // True once the body has been read completely (or there was none).
  virtual bool body_complete() const = 0;
  // Body bytes read so far.
  virtual uint64_t body_bytes_read() const = 0;
  // The peer's address, "ip:port".
  virtual std::string remote_address() const = 0;
  // True on a TLS listener (aws:SecureTransport).
  virtual bool secure() const = 0;
};

// What the server calls for every request. Implementations never throw; an
// exception that escapes is logged and answered with a 500.
class Handler {
 public:
  virtual ~Handler() = default;

  // Produces the response to one request. Runs on the connection's strand.
  virtual awaitable<Response> Handle(Exchange& exchange) = 0;

  // A response for a connection-level failure before any route was chosen:
  // 400 malformed request, 431 headers too large, 503 too many connections,
  // 500 internal error. Must be fast and never fail.
  virtual Response ConnectionError(http::status status, std::string_view reason) = 0;
};

}  // namespace net
