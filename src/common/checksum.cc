#include "common/checksum.h"

#include <isa-l/crc.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <new>

namespace common {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Raw big-endian bytes of the low `n` bytes of `v`, as S3 encodes CRCs.
std::string BigEndian(uint64_t v, size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[n - 1 - i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

// ---------------------------------------------------------------------------
// CRC32 (IEEE 802.3, reflected, init and xorout 0xffffffff): ISA-L's
// crc32_gzip_refl does the pre- and post-inversion itself, so its result
// continues directly from a previous one (start with 0).

uint32_t Crc32Ieee(uint32_t crc, std::string_view data) {
  return crc32_gzip_refl(crc, Bytes(data), data.size());
}

// ---------------------------------------------------------------------------
// CRC64/NVME: reflected polynomial 0xad93d23594c93659 (0x9a6c9329ac4bc9b5
// reflected), init and xorout all ones. Slice-by-8 over eight 256-entry tables
// built at compile time: table[0] is the classic byte-at-a-time table, and
// table[k][b] is the CRC of byte b followed by k zero bytes.

constexpr uint64_t kCrc64NvmeReflected = 0x9a6c9329ac4bc9b5ull;

using Crc64Tables = std::array<std::array<uint64_t, 256>, 8>;

constexpr Crc64Tables MakeCrc64Tables() {
  Crc64Tables t{};
  for (uint64_t b = 0; b < 256; ++b) {
    uint64_t crc = b;
    for (int i = 0; i < 8; ++i) crc = (crc & 1) ? (crc >> 1) ^ kCrc64NvmeReflected : crc >> 1;
    t[0][b] = crc;
  }
  for (size_t k = 1; k < 8; ++k) {
    for (size_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
  }
  return t;
}

constexpr Crc64Tables kCrc64Tables = MakeCrc64Tables();

// Advances the raw (not inverted) CRC register over `data`.
uint64_t Crc64NvmeUpdate(uint64_t crc, std::string_view data) {
  const auto& t = kCrc64Tables;
  const unsigned char* p = Bytes(data);
  size_t n = data.size();
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
    crc ^= word;
    crc = t[7][crc & 0xff] ^ t[6][(crc >> 8) & 0xff] ^ t[5][(crc >> 16) & 0xff] ^
          t[4][(crc >> 24) & 0xff] ^ t[3][(crc >> 32) & 0xff] ^ t[2][(crc >> 40) & 0xff] ^
          t[1][(crc >> 48) & 0xff] ^ t[0][crc >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xff];
  return crc;
}

// ---------------------------------------------------------------------------
// Hashers.

class Crc32Hasher final : public Hasher {
 public:
  void Update(std::string_view data) override { crc_ = Crc32Ieee(crc_, data); }
  std::string Finish() override { return BigEndian(crc_, 4); }

 private:
  uint32_t crc_ = 0;
};

class Crc32cHasher final : public Hasher {
 public:
  void Update(std::string_view data) override { crc_ = Crc32c(crc_, data); }
  std::string Finish() override { return BigEndian(crc_, 4); }

 private:
  uint32_t crc_ = 0;
};

class Crc64NvmeHasher final : public Hasher {
 public:
  void Update(std::string_view data) override { reg_ = Crc64NvmeUpdate(reg_, data); }
  std::string Finish() override { return BigEndian(~reg_, 8); }

 private:
  uint64_t reg_ = ~0ull;
};

// MD5 / SHA-1 / SHA-256 through OpenSSL's EVP interface.
class EvpHasher final : public Hasher {
 public:
  explicit EvpHasher(const EVP_MD* md) : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, md, nullptr) != 1) throw std::bad_alloc();
  }
  ~EvpHasher() override { EVP_MD_CTX_free(ctx_); }
  EvpHasher(const EvpHasher&) = delete;
  EvpHasher& operator=(const EvpHasher&) = delete;

  void Update(std::string_view data) override {
    if (!data.empty()) EVP_DigestUpdate(ctx_, data.data(), data.size());
  }
  std::string Finish() override {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, md, &len);
    return std::string(reinterpret_cast<const char*>(md), len);
  }

 private:
  EVP_MD_CTX* ctx_;
};

std::string EvpDigest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) throw std::bad_alloc();
  return std::string(reinterpret_cast<const char*>(out), len);
}

