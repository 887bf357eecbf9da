// Multipart uploads: create, parts, complete, abort, listings.

#include <fmt/format.h>

#include "common/ids.h"
#include "service/objects/keys.h"
#include "service/objects/records.h"
#include "service/objects/service_impl.h"

namespace service::objects {
namespace {

using common::ErrorCode;

// The 16 raw bytes of a part's hex MD5 ETag.
std::string RawMd5(std::string_view hex) {
  std::string raw;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    raw.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return raw;
}

int64_t MillisOf(uint64_t stamp) { return static_cast<int64_t>(stamp / 1000000); }

Status InvalidPart(int n) {
  return Status(ErrorCode::kInvalidArgument,
                fmt::format("One or more of the specified parts could not be found. The part may "
                            "not have been uploaded, or the specified entity tag may not match "
                            "the part's entity tag. (part {})",
                            n),
                "InvalidPart");
}

}  // namespace

Result<MultipartUpload> ObjectService::CreateUpload(std::string_view bucket, std::string_view key,
                                                    ObjectVersion pending,
                                                    std::optional<ChecksumAlgorithm> algorithm,
                                                    std::string_view checksum_type) {
  // CRC64/NVME exists only as a full-object checksum; SHA digests only as
  // composite ones (they cannot be combined).
  std::string type(checksum_type);
  if (algorithm && type.empty()) {
    type = *algorithm == ChecksumAlgorithm::kCrc64Nvme ? "FULL_OBJECT" : "COMPOSITE";
  }
  if (!type.empty() && type != "FULL_OBJECT" && type != "COMPOSITE") {
    return Status(ErrorCode::kInvalidArgument, "Value for x-amz-checksum-type header is invalid.",
                  "InvalidRequest");
  }
  if (algorithm && ((type == "FULL_OBJECT" && (*algorithm == ChecksumAlgorithm::kSha1 ||
                                                *algorithm == ChecksumAlgorithm::kSha256)) ||
                    (type == "COMPOSITE" && *algorithm == ChecksumAlgorithm::kCrc64Nvme))) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("The {} checksum type cannot be used with the {} checksum algorithm.",
                              type, common::ChecksumName(*algorithm)),
                  "InvalidRequest");
  }
  if (!algorithm) type.clear();
  std::shared_lock bucket_lock(impl_->BucketLock(bucket));
  auto b = impl_->LoadBucket(bucket);
  if (!b.ok()) return b.status();
  const uint64_t stamp = impl_->NextStamp();
  MultipartUpload u;
  u.bucket = std::string(bucket);
  u.key = std::string(key);
  // Upload ids sort by creation time within a key, as ListMultipartUploads orders them.
  u.upload_id = fmt::format("{:016x}", stamp) + common::RandomString(16, "0123456789abcdef");
  u.initiated_ms = MillisOf(stamp);
  pending.key = u.key;
  u.owner = pending.owner;
  u.pending = std::move(pending);
  u.checksum_algorithm = algorithm;
  u.checksum_type = type;
  storage::WriteBatch batch;
  batch.Put(keys::Upload(bucket, key, u.upload_id), records::Encode(u));
  STRATUS_RETURN_IF_ERROR(impl_->kv_.Write(batch));
  return u;
}

Result<MultipartUpload> ObjectService::GetUpload(std::string_view bucket, std::string_view key,
                                                 std::string_view upload_id) {
  auto b = impl_->LoadBucket(bucket);
  if (!b.ok()) return b.status();
  auto v = impl_->kv_.Get(keys::Upload(bucket, key, upload_id));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return NoSuchUpload(upload_id);
  return records::DecodeUpload(**v);
}

