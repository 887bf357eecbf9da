#include "common/ids.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <limits>
#include <random>
#include <string_view>

#include <openssl/rand.h>

namespace common {
namespace {

uint64_t ProcessSalt() {
  uint64_t salt = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&salt), sizeof(salt)) != 1) {
    salt = std::random_device{}();
  }
  return salt;
}

// splitmix64: a bijection, so distinct counters give distinct ids.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Cryptographically random bytes. Should OpenSSL's generator fail, the OS
// generator behind std::random_device fills them rather than leaving them zero.
void FillRandom(void* out, size_t n) {
  auto* bytes = static_cast<unsigned char*>(out);
  if (n <= static_cast<size_t>(std::numeric_limits<int>::max()) &&
      RAND_bytes(bytes, static_cast<int>(n)) == 1) {
    return;
  }
  std::random_device device;
  for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<unsigned char>(device());
}

}  // namespace

std::string NewRequestId() {
  static const uint64_t salt = ProcessSalt();
  static std::atomic<uint64_t> counter{0};
  uint64_t v = Mix(salt ^ counter.fetch_add(1, std::memory_order_relaxed));
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kHex[v & 0xF];
    v >>= 4;
  }
  return out;
}

std::string RandomString(size_t n, std::string_view alphabet) {
  std::string out;
  if (alphabet.empty()) return out;
  out.reserve(n);
  // Rejection sampling: 32-bit draws at or above `limit` would favour the first
  // (2^32 % size) letters, so they are dropped.
  const uint64_t size = alphabet.size();
  const uint64_t limit = (uint64_t{1} << 32) - (uint64_t{1} << 32) % size;
  std::array<uint32_t, 64> draws;
  while (out.size() < n) {
    FillRandom(draws.data(), sizeof(draws));
    for (uint32_t d : draws) {
      if (out.size() == n) break;
      if (d < limit) out += alphabet[d % size];
    }
  }
  return out;
}

}  // namespace common

namespace common {

std::string NewUuid() {
  std::array<unsigned char, 16> b{};
  FillRandom(b.data(), b.size());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0xf]);
  }
  return out;
}

}  // namespace common
