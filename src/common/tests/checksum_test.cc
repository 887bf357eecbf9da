// Unit tests for checksums and their encodings (src/common/checksum.h).
//
// Expected values come from outside this code: the CRC catalogue's check
// values (the CRC of "123456789"), Python's zlib.crc32 / hashlib, a bitwise
// reference CRC-32C and CRC-64/NVME, the values S3 and the AWS SDKs document
// (CRC32 of "" is "AAAAAA==", CRC64NVME of "Hello world" is "OOJZ0D8xKts="),
// and RFC 4648's base64 test vectors.

#include "common/checksum.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace common {
namespace {

constexpr ChecksumAlgorithm kAll[] = {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c,
                                      ChecksumAlgorithm::kCrc64Nvme, ChecksumAlgorithm::kSha1,
                                      ChecksumAlgorithm::kSha256};

std::string B64(ChecksumAlgorithm a, std::string_view data) { return Base64Encode(Digest(a, data)); }

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

// Verifies the catalogue check values: each CRC of "123456789".
TEST(ChecksumTest, CrcCheckValues) {
  EXPECT_EQ(HexEncode(Digest(ChecksumAlgorithm::kCrc32, "123456789")), "cbf43926");
  EXPECT_EQ(HexEncode(Digest(ChecksumAlgorithm::kCrc32c, "123456789")), "e3069283");
  EXPECT_EQ(HexEncode(Digest(ChecksumAlgorithm::kCrc64Nvme, "123456789")), "ae8b14860a799888");
  EXPECT_EQ(Crc32c(0, "123456789"), 0xE3069283u);
}

// Verifies the base64 values S3 clients send for "", "Hello world" and 65 KiB of 'a'.
TEST(ChecksumTest, S3Examples) {
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32, ""), "AAAAAA==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32c, ""), "AAAAAA==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc64Nvme, ""), "AAAAAAAAAAA=");
  EXPECT_EQ(B64(ChecksumAlgorithm::kSha1, ""), "2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
  EXPECT_EQ(B64(ChecksumAlgorithm::kSha256, ""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(Base64Encode(Md5("")), "1B2M2Y8AsgTpgAmY7PhCfg==");

  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32, "Hello world"), "i9aeUg==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32c, "Hello world"), "crUfeA==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc64Nvme, "Hello world"), "OOJZ0D8xKts=");
  EXPECT_EQ(B64(ChecksumAlgorithm::kSha1, "Hello world"), "e1AsOh9IyGCa4hLN+2Od7jlnP14=");
  EXPECT_EQ(B64(ChecksumAlgorithm::kSha256, "Hello world"),
            "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=");
  EXPECT_EQ(HexEncode(Md5("Hello world")), "3e25960a79dbc69b674cd4ec67a72c62");

  // The object of AWS's chunked-upload examples (its trailer carries this CRC32C).
  const std::string a(66560, 'a');
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32, a), "sK4Y7A==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32c, a), "sOO8/Q==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc64Nvme, a), "pRf+emrnL+A=");
  EXPECT_EQ(B64(ChecksumAlgorithm::kSha1, a), "qOlv5ixdz2jRNhlSLmgH6iaTKRI=");
  EXPECT_EQ(B64(ChecksumAlgorithm::kSha256, a), "zWnTiHxq+SZLEA17dgIzEzXZqn4718MM3G1vS/uzyIg=");
  EXPECT_EQ(HexEncode(Md5(a)), "da0d2e17cd5a8f14633c6b4aebad7e02");
}

// Verifies that Hasher::New digests equal the one-shot ones and have the declared sizes.
TEST(ChecksumTest, HasherMatchesDigest) {
  const std::string data = "The quick brown fox jumps over the lazy dog";
  for (auto a : kAll) {
    auto h = Hasher::New(a);
    h->Update(data);
    std::string d = h->Finish();
    EXPECT_EQ(d, Digest(a, data)) << ChecksumName(a);
    EXPECT_EQ(d.size(), ChecksumSize(a)) << ChecksumName(a);
  }
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32, data), "QU+jOQ==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc32c, data), "ImIEBA==");
  EXPECT_EQ(B64(ChecksumAlgorithm::kCrc64Nvme, data), "12xUBUlUwUM=");
  auto md5 = Hasher::NewMd5();
  md5->Update(data);
  EXPECT_EQ(HexEncode(md5->Finish()), "9e107d9d372bb6826bd81d3542a419d6");
}

// Verifies that streaming in pieces of every size (including empty ones and
// pieces that cut the slice-by-8 words) gives the one-shot digest.
TEST(ChecksumTest, StreamingInPiecesEqualsOneShot) {
  const std::string data = RandomBytes(4099, 1);
  std::mt19937 rng(2);
  for (auto a : kAll) {
    const std::string expected = Digest(a, data);
    for (size_t step : {size_t{1}, size_t{3}, size_t{7}, size_t{8}, size_t{9}, size_t{64}, size_t{1000}}) {
      auto h = Hasher::New(a);
      for (size_t i = 0; i < data.size(); i += step) {
        h->Update(std::string_view(data).substr(i, step));
        h->Update("");
      }
      EXPECT_EQ(h->Finish(), expected) << ChecksumName(a) << " step " << step;
    }
    auto h = Hasher::New(a);
    for (size_t i = 0; i < data.size();) {
      size_t n = rng() % 97;
      h->Update(std::string_view(data).substr(i, n));
      i += n;
    }
    EXPECT_EQ(h->Finish(), expected) << ChecksumName(a) << " random pieces";
  }
  auto md5 = Hasher::NewMd5();
  md5->Update(std::string_view(data).substr(0, 1000));
  md5->Update(std::string_view(data).substr(1000));
  EXPECT_EQ(md5->Finish(), Md5(data));
}

