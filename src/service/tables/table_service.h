#pragma once

// TableService: one region's DynamoDB-style tables (the domain behind the
// DynamoDB API). Protocol-neutral: table specs, items and expression texts
// in, items and descriptions out; api/dynamodb/ maps them to the wire.
//
// Storage (docs/key-encoding.md, keys.h): every item is one sealed record
// under its table's internal id, keyed so that one partition's items are
// contiguous and ordered by sort key; each global secondary index keeps a
// projected copy per item; with point-in-time recovery on, every write also
// appends the item's new image to the table's history. One item write — the
// item, its index entries and its history — is one atomic, synced WriteBatch,
// durable before the call returns; a transaction is one batch for all of its
// items.
//
// Concurrency: thread-safe and blocking. Writes lock their items (striped
// locks, taken in a fixed order by transactions) for the read-check-write;
// table lifecycle changes exclude item writes. Reads take no locks: they see
// the committed state.
//
// Background work (a maintenance thread, started by Open): removal of
// deleted tables' data, TTL expiry, PITR history pruning, item-count and
// size statistics, and point-in-time restores.
//
// Errors are kInvalidArgument (ValidationException) with DynamoDB's wording,
// kNotFound ("Requested resource not found" / reason TableNotFoundException
// for restores), kConflict (ResourceInUseException), kAlreadyExists
// (TableAlreadyExistsException on restore, ResourceInUseException on create),
// kPreconditionFailed with reason ConditionalCheckFailedException (detail
// {"Item": ...} when asked), reason TransactionCanceledException (detail
// {"CancellationReasons": [...]}), IdempotentParameterMismatchException,
// PointInTimeRecoveryUnavailableException, InvalidRestoreTimeException.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "service/tables/types.h"
#include "storage/kv_store.h"

namespace service::tables {

struct TableServiceOptions {
  std::string region;
  std::string account = "000000000000";
  // How often the maintenance thread runs TTL expiry (AWS: within days;
  // here expired items are gone within a minute).
  std::chrono::milliseconds ttl_interval{10'000};
  // How often item counts and sizes are refreshed.
  std::chrono::milliseconds stats_interval{60'000};
  bool start_maintenance = true;  // false in tests that call RunMaintenance()
  std::function<std::chrono::system_clock::time_point()> clock = std::chrono::system_clock::now;
};

class TableService {
 public:
  // Opens the service over a region's store, resumes unfinished background
  // work (deleted tables' data, restores) and starts the maintenance thread.
  static Result<std::unique_ptr<TableService>> Open(storage::KvStore& kv, TableServiceOptions options,
                                                    common::metrics::Registry* metrics = nullptr);
  ~TableService();  // Stop()s

  // Stops the maintenance thread (waiting for a pass in progress). Call
  // before the store closes. Idempotent.
  void Stop();

  // --- Tables --------------------------------------------------------------
  Result<TableInfo> CreateTable(TableSpec spec);
  Result<TableInfo> DescribeTable(std::string_view name);
  // Names in order, starting after `exclusive_start`, at most `limit` (1–100).
  Result<TableList> ListTables(std::optional<std::string> exclusive_start, int limit);
  // Refused (kInvalidArgument, AWS's wording) while deletion protection is on.
  // Returns the description with status DELETING.
  Result<TableInfo> DeleteTable(std::string_view name);
  Result<TableInfo> UpdateTable(std::string_view name, const TableUpdate& update);

  Result<TableInfo> DescribeTableByArn(std::string_view arn);
  Status TagResource(std::string_view arn, const std::vector<std::pair<std::string, std::string>>& tags);
  Status UntagResource(std::string_view arn, const std::vector<std::string>& keys);

  Result<TimeToLive> UpdateTimeToLive(std::string_view table, const TimeToLive& ttl);
  Result<PointInTimeRecovery> UpdateContinuousBackups(std::string_view table, bool enabled,
                                                      std::optional<int> recovery_days);
  // A new table `target` holding `source`'s items as they were at `time`
  // (unix seconds; latest restorable time if nullopt). Returns the new
  // table's description (CREATING until the restore finishes in the
  // background).
  Result<TableInfo> RestoreTableToPointInTime(std::string_view source, std::string_view target,
                                              std::optional<double> time);
  // The latest time a restore can ask for (now, to the second).
  double LatestRestorableTime() const;

  // --- Items ---------------------------------------------------------------
  Result<WriteResult> PutItem(const PutItemRequest& r);
  Result<WriteResult> DeleteItem(const DeleteItemRequest& r);
  Result<WriteResult> UpdateItem(const UpdateItemRequest& r);
  Result<std::optional<Item>> GetItem(const GetItemRequest& r);

  Result<ReadPage> Query(const QueryRequest& r);
  Result<ReadPage> Scan(const ScanRequest& r);

  Result<BatchGetResult> BatchGetItem(const std::vector<BatchGetTable>& tables);
  Result<BatchWriteResult> BatchWriteItem(const std::vector<BatchWriteTable>& tables);
  // All or nothing; `client_token` ("" = none) makes a retry within 10
  // minutes succeed without writing again.
  Status TransactWriteItems(const std::vector<TransactWrite>& writes, std::string_view client_token);
  Result<std::vector<std::optional<Item>>> TransactGetItems(const std::vector<TransactGet>& gets);

  // One pass of the background work now (tests; the thread calls it too).
  void RunMaintenance();

  class Impl;

 private:
  explicit TableService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace service::tables
