#pragma once

// ValueCodec: the one place every stored payload passes through (DESIGN.md),
// on its way into the metadata engine (inline values) or a blob file. It frames
// and checks payloads today; envelope encryption with the resource's KMS key
// will happen here too, behind the same interface.
//
// Inline values: Seal(plaintext) → [format byte][CRC32C, 4 bytes LE][payload];
// Open() verifies and strips it (kCorruption on any mismatch).
//
// Blobs: a sealing writer splits the plaintext stream into frames of
// kFrameSize bytes (the last always shorter: a blob whose size is a multiple
// of the frame size ends with an empty frame, so a file cut at a frame
// boundary is detected), each stored as
// [CRC32C of the frame, 4 bytes LE][frame bytes], after a small file header
// (magic, format, frame size). An opening reader maps plaintext offsets to
// frames, so range reads touch only the frames they need, and verifies each
// frame it reads (kCorruption on mismatch). size() is the plaintext size.
//
// Thread-safe (stateless); the writers and readers it makes are not.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/blob_store.h"

namespace storage {

class ValueCodec {
 public:
  static constexpr size_t kFrameSize = 1 << 20;

  std::string Seal(std::string_view plaintext) const;
  Result<std::string> Open(std::string_view sealed) const;

  // Wraps a writer of a new blob; Commit() of the wrapper flushes the last
  // frame and commits `inner`. size() is the plaintext bytes appended.
  std::unique_ptr<BlobWriter> SealingWriter(std::unique_ptr<BlobWriter> inner) const;
  // Wraps a reader of a blob written by SealingWriter. kCorruption if the
  // header is not one this codec wrote.
  Result<std::unique_ptr<BlobReader>> OpeningReader(std::unique_ptr<BlobReader> inner) const;
};

}  // namespace storage
