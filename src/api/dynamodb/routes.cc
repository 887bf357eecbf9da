#include "api/dynamodb/routes.h"

#include "api/dynamodb/ops/batch.h"
#include "api/dynamodb/ops/items.h"
#include "api/dynamodb/ops/reads.h"
#include "api/dynamodb/ops/tables.h"

namespace api::dynamodb {
namespace {

constexpr Op kCreateTable = MakeOp<CreateTable>();
constexpr Op kDescribeTable = MakeOp<DescribeTable>();
constexpr Op kListTables = MakeOp<ListTables>();
constexpr Op kDeleteTable = MakeOp<DeleteTable>();
constexpr Op kUpdateTable = MakeOp<UpdateTable>();
constexpr Op kTagResource = MakeOp<TagResource>();
constexpr Op kUntagResource = MakeOp<UntagResource>();
constexpr Op kListTagsOfResource = MakeOp<ListTagsOfResource>();
constexpr Op kUpdateTimeToLive = MakeOp<UpdateTimeToLive>();
constexpr Op kDescribeTimeToLive = MakeOp<DescribeTimeToLive>();
constexpr Op kUpdateContinuousBackups = MakeOp<UpdateContinuousBackups>();
constexpr Op kDescribeContinuousBackups = MakeOp<DescribeContinuousBackups>();
constexpr Op kRestoreTableToPointInTime = MakeOp<RestoreTableToPointInTime>();
constexpr Op kDescribeEndpoints = MakeOp<DescribeEndpoints>();
constexpr Op kDescribeLimits = MakeOp<DescribeLimits>();
constexpr Op kPutItem = MakeOp<PutItem>();
constexpr Op kGetItem = MakeOp<GetItem>();
constexpr Op kDeleteItem = MakeOp<DeleteItem>();
constexpr Op kUpdateItem = MakeOp<UpdateItem>();
constexpr Op kQuery = MakeOp<Query>();
constexpr Op kScan = MakeOp<Scan>();
constexpr Op kBatchGetItem = MakeOp<BatchGetItem>();
constexpr Op kBatchWriteItem = MakeOp<BatchWriteItem>();
constexpr Op kTransactWriteItems = MakeOp<TransactWriteItems>();
constexpr Op kTransactGetItems = MakeOp<TransactGetItems>();

}  // namespace

json::JsonService Routes() {
  return {"DynamoDB_20120810",
          "dynamodb",
          "application/x-amz-json-1.0",
          "com.amazonaws.dynamodb.v20120810#",
          {&kCreateTable, &kDescribeTable, &kListTables, &kDeleteTable, &kUpdateTable, &kTagResource,
           &kUntagResource, &kListTagsOfResource, &kUpdateTimeToLive, &kDescribeTimeToLive,
           &kUpdateContinuousBackups, &kDescribeContinuousBackups, &kRestoreTableToPointInTime,
           &kDescribeEndpoints, &kDescribeLimits, &kPutItem, &kGetItem, &kDeleteItem, &kUpdateItem, &kQuery,
           &kScan, &kBatchGetItem, &kBatchWriteItem, &kTransactWriteItems, &kTransactGetItems}};
}

}  // namespace api::dynamodb
