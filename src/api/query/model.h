#pragma once

// ServiceModel: the Query protocol codec of one service, driven by the parts
// of botocore's service model that say how shapes are named on the wire
// (models/<service>.json, written by scripts/gen-query-models). Operations are
// written once against the JSON protocol's shapes (boost::json objects); this
// codec turns a Query request's form parameters into that object and the
// operation's output object into the Query protocol's XML response, following
// the rules botocore's Query serializer and XML parser apply (flattened lists
// and maps, member and entry names, result wrappers). The client direction
// (EncodeInput, DecodeOutput, DecodeError) is the inverse, for stratus's own
// AWS client: EncodeInput's parameters decode with DecodeInput to the same
// object, and EncodeOutput's XML with DecodeOutput.
//
// Immutable after Parse; thread-safe.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "api/common/query_string.h"
#include "common/status.h"

namespace api::query {

// The error a Query protocol error response carries:
//   <ErrorResponse><Error><Type/><Code/><Message/></Error>…
struct QueryError {
  std::string type;  // "Sender" or "Receiver"
  std::string code;
  std::string message;
};

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

  // --- The client direction ---

  // The form parameters a Query client sends for `input` (shaped as the JSON
  // protocol carries it), as botocore's Query serializer writes them:
  // members under their locationNames, lists as Name.member.N (or flattened),
  // an empty list as the bare name with an empty value, maps as
  // Name.entry.N.key/value (or flattened), booleans "true"/"false", blobs as
  // given (base64), timestamps as given if a string, else epoch seconds
  // written in ISO 8601. Nulls are left out. Action and Version are NOT
  // included: the caller adds them. kInvalidArgument for an unknown
  // operation, a member the input shape does not name, or a value of the
  // wrong JSON type for its shape.
  common::Result<std::vector<std::pair<std::string, std::string>>> EncodeInput(
      std::string_view op, const boost::json::object& input) const;

  // The output object, shaped as the JSON protocol carries it, read from a
  // Query response (<{op}Response><{op}Result>…) as botocore's XML parser reads
  // it: integers, doubles and booleans typed (a boolean other than "true" is
  // false), lists and maps rebuilt (flattened or not), blobs still base64,
  // timestamps as sent; elements the shape does not name are ignored, and
  // so is ResponseMetadata. {} for an operation without output or a response
  // without the result element. kInvalidArgument for an unknown operation,
  // text that is not XML, a root element other than <{op}Response>, a
  // malformed number or a map entry without a key.
  common::Result<boost::json::object> DecodeOutput(std::string_view op, std::string_view xml) const;

  // The Type, Code and Message of an <ErrorResponse><Error> body (or
  // <Errors><Error>); empty fields where the body has none or is not XML.
  static QueryError DecodeError(std::string_view xml);

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
