// libFuzzer target for the policy engine (src/auth/policy.h).
//
// Input grammar:
//   control:u8  document
// control bit 0: an identity policy instead of a resource policy;
//         bit 1: bucket-policy scoping options (known actions, the bucket, known keys);
//         bit 2: a 512-byte size limit instead of 20 KB.
//
// Properties checked:
//   * ParsePolicy never crashes; a refusal is kInvalidArgument with reason
//     "MalformedPolicy" and a message; parsing the same input twice gives the
//     same answer.
//   * A parsed policy has statements; Evaluate (against a few fixed requests:
//     anonymous, a user, a role session, a service, with single- and
//     multi-valued context keys) and IsPublic never crash.
//   * A resource policy IsPublic calls non-public never allows an anonymous
//     request whose context holds none of the keys that pin a public grant.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "auth/policy.h"

namespace {

auth::RequestFacts Facts(std::string action, std::string resource) {
  auth::RequestFacts f;
  f.action = std::move(action);
  f.resource = std::move(resource);
  return f;
}

const std::vector<auth::RequestFacts>& Requests() {
  static const auto* requests = [] {
    auto* r = new std::vector<auth::RequestFacts>;
    auth::RequestFacts anonymous = Facts("s3:GetObject", "arn:aws:s3:::b/photos/cat.jpg");
    anonymous.context["aws:securetransport"] = {"false"};
    anonymous.context["aws:sourceip"] = {"192.0.2.1"};
    r->push_back(anonymous);

    auth::RequestFacts user = Facts("s3:PutObject", "arn:aws:s3:::b/home/alice/a.txt");
    user.anonymous = false;
    user.principal_arn = "arn:aws:iam::111122223333:user/alice";
    user.account_id = "111122223333";
    user.context["aws:username"] = {"alice"};
    user.context["aws:securetransport"] = {"true"};
    user.context["aws:sourceip"] = {"2001:db8::1"};
    user.context["aws:currenttime"] = {"2026-11-22T05:00:00Z"};
    user.context["aws:epochtime"] = {"1795237200"};
    user.context["s3:max-keys"] = {"100"};
    user.context["aws:tagkeys"] = {"team", "cost-center"};
    r->push_back(user);

    auth::RequestFacts role = Facts("s3:ListBucket", "arn:aws:s3:::b");
    role.anonymous = false;
    role.principal_arn = "arn:aws:sts::444455556666:assumed-role/Reader/session";
    role.account_id = "444455556666";
    role.context["s3:prefix"] = {"home/"};
    role.context["aws:principalarn"] = {"arn:aws:iam::444455556666:role/Reader"};
    role.context["aws:sourcevpc"] = {"vpc-1"};
    role.context["aws:tagkeys"] = {};
    r->push_back(role);

    auth::RequestFacts service = Facts("s3:PutObject", "arn:aws:s3:::b/logs/1");
    service.anonymous = false;
    service.service = "logging.s3.amazonaws.com";
    service.context["aws:sourceaccount"] = {"111122223333"};
    service.context["aws:sourcearn"] = {"arn:aws:s3:::source"};
    r->push_back(service);
    return r;
  }();
  return *requests;
}

// An anonymous request carrying only keys that never pin a public grant.
const auth::RequestFacts& Unpinned() {
  static const auto* facts = [] {
    auto* f = new auth::RequestFacts(Facts("s3:GetObject", "arn:aws:s3:::b/k"));
    f->context["aws:securetransport"] = {"true"};
    f->context["s3:prefix"] = {"a"};
    f->context["aws:tagkeys"] = {"x", "y"};
    return f;
  }();
  return *facts;
}

auth::ParseOptions Options(uint8_t control) {
  auth::ParseOptions opts;
  if (control & 1) opts.kind = auth::PolicyKind::kIdentity;
  if (control & 2) {
    opts.known_actions = {"s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject",
                          "s3:GetBucketPolicy"};
    opts.resource_scope = "arn:aws:s3:::b";
    opts.known_condition_keys = {"s3:prefix", "s3:max-keys", "s3:existingobjecttag/"};
  }
  if (control & 4) opts.max_bytes = 512;
  return opts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auth::ParseOptions opts = Options(data[0]);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  auto parsed = auth::ParsePolicy(text, opts);
  auto again = auth::ParsePolicy(text, opts);
  if (parsed.ok() != again.ok() || parsed.status().message() != again.status().message()) std::abort();
  if (!parsed.ok()) {
    const common::Status st = parsed.status();
    if (st.code() != common::ErrorCode::kInvalidArgument || st.reason() != "MalformedPolicy" ||
        st.message().empty()) {
      std::abort();
    }
    return 0;
  }
  const auth::Policy& policy = parsed.value();
  if (policy.statements.empty()) std::abort();

  for (const auth::RequestFacts& facts : Requests()) {
    const auth::Decision d = auth::Evaluate(policy, facts);
    if (d != auth::Decision::kNotApplicable && d != auth::Decision::kAllow && d != auth::Decision::kDeny) {
      std::abort();
    }
  }
  const bool is_public = auth::IsPublic(policy);
  if (opts.kind == auth::PolicyKind::kResource && !is_public &&
      auth::Evaluate(policy, Unpinned()) == auth::Decision::kAllow) {
    std::abort();
  }
  return 0;
}
