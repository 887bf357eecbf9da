#pragma once

// Key encoding of the object service in the region's KvStore
// (docs/key-encoding.md). Bucket names never contain '\0' and object keys are
// refused if they do, so '\0' separates the parts and sorts before every
// other byte: all versions of "a" come before the key "a!".
//
//   s3/b/<bucket>                          → bucket record
//   s3/c/<bucket>\0<key>                   → the key's current version (or delete marker)
//   s3/v/<bucket>\0<key>\0<sort><id>       → every version, newest first
//   s3/d/<data id>                         → inline object data (sealed)
//   s3/r/<blob id>                         → "": blob <id> is referenced
//   s3/u/<bucket>\0<key>\0<upload id>      → multipart upload in progress
//   s3/p/<upload id>/<part number, 5 digits> → uploaded part
//   s3/q/<entry id: 16 hex stamp + 4 hex>  → replication backlog entry
//
// <sort> is 16 hex digits of (2^64-1 - stamp) so that newer versions sort
// first; a versioned version id starts with it.

#include <string>
#include <string_view>

namespace service::objects::keys {

inline constexpr std::string_view kBucketPrefix = "s3/b/";
inline constexpr std::string_view kCurrentPrefix = "s3/c/";
inline constexpr std::string_view kVersionPrefix = "s3/v/";
inline constexpr std::string_view kDataPrefix = "s3/d/";
inline constexpr std::string_view kBlobRefPrefix = "s3/r/";
inline constexpr std::string_view kUploadPrefix = "s3/u/";
inline constexpr std::string_view kPartPrefix = "s3/p/";
inline constexpr std::string_view kBacklogPrefix = "s3/q/";
inline constexpr std::string_view kNotificationPrefix = "s3/n/";

inline std::string Join(std::string_view a, std::string_view b) {
  std::string k;
  k.reserve(a.size() + b.size());
  k.append(a).append(b);
  return k;
}
inline std::string Join(std::string_view a, std::string_view b, std::string_view c) {
  std::string k = Join(a, b);
  k.push_back('\0');
  k.append(c);
  return k;
}

inline std::string Bucket(std::string_view bucket) { return Join(kBucketPrefix, bucket); }
// Prefix of every current-version key of a bucket.
inline std::string CurrentBucketPrefix(std::string_view bucket) { return Join(kCurrentPrefix, bucket, ""); }
inline std::string Current(std::string_view bucket, std::string_view key) {
  return Join(kCurrentPrefix, bucket, key);
}
inline std::string VersionBucketPrefix(std::string_view bucket) { return Join(kVersionPrefix, bucket, ""); }
// Prefix of every version of one key.
inline std::string VersionKeyPrefix(std::string_view bucket, std::string_view key) {
  std::string k = Join(kVersionPrefix, bucket, key);
  k.push_back('\0');
  return k;
}
inline std::string Version(std::string_view bucket, std::string_view key, std::string_view suffix) {
  return VersionKeyPrefix(bucket, key).append(suffix);
}
inline std::string Data(std::string_view id) { return Join(kDataPrefix, id); }
inline std::string BlobRef(std::string_view id) { return Join(kBlobRefPrefix, id); }
inline std::string UploadBucketPrefix(std::string_view bucket) { return Join(kUploadPrefix, bucket, ""); }
inline std::string Upload(std::string_view bucket, std::string_view key, std::string_view upload_id) {
  std::string k = Join(kUploadPrefix, bucket, key);
  k.push_back('\0');
  return k.append(upload_id);
}
inline std::string PartPrefix(std::string_view upload_id) {
  std::string k = Join(kPartPrefix, upload_id);
  k.push_back('/');
  return k;
}
inline std::string Part(std::string_view upload_id, int part_number) {
  std::string n = std::to_string(part_number);
  return PartPrefix(upload_id).append(5 - n.size(), '0').append(n);
}

inline std::string Backlog(std::string_view entry_id) { return Join(kBacklogPrefix, entry_id); }
inline std::string Notification(std::string_view entry_id) { return Join(kNotificationPrefix, entry_id); }

}  // namespace service::objects::keys
