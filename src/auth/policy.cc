#include "auth/policy.h"

// Choices made where AWS's documentation is silent or vague (the behaviour
// promised in policy.h stands; this is the why):
//
// * Parsing. Boost.JSON keeps the last of repeated keys, which is what AWS is
//   reported to do; we do not refuse them. Operator names are matched without
//   regard to case, as condition keys are. Effect values and element names are
//   case-sensitive. Leading whitespace before '{' is accepted. The size limit
//   applies to the compact form (S3 counts a normalised document); input more
//   than 4 times the limit is refused before parsing. Messages follow S3's
//   MalformedPolicy texts where known; for a bad Numeric/Date/Bool/Null value
//   the text is ours ("Invalid value in Conditions for operator ...").
// * Bounds. Nothing is counted separately: the size limit bounds statements,
//   values and pattern lengths, JSON nesting is capped at 16, and every
//   wildcard match is the two-pointer glob below, O(pattern x subject) at
//   worst, never exponential.
// * Principals. An account in NotPrincipal excludes only the account's root
//   identity, not its users (AWS: omitting the user's own ARN "might deny"
//   it); a role in either element stands for its sessions. CanonicalUser and
//   Federated are accepted and never match: requests carry neither identity.
// * Conditions. With several values in the request and no set qualifier, a
//   positive operator needs one matching value and a negated one needs none.
//   A context value that does not parse as the operator's type (a number, a
//   date, an address) matches nothing. Dates compare at millisecond precision;
//   without a zone they are UTC. An IPv4-mapped IPv6 source is compared as IPv4.
// * IsPublic. AWS lists the pinning keys but no address threshold: ranges
//   wider than /8 (IPv4) or /32 (IPv6) count as unpinned here. ForAnyValue
//   pins like a plain operator; IfExists and ForAllValues never pin, as a
//   request without the key passes them. The older "bad actions" wording of
//   the SDK documentation is not applied: any action counts.

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <system_error>
#include <utility>

#include <boost/json.hpp>

