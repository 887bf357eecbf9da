#include "api/common/error_map.h"

namespace api {

using common::ErrorCode;

ErrorMap::ErrorMap(std::initializer_list<Entry> defaults, std::initializer_list<Override> overrides,
                   std::initializer_list<Reason> reasons) {
  for (const auto& r : reasons) reasons_.emplace(std::string(r.reason), r.wire);
  for (const auto& e : defaults) defaults_.emplace(e.code, e.wire);
  for (const auto& o : overrides) {
    overrides_.emplace(std::make_pair(std::string(o.operation), o.code), o.wire);
  }
}

WireError ErrorMap::Lookup(ErrorCode code, std::string_view operation, std::string_view reason) const {
  if (!reason.empty()) {
    auto it = reasons_.find(reason);
    if (it != reasons_.end()) return it->second;
  }
  if (!overrides_.empty() && !operation.empty()) {
    auto it = overrides_.find(std::make_pair(std::string(operation), code));
    if (it != overrides_.end()) return it->second;
  }
  auto it = defaults_.find(code);
  if (it != defaults_.end()) return it->second;
  return {net::http::status::internal_server_error, "InternalError"};
}

bool ErrorMap::Covers() const {
  for (ErrorCode c : AllErrorCodes()) {
    if (!defaults_.contains(c)) return false;
  }
  return true;
}

void SetErrorBody(net::Response& res, std::string body, bool head) {
  auto status = res.msg.result_int();
  bool forbidden = (status >= 100 && status < 200) || status == 204 || status == 304;
  if (!head && !forbidden) res.msg.body() = std::move(body);
  if (forbidden) {
    res.msg.body().clear();
    res.msg.erase(net::http::field::content_type);
  } else {
    res.msg.prepare_payload();
  }
}

std::initializer_list<ErrorCode> AllErrorCodes() {
  static constexpr std::initializer_list<ErrorCode> kAll = {
      ErrorCode::kInvalidArgument,   ErrorCode::kNotFound,          ErrorCode::kAlreadyExists,
      ErrorCode::kConflict,          ErrorCode::kPreconditionFailed, ErrorCode::kNotModified,
      ErrorCode::kUnauthenticated,   ErrorCode::kInvalidAccessKey,  ErrorCode::kSignatureMismatch,
      ErrorCode::kAuthMalformed,     ErrorCode::kRequestExpired,    ErrorCode::kClockSkew,
      ErrorCode::kPayloadHashMismatch, ErrorCode::kPermissionDenied, ErrorCode::kThrottled,
      ErrorCode::kTooLarge,          ErrorCode::kUnimplemented,     ErrorCode::kUnavailable,
      ErrorCode::kTimeout,           ErrorCode::kIoError,           ErrorCode::kCorruption,
      ErrorCode::kInternal,
  };
  return kAll;
}

}  // namespace api