// ---------------------------------------------------------------------------
// Base64 (RFC 4648 section 4, with padding).

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0..63 for alphabet characters, -1 for anything else (including '=').
constexpr std::array<int8_t, 256> MakeBase64Values() {
  std::array<int8_t, 256> v{};
  for (auto& x : v) x = -1;
  for (int i = 0; i < 64; ++i) v[static_cast<unsigned char>(kBase64Alphabet[i])] = static_cast<int8_t>(i);
  return v;
}

constexpr std::array<int8_t, 256> kBase64Values = MakeBase64Values();

}  // namespace

std::string_view ChecksumName(ChecksumAlgorithm a) {
  switch (a) {
    case ChecksumAlgorithm::kCrc32: return "CRC32";
    case ChecksumAlgorithm::kCrc32c: return "CRC32C";
    case ChecksumAlgorithm::kCrc64Nvme: return "CRC64NVME";
    case ChecksumAlgorithm::kSha1: return "SHA1";
    case ChecksumAlgorithm::kSha256: return "SHA256";
  }
  return "";
}

std::optional<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name) {
  for (auto a : {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme,
                 ChecksumAlgorithm::kSha1, ChecksumAlgorithm::kSha256}) {
    if (IEquals(name, ChecksumName(a))) return a;
  }
  return std::nullopt;
}

std::string_view ChecksumHeader(ChecksumAlgorithm a) {
  switch (a) {
    case ChecksumAlgorithm::kCrc32: return "x-amz-checksum-crc32";
    case ChecksumAlgorithm::kCrc32c: return "x-amz-checksum-crc32c";
    case ChecksumAlgorithm::kCrc64Nvme: return "x-amz-checksum-crc64nvme";
    case ChecksumAlgorithm::kSha1: return "x-amz-checksum-sha1";
    case ChecksumAlgorithm::kSha256: return "x-amz-checksum-sha256";
  }
  return "";
}

size_t ChecksumSize(ChecksumAlgorithm a) {
  switch (a) {
    case ChecksumAlgorithm::kCrc32: return 4;
    case ChecksumAlgorithm::kCrc32c: return 4;
    case ChecksumAlgorithm::kCrc64Nvme: return 8;
    case ChecksumAlgorithm::kSha1: return 20;
    case ChecksumAlgorithm::kSha256: return 32;
  }
  return 0;
}

std::unique_ptr<Hasher> Hasher::New(ChecksumAlgorithm a) {
  switch (a) {
    case ChecksumAlgorithm::kCrc32: return std::make_unique<Crc32Hasher>();
    case ChecksumAlgorithm::kCrc32c: return std::make_unique<Crc32cHasher>();
    case ChecksumAlgorithm::kCrc64Nvme: return std::make_unique<Crc64NvmeHasher>();
    case ChecksumAlgorithm::kSha1: return std::make_unique<EvpHasher>(EVP_sha1());
    case ChecksumAlgorithm::kSha256: return std::make_unique<EvpHasher>(EVP_sha256());
  }
  return nullptr;
}

std::unique_ptr<Hasher> Hasher::NewMd5() { return std::make_unique<EvpHasher>(EVP_md5()); }

std::string Digest(ChecksumAlgorithm a, std::string_view data) {
  switch (a) {
    case ChecksumAlgorithm::kCrc32: return BigEndian(Crc32Ieee(0, data), 4);
    case ChecksumAlgorithm::kCrc32c: return BigEndian(Crc32c(0, data), 4);
    case ChecksumAlgorithm::kCrc64Nvme: return BigEndian(~Crc64NvmeUpdate(~0ull, data), 8);
    case ChecksumAlgorithm::kSha1: return EvpDigest(EVP_sha1(), data);
    case ChecksumAlgorithm::kSha256: return EvpDigest(EVP_sha256(), data);
  }
  return std::string();
}

std::string Md5(std::string_view data) { return EvpDigest(EVP_md5(), data); }

uint32_t Crc32c(uint32_t crc, std::string_view data) {
  // crc32_iscsi neither inverts its input nor its output, and takes an int
  // length: invert around it and feed it at most 1 GiB at a time. It only
  // reads the buffer, despite the non-const pointer.
  constexpr size_t kStep = size_t{1} << 30;
  uint32_t reg = ~crc;
  auto* p = const_cast<unsigned char*>(Bytes(data));
  size_t n = data.size();
  while (n > 0) {
    size_t take = std::min(n, kStep);
    reg = crc32_iscsi(p, static_cast<int>(take), reg);
    p += take;
    n -= take;
  }
  return ~reg;
}

std::string HexEncode(std::string_view raw) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(raw.size() * 2, '\0');
  for (size_t i = 0; i < raw.size(); ++i) {
    auto b = static_cast<unsigned char>(raw[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 0x0f];
  }
  return out;
}

