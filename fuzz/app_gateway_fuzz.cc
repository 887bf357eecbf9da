// libFuzzer target for the application API's routing (src/api/app/gateway.h):
// request paths from the network matched against route templates, with
// {name} and greedy {name+} parameters percent-decoded.
//
// Input grammar: <template> '\n' <method> ' ' <path>. The template (which
// the config supplies; a fuzzed one too) becomes an ANY route next to fixed
// routes; the path is matched.
//
// Properties checked beyond "no crash, leak or UB":
//   1. A match names a configured route of the request's method (or ANY).
//   2. MethodsFor(path) is non-empty whenever some route matches the path.
//   3. Matching is deterministic (the same answer twice).

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "api/app/gateway.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto nl = in.find('\n');
  std::string tmpl(in.substr(0, nl));
  std::string_view request = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  auto space = request.find(' ');
  std::string method(request.substr(0, space));
  std::string_view path = space == std::string_view::npos ? std::string_view("/") : request.substr(space + 1);

  api::app::GatewayOptions options;
  options.routes = {{"POST", "/presign", "presigner"},
                    {"GET", "/files/{key+}", "file-info"},
                    {"GET", "/users/{id}/orders/{order}", "orders"}};
  if (tmpl.starts_with("/")) options.routes.push_back({"ANY", tmpl, "fuzzed"});
  api::app::Gateway gw(options, [](const std::string&, const boost::json::value&) {
    return common::Result<api::app::FunctionOutcome>(api::app::FunctionOutcome{});
  });
  auto m = gw.Find(method, path);
  auto again = gw.Find(method, path);
  if (m.has_value() != again.has_value()) std::abort();
  if (m) {
    if (m->route == nullptr || m->route->function != again->route->function ||
        m->path_parameters != again->path_parameters) {
      std::abort();
    }
    if (m->route->method != method && m->route->method != "ANY") std::abort();
    if (gw.MethodsFor(path).empty()) std::abort();
  }
  return 0;
}
