// Object data: the streaming writer (checksums once, inline or blob) and the
// reader that stitches an object's parts together.

#include <algorithm>

#include <fmt/format.h>

#include "common/ids.h"
#include "service/objects/keys.h"
#include "service/objects/service_impl.h"

namespace service::objects {
namespace {

using common::ErrorCode;

class Writer final : public ObjectWriter {
 public:
  Writer(ObjectService::Impl& svc, std::optional<ChecksumAlgorithm> algorithm)
      : svc_(svc),
        md5_(common::Hasher::NewMd5()),
        crc64_(common::Hasher::New(ChecksumAlgorithm::kCrc64Nvme)),
        algorithm_(algorithm) {
    if (algorithm_) client_ = common::Hasher::New(*algorithm_);
  }

  Status Start(std::optional<uint64_t> size_hint) {
    if (size_hint && *size_hint > svc_.options_.inline_limit) return OpenBlob();
    return Status::Ok();
  }

  Status Append(std::string_view data) override {
    if (finished_) return common::Internal("append to a finished object writer");
    md5_->Update(data);
    crc64_->Update(data);
    if (client_) client_->Update(data);
    size_ += data.size();
    if (blob_) return blob_->Append(data);
    buffer_.append(data);
    if (buffer_.size() > svc_.options_.inline_limit) {
      STRATUS_RETURN_IF_ERROR(OpenBlob());
      STRATUS_RETURN_IF_ERROR(blob_->Append(buffer_));
      buffer_.clear();
      buffer_.shrink_to_fit();
    }
    return Status::Ok();
  }

  uint64_t size() const override { return size_; }

  void Finish() override {
    if (finished_) return;
    finished_ = true;
    md5_raw_ = md5_->Finish();
    crc64_b64_ = common::Base64Encode(crc64_->Finish());
    if (client_) checksum_b64_ = common::Base64Encode(client_->Finish());
  }

  const std::string& md5() const override { return md5_raw_; }
  const std::string& crc64nvme() const override { return crc64_b64_; }
  const std::string& checksum() const override { return checksum_b64_; }
  std::optional<ChecksumAlgorithm> checksum_algorithm() const override { return algorithm_; }

  Result<Materialized> Materialize(storage::WriteBatch& batch) {
    Finish();
    if (svc_.bytes_written_ != nullptr) svc_.bytes_written_->Inc(size_);
    if (materialized_) return common::Internal("object data committed twice");
    materialized_ = true;
    Materialized m;
    m.ref.size = size_;
    if (blob_) {
      auto id = blob_->Commit();
      if (!id.ok()) return id.status();
      m.ref.inline_data = false;
      m.ref.id = std::move(id).value();
      batch.Put(keys::BlobRef(m.ref.id), "");
    } else {
      m.ref.inline_data = true;
      m.ref.id = common::RandomString(32, "0123456789abcdef");
      m.inline_value = svc_.codec_.Seal(buffer_);
      batch.Put(keys::Data(m.ref.id), *m.inline_value);
    }
    return m;
  }

 private:
  Status OpenBlob() {
    auto w = svc_.blobs_->NewWriter();
    if (!w.ok()) return w.status();
    blob_ = svc_.codec_.SealingWriter(std::move(w).value());
    return Status::Ok();
  }

  ObjectService::Impl& svc_;
  std::unique_ptr<common::Hasher> md5_;
  std::unique_ptr<common::Hasher> crc64_;
  std::unique_ptr<common::Hasher> client_;
  std::optional<ChecksumAlgorithm> algorithm_;
  std::string buffer_;
  std::unique_ptr<storage::BlobWriter> blob_;  // aborts on destruction unless committed
  uint64_t size_ = 0;
  bool finished_ = false;
  bool materialized_ = false;
  std::string md5_raw_, crc64_b64_, checksum_b64_;
};

// One part's data, opened.
class PartSource {
 public:
  virtual ~PartSource() = default;
  virtual Status ReadAt(uint64_t offset, size_t n, std::string& out) = 0;
};

class InlineSource final : public PartSource {
 public:
  explicit InlineSource(std::string data) : data_(std::move(data)) {}
  Status ReadAt(uint64_t offset, size_t n, std::string& out) override {
    if (offset >= data_.size()) {
      out.clear();
    } else {
      out.assign(data_, offset, std::min<uint64_t>(n, data_.size() - offset));
    }
    return Status::Ok();
  }

