#pragma once

// Internals of TableService shared by its .cc files (not part of its API).

#include <array>
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "service/tables/expression.h"
#include "service/tables/table_service.h"
#include "storage/value_codec.h"

namespace service::tables {

using TablePtr = std::shared_ptr<const TableInfo>;

// The reason strings the service raises (mapped to wire codes by the front end).
inline constexpr std::string_view kConditionalCheckFailed = "ConditionalCheckFailedException";
inline constexpr std::string_view kTransactionCanceled = "TransactionCanceledException";
inline constexpr std::string_view kIdempotentMismatch = "IdempotentParameterMismatchException";
inline constexpr std::string_view kTableNotFound = "TableNotFoundException";
inline constexpr std::string_view kTableAlreadyExists = "TableAlreadyExistsException";
inline constexpr std::string_view kPitrUnavailable = "PointInTimeRecoveryUnavailableException";
inline constexpr std::string_view kInvalidRestoreTime = "InvalidRestoreTimeException";

Status Invalid(std::string message);  // kInvalidArgument (ValidationException)
Status ResourceNotFound();            // kNotFound "Requested resource not found"

class TableService::Impl {
 public:
  Impl(storage::KvStore& kv, TableServiceOptions options);

  storage::KvStore& kv_;
  TableServiceOptions options_;
  storage::ValueCodec codec_;
  common::metrics::Counter* items_written_ = nullptr;
  common::metrics::Counter* items_expired_ = nullptr;
  common::metrics::Counter* conditional_failures_ = nullptr;
  common::metrics::Counter* transactions_ = nullptr;
  common::metrics::Counter* transactions_canceled_ = nullptr;

  // --- tables --------------------------------------------------------------
  // Item writes hold it shared; table creation, deletion and changes that
  // alter how items are written (PITR) hold it exclusively, so no item write
  // straddles them.
  std::shared_mutex lifecycle_;

  // The table an item operation may use: ACTIVE (or UPDATING). kNotFound
  // ("Requested resource not found") otherwise.
  Result<TablePtr> Usable(std::string_view name) const;
  TablePtr Lookup(std::string_view name) const;  // any status; null if none
  std::vector<TablePtr> AllTables() const;
  // `t` as DescribeTable shows it: with the latest statistics and the
  // earliest restorable time as of now.
  TableInfo Describe(const TableInfo& t);
  // Writes `t`'s record into `batch`; Publish() after the batch commits.
  static void StageTable(const TableInfo& t, storage::WriteBatch& batch);
  void Publish(TableInfo t);
  void Unpublish(std::string_view name);
  // Applies `change` to the named table's record and commits it (lifecycle
  // lock held by the caller as the change needs).
  Result<TableInfo> ChangeTable(std::string_view name, const std::function<Status(TableInfo&)>& change);

  // Gives a new table (spec.name set) its internal id, TableId and ARN.
  void Identify(TableInfo& t);

  // --- time ----------------------------------------------------------------
  double NowSeconds() const;
  // Strictly increasing microseconds since the epoch (the wall clock, bumped
  // past the last one handed out): history stamps and table ids.
  uint64_t NextStamp();

  // --- items ---------------------------------------------------------------
  std::string SealItem(const Item& item) const;
  Result<Item> OpenItem(std::string_view sealed) const;
  Result<std::optional<Item>> LoadItem(const TableInfo& t, std::string_view item_key);

  // `key` holds exactly the table's key attributes with the right types
  // ("The provided key element does not match the schema" otherwise).
  Status CheckKey(const TableInfo& t, const Item& key) const;
  // A whole item: key attributes present, typed and within size limits;
  // index key attributes typed; the item within 400 KB.
  Status CheckItem(const TableInfo& t, const Item& item) const;
  // The key attributes of `item` under `schema` (those present).
  static Item KeyOf(const KeySchema& schema, const Item& item);
  // The table's key attributes plus, for an index, the index's.
  static Item KeyOf(const TableInfo& t, const IndexSpec* index, const Item& item);

