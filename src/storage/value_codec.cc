#include "storage/value_codec.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "common/checksum.h"

namespace storage {
namespace {

using common::ErrorCode;

// Inline value := format:byte crc:fixed32 payload
//   format  = 0x01 (CRC32C-framed plaintext)
//   crc     = CRC32C of payload
//
// Blob := header frame* last_frame
//   header     = magic:"STRBLOB1" format:byte frame_size:fixed32 zero:byte[3]   (16 bytes)
//   frame      = crc:fixed32 data:byte[frame_size]
//   last_frame = crc:fixed32 data:byte[0 .. frame_size-1]
//   crc        = CRC32C of data
//
// fixed32 is little endian. The last frame is always shorter than frame_size
// (empty when the plaintext is a multiple of it), so a file cut at a frame
// boundary is not a valid layout, and a file cut inside a frame fails that
// frame's CRC.
constexpr char kInlineFormatCrc32c = 0x01;
constexpr size_t kInlineHeaderSize = 5;

constexpr std::string_view kBlobMagic = "STRBLOB1";
constexpr char kBlobFormatCrc32c = 0x01;
constexpr size_t kBlobHeaderSize = 16;
constexpr size_t kCrcSize = 4;
// Bounds the memory a reader allocates for a frame size read from a file.
constexpr uint32_t kMaxFrameSize = 64u << 20;

void PutFixed32(char* dst, uint32_t v) {
  dst[0] = static_cast<char>(v & 0xFF);
  dst[1] = static_cast<char>((v >> 8) & 0xFF);
  dst[2] = static_cast<char>((v >> 16) & 0xFF);
  dst[3] = static_cast<char>((v >> 24) & 0xFF);
}

uint32_t GetFixed32(const char* src) {
  const auto* p = reinterpret_cast<const unsigned char*>(src);
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

std::string BlobHeader(uint32_t frame_size) {
  std::string header(kBlobHeaderSize, '\0');
  std::memcpy(header.data(), kBlobMagic.data(), kBlobMagic.size());
  header[8] = kBlobFormatCrc32c;
  PutFixed32(header.data() + 9, frame_size);
  return header;
}

Status Finished() { return Status(ErrorCode::kInternal, "blob writer is finished"); }

// Buffers at most one frame. The frame buffer holds [crc slot][data] so each
// buffered frame reaches the inner writer in one Append; an Append that starts
// on a frame boundary passes whole frames through without copying them.
class SealingBlobWriter final : public BlobWriter {
 public:
  SealingBlobWriter(std::unique_ptr<BlobWriter> inner, size_t frame_size)
      : inner_(std::move(inner)), frame_size_(frame_size) {}
  ~SealingBlobWriter() override { Abort(); }

  Status Append(std::string_view data) override {
    if (finished_) return Finished();
    if (!failed_.ok()) return failed_;
    while (!data.empty()) {
      if (fill_ == 0 && data.size() >= frame_size_) {
        std::string_view frame = data.substr(0, frame_size_);
        char crc[kCrcSize];
        PutFixed32(crc, common::Crc32c(0, frame));
        STRATUS_RETURN_IF_ERROR(Write(std::string_view(crc, kCrcSize)));
        STRATUS_RETURN_IF_ERROR(Write(frame));
        size_ += frame_size_;
        data.remove_prefix(frame_size_);
        continue;
      }
      if (!buffer_) buffer_ = std::make_unique_for_overwrite<char[]>(kCrcSize + frame_size_);
      size_t take = std::min(frame_size_ - fill_, data.size());
      std::memcpy(buffer_.get() + kCrcSize + fill_, data.data(), take);
      crc_ = common::Crc32c(crc_, data.substr(0, take));
      fill_ += take;
      size_ += take;
      data.remove_prefix(take);
      if (fill_ == frame_size_) STRATUS_RETURN_IF_ERROR(FlushFrame());
    }
    return Status::Ok();
  }

  Result<std::string> Commit() override {
    if (finished_) return Finished();
    if (!failed_.ok()) {
      Status s = failed_;
      Abort();
      return s;
    }
    // The last frame, shorter than a whole one (possibly empty).
    Status s = FlushFrame();
    if (!s.ok()) {
      Abort();
      return s;
    }
    finished_ = true;
    buffer_.reset();
    Result<std::string> id = inner_->Commit();
    if (!id.ok()) inner_->Abort();
    return id;
  }

  void Abort() override {
    if (finished_) return;
    finished_ = true;
    buffer_.reset();
    inner_->Abort();
  }

  uint64_t size() const override { return size_; }

 private:
  // Hands `bytes` to the inner writer, writing the file header first if it
  // has not been. A failure is sticky: the blob is incomplete.
  Status Write(std::string_view bytes) {
    if (!header_written_) {
      failed_ = inner_->Append(BlobHeader(static_cast<uint32_t>(frame_size_)));
      if (!failed_.ok()) return failed_;
      header_written_ = true;
    }
    failed_ = inner_->Append(bytes);
    return failed_;
  }

  Status FlushFrame() {
    char empty_frame[kCrcSize];
    char* frame = buffer_ ? buffer_.get() : empty_frame;
    PutFixed32(frame, crc_);
    Status s = Write(std::string_view(frame, kCrcSize + fill_));
    fill_ = 0;
    crc_ = 0;
    return s;
  }

  std::unique_ptr<BlobWriter> inner_;
  const size_t frame_size_;
  std::unique_ptr<char[]> buffer_;  // [crc slot][frame data]; allocated on first use
  size_t fill_ = 0;                 // frame data bytes in buffer_
  uint32_t crc_ = 0;                // CRC32C of those bytes
  uint64_t size_ = 0;
  bool header_written_ = false;
  bool finished_ = false;
  Status failed_;
};

// Keeps the last frame it read (verified), so sequential reads smaller than a
// frame read and check each frame once.
class OpeningBlobReader final : public BlobReader {
 public:
  OpeningBlobReader(std::unique_ptr<BlobReader> inner, size_t frame_size, uint64_t frames,
                    uint64_t size)
      : inner_(std::move(inner)), frame_size_(frame_size), frames_(frames), size_(size) {}

  uint64_t size() const override { return size_; }

  Status ReadAt(uint64_t offset, size_t n, std::string& out) override {
    out.clear();
    if (offset >= size_) return Status::Ok();
    n = static_cast<size_t>(std::min<uint64_t>(n, size_ - offset));
    out.reserve(n);
    while (n > 0) {
      uint64_t index = offset / frame_size_;
      size_t within = static_cast<size_t>(offset % frame_size_);
      Status s = LoadFrame(index);
      if (!s.ok()) {
        out.clear();
        return s;
      }
      size_t take = std::min(n, frame_.size() - kCrcSize - within);
      out.append(frame_.data() + kCrcSize + within, take);
      offset += take;
      n -= take;
    }
    return Status::Ok();
  }

 private:
  static constexpr uint64_t kNoFrame = std::numeric_limits<uint64_t>::max();

  // Reads and verifies frame `index` into frame_ unless it is already there.
  Status LoadFrame(uint64_t index) {
    if (index == cached_) return Status::Ok();
    cached_ = kNoFrame;
    size_t length = index + 1 < frames_ ? frame_size_ : static_cast<size_t>(size_ - index * frame_size_);
    uint64_t position = kBlobHeaderSize + index * (kCrcSize + frame_size_);
    STRATUS_RETURN_IF_ERROR(inner_->ReadAt(position, kCrcSize + length, frame_));
    if (frame_.size() != kCrcSize + length) {
      return Status(ErrorCode::kCorruption,
                    fmt::format("sealed blob frame {}: short read ({} of {} bytes)", index,
                                frame_.size(), kCrcSize + length));
    }
    uint32_t stored = GetFixed32(frame_.data());
    uint32_t actual = common::Crc32c(0, std::string_view(frame_).substr(kCrcSize));
    if (stored != actual) {
      return Status(ErrorCode::kCorruption,
                    fmt::format("sealed blob frame {}: checksum mismatch (stored {:08x}, computed {:08x})",
                                index, stored, actual));
    }
    cached_ = index;
    return Status::Ok();
  }

  std::unique_ptr<BlobReader> inner_;
  const size_t frame_size_;
  const uint64_t frames_;  // including the last, short one
  const uint64_t size_;    // plaintext bytes
  std::string frame_;      // [crc][data] of frame cached_
  uint64_t cached_ = kNoFrame;
};

}  // namespace

std::string ValueCodec::Seal(std::string_view plaintext) const {
  std::string sealed;
  sealed.reserve(kInlineHeaderSize + plaintext.size());
  sealed.resize(kInlineHeaderSize);
  sealed[0] = kInlineFormatCrc32c;
  PutFixed32(sealed.data() + 1, common::Crc32c(0, plaintext));
  sealed.append(plaintext);
  return sealed;
}

Result<std::string> ValueCodec::Open(std::string_view sealed) const {
  if (sealed.size() < kInlineHeaderSize) {
    return Status(ErrorCode::kCorruption,
                  fmt::format("sealed value too short ({} bytes, header is {})", sealed.size(),
                              kInlineHeaderSize));
  }
  if (sealed[0] != kInlineFormatCrc32c) {
    return Status(ErrorCode::kCorruption, fmt::format("sealed value has unknown format 0x{:02x}",
                                                      static_cast<unsigned char>(sealed[0])));
  }
  std::string_view payload = sealed.substr(kInlineHeaderSize);
  uint32_t stored = GetFixed32(sealed.data() + 1);
  uint32_t actual = common::Crc32c(0, payload);
  if (stored != actual) {
    return Status(ErrorCode::kCorruption,
                  fmt::format("sealed value checksum mismatch (stored {:08x}, computed {:08x})", stored,
                              actual));
  }
  return std::string(payload);
}

std::unique_ptr<BlobWriter> ValueCodec::SealingWriter(std::unique_ptr<BlobWriter> inner) const {
  return std::make_unique<SealingBlobWriter>(std::move(inner), kFrameSize);
}

Result<std::unique_ptr<BlobReader>> ValueCodec::OpeningReader(std::unique_ptr<BlobReader> inner) const {
  uint64_t stored_size = inner->size();
  if (stored_size < kBlobHeaderSize) {
    return Status(ErrorCode::kCorruption,
                  fmt::format("sealed blob too short ({} bytes, header is {})", stored_size, kBlobHeaderSize));
  }
  std::string header;
  STRATUS_RETURN_IF_ERROR(inner->ReadAt(0, kBlobHeaderSize, header));
  if (header.size() != kBlobHeaderSize) {
    return Status(ErrorCode::kCorruption, "sealed blob header: short read");
  }
  std::string_view h = header;
  if (h.substr(0, kBlobMagic.size()) != kBlobMagic) {
    return Status(ErrorCode::kCorruption, "not a sealed blob (bad magic)");
  }
  if (h[8] != kBlobFormatCrc32c) {
    return Status(ErrorCode::kCorruption,
                  fmt::format("sealed blob has unknown format 0x{:02x}", static_cast<unsigned char>(h[8])));
  }
  uint32_t frame_size = GetFixed32(h.data() + 9);
  if (frame_size == 0 || frame_size > kMaxFrameSize) {
    return Status(ErrorCode::kCorruption, fmt::format("sealed blob has invalid frame size {}", frame_size));
  }
  if (h.substr(13) != std::string_view("\0\0\0", 3)) {
    return Status(ErrorCode::kCorruption, "sealed blob header padding is not zero");
  }
  uint64_t body = stored_size - kBlobHeaderSize;
  uint64_t stride = kCrcSize + frame_size;
  uint64_t full = body / stride;
  uint64_t rest = body % stride;
  if (rest < kCrcSize) {
    return Status(ErrorCode::kCorruption,
                  fmt::format("sealed blob size {} is not a valid layout for frame size {} (truncated?)",
                              stored_size, frame_size));
  }
  uint64_t size = full * frame_size + (rest - kCrcSize);
  return std::unique_ptr<BlobReader>(
      std::make_unique<OpeningBlobReader>(std::move(inner), frame_size, full + 1, size));
}

}  // namespace storage
