#include "api/events/ops/rules.h"

#include <fmt/format.h>

namespace api::events {

namespace json = boost::json;

namespace {

Status Invalid(std::string m) { return Status(common::ErrorCode::kInvalidArgument, std::move(m)); }

Result<RuleRef> ParseRef(OpContext& ctx, std::string_view member) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  auto name = body->Required(member);
  if (!name.ok()) return name.status();
  auto bus = body->BusName(ctx);
  if (!bus.ok()) return bus.status();
  return RuleRef{std::move(bus).value(), std::move(name).value()};
}

json::object RuleObject(const bus::Rule& r) {
  json::object o{{"Name", r.name}, {"Arn", r.arn}, {"EventPattern", r.event_pattern},
                 {"State", r.enabled ? "ENABLED" : "DISABLED"}, {"EventBusName", r.bus}};
  if (!r.description.empty()) o["Description"] = r.description;
  if (!r.role_arn.empty()) o["RoleArn"] = r.role_arn;
  return o;
}

json::object TargetObject(const bus::Target& t) {
  json::object o{{"Id", t.id}, {"Arn", t.arn}};
  if (!t.role_arn.empty()) o["RoleArn"] = t.role_arn;
  if (!t.input.empty()) o["Input"] = t.input;
  if (!t.input_path.empty()) o["InputPath"] = t.input_path;
  if (t.transformer) {
    json::object paths;
    for (const auto& [k, v] : t.transformer->paths) paths[k] = v;
    json::object x{{"InputTemplate", t.transformer->template_text}};
    if (!paths.empty()) x["InputPathsMap"] = std::move(paths);
    o["InputTransformer"] = std::move(x);
  }
  if (!t.dead_letter_arn.empty()) o["DeadLetterConfig"] = json::object{{"Arn", t.dead_letter_arn}};
  o["RetryPolicy"] = json::object{{"MaximumRetryAttempts", t.maximum_retry_attempts},
                                  {"MaximumEventAgeInSeconds", t.maximum_event_age_seconds}};
  if (!t.message_group_id.empty()) o["SqsParameters"] = json::object{{"MessageGroupId", t.message_group_id}};
  return o;
}

Result<bus::Target> ParseTarget(const json::value& v) {
  if (!v.is_object()) return Invalid("Each target must be a structure.");
  Body b(v.as_object());
  bus::Target t;
  auto id = b.Required("Id");
  if (!id.ok()) return id.status();
  t.id = std::move(id).value();
  auto arn = b.Required("Arn");
  if (!arn.ok()) return arn.status();
  t.arn = std::move(arn).value();
  auto role = b.String("RoleArn");
  auto input = b.String("Input");
  auto path = b.String("InputPath");
  if (!role.ok() || !input.ok() || !path.ok()) return Invalid("Target members must be strings.");
  t.role_arn = *role;
  t.input = *input;
  t.input_path = *path;
  const auto& o = v.as_object();
  if (auto* x = o.if_contains("InputTransformer"); x != nullptr && x->is_object()) {
    Body xb(x->as_object());
    auto tpl = xb.Required("InputTemplate");
    if (!tpl.ok()) return tpl.status();
    bus::InputTransformer tr;
    tr.template_text = std::move(tpl).value();
    if (auto* paths = x->as_object().if_contains("InputPathsMap"); paths != nullptr && paths->is_object()) {
      for (const auto& [k, p] : paths->as_object()) {
        if (!p.is_string()) return Invalid("InputPathsMap values must be strings.");
        tr.paths[std::string(k)] = std::string(p.as_string());
      }
    }
    t.transformer = std::move(tr);
  }
  if (auto* d = o.if_contains("DeadLetterConfig"); d != nullptr && d->is_object()) {
    if (auto* a = d->as_object().if_contains("Arn"); a != nullptr && a->is_string()) t.dead_letter_arn = a->as_string();
  }
  if (auto* r = o.if_contains("RetryPolicy"); r != nullptr && r->is_object()) {
    Body rb(r->as_object());
    auto n = rb.Int("MaximumRetryAttempts");
    auto age = rb.Int("MaximumEventAgeInSeconds");
    if (!n.ok() || !age.ok()) return Invalid("RetryPolicy members must be integers.");
    if (*n) {
      if (**n < 0 || **n > 185) return Invalid("MaximumRetryAttempts must be between 0 and 185.");
      t.maximum_retry_attempts = static_cast<int>(**n);
    }
    if (*age) {
      if (**age < 60 || **age > 86400) return Invalid("MaximumEventAgeInSeconds must be between 60 and 86400.");
      t.maximum_event_age_seconds = static_cast<int>(**age);
    }
  }
  if (auto* s = o.if_contains("SqsParameters"); s != nullptr && s->is_object()) {
    if (auto* g = s->as_object().if_contains("MessageGroupId"); g != nullptr && g->is_string()) {
      t.message_group_id = g->as_string();
    }
  }
  return t;
}

json::object FailureObject(const bus::TargetFailure& f) {
  return json::object{{"TargetId", f.target_id}, {"ErrorCode", f.error_code}, {"ErrorMessage", f.error_message}};
}

}  // namespace

