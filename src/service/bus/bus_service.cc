// BusService: rules, targets, PutEvents and the delivery of events to targets.

#include "service/bus/bus_service.h"

#include <map>
#include <mutex>

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "common/ids.h"
#include "common/log.h"
#include "service/bus/pattern.h"
#include "service/common/outbox.h"
#include "service/common/record.h"
#include "storage/value_codec.h"

namespace service::bus {

namespace json = boost::json;

namespace {

const storage::ValueCodec kCodec;
constexpr int64_t kFormat = 1;
constexpr std::string_view kRulesPrefix = "ev/r/";
constexpr std::string_view kOutboxPrefix = "ev/o/";
constexpr size_t kMaxTargets = 5;

Status NotFound(std::string m) { return Status(common::ErrorCode::kNotFound, std::move(m), "ResourceNotFoundException"); }
Status Invalid(std::string m) { return Status(common::ErrorCode::kInvalidArgument, std::move(m)); }

std::string RuleKey(std::string_view bus, std::string_view name) { return fmt::format("{}{}/{}", kRulesPrefix, bus, name); }

json::object EncodeTarget(const Target& t) {
  json::object o{{"id", t.id}, {"arn", t.arn}, {"role", t.role_arn}, {"input", t.input}, {"path", t.input_path},
                 {"dlq", t.dead_letter_arn}, {"retries", t.maximum_retry_attempts},
                 {"age", t.maximum_event_age_seconds}, {"group", t.message_group_id}};
  if (t.transformer) {
    json::object paths;
    for (const auto& [k, v] : t.transformer->paths) paths[k] = v;
    o["xf"] = json::object{{"paths", std::move(paths)}, {"template", t.transformer->template_text}};
  }
  return o;
}

Target DecodeTarget(record::Reader& r, const json::object& o) {
  record::Reader t(o);
  Target out;
  out.id = t.Str("id");
  out.arn = t.Str("arn");
  out.role_arn = t.Str("role");
  out.input = t.Str("input");
  out.input_path = t.Str("path");
  out.dead_letter_arn = t.Str("dlq");
  out.maximum_retry_attempts = static_cast<int>(t.Int("retries"));
  out.maximum_event_age_seconds = static_cast<int>(t.Int("age"));
  out.message_group_id = t.Str("group");
  if (auto* xf = t.Obj("xf")) {
    record::Reader x(*xf);
    InputTransformer tr;
    tr.template_text = x.Str("template");
    if (auto* paths = x.Obj("paths")) {
      for (const auto& [k, v] : *paths) {
        if (v.is_string()) tr.paths[std::string(k)] = std::string(v.as_string());
      }
    }
    if (!x.ok()) r.Fail();
    out.transformer = std::move(tr);
  }
  if (!t.ok()) r.Fail();
  return out;
}

std::string EncodeRule(const Rule& rule) {
  json::array targets;
  for (const auto& t : rule.targets) targets.push_back(EncodeTarget(t));
  return json::serialize(json::object{{"v", kFormat},
                                      {"name", rule.name},
                                      {"bus", rule.bus},
                                      {"pattern", rule.event_pattern},
                                      {"desc", rule.description},
                                      {"on", rule.enabled},
                                      {"role", rule.role_arn},
                                      {"targets", std::move(targets)}});
}

Result<Rule> DecodeRule(std::string_view s) {
  auto o = record::Parse(s, kFormat, "rule");
  if (!o.ok()) return o.status();
  record::Reader r(*o);
  Rule rule;
  rule.name = r.Str("name");
  rule.bus = r.Str("bus");
  rule.event_pattern = r.Str("pattern");
  rule.description = r.Str("desc");
  rule.enabled = r.Bool("on");
  rule.role_arn = r.Str("role");
  if (auto* a = r.Arr("targets")) {
    for (const auto& e : *a) {
      if (!e.is_object()) {
        r.Fail();
        break;
      }
      rule.targets.push_back(DecodeTarget(r, e.as_object()));
    }
  }
  return record::Checked(std::move(rule), r, "rule");
}

bool ValidRuleName(std::string_view n) {
  if (n.empty() || n.size() > 64) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
}

std::string IsoTime(int64_t ms) {
  auto tp = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::floor<std::chrono::seconds>(tp));
}

}  // namespace

