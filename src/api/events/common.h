#pragma once

// What every EventBridge operation shares: its spec (IAM action events:<Op>,
// a buffered JSON 1.1 body), reading request members with EventBridge's
// ValidationException, the JSON response, and the bus service call.

#include <optional>
#include <string>

#include <boost/json.hpp>

#include "api/common/blocking.h"
#include "api/common/op.h"
#include "service/bus/bus_service.h"

namespace api::events {

namespace bus = service::bus;

inline constexpr uint64_t kMaxRequestBytes = 1 << 20;

#define STRATUS_EVENTS_SPEC(op) \
  OpSpec { .name = #op, .action = "events:" #op, .body = BodyPolicy::kBuffered, .max_body = ::api::events::kMaxRequestBytes }

// The request's members; a missing required member or one of the wrong type
// is ValidationException naming it.
class Body {
 public:
  static Result<Body> Parse(const OpContext& ctx);
  explicit Body(boost::json::object o) : o_(std::move(o)) {}
  const boost::json::object& json() const { return o_; }

  Result<std::string> Required(std::string_view member) const;
  Result<std::string> String(std::string_view member) const;  // "" when absent
  Result<std::optional<int64_t>> Int(std::string_view member) const;
  Result<bool> Bool(std::string_view member) const;            // false when absent
  Result<const boost::json::array*> Array(std::string_view member) const;  // null when absent
  // The bus named by EventBusName (default when absent).
  Result<std::string> BusName(const OpContext& ctx) const;

 private:
  boost::json::object o_;
};

net::Response JsonResponse(boost::json::object body);

template <typename F>
auto CallBus(OpContext& ctx, F f) -> net::awaitable<std::invoke_result_t<F&, bus::BusService&>> {
  bus::BusService* service = ctx.services.bus;
  if (service == nullptr) co_return Status(common::ErrorCode::kUnavailable, "the event bus is not served here");
  co_return co_await OnPool(ctx.services.blocking, [&] { return f(*service); });
}

}  // namespace api::events
