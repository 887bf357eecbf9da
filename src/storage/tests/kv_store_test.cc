#include "storage/kv_store.h"

#include <string>

#include <gtest/gtest.h>

namespace storage {
namespace {

using namespace std::string_literals;

// Verifies that ops keep their order and type and that ByteSize counts keys and values.
TEST(WriteBatchTest, RecordsOpsInOrder) {
  WriteBatch batch;
  EXPECT_TRUE(batch.empty());
  batch.Put("k1", "value");
  batch.Delete("k2");
  batch.Put("k1", "");
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_FALSE(batch.empty());
  EXPECT_EQ(batch.ByteSize(), 2u + 5u + 2u + 2u);
  const auto& ops = batch.ops();
  EXPECT_EQ(ops[0].type, WriteBatch::OpType::kPut);
  EXPECT_EQ(ops[0].key, "k1");
  EXPECT_EQ(ops[0].value, "value");
  EXPECT_EQ(ops[1].type, WriteBatch::OpType::kDelete);
  EXPECT_EQ(ops[1].key, "k2");
  EXPECT_EQ(ops[1].value, "");
  EXPECT_EQ(ops[2].type, WriteBatch::OpType::kPut);
  EXPECT_EQ(ops[2].value, "");
}

// Verifies that keys and values holding NUL bytes are copied whole.
TEST(WriteBatchTest, KeepsEmbeddedNulBytes) {
  WriteBatch batch;
  batch.Put("a\0b"s, "\0\xff"s);
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch.ops()[0].key, "a\0b"s);
  EXPECT_EQ(batch.ops()[0].value, "\0\xff"s);
  EXPECT_EQ(batch.ByteSize(), 5u);
}

// Verifies that Clear() empties the batch and resets its byte count.
TEST(WriteBatchTest, ClearResets) {
  WriteBatch batch;
  batch.Put("k", "v");
  batch.Delete("d");
  batch.Clear();
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(batch.size(), 0u);
  EXPECT_EQ(batch.ByteSize(), 0u);
  batch.Put("x", "yz");
  EXPECT_EQ(batch.ByteSize(), 3u);
}

// Verifies PrefixSuccessor on ordinary prefixes: the last byte is incremented.
TEST(PrefixSuccessorTest, IncrementsLastByte) {
  EXPECT_EQ(PrefixSuccessor("a"), "b");
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor("t/"), "t0");
  EXPECT_EQ(PrefixSuccessor("a\0"s), "a\x01"s);
  EXPECT_EQ(PrefixSuccessor("\0"s), "\x01"s);
  EXPECT_EQ(PrefixSuccessor("\xfe"s), "\xff"s);
  EXPECT_EQ(PrefixSuccessor("\x7f"s), "\x80"s);
}

// Verifies that trailing 0xff bytes are dropped before incrementing.
TEST(PrefixSuccessorTest, DropsTrailingFf) {
  EXPECT_EQ(PrefixSuccessor("a\xff"s), "b");
  EXPECT_EQ(PrefixSuccessor("a\xff\xff"s), "b");
  EXPECT_EQ(PrefixSuccessor("a\xfe\xff"s), "a\xff"s);
  EXPECT_EQ(PrefixSuccessor("\xff\x00\xff"s), "\xff\x01"s);
}

// Verifies that the empty prefix and all-0xff prefixes have no successor.
TEST(PrefixSuccessorTest, EmptyWhenNoSuccessor) {
  EXPECT_EQ(PrefixSuccessor(""), "");
  EXPECT_EQ(PrefixSuccessor("\xff"s), "");
  EXPECT_EQ(PrefixSuccessor("\xff\xff\xff"s), "");
}

// Verifies the bound property: every key with the prefix sorts below the
// successor, and the successor itself does not carry the prefix.
TEST(PrefixSuccessorTest, BoundsEveryKeyWithPrefix) {
  for (const std::string& prefix : {"a"s, "a\xff"s, "\0"s, "x\xfe\xff"s, "k\0\xff"s}) {
    const std::string succ = PrefixSuccessor(prefix);
    ASSERT_FALSE(succ.empty()) << prefix;
    EXPECT_LT(prefix, succ);
    EXPECT_LT(prefix + "\xff\xff\xff\xff"s, succ);
    EXPECT_NE(succ.compare(0, prefix.size(), prefix), 0);
  }
}

}  // namespace
}  // namespace storage
