#include "api/query/model.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>
#include <pugixml.hpp>

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

// The prefix of a list's numbered parameters: "{p}.member" (or the member's
// locationName); for a flattened list `p` itself, its last part replaced by
// the member's locationName if it has one.
std::string ListItemPrefix(const std::string& p, bool flattened, const Shape& list) {
  if (!flattened) return Join(p, NameOr(list.member, "member"));
  const std::string& item = list.member.xml_name;
  if (item.empty()) return p;
  auto dot = p.rfind('.');
  return dot == std::string::npos ? item : fmt::format("{}.{}", p.substr(0, dot), item);
}

// --- Query parameters → JSON ------------------------------------------------

class Decoder {
 public:
  explicit Decoder(const Params& params) : params_(params) {}

  Result<std::optional<json::value>> Value(const Shape& shape, const std::string& p, bool flattened) {
    switch (shape.kind) {
      case Kind::kStructure: {
        auto o = Structure(shape, p);
        if (!o.ok()) return o.status();
        if (o->empty()) return std::optional<json::value>();
        return std::optional<json::value>(std::move(*o));
      }
      case Kind::kList:
        return List(shape, p, flattened);
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
      auto v = Value(*m.shape, p, m.flattened);
      if (!v.ok()) return v.status();
      if (v->has_value()) out[m.name] = std::move(**v);
    }
    return out;
  }

