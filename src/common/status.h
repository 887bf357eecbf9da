#pragma once

// Status and Result<T>: the error vocabulary of every layer. An ErrorCode is
// protocol-neutral; each wire protocol maps it to its own error in one place
// (src/api/*/errors.*). No exceptions cross a layer boundary on the request path.

#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace common {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,     // the request is malformed or a value is out of range
  kNotFound,            // the named resource does not exist
  kAlreadyExists,       // a create found the resource already there
  kConflict,            // the resource is in a state that forbids the operation
  kPreconditionFailed,  // a conditional request's condition was false
  kNotModified,         // a conditional read found nothing new
  kUnauthenticated,     // no credentials where they are required
  kInvalidAccessKey,    // the access key id is unknown or inactive
  kSignatureMismatch,   // the request signature does not verify
  kAuthMalformed,       // the Authorization header / presigned query is malformed
  kRequestExpired,      // a presigned request or temporary credential has expired
  kClockSkew,           // the request time is too far from the server's clock
  kPayloadHashMismatch, // the body does not match its declared SHA-256
  kPermissionDenied,    // authenticated but not allowed
  kThrottled,           // too many requests; retry later
  kTooLarge,            // a body or value exceeds a limit
  kUnimplemented,       // the operation is not supported
  kUnavailable,         // transiently unable to serve (shutting down, overloaded)
  kTimeout,             // a deadline passed
  kIoError,             // the storage or the network failed
  kCorruption,          // stored data failed an integrity check
  kInternal,            // a bug; logged and counted
};

// The stable name of a code, e.g. "NotFound"; used in logs and metrics.
std::string_view ErrorCodeName(ErrorCode code);

// Status is an ErrorCode plus a message. Cheap to copy when OK.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  // `reason` refines the code for protocols that name errors more finely
  // (S3's NoSuchBucket vs NoSuchKey, both kNotFound). It must point to static
  // storage (a string literal); each protocol's error map decides whether it
  // knows the reason, else the code alone decides.
  Status(ErrorCode code, std::string message, std::string_view reason)
      : code_(code), message_(std::move(message)), reason_(reason) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string_view reason() const { return reason_; }

  // Structured facts about the error as a JSON object's text (DynamoDB's
  // failed-condition Item, a transaction's CancellationReasons); protocols
  // whose error bodies are JSON add its members to the body. "" if none.
  Status WithDetail(std::string json) && {
    detail_ = std::make_shared<const std::string>(std::move(json));
    return std::move(*this);
  }
  std::string_view detail() const { return detail_ ? std::string_view(*detail_) : std::string_view(); }

  // "NotFound: no such bucket" — for logs, never for the wire.
  std::string ToString() const;

  bool operator==(const Status& other) const = default;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  std::string_view reason_;
  std::shared_ptr<const std::string> detail_;
};

inline Status InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {ErrorCode::kAlreadyExists, std::move(m)}; }
inline Status Conflict(std::string m) { return {ErrorCode::kConflict, std::move(m)}; }
inline Status Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
inline Status IoError(std::string m) { return {ErrorCode::kIoError, std::move(m)}; }
inline Status Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }
inline Status Corruption(std::string m) { return {ErrorCode::kCorruption, std::move(m)}; }
inline Status TooLarge(std::string m) { return {ErrorCode::kTooLarge, std::move(m)}; }
inline Status Unimplemented(std::string m) { return {ErrorCode::kUnimplemented, std::move(m)}; }

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(implicit)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(implicit)
    assert(!std::get<Status>(v_).ok() && "Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  // The error; OK when the result holds a value.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace common

// Returns early from the enclosing function if `expr` (a Status) is not OK.
#define STRATUS_RETURN_IF_ERROR(expr)      \
  do {                                     \
    ::common::Status _st = (expr);         \
    if (!_st.ok()) return _st;             \
  } while (0)

// Logs and counts an internal invariant violation in release builds; aborts in
// debug builds. Never for client input.
#define STRATUS_BUG(msg) ::common::ReportBug(__FILE__, __LINE__, (msg))

namespace common {
void ReportBug(const char* file, int line, std::string_view msg);
// How many STRATUS_BUG reports this process has made (exported as a metric).
uint64_t BugCount();
}  // namespace common
