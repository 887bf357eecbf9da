#pragma once

// Checksums computed while bytes stream: MD5 (S3 ETags, Content-MD5), the
// algorithms S3 clients send in x-amz-checksum-* (CRC32, CRC32C, CRC64/NVME,
// SHA-1, SHA-256), and CRC32C for the value codec's frames. Plus the encodings
// S3 uses for them (hex, base64).
//
// CRC32 and CRC32C come from ISA-L; CRC64/NVME (ISA-L 2.30 lacks it) is a
// table-driven implementation checked against the AWS SDKs' test vectors;
// MD5/SHA-1/SHA-256 from OpenSSL's EVP. All thread-compatible (one Hasher per
// stream).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace common {

enum class ChecksumAlgorithm { kCrc32, kCrc32c, kCrc64Nvme, kSha1, kSha256 };

// "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256" (the x-amz-checksum-algorithm
// and x-amz-sdk-checksum-algorithm values); parsing is case-insensitive.
std::string_view ChecksumName(ChecksumAlgorithm a);
std::optional<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name);
// "x-amz-checksum-crc32", ... (lower case).
std::string_view ChecksumHeader(ChecksumAlgorithm a);
// The raw digest size in bytes: 4, 4, 8, 20, 32.
size_t ChecksumSize(ChecksumAlgorithm a);

// A streaming digest. Finish() returns the raw digest bytes (CRCs big-endian,
// as S3 base64-encodes them) and resets nothing: call it once.
class Hasher {
 public:
  virtual ~Hasher() = default;
  virtual void Update(std::string_view data) = 0;
  virtual std::string Finish() = 0;

  static std::unique_ptr<Hasher> New(ChecksumAlgorithm a);
  static std::unique_ptr<Hasher> NewMd5();
};

// One-shot helpers.
std::string Digest(ChecksumAlgorithm a, std::string_view data);  // raw bytes
std::string Md5(std::string_view data);                          // raw 16 bytes

// The CRC of A followed by B, from crc(A), crc(B) and B's length: raw
// big-endian digests as Hasher gives them. For the CRC algorithms only
// (nullopt for SHA-1/SHA-256 or digests of the wrong size). This is how a
// multipart object gets its full-object CRC without reading its data again.
std::optional<std::string> CombineCrc(ChecksumAlgorithm a, std::string_view crc_a,
                                      std::string_view crc_b, uint64_t length_b);

// CRC32C (Castagnoli) continuing from `crc` (start with 0).
uint32_t Crc32c(uint32_t crc, std::string_view data);

std::string HexEncode(std::string_view raw);  // lower case
std::string Base64Encode(std::string_view raw);
// Standard alphabet with padding; nullopt for anything malformed: a length
// not a multiple of 4, a character outside the alphabet, misplaced padding,
// or non-zero bits left over by the padding (each value has one encoding).
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace common