// --- Rules ---------------------------------------------------------------------

Result<PutRule::Request> PutRule::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  bus::Rule r;
  auto name = body->Required("Name");
  if (!name.ok()) return name.status();
  r.name = std::move(name).value();
  auto busname = body->BusName(ctx);
  if (!busname.ok()) return busname.status();
  r.bus = std::move(busname).value();
  auto schedule = body->String("ScheduleExpression");
  if (!schedule.ok()) return schedule.status();
  if (!schedule->empty()) {
    return Invalid("ScheduleExpression is not supported here: rules match events with an EventPattern.");
  }
  auto pattern = body->String("EventPattern");
  auto desc = body->String("Description");
  auto role = body->String("RoleArn");
  auto state = body->String("State");
  if (!pattern.ok()) return pattern.status();
  if (!desc.ok()) return desc.status();
  if (!role.ok()) return role.status();
  if (!state.ok()) return state.status();
  if (!state->empty() && *state != "ENABLED" && *state != "DISABLED") {
    return Invalid(fmt::format("1 validation error detected: Value '{}' at 'state' failed to satisfy constraint: "
                               "Member must satisfy enum value set: [ENABLED, DISABLED]", *state));
  }
  r.event_pattern = std::move(pattern).value();
  r.description = std::move(desc).value();
  r.role_arn = std::move(role).value();
  r.enabled = *state != "DISABLED";
  return r;
}

net::awaitable<Result<net::Response>> PutRule::Execute(OpContext& ctx, Request r) {
  auto arn = co_await CallBus(ctx, [&](bus::BusService& s) { return s.PutRule(std::move(r)); });
  if (!arn.ok()) co_return arn.status();
  co_return JsonResponse({{"RuleArn", *arn}});
}

Result<DescribeRule::Request> DescribeRule::Parse(OpContext& ctx) { return ParseRef(ctx, "Name"); }

net::awaitable<Result<net::Response>> DescribeRule::Execute(OpContext& ctx, Request r) {
  auto rule = co_await CallBus(ctx, [&](bus::BusService& s) { return s.DescribeRule(r.bus, r.name); });
  if (!rule.ok()) co_return rule.status();
  json::object o = RuleObject(*rule);
  o["CreatedBy"] = "000000000000";
  co_return JsonResponse(std::move(o));
}

Result<ListRules::Request> ListRules::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  Request r;
  auto busname = body->BusName(ctx);
  if (!busname.ok()) return busname.status();
  r.bus = std::move(busname).value();
  auto prefix = body->String("NamePrefix");
  auto token = body->String("NextToken");
  auto limit = body->Int("Limit");
  if (!prefix.ok()) return prefix.status();
  if (!token.ok()) return token.status();
  if (!limit.ok()) return limit.status();
  r.prefix = std::move(prefix).value();
  r.after = std::move(token).value();
  if (*limit) {
    if (**limit < 1 || **limit > 100) return Invalid("Limit must be between 1 and 100.");
    r.limit = static_cast<size_t>(**limit);
  }
  return r;
}