struct BusService::Impl {
  storage::KvStore& kv;
  BusServiceOptions options;
  common::metrics::Registry* metrics = nullptr;
  mutable std::mutex mu;
  std::map<std::string, Rule, std::less<>> rules;  // "<bus>/<name>" → rule
  std::map<std::string, EventPattern, std::less<>> patterns;
  std::mutex write_mu;  // rule changes, one at a time
  std::unique_ptr<Outbox> outbox;
  Targets* targets = nullptr;
  common::metrics::Counter* events = nullptr;
  common::metrics::Counter* matched = nullptr;
  common::metrics::Counter* failed = nullptr;
  common::metrics::Counter* dead_lettered = nullptr;
  std::mutex seq_mu;
  uint64_t last_seq = 0;

  Impl(storage::KvStore& k, BusServiceOptions o) : kv(k), options(std::move(o)) {}

  int64_t NowMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(options.clock().time_since_epoch()).count();
  }
  uint64_t NextSeq() {
    std::lock_guard lock(seq_mu);
    last_seq = std::max(last_seq + 1, static_cast<uint64_t>(NowMs()) * 1000);
    return last_seq;
  }
  std::string RuleArn(std::string_view bus, std::string_view name) const {
    return bus == "default" ? fmt::format("arn:aws:events:{}:{}:rule/{}", options.region, options.account, name)
                            : fmt::format("arn:aws:events:{}:{}:rule/{}/{}", options.region, options.account, bus, name);
  }
  Result<Rule> Find(std::string_view bus, std::string_view name) const {
    std::lock_guard lock(mu);
    auto it = rules.find(fmt::format("{}/{}", bus, name));
    if (it == rules.end()) return NotFound(fmt::format("Rule {} does not exist on EventBus {}.", name, bus));
    return it->second;
  }
  Status Store(const Rule& rule) {
    storage::WriteBatch batch;
    batch.Put(RuleKey(rule.bus, rule.name), kCodec.Seal(EncodeRule(rule)));
    STRATUS_RETURN_IF_ERROR(kv.Write(batch));
    std::lock_guard lock(mu);
    rules[fmt::format("{}/{}", rule.bus, rule.name)] = rule;
    return Status::Ok();
  }
  Outbox::Verdict Deliver(std::string_view key, std::string_view value, int attempt);
};

BusService::BusService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BusService::~BusService() { Stop(); }

Result<std::unique_ptr<BusService>> BusService::Open(storage::KvStore& kv, BusServiceOptions options,
                                                     common::metrics::Registry* metrics) {
  auto impl = std::make_unique<Impl>(kv, std::move(options));
  impl->metrics = metrics;
  auto it = kv.NewIterator({std::string(kRulesPrefix), storage::PrefixSuccessor(kRulesPrefix)});
  for (it->Seek(kRulesPrefix); it->Valid(); it->Next()) {
    auto plain = kCodec.Open(it->value());
    if (!plain.ok()) return plain.status();
    auto rule = DecodeRule(*plain);
    if (!rule.ok()) return rule.status();
    rule->arn = impl->RuleArn(rule->bus, rule->name);
    auto pattern = EventPattern::Parse(rule->event_pattern);
    std::string k = fmt::format("{}/{}", rule->bus, rule->name);
    if (pattern.ok()) impl->patterns[k] = std::move(pattern).value();
    impl->rules[k] = std::move(rule).value();
  }
  if (!it->status().ok()) return it->status();
  it.reset();
  if (metrics != nullptr) {
    impl->events = &metrics->GetCounter("stratus_events_put_total", "Events accepted by PutEvents.");
    impl->matched = &metrics->GetCounter("stratus_events_matched_total", "Deliveries of events to rule targets created.");
    impl->failed = &metrics->GetCounter("stratus_events_delivery_failures_total", "Attempts to deliver an event to a target that failed.");
    impl->dead_lettered = &metrics->GetCounter("stratus_events_dead_lettered_total",
                                               "Events sent to a target's dead-letter queue after its retry policy ran out.");
  }
  Impl* raw = impl.get();
  Outbox::Options o;
  o.name = "events";
  o.prefix = std::string(kOutboxPrefix);
  o.threads = raw->options.delivery_threads;
  raw->outbox = std::make_unique<Outbox>(
      kv, o, [raw](std::string_view key, std::string_view value, int attempt) { return raw->Deliver(key, value, attempt); },
      metrics);
  return std::unique_ptr<BusService>(new BusService(std::move(impl)));
}

