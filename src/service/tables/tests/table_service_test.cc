#include "service/tables/table_service.h"

#include <set>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "common/tests/fake_clock.h"
#include "service/tables/keys.h"
#include "storage/fault_kv_store.h"
#include "storage/memory_kv_store.h"

namespace service::tables {
namespace {

using common::ErrorCode;

AttributeValue S(std::string v) { return AttributeValue::S(std::move(v)); }
AttributeValue N(std::string_view v) { return AttributeValue::N(Number::Parse(v).value()); }

using common::testing::FakeClock;

class TableServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fault = std::make_unique<storage::FaultKvStore>(storage::NewMemoryKvStore());
    fault_ = fault.get();
    kv_ = std::move(fault);
    Reopen();
  }

  void Reopen() {
    service_.reset();
    TableServiceOptions o;
    o.region = "us-east-1";
    o.start_maintenance = false;
    o.clock = clock_.fn();
    service_ = TableService::Open(*kv_, o).value();
  }

  TableSpec Spec(std::string name, bool range = true) {
    TableSpec s;
    s.name = std::move(name);
    s.key.hash = {"pk", ValueType::kS};
    s.attribute_definitions = {{"pk", ValueType::kS}};
    if (range) {
      s.key.range = KeyElement{"sk", ValueType::kN};
      s.attribute_definitions.push_back({"sk", ValueType::kN});
    }
    s.billing = BillingMode::kPayPerRequest;
    return s;
  }

  Item Row(std::string pk, std::string_view sk, std::string v = "x") {
    return {{"pk", S(std::move(pk))}, {"sk", N(sk)}, {"v", S(std::move(v))}};
  }

  void Put(const std::string& table, Item item) {
    PutItemRequest r;
    r.table = table;
    r.item = std::move(item);
    ASSERT_TRUE(service_->PutItem(r).ok());
  }

  std::optional<Item> Get(const std::string& table, Item key) {
    GetItemRequest r{table, std::move(key)};
    return service_->GetItem(r).value();
  }

  std::vector<std::string> Sks(const ReadPage& page) {
    std::vector<std::string> out;
    for (const auto& item : page.items) out.push_back(item.at("sk").str);
    return out;
  }

  FakeClock clock_;
  std::unique_ptr<storage::KvStore> kv_;
  storage::FaultKvStore* fault_ = nullptr;
  std::unique_ptr<TableService> service_;
};

TEST_F(TableServiceTest, CreateDescribeListDelete) {
  auto t = service_->CreateTable(Spec("alpha"));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->arn, "arn:aws:dynamodb:us-east-1:000000000000:table/alpha");
  EXPECT_EQ(t->status, TableStatus::kActive);
  EXPECT_EQ(t->table_id.size(), 36u);
  ASSERT_TRUE(service_->CreateTable(Spec("beta")).ok());
  EXPECT_EQ(service_->CreateTable(Spec("alpha")).status().code(), ErrorCode::kAlreadyExists);

  auto page = service_->ListTables(std::nullopt, 1).value();
  EXPECT_EQ(page.names, std::vector<std::string>{"alpha"});
  ASSERT_TRUE(page.last_evaluated);
  page = service_->ListTables(page.last_evaluated, 1).value();
  EXPECT_EQ(page.names, std::vector<std::string>{"beta"});
  EXPECT_FALSE(page.last_evaluated);

  EXPECT_EQ(service_->DeleteTable("alpha")->status, TableStatus::kDeleting);
  EXPECT_EQ(service_->DescribeTable("alpha").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(service_->DeleteTable("alpha").status().code(), ErrorCode::kNotFound);
}

