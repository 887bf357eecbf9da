#include "storage/value_codec.h"

#include <filesystem>
#include <cstring>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "storage/tests/temp_dir.h"

namespace storage {
namespace {

using common::ErrorCode;

constexpr size_t kFrame = ValueCodec::kFrameSize;
constexpr size_t kHeader = 16;
constexpr size_t kStride = 4 + kFrame;

// Deterministic bytes that differ from frame to frame.
std::string Pattern(size_t n, uint32_t seed = 1) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t v = rng();
    std::memcpy(s.data() + i, &v, 8);
  }
  for (; i < n; ++i) s[i] = static_cast<char>(rng());
  return s;
}

// Counts the reads that reach the wrapped reader.
class CountingReader final : public BlobReader {
 public:
  CountingReader(std::unique_ptr<BlobReader> inner, int& reads) : inner_(std::move(inner)), reads_(reads) {}
  uint64_t size() const override { return inner_->size(); }
  Status ReadAt(uint64_t offset, size_t n, std::string& out) override {
    ++reads_;
    return inner_->ReadAt(offset, n, out);
  }

 private:
  std::unique_ptr<BlobReader> inner_;
  int& reads_;
};

// Accepts `budget` bytes, then fails every Append with kIoError.
class FailingWriter final : public BlobWriter {
 public:
  FailingWriter(size_t budget, bool& aborted) : budget_(budget), aborted_(aborted) {}
  Status Append(std::string_view data) override {
    if (data.size() > budget_) return Status(ErrorCode::kIoError, "disk full");
    budget_ -= data.size();
    size_ += data.size();
    return Status::Ok();
  }
  Result<std::string> Commit() override { return std::string("id"); }
  void Abort() override { aborted_ = true; }
  uint64_t size() const override { return size_; }

 private:
  size_t budget_;
  bool& aborted_;
  uint64_t size_ = 0;
};

class ValueCodecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = BlobStore::Open(dir_.path() / "blobs");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  // Writes `data` through a sealing writer in `chunk`-byte appends.
  std::string Put(std::string_view data, size_t chunk) {
    auto inner = store_->NewWriter();
    EXPECT_TRUE(inner.ok());
    auto w = codec_.SealingWriter(std::move(inner).value());
    for (size_t off = 0; off < data.size(); off += chunk) {
      EXPECT_TRUE(w->Append(data.substr(off, chunk)).ok());
    }
    EXPECT_EQ(w->size(), data.size());
    auto id = w->Commit();
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : std::string();
  }

  Result<std::unique_ptr<BlobReader>> OpenSealed(std::string_view id) {
    auto inner = store_->OpenReader(id);
    if (!inner.ok()) return inner.status();
    return codec_.OpeningReader(std::move(inner).value());
  }

  std::string Raw(std::string_view id) {
    auto r = store_->OpenReader(id);
    EXPECT_TRUE(r.ok());
    std::string out;
    EXPECT_TRUE((*r)->ReadAt(0, (*r)->size(), out).ok());
    return out;
  }

  std::filesystem::path PathOf(std::string_view id) {
    return store_->dir() / std::string(id.substr(0, 2)) / std::string(id);
  }

  void FlipByte(std::string_view id, uint64_t position) {
    std::fstream f(PathOf(id), std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good());
    f.seekg(static_cast<std::streamoff>(position));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x40);
    f.seekp(static_cast<std::streamoff>(position));
    f.write(&c, 1);
  }

  size_t FilesUnder(const std::filesystem::path& p) {
    size_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(p)) n += e.is_regular_file();
    return n;
  }

  testing::TempDir dir_;
  std::unique_ptr<BlobStore> store_;
  ValueCodec codec_;
};

// Verifies inline values of several sizes, including binary ones, round trip.
TEST_F(ValueCodecTest, InlineRoundTrip) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{5}, size_t{1000}, size_t{70000}}) {
    std::string plain = Pattern(n, static_cast<uint32_t>(n));
    std::string sealed = codec_.Seal(plain);
    EXPECT_EQ(sealed.size(), plain.size() + 5);
    auto opened = codec_.Open(sealed);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(*opened, plain);
  }
}

