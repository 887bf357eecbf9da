// Unit tests for the policy engine (src/auth/policy.h).
//
// The S3 cases are the bucket policy examples of the S3 User Guide (public
// read, HTTPS only, an IP allow-list with one exception, another account, a
// role) and the public/non-public examples of "The meaning of public". The
// condition cases follow the IAM User Guide's condition operator pages: one
// row per operator family, IfExists, the set qualifiers and absent keys.

#include "auth/policy.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace auth {
namespace {

using common::ErrorCode;

constexpr char kAccount[] = "111122223333";
constexpr char kOtherAccount[] = "444455556666";

Policy MustParse(std::string_view json, const ParseOptions& opts = {}) {
  auto p = ParsePolicy(json, opts);
  EXPECT_TRUE(p.ok()) << p.status().ToString() << "\n" << json;
  return p.ok() ? std::move(p).value() : Policy{};
}

RequestFacts Anonymous(std::string action, std::string resource) {
  RequestFacts f;
  f.action = std::move(action);
  f.resource = std::move(resource);
  return f;
}

RequestFacts As(std::string arn, std::string account, std::string action, std::string resource) {
  RequestFacts f = Anonymous(std::move(action), std::move(resource));
  f.principal_arn = std::move(arn);
  f.account_id = std::move(account);
  f.anonymous = false;
  return f;
}

RequestFacts User(std::string action, std::string resource) {
  return As(std::string("arn:aws:iam::") + kAccount + ":user/alice", kAccount, std::move(action),
            std::move(resource));
}

// ---------------------------------------------------------------------------
// The S3 User Guide's bucket policy examples.

// Verifies the public-read example: anyone may GET objects, nothing else.
TEST(PolicyS3ExamplesTest, PublicReadGrantsGetObjectToEveryone) {
  Policy p = MustParse(R"({
    "Version": "2012-10-17",
    "Statement": [{
      "Sid": "PublicReadGetObject",
      "Effect": "Allow",
      "Principal": "*",
      "Action": ["s3:GetObject"],
      "Resource": ["arn:aws:s3:::examplebucket/*"]
    }]
  })");
  EXPECT_EQ(Evaluate(p, Anonymous("s3:GetObject", "arn:aws:s3:::examplebucket/photos/cat.jpg")), Decision::kAllow);
  EXPECT_EQ(Evaluate(p, User("s3:GetObject", "arn:aws:s3:::examplebucket/a")), Decision::kAllow);
  EXPECT_EQ(Evaluate(p, Anonymous("s3:PutObject", "arn:aws:s3:::examplebucket/a")), Decision::kNotApplicable);
  EXPECT_EQ(Evaluate(p, Anonymous("s3:GetObject", "arn:aws:s3:::otherbucket/a")), Decision::kNotApplicable);
  EXPECT_EQ(Evaluate(p, Anonymous("s3:ListBucket", "arn:aws:s3:::examplebucket")), Decision::kNotApplicable);
  EXPECT_TRUE(IsPublic(p));
}

// Verifies the HTTPS-only example: aws:SecureTransport false is denied.
TEST(PolicyS3ExamplesTest, DenyInsecureTransport) {
  Policy p = MustParse(R"({
    "Version": "2012-10-17",
    "Statement": [{
      "Sid": "RestrictToTLSRequestsOnly",
      "Action": "s3:*",
      "Effect": "Deny",
      "Resource": ["arn:aws:s3:::examplebucket", "arn:aws:s3:::examplebucket/*"],
      "Condition": {"Bool": {"aws:SecureTransport": "false"}},
      "Principal": "*"
    }]
  })");
  RequestFacts f = User("s3:GetObject", "arn:aws:s3:::examplebucket/a");
  f.context["aws:securetransport"] = {"false"};
  EXPECT_EQ(Evaluate(p, f), Decision::kDeny);
  f.context["aws:securetransport"] = {"true"};
  EXPECT_EQ(Evaluate(p, f), Decision::kNotApplicable);
  f.context.erase("aws:securetransport");
  EXPECT_EQ(Evaluate(p, f), Decision::kNotApplicable);  // absent key: the positive Bool fails
  EXPECT_FALSE(IsPublic(p));
}