Result<UploadedPart> ObjectService::PutPart(std::string_view bucket, std::string_view key,
                                            std::string_view upload_id, int part_number,
                                            ObjectWriter& data) {
  if (part_number < 1 || part_number > 10000) {
    return Status(ErrorCode::kInvalidArgument,
                  "Part number must be an integer between 1 and 10000, inclusive",
                  "InvalidArgument");
  }
  storage::WriteBatch batch;
  auto m = impl_->Materialize(data, batch);
  if (!m.ok()) return m.status();
  UploadedPart part;
  part.part_number = part_number;
  part.data = m->ref;
  part.etag = common::HexEncode(data.md5());
  part.checksum = data.checksum();
  part.crc64nvme = data.crc64nvme();

  std::shared_lock bucket_lock(impl_->BucketLock(bucket));
  std::lock_guard key_lock(impl_->KeyLock(bucket, key));
  auto fail = [&](Status st) -> Result<UploadedPart> {
    impl_->Discard(*m);
    return st;
  };
  auto u = GetUpload(bucket, key, upload_id);
  if (!u.ok()) return fail(u.status());
  std::vector<std::string> unlink;
  std::string part_key = keys::Part(upload_id, part_number);
  auto old = impl_->kv_.Get(part_key);
  if (!old.ok()) return fail(old.status());
  if (old->has_value()) {
    auto old_part = records::DecodePart(**old);
    if (!old_part.ok()) return fail(old_part.status());
    Impl::Release(old_part->data, batch, unlink);
  }
  part.last_modified_ms = MillisOf(impl_->NextStamp());
  batch.Put(part_key, records::Encode(part));
  if (auto st = impl_->Commit(batch, unlink); !st.ok()) return fail(st);
  return part;
}

Result<PartListing> ObjectService::ListParts(std::string_view bucket, std::string_view key,
                                             std::string_view upload_id, int part_number_marker,
                                             int max_parts) {
  auto u = GetUpload(bucket, key, upload_id);
  if (!u.ok()) return u.status();
  PartListing out;
  out.upload = std::move(u).value();
  max_parts = std::max(0, std::min(max_parts, 1000));
  std::string prefix = keys::PartPrefix(upload_id);
  auto it = impl_->kv_.NewIterator({prefix, storage::PrefixSuccessor(prefix)});
  for (it->Seek(keys::Part(upload_id, std::max(0, std::min(part_number_marker, 10000)) + 1));
       it->Valid(); it->Next()) {
    if (static_cast<int>(out.parts.size()) == max_parts) {
      out.truncated = true;
      break;
    }
    auto p = records::DecodePart(it->value());
    if (!p.ok()) return p.status();
    out.next_marker = p->part_number;
    out.parts.push_back(std::move(p).value());
  }
  STRATUS_RETURN_IF_ERROR(it->status());
  return out;
}

