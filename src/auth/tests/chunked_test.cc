// Unit tests for the aws-chunked decoder (src/auth/chunked.h).
//
// The signed vectors are the worked examples of the S3 documentation, "Signature
// Calculations for the Authorization Header: Transferring Payload in Multiple
// Chunks" and "... Including Trailing Headers": a 66560-byte object of 'a' sent
// as 64 KiB + 1 KiB + final chunk, with AKIAIOSFODNN7EXAMPLE's example secret
// at 20130524T000000Z in us-east-1/s3. Their seed, chunk and trailer
// signatures are literals here, not computed by this code. The unsigned shape
// is botocore's (`0\r\n`, trailer lines, an empty line).

#include "auth/chunked.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "auth/sigv4.h"
#include "auth/sigv4_internal.h"

namespace auth {
namespace {

using common::ErrorCode;
using common::Status;

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kAmzDate[] = "20130524T000000Z";
constexpr char kScope[] = "20130524/us-east-1/s3/aws4_request";
constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// The example without a trailer.
constexpr char kSeed[] = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
constexpr char kSig1[] = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
constexpr char kSig2[] = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
constexpr char kSigFinal[] = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

// The example with a trailing x-amz-checksum-crc32c.
constexpr char kTrailerSeed[] = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";
constexpr char kTrailerSig1[] = "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2";
constexpr char kTrailerSig2[] = "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7";
constexpr char kTrailerSigFinal[] = "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992";
constexpr char kTrailerSignature[] = "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435";
constexpr char kCrc32c[] = "sOO8/Q==";

ChunkSigning Signing(std::string seed) {
  return ChunkSigning{internal::DeriveSigningKey(kSecret, "20130524", "us-east-1", "s3"), kAmzDate,
                      kScope, std::move(seed)};
}

std::string Object() { return std::string(66560, 'a'); }

std::string AwsBody() {
  return std::string("10000;chunk-signature=") + kSig1 + "\r\n" + std::string(65536, 'a') +
         "\r\n400;chunk-signature=" + kSig2 + "\r\n" + std::string(1024, 'a') +
         "\r\n0;chunk-signature=" + kSigFinal + "\r\n\r\n";
}

std::string AwsTrailerBody() {
  return std::string("10000;chunk-signature=") + kTrailerSig1 + "\r\n" + std::string(65536, 'a') +
         "\r\n400;chunk-signature=" + kTrailerSig2 + "\r\n" + std::string(1024, 'a') +
         "\r\n0;chunk-signature=" + kTrailerSigFinal + "\r\nx-amz-checksum-crc32c:" + kCrc32c +
         "\r\nx-amz-trailer-signature:" + kTrailerSignature + "\r\n\r\n";
}

// Signs chunks and trailers the way a client does, for bodies beyond the
// documentation's. ChunkSignaturesMatchAwsExample checks it against AWS's values.
class ClientSigner {
 public:
  explicit ClientSigner(std::string seed) : signing_(Signing(seed)), previous_(std::move(seed)) {}

  std::string Chunk(std::string_view data) {
    std::string to_sign = std::string("AWS4-HMAC-SHA256-PAYLOAD\n") + kAmzDate + "\n" + kScope + "\n" +
                          previous_ + "\n" + kEmptySha256 + "\n" + Sha256Hex(data);
    previous_ = internal::HexEncode(HmacSha256(signing_.signing_key, to_sign));
    return previous_;
  }
  std::string Trailer(std::string_view lines) {
    std::string to_sign = std::string("AWS4-HMAC-SHA256-TRAILER\n") + kAmzDate + "\n" + kScope + "\n" +
                          previous_ + "\n" + Sha256Hex(lines);
    return internal::HexEncode(HmacSha256(signing_.signing_key, to_sign));
  }

