// The DynamoDB route table, request codec and error rendering.

#include <gtest/gtest.h>

#include "api/dynamodb/codec.h"
#include "api/dynamodb/routes.h"
#include "api/json/errors.h"

namespace api::dynamodb {
namespace {

using common::ErrorCode;
namespace json = boost::json;

TEST(DynamoDbRoutes, EveryOperationIsRouted) {
  api::json::Router router({Routes()});
  for (std::string_view op : {"CreateTable", "DescribeTable", "ListTables", "DeleteTable", "UpdateTable",
                              "TagResource", "UntagResource", "ListTagsOfResource", "UpdateTimeToLive",
                              "DescribeTimeToLive", "UpdateContinuousBackups", "DescribeContinuousBackups",
                              "RestoreTableToPointInTime", "DescribeEndpoints", "DescribeLimits", "PutItem",
                              "GetItem", "DeleteItem", "UpdateItem", "Query", "Scan", "BatchGetItem",
                              "BatchWriteItem", "TransactWriteItems", "TransactGetItems"}) {
    auto m = router.Route("DynamoDB_20120810." + std::string(op));
    ASSERT_TRUE(m.ok()) << op;
    EXPECT_EQ(m->op->spec.name, op);
    EXPECT_EQ(m->op->spec.action, "dynamodb:" + std::string(op));
    EXPECT_EQ(m->service, "dynamodb");
  }
  EXPECT_EQ(router.Route("DynamoDB_20120810.ExecuteStatement").status().code(), ErrorCode::kUnimplemented);
}

Body B(std::string_view text) { return Body(json::parse(text).as_object()); }

TEST(DynamoDbCodec, MembersAndTheirErrors) {
  EXPECT_EQ(MemberPath("TableName"), "tableName");
  EXPECT_EQ(MemberPath("ProvisionedThroughput.ReadCapacityUnits"), "provisionedThroughput.readCapacityUnits");
  EXPECT_EQ(B("{}").TableName().status().message(),
            "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not "
            "be null");
  EXPECT_NE(B(R"({"TableName":"ab"})").TableName().status().message().find("length greater than or equal to 3"),
            std::string::npos);
  EXPECT_NE(B(R"({"TableName":"a b c"})").TableName().status().message().find("regular expression pattern"),
            std::string::npos);
  EXPECT_EQ(B(R"({"TableName":5})").TableName().status().reason(), "SerializationException");
  EXPECT_TRUE(B(R"({"TableName":"My_Table.v-2"})").TableName().ok());

  auto p = B(R"({"ExpressionAttributeNames":{"#a":"x"},"ExpressionAttributeValues":{":v":{"N":"01.50"}}})")
               .Placeholders();
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->names.at("#a"), "x");
  EXPECT_EQ(p->values.at(":v").str, "1.5");
  EXPECT_FALSE(B(R"({"ExpressionAttributeValues":{}})").Placeholders().ok());
  EXPECT_FALSE(B(R"({"ExpressionAttributeValues":{"v":{"S":"x"}}})").Placeholders().ok());

  tables::Placeholders names;
  auto projection = B(R"({"AttributesToGet":["status","a"]})").Projection(names);
  ASSERT_TRUE(projection.ok());
  EXPECT_EQ(*projection, "#attributes_to_get_0, #attributes_to_get_1");
  EXPECT_EQ(names.names.at("#attributes_to_get_0"), "status");
  EXPECT_FALSE(B(R"({"Expected":{}})").RejectLegacy().ok());
  EXPECT_EQ(*B(R"({"ReturnValues":"UPDATED_NEW"})").ReturnValues(), tables::ReturnValues::kUpdatedNew);
  EXPECT_FALSE(B(R"({"ReturnValues":"SOME"})").ReturnValues().ok());
}

TEST(DynamoDbCodec, TableSpecAndDescription) {
  auto spec = ParseTableSpec(B(R"({
    "TableName": "orders",
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                             {"AttributeName": "sk", "AttributeType": "N"},
                             {"AttributeName": "g", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "BillingMode": "PAY_PER_REQUEST",
    "GlobalSecondaryIndexes": [{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]}}],
    "SSESpecification": {"Enabled": true, "KMSMasterKeyId": "alias/orders"},
    "Tags": [{"Key": "team", "Value": "a"}],
    "DeletionProtectionEnabled": true})"));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->key.hash.name, "pk");
  EXPECT_EQ(spec->key.range->name, "sk");
  EXPECT_EQ(spec->global_indexes.size(), 1u);
  EXPECT_EQ(spec->global_indexes[0].projection, tables::ProjectionType::kInclude);
  EXPECT_TRUE(spec->deletion_protection);

  tables::TableInfo info;
  info.spec = *spec;
  info.arn = "arn:aws:dynamodb:us-east-1:000000000000:table/orders";
  info.table_id = "id";
  auto d = TableDescription(info);
  EXPECT_EQ(d.at("TableStatus").as_string(), "ACTIVE");
  EXPECT_EQ(d.at("BillingModeSummary").at("BillingMode").as_string(), "PAY_PER_REQUEST");
  EXPECT_EQ(d.at("KeySchema").as_array().size(), 2u);
  EXPECT_EQ(d.at("GlobalSecondaryIndexes").as_array()[0].at("IndexArn").as_string(),
            "arn:aws:dynamodb:us-east-1:000000000000:table/orders/index/by_g");
  EXPECT_EQ(d.at("SSEDescription").at("KMSMasterKeyArn").as_string(),
            "arn:aws:kms:us-east-1:000000000000:alias/orders");

  EXPECT_EQ(ParseTableSpec(B(R"({"TableName":"ttt","AttributeDefinitions":[],"KeySchema":[{"AttributeName":"a","KeyType":"RANGE"}]})"))
                .status()
                .message(),
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  EXPECT_FALSE(ParseTableSpec(B(R"({"TableName":"t","AttributeDefinitions":[],"KeySchema":[],"LocalSecondaryIndexes":[]})")).ok());
}

TEST(DynamoDbErrors, DetailsJoinTheErrorBody) {
  Status st = Status(ErrorCode::kPreconditionFailed, "Transaction cancelled", "TransactionCanceledException")
                  .WithDetail(R"({"CancellationReasons":[{"Code":"None"}]})");
  ErrorContext ctx;
  auto res = api::json::RenderJsonError(st, ctx, "com.amazonaws.dynamodb.v20120810#", "application/x-amz-json-1.0");
  EXPECT_EQ(res.msg.result_int(), 400);
  auto body = json::parse(res.msg.body());
  EXPECT_EQ(body.at("__type").as_string(), "com.amazonaws.dynamodb.v20120810#TransactionCanceledException");
  EXPECT_EQ(body.at("CancellationReasons").as_array()[0].at("Code").as_string(), "None");
  Status cond(ErrorCode::kPreconditionFailed, "The conditional request failed", "ConditionalCheckFailedException");
  EXPECT_EQ(json::parse(api::json::RenderJsonError(cond, ctx, "", "application/x-amz-json-1.0").msg.body())
                .at("__type")
                .as_string(),
            "ConditionalCheckFailedException");
}

TEST(DynamoDbResponses, CarryTheirCrc32) {
  auto res = JsonResponse({{"TableNames", json::array{}}});
  EXPECT_EQ(res.msg.body(), R"({"TableNames":[]})");
  // zlib.crc32(b'{"TableNames":[]}')
  EXPECT_EQ(res.msg["x-amz-crc32"], "1315925753");
}

}  // namespace
}  // namespace api::dynamodb