// Verifies the inline layout byte for byte: format 0x01, CRC32C LE, payload.
TEST_F(ValueCodecTest, InlineGoldenBytes) {
  // CRC32C("123456789") = 0xE3069283, the standard check value.
  EXPECT_EQ(codec_.Seal("123456789"), std::string("\x01\x83\x92\x06\xe3" "123456789", 14));
  EXPECT_EQ(codec_.Seal(""), std::string("\x01\x00\x00\x00\x00", 5));
}

// Verifies Open rejects short input, unknown formats and checksum mismatches.
TEST_F(ValueCodecTest, InlineOpenRejectsCorruption) {
  std::string good = codec_.Seal("hello, world");
  struct Case {
    std::string input;
    std::string message_part;
  };
  std::string bad_format = good;
  bad_format[0] = 0x02;
  std::string bad_payload = good;
  bad_payload[7] ^= 1;
  std::string bad_crc = good;
  bad_crc[2] ^= 1;
  for (const Case& c : {Case{"", "too short"}, Case{good.substr(0, 4), "too short"},
                        Case{bad_format, "unknown format 0x02"}, Case{bad_payload, "checksum mismatch"},
                        Case{bad_crc, "checksum mismatch"}, Case{good.substr(0, good.size() - 1), "checksum"}}) {
    auto r = codec_.Open(c.input);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kCorruption);
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos) << r.status().message();
  }
}

// Verifies blobs of edge sizes round trip whatever the append sizes, and the
// stored size is header + frames (the last always shorter than a frame).
TEST_F(ValueCodecTest, BlobRoundTripSizes) {
  for (size_t n : {size_t{0}, size_t{1}, kFrame - 1, kFrame, kFrame + 1, kFrame * 7 / 2}) {
    std::string plain = Pattern(n, static_cast<uint32_t>(n));
    for (size_t chunk : {size_t{1000}, size_t{64 << 10}, kFrame, 3 * kFrame}) {
      SCOPED_TRACE(::testing::Message() << "size " << n << " chunk " << chunk);
      std::string id = Put(plain, chunk);
      auto raw = store_->OpenReader(id);
      ASSERT_TRUE(raw.ok());
      EXPECT_EQ((*raw)->size(), kHeader + (n / kFrame) * kStride + 4 + n % kFrame);
      auto r = OpenSealed(id);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ((*r)->size(), n);
      std::string out = "stale";
      ASSERT_TRUE((*r)->ReadAt(0, n, out).ok());
      EXPECT_TRUE(out == plain);
      ASSERT_TRUE(store_->Delete(id).ok());
    }
  }
}

// Verifies the blob layout byte for byte: header, then [crc LE][data].
TEST_F(ValueCodecTest, BlobGoldenLayout) {
  std::string raw = Raw(Put("123456789", 4));
  std::string expected("STRBLOB1\x01\x00\x00\x10\x00\x00\x00\x00", 16);
  expected += std::string("\x83\x92\x06\xe3" "123456789", 13);
  EXPECT_EQ(raw, expected);
  EXPECT_EQ(Raw(Put("", 1)), std::string("STRBLOB1\x01\x00\x00\x10\x00\x00\x00\x00" "\0\0\0\0", 20));
}

// Verifies random range reads equal the matching slice of the plaintext.
TEST_F(ValueCodecTest, RandomRangeReads) {
  std::string plain = Pattern(kFrame * 7 / 2, 7);
  std::string id = Put(plain, 100000);
  auto r = OpenSealed(id);
  ASSERT_TRUE(r.ok());
  std::mt19937 rng(42);
  std::string out;
  for (int i = 0; i < 300; ++i) {
    uint64_t offset = rng() % (plain.size() + 10);
    size_t n = (i % 3 == 0) ? rng() % (2 * kFrame) : rng() % 5000;
    ASSERT_TRUE((*r)->ReadAt(offset, n, out).ok());
    std::string want = offset < plain.size() ? plain.substr(offset, n) : std::string();
    ASSERT_TRUE(out == want) << "offset " << offset << " n " << n;
  }
}