Result<ObjectVersion> ObjectService::CompleteUpload(std::string_view bucket, std::string_view key,
                                                    std::string_view upload_id,
                                                    const std::vector<CompletedPartRef>& parts,
                                                    const WriteConditions& conditions,
                                                    uint64_t min_part_size) {
  if (parts.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "The XML you provided was not well-formed or did not validate against our "
                  "published schema",
                  "MalformedXML");
  }
  std::shared_lock bucket_lock(impl_->BucketLock(bucket));
  std::lock_guard key_lock(impl_->KeyLock(bucket, key));
  auto b = impl_->LoadBucket(bucket);
  if (!b.ok()) return b.status();
  auto u = GetUpload(bucket, key, upload_id);
  if (!u.ok()) return u.status();

  // Every uploaded part, by number.
  std::map<int, std::pair<std::string, UploadedPart>> uploaded;
  std::string prefix = keys::PartPrefix(upload_id);
  {
    auto it = impl_->kv_.NewIterator({prefix, storage::PrefixSuccessor(prefix)});
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      auto p = records::DecodePart(it->value());
      if (!p.ok()) return p.status();
      uploaded.emplace(p->part_number, std::make_pair(std::string(it->key()), std::move(p).value()));
    }
    STRATUS_RETURN_IF_ERROR(it->status());
  }

  ObjectVersion v = u->pending;
  v.key = std::string(key);
  v.delete_marker = false;
  v.parts.clear();
  std::string md5s;
  std::string client_checksums;  // raw part checksums, concatenated (COMPOSITE)
  std::optional<std::string> full_client;  // combined CRC (FULL_OBJECT)
  std::optional<std::string> full_crc64;   // combined CRC64/NVME of the data
  int previous = 0;
  uint64_t total = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& want = parts[i];
    if (want.part_number <= previous) {
      return Status(ErrorCode::kInvalidArgument,
                    "The list of parts was not in ascending order. Parts must be ordered by part "
                    "number.",
                    "InvalidPartOrder");
    }
    previous = want.part_number;
    auto found = uploaded.find(want.part_number);
    if (found == uploaded.end() || found->second.second.etag != want.etag) {
      return InvalidPart(want.part_number);
    }
    const UploadedPart& p = found->second.second;
    md5s += RawMd5(p.etag);
    if (u->checksum_algorithm) {
      auto raw = common::Base64Decode(p.checksum);
      client_checksums += raw.value_or(std::string());
      if (u->checksum_type == "FULL_OBJECT" && raw) {
        full_client = i == 0 ? std::optional<std::string>(*raw)
                      : full_client ? common::CombineCrc(*u->checksum_algorithm, *full_client, *raw, p.data.size)
                                    : std::nullopt;
      }
    }
    auto crc = common::Base64Decode(p.crc64nvme);
    full_crc64 = !crc ? std::nullopt
                 : i == 0 ? std::optional<std::string>(*crc)
                 : full_crc64 ? common::CombineCrc(ChecksumAlgorithm::kCrc64Nvme, *full_crc64, *crc, p.data.size)
                              : std::nullopt;
    total += p.data.size;
    v.parts.push_back(StoredPart{p.part_number, p.data, p.etag, p.checksum, p.crc64nvme});
  }
  // Sizes are checked once every listed part is known to exist, as S3 does.
  for (size_t i = 0; i + 1 < v.parts.size(); ++i) {
    if (v.parts[i].data.size < min_part_size) {
      return Status(ErrorCode::kInvalidArgument,
                    "Your proposed upload is smaller than the minimum allowed object size.",
                    "EntityTooSmall");
    }
  }
  const size_t n = parts.size();
  v.size = total;
  v.etag = fmt::format("{}-{}", common::HexEncode(common::Md5(md5s)), n);
  if (!full_crc64) return common::Corruption("a part of the upload has no CRC64/NVME");
  v.crc64nvme = common::Base64Encode(*full_crc64);
  if (conditions.expected_crc64nvme && *conditions.expected_crc64nvme != v.crc64nvme) {
    return Status(ErrorCode::kInvalidArgument,
                  "The CRC64NVME you specified did not match the calculated checksum.", "BadDigest");
  }
  // A replica keeps its source's client checksum (see MarkReplica); the data
  // was verified against the source's CRC64/NVME above.
  const bool source_checksum = v.replication_status == "REPLICA" && v.checksum_algorithm.has_value();
  if (source_checksum) {
  } else if (u->checksum_algorithm && u->checksum_type == "FULL_OBJECT") {
    if (!full_client) {
      return Status(ErrorCode::kInvalidArgument,
                    "A part of the upload has no checksum of the upload's algorithm", "InvalidPart");
    }
    v.checksum_algorithm = u->checksum_algorithm;
    v.checksum = common::Base64Encode(*full_client);
    v.checksum_type = "FULL_OBJECT";
  } else if (u->checksum_algorithm) {
    v.checksum_algorithm = u->checksum_algorithm;
    v.checksum = fmt::format("{}-{}",
                             common::Base64Encode(common::Digest(*u->checksum_algorithm, client_checksums)), n);
    v.checksum_type = "COMPOSITE";
  } else {
    v.checksum_algorithm.reset();
    v.checksum.clear();
    v.checksum_type.clear();
  }

  storage::WriteBatch batch;
  std::vector<std::string> unlink;
  // Parts uploaded but not listed are dropped; listed ones move to the object.
  for (const auto& [number, entry] : uploaded) {
    batch.Delete(entry.first);
    bool used = false;
    for (const auto& sp : v.parts) used = used || sp.part_number == number;
    if (!used) Impl::Release(entry.second.data, batch, unlink);
  }
  batch.Delete(keys::Upload(bucket, key, upload_id));
  Announcements queued;
  WriteConditions complete = conditions;
  if (complete.event.name.empty()) complete.event.name = "ObjectCreated:CompleteMultipartUpload";
  STRATUS_RETURN_IF_ERROR(impl_->Install(*b, v, complete, batch, unlink, queued));
  STRATUS_RETURN_IF_ERROR(impl_->Commit(batch, unlink));
  impl_->Announce(std::move(queued));
  return v;
}