net::awaitable<Result<net::Response>> ListRules::Execute(OpContext& ctx, Request r) {
  auto rules = co_await CallBus(ctx, [&](bus::BusService& s) { return s.ListRules(r.bus, r.prefix); });
  if (!rules.ok()) co_return rules.status();
  json::array out;
  std::string last;
  bool more = false;
  for (const auto& rule : *rules) {
    if (!r.after.empty() && rule.name <= r.after) continue;
    if (out.size() == r.limit) {
      more = true;
      break;
    }
    out.push_back(RuleObject(rule));
    last = rule.name;
  }
  json::object res{{"Rules", std::move(out)}};
  if (more) res["NextToken"] = last;
  co_return JsonResponse(std::move(res));
}

Result<DeleteRule::Request> DeleteRule::Parse(OpContext& ctx) {
  auto ref = ParseRef(ctx, "Name");
  if (!ref.ok()) return ref.status();
  auto body = Body::Parse(ctx);
  auto force = body->Bool("Force");
  if (!force.ok()) return force.status();
  return Request{std::move(ref).value(), *force};
}

net::awaitable<Result<net::Response>> DeleteRule::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallBus(ctx, [&](bus::BusService& s) { return s.DeleteRule(r.rule.bus, r.rule.name, r.force); });
  if (!st.ok()) co_return st;
  co_return JsonResponse({});
}

Result<EnableRule::Request> EnableRule::Parse(OpContext& ctx) { return ParseRef(ctx, "Name"); }

net::awaitable<Result<net::Response>> EnableRule::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallBus(ctx, [&](bus::BusService& s) { return s.SetRuleState(r.bus, r.name, true); });
  if (!st.ok()) co_return st;
  co_return JsonResponse({});
}

Result<DisableRule::Request> DisableRule::Parse(OpContext& ctx) { return ParseRef(ctx, "Name"); }

net::awaitable<Result<net::Response>> DisableRule::Execute(OpContext& ctx, Request r) {
  auto st = co_await CallBus(ctx, [&](bus::BusService& s) { return s.SetRuleState(r.bus, r.name, false); });
  if (!st.ok()) co_return st;
  co_return JsonResponse({});
}

// --- Targets -------------------------------------------------------------------

Result<PutTargets::Request> PutTargets::Parse(OpContext& ctx) {
  auto ref = ParseRef(ctx, "Rule");
  if (!ref.ok()) return ref.status();
  auto body = Body::Parse(ctx);
  auto targets = body->Array("Targets");
  if (!targets.ok()) return targets.status();
  if (*targets == nullptr || (*targets)->empty() || (*targets)->size() > 10) {
    return Invalid("1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have "
                   "length between 1 and 10");
  }
  Request r{std::move(ref).value(), {}};
  for (const auto& t : **targets) {
    auto parsed = ParseTarget(t);
    if (!parsed.ok()) return parsed.status();
    r.targets.push_back(std::move(parsed).value());
  }
  return r;
}

net::awaitable<Result<net::Response>> PutTargets::Execute(OpContext& ctx, Request r) {
  auto failures = co_await CallBus(ctx, [&](bus::BusService& s) {
    return s.PutTargets(r.rule.bus, r.rule.name, std::move(r.targets));
  });
  if (!failures.ok()) co_return failures.status();
  json::array entries;
  for (const auto& f : *failures) entries.push_back(FailureObject(f));
  co_return JsonResponse({{"FailedEntryCount", failures->size()}, {"FailedEntries", std::move(entries)}});
}

Result<RemoveTargets::Request> RemoveTargets::Parse(OpContext& ctx) {
  auto ref = ParseRef(ctx, "Rule");
  if (!ref.ok()) return ref.status();
  auto body = Body::Parse(ctx);
  auto ids = body->Array("Ids");
  if (!ids.ok()) return ids.status();
  if (*ids == nullptr || (*ids)->empty()) return Invalid("1 validation error detected: Value null at 'ids' failed to satisfy constraint: Member must not be null");
  Request r{std::move(ref).value(), {}};
  for (const auto& id : **ids) {
    if (!id.is_string()) return Invalid("Ids must be strings.");
    r.ids.emplace_back(id.as_string());
  }
  return r;
}

