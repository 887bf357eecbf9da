// libFuzzer target for EventBridge event patterns and SNS filter policies
// (src/service/bus/pattern.h), and target input transformation
// (src/service/bus/bus_service.h, TargetInput).
//
// Input grammar: <pattern text> '\n' <event text> ['\n' <JSON path>]. The
// pattern is parsed; if it parses and the event is JSON, it is matched; the
// path is used as an InputPath and in an InputTransformer on the event.
//
// Properties checked beyond "no crash, leak or UB":
//   1. A pattern is refused only with kInvalidArgument and the reason
//      InvalidEventPatternException.
//   2. Matching is deterministic (the same answer twice).

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <boost/json.hpp>

#include "service/bus/bus_service.h"
#include "service/bus/pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto nl = in.find('\n');
  std::string_view pattern_text = in.substr(0, nl);
  std::string_view rest = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  auto nl2 = rest.find('\n');
  std::string_view event_text = rest.substr(0, nl2);
  std::string_view path = nl2 == std::string_view::npos ? std::string_view() : rest.substr(nl2 + 1);

  auto pattern = service::bus::EventPattern::Parse(pattern_text);
  if (!pattern.ok()) {
    if (pattern.status().code() != common::ErrorCode::kInvalidArgument ||
        pattern.status().reason() != "InvalidEventPatternException") {
      std::abort();
    }
  }
  boost::system::error_code ec;
  boost::json::value event = boost::json::parse(event_text, ec);
  if (ec) return 0;
  if (pattern.ok() && pattern->Matches(event) != pattern->Matches(event)) std::abort();
  if (!path.empty()) {
    service::bus::Target t;
    t.input_path = std::string(path);
    (void)service::bus::TargetInput(t, event_text, "rule", "arn");
    service::bus::Target x;
    x.transformer = service::bus::InputTransformer{{{"v", std::string(path)}}, R"({"value": "<v>", "raw": <v>})"};
    (void)service::bus::TargetInput(x, event_text, "rule", "arn");
  }
  return 0;
}
