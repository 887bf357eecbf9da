#pragma once

// IAM-style policy documents: S3 bucket policies today, IAM identity policies
// later. ParsePolicy validates a JSON document once, when it is stored;
// Evaluate decides one request against it at the pipeline's authorise stage;
// IsPublic is S3's "is this policy public" test (Block Public Access).
//
// Everything here is a pure function over plain values: no I/O, no logging,
// no shared state; callable from any strand. A parsed Policy is immutable and
// may be shared between threads.
//
// References: AWS IAM User Guide, "IAM JSON policy element reference",
// "Condition operators", "Conditions with multiple context keys or values",
// "Policy evaluation logic"; S3 User Guide, "Bucket policy examples" and
// "Blocking public access ... The meaning of public". What policy.cc does
// where AWS does not say is listed at its top.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace auth {

enum class Effect { kAllow, kDeny };

// Condition operators, without their ForAnyValue:/ForAllValues: qualifier and
// IfExists suffix (see Condition).
enum class ConditionOp {
  kStringEquals,
  kStringNotEquals,
  kStringEqualsIgnoreCase,
  kStringNotEqualsIgnoreCase,
  kStringLike,
  kStringNotLike,
  kNumericEquals,
  kNumericNotEquals,
  kNumericLessThan,
  kNumericLessThanEquals,
  kNumericGreaterThan,
  kNumericGreaterThanEquals,
  kDateEquals,
  kDateNotEquals,
  kDateLessThan,
  kDateLessThanEquals,
  kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool,
  kBinaryEquals,
  kIpAddress,
  kNotIpAddress,
  kArnEquals,
  kArnLike,
  kArnNotEquals,
  kArnNotLike,
  kNull,
};

// How a condition treats a key with several values in the request.
enum class SetQualifier { kNone, kForAnyValue, kForAllValues };

// One key of one operator of a Condition block, e.g.
// "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*", "b"]}.
struct Condition {
  ConditionOp op = ConditionOp::kStringEquals;
  SetQualifier set = SetQualifier::kNone;
  bool if_exists = false;
  std::string key;                  // lower-cased, e.g. "aws:sourceip"
  std::vector<std::string> values;  // never empty; JSON numbers and booleans as text
};

// A Principal or NotPrincipal element.
struct Principals {
  bool everyone = false;                     // "*", or "*" among the "AWS" values
  std::vector<std::string> aws;              // 12-digit account ids and IAM/STS ARNs, as written
  std::vector<std::string> services;         // "cloudtrail.amazonaws.com"
  std::vector<std::string> canonical_users;  // 64 hex digits; never match (see Evaluate)
  std::vector<std::string> federated;        // never match (see Evaluate)
};

struct Statement {
  std::string sid;
  Effect effect = Effect::kAllow;
  bool has_principal = false;  // false only in identity policies
  bool not_principal = false;
  Principals principals;
  bool not_action = false;
  std::vector<std::string> actions;  // lower-cased patterns: "*", "s3:get*"
  bool not_resource = false;
  std::vector<std::string> resources;  // patterns as written: "arn:aws:s3:::bucket/*"
  std::vector<Condition> conditions;   // all must hold (AND)
};

struct Policy {
  std::string version;  // "2012-10-17", or "2008-10-17" (also when the document has none)
  std::string id;
  std::vector<Statement> statements;  // never empty
};

enum class PolicyKind {
  kResource,  // a bucket (or other resource) policy: every statement names a Principal
  kIdentity,  // attached to a user or role: no statement may name one
};

struct ParseOptions {
  PolicyKind kind = PolicyKind::kResource;
  // The largest document accepted, counted on its compact form (whitespace
  // between tokens removed, duplicate keys collapsed). S3 bucket policies: 20 KB.
  size_t max_bytes = 20 * 1024;
  // If not empty, every Action/NotAction other than "*" must name at least one
  // of these (case-insensitive, wildcards expanded), e.g. every S3 action.
  std::vector<std::string> known_actions;
  // If not empty, the part of every Resource/NotResource before its first '/'
  // must be able to match this ARN, e.g. "arn:aws:s3:::bucket" for that
  // bucket's policy.
  std::string resource_scope;
  // If not empty, every condition key must be an "aws:" key or one of these
  // (lower-case; an entry ending in '/' admits any key it prefixes, e.g.
  // "s3:existingobjecttag/").
  std::vector<std::string> known_condition_keys;
};