// Verifies reads at and past the end return fewer bytes or none.
TEST_F(ValueCodecTest, ReadsAtTheEnd) {
  std::string plain = Pattern(kFrame + 10, 3);
  auto r = OpenSealed(Put(plain, kFrame));
  ASSERT_TRUE(r.ok());
  std::string out = "stale";
  ASSERT_TRUE((*r)->ReadAt(plain.size() - 3, 100, out).ok());
  EXPECT_EQ(out, plain.substr(plain.size() - 3));
  ASSERT_TRUE((*r)->ReadAt(plain.size(), 100, out).ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE((*r)->ReadAt(plain.size() + 12345, 100, out).ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE((*r)->ReadAt(5, 0, out).ok());
  EXPECT_TRUE(out.empty());
}

// Verifies sequential small reads read (and verify) each frame only once.
TEST_F(ValueCodecTest, SequentialReadsReadEachFrameOnce) {
  std::string plain = Pattern(kFrame * 7 / 2, 9);
  std::string id = Put(plain, kFrame);
  int reads = 0;
  auto inner = store_->OpenReader(id);
  ASSERT_TRUE(inner.ok());
  auto r = codec_.OpeningReader(std::make_unique<CountingReader>(std::move(inner).value(), reads));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(reads, 1);  // the header
  std::string all, out;
  for (uint64_t off = 0; off < plain.size(); off += 64 << 10) {
    ASSERT_TRUE((*r)->ReadAt(off, 64 << 10, out).ok());
    all += out;
  }
  EXPECT_TRUE(all == plain);
  EXPECT_EQ(reads, 1 + 4);
}

// Verifies a flipped byte in a frame's data or CRC fails reads of that frame
// only, with kCorruption.
TEST_F(ValueCodecTest, FlippedByteCorruptsOnlyThatFrame) {
  std::string plain = Pattern(kFrame * 7 / 2, 11);
  const uint64_t frames = 4;
  for (uint64_t bad = 0; bad < frames; ++bad) {
    for (uint64_t within : {uint64_t{1}, uint64_t{4 + 100}}) {  // in the CRC, in the data
      SCOPED_TRACE(::testing::Message() << "frame " << bad << " byte " << within);
      std::string id = Put(plain, 64 << 10);
      FlipByte(id, kHeader + bad * kStride + within);
      auto r = OpenSealed(id);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      std::string out;
      for (uint64_t f = 0; f < frames; ++f) {
        Status s = (*r)->ReadAt(f * kFrame + 10, 1000, out);
        if (f == bad) {
          EXPECT_EQ(s.code(), ErrorCode::kCorruption);
          EXPECT_NE(s.message().find("checksum mismatch"), std::string::npos) << s.message();
          EXPECT_TRUE(out.empty());
        } else {
          ASSERT_TRUE(s.ok()) << s.ToString();
          EXPECT_TRUE(out == plain.substr(f * kFrame + 10, 1000));
        }
      }
      // A read spanning the bad frame fails as a whole.
      EXPECT_EQ((*r)->ReadAt(0, plain.size(), out).code(), ErrorCode::kCorruption);
      ASSERT_TRUE(store_->Delete(id).ok());
    }
  }
}

// Verifies a truncated blob fails with kCorruption: at open when the size is
// not a valid layout, else when the cut frame is read.
TEST_F(ValueCodecTest, TruncatedBlobIsCorruption) {
  std::string plain = Pattern(kFrame * 2, 13);  // two whole frames and an empty last one
  const uint64_t full = kHeader + 2 * kStride + 4;
  struct Case {
    uint64_t size;
    bool fails_at_open;
  };
  for (const Case& c : {Case{0, true}, Case{10, true}, Case{kHeader, true}, Case{kHeader + 3, true},
                        Case{kHeader + kStride, true}, Case{kHeader + kStride + 2, true},
                        Case{kHeader + kStride + 4 + 100, false}, Case{full - 1, true},
                        Case{kHeader + 2 * kStride - 1, false}}) {
    SCOPED_TRACE(::testing::Message() << "truncated to " << c.size);
    std::string id = Put(plain, kFrame);
    std::filesystem::resize_file(PathOf(id), c.size);
    auto r = OpenSealed(id);
    if (c.fails_at_open) {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), ErrorCode::kCorruption);
    } else {
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      std::string out;
      EXPECT_EQ((*r)->ReadAt(0, plain.size(), out).code(), ErrorCode::kCorruption);
    }
    ASSERT_TRUE(store_->Delete(id).ok());
  }
}

