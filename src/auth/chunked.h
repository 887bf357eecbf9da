#pragma once

// The aws-chunked body encoding S3 clients use for streaming uploads
// (x-amz-content-sha256 = STREAMING-...; Content-Encoding: aws-chunked).
// Reference: AWS "Signature Calculations for the Authorization Header:
// Transferring Payload in Multiple Chunks" and "... Including Trailing Headers".
//
//   STREAMING-AWS4-HMAC-SHA256-PAYLOAD           chunks signed, no trailer
//   STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER   chunks signed, signed trailer
//   STREAMING-UNSIGNED-PAYLOAD-TRAILER           plain chunks, trailer
//
// Each chunk is `hex-size[;chunk-signature=sig]\r\n<data>\r\n`; a zero-size
// chunk ends the data, then (trailer modes) `name:value\r\n` lines, (signed
// trailer) `x-amz-trailer-signature:sig\r\n`, and a final `\r\n`.
//
// ChunkedDecoder is incremental and bounded: it emits data as it arrives and
// verifies each chunk's signature when the chunk ends, so a caller writing the
// data out must not commit before Finish() returns OK. Not thread-safe.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace auth {

enum class ChunkedMode { kSigned, kSignedTrailer, kUnsignedTrailer };

// Parses an x-amz-content-sha256 value; nullopt if it is not a STREAMING-*
// value we support (the caller answers NotImplemented / InvalidArgument).
std::optional<ChunkedMode> ParseChunkedMode(std::string_view content_sha256);

struct ChunkSigning {
  std::string signing_key;     // raw derived SigV4 key (SigV4Result::signing_key)
  std::string amz_date;        // SigV4Result::amz_date
  std::string scope;           // SigV4Result::scope
  std::string seed_signature;  // SigV4Result::signature (hex)
};

class ChunkedDecoder {
 public:
  // `signing` is used in the signed modes and ignored otherwise.
  // `max_chunk` bounds one chunk's declared size (S3 clients send 64 KiB to
  // 8 MiB; larger is refused as malformed).
  ChunkedDecoder(ChunkedMode mode, ChunkSigning signing, uint64_t max_chunk = 64ull << 20);
  ~ChunkedDecoder();
  // A moved-from decoder may only be destroyed or assigned to.
  ChunkedDecoder(ChunkedDecoder&&) noexcept;
  ChunkedDecoder& operator=(ChunkedDecoder&&) noexcept;

  // Decodes `input`, appending payload bytes to `out`. The input may be split
  // anywhere (one byte per call works). Memory stays bounded whatever the
  // input: data is hashed and emitted as it arrives, a chunk-size or trailer
  // line may be at most 4 KiB, and there may be at most 64 trailer lines.
  // Errors, after which the decoder is finished and returns the same error:
  //   kInvalidArgument   malformed framing (bad size, missing CRLF, bad trailer,
  //                      data after the end)
  //   kSignatureMismatch a chunk or trailer signature does not verify
  common::Status Consume(std::string_view input, std::string& out);

  // Call when the input has ended. OK only if the final chunk (and trailer)
  // was complete and every signature verified; else the error Consume
  // returned, or kInvalidArgument for a body that ended early. Tolerated, as
  // clients send them: in the trailer modes a body that ends after a complete
  // trailer line without the last empty line (signed: once the trailer
  // signature is there and verifies), and in the signed-trailer mode an empty
  // line between the final chunk and the trailer lines.
  common::Status Finish() const;

  bool done() const;                // the final chunk and trailer were read
  uint64_t decoded_bytes() const;   // payload bytes emitted so far
  // Trailer headers (names lower-cased, values trimmed), e.g.
  // "x-amz-checksum-crc32" → base64 value; excludes x-amz-trailer-signature.
  // The signed trailer's signature covers these as "name:value\n" lines.
  const std::map<std::string, std::string>& trailers() const;

 private:
  struct State;  // see chunked.cc
  std::unique_ptr<State> state_;
};

}  // namespace auth