  // Adds to `batch` what makes `after` (nullopt: deleted) the item at
  // `item_key`, which was `before`: the item record, its index entries and,
  // with PITR on, a history entry at `stamp`.
  void StageWrite(const TableInfo& t, std::string_view item_key, const std::optional<Item>& before,
                  const std::optional<Item>& after, uint64_t stamp, storage::WriteBatch& batch) const;
  // The key of `item`'s entry in `index`, or nullopt if the item lacks the
  // index's key attributes.
  static std::optional<std::string> IndexKey(const TableInfo& t, const IndexSpec& index,
                                             std::string_view item_key, const Item& item);
  static Item ProjectForIndex(const TableInfo& t, const IndexSpec& index, const Item& item);

  // Whether an item write must read the current item first (a condition,
  // return values, indexes or history need it).
  static bool NeedsBefore(const TableInfo& t, bool conditional, ReturnValues rv,
                          bool return_old_on_failure);

  // The error of a failed condition; carries the old item when asked.
  Status ConditionFailed(const std::optional<Item>& before, bool return_old) const;

  // --- locks ---------------------------------------------------------------
  static constexpr size_t kStripes = 1024;
  size_t Stripe(std::string_view table_id, std::string_view item_key) const;
  std::mutex& StripeLock(size_t i) { return item_locks_[i]; }

  // --- background ----------------------------------------------------------
  void MaintenanceLoop();
  void Wake();
  void CollectGarbage();
  void ExpireItems();
  void PruneHistory();
  void RefreshStats();
  void RunRestores();
  Status Restore(const TableInfo& target);
  Status DeleteRange(const std::string& prefix);

  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  std::atomic<bool> stopping_{false};  // long passes give up when set
  bool woken_ = false;
  std::thread maintenance_;
  std::mutex maintenance_mu_;  // one RunMaintenance at a time
  std::chrono::steady_clock::time_point last_stats_{};
  std::chrono::steady_clock::time_point last_prune_{};
  void RunMaintenance(bool force);

  // Item counts and sizes by table id, from the last statistics pass.
  struct Stats {
    int64_t items = 0;
    int64_t bytes = 0;
  };
  std::mutex stats_mu_;
  std::map<std::string, Stats, std::less<>> stats_;

 private:
  mutable std::shared_mutex cache_mu_;
  std::map<std::string, TablePtr, std::less<>> tables_;
  std::atomic<uint64_t> last_stamp_{0};
  std::array<std::mutex, kStripes> item_locks_;
};

// Locks a set of item stripes in ascending order (no deadlock between
// writers whatever their item order) and releases them together.
class StripeLocks {
 public:
  StripeLocks(TableService::Impl& impl, std::vector<size_t> stripes);
  ~StripeLocks();
  StripeLocks(const StripeLocks&) = delete;
  StripeLocks& operator=(const StripeLocks&) = delete;

 private:
  TableService::Impl& impl_;
  std::vector<size_t> stripes_;
};

// A request's expression texts ("" = absent).
struct ExpressionTexts {
  std::string_view condition;
  std::string_view update;
  std::string_view projection;
  std::string_view filter;
  std::string_view key_condition;
  std::string_view hash_name;   // the key schema's names, for key_condition
  std::string_view range_name;
};
struct Compiled {
  std::optional<Condition> condition;
  std::optional<Update> update;
  std::optional<Projection> projection;
  std::optional<Condition> filter;
  std::optional<KeyCondition> key_condition;
};
// Compiles every expression against the placeholders, then checks that each
// placeholder was used (AWS's rules).
Result<Compiled> Compile(const Placeholders& p, const ExpressionTexts& texts);

// The item an update makes of `before` (absent: the key alone), checked as a
// whole item, or the error that stops it.
Result<Item> ApplyUpdate(const TableService::Impl& impl, const TableInfo& t, const Item& key,
                         const std::optional<Item>& before, const std::optional<Update>& update);
// Updates may not touch key attributes (AWS's wording).
Status CheckUpdateTouchesNoKey(const TableInfo& t, const std::optional<Update>& update);

}  // namespace service::tables
