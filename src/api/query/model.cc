#include "api/query/model.h"

#include <charconv>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include "api/rest_xml/errors.h"

namespace api::query {

namespace json = boost::json;
using common::Result;
using common::Status;

enum class Kind { kStructure, kList, kMap, kString, kInteger, kBoolean, kBlob, kTimestamp, kDouble };

// A reference to a shape from a structure member, a list's member or a map's
// key or value, with the wire traits in effect there (the reference's own
// override the shape definition's, as botocore resolves them).
struct Ref {
  std::string name;      // member name in the JSON shape ("" for list members, keys, values)
  std::string xml_name;  // locationName in effect, or "" if none
  bool flattened = false;
  const ServiceModel::Shape* shape = nullptr;
};

struct ServiceModel::Shape {
  Kind kind = Kind::kString;
  std::vector<Ref> members;  // structures, in model order
  Ref member;                // lists
  Ref key, value;            // maps
};

namespace {

Result<Kind> KindOf(std::string_view type) {
  static const std::map<std::string_view, Kind> kKinds = {
      {"structure", Kind::kStructure}, {"list", Kind::kList},       {"map", Kind::kMap},
      {"string", Kind::kString},       {"integer", Kind::kInteger}, {"long", Kind::kInteger},
      {"boolean", Kind::kBoolean},     {"blob", Kind::kBlob},       {"timestamp", Kind::kTimestamp},
      {"double", Kind::kDouble},       {"float", Kind::kDouble},
  };
  auto it = kKinds.find(type);
  if (it == kKinds.end()) return Status(common::ErrorCode::kInvalidArgument, fmt::format("unknown shape type {}", type));
  return it->second;
}

std::string StringAt(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool BoolAt(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->as_bool();
}

std::string Join(std::string_view prefix, std::string_view name) {
  return prefix.empty() ? std::string(name) : fmt::format("{}.{}", prefix, name);
}

// The serialized name of a reference: its locationName, else `fallback`.
std::string_view NameOr(const Ref& r, std::string_view fallback) {
  return r.xml_name.empty() ? fallback : std::string_view(r.xml_name);
}

using Shape = ServiceModel::Shape;

// --- Query parameters → JSON ------------------------------------------------

class Decoder {
 public:
  explicit Decoder(const Params& params) : params_(params) {}

  Result<std::optional<json::value>> Value(const Shape& shape, const std::string& p, bool flattened,
                                           std::string_view list_member_name) {
    switch (shape.kind) {
      case Kind::kStructure: {
        auto o = Structure(shape, p);
        if (!o.ok()) return o.status();
        if (o->empty()) return std::optional<json::value>();
        return std::optional<json::value>(std::move(*o));
      }
      case Kind::kList:
        return List(shape, p, flattened, list_member_name);
      case Kind::kMap:
        return Map(shape, p, flattened);
      default:
        return Scalar(shape, p);
    }
  }

  Result<json::object> Structure(const Shape& shape, const std::string& prefix) {
    json::object out;
    for (const Ref& m : shape.members) {
      std::string p = Join(prefix, NameOr(m, m.name));
      auto v = Value(*m.shape, p, m.flattened, m.shape->member.xml_name);
      if (!v.ok()) return v.status();
      if (v->has_value()) out[m.name] = std::move(**v);
    }
    return out;
  }

 private:
  Result<std::optional<json::value>> List(const Shape& shape, const std::string& p, bool flattened,
                                          std::string_view member_name) {
    std::string list_prefix;
    if (flattened) {
      list_prefix = p;
      if (!member_name.empty()) {
        auto dot = p.rfind('.');
        list_prefix = dot == std::string::npos ? std::string(member_name)
                                               : fmt::format("{}.{}", p.substr(0, dot), member_name);
      }
    } else {
      list_prefix = Join(p, NameOr(shape.member, "member"));
    }
    json::array out;
    for (size_t i = 1;; ++i) {
      auto v = Value(*shape.member.shape, fmt::format("{}.{}", list_prefix, i), shape.member.flattened,
                     shape.member.shape->member.xml_name);
      if (!v.ok()) return v.status();
      if (!v->has_value()) break;
      out.push_back(std::move(**v));
    }
    if (out.empty()) {
      // An empty list is sent as the bare name with an empty value.
      auto it = params_.find(p);
      if (it == params_.end() || !it->second.empty()) return std::optional<json::value>();
    }
    return std::optional<json::value>(std::move(out));
  }

  Result<std::optional<json::value>> Map(const Shape& shape, const std::string& p, bool flattened) {
    std::string full = flattened ? p : p + ".entry";
    std::string_view key_name = NameOr(shape.key, "key");
    std::string_view value_name = NameOr(shape.value, "value");
    json::object out;
    for (size_t i = 1;; ++i) {
      auto k = params_.find(fmt::format("{}.{}.{}", full, i, key_name));
      if (k == params_.end()) break;
      auto v = Value(*shape.value.shape, fmt::format("{}.{}.{}", full, i, value_name), shape.value.flattened,
                     shape.value.shape->member.xml_name);
      if (!v.ok()) return v.status();
      out[k->second] = v->has_value() ? std::move(**v) : json::value(json::string());
    }
    if (out.empty()) return std::optional<json::value>();
    return std::optional<json::value>(std::move(out));
  }

  Result<std::optional<json::value>> Scalar(const Shape& shape, const std::string& p) {
    auto it = params_.find(p);
    if (it == params_.end()) return std::optional<json::value>();
    const std::string& s = it->second;
    auto invalid = [&] {
      return Status(common::ErrorCode::kInvalidArgument,
                    fmt::format("Value {} for parameter {} is invalid.", s, p));
    };
    switch (shape.kind) {
      case Kind::kInteger: {
        int64_t n = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return invalid();
        return std::optional<json::value>(n);
      }
      case Kind::kBoolean:
        if (s == "true") return std::optional<json::value>(true);
        if (s == "false") return std::optional<json::value>(false);
        return invalid();
      case Kind::kDouble: {
        char* end = nullptr;
        double d = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size()) return invalid();
        return std::optional<json::value>(d);
      }
      default:
        return std::optional<json::value>(json::string(s));
    }
  }

  const Params& params_;
};

// --- JSON → Query XML ------------------------------------------------------

void AppendScalar(std::string& out, const json::value& v) {
  if (v.is_string()) {
    out += rest_xml::XmlEscape(v.as_string());
  } else if (v.is_bool()) {
    out += v.as_bool() ? "true" : "false";
  } else if (v.is_int64()) {
    out += std::to_string(v.as_int64());
  } else if (v.is_uint64()) {
    out += std::to_string(v.as_uint64());
  } else if (v.is_double()) {
    out += fmt::format("{}", v.as_double());
  }
}

void AppendValue(std::string& out, const Shape& shape, const json::value& v);

void AppendElement(std::string& out, std::string_view name, const Shape& shape, const json::value& v) {
  fmt::format_to(std::back_inserter(out), "<{}>", name);
  AppendValue(out, shape, v);
  fmt::format_to(std::back_inserter(out), "</{}>", name);
}

void AppendMember(std::string& out, const Ref& m, const json::value& v) {
  const Shape& shape = *m.shape;
  std::string_view name = NameOr(m, m.name);
  if (shape.kind == Kind::kList && v.is_array()) {
    if (m.flattened) {
      std::string_view item = NameOr(shape.member, name);
      for (const auto& e : v.as_array()) AppendElement(out, item, *shape.member.shape, e);
      return;
    }
    fmt::format_to(std::back_inserter(out), "<{}>", name);
    for (const auto& e : v.as_array()) AppendElement(out, NameOr(shape.member, "member"), *shape.member.shape, e);
    fmt::format_to(std::back_inserter(out), "</{}>", name);
    return;
  }
  if (shape.kind == Kind::kMap && v.is_object()) {
    std::string_view key_name = NameOr(shape.key, "key");
    std::string_view value_name = NameOr(shape.value, "value");
    if (!m.flattened) fmt::format_to(std::back_inserter(out), "<{}>", name);
    for (const auto& [k, e] : v.as_object()) {
      fmt::format_to(std::back_inserter(out), "<{}><{}>{}</{}>", m.flattened ? name : "entry", key_name,
                     rest_xml::XmlEscape(k), key_name);
      AppendElement(out, value_name, *shape.value.shape, e);
      fmt::format_to(std::back_inserter(out), "</{}>", m.flattened ? name : "entry");
    }
    if (!m.flattened) fmt::format_to(std::back_inserter(out), "</{}>", name);
    return;
  }
  AppendElement(out, name, shape, v);
}

void AppendValue(std::string& out, const Shape& shape, const json::value& v) {
  if (shape.kind == Kind::kStructure) {
    if (!v.is_object()) return;
    const auto& o = v.as_object();
    for (const Ref& m : shape.members) {
      if (auto* mv = o.if_contains(m.name); mv != nullptr && !mv->is_null()) AppendMember(out, m, *mv);
    }
    return;
  }
  AppendScalar(out, v);
}

}  // namespace

ServiceModel::~ServiceModel() = default;

Result<std::shared_ptr<const ServiceModel>> ServiceModel::Parse(std::string_view model_json) {
  boost::system::error_code ec;
  json::value doc = json::parse(model_json, ec);
  auto bad = [](std::string what) { return Status(common::ErrorCode::kInvalidArgument, "service model: " + what); };
  if (ec || !doc.is_object()) return bad("not a JSON object");
  const auto& root = doc.as_object();
  auto* shapes = root.if_contains("shapes");
  auto* ops = root.if_contains("operations");
  if (shapes == nullptr || !shapes->is_object() || ops == nullptr || !ops->is_object()) return bad("no shapes or operations");

  std::shared_ptr<ServiceModel> model(new ServiceModel());
  if (auto* meta = root.if_contains("metadata"); meta != nullptr && meta->is_object()) {
    model->xmlns_ = StringAt(meta->as_object(), "xmlNamespace");
  }
  for (const auto& [name, def] : shapes->as_object()) {
    if (!def.is_object()) return bad(fmt::format("shape {} is not an object", std::string_view(name)));
    auto kind = KindOf(StringAt(def.as_object(), "type"));
    if (!kind.ok()) return kind.status();
    auto s = std::make_unique<Shape>();
    s->kind = *kind;
    model->shapes_.emplace(std::string(name), std::move(s));
  }
  // Second pass: references, with the traits in effect at each.
  auto resolve = [&](const json::object& ref, std::string member_name, Ref& out) -> Status {
    auto it = model->shapes_.find(StringAt(ref, "shape"));
    if (it == model->shapes_.end()) return bad("reference to unknown shape " + StringAt(ref, "shape"));
    const auto& target = shapes->as_object().at(it->first).as_object();
    out.name = std::move(member_name);
    out.shape = it->second.get();
    out.xml_name = StringAt(ref, "locationName");
    if (out.xml_name.empty()) out.xml_name = StringAt(target, "locationName");
    out.flattened = ref.contains("flattened") ? BoolAt(ref, "flattened") : BoolAt(target, "flattened");
    return Status::Ok();
  };
  for (const auto& entry : shapes->as_object()) {
    std::string_view name = entry.key();  // (not a structured binding: the lambda below uses it)
    Shape& s = *model->shapes_.at(std::string(name));
    const auto& d = entry.value().as_object();
    auto ref_at = [&](std::string_view key, Ref& out) -> Status {
      auto* r = d.if_contains(key);
      if (r == nullptr || !r->is_object()) return bad(fmt::format("shape {} has no {}", std::string_view(name), key));
      return resolve(r->as_object(), "", out);
    };
    if (s.kind == Kind::kStructure) {
      if (auto* members = d.if_contains("members"); members != nullptr && members->is_object()) {
        for (const auto& [mname, mref] : members->as_object()) {
          if (!mref.is_object()) return bad("malformed member");
          Ref r;
          STRATUS_RETURN_IF_ERROR(resolve(mref.as_object(), std::string(mname), r));
          s.members.push_back(std::move(r));
        }
      }
    } else if (s.kind == Kind::kList) {
      STRATUS_RETURN_IF_ERROR(ref_at("member", s.member));
    } else if (s.kind == Kind::kMap) {
      STRATUS_RETURN_IF_ERROR(ref_at("key", s.key));
      STRATUS_RETURN_IF_ERROR(ref_at("value", s.value));
    }
  }
  for (const auto& [name, def] : ops->as_object()) {
    if (!def.is_object()) return bad("malformed operation");
    Operation op;
    std::string in = StringAt(def.as_object(), "input"), out = StringAt(def.as_object(), "output");
    if (!in.empty()) {
      auto it = model->shapes_.find(in);
      if (it == model->shapes_.end()) return bad("unknown input shape " + in);
      op.input = it->second.get();
    }
    if (!out.empty()) {
      auto it = model->shapes_.find(out);
      if (it == model->shapes_.end()) return bad("unknown output shape " + out);
      op.output = it->second.get();
    }
    op.result_wrapper = StringAt(def.as_object(), "resultWrapper");
    model->operations_.emplace(std::string(name), std::move(op));
  }
  return std::shared_ptr<const ServiceModel>(std::move(model));
}

bool ServiceModel::HasOperation(std::string_view op) const { return operations_.contains(op); }

Result<json::object> ServiceModel::DecodeInput(std::string_view op, const Params& params) const {
  auto it = operations_.find(op);
  if (it == operations_.end() || it->second.input == nullptr) return json::object();
  return Decoder(params).Structure(*it->second.input, "");
}

std::string ServiceModel::EncodeOutput(std::string_view op, const json::object& output,
                                       std::string_view request_id) const {
  std::string out = fmt::format("<?xml version=\"1.0\"?>\n<{}Response", op);
  if (!xmlns_.empty()) fmt::format_to(std::back_inserter(out), " xmlns=\"{}\"", xmlns_);
  out += '>';
  auto it = operations_.find(op);
  if (it != operations_.end() && it->second.output != nullptr) {
    const std::string& wrapper = it->second.result_wrapper;
    fmt::format_to(std::back_inserter(out), "<{}>", wrapper);
    AppendValue(out, *it->second.output, json::value(output));
    fmt::format_to(std::back_inserter(out), "</{}>", wrapper);
  }
  fmt::format_to(std::back_inserter(out), "<ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></{}Response>",
                 request_id, op);
  return out;
}

}  // namespace api::query