Status BusService::Start(Targets* targets) {
  impl_->targets = targets;
  return impl_->outbox->Start();
}

void BusService::Stop() {
  if (impl_->outbox) impl_->outbox->Stop();
}

std::string BusService::BusArn() const {
  return fmt::format("arn:aws:events:{}:{}:event-bus/default", impl_->options.region, impl_->options.account);
}

Result<std::string> BusService::BusName(std::string_view name_or_arn) const {
  if (name_or_arn.empty() || name_or_arn == "default" || name_or_arn == BusArn()) return std::string("default");
  return NotFound(fmt::format("Event bus {} does not exist.", name_or_arn));
}

Result<std::string> BusService::PutRule(Rule rule) {
  if (!ValidRuleName(rule.name)) {
    return Invalid("1 validation error detected: Value at 'name' failed to satisfy constraint: Member must satisfy "
                   "regular expression pattern: [\\.\\-_A-Za-z0-9]+");
  }
  if (rule.event_pattern.empty()) return Invalid("Parameter(s) EventPattern must be specified.");
  auto pattern = EventPattern::Parse(rule.event_pattern);
  if (!pattern.ok()) return pattern.status();
  std::lock_guard write(impl_->write_mu);
  auto existing = impl_->Find(rule.bus, rule.name);
  if (existing.ok()) rule.targets = std::move(existing->targets);
  rule.arn = impl_->RuleArn(rule.bus, rule.name);
  STRATUS_RETURN_IF_ERROR(impl_->Store(rule));
  std::lock_guard lock(impl_->mu);
  impl_->patterns[fmt::format("{}/{}", rule.bus, rule.name)] = std::move(pattern).value();
  return rule.arn;
}

Result<Rule> BusService::DescribeRule(std::string_view bus, std::string_view name) const { return impl_->Find(bus, name); }

Result<std::vector<Rule>> BusService::ListRules(std::string_view bus, std::string_view prefix) const {
  std::vector<Rule> out;
  std::string start = fmt::format("{}/{}", bus, prefix);
  std::lock_guard lock(impl_->mu);
  for (auto it = impl_->rules.lower_bound(start); it != impl_->rules.end() && it->first.starts_with(start); ++it) {
    out.push_back(it->second);
  }
  return out;
}

Status BusService::DeleteRule(std::string_view bus, std::string_view name, bool force) {
  std::lock_guard write(impl_->write_mu);
  auto rule = impl_->Find(bus, name);
  if (!rule.ok()) return Status::Ok();  // deleting what is not there succeeds, as in EventBridge
  if (!rule->targets.empty() && !force) return Invalid("Rule can't be deleted since it has targets.");
  storage::WriteBatch batch;
  batch.Delete(RuleKey(bus, name));
  STRATUS_RETURN_IF_ERROR(impl_->kv.Write(batch));
  std::lock_guard lock(impl_->mu);
  impl_->rules.erase(fmt::format("{}/{}", bus, name));
  impl_->patterns.erase(fmt::format("{}/{}", bus, name));
  return Status::Ok();
}

Status BusService::SetRuleState(std::string_view bus, std::string_view name, bool enabled) {
  std::lock_guard write(impl_->write_mu);
  auto rule = impl_->Find(bus, name);
  if (!rule.ok()) return rule.status();
  rule->enabled = enabled;
  return impl_->Store(*rule);
}

