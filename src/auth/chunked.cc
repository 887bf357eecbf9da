#include "auth/chunked.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "auth/sigv4.h"
#include "common/checksum.h"

// The body grammar this decoder reads (AWS "sigv4-streaming" and
// "sigv4-streaming-trailers"; `sig` is 64 hex digits):
//
//   body       := chunk* final [CRLF] trailer* CRLF        ([CRLF]: signed-trailer mode only)
//   chunk      := hex-size [";chunk-signature=" sig] CRLF data CRLF     (hex-size > 0)
//   final      := "0" [";chunk-signature=" sig] CRLF
//   trailer    := name ":" value CRLF                        (trailer modes only)
//                 | "x-amz-trailer-signature:" sig CRLF      (signed-trailer mode, required)
//
// The signed modes require the chunk signature; the unsigned mode ignores any
// chunk extension. Chunk n's signature is
//   hex(HMAC(key, "AWS4-HMAC-SHA256-PAYLOAD\n" date "\n" scope "\n" sig(n-1) "\n"
//                 hex(SHA256("")) "\n" hex(SHA256(data n))))
// with sig(0) the seed signature (the request's), and the trailer's is
//   hex(HMAC(key, "AWS4-HMAC-SHA256-TRAILER\n" date "\n" scope "\n" sig(final) "\n"
//                 hex(SHA256(trailer lines as "name:value\n"))))

