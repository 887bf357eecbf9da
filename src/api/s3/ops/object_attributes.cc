#include "api/s3/ops/object_attributes.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "api/s3/common.h"
#include "api/s3/xml/xml_writer.h"

namespace api::s3 {

using common::ErrorCode;
namespace http = net::http;

namespace {

Result<int> IntHeader(const net::RequestHeader& h, std::string_view name, int fallback) {
  auto v = h[name];
  if (v.empty()) return fallback;
  int n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < 0) {
    return Status(ErrorCode::kInvalidArgument, fmt::format("Invalid {} header", name), "InvalidArgument");
  }
  return n;
}

}  // namespace

Result<GetObjectAttributes::Request> GetObjectAttributes::Parse(OpContext& ctx) {
  auto target = ParseObject(ctx);
  if (!target.ok()) return target.status();
  const auto& h = ctx.exchange.header();
  Request r;
  r.target = std::move(target).value();
  static constexpr std::string_view kKnown[] = {"ETag", "Checksum", "ObjectParts", "StorageClass",
                                                "ObjectSize"};
  // The header may repeat and each value may be a comma-separated list.
  auto [first, last] = h.equal_range("x-amz-object-attributes");
  for (auto it = first; it != last; ++it) {
    std::string_view list = it->value();
    size_t pos = 0;
    while (pos <= list.size()) {
      size_t comma = list.find(',', pos);
      std::string_view a = list.substr(pos, comma == std::string_view::npos ? list.npos : comma - pos);
      while (!a.empty() && a.front() == ' ') a.remove_prefix(1);
      while (!a.empty() && a.back() == ' ') a.remove_suffix(1);
      if (!a.empty()) {
        if (std::find(std::begin(kKnown), std::end(kKnown), a) == std::end(kKnown)) {
          return Status(ErrorCode::kInvalidArgument, "Invalid attribute name specified.", "InvalidArgument");
        }
        r.attributes.emplace_back(a);
      }
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
  }
  if (r.attributes.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "The x-amz-object-attributes header specifying the attributes to be retrieved is "
                  "either missing or empty",
                  "InvalidArgument");
  }
  auto max = IntHeader(h, "x-amz-max-parts", 1000);
  if (!max.ok()) return max.status();
  auto marker = IntHeader(h, "x-amz-part-number-marker", 0);
  if (!marker.ok()) return marker.status();
  r.max_parts = std::min(*max, 1000);
  r.part_number_marker = *marker;
  return r;
}

net::awaitable<Result<net::Response>> GetObjectAttributes::Execute(OpContext& ctx, Request r) {
  auto v = Objects(ctx).HeadObject(r.target.bucket, r.target.key, r.target.version_id);
  if (!v.ok()) co_return v.status();
  if (v->delete_marker) {
    net::Response res = ErrorResponse(
        ctx, r.target.version_id
                 ? Status(ErrorCode::kInvalidArgument,
                          "The specified method is not allowed against this resource.", "MethodNotAllowed")
                 : Status(ErrorCode::kNotFound, "The specified key does not exist.", "NoSuchKey"));
    res.msg.set("x-amz-delete-marker", "true");
    co_return res;
  }
  auto wants = [&](std::string_view a) {
    return std::find(r.attributes.begin(), r.attributes.end(), a) != r.attributes.end();
  };
  XmlWriter w;
  w.Declaration();
  w.Open("GetObjectAttributesResponse", kXmlns);
  if (wants("ETag")) w.Element("ETag", v->etag);
  if (wants("Checksum") && v->checksum_algorithm && !v->checksum.empty()) {
    w.Open("Checksum");
    w.Element(fmt::format("Checksum{}", common::ChecksumName(*v->checksum_algorithm)), v->checksum);
    w.Element("ChecksumType", v->checksum_type);
    w.Close();
  }
  if (wants("ObjectParts") && v->parts.size() > 1) {
    // The page of parts after the marker.
    std::vector<const service::objects::StoredPart*> page;
    bool truncated = false;
    for (const auto& p : v->parts) {
      if (p.part_number <= r.part_number_marker) continue;
      if (static_cast<int>(page.size()) == r.max_parts) {
        truncated = true;
        break;
      }
      page.push_back(&p);
    }
    w.Open("ObjectParts");
    w.Element("PartsCount", static_cast<uint64_t>(v->parts.size()));  // TotalPartsCount on the wire
    w.Element("PartNumberMarker", r.part_number_marker);
    w.Element("NextPartNumberMarker", page.empty() ? r.part_number_marker : page.back()->part_number);
    w.Element("MaxParts", r.max_parts);
    w.Element("IsTruncated", truncated);
    for (const auto* p : page) {
      w.Open("Part");
      w.Element("PartNumber", p->part_number);
      w.Element("Size", p->data.size);
      if (v->checksum_algorithm && !p->checksum.empty()) {
        w.Element(fmt::format("Checksum{}", common::ChecksumName(*v->checksum_algorithm)), p->checksum);
      }
      w.Close();
    }
    w.Close();
  }
  if (wants("StorageClass")) w.Element("StorageClass", v->storage_class);
  if (wants("ObjectSize")) w.Element("ObjectSize", v->size);
  w.Close();
  net::Response res;
  res.msg.result(http::status::ok);
  res.msg.set(http::field::content_type, "application/xml");
  res.msg.set(http::field::last_modified, HttpTime(v->last_modified_ms));
  if (v->version_id != "null") res.msg.set("x-amz-version-id", v->version_id);
  res.msg.body() = w.Take();
  res.msg.prepare_payload();
  co_return res;
}

}  // namespace api::s3