// Verifies headers this codec did not write are rejected with kCorruption.
TEST_F(ValueCodecTest, RejectsForeignHeaders) {
  std::string sealed_header = Raw(Put("abc", 3)).substr(0, kHeader);
  auto with_header = [&](std::string header) {
    auto w = store_->NewWriter();
    EXPECT_TRUE((*w)->Append(header + std::string("\0\0\0\0", 4)).ok());
    auto id = (*w)->Commit();
    EXPECT_TRUE(id.ok());
    return OpenSealed(*id);
  };
  std::string magic = sealed_header;
  magic[3] = 'X';
  std::string format = sealed_header;
  format[8] = 0x07;
  std::string zero_frames = sealed_header;
  zero_frames.replace(9, 4, std::string(4, '\0'));
  std::string padding = sealed_header;
  padding[15] = 1;
  for (const auto& [header, message_part] : {std::pair{magic, "bad magic"}, std::pair{format, "unknown format 0x07"},
                                             std::pair{zero_frames, "frame size 0"},
                                             std::pair{padding, "padding"}}) {
    auto r = with_header(header);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kCorruption);
    EXPECT_NE(r.status().message().find(message_part), std::string::npos) << r.status().message();
  }
}

// Verifies Abort, or dropping an uncommitted writer, leaves no file behind and
// finishes the writer.
TEST_F(ValueCodecTest, AbortLeavesNothing) {
  std::string plain = Pattern(kFrame * 3 / 2, 17);
  {
    auto w = codec_.SealingWriter(store_->NewWriter().value());
    ASSERT_TRUE(w->Append(plain).ok());
    w->Abort();
    w->Abort();
    EXPECT_EQ(w->Append("more").code(), ErrorCode::kInternal);
    EXPECT_EQ(w->Commit().status().code(), ErrorCode::kInternal);
  }
  {
    auto w = codec_.SealingWriter(store_->NewWriter().value());
    ASSERT_TRUE(w->Append(plain).ok());
  }
  EXPECT_EQ(FilesUnder(store_->dir()), 0u);
  auto removed = store_->CollectGarbage([](std::string_view) { return true; });
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 0u);
}

// Verifies a committed writer is finished and Abort no longer touches the blob.
TEST_F(ValueCodecTest, CommitFinishesTheWriter) {
  auto w = codec_.SealingWriter(store_->NewWriter().value());
  ASSERT_TRUE(w->Append("payload").ok());
  auto id = w->Commit();
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(w->Append("x").code(), ErrorCode::kInternal);
  EXPECT_EQ(w->Commit().status().code(), ErrorCode::kInternal);
  w->Abort();
  w.reset();
  auto r = OpenSealed(*id);
  ASSERT_TRUE(r.ok());
  std::string out;
  ASSERT_TRUE((*r)->ReadAt(0, 100, out).ok());
  EXPECT_EQ(out, "payload");
}

// Verifies a failed inner write is sticky and Commit then aborts the inner writer.
TEST_F(ValueCodecTest, InnerWriteFailureIsSticky) {
  bool aborted = false;
  auto w = codec_.SealingWriter(std::make_unique<FailingWriter>(kHeader + kStride, aborted));
  ASSERT_TRUE(w->Append(Pattern(kFrame, 1)).ok());
  EXPECT_EQ(w->Append(Pattern(kFrame, 2)).code(), ErrorCode::kIoError);
  EXPECT_EQ(w->size(), kFrame);
  EXPECT_EQ(w->Append("x").code(), ErrorCode::kIoError);
  EXPECT_FALSE(aborted);
  EXPECT_EQ(w->Commit().status().code(), ErrorCode::kIoError);
  EXPECT_TRUE(aborted);
  EXPECT_EQ(w->Append("x").code(), ErrorCode::kInternal);
}

}  // namespace
}  // namespace storage