TEST_F(TableServiceTest, CreateTableValidatesDefinitionsAndBilling) {
  TableSpec s = Spec("t");
  s.attribute_definitions.push_back({"extra", ValueType::kS});
  auto st = service_->CreateTable(s).status();
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.message().find("Number of attributes in KeySchema"), std::string::npos);

  s = Spec("t");
  s.attribute_definitions.pop_back();
  st = service_->CreateTable(s).status();
  EXPECT_NE(st.message().find("Some index key attributes are not defined"), std::string::npos) << st.message();

  s = Spec("t");
  s.billing = BillingMode::kProvisioned;
  st = service_->CreateTable(s).status();
  EXPECT_NE(st.message().find("must both be specified when BillingMode is PROVISIONED"), std::string::npos);
  s.throughput = Throughput{5, 5};
  EXPECT_TRUE(service_->CreateTable(s).ok());
}

TEST_F(TableServiceTest, DeletionProtectionRefusesDelete) {
  TableSpec s = Spec("locked");
  s.deletion_protection = true;
  ASSERT_TRUE(service_->CreateTable(s).ok());
  auto st = service_->DeleteTable("locked").status();
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.message().find("protected against deletion"), std::string::npos);
  TableUpdate u;
  u.deletion_protection = false;
  ASSERT_TRUE(service_->UpdateTable("locked", u).ok());
  EXPECT_TRUE(service_->DeleteTable("locked").ok());
}

TEST_F(TableServiceTest, PutGetDeleteRoundTripAndSurviveReopen) {
  ASSERT_TRUE(service_->CreateTable(Spec("t")).ok());
  Put("t", Row("a", "1", "one"));
  auto got = Get("t", {{"pk", S("a")}, {"sk", N("1")}});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->at("v").str, "one");
  Reopen();
  got = Get("t", {{"pk", S("a")}, {"sk", N("1.0")}});
  ASSERT_TRUE(got);
  DeleteItemRequest d;
  d.table = "t";
  d.key = {{"pk", S("a")}, {"sk", N("1")}};
  d.return_values = ReturnValues::kAllOld;
  auto deleted = service_->DeleteItem(d).value();
  ASSERT_TRUE(deleted.attributes);
  EXPECT_EQ(deleted.attributes->at("v").str, "one");
  EXPECT_FALSE(Get("t", {{"pk", S("a")}, {"sk", N("1")}}));
}

TEST_F(TableServiceTest, KeyValidation) {
  ASSERT_TRUE(service_->CreateTable(Spec("t")).ok());
  PutItemRequest r;
  r.table = "t";
  r.item = {{"pk", S("a")}};
  EXPECT_NE(service_->PutItem(r).status().message().find("Missing the key sk in the item"), std::string::npos);
  r.item = {{"pk", S("a")}, {"sk", S("1")}};
  EXPECT_NE(service_->PutItem(r).status().message().find("Type mismatch for key sk expected: N actual: S"),
            std::string::npos);
  r.item = {{"pk", S("")}, {"sk", N("1")}};
  EXPECT_NE(service_->PutItem(r).status().message().find("cannot contain an empty string value"),
            std::string::npos);
  r.item = {{"pk", S(std::string(2049, 'k'))}, {"sk", N("1")}};
  EXPECT_NE(service_->PutItem(r).status().message().find("Size of hashkey has exceeded"), std::string::npos);
  r.item = {{"pk", S("a")}, {"sk", N("1")}, {"big", S(std::string(410 * 1024, 'b'))}};
  EXPECT_EQ(service_->PutItem(r).status().message(), "Item size has exceeded the maximum allowed size");
  GetItemRequest g{"t", {{"pk", S("a")}}};
  EXPECT_EQ(service_->GetItem(g).status().message(), "The provided key element does not match the schema");
  g.key = {{"pk", S("a")}, {"sk", N("1")}, {"other", S("x")}};
  EXPECT_EQ(service_->GetItem(g).status().message(), "The provided key element does not match the schema");
  g.table = "missing";
  EXPECT_EQ(service_->GetItem(g).status().code(), ErrorCode::kNotFound);
}