// Parses and validates a policy document:
//   {"Version": "2012-10-17" | "2008-10-17", "Id": string,
//    "Statement": statement | [statement, ...]}
//   statement := {"Sid": string, "Effect": "Allow" | "Deny",
//                 "Principal" | "NotPrincipal": principal,
//                 "Action" | "NotAction": string | [string, ...],
//                 "Resource" | "NotResource": string | [string, ...],
//                 "Condition": {operator: {key: value | [value, ...], ...}, ...}}
//   principal := "*" | {"AWS" | "Service" | "CanonicalUser" | "Federated": string | [string, ...]}
//   value     := string | number | boolean
// Names of elements are case-sensitive; condition operators and keys are not.
// A key repeated in one JSON object keeps its last value. Leading whitespace is
// allowed. Principal ARNs may not hold wildcards. Values of Numeric*, Date*
// (ISO 8601 or epoch seconds), Bool, Null and IpAddress operators (IPv4 or
// IPv6, CIDR or plain address) are checked here, so Evaluate never meets a bad one.
//
// Returns kInvalidArgument with reason "MalformedPolicy" and S3's message for
// the first fault found, e.g. "This policy contains invalid Json",
// "Missing required field Principal", "Invalid principal in policy",
// "Policy has invalid action", "Policy has invalid resource",
// "Invalid Condition type : StringEqualz", "Policy has an invalid condition key",
// "Invalid effect: Permit", "Invalid policy syntax." (unknown element, or both
// X and NotX), "Policy document should not specify a principal." (identity
// policies), "Policy exceeds the maximum allowed document size.".
common::Result<Policy> ParsePolicy(std::string_view json, const ParseOptions& opts);

// What a request is, as far as a policy can see.
struct RequestFacts {
  std::string action;         // "s3:GetObject" (any case)
  std::string resource;       // "arn:aws:s3:::bucket/key"
  std::string principal_arn;  // "arn:aws:iam::000000000000:root"; "" when anonymous
  std::string account_id;     // the principal's account; "" when anonymous
  std::string service;        // a service principal acting, e.g. "logging.s3.amazonaws.com"; else ""
  bool anonymous = true;
  // Condition keys, names lower-cased: "aws:securetransport" -> {"true"},
  // "aws:sourceip" -> {"127.0.0.1"}, "aws:currenttime" -> {"2026-11-22T05:00:00Z"},
  // "aws:username", "s3:prefix", ... A key with no values counts as absent.
  std::map<std::string, std::vector<std::string>> context;
};

enum class Decision { kNotApplicable, kAllow, kDeny };

// Decides `facts` against `policy`: kDeny if any statement that applies denies
// (explicit deny wins), else kAllow if one allows, else kNotApplicable (the
// caller turns that into an implicit deny or asks other policies).
//
// A statement applies when its principal, action, resource and every condition
// match. Actions match case-insensitively, resources case-sensitively; '*' is
// any run of characters ('/' and ':' included), '?' one character. An "AWS"
// principal matches: "*" anyone (also anonymous); an account id or its root
// ARN any principal of that account; a role ARN the role's assumed-role
// sessions; any other ARN itself. NotPrincipal excludes what it lists, but an
// account there excludes only the account's root identity. Services match
// `facts.service`; CanonicalUser and Federated entries never match.
//
// Conditions follow IAM: values of one key are ORed (NORed for negated
// operators: ...Not..., NotIpAddress); a key absent from the context fails a
// positive operator, passes a negated one, passes with ...IfExists, passes
// ForAllValues and fails ForAnyValue. With several context values, a plain
// operator holds if any value matches (negated: if none does). In version
// 2012-10-17, ${key} in resources and String/Arn condition values is replaced
// by the context's value of `key` (one value, else that entry matches nothing);
// ${*}, ${?}, ${$} stand for the literal character; defaults (${key, 'x'}) are
// not supported. Cost: linear in the document size times the request's size.
Decision Evaluate(const Policy& policy, const RequestFacts& facts);

// S3's test for a public policy (BlockPublicPolicy, RestrictPublicBuckets):
// true if an Allow statement names everyone (Principal "*", {"AWS": "*"}, or
// a NotPrincipal without "*") and none of its conditions pins the request to fixed
// values: a positive String/Arn operator (no IfExists, no ForAllValues) with
// values free of wildcards and ${} on aws:SourceArn, aws:SourceVpc,
// aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, aws:PrincipalOrgID,
// aws:PrincipalArn, aws:PrincipalAccount, aws:userid, s3:DataAccessPointArn,
// s3:DataAccessPointAccount or s3:x-amz-server-side-encryption-aws-kms-key-id;
// or IpAddress on aws:SourceIp whose every range is at least a /8 (IPv4) or
// /32 (IPv6). Identity policies are never public.
bool IsPublic(const Policy& policy);

}  // namespace auth
