// Listing: current versions (ListObjects v1/v2), all versions, common prefixes.

#include "service/objects/keys.h"
#include "service/objects/records.h"
#include "service/objects/service_impl.h"

namespace service::objects {
namespace {

// The common prefix `key` rolls up into under `prefix`/`delimiter`, or "".
std::string_view RollUp(std::string_view key, std::string_view prefix, std::string_view delimiter) {
  if (delimiter.empty()) return {};
  auto pos = key.find(delimiter, prefix.size());
  if (pos == std::string_view::npos) return {};
  return key.substr(0, pos + delimiter.size());
}

int Clamp(int max_keys) { return std::max(0, std::min(max_keys, 1000)); }

}  // namespace

Result<ListResult> ObjectService::ListObjects(std::string_view bucket, const ListQuery& q) {
  auto b = impl_->LoadBucket(bucket);
  if (!b.ok()) return b.status();
  ListResult out;
  const int max_keys = Clamp(q.max_keys);
  const std::string base = keys::CurrentBucketPrefix(bucket);
  const std::string scan_prefix = base + q.prefix;
  auto it = impl_->kv_.NewIterator({scan_prefix, storage::PrefixSuccessor(scan_prefix)});
  std::string start = scan_prefix;
  if (!q.start_after.empty() && base + q.start_after > start) start = base + q.start_after;
  int count = 0;
  for (it->Seek(start); it->Valid();) {
    std::string_view key = it->key().substr(base.size());
    if (key == q.start_after) {
      it->Next();
      continue;
    }
    std::string_view cp = RollUp(key, q.prefix, q.delimiter);
    if (!cp.empty()) {
      // A marker inside this common prefix means it was already returned.
      if (!q.start_after.empty() && q.start_after.starts_with(cp)) {
        it->Seek(storage::PrefixSuccessor(base + std::string(cp)));
        continue;
      }
      if (count == max_keys) {
        out.truncated = true;
        break;
      }
      out.common_prefixes.emplace_back(cp);
      out.next_marker = std::string(cp);
      ++count;
      std::string next = storage::PrefixSuccessor(base + std::string(cp));
      if (next.empty()) break;
      it->Seek(next);
      continue;
    }
    auto v = records::DecodeVersion(it->value());
    if (!v.ok()) return v.status();
    if (v->delete_marker) {
      it->Next();
      continue;
    }
    if (count == max_keys) {
      out.truncated = true;
      break;
    }
    out.next_marker = std::string(key);
    out.objects.push_back(std::move(v).value());
    ++count;
    it->Next();
  }
  STRATUS_RETURN_IF_ERROR(it->status());
  if (!out.truncated) out.next_marker.clear();
  return out;
}

Result<VersionListResult> ObjectService::ListObjectVersions(std::string_view bucket,
                                                            const VersionQuery& q) {
  auto b = impl_->LoadBucket(bucket);
  if (!b.ok()) return b.status();
  VersionListResult out;
  const int max_keys = Clamp(q.max_keys);
  const std::string base = keys::VersionBucketPrefix(bucket);
  const std::string scan_prefix = base + q.prefix;
  auto it = impl_->kv_.NewIterator({scan_prefix, storage::PrefixSuccessor(scan_prefix)});

  // Where to start: after every version of key_marker, or after one version of it.
  std::string start = scan_prefix;
  std::string skip_exact;  // a storage key to skip (the version-id marker itself)
  std::string last_key;    // the key of the previous entry seen (for is_latest)
  if (!q.key_marker.empty()) {
    if (q.version_id_marker.empty()) {
      std::string after = storage::PrefixSuccessor(keys::VersionKeyPrefix(bucket, q.key_marker));
      if (after > start) start = after;
    } else {
      auto found = impl_->FindVersion(bucket, q.key_marker, q.version_id_marker);
      if (!found.ok()) return found.status();
      std::string pos = found->has_value()
                            ? (*found)->storage_key
                            : keys::Version(bucket, q.key_marker, q.version_id_marker);
      if (pos > start) start = pos;
      skip_exact = pos;
      last_key = q.key_marker;  // later versions of the marker key are not the latest
    }
  }
  int count = 0;
  for (it->Seek(start); it->Valid();) {
    if (!skip_exact.empty() && it->key() == skip_exact) {
      it->Next();
      continue;
    }
    std::string_view rest = it->key().substr(base.size());
    std::string_view key = rest.substr(0, rest.find('\0'));
    std::string_view cp = RollUp(key, q.prefix, q.delimiter);
    if (!cp.empty()) {
      if (!q.key_marker.empty() && q.key_marker.starts_with(cp)) {
        it->Seek(storage::PrefixSuccessor(base + std::string(cp)));
        continue;
      }
      if (count == max_keys) {
        out.truncated = true;
        break;
      }
      out.common_prefixes.emplace_back(cp);
      out.next_key_marker = std::string(cp);
      out.next_version_id_marker.clear();
      ++count;
      std::string next = storage::PrefixSuccessor(base + std::string(cp));
      if (next.empty()) break;
      it->Seek(next);
      continue;
    }
    if (count == max_keys) {
      out.truncated = true;
      break;
    }
    auto v = records::DecodeVersion(it->value());
    if (!v.ok()) return v.status();
    bool latest = key != last_key;
    last_key = std::string(key);
    out.next_key_marker = std::string(key);
    out.next_version_id_marker = v->version_id;
    out.versions.push_back(VersionEntry{std::move(v).value(), latest});
    ++count;
    it->Next();
  }
  STRATUS_RETURN_IF_ERROR(it->status());
  if (!out.truncated) {
    out.next_key_marker.clear();
    out.next_version_id_marker.clear();
  }
  return out;
}

}  // namespace service::objects