 private:
  std::string data_;
};

class BlobSource final : public PartSource {
 public:
  explicit BlobSource(std::unique_ptr<storage::BlobReader> r) : r_(std::move(r)) {}
  Status ReadAt(uint64_t offset, size_t n, std::string& out) override {
    return r_->ReadAt(offset, n, out);
  }

 private:
  std::unique_ptr<storage::BlobReader> r_;
};

class Reader final : public ObjectReader {
 public:
  Reader(ObjectService::Impl& svc, const ObjectVersion& v) : svc_(svc) {
    uint64_t offset = 0;
    for (const auto& p : v.parts) {
      parts_.push_back(Part{p.data, offset, nullptr});
      offset += p.data.size;
    }
    size_ = offset;
  }

  // Opens the first part now, so that a concurrent delete is noticed by
  // OpenObject (which then reads the record again) rather than mid-stream.
  Status OpenFirst() {
    if (parts_.empty()) return Status::Ok();
    return Open(parts_[0]);
  }

  uint64_t size() const override { return size_; }

  Status ReadAt(uint64_t offset, size_t n, std::string& out) override {
    out.clear();
    if (offset >= size_ || n == 0) return Status::Ok();
    // The part holding `offset`: the last whose start is <= offset.
    auto it = std::upper_bound(parts_.begin(), parts_.end(), offset,
                               [](uint64_t o, const Part& p) { return o < p.start; });
    Part& part = *(it - 1);
    if (!part.source) STRATUS_RETURN_IF_ERROR(Open(part));
    uint64_t within = offset - part.start;
    size_t want = static_cast<size_t>(std::min<uint64_t>(n, part.ref.size - within));
    STRATUS_RETURN_IF_ERROR(part.source->ReadAt(within, want, out));
    if (out.size() != want) {
      return common::Corruption(fmt::format("object data {} is shorter than its record says",
                                            part.ref.id));
    }
    return Status::Ok();
  }

 private:
  struct Part {
    DataRef ref;
    uint64_t start;
    std::unique_ptr<PartSource> source;
  };

  Status Open(Part& part) {
    if (part.ref.inline_data) {
      auto v = svc_.kv_.Get(keys::Data(part.ref.id));
      if (!v.ok()) return v.status();
      if (!v->has_value()) return Status(ErrorCode::kNotFound, "object data is gone", "DataGone");
      auto plain = svc_.codec_.Open(**v);
      if (!plain.ok()) return plain.status();
      part.source = std::make_unique<InlineSource>(std::move(plain).value());
      return Status::Ok();
    }
    auto r = svc_.blobs_->OpenReader(part.ref.id);
    if (!r.ok()) {
      if (r.status().code() == ErrorCode::kNotFound) {
        return Status(ErrorCode::kNotFound, "object data is gone", "DataGone");
      }
      return r.status();
    }
    auto opened = svc_.codec_.OpeningReader(std::move(r).value());
    if (!opened.ok()) return opened.status();
    part.source = std::make_unique<BlobSource>(std::move(opened).value());
    return Status::Ok();
  }

  ObjectService::Impl& svc_;
  std::vector<Part> parts_;
  uint64_t size_ = 0;
};

}  // namespace

Result<std::unique_ptr<ObjectWriter>> ObjectService::NewWriter(
    std::optional<uint64_t> size_hint, std::optional<ChecksumAlgorithm> algorithm) {
  auto w = std::make_unique<Writer>(*impl_, algorithm);
  STRATUS_RETURN_IF_ERROR(w->Start(size_hint));
  return std::unique_ptr<ObjectWriter>(std::move(w));
}

Result<Materialized> ObjectService::Impl::Materialize(ObjectWriter& writer,
                                                      storage::WriteBatch& batch) {
  auto* w = dynamic_cast<Writer*>(&writer);
  if (w == nullptr) return common::Internal("object writer from another service");
  return w->Materialize(batch);
}

void ObjectService::Impl::Discard(const Materialized& m) {
  if (!m.ref.inline_data && !m.ref.id.empty()) (void)blobs_->Delete(m.ref.id);
}

Result<std::unique_ptr<ObjectReader>> ObjectService::Impl::NewReader(const ObjectVersion& v) {
  auto r = std::make_unique<Reader>(*this, v);
  STRATUS_RETURN_IF_ERROR(r->OpenFirst());
  return std::unique_ptr<ObjectReader>(std::move(r));
}

}  // namespace service::objects