// Verifies that Crc32c continues from a previous value (the value codec's use).
TEST(ChecksumTest, Crc32cContinues) {
  const std::string data = RandomBytes(1000, 3);
  uint32_t crc = 0;
  for (size_t i = 0; i < data.size(); i += 33) crc = Crc32c(crc, std::string_view(data).substr(i, 33));
  EXPECT_EQ(crc, Crc32c(0, data));
  EXPECT_EQ(Crc32c(0, ""), 0u);
  EXPECT_EQ(Crc32c(0x12345678, ""), 0x12345678u);
}

// Verifies the algorithm names, headers and sizes, and case-insensitive parsing.
TEST(ChecksumTest, NamesHeadersAndSizes) {
  EXPECT_EQ(ChecksumName(ChecksumAlgorithm::kCrc64Nvme), "CRC64NVME");
  EXPECT_EQ(ChecksumHeader(ChecksumAlgorithm::kCrc32c), "x-amz-checksum-crc32c");
  EXPECT_EQ(ChecksumHeader(ChecksumAlgorithm::kSha256), "x-amz-checksum-sha256");
  EXPECT_EQ(ChecksumSize(ChecksumAlgorithm::kCrc64Nvme), 8u);
  for (auto a : kAll) {
    EXPECT_EQ(ParseChecksumAlgorithm(ChecksumName(a)), a);
    std::string lower(ChecksumName(a));
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(ParseChecksumAlgorithm(lower), a);
    EXPECT_EQ(ChecksumHeader(a), "x-amz-checksum-" + lower);
  }
  EXPECT_EQ(ParseChecksumAlgorithm("crc32C"), ChecksumAlgorithm::kCrc32c);
  EXPECT_FALSE(ParseChecksumAlgorithm("MD5"));
  EXPECT_FALSE(ParseChecksumAlgorithm(""));
  EXPECT_FALSE(ParseChecksumAlgorithm("CRC32 "));
  EXPECT_FALSE(ParseChecksumAlgorithm("CRC64"));
}

// Verifies hex encoding, lower case.
TEST(ChecksumTest, HexEncode) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
}

// Verifies base64 against RFC 4648's test vectors, both ways.
TEST(ChecksumTest, Base64Rfc4648Vectors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [raw, text] : cases) {
    EXPECT_EQ(Base64Encode(raw), text);
    EXPECT_EQ(Base64Decode(text), raw) << text;
  }
  EXPECT_EQ(Base64Encode(std::string("\xfb\xff\xfe", 3)), "+//+");
  EXPECT_EQ(Base64Decode("+//+"), std::string("\xfb\xff\xfe", 3));
}

// Verifies that every byte string of lengths 0..64 round-trips through base64.
TEST(ChecksumTest, Base64RoundTrips) {
  for (size_t n = 0; n <= 64; ++n) {
    std::string raw = RandomBytes(n, static_cast<uint32_t>(100 + n));
    std::string text = Base64Encode(raw);
    EXPECT_EQ(text.size(), (n + 2) / 3 * 4);
    EXPECT_EQ(Base64Decode(text), raw) << text;
  }
}

// Verifies that malformed base64 is refused: wrong length, bad characters,
// misplaced padding, non-zero leftover bits, the URL-safe alphabet, whitespace.
TEST(ChecksumTest, Base64RejectsMalformed) {
  for (std::string_view bad :
       {"A", "AA", "AAA", "AAAAA", "Zg=", "Zg", "Zm9vY", "====", "A===", "Zg==Zg==", "Z=g=", "=Zm8",
        "Zm=8", "Zh==", "Zm9=", "AAAAAA=A", "-_-_", "Zm9v\n", " Zm9v", "Zm 9", "Zm9v=", "Zg===",
        "AB*D"}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
  EXPECT_FALSE(Base64Decode(std::string("Zm9\0", 4)).has_value());
}

}  // namespace
}  // namespace common

namespace common {
namespace {

TEST(CombineCrc, EqualsTheCrcOfTheConcatenation) {
  std::string a = "The quick brown fox ";
  std::string b = "jumps over the lazy dog, and again and again.";
  std::string big(100000, 'x');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + 3);
  for (auto alg : {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme}) {
    for (const auto& [x, y] : {std::pair{a, b}, std::pair{a, std::string()}, std::pair{std::string(), b},
                               std::pair{a, big}, std::pair{big, b}}) {
      auto combined = CombineCrc(alg, Digest(alg, x), Digest(alg, y), y.size());
      ASSERT_TRUE(combined.has_value());
      EXPECT_EQ(*combined, Digest(alg, x + y)) << ChecksumName(alg) << " " << x.size() << "+" << y.size();
    }
  }
  EXPECT_FALSE(CombineCrc(ChecksumAlgorithm::kSha256, "a", "b", 1).has_value());
  EXPECT_FALSE(CombineCrc(ChecksumAlgorithm::kCrc32, "abc", "abcd", 1).has_value());
}

}  // namespace
}  // namespace common