 private:
  ChunkSigning signing_;
  std::string previous_;
};

// An aws-chunked body of `data` in chunks of `chunk` bytes (signed with seed
// kSeed unless `mode` is unsigned), with `trailers` (already "name:value").
std::string Encode(ChunkedMode mode, std::string_view data, size_t chunk,
                   const std::vector<std::string>& trailers = {}) {
  ClientSigner signer(kSeed);
  const bool is_signed = mode != ChunkedMode::kUnsignedTrailer;
  std::string body;
  auto header = [&](std::string_view piece) {
    char size[32];
    snprintf(size, sizeof size, "%zx", piece.size());
    body += size;
    if (is_signed) body += ";chunk-signature=" + signer.Chunk(piece);
    body += "\r\n";
  };
  for (size_t i = 0; i < data.size(); i += chunk) {
    std::string_view piece = data.substr(i, chunk);
    header(piece);
    body.append(piece);
    body += "\r\n";
  }
  header("");
  std::string lines;
  for (const auto& t : trailers) {
    body += t + "\r\n";
    lines += t + "\n";
  }
  if (mode == ChunkedMode::kSignedTrailer) body += "x-amz-trailer-signature:" + signer.Trailer(lines) + "\r\n";
  body += "\r\n";
  return body;
}

struct Outcome {
  Status consume;  // the first error Consume returned, else OK
  Status finish;
  std::string out;
  std::map<std::string, std::string> trailers;
  bool done = false;
};

// Feeds `body` cut at `cuts` (increasing offsets), then calls Finish.
Outcome DecodeCut(ChunkedMode mode, ChunkSigning signing, std::string_view body,
                  const std::vector<size_t>& cuts, uint64_t max_chunk = 64ull << 20) {
  ChunkedDecoder d(mode, std::move(signing), max_chunk);
  Outcome o;
  size_t at = 0;
  auto feed = [&](size_t end) {
    std::string piece_out;
    Status st = d.Consume(body.substr(at, end - at), piece_out);
    o.out += piece_out;
    if (o.consume.ok() && !st.ok()) o.consume = st;
    at = end;
  };
  for (size_t cut : cuts) feed(cut);
  feed(body.size());
  o.finish = d.Finish();
  o.trailers = d.trailers();
  o.done = d.done();
  EXPECT_EQ(d.decoded_bytes(), o.out.size());
  return o;
}

Outcome Decode(ChunkedMode mode, ChunkSigning signing, std::string_view body,
               uint64_t max_chunk = 64ull << 20) {
  return DecodeCut(mode, std::move(signing), body, {}, max_chunk);
}

std::vector<size_t> EveryByte(size_t n) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < n; ++i) cuts.push_back(i);
  return cuts;
}

std::vector<size_t> RandomCuts(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<size_t> cuts;
  for (size_t at = 0;;) {
    at += 1 + rng() % 300;
    if (at >= n) return cuts;
    cuts.push_back(at);
  }
}

// ---------------------------------------------------------------------------
// Modes.

