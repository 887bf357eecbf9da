#pragma once

// ErrorMap: one protocol's mapping from the domain ErrorCode (and, where a
// protocol needs it, the operation) to its wire error: HTTP status and error
// code. Each protocol defines exactly one, in its errors.cc, with a table test.

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "net/http_types.h"

namespace api {

struct WireError {
  net::http::status status;
  std::string_view code;  // e.g. "NoSuchBucket", "ResourceNotFoundException"
};

class ErrorMap {
 public:
  struct Entry {
    common::ErrorCode code;
    WireError wire;
  };
  struct Override {
    std::string_view operation;
    common::ErrorCode code;
    WireError wire;
  };
  // A Status reason (see common::Status) this protocol names on the wire.
  struct Reason {
    std::string_view reason;
    WireError wire;
  };

  // `defaults` must cover every ErrorCode but kOk (checked by the table tests
  // through Covers()).
  ErrorMap(std::initializer_list<Entry> defaults, std::initializer_list<Override> overrides = {},
           std::initializer_list<Reason> reasons = {});

  // The wire error for `code` raised by `operation` (op name, may be ""):
  // a known `reason` first, then the operation's override, then the default.
  WireError Lookup(common::ErrorCode code, std::string_view operation = {},
                   std::string_view reason = {}) const;
  WireError Lookup(const common::Status& status, std::string_view operation) const {
    return Lookup(status.code(), operation, status.reason());
  }

  // True if every ErrorCode except kOk has a default entry.
  bool Covers() const;

 private:
  std::map<common::ErrorCode, WireError> defaults_;
  std::map<std::pair<std::string, common::ErrorCode>, WireError, std::less<>> overrides_;
  std::map<std::string, WireError, std::less<>> reasons_;
};

// Finishes an error response: sets the body (unless the request was HEAD or
// the status forbids one, as 304 does) and Content-Length.
void SetErrorBody(net::Response& res, std::string body, bool head);

// All ErrorCodes except kOk, for table tests.
std::initializer_list<common::ErrorCode> AllErrorCodes();

}  // namespace api
