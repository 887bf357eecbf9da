#include "api/rest_xml/router.h"

#include <algorithm>

#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>

namespace api::rest_xml {
namespace {

int Conditions(const RestRoute& r) { return (r.query.empty() ? 0 : 1) + (r.header.empty() ? 0 : 1); }

std::string_view HostWithoutPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') {  // [::1]:4566
    auto close = host.find(']');
    return close == std::string_view::npos ? host : host.substr(1, close - 1);
  }
  auto colon = host.rfind(':');
  return colon == std::string_view::npos ? host : host.substr(0, colon);
}

bool IsIpLiteral(std::string_view host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(host), ec);
  return !ec;
}

const char* TargetName(Target t) {
  switch (t) {
    case Target::kService: return "service";
    case Target::kBucket: return "bucket";
    case Target::kObject: return "object";
  }
  return "?";
}

}  // namespace

std::vector<std::string> DefaultSubresources() {
  return {"accelerate", "acl", "analytics", "attributes", "cors", "delete", "encryption",
          "intelligent-tiering", "inventory", "legal-hold", "lifecycle", "location", "logging",
          "metadataTable", "metrics", "notification", "object-lock", "ownershipControls", "policy",
          "policyStatus", "publicAccessBlock", "replication", "requestPayment", "restore", "retention",
          "select", "session", "tagging", "torrent", "uploadId", "uploads", "versioning", "versions",
          "website"};
}

Router::Router(std::vector<RestRoute> routes, RouterOptions options)
    : routes_(std::move(routes)), options_(std::move(options)) {
  std::stable_sort(routes_.begin(), routes_.end(), [](const RestRoute& a, const RestRoute& b) {
    return Conditions(a) > Conditions(b);
  });
}

Result<ParsedTarget> Router::Parse(const net::RequestHeader& header) const {
  std::string_view target = header.target();
  std::string_view path = target;
  std::string_view query;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    query = target.substr(q + 1);
  }
  if (path.empty() || path.front() != '/') {
    return Status(common::ErrorCode::kInvalidArgument, "The request-target must be an absolute path");
  }
  ParsedTarget out;
  auto params = ParseQuery(query, /*plus_is_space=*/false);
  if (!params) return Status(common::ErrorCode::kInvalidArgument, "Malformed query string");
  out.query = std::move(*params);

  std::string_view rest = path.substr(1);
  std::string_view host = HostWithoutPort(header[net::http::field::host]);
  std::string vhost_bucket;
  if (!host.empty() && !IsIpLiteral(host)) {
    for (const auto& domain : options_.virtual_host_domains) {
      if (host.size() > domain.size() + 1 && host.ends_with(domain) &&
          host[host.size() - domain.size() - 1] == '.') {
        vhost_bucket = std::string(host.substr(0, host.size() - domain.size() - 1));
        break;
      }
    }
  }
  std::string_view bucket_part;
  std::string_view key_part;
  if (!vhost_bucket.empty()) {
    out.bucket = std::move(vhost_bucket);
    key_part = rest;
  } else {
    auto slash = rest.find('/');
    bucket_part = rest.substr(0, slash);
    key_part = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    auto bucket = PercentDecode(bucket_part, false);
    if (!bucket) return Status(common::ErrorCode::kInvalidArgument, "Malformed bucket name encoding");
    out.bucket = std::move(*bucket);
  }
  auto key = PercentDecode(key_part, false);
  if (!key) return Status(common::ErrorCode::kInvalidArgument, "Malformed object key encoding");
  out.key = std::move(*key);
  out.target = out.bucket.empty() ? Target::kService
               : out.key.empty()  ? Target::kBucket
                                  : Target::kObject;
  return out;
}

bool Router::NamesOtherSubresource(const RestRoute& r, const Params& query) const {
  for (const auto& sub : options_.subresources) {
    if (sub != r.query && query.contains(sub)) return true;
  }
  return false;
}

Result<RouteMatch> Router::Route(const net::RequestHeader& header) const {
  auto parsed = Parse(header);
  if (!parsed.ok()) return parsed.status();
  const ParsedTarget& t = *parsed;
  for (const auto& r : routes_) {
    if (r.method != header.method() || r.target != t.target) continue;
    if (!r.query.empty() && !t.query.contains(r.query)) continue;
    if (NamesOtherSubresource(r, t.query)) continue;
    if (!r.header.empty() && header.find(r.header) == header.end()) continue;
    RouteMatch m;
    m.op = r.op;
    m.service = "s3";
    m.bucket = t.bucket;
    m.key = t.key;
    m.query = t.query;
    return m;
  }
  return Status(common::ErrorCode::kUnimplemented,
                fmt::format("A header or query you provided implies functionality that is not "
                            "implemented ({} on a {})",
                            std::string_view(header.method_string()), TargetName(t.target)));
}

}  // namespace api::rest_xml
