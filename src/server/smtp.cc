#include "server/smtp.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

namespace server {
namespace {

using common::ErrorCode;
using common::Status;

class Connection {
 public:
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Open(const common::HostPort& relay, std::chrono::seconds timeout) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    std::string port = std::to_string(relay.port);
    if (int rc = ::getaddrinfo(relay.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
      return Status(ErrorCode::kUnavailable, fmt::format("SMTP relay {}: {}", relay.ToString(), gai_strerror(rc)));
    }
    Status last(ErrorCode::kUnavailable, "SMTP relay " + relay.ToString() + ": no address");
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      timeval tv{static_cast<time_t>(timeout.count()), 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
      if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
        fd_ = fd;
        break;
      }
      last = Status(ErrorCode::kUnavailable, fmt::format("SMTP relay {}: {}", relay.ToString(), std::strerror(errno)));
      ::close(fd);
    }
    ::freeaddrinfo(found);
    return fd_ >= 0 ? Status::Ok() : last;
  }

  Status Write(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return IoFailure("write");
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  // Reads one reply (all its lines) and checks its code against `want`
  // (the first digit is enough for 2xx/3xx).
  Status Expect(int want, std::string_view step) {
    std::string line;
    for (;;) {
      line = ReadLine();
      if (line.empty()) return IoFailure(step);
      if (line.size() < 4 || line[3] != '-') break;  // "250-..." continues, "250 ..." ends
    }
    int code = std::atoi(line.substr(0, 3).c_str());
    if (code / 100 == want / 100) return Status::Ok();
    ErrorCode ec = code >= 500 ? ErrorCode::kInvalidArgument : ErrorCode::kUnavailable;
    return Status(ec, fmt::format("SMTP relay refused {}: {}", step, line));
  }

 private:
  std::string ReadLine() {
    std::string line;
    for (;;) {
      auto eol = buffer_.find("\r\n");
      if (eol != std::string::npos) {
        line = buffer_.substr(0, eol);
        buffer_.erase(0, eol + 2);
        return line.empty() ? std::string(" ") : line;
      }
      if (buffer_.size() > 64 * 1024) return {};
      char chunk[4096];
      ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) return {};
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  Status IoFailure(std::string_view step) {
    bool timed_out = errno == EAGAIN || errno == EWOULDBLOCK;
    return Status(timed_out ? ErrorCode::kTimeout : ErrorCode::kUnavailable,
                  fmt::format("SMTP {} failed: {}", step, timed_out ? "timed out" : std::strerror(errno)));
  }

  int fd_ = -1;
  std::string buffer_;
};

// The DATA section: CRLF line ends, lines starting with '.' doubled, ending
// with CRLF.CRLF.
std::string DotStuffed(std::string_view message) {
  std::string out;
  out.reserve(message.size() + 16);
  bool line_start = true;
  for (size_t i = 0; i < message.size(); ++i) {
    char c = message[i];
    if (line_start && c == '.') out.push_back('.');
    if (c == '\n' && (i == 0 || message[i - 1] != '\r')) out.push_back('\r');
    out.push_back(c);
    line_start = c == '\n';
  }
  if (!out.ends_with("\r\n")) out += "\r\n";
  out += ".\r\n";
  return out;
}

}  // namespace

Status SendMail(const common::HostPort& relay, std::string_view from, std::string_view to, std::string_view message,
                std::chrono::seconds timeout) {
  if (from.find_first_of("\r\n") != std::string_view::npos || to.find_first_of("\r\n") != std::string_view::npos) {
    return Status(ErrorCode::kInvalidArgument, "a mail address may not contain line breaks");
  }
  Connection c;
  STRATUS_RETURN_IF_ERROR(c.Open(relay, timeout));
  STRATUS_RETURN_IF_ERROR(c.Expect(220, "the greeting"));
  STRATUS_RETURN_IF_ERROR(c.Write("EHLO stratus.local\r\n"));
  STRATUS_RETURN_IF_ERROR(c.Expect(250, "EHLO"));
  STRATUS_RETURN_IF_ERROR(c.Write(fmt::format("MAIL FROM:<{}>\r\n", from)));
  STRATUS_RETURN_IF_ERROR(c.Expect(250, "MAIL FROM"));
  STRATUS_RETURN_IF_ERROR(c.Write(fmt::format("RCPT TO:<{}>\r\n", to)));
  STRATUS_RETURN_IF_ERROR(c.Expect(250, "RCPT TO"));
  STRATUS_RETURN_IF_ERROR(c.Write("DATA\r\n"));
  STRATUS_RETURN_IF_ERROR(c.Expect(354, "DATA"));
  STRATUS_RETURN_IF_ERROR(c.Write(DotStuffed(message)));
  STRATUS_RETURN_IF_ERROR(c.Expect(250, "the message"));
  (void)c.Write("QUIT\r\n");  // delivered already; a lost QUIT changes nothing
  return Status::Ok();
}

}  // namespace server