TEST_F(TableServiceTest, ConditionalPutAndTheFailedItem) {
  ASSERT_TRUE(service_->CreateTable(Spec("t", false)).ok());
  PutItemRequest r;
  r.table = "t";
  r.item = {{"pk", S("lock")}, {"owner", S("first")}};
  r.condition = "attribute_not_exists(pk)";
  ASSERT_TRUE(service_->PutItem(r).ok());
  r.item["owner"] = S("second");
  r.return_old_on_condition_failure = true;
  auto st = service_->PutItem(r).status();
  EXPECT_EQ(st.code(), ErrorCode::kPreconditionFailed);
  EXPECT_EQ(st.reason(), "ConditionalCheckFailedException");
  auto detail = boost::json::parse(st.detail());
  EXPECT_EQ(detail.at("Item").at("owner").at("S").as_string(), "first");
  EXPECT_EQ(Get("t", {{"pk", S("lock")}})->at("owner").str, "first");
}

TEST_F(TableServiceTest, ConcurrentLockRaceHasOneWinner) {
  ASSERT_TRUE(service_->CreateTable(Spec("locks", false)).ok());
  std::atomic<int> wins{0}, losses{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      PutItemRequest r;
      r.table = "locks";
      r.item = {{"pk", S("LockID")}, {"who", S(std::to_string(i))}};
      r.condition = "attribute_not_exists(pk)";
      auto res = service_->PutItem(r);
      (res.ok() ? wins : losses)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(losses.load(), 15);
}

TEST_F(TableServiceTest, UpdateItemReturnValues) {
  ASSERT_TRUE(service_->CreateTable(Spec("t")).ok());
  Put("t", {{"pk", S("a")}, {"sk", N("1")}, {"n", N("10")}, {"keep", S("k")}});
  UpdateItemRequest u;
  u.table = "t";
  u.key = {{"pk", S("a")}, {"sk", N("1")}};
  u.update = "SET n = n + :d, added = :s";
  u.placeholders.values = {{":d", N("0.5")}, {":s", S("new")}};
  u.return_values = ReturnValues::kUpdatedNew;
  auto res = service_->UpdateItem(u).value();
  ASSERT_TRUE(res.attributes);
  EXPECT_EQ(res.attributes->size(), 2u);
  EXPECT_EQ(res.attributes->at("n").str, "10.5");
  u.return_values = ReturnValues::kUpdatedOld;
  res = service_->UpdateItem(u).value();
  ASSERT_TRUE(res.attributes);
  EXPECT_EQ(res.attributes->at("n").str, "10.5");
  EXPECT_EQ(res.attributes->at("added").str, "new");
  u.return_values = ReturnValues::kAllNew;
  res = service_->UpdateItem(u).value();
  EXPECT_EQ(res.attributes->at("n").str, "11.5");
  EXPECT_EQ(res.attributes->at("keep").str, "k");

  // An update creates a missing item from its key.
  u.key = {{"pk", S("b")}, {"sk", N("2")}};
  u.update = "SET added = :s";
  u.placeholders.values = {{":s", S("x")}};
  ASSERT_TRUE(service_->UpdateItem(u).ok());
  EXPECT_EQ(Get("t", u.key)->size(), 3u);

  u.update = "SET sk = :s";
  auto st = service_->UpdateItem(u).status();
  EXPECT_NE(st.message().find("Cannot update attribute sk. This attribute is part of the key"),
            std::string::npos);
  u.update = "SET a = :unused";
  u.placeholders.values = {{":unused", S("x")}, {":other", S("y")}};
  st = service_->UpdateItem(u).status();
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.message().find(":other"), std::string::npos) << st.message();
}

class QueryTest : public TableServiceTest {
 protected:
  void SetUp() override {
    TableServiceTest::SetUp();
    ASSERT_TRUE(service_->CreateTable(Spec("t")).ok());
    for (std::string_view sk : {"-10", "-2.5", "0", "1", "1.5", "2", "10", "100", "1e3"}) {
      Put("t", Row("p", sk));
    }
    Put("t", Row("other", "5"));
  }