// Verifies the IP allow-list example: a /24 allowed except one address, and IPv6.
TEST(PolicyS3ExamplesTest, SourceIpAllowListWithException) {
  Policy p = MustParse(R"({
    "Version": "2012-10-17",
    "Id": "S3PolicyId1",
    "Statement": [{
      "Sid": "IPAllow",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::examplebucket", "arn:aws:s3:::examplebucket/*"],
      "Condition": {
        "IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:DB8:1234:5678::/64"]},
        "NotIpAddress": {"aws:SourceIp": ["192.0.2.188/32", "2001:DB8:1234:5678:ABCD::1"]}
      }
    }]
  })");
  EXPECT_EQ(p.id, "S3PolicyId1");
  const std::vector<std::pair<std::string, Decision>> cases = {
      {"192.0.2.1", Decision::kAllow},
      {"192.0.2.188", Decision::kNotApplicable},
      {"192.0.3.1", Decision::kNotApplicable},
      {"2001:db8:1234:5678::42", Decision::kAllow},
      {"2001:db8:1234:5678:abcd::1", Decision::kNotApplicable},
      {"2001:db8:1234:5679::1", Decision::kNotApplicable},
      {"::ffff:192.0.2.7", Decision::kAllow},
      {"not an address", Decision::kNotApplicable},
  };
  for (const auto& [ip, want] : cases) {
    RequestFacts f = Anonymous("s3:GetObject", "arn:aws:s3:::examplebucket/a");
    f.context["aws:sourceip"] = {ip};
    EXPECT_EQ(Evaluate(p, f), want) << ip;
  }
  EXPECT_FALSE(IsPublic(p));
}

// Verifies grants to another account (its root ARN or its id) and to a role.
TEST(PolicyS3ExamplesTest, AccountAndRolePrincipals) {
  Policy p = MustParse(R"({
    "Version": "2012-10-17",
    "Statement": [
      {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
       "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"},
      {"Effect": "Allow", "Principal": {"AWS": ["444455556666"]},
       "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"},
      {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/team/Auditor"},
       "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
      {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
       "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/logs/*"}
    ]
  })");
  EXPECT_EQ(Evaluate(p, User("s3:PutObject", "arn:aws:s3:::b/k")), Decision::kAllow);
  EXPECT_EQ(Evaluate(p, As("arn:aws:iam::111122223333:root", kAccount, "s3:GetObject", "arn:aws:s3:::b/k")),
            Decision::kAllow);
  EXPECT_EQ(Evaluate(p, Anonymous("s3:PutObject", "arn:aws:s3:::b/k")), Decision::kNotApplicable);
  const std::string other_user = std::string("arn:aws:iam::") + kOtherAccount + ":user/bob";
  EXPECT_EQ(Evaluate(p, As(other_user, kOtherAccount, "s3:ListBucket", "arn:aws:s3:::b")), Decision::kAllow);
  EXPECT_EQ(Evaluate(p, As(other_user, kOtherAccount, "s3:GetObject", "arn:aws:s3:::b/k")),
            Decision::kNotApplicable);
  // The role's sessions (a session ARN has no role path), not other roles.
  EXPECT_EQ(Evaluate(p, As("arn:aws:sts::444455556666:assumed-role/Auditor/s-1", kOtherAccount, "s3:GetObject",
                           "arn:aws:s3:::b/k")),
            Decision::kAllow);
  EXPECT_EQ(Evaluate(p, As("arn:aws:sts::444455556666:assumed-role/Admin/s-1", kOtherAccount, "s3:GetObject",
                           "arn:aws:s3:::b/k")),
            Decision::kNotApplicable);
  RequestFacts logging = Anonymous("s3:PutObject", "arn:aws:s3:::b/logs/1");
  logging.anonymous = false;
  logging.service = "logging.s3.amazonaws.com";
  EXPECT_EQ(Evaluate(p, logging), Decision::kAllow);
  EXPECT_FALSE(IsPublic(p));
}

// ---------------------------------------------------------------------------
// Evaluation logic.

// Verifies that an explicit deny wins over an allow, in either order.
TEST(PolicyEvaluateTest, ExplicitDenyWinsOverAllow) {
  const char* allow = R"({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"})";
  const char* deny = R"({"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "*"})";
  for (const auto& [first, second] : {std::pair{allow, deny}, std::pair{deny, allow}}) {
    Policy p = MustParse(std::string(R"({"Version": "2012-10-17", "Statement": [)") + first + "," + second + "]}");
    EXPECT_EQ(Evaluate(p, User("s3:DeleteObject", "arn:aws:s3:::b/k")), Decision::kDeny);
    EXPECT_EQ(Evaluate(p, User("s3:GetObject", "arn:aws:s3:::b/k")), Decision::kAllow);
  }
}

// Verifies NotAction: everything but the listed actions.
TEST(PolicyEvaluateTest, NotAction) {
  Policy p = MustParse(R"({"Statement": {"Effect": "Deny", "Principal": "*",
      "NotAction": ["s3:Get*", "s3:List*"], "Resource": "arn:aws:s3:::b/*"}})");
  EXPECT_EQ(p.version, "2008-10-17");
  EXPECT_EQ(Evaluate(p, User("s3:PutObject", "arn:aws:s3:::b/k")), Decision::kDeny);
  EXPECT_EQ(Evaluate(p, User("s3:GetObject", "arn:aws:s3:::b/k")), Decision::kNotApplicable);
  EXPECT_EQ(Evaluate(p, User("S3:GETOBJECTTAGGING", "arn:aws:s3:::b/k")), Decision::kNotApplicable);
  EXPECT_EQ(Evaluate(p, User("s3:PutObject", "arn:aws:s3:::other/k")), Decision::kNotApplicable);
}

// Verifies NotResource: everything but the listed resources.
TEST(PolicyEvaluateTest, NotResource) {
  Policy p = MustParse(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",
      "Action": "s3:*", "NotResource": ["arn:aws:s3:::b/public/*", "arn:aws:s3:::b"]}]})");
  EXPECT_EQ(Evaluate(p, User("s3:GetObject", "arn:aws:s3:::b/private/k")), Decision::kDeny);
  EXPECT_EQ(Evaluate(p, User("s3:GetObject", "arn:aws:s3:::b/public/k")), Decision::kNotApplicable);
  EXPECT_EQ(Evaluate(p, User("s3:ListBucket", "arn:aws:s3:::b")), Decision::kNotApplicable);
}

// Verifies NotPrincipal with Deny: everyone but the listed identities is denied;
// an account listed there excludes only its root identity.
TEST(PolicyEvaluateTest, NotPrincipalDeny) {
  Policy p = MustParse(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
      "NotPrincipal": {"AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root",
                               "arn:aws:iam::111122223333:role/Reader"]},
      "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}]})");
  auto decide = [&](std::string arn, std::string account) {
    return Evaluate(p, As(std::move(arn), std::move(account), "s3:GetObject", "arn:aws:s3:::b/k"));
  };
  EXPECT_EQ(decide("arn:aws:iam::444455556666:user/Bob", kOtherAccount), Decision::kNotApplicable);
  EXPECT_EQ(decide("arn:aws:iam::444455556666:root", kOtherAccount), Decision::kNotApplicable);
  EXPECT_EQ(decide("arn:aws:iam::444455556666:user/Carol", kOtherAccount), Decision::kDeny);
  EXPECT_EQ(decide("arn:aws:sts::111122223333:assumed-role/Reader/s", kAccount), Decision::kNotApplicable);
  EXPECT_EQ(decide("arn:aws:iam::111122223333:user/alice", kAccount), Decision::kDeny);
  EXPECT_EQ(Evaluate(p, Anonymous("s3:GetObject", "arn:aws:s3:::b/k")), Decision::kDeny);
}

// Verifies NotPrincipal with Allow grants everyone else, anonymous included.
TEST(PolicyEvaluateTest, NotPrincipalAllow) {
  Policy p = MustParse(R"({"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"},
      "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})");
  EXPECT_EQ(Evaluate(p, Anonymous("s3:GetObject", "arn:aws:s3:::b/k")), Decision::kAllow);
  EXPECT_EQ(Evaluate(p, As("arn:aws:iam::111122223333:root", kAccount, "s3:GetObject", "arn:aws:s3:::b/k")),
            Decision::kNotApplicable);
  EXPECT_TRUE(IsPublic(p));
}

// Verifies wildcard matching of actions (any case) and resources (exact case).
TEST(PolicyEvaluateTest, Wildcards) {
  struct Case {
    const char* action_pattern;
    const char* resource_pattern;
    const char* action;
    const char* resource;
    bool applies;
  };
  const Case cases[] = {
      {"s3:Get*", "arn:aws:s3:::b/*", "s3:GetObject", "arn:aws:s3:::b/a/b/c", true},
      {"S3:GETOBJECT", "arn:aws:s3:::b/*", "s3:getobject", "arn:aws:s3:::b/k", true},
      {"s3:Get?bject", "arn:aws:s3:::b/*", "s3:GetObject", "arn:aws:s3:::b/k", true},
      {"s3:Get?bject", "arn:aws:s3:::b/*", "s3:GetOObject", "arn:aws:s3:::b/k", false},
      {"*", "*", "sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q", true},
      {"s3:*", "arn:aws:s3:::b/*", "sqs:SendMessage", "arn:aws:s3:::b/k", false},
      {"s3:*", "arn:aws:s3:::B/*", "s3:GetObject", "arn:aws:s3:::b/k", false},
      {"s3:*", "arn:aws:s3:::b/a?c", "s3:GetObject", "arn:aws:s3:::b/abc", true},
      {"s3:*", "arn:aws:s3:::b/a?c", "s3:GetObject", "arn:aws:s3:::b/a\xc3\xa9" "c", true},
      {"s3:*", "arn:aws:s3:::b/a?c", "s3:GetObject", "arn:aws:s3:::b/ac", false},
      {"s3:*", "arn:aws:s3:::b/*.html", "s3:GetObject", "arn:aws:s3:::b/x/index.html", true},
      {"s3:*", "arn:aws:s3:::b/*.html", "s3:GetObject", "arn:aws:s3:::b/x/index.htm", false},
      {"s3:*", "arn:aws:s3:::b*", "s3:ListBucket", "arn:aws:s3:::bucket", true},
      {"s3:*", "arn:aws:s3:::b", "s3:ListBucket", "arn:aws:s3:::bucket", false},
      {"s3:*", "arn:aws:s3:::b/**x", "s3:GetObject", "arn:aws:s3:::b/yyx", true},
  };
  for (const Case& c : cases) {
    Policy p = MustParse(std::string(R"({"Statement": {"Effect": "Allow", "Principal": "*", "Action": ")") +
                         c.action_pattern + R"(", "Resource": ")" + c.resource_pattern + R"("}})");
    EXPECT_EQ(Evaluate(p, Anonymous(c.action, c.resource)), c.applies ? Decision::kAllow : Decision::kNotApplicable)
        << c.action_pattern << " " << c.resource_pattern << " " << c.action << " " << c.resource;
  }
}

// Verifies the glob never backtracks exponentially: a pathological pattern
// against a long key finishes (quadratic work at most) and gives the right answer.
TEST(PolicyEvaluateTest, WildcardMatchingIsNotExponential) {
  std::string pattern = "arn:aws:s3:::b/";
  for (int i = 0; i < 2000; ++i) pattern += "a*";
  pattern += "b";
  Policy p = MustParse(std::string(R"({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:*",
      "Resource": ")") + pattern + R"("}})");
  const std::string key(4000, 'a');
  EXPECT_EQ(Evaluate(p, Anonymous("s3:GetObject", "arn:aws:s3:::b/" + key)), Decision::kNotApplicable);
  EXPECT_EQ(Evaluate(p, Anonymous("s3:GetObject", "arn:aws:s3:::b/" + key + "b")), Decision::kAllow);
}

// Verifies that an identity policy has no principal and applies to its holder.
TEST(PolicyEvaluateTest, IdentityPolicy) {
  ParseOptions opts;
  opts.kind = PolicyKind::kIdentity;
  Policy p = MustParse(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["s3:ListBucket"], "Resource": "arn:aws:s3:::b",
      "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}}]})",
                       opts);
  RequestFacts f = User("s3:ListBucket", "arn:aws:s3:::b");
  f.context["aws:username"] = {"alice"};
  f.context["s3:prefix"] = {"home/alice/docs"};
  EXPECT_EQ(Evaluate(p, f), Decision::kAllow);
  f.context["s3:prefix"] = {"home/bob/docs"};
  EXPECT_EQ(Evaluate(p, f), Decision::kNotApplicable);
  EXPECT_FALSE(IsPublic(p));
}

// Verifies policy variables in resources: substituted in 2012-10-17 (as
// literal text), left as written in 2008-10-17; a missing key matches nothing.
TEST(PolicyEvaluateTest, PolicyVariablesInResources) {
  const char* statement = R"({"Effect": "Allow", "Principal": "*", "Action": "s3:*",
      "Resource": "arn:aws:s3:::b/home/${aws:username}/${*}/*"})";
  Policy p2012 = MustParse(std::string(R"({"Version": "2012-10-17", "Statement": )") + statement + "}");
  Policy p2008 = MustParse(std::string(R"({"Version": "2008-10-17", "Statement": )") + statement + "}");
  RequestFacts f = User("s3:GetObject", "arn:aws:s3:::b/home/alice/*/k");
  f.context["aws:username"] = {"alice"};
  EXPECT_EQ(Evaluate(p2012, f), Decision::kAllow);
  f.resource = "arn:aws:s3:::b/home/alice/x/k";  // ${*} is a literal '*'
  EXPECT_EQ(Evaluate(p2012, f), Decision::kNotApplicable);
  f.context["aws:username"] = {"*"};  // a substituted '*' is no wildcard
  f.resource = "arn:aws:s3:::b/home/bob/*/k";
  EXPECT_EQ(Evaluate(p2012, f), Decision::kNotApplicable);
  f.context.erase("aws:username");
  EXPECT_EQ(Evaluate(p2012, f), Decision::kNotApplicable);
  f.resource = "arn:aws:s3:::b/home/${aws:username}/${*}/k";
  EXPECT_EQ(Evaluate(p2008, f), Decision::kAllow);
}

// ---------------------------------------------------------------------------
// Conditions: one statement with one condition, allowed or not.

struct ConditionCase {
  const char* name;
  const char* condition;  // the JSON of the Condition element
  const char* key;        // the context key set (lower-case), or null
  std::vector<std::string> values;
  bool holds;
};

class PolicyConditionTest : public ::testing::TestWithParam<ConditionCase> {};

// Verifies each condition operator family against the request context.
TEST_P(PolicyConditionTest, Holds) {
  const ConditionCase& c = GetParam();
  Policy p = MustParse(std::string(R"({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*",
      "Action": "s3:*", "Resource": "*", "Condition": )") + c.condition + "}}");
  RequestFacts f = User("s3:GetObject", "arn:aws:s3:::b/k");
  f.context["aws:username"] = {"alice"};
  if (c.key != nullptr) f.context[c.key] = c.values;
  EXPECT_EQ(Evaluate(p, f), c.holds ? Decision::kAllow : Decision::kNotApplicable) << c.condition;
}

const ConditionCase kConditionCases[] = {
    // String operators: case-sensitive, IgnoreCase, Like with wildcards.
    {"StringEquals", R"({"StringEquals": {"s3:prefix": "Home"}})", "s3:prefix", {"Home"}, true},
    {"StringEqualsCase", R"({"StringEquals": {"s3:prefix": "Home"}})", "s3:prefix", {"home"}, false},
    {"StringEqualsOr", R"({"StringEquals": {"s3:prefix": ["a", "b"]}})", "s3:prefix", {"b"}, true},
    {"StringEqualsAbsent", R"({"StringEquals": {"s3:prefix": "a"}})", nullptr, {}, false},
    {"StringEqualsKeyCase", R"({"StringEquals": {"S3:Prefix": "a"}})", "s3:prefix", {"a"}, true},
    {"OperatorCase", R"({"stringequals": {"s3:prefix": "a"}})", "s3:prefix", {"a"}, true},
    {"StringEqualsNumber", R"({"StringEquals": {"s3:max-keys": 10}})", "s3:max-keys", {"10"}, true},
    {"StringNotEquals", R"({"StringNotEquals": {"s3:prefix": ["a", "b"]}})", "s3:prefix", {"c"}, true},
    {"StringNotEqualsNor", R"({"StringNotEquals": {"s3:prefix": ["a", "b"]}})", "s3:prefix", {"b"}, false},
    {"StringNotEqualsAbsent", R"({"StringNotEquals": {"s3:prefix": "a"}})", nullptr, {}, true},
    {"StringEqualsIgnoreCase", R"({"StringEqualsIgnoreCase": {"s3:prefix": "HOME"}})", "s3:prefix", {"home"}, true},
    {"StringNotEqualsIgnoreCase", R"({"StringNotEqualsIgnoreCase": {"s3:prefix": "HOME"}})", "s3:prefix",
     {"home"}, false},
    {"StringLike", R"({"StringLike": {"s3:prefix": "home/*"}})", "s3:prefix", {"home/a/b"}, true},
    {"StringLikeQuestion", R"({"StringLike": {"s3:prefix": "h?me"}})", "s3:prefix", {"hxme"}, true},
    {"StringLikeNo", R"({"StringLike": {"s3:prefix": "home/*"}})", "s3:prefix", {"work/a"}, false},
    {"StringNotLike", R"({"StringNotLike": {"s3:prefix": ["home/*", "tmp/*"]}})", "s3:prefix", {"work/a"}, true},
    {"StringNotLikeNor", R"({"StringNotLike": {"s3:prefix": ["home/*", "tmp/*"]}})", "s3:prefix", {"tmp/a"}, false},
    {"StringEqualsVariable", R"({"StringEquals": {"s3:prefix": "home/${aws:username}"}})", "s3:prefix",
     {"home/alice"}, true},
    {"StringEqualsVariableMissing", R"({"StringEquals": {"s3:prefix": "home/${aws:userid}"}})", "s3:prefix",
     {"home/"}, false},
    // Numeric.
    {"NumericEquals", R"({"NumericEquals": {"s3:max-keys": "10"}})", "s3:max-keys", {"10"}, true},
    {"NumericEqualsFloat", R"({"NumericEquals": {"s3:max-keys": 10.0}})", "s3:max-keys", {"10"}, true},
    {"NumericNotEquals", R"({"NumericNotEquals": {"s3:max-keys": ["10", "20"]}})", "s3:max-keys", {"20"}, false},
    {"NumericLessThan", R"({"NumericLessThan": {"s3:max-keys": "10"}})", "s3:max-keys", {"9"}, true},
    {"NumericLessThanNo", R"({"NumericLessThan": {"s3:max-keys": "10"}})", "s3:max-keys", {"10"}, false},
    {"NumericLessThanEquals", R"({"NumericLessThanEquals": {"s3:max-keys": "10"}})", "s3:max-keys", {"10"}, true},
    {"NumericGreaterThan", R"({"NumericGreaterThan": {"s3:max-keys": "10"}})", "s3:max-keys", {"10.5"}, true},
    {"NumericGreaterThanEquals", R"({"NumericGreaterThanEquals": {"s3:max-keys": "10"}})", "s3:max-keys", {"9"},
     false},
    {"NumericContextNotANumber", R"({"NumericLessThan": {"s3:max-keys": "10"}})", "s3:max-keys", {"x"}, false},
    {"NumericAbsent", R"({"NumericLessThan": {"s3:max-keys": "10"}})", nullptr, {}, false},
    // Date: ISO 8601 (with or without zone, fractions) and epoch seconds.
    {"DateLessThan", R"({"DateLessThan": {"aws:currenttime": "2030-01-01T00:00:00Z"}})", "aws:currenttime",
     {"2026-11-22T05:00:00Z"}, true},
    {"DateLessThanNo", R"({"DateLessThan": {"aws:currenttime": "2020-01-01"}})", "aws:currenttime",
     {"2026-11-22T05:00:00Z"}, false},
    {"DateGreaterThanEpoch", R"({"DateGreaterThan": {"aws:epochtime": "1700000000"}})", "aws:epochtime",
     {"1800000000"}, true},
    {"DateEqualsMixed", R"({"DateEquals": {"aws:currenttime": "1970-01-02T00:00:00Z"}})", "aws:currenttime",
     {"86400"}, true},
    {"DateEqualsZone", R"({"DateEquals": {"aws:currenttime": "2026-11-22T10:30:00+05:30"}})", "aws:currenttime",
     {"2026-11-22T05:00:00.000Z"}, true},
    {"DateNotEquals", R"({"DateNotEquals": {"aws:currenttime": "2026-11-22T05:00:00Z"}})", "aws:currenttime",
     {"2026-11-22T05:00:01Z"}, true},
    {"DateLessThanEquals", R"({"DateLessThanEquals": {"aws:currenttime": "2026-11-22T05:00:00Z"}})",
     "aws:currenttime", {"2026-11-22T05:00:00Z"}, true},
    {"DateGreaterThanEquals", R"({"DateGreaterThanEquals": {"aws:currenttime": "2026-11-22T05:00:00.5Z"}})",
     "aws:currenttime", {"2026-11-22T05:00:00.250Z"}, false},
    // Bool and Binary.
    {"Bool", R"({"Bool": {"aws:securetransport": true}})", "aws:securetransport", {"true"}, true},
    {"BoolCase", R"({"Bool": {"aws:securetransport": "True"}})", "aws:securetransport", {"TRUE"}, true},
    {"BoolNo", R"({"Bool": {"aws:securetransport": "true"}})", "aws:securetransport", {"false"}, false},
    {"BinaryEquals", R"({"BinaryEquals": {"aws:data": "QmluYXJ5"}})", "aws:data", {"QmluYXJ5"}, true},
    // IP addresses.
    {"IpAddress", R"({"IpAddress": {"aws:sourceip": "10.0.0.0/8"}})", "aws:sourceip", {"10.1.2.3"}, true},
    {"IpAddressPlain", R"({"IpAddress": {"aws:sourceip": "10.1.2.3"}})", "aws:sourceip", {"10.1.2.4"}, false},
    {"IpAddressV6", R"({"IpAddress": {"aws:sourceip": "2001:db8::/32"}})", "aws:sourceip", {"2001:db8:1::1"}, true},
    {"IpAddressFamily", R"({"IpAddress": {"aws:sourceip": "0.0.0.0/0"}})", "aws:sourceip", {"::1"}, false},
    {"IpAddressOddPrefix", R"({"IpAddress": {"aws:sourceip": "192.0.2.128/25"}})", "aws:sourceip",
     {"192.0.2.127"}, false},
    {"NotIpAddress", R"({"NotIpAddress": {"aws:sourceip": "10.0.0.0/8"}})", "aws:sourceip", {"11.0.0.1"}, true},
    {"NotIpAddressAbsent", R"({"NotIpAddress": {"aws:sourceip": "10.0.0.0/8"}})", nullptr, {}, true},
    // ARNs: component by component.
    {"ArnEquals", R"({"ArnEquals": {"aws:sourcearn": "arn:aws:sns:us-east-1:111122223333:topic"}})",
     "aws:sourcearn", {"arn:aws:sns:us-east-1:111122223333:topic"}, true},
    {"ArnLike", R"({"ArnLike": {"aws:sourcearn": "arn:aws:s3:::b-*"}})", "aws:sourcearn", {"arn:aws:s3:::b-1"}, true},
    {"ArnLikeComponent", R"({"ArnLike": {"aws:sourcearn": "arn:aws:sns:*:111122223333:t"}})", "aws:sourcearn",
     {"arn:aws:sns:us-east-1:111122223333:t"}, true},
    {"ArnLikeNoCross", R"({"ArnLike": {"aws:sourcearn": "arn:aws:sns:*:t"}})", "aws:sourcearn",
     {"arn:aws:sns:us-east-1:111122223333:t"}, false},
    {"ArnLikeNotArn", R"({"ArnLike": {"aws:sourcearn": "arn:*:*:*:*:*"}})", "aws:sourcearn", {"nope"}, false},
    {"ArnNotEquals", R"({"ArnNotEquals": {"aws:sourcearn": "arn:aws:s3:::b"}})", "aws:sourcearn",
     {"arn:aws:s3:::c"}, true},
    {"ArnNotLike", R"({"ArnNotLike": {"aws:sourcearn": "arn:aws:s3:::b*"}})", "aws:sourcearn",
     {"arn:aws:s3:::bc"}, false},
    {"ArnNotLikeAbsent", R"({"ArnNotLike": {"aws:sourcearn": "arn:aws:s3:::b*"}})", nullptr, {}, true},
    // Null: true means "absent".
    {"NullTrueAbsent", R"({"Null": {"aws:tokenissuetime": "true"}})", nullptr, {}, true},
    {"NullTruePresent", R"({"Null": {"aws:tokenissuetime": "true"}})", "aws:tokenissuetime", {"x"}, false},
    {"NullFalsePresent", R"({"Null": {"aws:tokenissuetime": false}})", "aws:tokenissuetime", {"x"}, true},
    {"NullFalseEmpty", R"({"Null": {"aws:tokenissuetime": "false"}})", "aws:tokenissuetime", {}, false},
    // ...IfExists: absent passes; present is checked.
    {"IfExistsAbsent", R"({"StringEqualsIfExists": {"s3:prefix": "a"}})", nullptr, {}, true},
    {"IfExistsPresent", R"({"StringEqualsIfExists": {"s3:prefix": "a"}})", "s3:prefix", {"b"}, false},
    {"NumericIfExists", R"({"NumericLessThanIfExists": {"s3:max-keys": "10"}})", nullptr, {}, true},
    {"BoolIfExistsCase", R"({"boolifexists": {"aws:multifactorauthpresent": "true"}})",
     "aws:multifactorauthpresent", {"false"}, false},
    // Set qualifiers over multi-valued keys.
    {"ForAnyValue", R"({"ForAnyValue:StringEquals": {"aws:tagkeys": ["a", "b"]}})", "aws:tagkeys", {"x", "b"}, true},
    {"ForAnyValueNone", R"({"ForAnyValue:StringEquals": {"aws:tagkeys": ["a", "b"]}})", "aws:tagkeys", {"x", "y"},
     false},
    {"ForAnyValueAbsent", R"({"ForAnyValue:StringEquals": {"aws:tagkeys": "a"}})", nullptr, {}, false},
    {"ForAnyValueNegated", R"({"ForAnyValue:StringNotEquals": {"aws:tagkeys": ["a"]}})", "aws:tagkeys", {"a", "b"},
     true},
    {"ForAllValues", R"({"ForAllValues:StringLike": {"aws:tagkeys": ["key1*", "x"]}})", "aws:tagkeys",
     {"key1a", "x"}, true},
    {"ForAllValuesOneOff", R"({"ForAllValues:StringLike": {"aws:tagkeys": ["key1*"]}})", "aws:tagkeys",
     {"key1a", "key2"}, false},
    {"ForAllValuesAbsent", R"({"ForAllValues:StringEquals": {"aws:tagkeys": "a"}})", nullptr, {}, true},
    {"ForAllValuesEmpty", R"({"ForAllValues:StringEquals": {"aws:tagkeys": "a"}})", "aws:tagkeys", {}, true},
    {"ForAllValuesNotLike", R"({"ForAllValues:StringNotLike": {"aws:tagkeys": "key1*"}})", "aws:tagkeys",
     {"key2:audit"}, true},
    {"ForAllValuesNotLikeNo", R"({"ForAllValues:StringNotLike": {"aws:tagkeys": "key1*"}})", "aws:tagkeys",
     {"key1:hr", "key2"}, false},
    {"ForAnyValueIfExists", R"({"ForAnyValue:StringEqualsIfExists": {"aws:tagkeys": "a"}})", nullptr, {}, true},
    // Several values without a qualifier: any matches (negated: none does).
    {"PlainMultiValue", R"({"StringEquals": {"aws:tagkeys": "a"}})", "aws:tagkeys", {"b", "a"}, true},
    {"PlainMultiValueNegated", R"({"StringNotEquals": {"aws:tagkeys": "a"}})", "aws:tagkeys", {"b", "a"}, false},
    // AND across keys and operators.
    {"AndKeys", R"({"StringEquals": {"s3:prefix": "a", "aws:username": "alice"}})", "s3:prefix", {"a"}, true},
    {"AndKeysOneFails", R"({"StringEquals": {"s3:prefix": "a", "aws:username": "bob"}})", "s3:prefix", {"a"},
     false},
    {"AndOperators", R"({"StringEquals": {"s3:prefix": "a"}, "Null": {"s3:delimiter": "true"}})", "s3:prefix",
     {"a"}, true},
};

INSTANTIATE_TEST_SUITE_P(Operators, PolicyConditionTest, ::testing::ValuesIn(kConditionCases),
                         [](const ::testing::TestParamInfo<ConditionCase>& info) { return info.param.name; });

// ---------------------------------------------------------------------------
// Parsing: what is kept, and every refusal.

// Verifies the parsed shape: versions, lower-cased actions and keys, value text.
TEST(PolicyParseTest, KeepsTheDocument) {
  Policy p = MustParse(R"(
    {"Version": "2012-10-17", "Id": "id-1", "Statement": [{"Sid": "s1", "Effect": "Deny",
     "Principal": {"AWS": ["*", "111122223333"], "Service": ["cloudtrail.amazonaws.com"]},
     "Action": ["S3:GetObject", "s3:List*"], "Resource": "arn:aws:s3:::b/*",
     "Condition": {"ForAnyValue:NumericLessThanIfExists": {"S3:Max-Keys": [5, 2.5, "7"]},
                   "StringEquals": {"aws:SecureTransport": true}}}]})");
  ASSERT_EQ(p.statements.size(), 1u);
  const Statement& st = p.statements[0];
  EXPECT_EQ(p.version, "2012-10-17");
  EXPECT_EQ(p.id, "id-1");
  EXPECT_EQ(st.sid, "s1");
  EXPECT_EQ(st.effect, Effect::kDeny);
  EXPECT_TRUE(st.principals.everyone);
  EXPECT_EQ(st.principals.aws, std::vector<std::string>{"111122223333"});
  EXPECT_EQ(st.principals.services, std::vector<std::string>{"cloudtrail.amazonaws.com"});
  EXPECT_EQ(st.actions, (std::vector<std::string>{"s3:getobject", "s3:list*"}));
  ASSERT_EQ(st.conditions.size(), 2u);
  EXPECT_EQ(st.conditions[0].op, ConditionOp::kNumericLessThan);
  EXPECT_EQ(st.conditions[0].set, SetQualifier::kForAnyValue);
  EXPECT_TRUE(st.conditions[0].if_exists);
  EXPECT_EQ(st.conditions[0].key, "s3:max-keys");
  EXPECT_EQ(st.conditions[0].values, (std::vector<std::string>{"5", "2.5", "7"}));
  EXPECT_EQ(st.conditions[1].op, ConditionOp::kStringEquals);
  EXPECT_EQ(st.conditions[1].key, "aws:securetransport");
  EXPECT_EQ(st.conditions[1].values, std::vector<std::string>{"true"});
}

// Verifies a repeated key keeps its last value (and the first is not checked).
TEST(PolicyParseTest, RepeatedKeyKeepsTheLast) {
  Policy p = MustParse(R"({"Version": "bogus", "Version": "2012-10-17", "Statement": [{"Effect": "Deny",
      "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]})");
  EXPECT_EQ(p.version, "2012-10-17");
  EXPECT_EQ(p.statements[0].effect, Effect::kAllow);
}

// Verifies the size limit counts the compact form, not indentation.
TEST(PolicyParseTest, SizeLimitCountsTheCompactForm) {
  const std::string statement =
      R"({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})";
  std::string doc = R"({"Statement": [)";
  for (int i = 0; i < 300; ++i) doc += (i ? "," : "") + statement;
  doc += "]}";
  ASSERT_GT(doc.size(), 20u * 1024);
  auto p = ParsePolicy(doc, {});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "Policy exceeds the maximum allowed document size.");
  ParseOptions big;
  big.max_bytes = 64 * 1024;
  EXPECT_TRUE(ParsePolicy(doc, big).ok());
  // Whitespace does not count: 16 KiB of indentation around a small policy.
  const std::string padded = "{" + std::string(16 * 1024, ' ') + R"("Statement": )" + statement + "}";
  EXPECT_TRUE(ParsePolicy(padded, {}).ok());
}

// Verifies the options that scope a bucket policy: known actions, the bucket, known keys.
TEST(PolicyParseTest, BucketScopeOptions) {
  ParseOptions opts;
  opts.known_actions = {"s3:GetObject", "s3:PutObject", "s3:ListBucket"};
  opts.resource_scope = "arn:aws:s3:::b";
  opts.known_condition_keys = {"s3:prefix", "s3:existingobjecttag/"};
  auto parse = [&](std::string action, std::string resource, std::string key) {
    return ParsePolicy(R"({"Statement": {"Effect": "Allow", "Principal": "*", "Action": ")" + action +
                           R"(", "Resource": ")" + resource + R"(", "Condition": {"StringEquals": {")" + key +
                           R"(": "x"}}}})",
                       opts)
        .status()
        .message();
  };
  EXPECT_EQ(parse("s3:GetObject", "arn:aws:s3:::b/*", "s3:prefix"), "");
  EXPECT_EQ(parse("s3:get*", "arn:aws:s3:::b", "aws:SourceIp"), "");
  EXPECT_EQ(parse("*", "arn:aws:s3:::b*/x", "s3:ExistingObjectTag/team"), "");
  EXPECT_EQ(parse("s3:GetObjekt", "arn:aws:s3:::b/*", "s3:prefix"), "Policy has invalid action");
  EXPECT_EQ(parse("sqs:SendMessage", "arn:aws:s3:::b/*", "s3:prefix"), "Policy has invalid action");
  EXPECT_EQ(parse("s3:GetObject", "arn:aws:s3:::other/*", "s3:prefix"), "Policy has invalid resource");
  EXPECT_EQ(parse("s3:GetObject", "arn:aws:s3:::b/*", "s3:x-acl"), "Policy has an invalid condition key");
  EXPECT_EQ(parse("s3:GetObject", "arn:aws:s3:::b/*", "s3:existingobjecttag/"),
            "Policy has an invalid condition key");
}

struct MalformedCase {
  const char* name;
  const char* json;
  const char* message;
  PolicyKind kind = PolicyKind::kResource;
};

class PolicyMalformedTest : public ::testing::TestWithParam<MalformedCase> {};

// Verifies each refusal: kInvalidArgument, reason MalformedPolicy, S3's message.
TEST_P(PolicyMalformedTest, Refused) {
  const MalformedCase& c = GetParam();
  ParseOptions opts;
  opts.kind = c.kind;
  auto p = ParsePolicy(c.json, opts);
  ASSERT_FALSE(p.ok()) << c.json;
  EXPECT_EQ(p.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(p.status().reason(), "MalformedPolicy");
  EXPECT_EQ(p.status().message(), c.message) << c.json;
}

#define STMT(body) R"({"Version": "2012-10-17", "Statement": [)" body "]}"
#define OK_STMT_WITH(extra) \
  STMT(R"({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*")" extra "}")

const MalformedCase kMalformedCases[] = {
    {"Empty", "", "Policies must be valid JSON and the first byte must be '{'"},
    {"NotAnObject", R"(["Statement"])", "Policies must be valid JSON and the first byte must be '{'"},
    {"Truncated", R"({"Statement": [)", "This policy contains invalid Json"},
    {"TrailingGarbage", R"({"Statement": []} x)", "This policy contains invalid Json"},
    {"Comment", R"({/* c */ "Statement": []})", "This policy contains invalid Json"},
    {"BadUtf8", "{\"Id\": \"\xff\"}", "This policy contains invalid Json"},
    {"TooDeep", R"({"Statement": [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]})", "This policy contains invalid Json"},
    {"UnknownTopLevel", R"({"Statement": [], "Foo": 1})", "Invalid policy syntax."},
    {"BadVersion", R"({"Version": "2012-10-18", "Statement": []})", "The policy must contain a valid version string"},
    {"VersionNumber", R"({"Version": 2012, "Statement": []})", "The policy must contain a valid version string"},
    {"IdNotString", R"({"Id": 1, "Statement": []})", "Invalid policy syntax."},
    {"MissingStatement", R"({"Version": "2012-10-17"})", "Missing required field Statement"},
    {"EmptyStatement", R"({"Statement": []})", "Could not parse the policy: Statement is empty!"},
    {"StatementNotObject", R"({"Statement": ["x"]})", "Invalid policy syntax."},
    {"UnknownStatementKey", OK_STMT_WITH(R"(, "Foo": 1)"), "Invalid policy syntax."},
    {"SidNotString", OK_STMT_WITH(R"(, "Sid": 1)"), "Invalid policy syntax."},
    {"MissingEffect", STMT(R"({"Principal": "*", "Action": "s3:GetObject", "Resource": "*"})"),
     "Missing required field Effect"},
    {"BadEffect", STMT(R"({"Effect": "Permit", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"})"),
     "Invalid effect: Permit"},
    {"EffectCase", STMT(R"({"Effect": "allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"})"),
     "Invalid effect: allow"},
    {"MissingPrincipal", STMT(R"({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})"),
     "Missing required field Principal"},
    {"PrincipalInIdentityPolicy", OK_STMT_WITH(""), "Policy document should not specify a principal.",
     PolicyKind::kIdentity},
    {"PrincipalAndNotPrincipal", OK_STMT_WITH(R"(, "NotPrincipal": "*")"), "Invalid policy syntax."},
    {"PrincipalString", STMT(R"({"Effect": "Allow", "Principal": "111122223333", "Action": "s3:GetObject",
       "Resource": "*"})"),
     "Invalid principal in policy"},
    {"PrincipalEmptyObject", STMT(R"({"Effect": "Allow", "Principal": {}, "Action": "s3:GetObject",
       "Resource": "*"})"),
     "Invalid principal in policy"},
    {"PrincipalUnknownType", STMT(R"({"Effect": "Allow", "Principal": {"User": "x"}, "Action": "s3:GetObject",
       "Resource": "*"})"),
     "Invalid principal in policy"},
    {"PrincipalWildcardArn", STMT(R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/*"},
       "Action": "s3:GetObject", "Resource": "*"})"),
     "Invalid principal in policy"},
    {"PrincipalShortAccount", STMT(R"({"Effect": "Allow", "Principal": {"AWS": "11112222333"},
       "Action": "s3:GetObject", "Resource": "*"})"),
     "Invalid principal in policy"},
    {"PrincipalGroup", STMT(R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:group/g"},
       "Action": "s3:GetObject", "Resource": "*"})"),
     "Invalid principal in policy"},
    {"PrincipalEmptyArray", STMT(R"({"Effect": "Allow", "Principal": {"AWS": []}, "Action": "s3:GetObject",
       "Resource": "*"})"),
     "Invalid principal in policy"},
    {"PrincipalServiceWildcard", STMT(R"({"Effect": "Allow", "Principal": {"Service": "*"},
       "Action": "s3:GetObject", "Resource": "*"})"),
     "Invalid principal in policy"},
    {"PrincipalCanonicalShort", STMT(R"({"Effect": "Allow", "Principal": {"CanonicalUser": "abc"},
       "Action": "s3:GetObject", "Resource": "*"})"),
     "Invalid principal in policy"},
    {"MissingAction", STMT(R"({"Effect": "Allow", "Principal": "*", "Resource": "*"})"),
     "Missing required field Action"},
    {"ActionAndNotAction", OK_STMT_WITH(R"(, "NotAction": "s3:PutObject")"), "Invalid policy syntax."},
    {"ActionNoVendor", STMT(R"({"Effect": "Allow", "Principal": "*", "Action": "GetObject", "Resource": "*"})"),
     "Policy has invalid action"},
    {"ActionEmptyName", STMT(R"({"Effect": "Allow", "Principal": "*", "Action": "s3:", "Resource": "*"})"),
     "Policy has invalid action"},
    {"ActionSpace", STMT(R"({"Effect": "Allow", "Principal": "*", "Action": "s3:Get Object", "Resource": "*"})"),
     "Policy has invalid action"},
    {"ActionEmptyArray", STMT(R"({"Effect": "Allow", "Principal": "*", "Action": [], "Resource": "*"})"),
     "Policy has invalid action"},
    {"ActionNumber", STMT(R"({"Effect": "Allow", "Principal": "*", "Action": [1], "Resource": "*"})"),
     "Policy has invalid action"},
    {"MissingResource", STMT(R"({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"})"),
     "Missing required field Resource"},
    {"ResourceNotArn", STMT(R"({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
       "Resource": "bucket/*"})"),
     "Policy has invalid resource"},
    {"ResourceShortArn", STMT(R"({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
       "Resource": "arn:aws:s3:bucket"})"),
     "Policy has invalid resource"},
    {"ResourceEmpty", STMT(R"({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": [""]})"),
     "Policy has invalid resource"},
    {"ConditionNotObject", OK_STMT_WITH(R"(, "Condition": [])"), "Invalid policy syntax."},
    {"UnknownOperator", OK_STMT_WITH(R"(, "Condition": {"StringEqualz": {"s3:prefix": "a"}})"),
     "Invalid Condition type : StringEqualz"},
    {"NullIfExists", OK_STMT_WITH(R"(, "Condition": {"NullIfExists": {"s3:prefix": "true"}})"),
     "Invalid Condition type : NullIfExists"},
    {"BadQualifier", OK_STMT_WITH(R"(, "Condition": {"ForSomeValues:StringEquals": {"s3:prefix": "a"}})"),
     "Invalid Condition type : ForSomeValues:StringEquals"},
    {"OperatorValueNotObject", OK_STMT_WITH(R"(, "Condition": {"StringEquals": "a"})"), "Invalid policy syntax."},
    {"KeyNoVendor", OK_STMT_WITH(R"(, "Condition": {"StringEquals": {"prefix": "a"}})"),
     "Policy has an invalid condition key"},
    {"KeyEmptyName", OK_STMT_WITH(R"(, "Condition": {"StringEquals": {"s3:": "a"}})"),
     "Policy has an invalid condition key"},
    {"ValueEmptyArray", OK_STMT_WITH(R"(, "Condition": {"StringEquals": {"s3:prefix": []}})"),
     "Invalid policy syntax."},
    {"ValueObject", OK_STMT_WITH(R"(, "Condition": {"StringEquals": {"s3:prefix": {"a": 1}}})"),
     "Invalid policy syntax."},
    {"ValueNull", OK_STMT_WITH(R"(, "Condition": {"StringEquals": {"s3:prefix": null}})"), "Invalid policy syntax."},
    {"BadIp", OK_STMT_WITH(R"(, "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}})"),
     "Invalid IP address in Conditions"},
    {"BadIpText", OK_STMT_WITH(R"(, "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0"}})"),
     "Invalid IP address in Conditions"},
    {"BadNumber", OK_STMT_WITH(R"(, "Condition": {"NumericLessThan": {"s3:max-keys": "ten"}})"),
     "Invalid value in Conditions for operator NumericLessThan"},
    {"BadDate", OK_STMT_WITH(R"(, "Condition": {"DateLessThan": {"aws:CurrentTime": "2026-02-30T00:00:00Z"}})"),
     "Invalid value in Conditions for operator DateLessThan"},
    {"BadBool", OK_STMT_WITH(R"(, "Condition": {"Bool": {"aws:SecureTransport": "yes"}})"),
     "Invalid value in Conditions for operator Bool"},
    {"BadNull", OK_STMT_WITH(R"(, "Condition": {"Null": {"aws:TokenIssueTime": 1}})"),
     "Invalid value in Conditions for operator Null"},
};

#undef OK_STMT_WITH
#undef STMT

INSTANTIATE_TEST_SUITE_P(Documents, PolicyMalformedTest, ::testing::ValuesIn(kMalformedCases),
                         [](const ::testing::TestParamInfo<MalformedCase>& info) { return info.param.name; });

// ---------------------------------------------------------------------------
// IsPublic: "The meaning of public".

struct PublicCase {
  const char* name;
  const char* statements;  // the JSON of the Statement element
  bool is_public;
};

class PolicyPublicTest : public ::testing::TestWithParam<PublicCase> {};

// Verifies S3's public test on the documented examples and their variants.
TEST_P(PolicyPublicTest, IsPublic) {
  const PublicCase& c = GetParam();
  Policy p = MustParse(std::string(R"({"Version": "2012-10-17", "Statement": )") + c.statements + "}");
  EXPECT_EQ(IsPublic(p), c.is_public) << c.statements;
}

const PublicCase kPublicCases[] = {
    // The documentation's public examples.
    {"PutObjectToEveryone", R"({"Principal": "*", "Resource": "*", "Action": "s3:PutObject", "Effect": "Allow"})",
     true},
    {"WildcardVpc", R"({"Principal": "*", "Resource": "*", "Action": "s3:PutObject", "Effect": "Allow",
       "Condition": {"StringLike": {"aws:SourceVpc": "vpc-*"}}})",
     true},
    // ... made non-public by a fixed value.
    {"FixedVpc", R"({"Principal": "*", "Resource": "*", "Action": "s3:PutObject", "Effect": "Allow",
       "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-91237329"}}})",
     false},
    {"AwsStar", R"({"Principal": {"AWS": "*"}, "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow"})", true},
    {"AwsStarAmongAccounts", R"({"Principal": {"AWS": ["111122223333", "*"]}, "Resource": "*",
       "Action": "s3:GetObject", "Effect": "Allow"})",
     true},
    {"FixedAccount", R"({"Principal": {"AWS": "111122223333"}, "Resource": "*", "Action": "s3:*",
       "Effect": "Allow"})",
     false},
    {"ServicePrincipal", R"({"Principal": {"Service": "cloudtrail.amazonaws.com"}, "Resource": "*",
       "Action": "s3:PutObject", "Effect": "Allow"})",
     false},
    {"DenyOnly", R"({"Principal": "*", "Resource": "*", "Action": "s3:*", "Effect": "Deny"})", false},
    {"NotPrincipalAllow", R"({"NotPrincipal": {"AWS": "111122223333"}, "Resource": "*", "Action": "s3:GetObject",
       "Effect": "Allow"})",
     true},
    {"NotPrincipalStar", R"({"NotPrincipal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow"})",
     false},
    // The mixed example: fixed grants plus one to everyone is public.
    {"MixedStatements", R"([
       {"Principal": {"Service": "cloudtrail.amazonaws.com"}, "Resource": "*", "Action": "s3:PutObject",
        "Effect": "Allow"},
       {"Principal": {"AWS": "444455556666"}, "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow"},
       {"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow"}])",
     true},
    // Pinning keys, each with a fixed value.
    {"SourceIpRange", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]}}})",
     false},
    {"SourceIpAll", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}})",
     true},
    {"SourceIpWideV4", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "0.0.0.0/1"]}}})",
     true},
    {"SourceIpWideV6", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"IpAddress": {"aws:SourceIp": "2000::/3"}}})",
     true},
    {"NotSourceIp", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}})",
     true},
    {"PrincipalOrgId", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}})",
     false},
    {"PrincipalAccount", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"StringEquals": {"aws:PrincipalAccount": ["111122223333"]}}})",
     false},
    {"PrincipalArnLike", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}})",
     true},
    {"PrincipalArnFixed", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/R"}}})",
     false},
    {"SourceAccount", R"({"Principal": "*", "Resource": "*", "Action": "s3:PutObject", "Effect": "Allow",
       "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}})",
     false},
    {"SourceArn", R"({"Principal": "*", "Resource": "*", "Action": "s3:PutObject", "Effect": "Allow",
       "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t"}}})",
     false},
    {"SourceVpce", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"StringEquals": {"aws:sourcevpce": "vpce-1a2b3c4d"}}})",
     false},
    {"UserIdRolePattern", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"StringLike": {"aws:userid": "AROAEXAMPLEID:*"}}})",
     true},
    {"UserIdFixed", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"StringEquals": {"aws:userid": "AIDAEXAMPLEID"}}})",
     false},
    {"KmsKeyId", R"({"Principal": "*", "Resource": "*", "Action": "s3:PutObject", "Effect": "Allow",
       "Condition": {"StringEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id":
         "arn:aws:kms:us-east-1:111122223333:key/k"}}})",
     false},
    // What does not pin.
    {"VariableValue", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"StringEquals": {"aws:PrincipalAccount": "${aws:username}"}}})",
     true},
    {"IfExists", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"StringEqualsIfExists": {"aws:SourceVpc": "vpc-91237329"}}})",
     true},
    {"ForAllValues", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"ForAllValues:StringEquals": {"aws:SourceVpc": "vpc-91237329"}}})",
     true},
    {"Negated", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-91237329"}}})",
     true},
    {"OtherKey", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"Bool": {"aws:SecureTransport": "true"}}})",
     true},
    {"OtherKeyPlusPin", R"({"Principal": "*", "Resource": "*", "Action": "s3:GetObject", "Effect": "Allow",
       "Condition": {"Bool": {"aws:SecureTransport": "true"},
                     "StringEquals": {"aws:SourceVpc": "vpc-91237329"}}})",
     false},
};

INSTANTIATE_TEST_SUITE_P(Policies, PolicyPublicTest, ::testing::ValuesIn(kPublicCases),
                         [](const ::testing::TestParamInfo<PublicCase>& info) { return info.param.name; });

// Verifies identity policies are never public.
TEST(PolicyPublicIdentityTest, IdentityPolicyIsNotPublic) {
  ParseOptions opts;
  opts.kind = PolicyKind::kIdentity;
  Policy p = MustParse(R"({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})", opts);
  EXPECT_FALSE(IsPublic(p));
  EXPECT_EQ(Evaluate(p, User("s3:GetObject", "arn:aws:s3:::b/k")), Decision::kAllow);
}

}  // namespace
}  // namespace auth