Result<std::vector<TargetFailure>> BusService::PutTargets(std::string_view bus, std::string_view name,
                                                          std::vector<Target> targets) {
  std::lock_guard write(impl_->write_mu);
  auto rule = impl_->Find(bus, name);
  if (!rule.ok()) return rule.status();
  std::vector<TargetFailure> failures;
  for (auto& t : targets) {
    auto same = std::find_if(rule->targets.begin(), rule->targets.end(), [&](const Target& x) { return x.id == t.id; });
    if (t.arn.rfind("arn:", 0) != 0) {
      failures.push_back({t.id, "ValidationException", fmt::format("Parameter {} is not valid.", t.arn)});
      continue;
    }
    int transforms = !t.input.empty() + !t.input_path.empty() + t.transformer.has_value();
    if (transforms > 1) {
      failures.push_back({t.id, "ValidationException",
                          "Only one of Input, InputPath, or InputTransformer must be provided."});
      continue;
    }
    if (!t.input.empty()) {
      boost::system::error_code ec;
      json::parse(t.input, ec);
      if (ec) {
        failures.push_back({t.id, "ValidationException", "Target Input is not valid JSON text."});
        continue;
      }
    }
    if (same != rule->targets.end()) {
      *same = std::move(t);
    } else {
      rule->targets.push_back(std::move(t));
    }
  }
  if (rule->targets.size() > kMaxTargets) {
    return Status(common::ErrorCode::kInvalidArgument,
                  fmt::format("The requested resource exceeds the maximum number allowed ({} targets per rule).", kMaxTargets),
                  "LimitExceededException");
  }
  STRATUS_RETURN_IF_ERROR(impl_->Store(*rule));
  return failures;
}

Result<std::vector<TargetFailure>> BusService::RemoveTargets(std::string_view bus, std::string_view name,
                                                             const std::vector<std::string>& ids) {
  std::lock_guard write(impl_->write_mu);
  auto rule = impl_->Find(bus, name);
  if (!rule.ok()) return rule.status();
  std::vector<TargetFailure> failures;
  for (const auto& id : ids) {
    auto it = std::find_if(rule->targets.begin(), rule->targets.end(), [&](const Target& x) { return x.id == id; });
    if (it == rule->targets.end()) {
      failures.push_back({id, "ResourceNotFoundException", fmt::format("Target {} does not exist.", id)});
      continue;
    }
    rule->targets.erase(it);
  }
  STRATUS_RETURN_IF_ERROR(impl_->Store(*rule));
  return failures;
}

Result<std::vector<Target>> BusService::ListTargets(std::string_view bus, std::string_view name) const {
  auto rule = impl_->Find(bus, name);
  if (!rule.ok()) return rule.status();
  return rule->targets;
}

Result<std::vector<PutEventResult>> BusService::PutEvents(std::vector<Event> events) {
  std::vector<PutEventResult> results(events.size());
  storage::WriteBatch batch;
  std::vector<std::string> keys;
  int64_t now = impl_->NowMs();
  std::vector<std::pair<std::string, Rule>> rules;
  std::map<std::string, EventPattern> patterns;
  {
    std::lock_guard lock(impl_->mu);
    for (const auto& [k, r] : impl_->rules) {
      if (r.enabled && !r.targets.empty() && impl_->patterns.contains(k)) {
        rules.emplace_back(k, r);
        patterns.emplace(k, impl_->patterns.at(k));
      }
    }
  }
  size_t accepted = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    Event& e = events[i];
    auto fail = [&](std::string code, std::string msg) {
      results[i].error_code = std::move(code);
      results[i].error_message = std::move(msg);
    };
    if (e.source.empty()) {
      fail("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.");
      continue;
    }
    if (e.detail_type.empty()) {
      fail("InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
      continue;
    }
    if (e.detail.empty()) {
      fail("InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.");
      continue;
    }
    boost::system::error_code ec;
    json::value detail = json::parse(e.detail, ec);
    if (ec || !detail.is_object()) {
      fail("MalformedDetail", "Detail is malformed.");
      continue;
    }
    auto bus = BusName(e.bus);
    if (!bus.ok()) {
      fail("InvalidArgument", bus.status().message());
      continue;
    }
    std::string id = common::NewUuid();
    json::array resources;
    for (const auto& r : e.resources) resources.push_back(json::string(r));
    json::value event = json::object{{"version", "0"},
                                     {"id", id},
                                     {"detail-type", e.detail_type},
                                     {"source", e.source},
                                     {"account", impl_->options.account},
                                     {"time", IsoTime(e.time_ms.value_or(now))},
                                     {"region", impl_->options.region},
                                     {"resources", std::move(resources)},
                                     {"detail", std::move(detail)}};
    std::string text = json::serialize(event);
    for (const auto& [k, rule] : rules) {
      if (rule.bus != *bus || !patterns.at(k).Matches(event)) continue;
      for (const auto& t : rule.targets) {
        std::string key = fmt::format("{}{:016x}", kOutboxPrefix, impl_->NextSeq());
        json::object d{{"v", kFormat}, {"rule", rule.name}, {"arn", rule.arn}, {"target", EncodeTarget(t)},
                       {"event", text}, {"at", now}};
        batch.Put(key, kCodec.Seal(json::serialize(d)));
        keys.push_back(std::move(key));
      }
    }
    results[i].event_id = std::move(id);
    ++accepted;
  }
  if (!batch.empty()) STRATUS_RETURN_IF_ERROR(impl_->kv.Write(batch));
  if (impl_->events != nullptr) impl_->events->Inc(accepted);
  if (impl_->matched != nullptr) impl_->matched->Inc(keys.size());
  if (!keys.empty()) impl_->outbox->Added(std::move(keys));
  return results;
}