std::string Base64Encode(std::string_view raw) {
  std::string out;
  out.reserve((raw.size() + 2) / 3 * 4);
  const unsigned char* p = Bytes(raw);
  size_t n = raw.size();
  for (; n >= 3; p += 3, n -= 3) {
    uint32_t v = (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
    out += kBase64Alphabet[(v >> 18) & 63];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += kBase64Alphabet[(v >> 6) & 63];
    out += kBase64Alphabet[v & 63];
  }
  if (n > 0) {
    uint32_t v = uint32_t{p[0]} << 16;
    if (n == 2) v |= uint32_t{p[1]} << 8;
    out += kBase64Alphabet[(v >> 18) & 63];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += n == 2 ? kBase64Alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const size_t pad = last ? padding : 0;
    uint32_t v = 0;
    for (size_t j = 0; j < 4; ++j) {
      int8_t d = 0;
      if (j < 4 - pad) {
        d = kBase64Values[static_cast<unsigned char>(text[i + j])];
        if (d < 0) return std::nullopt;
      }
      v = (v << 6) | static_cast<uint32_t>(d);
    }
    out += static_cast<char>((v >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((v >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(v & 0xff);
    // The bits a padded group leaves unused must be zero (RFC 4648 3.5), so
    // that every byte string has exactly one accepted encoding.
    if ((pad == 1 && (v & 0xff) != 0) || (pad == 2 && (v & 0xffff) != 0)) return std::nullopt;
  }
  return out;
}

namespace {

// CRC combination over GF(2) (the method of zlib's crc32_combine): appending
// len2 zero bytes to A is a linear map, built by repeated squaring of the
// one-zero-bit operator; then crc(AB) = shift(crc(A)) ^ crc(B). Valid for
// reflected CRCs whose initial value equals their final XOR, as all four are.
uint64_t Gf2Times(const uint64_t* mat, uint64_t vec) {
  uint64_t sum = 0;
  for (int i = 0; vec != 0; ++i, vec >>= 1) {
    if (vec & 1) sum ^= mat[i];
  }
  return sum;
}

void Gf2Square(uint64_t* square, const uint64_t* mat, int width) {
  for (int n = 0; n < width; ++n) square[n] = Gf2Times(mat, mat[n]);
}

uint64_t CombineReflected(uint64_t crc1, uint64_t crc2, uint64_t len2, uint64_t poly, int width) {
  if (len2 == 0) return crc1;
  uint64_t even[64];
  uint64_t odd[64];
  odd[0] = poly;  // the operator for one zero bit
  uint64_t row = 1;
  for (int n = 1; n < width; ++n) {
    odd[n] = row;
    row <<= 1;
  }
  Gf2Square(even, odd, width);  // two zero bits
  Gf2Square(odd, even, width);  // four zero bits
  do {
    Gf2Square(even, odd, width);  // first pass: one zero byte
    if (len2 & 1) crc1 = Gf2Times(even, crc1);
    len2 >>= 1;
    if (len2 == 0) break;
    Gf2Square(odd, even, width);
    if (len2 & 1) crc1 = Gf2Times(odd, crc1);
    len2 >>= 1;
  } while (len2 != 0);
  return crc1 ^ crc2;
}

uint64_t FromBigEndian(std::string_view raw) {
  uint64_t v = 0;
  for (unsigned char c : raw) v = (v << 8) | c;
  return v;
}

std::string ToBigEndian(uint64_t v, size_t bytes) {
  std::string out(bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) out[bytes - 1 - i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

}  // namespace

std::optional<std::string> CombineCrc(ChecksumAlgorithm a, std::string_view crc_a,
                                      std::string_view crc_b, uint64_t length_b) {
  uint64_t poly = 0;
  int width = 0;
  switch (a) {
    case ChecksumAlgorithm::kCrc32: poly = 0xedb88320ull; width = 32; break;
    case ChecksumAlgorithm::kCrc32c: poly = 0x82f63b78ull; width = 32; break;
    case ChecksumAlgorithm::kCrc64Nvme: poly = kCrc64NvmeReflected; width = 64; break;
    default: return std::nullopt;
  }
  const size_t bytes = static_cast<size_t>(width / 8);
  if (crc_a.size() != bytes || crc_b.size() != bytes) return std::nullopt;
  uint64_t combined = CombineReflected(FromBigEndian(crc_a), FromBigEndian(crc_b), length_b, poly, width);
  return ToBigEndian(combined, bytes);
}

}  // namespace common