Status ObjectService::AbortUpload(std::string_view bucket, std::string_view key,
                                  std::string_view upload_id) {
  std::shared_lock bucket_lock(impl_->BucketLock(bucket));
  std::lock_guard key_lock(impl_->KeyLock(bucket, key));
  auto u = GetUpload(bucket, key, upload_id);
  if (!u.ok()) return u.status();
  storage::WriteBatch batch;
  std::vector<std::string> unlink;
  std::string prefix = keys::PartPrefix(upload_id);
  auto it = impl_->kv_.NewIterator({prefix, storage::PrefixSuccessor(prefix)});
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    auto p = records::DecodePart(it->value());
    if (!p.ok()) return p.status();
    batch.Delete(it->key());
    Impl::Release(p->data, batch, unlink);
  }
  STRATUS_RETURN_IF_ERROR(it->status());
  it.reset();
  batch.Delete(keys::Upload(bucket, key, upload_id));
  return impl_->Commit(batch, unlink);
}

Result<UploadListing> ObjectService::ListUploads(std::string_view bucket, const UploadQuery& q) {
  auto b = impl_->LoadBucket(bucket);
  if (!b.ok()) return b.status();
  UploadListing out;
  const int max = std::max(0, std::min(q.max_uploads, 1000));
  const std::string base = keys::UploadBucketPrefix(bucket);
  const std::string scan_prefix = base + q.prefix;
  auto it = impl_->kv_.NewIterator({scan_prefix, storage::PrefixSuccessor(scan_prefix)});
  std::string start = scan_prefix;
  if (!q.key_marker.empty()) {
    std::string after =
        q.upload_id_marker.empty()
            ? storage::PrefixSuccessor(base + q.key_marker + std::string(1, '\0'))
            : keys::Upload(bucket, q.key_marker, q.upload_id_marker) + std::string(1, '\0');
    if (after > start) start = after;
  }
  int count = 0;
  for (it->Seek(start); it->Valid();) {
    std::string_view rest = it->key().substr(base.size());
    std::string_view key = rest.substr(0, rest.find('\0'));
    std::string_view cp;
    if (!q.delimiter.empty()) {
      auto pos = key.find(q.delimiter, q.prefix.size());
      if (pos != std::string_view::npos) cp = key.substr(0, pos + q.delimiter.size());
    }
    if (count == max) {
      out.truncated = true;
      break;
    }
    if (!cp.empty()) {
      out.common_prefixes.emplace_back(cp);
      out.next_key_marker = std::string(cp);
      out.next_upload_id_marker.clear();
      ++count;
      std::string next = storage::PrefixSuccessor(base + std::string(cp));
      if (next.empty()) break;
      it->Seek(next);
      continue;
    }
    auto u = records::DecodeUpload(it->value());
    if (!u.ok()) return u.status();
    out.next_key_marker = u->key;
    out.next_upload_id_marker = u->upload_id;
    out.uploads.push_back(std::move(u).value());
    ++count;
    it->Next();
  }
  STRATUS_RETURN_IF_ERROR(it->status());
  return out;
}

}  // namespace service::objects