net::awaitable<Result<net::Response>> RemoveTargets::Execute(OpContext& ctx, Request r) {
  auto failures = co_await CallBus(ctx, [&](bus::BusService& s) { return s.RemoveTargets(r.rule.bus, r.rule.name, r.ids); });
  if (!failures.ok()) co_return failures.status();
  json::array entries;
  for (const auto& f : *failures) entries.push_back(FailureObject(f));
  co_return JsonResponse({{"FailedEntryCount", failures->size()}, {"FailedEntries", std::move(entries)}});
}

Result<ListTargetsByRule::Request> ListTargetsByRule::Parse(OpContext& ctx) { return ParseRef(ctx, "Rule"); }

net::awaitable<Result<net::Response>> ListTargetsByRule::Execute(OpContext& ctx, Request r) {
  auto targets = co_await CallBus(ctx, [&](bus::BusService& s) { return s.ListTargets(r.bus, r.name); });
  if (!targets.ok()) co_return targets.status();
  json::array out;
  for (const auto& t : *targets) out.push_back(TargetObject(t));
  co_return JsonResponse({{"Targets", std::move(out)}});
}

// --- Events --------------------------------------------------------------------

Result<PutEvents::Request> PutEvents::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  auto entries = body->Array("Entries");
  if (!entries.ok()) return entries.status();
  if (*entries == nullptr || (*entries)->empty() || (*entries)->size() > 10) {
    return Invalid("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have "
                   "length between 1 and 10");
  }
  Request events;
  size_t total = 0;
  for (const auto& e : **entries) {
    if (!e.is_object()) return Invalid("Each entry must be a structure.");
    Body b(e.as_object());
    bus::Event ev;
    auto source = b.String("Source");
    auto type = b.String("DetailType");
    auto detail = b.String("Detail");
    auto busname = b.String("EventBusName");
    if (!source.ok() || !type.ok() || !detail.ok() || !busname.ok()) return Invalid("Entry members must be strings.");
    ev.source = *source;
    ev.detail_type = *type;
    ev.detail = *detail;
    ev.bus = *busname;
    if (auto* t = e.as_object().if_contains("Time"); t != nullptr) {
      if (t->is_int64()) ev.time_ms = t->as_int64() * 1000;
      if (t->is_double()) ev.time_ms = static_cast<int64_t>(t->as_double() * 1000);
    }
    auto resources = b.Array("Resources");
    if (!resources.ok()) return resources.status();
    if (*resources != nullptr) {
      for (const auto& res : **resources) {
        if (res.is_string()) ev.resources.emplace_back(res.as_string());
      }
    }
    total += ev.source.size() + ev.detail_type.size() + ev.detail.size();
    events.push_back(std::move(ev));
  }
  if (total > 256 * 1024) {
    return Invalid("Total size of the entries in the request is over the limit.");
  }
  return events;
}

net::awaitable<Result<net::Response>> PutEvents::Execute(OpContext& ctx, Request r) {
  auto results = co_await CallBus(ctx, [&](bus::BusService& s) { return s.PutEvents(std::move(r)); });
  if (!results.ok()) co_return results.status();
  json::array entries;
  int failed = 0;
  for (const auto& res : *results) {
    if (!res.event_id.empty()) {
      entries.push_back(json::object{{"EventId", res.event_id}});
    } else {
      ++failed;
      entries.push_back(json::object{{"ErrorCode", res.error_code}, {"ErrorMessage", res.error_message}});
    }
  }
  co_return JsonResponse({{"FailedEntryCount", failed}, {"Entries", std::move(entries)}});
}

Result<TestEventPattern::Request> TestEventPattern::Parse(OpContext& ctx) {
  auto body = Body::Parse(ctx);
  if (!body.ok()) return body.status();
  auto pattern = body->Required("EventPattern");
  if (!pattern.ok()) return pattern.status();
  auto event = body->Required("Event");
  if (!event.ok()) return event.status();
  return Request{std::move(pattern).value(), std::move(event).value()};
}

net::awaitable<Result<net::Response>> TestEventPattern::Execute(OpContext&, Request r) {
  auto match = bus::BusService::TestPattern(r.pattern, r.event);
  if (!match.ok()) co_return match.status();
  co_return JsonResponse({{"Result", *match}});
}

}  // namespace api::events
