#pragma once

// The object service's domain types: buckets, object versions, multipart
// uploads, and the bucket sub-resources (tags, CORS, public access block,
// policy). Plain values; no HTTP, no storage encoding.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/checksum.h"

namespace service::objects {

using common::ChecksumAlgorithm;

using Tags = std::vector<std::pair<std::string, std::string>>;  // in the order given

enum class Versioning { kUnversioned, kEnabled, kSuspended };

// One CORS rule (S3's CORSRule).
struct CorsRule {
  std::string id;
  std::vector<std::string> allowed_origins;  // may contain one '*' wildcard each
  std::vector<std::string> allowed_methods;  // GET PUT POST DELETE HEAD
  std::vector<std::string> allowed_headers;  // may contain one '*' wildcard each
  std::vector<std::string> expose_headers;
  std::optional<int64_t> max_age_seconds;
  bool operator==(const CorsRule&) const = default;
};

struct PublicAccessBlock {
  bool block_public_acls = true;
  bool ignore_public_acls = true;
  bool block_public_policy = true;
  bool restrict_public_buckets = true;
  bool operator==(const PublicAccessBlock&) const = default;
};

// One replication rule (S3's ReplicationConfiguration/Rule). The filter is
// kept in the form it was given so GetBucketReplication returns it as sent.
struct ReplicationRule {
  enum class FilterForm { kLegacyPrefix, kNone, kEmpty, kPrefix, kTag, kAnd };
  std::string id;
  int priority = 0;
  bool enabled = true;
  FilterForm filter_form = FilterForm::kEmpty;
  std::string prefix;
  Tags tags;  // all must match
  std::string destination;  // bucket ARN
  std::string destination_account;
  std::string storage_class;  // "" = the source's
  bool replication_time = false;  // S3 RTC: the 15-minute threshold is tracked
  bool metrics = false;
  bool delete_marker_replication = false;
  bool existing_object_replication = false;
  bool operator==(const ReplicationRule&) const = default;
};

struct ReplicationConfig {
  std::string role;
  std::vector<ReplicationRule> rules;
  bool operator==(const ReplicationConfig&) const = default;
};

// A write waiting to be shipped to one destination: the replication backlog,
// committed in the same batch as the write itself.
struct BacklogEntry {
  std::string id;  // orders entries; unique within a region
  std::string bucket;
  std::string key;
  std::string version_id;
  bool delete_marker = false;
  uint64_t size = 0;
  std::string rule_id;
  std::string destination;  // bucket ARN
  std::string storage_class;  // "" = the source's
  bool replication_time = false;
  int64_t enqueued_ms = 0;
};

// Event notifications (PutBucketNotificationConfiguration): where events of
// which kinds, for which keys, go.
struct NotificationTarget {
  enum class Kind { kQueue, kTopic, kFunction };
  Kind kind = Kind::kQueue;
  std::string id;
  std::string arn;
  std::vector<std::string> events;  // "s3:ObjectCreated:*", "s3:ObjectRemoved:Delete", ...
  std::string prefix, suffix;       // key filter rules
  bool operator==(const NotificationTarget&) const = default;
};

struct NotificationConfig {
  std::vector<NotificationTarget> targets;
  bool eventbridge = false;  // every event also goes to the region's default event bus
  bool empty() const { return targets.empty() && !eventbridge; }
};

// Who and what caused a write, for its event notifications.
struct EventInfo {
  std::string name;          // "ObjectCreated:Put" ...; "" = decided by the operation
  std::string principal_id;  // the requester's access key id
  std::string source_ip;
  std::string request_id;
};

// One notification waiting in the outbox (s3/n/): an event of one write for
// one destination (a target's ARN, or the event bus when `eventbridge`).
struct NotificationEntry {
  std::string id;  // key suffix
  NotificationTarget::Kind kind = NotificationTarget::Kind::kQueue;
  bool eventbridge = false;
  std::string arn;
  std::string configuration_id;
  std::string event_name;  // without "s3:", e.g. "ObjectCreated:Put"; "TestEvent" for s3:TestEvent
  std::string bucket;
  std::string key;
  uint64_t size = 0;
  std::string etag;
  std::string version_id;  // "" for unversioned buckets
  std::string sequencer;
  int64_t time_ms = 0;
  EventInfo cause;
};

struct BucketInfo {
  std::string name;
  std::string region;
  int64_t created_ms = 0;  // unix milliseconds
  Versioning versioning = Versioning::kUnversioned;
  Tags tags;
  std::vector<CorsRule> cors;  // empty: no CORS configuration
  // Absent: no configuration (GetPublicAccessBlock answers
  // NoSuchPublicAccessBlockConfiguration). New buckets get all four set.
  std::optional<PublicAccessBlock> public_access_block;
  std::string policy;  // bucket policy JSON as stored; "" = none
  std::optional<ReplicationConfig> replication;
  NotificationConfig notification;
};

// Where a piece of object data lives.
struct DataRef {
  bool inline_data = true;  // in the metadata engine, else a blob file
  std::string id;           // 32 hex
  uint64_t size = 0;
  bool operator==(const DataRef&) const = default;
};

// One part of a stored object: a single-part object has one.
struct StoredPart {
  int part_number = 1;
  DataRef data;
  std::string etag;      // hex MD5 of the part (unquoted)
  std::string checksum;  // base64 of the client checksum of this part, if any
  std::string crc64nvme;  // base64 CRC64/NVME of the part's data
};

struct ObjectVersion {
  std::string key;
  std::string version_id;  // "null" for the null version
  bool delete_marker = false;
  int64_t last_modified_ms = 0;
  uint64_t size = 0;
  std::string etag;  // unquoted: hex MD5, or "<hex>-<parts>" for multipart
  std::string content_type;
  std::string content_encoding;
  std::string content_disposition;
  std::string content_language;
  std::string cache_control;
  std::string expires;
  std::vector<std::pair<std::string, std::string>> user_metadata;  // lower-case names, no prefix
  Tags tags;
  std::string storage_class = "STANDARD";
  // Integrity: CRC64/NVME of the whole object as stored, base64; always set
  // (for multipart objects combined from the parts' CRCs).
  std::string crc64nvme;
  // The client's checksum, if it sent or asked for one: algorithm and base64
  // value; for a COMPOSITE multipart checksum the value is the checksum of
  // the part checksums with a "-N" suffix, as S3 reports it.
  std::optional<ChecksumAlgorithm> checksum_algorithm;
  std::string checksum;
  std::string checksum_type;  // "FULL_OBJECT" or "COMPOSITE"
  std::vector<StoredPart> parts;
  std::string owner;  // access key id of the writer
  // "" (not replicated), "PENDING", "COMPLETED", "FAILED" on a source version;
  // "REPLICA" on a version written by replication.
  std::string replication_status;
  // Destinations still to be reached (PENDING); a failure is sticky (FAILED).
  int replication_remaining = 0;
  // Where the service keeps this version among the key's versions (the
  // suffix of its version key); set by the service, opaque to callers.
  std::string slot;
};

struct MultipartUpload {
  std::string bucket;
  std::string key;
  std::string upload_id;
  int64_t initiated_ms = 0;
  ObjectVersion pending;  // metadata the completed object will carry
  std::optional<ChecksumAlgorithm> checksum_algorithm;
  // How the completed object's client checksum is made from the parts':
  // "COMPOSITE" (checksum of the part checksums, "-N") or "FULL_OBJECT"
  // (the CRC of the whole data, combined from the parts' CRCs).
  std::string checksum_type;
  std::string owner;
};

struct UploadedPart {
  int part_number = 0;
  int64_t last_modified_ms = 0;
  DataRef data;
  std::string etag;  // hex MD5, unquoted
  std::string checksum;  // base64 of the upload's checksum algorithm, if any
  std::string crc64nvme;  // base64 CRC64/NVME of the part's data
};

}  // namespace service::objects