// Verifies the three x-amz-content-sha256 values and that others are refused.
TEST(ChunkedModeTest, ParsesStreamingValues) {
  EXPECT_EQ(ParseChunkedMode("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), ChunkedMode::kSigned);
  EXPECT_EQ(ParseChunkedMode("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"), ChunkedMode::kSignedTrailer);
  EXPECT_EQ(ParseChunkedMode("STREAMING-UNSIGNED-PAYLOAD-TRAILER"), ChunkedMode::kUnsignedTrailer);
  EXPECT_FALSE(ParseChunkedMode("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"));
  EXPECT_FALSE(ParseChunkedMode("UNSIGNED-PAYLOAD"));
  EXPECT_FALSE(ParseChunkedMode(kEmptySha256));
  EXPECT_FALSE(ParseChunkedMode(""));
}

// ---------------------------------------------------------------------------
// AWS's signed examples.

// Verifies the test's client signer against AWS's published chunk signatures.
TEST(ChunkedDecoderTest, ChunkSignaturesMatchAwsExample) {
  ClientSigner signer(kSeed);
  EXPECT_EQ(signer.Chunk(std::string(65536, 'a')), kSig1);
  EXPECT_EQ(signer.Chunk(std::string(1024, 'a')), kSig2);
  EXPECT_EQ(signer.Chunk(""), kSigFinal);
  ClientSigner trailer(kTrailerSeed);
  EXPECT_EQ(trailer.Chunk(std::string(65536, 'a')), kTrailerSig1);
  EXPECT_EQ(trailer.Chunk(std::string(1024, 'a')), kTrailerSig2);
  EXPECT_EQ(trailer.Chunk(""), kTrailerSigFinal);
  EXPECT_EQ(trailer.Trailer(std::string("x-amz-checksum-crc32c:") + kCrc32c + "\n"), kTrailerSignature);
}

// Verifies that AWS's signed example decodes to its 66560 bytes, whole.
TEST(ChunkedDecoderTest, DecodesAwsSignedExample) {
  const std::string body = AwsBody();
  EXPECT_EQ(body.size(), 66824u);  // the example's Content-Length
  Outcome o = Decode(ChunkedMode::kSigned, Signing(kSeed), body);
  EXPECT_TRUE(o.consume.ok()) << o.consume.ToString();
  EXPECT_TRUE(o.finish.ok()) << o.finish.ToString();
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.out, Object());
  EXPECT_TRUE(o.trailers.empty());
}

// Verifies the same body fed one byte at a time and in random pieces.
TEST(ChunkedDecoderTest, DecodesAwsSignedExampleInAnyPieces) {
  const std::string body = AwsBody();
  for (const auto& cuts : {EveryByte(body.size()), RandomCuts(body.size(), 1), RandomCuts(body.size(), 2)}) {
    Outcome o = DecodeCut(ChunkedMode::kSigned, Signing(kSeed), body, cuts);
    EXPECT_TRUE(o.consume.ok()) << o.consume.ToString();
    EXPECT_TRUE(o.finish.ok()) << o.finish.ToString();
    EXPECT_EQ(o.out, Object());
  }
}

// Verifies AWS's signed-trailer example: data, the CRC32C trailer, its signature.
TEST(ChunkedDecoderTest, DecodesAwsSignedTrailerExample) {
  const std::string body = AwsTrailerBody();
  for (const auto& cuts : {std::vector<size_t>{}, EveryByte(body.size()), RandomCuts(body.size(), 3)}) {
    Outcome o = DecodeCut(ChunkedMode::kSignedTrailer, Signing(kTrailerSeed), body, cuts);
    EXPECT_TRUE(o.consume.ok()) << o.consume.ToString();
    EXPECT_TRUE(o.finish.ok()) << o.finish.ToString();
    EXPECT_TRUE(o.done);
    EXPECT_EQ(o.out, Object());
    EXPECT_EQ(o.trailers, (std::map<std::string, std::string>{{"x-amz-checksum-crc32c", kCrc32c}}));
  }
}

// Verifies that data is emitted as it arrives, before its chunk is complete.
TEST(ChunkedDecoderTest, EmitsDataBeforeTheChunkEnds) {
  const std::string body = AwsBody();
  ChunkedDecoder d(ChunkedMode::kSigned, Signing(kSeed));
  std::string out;
  const size_t header = body.find("\r\n") + 2;
  ASSERT_TRUE(d.Consume(std::string_view(body).substr(0, header + 1000), out).ok());
  EXPECT_EQ(out.size(), 1000u);
  EXPECT_EQ(d.decoded_bytes(), 1000u);
  EXPECT_FALSE(d.done());
  EXPECT_EQ(d.Finish().code(), ErrorCode::kInvalidArgument);
}

// Verifies that any change to a signed body is caught: a data byte, a
// signature, the seed, the signing key, the order of chunks.
TEST(ChunkedDecoderTest, RejectsTamperedSignedBodies) {
  const std::string body = AwsBody();

  std::string flipped = body;
  flipped[body.find("\r\n") + 2 + 500] = 'b';
  Outcome o = Decode(ChunkedMode::kSigned, Signing(kSeed), flipped);
  EXPECT_EQ(o.consume.code(), ErrorCode::kSignatureMismatch);
  EXPECT_EQ(o.finish.code(), ErrorCode::kSignatureMismatch);

  for (const char* sig : {kSig1, kSig2, kSigFinal}) {
    std::string bad = body;
    size_t at = bad.find(sig);
    bad[at + 10] = bad[at + 10] == '0' ? '1' : '0';
    EXPECT_EQ(Decode(ChunkedMode::kSigned, Signing(kSeed), bad).consume.code(), ErrorCode::kSignatureMismatch);
  }

  EXPECT_EQ(Decode(ChunkedMode::kSigned, Signing(kTrailerSeed), body).consume.code(),
            ErrorCode::kSignatureMismatch);
  ChunkSigning wrong_key = Signing(kSeed);
  wrong_key.signing_key = internal::DeriveSigningKey(kSecret, "20130524", "us-west-2", "s3");
  EXPECT_EQ(Decode(ChunkedMode::kSigned, wrong_key, body).consume.code(), ErrorCode::kSignatureMismatch);
  ChunkSigning wrong_date = Signing(kSeed);
  wrong_date.amz_date = "20130524T000001Z";
  EXPECT_EQ(Decode(ChunkedMode::kSigned, wrong_date, body).consume.code(), ErrorCode::kSignatureMismatch);

  // Two chunks, sent in the other order with their own signatures.
  ClientSigner signer(kSeed);
  std::string s1 = signer.Chunk("first"), s2 = signer.Chunk("second"), s3 = signer.Chunk("");
  std::string swapped = "6;chunk-signature=" + s2 + "\r\nsecond\r\n5;chunk-signature=" + s1 +
                        "\r\nfirst\r\n0;chunk-signature=" + s3 + "\r\n\r\n";
  EXPECT_EQ(Decode(ChunkedMode::kSigned, Signing(kSeed), swapped).consume.code(), ErrorCode::kSignatureMismatch);
  std::string in_order = "5;chunk-signature=" + s1 + "\r\nfirst\r\n6;chunk-signature=" + s2 +
                         "\r\nsecond\r\n0;chunk-signature=" + s3 + "\r\n\r\n";
  Outcome ok = Decode(ChunkedMode::kSigned, Signing(kSeed), in_order);
  EXPECT_TRUE(ok.finish.ok()) << ok.finish.ToString();
  EXPECT_EQ(ok.out, "firstsecond");
}

// Verifies that a body cut short of its final chunk is caught whatever the cut.
TEST(ChunkedDecoderTest, RejectsTruncatedSignedBody) {
  const std::string body = Encode(ChunkedMode::kSigned, "hello, chunked world", 7);
  for (size_t n = 0; n < body.size(); ++n) {
    Outcome o = Decode(ChunkedMode::kSigned, Signing(kSeed), std::string_view(body).substr(0, n));
    EXPECT_TRUE(o.consume.ok()) << n;
    EXPECT_EQ(o.finish.code(), ErrorCode::kInvalidArgument) << n;
    EXPECT_FALSE(o.done);
  }
  EXPECT_TRUE(Decode(ChunkedMode::kSigned, Signing(kSeed), body).finish.ok());
}

// Verifies the signed trailer: a changed value, a missing or bad signature.
TEST(ChunkedDecoderTest, RejectsBadSignedTrailers) {
  const std::string body = AwsTrailerBody();
  std::string changed = body;
  changed.replace(changed.find(kCrc32c), 8, "AAAAAA==");
  EXPECT_EQ(Decode(ChunkedMode::kSignedTrailer, Signing(kTrailerSeed), changed).consume.code(),
            ErrorCode::kSignatureMismatch);

  std::string added = body;
  added.insert(added.find("x-amz-trailer-signature"), "x-amz-meta-extra:1\r\n");
  EXPECT_EQ(Decode(ChunkedMode::kSignedTrailer, Signing(kTrailerSeed), added).consume.code(),
            ErrorCode::kSignatureMismatch);

  std::string unsigned_trailer = body;
  size_t sig_line = unsigned_trailer.find("x-amz-trailer-signature");
  unsigned_trailer.erase(sig_line, unsigned_trailer.find("\r\n", sig_line) + 2 - sig_line);
  Outcome o = Decode(ChunkedMode::kSignedTrailer, Signing(kTrailerSeed), unsigned_trailer);
  EXPECT_EQ(o.consume.code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(o.finish.ok());

  std::string short_sig = body;
  short_sig.erase(short_sig.find(kTrailerSignature), 1);
  EXPECT_EQ(Decode(ChunkedMode::kSignedTrailer, Signing(kTrailerSeed), short_sig).consume.code(),
            ErrorCode::kInvalidArgument);

  std::string twice = body;
  twice.insert(twice.find("x-amz-trailer-signature"),
               std::string("x-amz-trailer-signature:") + kTrailerSignature + "\r\n");
  EXPECT_EQ(Decode(ChunkedMode::kSignedTrailer, Signing(kTrailerSeed), twice).consume.code(),
            ErrorCode::kInvalidArgument);
}

// Verifies what clients send around a signed trailer besides the documented
// shape: an empty line before it, no final empty line, upper-case hex, several
// trailers (signed in sorted or sent order).
TEST(ChunkedDecoderTest, AcceptsSignedTrailerVariants) {
  const std::string body = AwsTrailerBody();
  std::string blank_first = body;
  blank_first.insert(blank_first.find("x-amz-checksum-crc32c"), "\r\n");
  Outcome o = Decode(ChunkedMode::kSignedTrailer, Signing(kTrailerSeed), blank_first);
  EXPECT_TRUE(o.finish.ok()) << o.finish.ToString();
  EXPECT_EQ(o.trailers.at("x-amz-checksum-crc32c"), kCrc32c);

  std::string no_final = body.substr(0, body.size() - 2);
  o = Decode(ChunkedMode::kSignedTrailer, Signing(kTrailerSeed), no_final);
  EXPECT_TRUE(o.consume.ok());
  EXPECT_TRUE(o.finish.ok()) << o.finish.ToString();
  EXPECT_FALSE(o.done);
  EXPECT_EQ(o.out, Object());

  std::string upper = body;
  std::string sig_upper = kTrailerSignature;
  for (char& c : sig_upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  upper.replace(upper.find(kTrailerSignature), sig_upper.size(), sig_upper);
  EXPECT_TRUE(Decode(ChunkedMode::kSignedTrailer, Signing(kTrailerSeed), upper).finish.ok());

  const std::string sorted = Encode(ChunkedMode::kSignedTrailer, "payload", 4,
                                    {"x-amz-checksum-crc32:AAAAAA==", "x-amz-meta-b:2"});
  o = Decode(ChunkedMode::kSignedTrailer, Signing(kSeed), sorted);
  EXPECT_TRUE(o.finish.ok()) << o.finish.ToString();
  EXPECT_EQ(o.trailers.size(), 2u);
  const std::string sent_order = Encode(ChunkedMode::kSignedTrailer, "payload", 4,
                                        {"x-amz-meta-b:2", "x-amz-checksum-crc32:AAAAAA=="});
  EXPECT_TRUE(Decode(ChunkedMode::kSignedTrailer, Signing(kSeed), sent_order).finish.ok());
}

// ---------------------------------------------------------------------------
// Unsigned trailer mode.

// Verifies botocore's shape: plain chunks, `0\r\n`, the checksum trailer, `\r\n`.
TEST(ChunkedDecoderTest, DecodesUnsignedTrailer) {
  const std::string body = "b\r\nHello world\r\n0\r\nx-amz-checksum-crc32:i9aeUg==\r\n\r\n";
  for (const auto& cuts : {std::vector<size_t>{}, EveryByte(body.size())}) {
    Outcome o = DecodeCut(ChunkedMode::kUnsignedTrailer, ChunkSigning{}, body, cuts);
    EXPECT_TRUE(o.consume.ok()) << o.consume.ToString();
    EXPECT_TRUE(o.finish.ok()) << o.finish.ToString();
    EXPECT_TRUE(o.done);
    EXPECT_EQ(o.out, "Hello world");
    EXPECT_EQ(o.trailers, (std::map<std::string, std::string>{{"x-amz-checksum-crc32", "i9aeUg=="}}));
  }
}

// Verifies unsigned bodies split at every pair of points, and with no trailer.
TEST(ChunkedDecoderTest, DecodesUnsignedAtEverySplit) {
  const std::string body = Encode(ChunkedMode::kUnsignedTrailer, "0123456789abcdef0123", 6,
                                  {"X-Amz-Checksum-CRC32C: crUfeA== "});
  for (size_t i = 0; i <= body.size(); ++i) {
    for (size_t j = i; j <= body.size(); ++j) {
      Outcome o = DecodeCut(ChunkedMode::kUnsignedTrailer, ChunkSigning{}, body, {i, j});
      ASSERT_TRUE(o.finish.ok()) << i << "," << j << ": " << o.finish.ToString();
      ASSERT_EQ(o.out, "0123456789abcdef0123");
      ASSERT_EQ(o.trailers.at("x-amz-checksum-crc32c"), "crUfeA==");
    }
  }
  Outcome none = Decode(ChunkedMode::kUnsignedTrailer, ChunkSigning{}, "3\r\nabc\r\n0\r\n\r\n");
  EXPECT_TRUE(none.finish.ok());
  EXPECT_TRUE(none.trailers.empty());
  Outcome empty = Decode(ChunkedMode::kUnsignedTrailer, ChunkSigning{}, "0\r\n\r\n");
  EXPECT_TRUE(empty.finish.ok());
  EXPECT_EQ(empty.out, "");
}

// Verifies that the unsigned mode ignores chunk extensions and an
// x-amz-trailer-signature it cannot check, and tolerates a missing last CRLF.
TEST(ChunkedDecoderTest, UnsignedToleratesExtensionsAndMissingLastLine) {
  Outcome o = Decode(ChunkedMode::kUnsignedTrailer, ChunkSigning{},
                     "3;chunk-signature=00\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n"
                     "x-amz-trailer-signature:zz\r\n\r\n");
  EXPECT_TRUE(o.finish.ok()) << o.finish.ToString();
  EXPECT_EQ(o.out, "abc");
  EXPECT_EQ(o.trailers.size(), 1u);

  o = Decode(ChunkedMode::kUnsignedTrailer, ChunkSigning{}, "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n");
  EXPECT_TRUE(o.finish.ok()) << o.finish.ToString();
  EXPECT_FALSE(o.done);
  // But not a partial trailer line, nor nothing after the final chunk.
  EXPECT_FALSE(
      Decode(ChunkedMode::kUnsignedTrailer, ChunkSigning{}, "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==")
          .finish.ok());
  EXPECT_FALSE(Decode(ChunkedMode::kUnsignedTrailer, ChunkSigning{}, "3\r\nabc\r\n0\r\n").finish.ok());
}

// ---------------------------------------------------------------------------
// Malformed framing.

struct MalformedCase {
  const char* name;
  ChunkedMode mode;
  std::string body;
};

// Verifies that malformed framing is kInvalidArgument, however it is split,
// and that the error sticks.
TEST(ChunkedDecoderTest, RejectsMalformedFraming) {
  ClientSigner s(kSeed);
  const std::string sig_abc = s.Chunk("abc");
  const std::string sig_end = s.Chunk("");
  const std::string ok_chunk = "3;chunk-signature=" + sig_abc + "\r\nabc\r\n";
  const std::string end = "0;chunk-signature=" + sig_end + "\r\n";
  const auto U = ChunkedMode::kUnsignedTrailer;
  const auto S = ChunkedMode::kSigned;
  std::string many_trailers = "0\r\n";
  for (int i = 0; i < 65; ++i) many_trailers += "x-amz-meta-" + std::to_string(i) + ":v\r\n";
  many_trailers += "\r\n";

  const std::vector<MalformedCase> cases = {
      {"empty size", U, "\r\nabc\r\n0\r\n\r\n"},
      {"size not hex", U, "3g\r\nabc\r\n0\r\n\r\n"},
      {"size with sign", U, "+3\r\nabc\r\n0\r\n\r\n"},
      {"size with space", U, " 3\r\nabc\r\n0\r\n\r\n"},
      {"size too many digits", U, "00000000000000003\r\nabc\r\n0\r\n\r\n"},
      {"size over 64 bits", U, "fffffffffffffffff\r\n"},
      {"size over max_chunk", U, "100001\r\n"},
      {"bare LF after size", U, "3\nabc\r\n0\r\n\r\n"},
      {"CR inside size line", U, "3\r4\r\nabc\r\n0\r\n\r\n"},
      {"data too long", U, "3\r\nabcd\r\n0\r\n\r\n"},
      {"data too short", U, "3\r\nab\r\n0\r\n\r\n"},
      {"LF only after data", U, "3\r\nabc\n0\r\n\r\n"},
      {"size line too long", U, "3;" + std::string(5000, 'x') + "\r\nabc\r\n0\r\n\r\n"},
      {"trailer without colon", U, "0\r\nx-amz-checksum-crc32\r\n\r\n"},
      {"trailer empty name", U, "0\r\n:AAAAAA==\r\n\r\n"},
      {"trailer bad name", U, "0\r\nx amz:1\r\n\r\n"},
      {"trailer control char", U, std::string("0\r\nx-amz-a:1\x01\r\n\r\n")},
      {"trailer twice", U, "0\r\nx-amz-a:1\r\nX-Amz-A:2\r\n\r\n"},
      {"trailer line too long", U, "0\r\nx-amz-a:" + std::string(5000, 'v') + "\r\n\r\n"},
      {"too many trailers", U, many_trailers},
      {"data after the end", U, "0\r\n\r\nx"},
      {"trailer bare LF", U, "0\r\nx-amz-a:1\n\r\n"},
      {"signed: no signature", S, "3\r\nabc\r\n" + end + "\r\n"},
      {"signed: other extension", S, "3;chunk-sig=" + sig_abc + "\r\nabc\r\n" + end + "\r\n"},
      {"signed: short signature", S, "3;chunk-signature=" + sig_abc.substr(1) + "\r\nabc\r\n" + end + "\r\n"},
      {"signed: long signature", S, "3;chunk-signature=" + sig_abc + "0\r\nabc\r\n" + end + "\r\n"},
      {"signed: non-hex signature", S,
       "3;chunk-signature=" + std::string(63, 'a') + "g\r\nabc\r\n" + end + "\r\n"},
      {"signed: a trailer", S, ok_chunk + end + "x-amz-checksum-crc32:NSRBwg==\r\n\r\n"},
      {"signed: data after the end", S, ok_chunk + end + "\r\n\r\n"},
  };
  for (const auto& c : cases) {
    for (const auto& cuts : {std::vector<size_t>{}, EveryByte(c.body.size())}) {
      Outcome o = DecodeCut(c.mode, Signing(kSeed), c.body, cuts, 0x100000);
      EXPECT_EQ(o.consume.code(), ErrorCode::kInvalidArgument) << c.name;
      EXPECT_EQ(o.finish.code(), ErrorCode::kInvalidArgument) << c.name;
    }
  }
  // The valid neighbours of those cases decode.
  EXPECT_TRUE(Decode(S, Signing(kSeed), ok_chunk + end + "\r\n").finish.ok());
  EXPECT_TRUE(Decode(U, Signing(kSeed), "100000\r\n" + std::string(0x100000, 'z') + "\r\n0\r\n\r\n", 0x100000)
                  .finish.ok());
  std::string max_trailers = "0\r\n";
  for (int i = 0; i < 64; ++i) max_trailers += "x-amz-meta-" + std::to_string(i) + ":v\r\n";
  EXPECT_TRUE(Decode(U, ChunkSigning{}, max_trailers + "\r\n").finish.ok());
  EXPECT_TRUE(Decode(U, ChunkSigning{}, "0003\r\nabc\r\n0\r\n\r\n").finish.ok());
  EXPECT_TRUE(Decode(U, ChunkSigning{}, "A\r\n0123456789\r\n0\r\n\r\n").finish.ok());
}

// Verifies that after an error every later call returns the same error.
TEST(ChunkedDecoderTest, ErrorsAreSticky) {
  ChunkedDecoder d(ChunkedMode::kUnsignedTrailer, ChunkSigning{});
  std::string out;
  Status first = d.Consume("zz\r\n", out);
  EXPECT_EQ(first.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(d.Consume("3\r\nabc\r\n0\r\n\r\n", out), first);
  EXPECT_EQ(d.Consume("", out), first);
  EXPECT_EQ(d.Finish(), first);
  EXPECT_TRUE(out.empty());
}

// Verifies that a decoder can be moved mid-body.
TEST(ChunkedDecoderTest, MovesMidBody) {
  ChunkedDecoder a(ChunkedMode::kUnsignedTrailer, ChunkSigning{});
  std::string out;
  ASSERT_TRUE(a.Consume("3\r\nab", out).ok());
  ChunkedDecoder b = std::move(a);
  ASSERT_TRUE(b.Consume("c\r\n0\r\n\r\n", out).ok());
  EXPECT_TRUE(b.Finish().ok());
  EXPECT_EQ(out, "abc");
}

// Verifies larger signed bodies with odd chunk sizes in random pieces.
TEST(ChunkedDecoderTest, DecodesGeneratedSignedBodies) {
  std::mt19937 rng(9);
  std::string data(100000, '\0');
  for (auto& c : data) c = static_cast<char>(rng() & 0xff);
  // (chunk size, bytes of data): one-byte chunks on a shorter object.
  const std::pair<size_t, size_t> shapes[] = {
      {1, 3000}, {8192, 100000}, {65536, 100000}, {99999, 100000}, {100000, 100000}};
  for (auto [chunk, size] : shapes) {
    const std::string_view object = std::string_view(data).substr(0, size);
    for (auto mode : {ChunkedMode::kSigned, ChunkedMode::kSignedTrailer, ChunkedMode::kUnsignedTrailer}) {
      std::vector<std::string> trailers;
      if (mode != ChunkedMode::kSigned) trailers.push_back("x-amz-checksum-crc32c:AAAAAA==");
      const std::string body = Encode(mode, object, chunk, trailers);
      Outcome o = DecodeCut(mode, Signing(kSeed), body, RandomCuts(body.size(), static_cast<uint32_t>(chunk)));
      EXPECT_TRUE(o.finish.ok()) << chunk << ": " << o.finish.ToString();
      EXPECT_TRUE(o.done);
      EXPECT_EQ(o.out, object);
    }
  }
}

}  // namespace
}  // namespace auth