 private:
  Result<std::optional<json::value>> List(const Shape& shape, const std::string& p, bool flattened) {
    std::string list_prefix = ListItemPrefix(p, flattened, shape);
    json::array out;
    for (size_t i = 1;; ++i) {
      auto v = Value(*shape.member.shape, fmt::format("{}.{}", list_prefix, i), shape.member.flattened);
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
      auto v = Value(*shape.value.shape, fmt::format("{}.{}.{}", full, i, value_name), shape.value.flattened);
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

// --- JSON → Query parameters (a client's request) ---------------------------

Status WrongType(std::string_view p, std::string_view want) {
  return Status(common::ErrorCode::kInvalidArgument, fmt::format("parameter {} must be {}", p, want));
}

// Seconds since the epoch as botocore writes ISO 8601 timestamps:
// 2024-05-01T12:00:00Z, with .ffffff when there is a fraction.
std::string Iso8601(double epoch_seconds) {
  const int64_t micros = std::llround(epoch_seconds * 1e6);
  int64_t secs = micros / 1'000'000, frac = micros % 1'000'000;
  if (frac < 0) {  // before the epoch: round the seconds down
    secs -= 1;
    frac += 1'000'000;
  }
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                                tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (frac != 0) fmt::format_to(std::back_inserter(out), ".{:06}", frac);
  return out + 'Z';
}

class Encoder {
 public:
  // Adds the parameters of `v`, a value of `r`'s shape, named `p`. Nulls are
  // left out, as if absent.
  Status Value(const Ref& r, const json::value& v, const std::string& p) {
    const Shape& shape = *r.shape;
    if (v.is_null()) return Status::Ok();
    switch (shape.kind) {
      case Kind::kStructure:
        if (!v.is_object()) return WrongType(p, "an object");
        return Structure(shape, v.as_object(), p);
      case Kind::kList:
        if (!v.is_array()) return WrongType(p, "an array");
        return List(r, v.as_array(), p);
      case Kind::kMap:
        if (!v.is_object()) return WrongType(p, "an object");
        return Map(r, v.as_object(), p);
      case Kind::kString:
      case Kind::kBlob:  // already base64, as the JSON protocol carries it
        if (!v.is_string()) return WrongType(p, "a string");
        return Add(p, v.as_string());
      case Kind::kInteger:
        if (v.is_int64()) return Add(p, std::to_string(v.as_int64()));
        if (v.is_uint64()) return Add(p, std::to_string(v.as_uint64()));
        return WrongType(p, "an integer");
      case Kind::kBoolean:
        if (!v.is_bool()) return WrongType(p, "a boolean");
        return Add(p, v.as_bool() ? "true" : "false");
      case Kind::kDouble:
        if (!v.is_number()) return WrongType(p, "a number");
        return Add(p, fmt::format("{}", v.to_number<double>()));
      case Kind::kTimestamp:
        if (v.is_string()) return Add(p, v.as_string());
        if (!v.is_number()) return WrongType(p, "a timestamp");
        return Add(p, Iso8601(v.to_number<double>()));
    }
    return Status::Ok();
  }

  // Members in the order `o` gives them; kInvalidArgument for a member the
  // shape does not name.
  Status Structure(const Shape& shape, const json::object& o, const std::string& prefix) {
    for (const auto& member : o) {
      std::string_view key = member.key();
      const json::value& v = member.value();
      auto m = std::find_if(shape.members.begin(), shape.members.end(), [key](const Ref& r) { return r.name == key; });
      if (m == shape.members.end()) {
        return Status(common::ErrorCode::kInvalidArgument, fmt::format("unknown parameter {}", Join(prefix, key)));
      }
      STRATUS_RETURN_IF_ERROR(Value(*m, v, Join(prefix, NameOr(*m, m->name))));
    }
    return Status::Ok();
  }

  std::vector<std::pair<std::string, std::string>> Take() && { return std::move(params_); }

 private:
  Status List(const Ref& r, const json::array& a, const std::string& p) {
    if (a.empty()) return Add(p, "");  // an empty list is the bare name
    std::string item_prefix = ListItemPrefix(p, r.flattened, *r.shape);
    for (size_t i = 0; i < a.size(); ++i) {
      STRATUS_RETURN_IF_ERROR(Value(r.shape->member, a[i], fmt::format("{}.{}", item_prefix, i + 1)));
    }
    return Status::Ok();
  }

  Status Map(const Ref& r, const json::object& o, const std::string& p) {
    const Shape& shape = *r.shape;
    std::string entry_prefix = r.flattened ? p : p + ".entry";
    size_t i = 0;
    for (const auto& [k, v] : o) {
      ++i;
      STRATUS_RETURN_IF_ERROR(Add(fmt::format("{}.{}.{}", entry_prefix, i, NameOr(shape.key, "key")), k));
      STRATUS_RETURN_IF_ERROR(Value(shape.value, v, fmt::format("{}.{}.{}", entry_prefix, i, NameOr(shape.value, "value"))));
    }
    return Status::Ok();
  }

  Status Add(std::string name, std::string_view value) {
    params_.emplace_back(std::move(name), std::string(value));
    return Status::Ok();
  }

  std::vector<std::pair<std::string, std::string>> params_;
};

// --- Query XML → JSON (a client's response) ---------------------------------

// pugixml's defaults plus white space kept when it is an element's only text,
// so that a value of " " survives.
constexpr unsigned kXmlParseOptions = pugi::parse_default | pugi::parse_ws_pcdata_single;

Status MalformedXml(std::string_view what) {
  return Status(common::ErrorCode::kInvalidArgument, fmt::format("malformed Query response: {}", what));
}

std::string_view LocalName(pugi::xml_node n) {
  std::string_view name = n.name();
  const size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The first child element named `name` (in any namespace), or a null node.
pugi::xml_node Child(pugi::xml_node parent, std::string_view name) {
  for (pugi::xml_node c : parent.children()) {
    if (c.type() == pugi::node_element && LocalName(c) == name) return c;
  }
  return {};
}

// The element a structure member is read from: its serialized name, except
// that a flattened list's items carry the name of the list's member.
std::string_view MemberElement(const Ref& m) {
  if (m.shape->kind == Kind::kList && m.flattened && !m.shape->member.xml_name.empty()) {
    return m.shape->member.xml_name;
  }
  return NameOr(m, m.name);
}

Result<json::value> ReadValue(const Ref& r, pugi::xml_node node);

// Adds `item`, a list's item element or a map's entry element (<key/><value/>),
// to `out`: an array or object.
Status ReadItem(const Shape& container, pugi::xml_node item, json::value& out) {
  if (container.kind == Kind::kList) {
    auto v = ReadValue(container.member, item);
    if (!v.ok()) return v.status();
    out.as_array().push_back(std::move(*v));
    return Status::Ok();
  }
  pugi::xml_node key = Child(item, NameOr(container.key, "key"));
  if (!key) return MalformedXml(fmt::format("a <{}> entry without a key", item.name()));
  json::value value = json::string();
  if (pugi::xml_node v = Child(item, NameOr(container.value, "value"))) {
    auto read = ReadValue(container.value, v);
    if (!read.ok()) return read.status();
    value = std::move(*read);
  }
  out.as_object()[key.text().get()] = std::move(value);
  return Status::Ok();
}

Result<json::object> ReadStructure(const Shape& shape, pugi::xml_node node) {
  json::object out;
  for (const Ref& m : shape.members) {
    const std::string_view name = MemberElement(m);
    const bool container = m.shape->kind == Kind::kList || m.shape->kind == Kind::kMap;
    if (!(container && m.flattened)) {
      if (pugi::xml_node c = Child(node, name)) {
        auto v = ReadValue(m, c);
        if (!v.ok()) return v.status();
        out[m.name] = std::move(*v);
      }
      continue;
    }
    // Flattened: every child element of that name is an item or entry.
    json::value items = m.shape->kind == Kind::kList ? json::value(json::array()) : json::value(json::object());
    bool found = false;
    for (pugi::xml_node c : node.children()) {
      if (c.type() != pugi::node_element || LocalName(c) != name) continue;
      STRATUS_RETURN_IF_ERROR(ReadItem(*m.shape, c, items));
      found = true;
    }
    if (found) out[m.name] = std::move(items);
  }
  return out;
}

Result<json::value> ReadValue(const Ref& r, pugi::xml_node node) {
  const Shape& shape = *r.shape;
  switch (shape.kind) {
    case Kind::kStructure: {
      auto o = ReadStructure(shape, node);
      if (!o.ok()) return o.status();
      return json::value(std::move(*o));
    }
    case Kind::kList:
    case Kind::kMap: {
      json::value out = shape.kind == Kind::kList ? json::value(json::array()) : json::value(json::object());
      for (pugi::xml_node c : node.children()) {
        if (c.type() == pugi::node_element) STRATUS_RETURN_IF_ERROR(ReadItem(shape, c, out));
      }
      return out;
    }
    default:
      break;
  }
  const std::string_view text = node.text().get();  // "" for an empty element
  auto invalid = [&] { return MalformedXml(fmt::format("<{}>{}</{}>", node.name(), text, node.name())); };
  switch (shape.kind) {
    case Kind::kInteger: {
      int64_t n = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return invalid();
      return json::value(n);
    }
    case Kind::kBoolean:
      return json::value(text == "true");  // as botocore: anything else is false
    case Kind::kDouble: {
      std::string s(text);
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size()) return invalid();
      return json::value(d);
    }
    default:  // strings, blobs (still base64), timestamps (as sent)
      return json::value(json::string(text));
  }
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

Result<std::vector<std::pair<std::string, std::string>>> ServiceModel::EncodeInput(std::string_view op,
                                                                                   const json::object& input) const {
  auto it = operations_.find(op);
  if (it == operations_.end()) {
    return Status(common::ErrorCode::kInvalidArgument, fmt::format("unknown operation {}", op));
  }
  Encoder encoder;
  if (it->second.input != nullptr) {
    STRATUS_RETURN_IF_ERROR(encoder.Structure(*it->second.input, input, ""));
  } else if (!input.empty()) {
    return Status(common::ErrorCode::kInvalidArgument,
                  fmt::format("unknown parameter {}", std::string_view(input.begin()->key())));
  }
  return std::move(encoder).Take();
}

Result<json::object> ServiceModel::DecodeOutput(std::string_view op, std::string_view xml) const {
  auto it = operations_.find(op);
  if (it == operations_.end()) {
    return Status(common::ErrorCode::kInvalidArgument, fmt::format("unknown operation {}", op));
  }
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size(), kXmlParseOptions, pugi::encoding_utf8)) return MalformedXml("not XML");
  pugi::xml_node root = doc.document_element();
  if (LocalName(root) != fmt::format("{}Response", op)) {
    return MalformedXml(fmt::format("<{}> where <{}Response> was expected", root.name(), op));
  }
  const Operation& operation = it->second;
  if (operation.output == nullptr) return json::object();
  pugi::xml_node result = Child(root, operation.result_wrapper);
  if (!result) return json::object();
  return ReadStructure(*operation.output, result);
}

QueryError ServiceModel::DecodeError(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size(), kXmlParseOptions, pugi::encoding_utf8)) return {};
  pugi::xml_node root = doc.document_element();
  pugi::xml_node error = Child(root, "Error");
  if (!error) error = Child(Child(root, "Errors"), "Error");
  return QueryError{.type = Child(error, "Type").text().get(),
                    .code = Child(error, "Code").text().get(),
                    .message = Child(error, "Message").text().get()};
}

}  // namespace api::query
