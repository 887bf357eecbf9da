#pragma once

// The DynamoDB wire codec (JSON 1.0, botocore's dynamodb/2012-08-10 model):
// reading request members with DynamoDB's validation errors, and writing
// table descriptions, items and responses.
//
// Validation errors are kInvalidArgument (ValidationException) worded as
// DynamoDB words them ("1 validation error detected: Value null at
// 'tableName' failed to satisfy constraint: Member must not be null"); a
// member of the wrong JSON type is reason SerializationException.

#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "api/common/op.h"
#include "service/tables/table_service.h"

namespace api::dynamodb {

namespace tables = service::tables;

// Reads one request's JSON members.
class Body {
 public:
  // Parses ctx.body (an empty body is {}). SerializationException if it is
  // not a JSON object.
  static Result<Body> Parse(const OpContext& ctx);
  explicit Body(boost::json::object o) : o_(std::move(o)) {}

  const boost::json::object& json() const { return o_; }
  bool Has(std::string_view member) const { return o_.contains(member); }

  Result<std::string> RequiredString(std::string_view member) const;
  Result<std::optional<std::string>> String(std::string_view member) const;
  Result<std::optional<int64_t>> Int(std::string_view member) const;
  Result<std::optional<double>> Double(std::string_view member) const;
  Result<std::optional<bool>> Bool(std::string_view member) const;
  // Null if absent; SerializationException if not of that JSON type.
  Result<const boost::json::object*> Object(std::string_view member) const;
  Result<const boost::json::array*> Array(std::string_view member) const;

  // TableName (required) with DynamoDB's name rules.
  Result<std::string> TableName(std::string_view member = "TableName") const;
  Result<tables::Item> Item(std::string_view member) const;  // required
  Result<tables::Placeholders> Placeholders() const;
  // The projection: ProjectionExpression, or AttributesToGet turned into one.
  Result<std::string> Projection(tables::Placeholders& p) const;
  Result<tables::ReturnValues> ReturnValues() const;
  Result<bool> ReturnOldOnConditionFailure() const;
  // ValidationException naming the first legacy parameter present
  // (KeyConditions, QueryFilter, ScanFilter, Expected, AttributeUpdates, ...).
  Status RejectLegacy() const;

 private:
  boost::json::object o_;
};

// "tableName" for "TableName": how DynamoDB names members in errors.
std::string MemberPath(std::string_view member);
Status MissingMember(std::string_view member);
Status ValidateTableName(std::string_view name, std::string_view member = "TableName");

Result<tables::Item> ParseItem(const boost::json::value& v);
Result<tables::TableSpec> ParseTableSpec(const Body& body);

boost::json::object TableDescription(const tables::TableInfo& t);
boost::json::object TimeToLiveDescription(const tables::TimeToLive& ttl);
boost::json::object ContinuousBackupsDescription(const tables::PointInTimeRecovery& pitr, double latest);

// The consumed capacity a ReturnConsumedCapacity of TOTAL or INDEXES asks
// for (null otherwise): read units are 4 KB (halved when eventually
// consistent), write units 1 KB, as DynamoDB counts them.
double ReadUnits(size_t bytes, bool consistent);
double WriteUnits(size_t bytes);
// Adds "ConsumedCapacity" to `out` when the request asked for it.
void AddConsumedCapacity(const Body& body, std::string_view table, double units, boost::json::object& out);

// A 200 with `body` as application/x-amz-json-1.0 and its x-amz-crc32.
net::Response JsonResponse(const boost::json::object& body);

}  // namespace api::dynamodb
