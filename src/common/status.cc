#include "common/status.h"

#include <atomic>
#include <cstdlib>

#include "common/log.h"

namespace common {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "Ok";
    case ErrorCode::kInvalidArgument: return "InvalidArgument";
    case ErrorCode::kNotFound: return "NotFound";
    case ErrorCode::kAlreadyExists: return "AlreadyExists";
    case ErrorCode::kConflict: return "Conflict";
    case ErrorCode::kPreconditionFailed: return "PreconditionFailed";
    case ErrorCode::kNotModified: return "NotModified";
    case ErrorCode::kUnauthenticated: return "Unauthenticated";
    case ErrorCode::kInvalidAccessKey: return "InvalidAccessKey";
    case ErrorCode::kSignatureMismatch: return "SignatureMismatch";
    case ErrorCode::kAuthMalformed: return "AuthMalformed";
    case ErrorCode::kRequestExpired: return "RequestExpired";
    case ErrorCode::kClockSkew: return "ClockSkew";
    case ErrorCode::kPayloadHashMismatch: return "PayloadHashMismatch";
    case ErrorCode::kPermissionDenied: return "PermissionDenied";
    case ErrorCode::kThrottled: return "Throttled";
    case ErrorCode::kTooLarge: return "TooLarge";
    case ErrorCode::kUnimplemented: return "Unimplemented";
    case ErrorCode::kUnavailable: return "Unavailable";
    case ErrorCode::kTimeout: return "Timeout";
    case ErrorCode::kIoError: return "IoError";
    case ErrorCode::kCorruption: return "Corruption";
    case ErrorCode::kInternal: return "Internal";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "Ok";
  std::string out(ErrorCodeName(code_));
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

namespace {
std::atomic<uint64_t> g_bugs{0};
}  // namespace

void ReportBug(const char* file, int line, std::string_view msg) {
  g_bugs.fetch_add(1, std::memory_order_relaxed);
  log::Get("bug")->error("BUG at {}:{}: {}", file, line, msg);
#ifndef NDEBUG
  std::abort();
#endif
}

uint64_t BugCount() { return g_bugs.load(std::memory_order_relaxed); }

}  // namespace common