  ReadPage Q(std::string cond, Placeholders p, bool forward = true, std::optional<int64_t> limit = {},
             std::optional<Item> start = {}) {
    QueryRequest r;
    r.table = "t";
    r.key_condition = std::move(cond);
    r.placeholders = std::move(p);
    r.forward = forward;
    r.limit = limit;
    r.exclusive_start = std::move(start);
    auto page = service_->Query(r);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? std::move(page).value() : ReadPage{};
  }
};

TEST_F(QueryTest, NumbersSortNumerically) {
  auto page = Q("pk = :p", {{}, {{":p", S("p")}}});
  EXPECT_EQ(Sks(page), (std::vector<std::string>{"-10", "-2.5", "0", "1", "1.5", "2", "10", "100", "1000"}));
  page = Q("pk = :p", {{}, {{":p", S("p")}}}, false);
  EXPECT_EQ(Sks(page).front(), "1000");
  EXPECT_EQ(Sks(page).back(), "-10");
}

TEST_F(QueryTest, RangeOperators) {
  auto q = [&](std::string cond, std::vector<std::pair<std::string, std::string>> vals) {
    Placeholders p;
    p.values[":p"] = S("p");
    for (auto& [k, v] : vals) p.values[k] = N(v);
    return Sks(Q("pk = :p AND " + cond, p));
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(q("sk = :a", {{":a", "1.50"}}), V{"1.5"});
  EXPECT_EQ(q("sk < :a", {{":a", "0"}}), (V{"-10", "-2.5"}));
  EXPECT_EQ(q("sk <= :a", {{":a", "0"}}), (V{"-10", "-2.5", "0"}));
  EXPECT_EQ(q("sk > :a", {{":a", "10"}}), (V{"100", "1000"}));
  EXPECT_EQ(q("sk >= :a", {{":a", "10"}}), (V{"10", "100", "1000"}));
  EXPECT_EQ(q("sk BETWEEN :a AND :b", {{":a", "-2.5"}, {":b", "1.5"}}), (V{"-2.5", "0", "1", "1.5"}));
}

TEST_F(QueryTest, BeginsWithOnStringSortKeys) {
  TableSpec s = Spec("strs");
  s.key.range->type = ValueType::kS;
  s.attribute_definitions[1].type = ValueType::kS;
  ASSERT_TRUE(service_->CreateTable(s).ok());
  for (const std::string& sk : std::vector<std::string>{"a", "ab", "abc", std::string("ab\0z", 4), "b", "aa"}) {
    Put("strs", {{"pk", S("p")}, {"sk", S(sk)}});
  }
  QueryRequest r;
  r.table = "strs";
  r.key_condition = "pk = :p AND begins_with(sk, :pre)";
  r.placeholders.values = {{":p", S("p")}, {":pre", S("ab")}};
  auto page = service_->Query(r).value();
  EXPECT_EQ(Sks(page), (std::vector<std::string>{"ab", std::string("ab\0z", 4), "abc"}));
}

TEST_F(QueryTest, PaginationWithLimitAndStartKey) {
  std::vector<std::string> all;
  std::optional<Item> start;
  int pages = 0;
  do {
    auto page = Q("pk = :p", {{}, {{":p", S("p")}}}, true, 4, start);
    for (auto& s : Sks(page)) all.push_back(s);
    start = page.last_evaluated;
    ++pages;
    if (start) {
      EXPECT_EQ(start->size(), 2u);
    }
  } while (start);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(all.size(), 9u);
  // Backwards too.
  auto page = Q("pk = :p", {{}, {{":p", S("p")}}}, false, 2);
  auto next = Q("pk = :p", {{}, {{":p", S("p")}}}, false, 2, page.last_evaluated);
  EXPECT_EQ(Sks(next), (std::vector<std::string>{"10", "2"}));
}

TEST_F(QueryTest, FilterProjectionAndCount) {
  Put("t", {{"pk", S("p")}, {"sk", N("7")}, {"v", S("keep")}, {"extra", N("1")}});
  QueryRequest r;
  r.table = "t";
  r.key_condition = "pk = :p";
  r.filter = "v = :k";
  r.projection = "sk, extra";
  r.placeholders.values = {{":p", S("p")}, {":k", S("keep")}};
  auto page = service_->Query(r).value();
  EXPECT_EQ(page.count, 1);
  EXPECT_EQ(page.scanned, 10);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].size(), 2u);
  r.projection.clear();
  r.select = Select::kCount;
  page = service_->Query(r).value();
  EXPECT_EQ(page.count, 1);
  EXPECT_TRUE(page.items.empty());
}