namespace auth {
namespace {

namespace json = boost::json;
using common::ErrorCode;
using common::Result;
using common::Status;

constexpr std::string_view kVersion2012 = "2012-10-17";
constexpr std::string_view kVersion2008 = "2008-10-17";
constexpr size_t kMaxDepth = 16;

Status Malformed(std::string message) {
  return Status(ErrorCode::kInvalidArgument, std::move(message), "MalformedPolicy");
}
Status Syntax() { return Malformed("Invalid policy syntax."); }
Status BadPrincipal() { return Malformed("Invalid principal in policy"); }
Status BadAction() { return Malformed("Policy has invalid action"); }
Status BadResource() { return Malformed("Policy has invalid resource"); }

// ---------------------------------------------------------------------------
// Strings and wildcards.

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

bool IStartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && IEquals(s.substr(0, prefix.size()), prefix);
}

bool IEndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && IEquals(s.substr(s.size() - suffix.size()), suffix);
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool HasWildcard(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }
bool HasVariable(std::string_view s) { return s.find("${") != std::string_view::npos; }

// The length of the UTF-8 sequence that starts with `lead` (1 for stray bytes),
// so that '?' consumes one character.
size_t CharLength(unsigned char lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

// Wildcard match: '*' is any run (including '/' and ':'), '?' one character.
// `literal`, when set, has one byte per pattern byte; a non-zero byte makes the
// pattern byte an ordinary character (text substituted for a policy variable).
// Iterative, with one backtracking point: O(|pattern| * |subject|) at worst.
bool Glob(std::string_view pattern, std::string_view subject, bool fold_case,
          const char* literal = nullptr) {
  auto is = [&](size_t p, char c) { return pattern[p] == c && (literal == nullptr || literal[p] == 0); };
  auto same = [&](char a, char b) { return fold_case ? LowerAscii(a) == LowerAscii(b) : a == b; };
  size_t p = 0, s = 0;
  size_t star = std::string_view::npos, mark = 0;
  while (s < subject.size()) {
    if (p < pattern.size() && is(p, '*')) {
      star = p++;
      mark = s;
    } else if (p < pattern.size() && is(p, '?')) {
      ++p;
      s = std::min(subject.size(), s + CharLength(static_cast<unsigned char>(subject[s])));
    } else if (p < pattern.size() && same(pattern[p], subject[s])) {
      ++p;
      ++s;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      mark = std::min(subject.size(), mark + CharLength(static_cast<unsigned char>(subject[mark])));
      s = mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && is(p, '*')) ++p;
  return p == pattern.size();
}

// An ARN's six components: arn, partition, service, region, account, resource
// (the resource keeps any further ':').
std::optional<std::array<std::string_view, 6>> SplitArn(std::string_view s) {
  std::array<std::string_view, 6> parts;
  size_t at = 0;
  for (size_t i = 0; i < 5; ++i) {
    size_t colon = s.find(':', at);
    if (colon == std::string_view::npos) return std::nullopt;
    parts[i] = s.substr(at, colon - at);
    at = colon + 1;
  }
  parts[5] = s.substr(at);
  return parts;
}

// ArnEquals/ArnLike: each component matched separately, wildcards allowed.
bool ArnMatch(std::string_view pattern, std::string_view value, const char* literal) {
  auto p = SplitArn(pattern);
  auto v = SplitArn(value);
  if (!p || !v) return false;
  for (size_t i = 0; i < 6; ++i) {
    const char* lit = literal ? literal + ((*p)[i].data() - pattern.data()) : nullptr;
    if (!Glob((*p)[i], (*v)[i], false, lit)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Typed condition values.

std::optional<double> ParseNumber(std::string_view s) {
  double d = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Milliseconds since the epoch of:
//   digits                                  epoch seconds (at most 12 digits)
//   YYYY-MM-DD ['T' hh:mm [':' ss ['.' fraction]] [zone]]
//   zone := 'Z' | ('+' | '-') hh [':'] mm   (no zone: UTC)
std::optional<int64_t> ParseDate(std::string_view s) {
  if (IsDigits(s)) {
    if (s.size() > 12) return std::nullopt;
    int64_t seconds = 0;
    std::from_chars(s.data(), s.data() + s.size(), seconds);
    return seconds * 1000;
  }
  size_t at = 0;
  auto digits = [&](size_t n) -> std::optional<int64_t> {
    if (at + n > s.size() || !IsDigits(s.substr(at, n))) return std::nullopt;
    int64_t v = 0;
    std::from_chars(s.data() + at, s.data() + at + n, v);
    at += n;
    return v;
  };
  auto expect = [&](char c) {
    if (at < s.size() && s[at] == c) {
      ++at;
      return true;
    }
    return false;
  };
  auto year = digits(4);
  if (!year || !expect('-')) return std::nullopt;
  auto month = digits(2);
  if (!month || !expect('-')) return std::nullopt;
  auto day = digits(2);
  if (!day || *month < 1 || *month > 12 || *day < 1) return std::nullopt;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (*year % 4 == 0 && *year % 100 != 0) || *year % 400 == 0;
  if (*day > kDays[*month - 1] || (*month == 2 && *day == 29 && !leap)) return std::nullopt;
  int64_t ms = DaysFromCivil(*year, *month, *day) * 86400000;
  if (at == s.size()) return ms;
  if (!expect('T')) return std::nullopt;
  auto hour = digits(2);
  if (!hour || !expect(':')) return std::nullopt;
  auto minute = digits(2);
  if (!minute || *hour > 23 || *minute > 59) return std::nullopt;
  int64_t second = 0, millis = 0;
  if (expect(':')) {
    auto sec = digits(2);
    if (!sec || *sec > 59) return std::nullopt;
    second = *sec;
    if (expect('.')) {
      size_t start = at, scale = 100;
      while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
        millis += (s[at] - '0') * static_cast<int64_t>(scale);
        scale /= 10;
        ++at;
      }
      if (at == start) return std::nullopt;
    }
  }
  ms += ((*hour * 60 + *minute) * 60 + second) * 1000 + millis;
  if (at == s.size() || expect('Z')) return at == s.size() ? std::optional<int64_t>(ms) : std::nullopt;
  const char sign = s[at];
  if (sign != '+' && sign != '-') return std::nullopt;
  ++at;
  auto zh = digits(2);
  if (!zh) return std::nullopt;
  expect(':');
  auto zm = digits(2);
  if (!zm || *zh > 23 || *zm > 59 || at != s.size()) return std::nullopt;
  const int64_t offset = (*zh * 60 + *zm) * 60000;
  return sign == '+' ? ms - offset : ms + offset;
}

struct IpNet {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
  int prefix = 0;  // bits
};

std::optional<IpNet> ParseIp(std::string_view s) {
  if (s.empty() || s.size() > 45) return std::nullopt;
  const std::string text(s);
  IpNet n;
  if (text.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, text.c_str(), n.bytes.data()) != 1) return std::nullopt;
    n.prefix = 32;
    return n;
  }
  if (inet_pton(AF_INET6, text.c_str(), n.bytes.data()) != 1) return std::nullopt;
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(n.bytes.data(), kMapped, sizeof kMapped) == 0) {
    std::memmove(n.bytes.data(), n.bytes.data() + 12, 4);
    std::fill(n.bytes.begin() + 4, n.bytes.end(), 0);
    n.prefix = 32;
    return n;
  }
  n.v6 = true;
  n.prefix = 128;
  return n;
}

// "203.0.113.0/24", "2001:db8::/32", or a plain address (all bits).
std::optional<IpNet> ParseCidr(std::string_view s) {
  const size_t slash = s.find('/');
  std::optional<IpNet> n;
  if (slash == std::string_view::npos) {
    n = ParseIp(s);
    // A plain IPv4-mapped address was turned into IPv4 by ParseIp: keep it so.
    return n;
  }
  const std::string_view addr = s.substr(0, slash), bits = s.substr(slash + 1);
  if (!IsDigits(bits) || bits.size() > 3) return std::nullopt;
  const std::string text(addr);
  IpNet net;
  const bool v6 = text.find(':') != std::string::npos;
  if (text.empty() || text.size() > 45 ||
      inet_pton(v6 ? AF_INET6 : AF_INET, text.c_str(), net.bytes.data()) != 1) {
    return std::nullopt;
  }
  net.v6 = v6;
  int prefix = 0;
  std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
  if (prefix > (v6 ? 128 : 32)) return std::nullopt;
  net.prefix = prefix;
  return net;
}

bool InNet(const IpNet& net, const IpNet& ip) {
  if (net.v6 != ip.v6) return false;
  const int full = net.prefix / 8, rest = net.prefix % 8;
  if (std::memcmp(net.bytes.data(), ip.bytes.data(), static_cast<size_t>(full)) != 0) return false;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (net.bytes[static_cast<size_t>(full)] & mask) == (ip.bytes[static_cast<size_t>(full)] & mask);
}

// ---------------------------------------------------------------------------
// Condition operators.

enum class Family { kString, kStringIgnoreCase, kStringLike, kNumeric, kDate, kBool, kBinary, kIp, kArn, kNull };
enum class Compare { kEq, kLt, kLe, kGt, kGe };

struct OpInfo {
  std::string_view name;
  ConditionOp op;
  Family family;
  Compare compare;
  bool negated;
};

constexpr OpInfo kOps[] = {
    {"StringEquals", ConditionOp::kStringEquals, Family::kString, Compare::kEq, false},
    {"StringNotEquals", ConditionOp::kStringNotEquals, Family::kString, Compare::kEq, true},
    {"StringEqualsIgnoreCase", ConditionOp::kStringEqualsIgnoreCase, Family::kStringIgnoreCase, Compare::kEq, false},
    {"StringNotEqualsIgnoreCase", ConditionOp::kStringNotEqualsIgnoreCase, Family::kStringIgnoreCase, Compare::kEq,
     true},
    {"StringLike", ConditionOp::kStringLike, Family::kStringLike, Compare::kEq, false},
    {"StringNotLike", ConditionOp::kStringNotLike, Family::kStringLike, Compare::kEq, true},
    {"NumericEquals", ConditionOp::kNumericEquals, Family::kNumeric, Compare::kEq, false},
    {"NumericNotEquals", ConditionOp::kNumericNotEquals, Family::kNumeric, Compare::kEq, true},
    {"NumericLessThan", ConditionOp::kNumericLessThan, Family::kNumeric, Compare::kLt, false},
    {"NumericLessThanEquals", ConditionOp::kNumericLessThanEquals, Family::kNumeric, Compare::kLe, false},
    {"NumericGreaterThan", ConditionOp::kNumericGreaterThan, Family::kNumeric, Compare::kGt, false},
    {"NumericGreaterThanEquals", ConditionOp::kNumericGreaterThanEquals, Family::kNumeric, Compare::kGe, false},
    {"DateEquals", ConditionOp::kDateEquals, Family::kDate, Compare::kEq, false},
    {"DateNotEquals", ConditionOp::kDateNotEquals, Family::kDate, Compare::kEq, true},
    {"DateLessThan", ConditionOp::kDateLessThan, Family::kDate, Compare::kLt, false},
    {"DateLessThanEquals", ConditionOp::kDateLessThanEquals, Family::kDate, Compare::kLe, false},
    {"DateGreaterThan", ConditionOp::kDateGreaterThan, Family::kDate, Compare::kGt, false},
    {"DateGreaterThanEquals", ConditionOp::kDateGreaterThanEquals, Family::kDate, Compare::kGe, false},
    {"Bool", ConditionOp::kBool, Family::kBool, Compare::kEq, false},
    {"BinaryEquals", ConditionOp::kBinaryEquals, Family::kBinary, Compare::kEq, false},
    {"IpAddress", ConditionOp::kIpAddress, Family::kIp, Compare::kEq, false},
    {"NotIpAddress", ConditionOp::kNotIpAddress, Family::kIp, Compare::kEq, true},
    {"ArnEquals", ConditionOp::kArnEquals, Family::kArn, Compare::kEq, false},
    {"ArnLike", ConditionOp::kArnLike, Family::kArn, Compare::kEq, false},
    {"ArnNotEquals", ConditionOp::kArnNotEquals, Family::kArn, Compare::kEq, true},
    {"ArnNotLike", ConditionOp::kArnNotLike, Family::kArn, Compare::kEq, true},
    {"Null", ConditionOp::kNull, Family::kNull, Compare::kEq, false},
};

const OpInfo& Info(ConditionOp op) {
  for (const OpInfo& info : kOps) {
    if (info.op == op) return info;
  }
  return kOps[0];  // unreachable: kOps lists every ConditionOp
}

struct ParsedOperator {
  const OpInfo* info = nullptr;
  SetQualifier set = SetQualifier::kNone;
  bool if_exists = false;
};

// "ForAllValues:StringLikeIfExists" -> StringLike, kForAllValues, if_exists.
std::optional<ParsedOperator> ParseOperator(std::string_view name) {
  ParsedOperator out;
  if (IStartsWith(name, "ForAnyValue:")) {
    out.set = SetQualifier::kForAnyValue;
    name.remove_prefix(12);
  } else if (IStartsWith(name, "ForAllValues:")) {
    out.set = SetQualifier::kForAllValues;
    name.remove_prefix(13);
  }
  if (IEndsWith(name, "IfExists")) {
    out.if_exists = true;
    name.remove_suffix(8);
  }
  for (const OpInfo& info : kOps) {
    if (IEquals(info.name, name)) out.info = &info;
  }
  if (out.info == nullptr) return std::nullopt;
  if (out.info->family == Family::kNull && (out.if_exists || out.set != SetQualifier::kNone)) return std::nullopt;
  return out;
}

template <typename T>
bool Compared(Compare c, T a, T b) {
  switch (c) {
    case Compare::kEq: return a == b;
    case Compare::kLt: return a < b;
    case Compare::kLe: return a <= b;
    case Compare::kGt: return a > b;
    case Compare::kGe: return a >= b;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Policy variables.

// Replaces ${key} in `in` with the context's only value of `key`, and ${*},
// ${?}, ${$} with that character. `literal` gets one byte per output byte,
// non-zero where the output came from a substitution. False if a key has no
// single value.
bool Expand(std::string_view in, const RequestFacts& facts, std::string& out, std::string& literal) {
  out.clear();
  literal.clear();
  size_t at = 0;
  while (at < in.size()) {
    const size_t open = in.find("${", at);
    const size_t close = open == std::string_view::npos ? open : in.find('}', open + 2);
    if (close == std::string_view::npos) {
      out.append(in.substr(at));
      literal.append(in.size() - at, '\0');
      break;
    }
    out.append(in.substr(at, open - at));
    literal.append(open - at, '\0');
    const std::string_view name = in.substr(open + 2, close - open - 2);
    if (name == "*" || name == "?" || name == "$") {
      out.push_back(name[0]);
      literal.push_back('\1');
    } else {
      auto it = facts.context.find(Lower(name));
      if (it == facts.context.end() || it->second.size() != 1) return false;
      out.append(it->second.front());
      literal.append(it->second.front().size(), '\1');
    }
    at = close + 1;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Parsing.

bool IsAccountId(std::string_view s) { return s.size() == 12 && IsDigits(s); }

bool IsPartition(std::string_view p) {
  if (p == "aws") return true;
  if (p.size() <= 4 || p.substr(0, 4) != "aws-") return false;
  return std::all_of(p.begin(), p.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; });
}

// An "AWS" principal: an account id, or an IAM/STS ARN naming an account root,
// a user, a role, an assumed-role session or a federated user; no wildcards.
bool ValidAwsPrincipal(std::string_view s) {
  if (IsAccountId(s)) return true;
  if (HasWildcard(s)) return false;
  auto parts = SplitArn(s);
  if (!parts || (*parts)[0] != "arn" || !IsPartition((*parts)[1]) || !(*parts)[3].empty() ||
      !IsAccountId((*parts)[4])) {
    return false;
  }
  const std::string_view service = (*parts)[2], resource = (*parts)[5];
  auto named = [&](std::string_view prefix) {
    return resource.size() > prefix.size() && resource.substr(0, prefix.size()) == prefix &&
           resource.back() != '/';
  };
  if (service == "iam") return resource == "root" || named("user/") || named("role/");
  if (service == "sts") {
    if (named("federated-user/")) return true;
    if (!named("assumed-role/")) return false;
    const std::string_view rest = resource.substr(13);
    const size_t slash = rest.find('/');
    return slash != std::string_view::npos && slash > 0 && slash + 1 < rest.size();
  }
  return false;
}

bool ValidService(std::string_view s) {
  return !s.empty() && s.size() <= 256 && s.find('.') != std::string_view::npos &&
         std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'; });
}

bool ValidCanonicalUser(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

// One string or a non-empty array of strings; false otherwise.
bool Strings(const json::value& v, std::vector<std::string>& out) {
  if (v.is_string()) {
    out.emplace_back(v.get_string());
    return true;
  }
  if (!v.is_array() || v.get_array().empty()) return false;
  for (const json::value& item : v.get_array()) {
    if (!item.is_string()) return false;
    out.emplace_back(item.get_string());
  }
  return true;
}

Status ParsePrincipals(const json::value& v, Principals& out) {
  if (v.is_string()) {
    if (v.get_string() != "*") return BadPrincipal();
    out.everyone = true;
    return Status::Ok();
  }
  if (!v.is_object() || v.get_object().empty()) return BadPrincipal();
  for (const auto& member : v.get_object()) {
    std::vector<std::string> values;
    if (!Strings(member.value(), values)) return BadPrincipal();
    const std::string_view type = member.key();
    for (std::string& value : values) {
      if (type == "AWS") {
        if (value == "*") {
          out.everyone = true;
        } else if (ValidAwsPrincipal(value)) {
          out.aws.push_back(std::move(value));
        } else {
          return BadPrincipal();
        }
      } else if (type == "Service") {
        if (!ValidService(value)) return BadPrincipal();
        out.services.push_back(std::move(value));
      } else if (type == "CanonicalUser") {
        if (!ValidCanonicalUser(value)) return BadPrincipal();
        out.canonical_users.push_back(std::move(value));
      } else if (type == "Federated") {
        if (value.empty() || HasWildcard(value)) return BadPrincipal();
        out.federated.push_back(std::move(value));
      } else {
        return BadPrincipal();
      }
    }
  }
  return Status::Ok();
}

// "*" or "vendor:name", the name made of letters, digits and wildcards.
bool ValidAction(std::string_view a) {
  if (a == "*") return true;
  const size_t colon = a.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == a.size()) return false;
  const std::string_view vendor = a.substr(0, colon), name = a.substr(colon + 1);
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  return std::all_of(vendor.begin(), vendor.end(), [&](char c) { return alnum(c) || c == '-'; }) &&
         std::all_of(name.begin(), name.end(),
                     [&](char c) { return alnum(c) || c == '*' || c == '?' || c == '_' || c == '-'; });
}

Status ParseActions(const json::value& v, const ParseOptions& opts, std::vector<std::string>& out) {
  if (!Strings(v, out)) return BadAction();
  for (std::string& action : out) {
    if (!ValidAction(action)) return BadAction();
    action = Lower(action);
    if (action != "*" && !opts.known_actions.empty() &&
        std::none_of(opts.known_actions.begin(), opts.known_actions.end(),
                     [&](const std::string& known) { return Glob(action, known, true); })) {
      return BadAction();
    }
  }
  return Status::Ok();
}

// "*", or an ARN pattern (at least the five ':' of an ARN), within the scope.
Status ParseResources(const json::value& v, const ParseOptions& opts, std::vector<std::string>& out) {
  if (!Strings(v, out)) return BadResource();
  for (const std::string& r : out) {
    if (r == "*") continue;
    if (r.size() < 4 || r.compare(0, 4, "arn:") != 0 || std::count(r.begin(), r.end(), ':') < 5) return BadResource();
    if (!opts.resource_scope.empty()) {
      const std::string_view head = std::string_view(r).substr(0, r.find('/'));
      if (!HasVariable(head) && !Glob(head, opts.resource_scope, false)) return BadResource();
    }
  }
  return Status::Ok();
}

bool ValidConditionKey(std::string_view key, const ParseOptions& opts) {
  if (key.empty() || key.size() > 512) return false;
  const size_t colon = key.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == key.size()) return false;
  const std::string_view vendor = key.substr(0, colon);
  for (char c : vendor) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  for (char c : key) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  if (opts.known_condition_keys.empty() || IEquals(vendor, "aws")) return true;
  const std::string lower = Lower(key);
  return std::any_of(opts.known_condition_keys.begin(), opts.known_condition_keys.end(), [&](const std::string& k) {
    if (k.empty() || k.back() != '/') return lower == k;
    return lower.size() > k.size() && lower.compare(0, k.size(), k) == 0;
  });
}

// A JSON scalar as condition text: strings as they are, numbers in their
// shortest form, booleans as true/false.
std::optional<std::string> ScalarText(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return std::string(v.get_string());
    case json::kind::bool_: return std::string(v.get_bool() ? "true" : "false");
    case json::kind::int64: return std::to_string(v.get_int64());
    case json::kind::uint64: return std::to_string(v.get_uint64());
    case json::kind::double_: {
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get_double());
      if (ec != std::errc()) return std::nullopt;
      return std::string(buf, end);
    }
    default: return std::nullopt;
  }
}

Status CheckValue(const OpInfo& info, const std::string& value) {
  bool ok = true;
  switch (info.family) {
    case Family::kNumeric: ok = ParseNumber(value).has_value(); break;
    case Family::kDate: ok = ParseDate(value).has_value(); break;
    case Family::kBool:
    case Family::kNull: ok = IEquals(value, "true") || IEquals(value, "false"); break;
    case Family::kIp:
      if (!ParseCidr(value)) return Malformed("Invalid IP address in Conditions");
      break;
    default: break;
  }
  if (!ok) return Malformed("Invalid value in Conditions for operator " + std::string(info.name));
  return Status::Ok();
}

Status ParseConditions(const json::value& v, const ParseOptions& opts, std::vector<Condition>& out) {
  if (!v.is_object()) return Syntax();
  for (const auto& op_member : v.get_object()) {
    auto op = ParseOperator(op_member.key());
    if (!op) return Malformed("Invalid Condition type : " + std::string(op_member.key()));
    if (!op_member.value().is_object()) return Syntax();
    for (const auto& key_member : op_member.value().get_object()) {
      if (!ValidConditionKey(key_member.key(), opts)) return Malformed("Policy has an invalid condition key");
      Condition c;
      c.op = op->info->op;
      c.set = op->set;
      c.if_exists = op->if_exists;
      c.key = Lower(key_member.key());
      const json::value& values = key_member.value();
      auto add = [&](const json::value& item) -> Status {
        auto text = ScalarText(item);
        if (!text) return Syntax();
        STRATUS_RETURN_IF_ERROR(CheckValue(*op->info, *text));
        c.values.push_back(std::move(*text));
        return Status::Ok();
      };
      if (values.is_array()) {
        if (values.get_array().empty()) return Syntax();
        for (const json::value& item : values.get_array()) STRATUS_RETURN_IF_ERROR(add(item));
      } else {
        STRATUS_RETURN_IF_ERROR(add(values));
      }
      out.push_back(std::move(c));
    }
  }
  return Status::Ok();
}

Status ParseStatement(const json::value& v, const ParseOptions& opts, Statement& st) {
  if (!v.is_object()) return Syntax();
  const json::object& o = v.get_object();
  for (const auto& member : o) {
    static constexpr std::string_view kKnown[] = {"Sid",          "Effect",    "Principal",
                                                  "NotPrincipal", "Action",    "NotAction",
                                                  "Resource",     "NotResource", "Condition"};
    if (std::find(std::begin(kKnown), std::end(kKnown), std::string_view(member.key())) == std::end(kKnown)) {
      return Syntax();
    }
  }
  auto find = [&](std::string_view name) { return o.if_contains(json::string_view(name.data(), name.size())); };
  auto pick = [&](std::string_view name, std::string_view not_name, bool& negated) -> const json::value* {
    const json::value* plain = find(name);
    const json::value* neg = find(not_name);
    negated = neg != nullptr;
    return plain ? plain : neg;
  };
  if ((find("Principal") && find("NotPrincipal")) || (find("Action") && find("NotAction")) ||
      (find("Resource") && find("NotResource"))) {
    return Syntax();
  }
  if (const json::value* sid = find("Sid")) {
    if (!sid->is_string()) return Syntax();
    st.sid = std::string(sid->get_string());
  }
  const json::value* effect = find("Effect");
  if (effect == nullptr) return Malformed("Missing required field Effect");
  if (!effect->is_string()) return Syntax();
  if (effect->get_string() == "Allow") {
    st.effect = Effect::kAllow;
  } else if (effect->get_string() == "Deny") {
    st.effect = Effect::kDeny;
  } else {
    return Malformed("Invalid effect: " + std::string(effect->get_string()));
  }
  const json::value* principal = pick("Principal", "NotPrincipal", st.not_principal);
  if (opts.kind == PolicyKind::kIdentity) {
    if (principal != nullptr) return Malformed("Policy document should not specify a principal.");
  } else {
    if (principal == nullptr) return Malformed("Missing required field Principal");
    st.has_principal = true;
    STRATUS_RETURN_IF_ERROR(ParsePrincipals(*principal, st.principals));
  }
  const json::value* action = pick("Action", "NotAction", st.not_action);
  if (action == nullptr) return Malformed("Missing required field Action");
  STRATUS_RETURN_IF_ERROR(ParseActions(*action, opts, st.actions));
  const json::value* resource = pick("Resource", "NotResource", st.not_resource);
  if (resource == nullptr) return Malformed("Missing required field Resource");
  STRATUS_RETURN_IF_ERROR(ParseResources(*resource, opts, st.resources));
  if (const json::value* condition = find("Condition")) {
    STRATUS_RETURN_IF_ERROR(ParseConditions(*condition, opts, st.conditions));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// Evaluation.

// Is `arn` the root identity of `account` ("arn:<partition>:iam::<account>:root")?
bool IsRootOf(std::string_view arn, std::string_view account) {
  auto parts = SplitArn(arn);
  return parts && (*parts)[0] == "arn" && (*parts)[2] == "iam" && (*parts)[4] == account && (*parts)[5] == "root";
}

// Does an "AWS" principal entry name the requester? `exclusion`: for
// NotPrincipal, where an account stands only for its root identity.
bool AwsEntryMatches(std::string_view entry, const RequestFacts& f, bool exclusion) {
  if (f.anonymous) return false;
  if (IsAccountId(entry)) return exclusion ? IsRootOf(f.principal_arn, entry) : f.account_id == entry;
  if (f.principal_arn == entry) return true;
  auto parts = SplitArn(entry);
  if (!parts) return false;
  const std::string_view resource = (*parts)[5];
  if (resource == "root") return exclusion ? IsRootOf(f.principal_arn, (*parts)[4]) : f.account_id == (*parts)[4];
  if ((*parts)[2] == "iam" && resource.substr(0, 5) == "role/") {
    // Sessions: arn:<partition>:sts::<account>:assumed-role/<role name>/<session>
    // (the role's path is not part of a session ARN).
    const std::string_view name = resource.substr(resource.rfind('/') + 1);
    std::string prefix = "arn:";
    prefix.append((*parts)[1]).append(":sts::").append((*parts)[4]).append(":assumed-role/");
    prefix.append(name).append("/");
    const std::string_view arn = f.principal_arn;
    return arn.size() > prefix.size() && arn.compare(0, prefix.size(), prefix) == 0 &&
           arn.find('/', prefix.size()) == std::string_view::npos;
  }
  return false;
}

bool PrincipalApplies(const Statement& st, const RequestFacts& f) {
  if (!st.has_principal) return true;
  const Principals& p = st.principals;
  bool named = p.everyone;
  for (size_t i = 0; !named && i < p.aws.size(); ++i) named = AwsEntryMatches(p.aws[i], f, st.not_principal);
  for (size_t i = 0; !named && i < p.services.size(); ++i) {
    named = !f.service.empty() && IEquals(p.services[i], f.service);
  }
  return st.not_principal ? !named : named;
}

struct Evaluator {
  const Policy& policy;
  const RequestFacts& facts;
  bool variables = policy.version == kVersion2012;
  std::string expanded, literal;  // scratch

  // Resolves policy variables in `pattern`; returns false if one has no value.
  // On success `*out` is the pattern to use and `*lit` its literal mask (or null).
  bool Resolve(const std::string& pattern, std::string_view* out, const char** lit) {
    if (!variables || !HasVariable(pattern)) {
      *out = pattern;
      *lit = nullptr;
      return true;
    }
    if (!Expand(pattern, facts, expanded, literal)) return false;
    *out = expanded;
    *lit = literal.data();
    return true;
  }

  bool ActionApplies(const Statement& st) const {
    const bool any = std::any_of(st.actions.begin(), st.actions.end(),
                                 [&](const std::string& a) { return Glob(a, facts.action, true); });
    return st.not_action ? !any : any;
  }

  bool ResourceApplies(const Statement& st) {
    bool any = false;
    for (const std::string& r : st.resources) {
      std::string_view pattern;
      const char* lit = nullptr;
      if (Resolve(r, &pattern, &lit) && Glob(pattern, facts.resource, false, lit)) {
        any = true;
        break;
      }
    }
    return st.not_resource ? !any : any;
  }

  // The positive form of the operator, for one context value and one policy value.
  bool ValueMatches(const OpInfo& info, const std::string& context, const std::string& value) {
    switch (info.family) {
      case Family::kString:
      case Family::kStringIgnoreCase:
      case Family::kStringLike:
      case Family::kArn: {
        std::string_view pattern;
        const char* lit = nullptr;
        if (!Resolve(value, &pattern, &lit)) return false;
        if (info.family == Family::kString) return context == pattern;
        if (info.family == Family::kStringIgnoreCase) return IEquals(context, pattern);
        if (info.family == Family::kStringLike) return Glob(pattern, context, false, lit);
        return ArnMatch(pattern, context, lit);
      }
      case Family::kNumeric: {
        auto c = ParseNumber(context);
        auto v = ParseNumber(value);
        return c && v && Compared(info.compare, *c, *v);
      }
      case Family::kDate: {
        auto c = ParseDate(context);
        auto v = ParseDate(value);
        return c && v && Compared(info.compare, *c, *v);
      }
      case Family::kBool: return IEquals(context, value);
      case Family::kBinary: return context == value;
      case Family::kIp: {
        auto ip = ParseIp(context);
        auto net = ParseCidr(value);
        return ip && net && InNet(*net, *ip);
      }
      case Family::kNull: return false;
    }
    return false;
  }

  bool ConditionHolds(const Condition& c) {
    const OpInfo& info = Info(c.op);
    auto it = facts.context.find(c.key);
    const std::vector<std::string>* context =
        (it != facts.context.end() && !it->second.empty()) ? &it->second : nullptr;
    if (info.family == Family::kNull) {
      const bool absent = context == nullptr;
      return std::any_of(c.values.begin(), c.values.end(),
                         [&](const std::string& v) { return IEquals(v, "true") == absent; });
    }
    if (context == nullptr) {
      if (c.if_exists || c.set == SetQualifier::kForAllValues) return true;
      if (c.set == SetQualifier::kForAnyValue) return false;
      return info.negated;
    }
    auto matches = [&](const std::string& one) {
      return std::any_of(c.values.begin(), c.values.end(),
                         [&](const std::string& v) { return ValueMatches(info, one, v); });
    };
    switch (c.set) {
      case SetQualifier::kNone: {
        const bool any = std::any_of(context->begin(), context->end(), matches);
        return info.negated ? !any : any;
      }
      case SetQualifier::kForAnyValue:
        return std::any_of(context->begin(), context->end(),
                           [&](const std::string& one) { return matches(one) != info.negated; });
      case SetQualifier::kForAllValues:
        return std::all_of(context->begin(), context->end(),
                           [&](const std::string& one) { return matches(one) != info.negated; });
    }
    return false;
  }

  bool Applies(const Statement& st) {
    return PrincipalApplies(st, facts) && ActionApplies(st) && ResourceApplies(st) &&
           std::all_of(st.conditions.begin(), st.conditions.end(),
                       [&](const Condition& c) { return ConditionHolds(c); });
  }
};

// ---------------------------------------------------------------------------
// Public policies.

bool IsPinningKey(std::string_view key) {
  static constexpr std::string_view kKeys[] = {
      "aws:sourcearn",      "aws:sourcevpc",       "aws:sourcevpce",
      "aws:sourceowner",    "aws:sourceaccount",   "aws:principalorgid",
      "aws:principalarn",   "aws:principalaccount", "aws:userid",
      "s3:dataaccesspointarn", "s3:dataaccesspointaccount",
      "s3:x-amz-server-side-encryption-aws-kms-key-id",
  };
  return std::find(std::begin(kKeys), std::end(kKeys), key) != std::end(kKeys);
}

// Does the condition confine the statement to fixed principals, sources or
// networks, so that a request without a fixed value is refused?
bool Pins(const Condition& c) {
  if (c.if_exists || c.set == SetQualifier::kForAllValues) return false;
  if (c.op == ConditionOp::kIpAddress && c.key == "aws:sourceip") {
    return std::all_of(c.values.begin(), c.values.end(), [](const std::string& v) {
      auto net = ParseCidr(v);
      return net && net->prefix >= (net->v6 ? 32 : 8);
    });
  }
  switch (c.op) {
    case ConditionOp::kStringEquals:
    case ConditionOp::kStringEqualsIgnoreCase:
    case ConditionOp::kStringLike:
    case ConditionOp::kArnEquals:
    case ConditionOp::kArnLike: break;
    default: return false;
  }
  return IsPinningKey(c.key) && std::none_of(c.values.begin(), c.values.end(), [](const std::string& v) {
           return HasWildcard(v) || HasVariable(v);
         });
}

}  // namespace

Result<Policy> ParsePolicy(std::string_view text, const ParseOptions& opts) {
  const size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || text[start] != '{') {
    return Malformed("Policies must be valid JSON and the first byte must be '{'");
  }
  const Status too_large = Malformed("Policy exceeds the maximum allowed document size.");
  if (text.size() / 4 > opts.max_bytes) return too_large;
  json::parse_options parse_opts;
  parse_opts.max_depth = kMaxDepth;
  std::error_code ec;
  json::value doc = json::parse(json::string_view(text.data(), text.size()), ec, json::storage_ptr(), parse_opts);
  if (ec) return Malformed("This policy contains invalid Json");
  if (json::serialize(doc).size() > opts.max_bytes) return too_large;
  if (!doc.is_object()) return Malformed("Policies must be valid JSON and the first byte must be '{'");

  Policy policy;
  policy.version = std::string(kVersion2008);
  const json::value* statements = nullptr;
  for (const auto& member : doc.get_object()) {
    const std::string_view key = member.key();
    const json::value& v = member.value();
    if (key == "Version") {
      if (!v.is_string() || (v.get_string() != kVersion2012 && v.get_string() != kVersion2008)) {
        return Malformed("The policy must contain a valid version string");
      }
      policy.version = std::string(v.get_string());
    } else if (key == "Id") {
      if (!v.is_string()) return Syntax();
      policy.id = std::string(v.get_string());
    } else if (key == "Statement") {
      statements = &v;
    } else {
      return Syntax();
    }
  }
  if (statements == nullptr) return Malformed("Missing required field Statement");
  if (statements->is_array()) {
    if (statements->get_array().empty()) return Malformed("Could not parse the policy: Statement is empty!");
    for (const json::value& item : statements->get_array()) {
      Statement st;
      STRATUS_RETURN_IF_ERROR(ParseStatement(item, opts, st));
      policy.statements.push_back(std::move(st));
    }
  } else {
    Statement st;
    STRATUS_RETURN_IF_ERROR(ParseStatement(*statements, opts, st));
    policy.statements.push_back(std::move(st));
  }
  return policy;
}

Decision Evaluate(const Policy& policy, const RequestFacts& facts) {
  Evaluator e{policy, facts};
  bool allowed = false;
  for (const Statement& st : policy.statements) {
    if (st.effect == Effect::kAllow && allowed) continue;  // only a deny can change the answer
    if (!e.Applies(st)) continue;
    if (st.effect == Effect::kDeny) return Decision::kDeny;
    allowed = true;
  }
  return allowed ? Decision::kAllow : Decision::kNotApplicable;
}

bool IsPublic(const Policy& policy) {
  return std::any_of(policy.statements.begin(), policy.statements.end(), [](const Statement& st) {
    const bool everyone = st.not_principal ? !st.principals.everyone : st.principals.everyone;
    return st.effect == Effect::kAllow && st.has_principal && everyone &&
           std::none_of(st.conditions.begin(), st.conditions.end(), Pins);
  });
}

}  // namespace auth