namespace auth {
namespace {

using common::ErrorCode;
using common::Status;

constexpr size_t kMaxLine = 4096;     // a chunk-size or trailer line, CRLF excluded
constexpr size_t kMaxTrailers = 64;   // trailer lines, the signature's included
constexpr size_t kMaxSizeDigits = 16;
constexpr size_t kSignatureLength = 64;
constexpr std::string_view kSignatureExtension = "chunk-signature=";
constexpr std::string_view kTrailerSignature = "x-amz-trailer-signature";
constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

enum class Phase {
  kSizeLine,  // reading `hex-size[;ext]`
  kData,      // inside a chunk's data
  kDataCr,    // after the data: expecting CR
  kDataLf,    //                 expecting LF
  kTrailer,   // after the final chunk: trailer lines up to an empty one
  kDone,
  kFailed,
};

Status Malformed(std::string message) {
  return Status(ErrorCode::kInvalidArgument, "aws-chunked body: " + std::move(message));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A signature as sent: 64 hex digits; returned lower-cased.
std::optional<std::string> ParseSignature(std::string_view s) {
  if (s.size() != kSignatureLength) return std::nullopt;
  std::string out(s);
  for (char& c : out) {
    if (HexValue(c) < 0) return std::nullopt;
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool TokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool ControlChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::optional<ChunkedMode> ParseChunkedMode(std::string_view content_sha256) {
  if (content_sha256 == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") return ChunkedMode::kSigned;
  if (content_sha256 == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") {
    return ChunkedMode::kSignedTrailer;
  }
  if (content_sha256 == "STREAMING-UNSIGNED-PAYLOAD-TRAILER") return ChunkedMode::kUnsignedTrailer;
  return std::nullopt;
}

struct ChunkedDecoder::State {
  State(ChunkedMode m, ChunkSigning s, uint64_t max)
      : mode(m), signing(std::move(s)), max_chunk(max), previous(signing.seed_signature) {}
  ~State() { OPENSSL_cleanse(signing.signing_key.data(), signing.signing_key.size()); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  bool Signed() const { return mode != ChunkedMode::kUnsignedTrailer; }

  Status Fail(Status st) {
    phase = Phase::kFailed;
    error = st;
    line.clear();
    sha.reset();
    return st;
  }

  // Signs one chunk whose data hashed to `data_sha256` (hex).
  std::string ChunkSignature(std::string_view data_sha256) const {
    std::string to_sign;
    to_sign.reserve(200);
    to_sign.append("AWS4-HMAC-SHA256-PAYLOAD\n");
    to_sign.append(signing.amz_date).append("\n");
    to_sign.append(signing.scope).append("\n");
    to_sign.append(previous).append("\n");
    to_sign.append(kEmptySha256).append("\n");
    to_sign.append(data_sha256);
    return common::HexEncode(HmacSha256(signing.signing_key, to_sign));
  }

  // Checks the current chunk's declared signature; it becomes `previous`.
  Status VerifyChunk(std::string_view data_sha256) {
    if (!Signed()) return Status::Ok();
    if (!ConstantTimeEquals(ChunkSignature(data_sha256), chunk_signature)) {
      return Status(ErrorCode::kSignatureMismatch,
                    "The chunk signature we calculated does not match the signature you provided.");
    }
    previous = std::move(chunk_signature);
    chunk_signature.clear();
    return Status::Ok();
  }

  std::string TrailerSignature(std::string_view lines) const {
    std::string to_sign;
    to_sign.append("AWS4-HMAC-SHA256-TRAILER\n");
    to_sign.append(signing.amz_date).append("\n");
    to_sign.append(signing.scope).append("\n");
    to_sign.append(previous).append("\n");
    to_sign.append(Sha256Hex(lines));
    return common::HexEncode(HmacSha256(signing.signing_key, to_sign));
  }

  // The signed trailer: its lines canonically ("name:value\n", sorted by
  // name, as the AWS SDKs sign them), or as they were sent.
  Status VerifyTrailer() const {
    if (trailer_signature.empty()) return Malformed("the trailer has no x-amz-trailer-signature");
    std::string sorted;
    for (const auto& [name, value] : trailers) sorted.append(name).append(":").append(value).append("\n");
    if (ConstantTimeEquals(TrailerSignature(sorted), trailer_signature)) return Status::Ok();
    if (sorted != received_trailer_lines &&
        ConstantTimeEquals(TrailerSignature(received_trailer_lines), trailer_signature)) {
      return Status::Ok();
    }
    return Status(ErrorCode::kSignatureMismatch,
                  "The trailer signature we calculated does not match the signature you provided.");
  }

  Status OnSizeLine() {
    std::string_view l = line;
    for (char c : l) {
      if (ControlChar(c)) return Malformed("control character in a chunk-size line");
    }
    size_t semi = l.find(';');
    std::string_view digits = l.substr(0, semi);
    if (digits.empty()) return Malformed("a chunk has no size");
    if (digits.size() > kMaxSizeDigits) return Malformed("a chunk size is too large");
    uint64_t size = 0;
    for (char c : digits) {
      int v = HexValue(c);
      if (v < 0) return Malformed("a chunk size is not hexadecimal");
      size = size * 16 + static_cast<uint64_t>(v);
    }
    if (size > max_chunk) return Malformed("a chunk is larger than allowed");
    if (Signed()) {
      std::string_view ext = semi == std::string_view::npos ? std::string_view() : l.substr(semi + 1);
      if (!ext.starts_with(kSignatureExtension)) return Malformed("a chunk has no chunk-signature");
      std::optional<std::string> sig = ParseSignature(ext.substr(kSignatureExtension.size()));
      if (!sig) return Malformed("a chunk-signature is not 64 hex digits");
      chunk_signature = std::move(*sig);
    }
    if (size == 0) {
      STRATUS_RETURN_IF_ERROR(VerifyChunk(kEmptySha256));
      phase = Phase::kTrailer;
      return Status::Ok();
    }
    remaining = size;
    if (Signed()) sha = common::Hasher::New(common::ChecksumAlgorithm::kSha256);
    phase = Phase::kData;
    return Status::Ok();
  }

  Status OnTrailerLine() {
    std::string_view l = line;
    if (l.empty()) {
      // Some clients put an empty line between the final chunk and a signed
      // trailer; the trailer signature is required there, so this cannot be
      // the end of a valid body.
      if (mode == ChunkedMode::kSignedTrailer && trailer_lines == 0 && !skipped_blank) {
        skipped_blank = true;
        return Status::Ok();
      }
      if (mode == ChunkedMode::kSignedTrailer) STRATUS_RETURN_IF_ERROR(VerifyTrailer());
      phase = Phase::kDone;
      return Status::Ok();
    }
    if (mode == ChunkedMode::kSigned) return Malformed("a trailer in a body declared without one");
    if (++trailer_lines > kMaxTrailers) return Malformed("too many trailer headers");
    size_t colon = l.find(':');
    if (colon == std::string_view::npos || colon == 0) return Malformed("a trailer line is not name:value");
    std::string name(l.substr(0, colon));
    for (char& c : name) {
      if (!TokenChar(c)) return Malformed("a trailer name has an invalid character");
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    std::string_view value = l.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    for (char c : value) {
      if (ControlChar(c) && c != '\t') return Malformed("a trailer value has a control character");
    }
    if (name == kTrailerSignature) {
      if (mode != ChunkedMode::kSignedTrailer) return Status::Ok();  // nothing to verify it with
      if (!trailer_signature.empty()) return Malformed("x-amz-trailer-signature appears twice");
      std::optional<std::string> sig = ParseSignature(value);
      if (!sig) return Malformed("x-amz-trailer-signature is not 64 hex digits");
      trailer_signature = std::move(*sig);
      return Status::Ok();
    }
    if (trailers.contains(name)) return Malformed("trailer " + name + " appears twice");
    received_trailer_lines.append(name).append(":").append(value).append("\n");
    trailers.emplace(std::move(name), std::string(value));
    return Status::Ok();
  }

  // Appends input up to and including the next LF to `line`; true once the
  // line is complete, with its CRLF removed. Consumes what it used.
  Status ReadLine(std::string_view& input, bool& complete) {
    size_t lf = input.find('\n');
    size_t take = lf == std::string_view::npos ? input.size() : lf;
    if (line.size() + take > kMaxLine + 1) return Malformed("a chunk-size or trailer line is too long");
    line.append(input.substr(0, take));
    complete = lf != std::string_view::npos;
    input.remove_prefix(complete ? take + 1 : take);
    if (!complete) return Status::Ok();
    if (line.empty() || line.back() != '\r') return Malformed("a line does not end with CRLF");
    line.pop_back();
    return Status::Ok();
  }

  Status Consume(std::string_view input, std::string& out) {
    while (!input.empty()) {
      switch (phase) {
        case Phase::kSizeLine:
        case Phase::kTrailer: {
          bool complete = false;
          if (Status st = ReadLine(input, complete); !st.ok()) return Fail(st);
          if (!complete) break;
          Status st = phase == Phase::kSizeLine ? OnSizeLine() : OnTrailerLine();
          line.clear();
          if (!st.ok()) return Fail(st);
          break;
        }
        case Phase::kData: {
          size_t n = static_cast<size_t>(std::min<uint64_t>(remaining, input.size()));
          std::string_view piece = input.substr(0, n);
          out.append(piece);
          if (sha) sha->Update(piece);
          decoded += n;
          remaining -= n;
          input.remove_prefix(n);
          if (remaining == 0) phase = Phase::kDataCr;
          break;
        }
        case Phase::kDataCr:
        case Phase::kDataLf: {
          const char want = phase == Phase::kDataCr ? '\r' : '\n';
          if (input.front() != want) return Fail(Malformed("a chunk's data is not followed by CRLF"));
          input.remove_prefix(1);
          if (phase == Phase::kDataCr) {
            phase = Phase::kDataLf;
            break;
          }
          std::string data_sha256;
          if (sha) {
            data_sha256 = common::HexEncode(sha->Finish());
            sha.reset();
          }
          if (Status st = VerifyChunk(data_sha256); !st.ok()) return Fail(st);
          phase = Phase::kSizeLine;
          break;
        }
        case Phase::kDone:
          return Fail(Malformed("data after the end of the body"));
        case Phase::kFailed:
          return error;
      }
    }
    return phase == Phase::kFailed ? error : Status::Ok();
  }

  Status Finish() const {
    switch (phase) {
      case Phase::kDone:
        return Status::Ok();
      case Phase::kFailed:
        return error;
      case Phase::kTrailer:
        // Ended after a complete trailer line, without the final empty line.
        if (line.empty() && trailer_lines > 0) {
          return mode == ChunkedMode::kSignedTrailer ? VerifyTrailer() : Status::Ok();
        }
        return Malformed("the body ended inside the trailer");
      default:
        return Malformed("the body ended before the final chunk");
    }
  }

  const ChunkedMode mode;
  ChunkSigning signing;
  const uint64_t max_chunk;

  Phase phase = Phase::kSizeLine;
  std::string line;                      // the line being read (size or trailer)
  uint64_t remaining = 0;                // data bytes left in the current chunk
  std::string chunk_signature;           // the current chunk's, as sent (lower case)
  std::unique_ptr<common::Hasher> sha;   // the current chunk's data (signed modes)
  std::string previous;                  // the last verified signature (seed first)
  uint64_t decoded = 0;
  size_t trailer_lines = 0;              // non-empty trailer lines read
  bool skipped_blank = false;
  std::map<std::string, std::string> trailers;
  std::string received_trailer_lines;    // "name:value\n" in the order sent
  std::string trailer_signature;
  Status error;
};

ChunkedDecoder::ChunkedDecoder(ChunkedMode mode, ChunkSigning signing, uint64_t max_chunk)
    : state_(std::make_unique<State>(mode, std::move(signing), max_chunk)) {}

ChunkedDecoder::~ChunkedDecoder() = default;
ChunkedDecoder::ChunkedDecoder(ChunkedDecoder&&) noexcept = default;
ChunkedDecoder& ChunkedDecoder::operator=(ChunkedDecoder&&) noexcept = default;

common::Status ChunkedDecoder::Consume(std::string_view input, std::string& out) {
  return state_->Consume(input, out);
}

common::Status ChunkedDecoder::Finish() const { return state_->Finish(); }

bool ChunkedDecoder::done() const { return state_->phase == Phase::kDone; }

uint64_t ChunkedDecoder::decoded_bytes() const { return state_->decoded; }

const std::map<std::string, std::string>& ChunkedDecoder::trailers() const { return state_->trailers; }

}  // namespace auth
