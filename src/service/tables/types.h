#pragma once

// The table service's vocabulary: table descriptions and the requests and
// results of its operations. Plain data; expressions travel as text with their
// placeholders and are compiled by the service (expression.h), so every
// validation happens in one place whatever the front end.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "service/tables/value.h"

namespace service::tables {

// --- Tables --------------------------------------------------------------

struct KeyElement {
  std::string name;
  ValueType type = ValueType::kS;  // kS, kN or kB
};

struct KeySchema {
  KeyElement hash;
  std::optional<KeyElement> range;
};

struct Throughput {
  int64_t read = 0;
  int64_t write = 0;
};

enum class ProjectionType { kAll, kKeysOnly, kInclude };

struct IndexSpec {
  std::string name;
  KeySchema key;
  ProjectionType projection = ProjectionType::kAll;
  std::vector<std::string> non_key_attributes;  // kInclude
  std::optional<Throughput> throughput;
};

enum class BillingMode { kProvisioned, kPayPerRequest };

struct TableSpec {
  std::string name;
  KeySchema key;
  // Every attribute a key schema (table's or index's) names, with its type.
  std::vector<KeyElement> attribute_definitions;
  std::vector<IndexSpec> global_indexes;
  BillingMode billing = BillingMode::kProvisioned;
  std::optional<Throughput> throughput;  // required for kProvisioned
  bool deletion_protection = false;
  bool sse_enabled = false;
  std::string sse_kms_key;  // "" = the AWS-owned/default key
  std::vector<std::pair<std::string, std::string>> tags;
};

enum class TableStatus { kCreating, kActive, kDeleting, kUpdating };

struct TimeToLive {
  bool enabled = false;
  std::string attribute;
};

struct PointInTimeRecovery {
  bool enabled = false;
  double earliest = 0;   // unix seconds: the earliest restorable time
  int recovery_days = 35;
};

// What the service knows of one table (DescribeTable's answer).
struct TableInfo {
  TableSpec spec;
  std::string id;        // internal key prefix (16 hex digits), never reused
  std::string table_id;  // AWS's TableId (a UUID)
  std::string arn;
  TableStatus status = TableStatus::kActive;
  double created = 0;    // unix seconds
  TimeToLive ttl;
  PointInTimeRecovery pitr;
  // Approximate, refreshed in the background (as AWS does, more often).
  int64_t item_count = 0;
  int64_t size_bytes = 0;
  // Set on a table made by RestoreTableToPointInTime.
  std::string restored_from_arn;
  double restored_to = 0;
  bool restore_in_progress = false;
  std::string restore_source_id;  // the source's internal id, while restoring

  const IndexSpec* Index(std::string_view name) const;
};

struct TableList {
  std::vector<std::string> names;
  std::optional<std::string> last_evaluated;  // for the next page's start
};

// What UpdateTable may change; unset fields stay as they are.
struct TableUpdate {
  std::optional<BillingMode> billing;
  std::optional<Throughput> throughput;
  std::optional<bool> deletion_protection;
  std::optional<bool> sse_enabled;
  std::optional<std::string> sse_kms_key;
};

// --- Items ---------------------------------------------------------------

// A request's ExpressionAttributeNames and ExpressionAttributeValues.
struct Placeholders {
  std::map<std::string, std::string, std::less<>> names;
  std::map<std::string, AttributeValue, std::less<>> values;
};

enum class ReturnValues { kNone, kAllOld, kUpdatedOld, kAllNew, kUpdatedNew };

struct PutItemRequest {
  std::string table;
  Item item;
  std::string condition;  // "" = unconditional
  Placeholders placeholders;
  ReturnValues return_values = ReturnValues::kNone;  // kNone or kAllOld
  bool return_old_on_condition_failure = false;      // ReturnValuesOnConditionCheckFailure=ALL_OLD
};

struct DeleteItemRequest {
  std::string table;
  Item key;
  std::string condition;
  Placeholders placeholders;
  ReturnValues return_values = ReturnValues::kNone;  // kNone or kAllOld
  bool return_old_on_condition_failure = false;
};

struct UpdateItemRequest {
  std::string table;
  Item key;
  std::string update;  // "" = only create the item if missing (AWS allows it)
  std::string condition;
  Placeholders placeholders;
  ReturnValues return_values = ReturnValues::kNone;
  bool return_old_on_condition_failure = false;
};

struct WriteResult {
  std::optional<Item> attributes;  // what ReturnValues asked for, when there is any
};

struct GetItemRequest {
  std::string table;
  Item key;
  std::string projection;  // "" = every attribute
  Placeholders placeholders;
  bool consistent = false;  // every read is consistent here; accepted
};

enum class Select { kAllAttributes, kAllProjected, kSpecific, kCount };

struct QueryRequest {
  std::string table;
  std::string index;  // "" = the table itself
  std::string key_condition;
  std::string filter;
  std::string projection;
  Placeholders placeholders;
  bool forward = true;
  std::optional<int64_t> limit;  // items evaluated, before the filter
  std::optional<Item> exclusive_start;
  std::optional<Select> select;
  bool consistent = false;
};

struct ScanRequest {
  std::string table;
  std::string index;
  std::string filter;
  std::string projection;
  Placeholders placeholders;
  std::optional<int64_t> limit;
  std::optional<Item> exclusive_start;
  std::optional<int> segment;
  std::optional<int> total_segments;
  std::optional<Select> select;
  bool consistent = false;
};

struct ReadPage {
  std::vector<Item> items;  // empty for kCount
  int64_t count = 0;        // items after the filter
  int64_t scanned = 0;      // items evaluated
  std::optional<Item> last_evaluated;
};

// --- Batches and transactions -------------------------------------------

struct BatchGetTable {
  std::string table;
  std::vector<Item> keys;
  std::string projection;
  Placeholders placeholders;
  bool consistent = false;
};

struct BatchGetResult {
  std::map<std::string, std::vector<Item>> items;  // by table
  std::vector<BatchGetTable> unprocessed;
};

struct BatchWrite {
  bool is_put = true;
  Item item;  // the item to put, or the key to delete
};

struct BatchWriteTable {
  std::string table;
  std::vector<BatchWrite> writes;
};

struct BatchWriteResult {
  std::vector<BatchWriteTable> unprocessed;
};

struct TransactWrite {
  enum class Kind { kPut, kUpdate, kDelete, kConditionCheck };
  Kind kind = Kind::kPut;
  std::string table;
  Item item;  // kPut: the item; else the key
  std::string update;
  std::string condition;
  Placeholders placeholders;
  bool return_old_on_condition_failure = false;
};

struct TransactGet {
  std::string table;
  Item key;
  std::string projection;
  Placeholders placeholders;
};

}  // namespace service::tables
