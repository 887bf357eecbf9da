#include "server/banner.h"

#include <fmt/format.h>

#include "common/version.h"
#include "server/stack.h"

namespace server {
namespace {

std::string Url(const common::HostPort& hp, bool tls) {
  return fmt::format("{}://{}", tls ? "https" : "http", hp.ToString());
}

}  // namespace

std::string Banner(const Stack& stack, int64_t ready_ms) {
  const auto& config = stack.config();
  bool tls = config.tls.has_value();
  std::string out = fmt::format("stratus {} — {} region{}, data in {}\n\n", common::kVersion,
                                stack.regions().size(), stack.regions().size() == 1 ? "" : "s",
                                config.data_root.string());
  out += fmt::format("  {:<16} {:<28} {}\n", "region", "AWS endpoint", "application API");
  for (const auto& r : stack.regions()) {
    out += fmt::format("  {:<16} {:<28} {}\n", r->config().name, Url(r->aws_address(), tls),
                       Url(r->app_address(), tls));
  }
  out += fmt::format(
      "\nCredentials (administrator):\n"
      "  export AWS_ACCESS_KEY_ID={}\n"
      "  export AWS_SECRET_ACCESS_KEY={}\n",
      stack.admin().access_key_id, stack.admin().secret_access_key);
  out += fmt::format("\nApplication API key (x-api-key):\n  export STRATUS_API_KEY={}\n",
                     config.app.api_keys.empty() ? "" : config.app.api_keys.front());
  out += "\nThen, for example:\n";
  for (const auto& r : stack.regions()) {
    out += fmt::format("  aws --endpoint-url {} --region {} s3 ls\n", Url(r->aws_address(), tls),
                       r->config().name);
  }
  // A route anyone can try with curl: the first GET without parameters.
  bool shown = false;
  for (const auto& r : stack.regions()) {
    for (const auto& route : r->config().api_routes) {
      if (shown || route.method != "GET" || route.path.find('{') != std::string::npos) continue;
      out += fmt::format("  curl -H \"x-api-key: $STRATUS_API_KEY\" {}{}\n", Url(r->app_address(), tls), route.path);
      shown = true;
    }
  }
  out += fmt::format("\nReady in {} ms. Health: {}/_stratus/health  Metrics: {}/_stratus/metrics\n",
                     ready_ms, Url(stack.regions().front()->aws_address(), tls),
                     Url(stack.regions().front()->aws_address(), tls));
  out += "Stop with Ctrl-C (SIGINT) or SIGTERM.\n";
  return out;
}

}  // namespace server
