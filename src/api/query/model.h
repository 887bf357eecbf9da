#pragma once

// ServiceModel: the Query protocol codec of one service, driven by the parts
// of botocore's service model that say how shapes are named on the wire
// (models/<service>.json, written by scripts/gen-query-models). Operations are
// written once against the JSON protocol's shapes (boost::json objects); this
// codec turns a Query request's form parameters into that object and the
// operation's output object into the Query protocol's XML response, following
// the rules botocore's Query serializer and XML parser apply (flattened lists
// and maps, member and entry names, result wrappers).
//
// Immutable after Parse; thread-safe.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "api/common/query_string.h"
#include "common/status.h"

namespace api::query {

class ServiceModel {
 public:
  // kInvalidArgument if `model_json` is not a model in the generated format.
  static common::Result<std::shared_ptr<const ServiceModel>> Parse(std::string_view model_json);
  ~ServiceModel();

  bool HasOperation(std::string_view op) const;

  // The operation's input, as the JSON protocol carries it: integers and
  // booleans typed, lists and maps rebuilt from their numbered parameters,
  // blobs still base64. Parameters the input shape does not name are ignored
  // (as AWS does). kInvalidArgument, naming the parameter, for a malformed
  // number or boolean.
  common::Result<boost::json::object> DecodeInput(std::string_view op, const Params& params) const;

  // <{op}Response xmlns><{op}Result>…</{op}Result><ResponseMetadata>…
  // for `output` (which may be empty, or omitted for operations without
  // output). Members the output shape does not name are left out.
  std::string EncodeOutput(std::string_view op, const boost::json::object& output,
                           std::string_view request_id) const;

  std::string_view xmlns() const { return xmlns_; }

  struct Shape;

 private:
  ServiceModel() = default;
  struct Operation {
    const Shape* input = nullptr;
    const Shape* output = nullptr;
    std::string result_wrapper;
  };
  std::string xmlns_;
  std::map<std::string, std::unique_ptr<Shape>, std::less<>> shapes_;
  std::map<std::string, Operation, std::less<>> operations_;
};

}  // namespace api::query