TEST_F(QueryTest, KeyConditionErrors) {
  QueryRequest r;
  r.table = "t";
  r.key_condition = "pk = :p";
  r.placeholders.values = {{":p", N("1")}};
  EXPECT_NE(service_->Query(r).status().message().find("Condition parameter type does not match schema type"),
            std::string::npos);
  r.key_condition = "sk = :p";
  EXPECT_EQ(service_->Query(r).status().code(), ErrorCode::kInvalidArgument);
  r.key_condition = "";
  EXPECT_EQ(service_->Query(r).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(TableServiceTest, ScanSegmentsPartitionTheTable) {
  ASSERT_TRUE(service_->CreateTable(Spec("t")).ok());
  for (int i = 0; i < 200; ++i) Put("t", Row("p" + std::to_string(i % 37), std::to_string(i)));
  std::multiset<std::string> seen;
  for (int seg = 0; seg < 4; ++seg) {
    std::optional<Item> start;
    do {
      ScanRequest r;
      r.table = "t";
      r.segment = seg;
      r.total_segments = 4;
      r.limit = 7;
      r.exclusive_start = start;
      auto page = service_->Scan(r);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      for (auto& item : page->items) seen.insert(item.at("sk").str);
      start = page->last_evaluated;
    } while (start);
  }
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 200u);
  ScanRequest bad;
  bad.table = "t";
  bad.segment = 4;
  bad.total_segments = 4;
  EXPECT_EQ(service_->Scan(bad).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(TableServiceTest, GlobalIndexFollowsTheTable) {
  TableSpec s = Spec("t");
  s.attribute_definitions.push_back({"status", ValueType::kS});
  IndexSpec g;
  g.name = "by_status";
  g.key.hash = {"status", ValueType::kS};
  g.key.range = KeyElement{"sk", ValueType::kN};
  g.projection = ProjectionType::kKeysOnly;
  s.global_indexes.push_back(g);
  ASSERT_TRUE(service_->CreateTable(s).ok());
  Put("t", {{"pk", S("a")}, {"sk", N("1")}, {"status", S("open")}, {"body", S("x")}});
  Put("t", {{"pk", S("b")}, {"sk", N("2")}, {"status", S("open")}});
  Put("t", {{"pk", S("c")}, {"sk", N("3")}});  // not indexed

  auto query = [&](std::string status) {
    QueryRequest r;
    r.table = "t";
    r.index = "by_status";
    r.key_condition = "#s = :s";
    r.placeholders.names = {{"#s", "status"}};
    r.placeholders.values = {{":s", S(std::move(status))}};
    return service_->Query(r).value();
  };
  auto page = query("open");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].size(), 3u);  // keys only: pk, sk, status
  EXPECT_FALSE(page.items[0].contains("body"));

  UpdateItemRequest u;
  u.table = "t";
  u.key = {{"pk", S("a")}, {"sk", N("1")}};
  u.update = "SET #s = :c";
  u.placeholders.names = {{"#s", "status"}};
  u.placeholders.values = {{":c", S("closed")}};
  ASSERT_TRUE(service_->UpdateItem(u).ok());
  EXPECT_EQ(query("open").items.size(), 1u);
  EXPECT_EQ(query("closed").items.size(), 1u);
  DeleteItemRequest d;
  d.table = "t";
  d.key = {{"pk", S("b")}, {"sk", N("2")}};
  ASSERT_TRUE(service_->DeleteItem(d).ok());
  EXPECT_EQ(query("open").items.size(), 0u);

  PutItemRequest bad;
  bad.table = "t";
  bad.item = {{"pk", S("d")}, {"sk", N("4")}, {"status", N("1")}};
  EXPECT_NE(service_->PutItem(bad).status().message().find("Type mismatch for Index Key status"),
            std::string::npos);

  QueryRequest all;
  all.table = "t";
  all.index = "by_status";
  all.key_condition = "#s = :s";
  all.placeholders.names = {{"#s", "status"}};
  all.placeholders.values = {{":s", S("open")}};
  all.select = Select::kAllAttributes;
  EXPECT_EQ(service_->Query(all).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(TableServiceTest, BatchWriteAndGet) {
  ASSERT_TRUE(service_->CreateTable(Spec("t")).ok());
  BatchWriteTable w{"t", {}};
  for (int i = 0; i < 25; ++i) w.writes.push_back({true, Row("p", std::to_string(i))});
  ASSERT_TRUE(service_->BatchWriteItem({w}).ok());
  w.writes.push_back({true, Row("p", "99")});
  EXPECT_EQ(service_->BatchWriteItem({w}).status().code(), ErrorCode::kInvalidArgument);
  BatchWriteTable dup{"t", {{true, Row("p", "1")}, {false, {{"pk", S("p")}, {"sk", N("1")}}}}};
  EXPECT_EQ(service_->BatchWriteItem({dup}).status().message(), "Provided list of item keys contains duplicates");

  BatchGetTable g;
  g.table = "t";
  for (int i = 20; i < 30; ++i) g.keys.push_back({{"pk", S("p")}, {"sk", N(std::to_string(i))}});
  auto got = service_->BatchGetItem({g}).value();
  EXPECT_EQ(got.items["t"].size(), 5u);
  EXPECT_TRUE(got.unprocessed.empty());
}

TEST_F(TableServiceTest, TransactionsAreAllOrNothing) {
  ASSERT_TRUE(service_->CreateTable(Spec("t", false)).ok());
  Put("t", {{"pk", S("acct1")}, {"balance", N("100")}});
  Put("t", {{"pk", S("acct2")}, {"balance", N("0")}});
  auto transfer = [&](std::string amount) {
    TransactWrite debit{TransactWrite::Kind::kUpdate, "t", {{"pk", S("acct1")}}, "SET balance = balance - :a",
                        "balance >= :a", {{}, {{":a", N(amount)}}}, true};
    TransactWrite credit{TransactWrite::Kind::kUpdate, "t", {{"pk", S("acct2")}}, "SET balance = balance + :a",
                         "", {{}, {{":a", N(amount)}}}, false};
    return service_->TransactWriteItems({debit, credit}, "");
  };
  ASSERT_TRUE(transfer("60").ok());
  auto st = transfer("60");
  EXPECT_EQ(st.reason(), "TransactionCanceledException");
  EXPECT_NE(st.message().find("[ConditionalCheckFailed, None]"), std::string::npos) << st.message();
  auto detail = boost::json::parse(st.detail());
  auto& reasons = detail.at("CancellationReasons").as_array();
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].at("Code").as_string(), "ConditionalCheckFailed");
  EXPECT_EQ(reasons[0].at("Item").at("balance").at("N").as_string(), "40");
  EXPECT_EQ(reasons[1].at("Code").as_string(), "None");
  EXPECT_EQ(Get("t", {{"pk", S("acct1")}})->at("balance").str, "40");
  EXPECT_EQ(Get("t", {{"pk", S("acct2")}})->at("balance").str, "60");

  TransactWrite twice{TransactWrite::Kind::kDelete, "t", {{"pk", S("acct1")}}, "", "", {}, false};
  EXPECT_EQ(service_->TransactWriteItems({twice, twice}, "").message(),
            "Transaction request cannot include multiple operations on one item");

  auto gets = service_->TransactGetItems({{"t", {{"pk", S("acct1")}}, "", {}}, {"t", {{"pk", S("none")}}, "", {}}});
  ASSERT_TRUE(gets.ok());
  EXPECT_TRUE((*gets)[0]);
  EXPECT_FALSE((*gets)[1]);
}

TEST_F(TableServiceTest, IdempotencyTokenMakesRetriesHarmless) {
  ASSERT_TRUE(service_->CreateTable(Spec("t", false)).ok());
  Put("t", {{"pk", S("c")}, {"n", N("0")}});
  TransactWrite inc{TransactWrite::Kind::kUpdate, "t", {{"pk", S("c")}}, "ADD n :one", "", {{}, {{":one", N("1")}}}, false};
  ASSERT_TRUE(service_->TransactWriteItems({inc}, "token-1").ok());
  ASSERT_TRUE(service_->TransactWriteItems({inc}, "token-1").ok());
  EXPECT_EQ(Get("t", {{"pk", S("c")}})->at("n").str, "1");
  TransactWrite other = inc;
  other.placeholders.values[":one"] = N("2");
  EXPECT_EQ(service_->TransactWriteItems({other}, "token-1").reason(), "IdempotentParameterMismatchException");
  clock_.Advance(601);
  ASSERT_TRUE(service_->TransactWriteItems({inc}, "token-1").ok());
  EXPECT_EQ(Get("t", {{"pk", S("c")}})->at("n").str, "2");
}

TEST_F(TableServiceTest, FailedWriteChangesNothing) {
  TableSpec s = Spec("t");
  s.attribute_definitions.push_back({"g", ValueType::kS});
  IndexSpec g;
  g.name = "gi";
  g.key.hash = {"g", ValueType::kS};
  s.global_indexes.push_back(g);
  ASSERT_TRUE(service_->CreateTable(s).ok());
  Put("t", {{"pk", S("a")}, {"sk", N("1")}, {"g", S("one")}});
  fault_->FailNextWrites(1);
  PutItemRequest r;
  r.table = "t";
  r.item = {{"pk", S("a")}, {"sk", N("1")}, {"g", S("two")}};
  EXPECT_EQ(service_->PutItem(r).status().code(), ErrorCode::kIoError);
  EXPECT_EQ(Get("t", {{"pk", S("a")}, {"sk", N("1")}})->at("g").str, "one");
  QueryRequest q;
  q.table = "t";
  q.index = "gi";
  q.key_condition = "g = :g";
  q.placeholders.values = {{":g", S("two")}};
  EXPECT_EQ(service_->Query(q)->items.size(), 0u);
}

TEST_F(TableServiceTest, TtlExpiresItems) {
  ASSERT_TRUE(service_->CreateTable(Spec("t", false)).ok());
  ASSERT_TRUE(service_->UpdateTimeToLive("t", {true, "expires"}).ok());
  EXPECT_EQ(service_->UpdateTimeToLive("t", {true, "expires"}).status().message(), "TimeToLive is already enabled");
  double now = clock_.Now();
  Put("t", {{"pk", S("past")}, {"expires", N(std::to_string(static_cast<int64_t>(now) - 10))}});
  Put("t", {{"pk", S("future")}, {"expires", N(std::to_string(static_cast<int64_t>(now) + 100))}});
  Put("t", {{"pk", S("never")}, {"expires", S("not a number")}});
  Put("t", {{"pk", S("ancient")}, {"expires", N("1")}});  // more than five years ago: ignored
  service_->RunMaintenance();
  EXPECT_FALSE(Get("t", {{"pk", S("past")}}));
  EXPECT_TRUE(Get("t", {{"pk", S("future")}}));
  EXPECT_TRUE(Get("t", {{"pk", S("never")}}));
  EXPECT_TRUE(Get("t", {{"pk", S("ancient")}}));
  clock_.Advance(200);
  service_->RunMaintenance();
  EXPECT_FALSE(Get("t", {{"pk", S("future")}}));
}

TEST_F(TableServiceTest, PointInTimeRestore) {
  TableSpec s = Spec("src", false);
  s.attribute_definitions.push_back({"g", ValueType::kS});
  IndexSpec g;
  g.name = "gi";
  g.key.hash = {"g", ValueType::kS};
  s.global_indexes.push_back(g);
  ASSERT_TRUE(service_->CreateTable(s).ok());
  Put("src", {{"pk", S("before")}, {"v", S("0")}, {"g", S("x")}});
  EXPECT_EQ(service_->RestoreTableToPointInTime("src", "r0", std::nullopt).status().reason(),
            "PointInTimeRecoveryUnavailableException");
  clock_.Advance(1);
  ASSERT_TRUE(service_->UpdateContinuousBackups("src", true, std::nullopt).ok());
  clock_.Advance(1);
  Put("src", {{"pk", S("a")}, {"v", S("1")}, {"g", S("x")}});
  clock_.Advance(1);
  double t1 = clock_.Now();
  clock_.Advance(1);
  Put("src", {{"pk", S("a")}, {"v", S("2")}, {"g", S("x")}});
  DeleteItemRequest d;
  d.table = "src";
  d.key = {{"pk", S("before")}};
  ASSERT_TRUE(service_->DeleteItem(d).ok());
  Put("src", {{"pk", S("late")}, {"v", S("3")}});

  auto r = service_->RestoreTableToPointInTime("src", "restored", t1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, TableStatus::kCreating);
  EXPECT_EQ(Get("src", {{"pk", S("a")}})->at("v").str, "2");
  GetItemRequest early{"restored", {{"pk", S("a")}}};
  EXPECT_EQ(service_->GetItem(early).status().code(), ErrorCode::kNotFound);
  service_->RunMaintenance();
  EXPECT_EQ(service_->DescribeTable("restored")->status, TableStatus::kActive);
  EXPECT_EQ(Get("restored", {{"pk", S("a")}})->at("v").str, "1");
  EXPECT_TRUE(Get("restored", {{"pk", S("before")}}));
  EXPECT_FALSE(Get("restored", {{"pk", S("late")}}));
  QueryRequest q;
  q.table = "restored";
  q.index = "gi";
  q.key_condition = "g = :g";
  q.placeholders.values = {{":g", S("x")}};
  EXPECT_EQ(service_->Query(q)->items.size(), 2u);

  EXPECT_EQ(service_->RestoreTableToPointInTime("src", "restored", t1).status().reason(),
            "TableAlreadyExistsException");
  EXPECT_EQ(service_->RestoreTableToPointInTime("src", "r2", t1 - 100).status().reason(),
            "InvalidRestoreTimeException");
}

TEST_F(TableServiceTest, DeletedTableDataIsRemoved) {
  TableSpec s = Spec("t");
  ASSERT_TRUE(service_->CreateTable(s).ok());
  ASSERT_TRUE(service_->UpdateContinuousBackups("t", true, std::nullopt).ok());
  for (int i = 0; i < 50; ++i) Put("t", Row("p", std::to_string(i)));
  ASSERT_TRUE(service_->DeleteTable("t").ok());
  ASSERT_TRUE(service_->CreateTable(s).ok());  // same name, new id
  GetItemRequest g{"t", {{"pk", S("p")}, {"sk", N("1")}}};
  EXPECT_FALSE(service_->GetItem(g).value());
  Reopen();  // the removal resumes after a restart
  service_->RunMaintenance();
  auto it = kv_->NewIterator();
  int leftovers = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view k = it->key();
    if (k.starts_with("db/") && !k.starts_with("db/t/")) ++leftovers;
  }
  EXPECT_EQ(leftovers, 0);
}

}  // namespace
}  // namespace service::tables
