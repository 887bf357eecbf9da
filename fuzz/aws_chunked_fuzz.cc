// libFuzzer target for the aws-chunked decoder (src/auth/chunked.h).
//
// Input grammar:
//   control:u8  split:u16le  rest
// control bits 0-1: 0 signed, 1 signed trailer, 2 unsigned trailer, 3 round trip;
//         bit 2: max_chunk 64 instead of 64 MiB; bits 3-7: see the round trip.
//
// Modes 0-2 decode `rest` as a body. The decoder must never crash, and its
// result must not depend on how the input is split: whole, cut at `split`,
// and (for short inputs) one byte at a time must give the same status, the
// same output, the same trailers and Finish() result.
//
// Mode 3 checks two properties on a body we encode ourselves from `rest` as
// the payload: in each mode (control bits 3-4 mod 3) with chunks of
// 1 + control bits 5-7 * 97 bytes (at most 64 chunks: the payload is cut
// there, as signing is what costs), the body decodes back to the payload
// (whole and cut at `split`); and in the signed modes, changing one byte of
// chunk data (the one at `split` modulo the payload size) is refused with
// kSignatureMismatch.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "auth/chunked.h"
#include "auth/sigv4.h"
#include "auth/sigv4_internal.h"

namespace {

constexpr char kSecret[] = "fuzz/secret+key";
constexpr char kAmzDate[] = "20261122T050000Z";
constexpr char kScope[] = "20261122/us-east-1/s3/aws4_request";
constexpr char kSeed[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const std::string& SigningKey() {
  static const std::string* key =
      new std::string(auth::internal::DeriveSigningKey(kSecret, "20261122", "us-east-1", "s3"));
  return *key;
}

auth::ChunkSigning Signing() { return auth::ChunkSigning{SigningKey(), kAmzDate, kScope, kSeed}; }

struct Outcome {
  common::Status consume;
  common::Status finish;
  std::string out;
  std::map<std::string, std::string> trailers;
  bool done = false;

  bool operator==(const Outcome& o) const {
    return consume.code() == o.consume.code() && finish.code() == o.finish.code() && out == o.out &&
           trailers == o.trailers && done == o.done;
  }
};

// Feeds `body` in pieces ending at `cuts` (non-decreasing), then the rest.
Outcome Decode(auth::ChunkedMode mode, uint64_t max_chunk, std::string_view body,
               const std::vector<size_t>& cuts) {
  auth::ChunkedDecoder decoder(mode, Signing(), max_chunk);
  Outcome o;
  size_t at = 0;
  auto feed = [&](size_t end) {
    common::Status st = decoder.Consume(body.substr(at, end - at), o.out);
    if (o.consume.ok() && !st.ok()) o.consume = st;
    at = end;
  };
  for (size_t cut : cuts) feed(cut);
  feed(body.size());
  o.finish = decoder.Finish();
  o.trailers = decoder.trailers();
  o.done = decoder.done();
  if (decoder.decoded_bytes() != o.out.size()) std::abort();
  return o;
}

// A client's encoding of `payload`; `data_at` gets the offset of every data byte.
std::string Encode(auth::ChunkedMode mode, std::string_view payload, size_t chunk,
                   std::vector<size_t>& data_at) {
  const bool is_signed = mode != auth::ChunkedMode::kUnsignedTrailer;
  std::string previous = kSeed;
  std::string body;
  auto header = [&](std::string_view data) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx", data.size());
    body += size;
    if (is_signed) {
      std::string to_sign = std::string("AWS4-HMAC-SHA256-PAYLOAD\n") + kAmzDate + "\n" + kScope + "\n" +
                            previous + "\n" + kEmptySha256 + "\n" + auth::Sha256Hex(data);
      previous = auth::internal::HexEncode(auth::HmacSha256(SigningKey(), to_sign));
      body += ";chunk-signature=" + previous;
    }
    body += "\r\n";
  };
  for (size_t i = 0; i < payload.size(); i += chunk) {
    std::string_view data = payload.substr(i, chunk);
    header(data);
    for (size_t j = 0; j < data.size(); ++j) data_at.push_back(body.size() + j);
    body.append(data);
    body += "\r\n";
  }
  header("");
  if (mode == auth::ChunkedMode::kSigned) return body + "\r\n";
  const std::string trailer = "x-amz-checksum-crc32:AAAAAA==";
  body += trailer + "\r\n";
  if (mode == auth::ChunkedMode::kSignedTrailer) {
    std::string to_sign = std::string("AWS4-HMAC-SHA256-TRAILER\n") + kAmzDate + "\n" + kScope + "\n" +
                          previous + "\n" + auth::Sha256Hex(trailer + "\n");
    body += "x-amz-trailer-signature:" + auth::internal::HexEncode(auth::HmacSha256(SigningKey(), to_sign)) +
            "\r\n";
  }
  return body + "\r\n";
}

void RoundTrip(uint8_t control, size_t split, std::string_view payload) {
  const auto mode = static_cast<auth::ChunkedMode>(((control >> 3) & 3) % 3);
  const size_t chunk = 1 + static_cast<size_t>(control >> 5) * 97;
  payload = payload.substr(0, chunk * 64);
  std::vector<size_t> data_at;
  const std::string body = Encode(mode, payload, chunk, data_at);
  for (const auto& cuts : {std::vector<size_t>{}, std::vector<size_t>{split % (body.size() + 1)}}) {
    Outcome o = Decode(mode, 64ull << 20, body, cuts);
    if (!o.consume.ok() || !o.finish.ok() || !o.done || o.out != payload) std::abort();
    if (mode != auth::ChunkedMode::kSigned && o.trailers.size() != 1) std::abort();
  }
  if (mode != auth::ChunkedMode::kUnsignedTrailer && !data_at.empty()) {
    std::string tampered = body;
    tampered[data_at[split % data_at.size()]] ^= 0x20;
    Outcome o = Decode(mode, 64ull << 20, tampered, {});
    if (o.consume.code() != common::ErrorCode::kSignatureMismatch) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const uint8_t control = data[0];
  const size_t split = static_cast<size_t>(data[1]) | (static_cast<size_t>(data[2]) << 8);
  const std::string_view rest(reinterpret_cast<const char*>(data) + 3, size - 3);

  if ((control & 3) == 3) {
    RoundTrip(control, split, rest);
    return 0;
  }
  const auto mode = static_cast<auth::ChunkedMode>(control & 3);
  const uint64_t max_chunk = (control & 4) ? 64 : 64ull << 20;

  const Outcome whole = Decode(mode, max_chunk, rest, {});
  const Outcome cut = Decode(mode, max_chunk, rest, {split % (rest.size() + 1)});
  if (!(whole == cut)) std::abort();
  if (rest.size() <= 512) {
    std::vector<size_t> every;
    for (size_t i = 1; i < rest.size(); ++i) every.push_back(i);
    if (!(Decode(mode, max_chunk, rest, every) == whole)) std::abort();
  }
  return 0;
}