Result<bool> BusService::TestPattern(std::string_view pattern, std::string_view event) {
  auto p = EventPattern::Parse(pattern);
  if (!p.ok()) return p.status();
  boost::system::error_code ec;
  json::value v = json::parse(event, ec);
  if (ec || !v.is_object()) return Invalid("Parameter Event is not valid.");
  return p->Matches(v);
}

Outbox::Verdict BusService::Impl::Deliver(std::string_view key, std::string_view value, int attempt) {
  auto plain = kCodec.Open(value);
  auto o = plain.ok() ? record::Parse(*plain, kFormat, "event delivery") : Result<json::object>(plain.status());
  if (!o.ok()) {
    common::log::Get("events")->error("delivery {} unreadable: {}", key, o.status().ToString());
    return Outbox::Verdict::kGiveUp;
  }
  record::Reader r(*o);
  std::string rule = r.Str("rule"), rule_arn = r.Str("arn"), event = r.Str("event");
  int64_t at = r.Int("at");
  Target target;
  if (auto* t = r.Obj("target")) target = DecodeTarget(r, *t);
  if (targets == nullptr) return Outbox::Verdict::kRetry;
  Status st;
  auto payload = TargetInput(target, event, rule, rule_arn);
  if (!payload.ok()) {
    st = payload.status();
  } else {
    Delivery d;
    d.body = std::move(payload).value();
    d.group_id = target.message_group_id;
    d.sender = "events.amazonaws.com";
    st = targets->Deliver(target.arn, d);
  }
  if (st.ok()) return Outbox::Verdict::kDone;
  if (failed != nullptr) failed->Inc();
  bool expired = NowMs() - at > int64_t{target.maximum_event_age_seconds} * 1000;
  bool permanent = st.code() == common::ErrorCode::kInvalidArgument;
  if (!permanent && !expired && attempt <= target.maximum_retry_attempts) return Outbox::Verdict::kRetry;
  common::log::Get("events")->warn("rule={} target={} gave up after {} attempts: {}", rule, target.arn, attempt,
                                   st.ToString());
  if (target.dead_letter_arn.empty()) return Outbox::Verdict::kGiveUp;
  Delivery dl;
  dl.body = event;
  dl.sender = "events.amazonaws.com";
  dl.attributes["RULE_ARN"] = {"String", rule_arn, ""};
  dl.attributes["TARGET_ARN"] = {"String", target.arn, ""};
  dl.attributes["ERROR_CODE"] = {"String", std::string(common::ErrorCodeName(st.code())), ""};
  dl.attributes["ERROR_MESSAGE"] = {"String", st.message().empty() ? std::string("delivery failed") : st.message(), ""};
  if (auto dst = targets->Deliver(target.dead_letter_arn, dl); !dst.ok()) {
    common::log::Get("events")->warn("rule={} dead-letter queue {} refused: {}", rule, target.dead_letter_arn, dst.ToString());
    return Outbox::Verdict::kRetry;  // keep it until the dead-letter queue takes it
  }
  if (dead_lettered != nullptr) dead_lettered->Inc();
  return Outbox::Verdict::kGiveUp;
}

}  // namespace service::bus
