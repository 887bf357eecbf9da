#pragma once

// Parsers of the XML bodies S3 requests carry, into plain values. Pure
// functions: no I/O, thread-safe, callable from any strand.
//
// Every parser:
//   - refuses a body longer than its limit (below) before parsing:
//     kTooLarge, reason "MaxMessageLengthExceeded", "Your request was too big.";
//   - accepts the root and its children with S3's namespace, any other
//     namespace or none (elements match on their local name; clients differ:
//     botocore declares S3's namespace, minio-go and AWS's own samples none);
//   - ignores elements it does not know (newer SDKs add members), but refuses a
//     known single-valued element given twice;
//   - refuses, as MalformedXML, what XML 1.0 or S3's schema refuses: a document
//     that is not well-formed, not UTF-8, has a document type declaration (so no
//     entity beyond the five predefined ones ever exists), another root, a
//     required element missing, text where only elements belong, or a value of
//     the wrong type. Character references to control characters (&#x4;, &#13;)
//     are accepted, since S3 writes keys holding them that way and clients echo
//     listed keys back; &#0; and raw control bytes other than tab/LF/CR are not.
// MalformedXML is kInvalidArgument, reason "MalformedXML", with S3's message.
// Other reasons are S3's own codes for the fault, listed per parser.
//
// Text values are taken exactly as sent (white space included: " " is a valid
// key); integers and booleans may be surrounded by XML white space.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "service/objects/types.h"

namespace api::s3 {

// Body limits. S3 publishes only CORS's (64 KB); the others hold the largest
// document S3 accepts (1,000 keys of 1,024 bytes; 10,000 parts each with an
// ETag and checksums; 50 tags of 128 + 256 characters) with room for escaping.
inline constexpr size_t kMaxCreateBucketBody = 256 * 1024;
inline constexpr size_t kMaxDeleteBody = 4 * 1024 * 1024;
inline constexpr size_t kMaxCompleteMultipartBody = 8 * 1024 * 1024;
inline constexpr size_t kMaxVersioningBody = 64 * 1024;
inline constexpr size_t kMaxTaggingBody = 256 * 1024;
inline constexpr size_t kMaxCorsBody = 64 * 1024;
inline constexpr size_t kMaxPublicAccessBlockBody = 64 * 1024;
inline constexpr size_t kMaxReplicationBody = 2 * 1024 * 1024;

// Count limits.
inline constexpr size_t kMaxDeleteObjects = 1000;
inline constexpr size_t kMaxParts = 10000;
inline constexpr size_t kMaxObjectTags = 10;
inline constexpr size_t kMaxBucketTags = 50;
inline constexpr size_t kMaxCorsRules = 100;
inline constexpr size_t kMaxReplicationRules = 1000;

// CreateBucket: <CreateBucketConfiguration><LocationConstraint>. An empty or
// all-white-space body, or no LocationConstraint, gives "". Whether the region
// is acceptable is the operation's business.
common::Result<std::string> ParseCreateBucketConfiguration(std::string_view body);

// DeleteObjects: <Delete> (<Object><Key/><VersionId/></Object>)+ <Quiet/>.
struct ObjectIdentifier {
  std::string key;         // never empty
  std::string version_id;  // "" when absent (or sent empty)
  bool operator==(const ObjectIdentifier&) const = default;
};
struct DeleteRequest {
  std::vector<ObjectIdentifier> objects;  // in the order sent; duplicates kept
  bool quiet = false;
};
// MalformedXML also for no Object, more than kMaxDeleteObjects, a missing or
// empty Key.
common::Result<DeleteRequest> ParseDelete(std::string_view body);

// CompleteMultipartUpload: <CompleteMultipartUpload> (<Part><PartNumber/><ETag/>
// <ChecksumCRC32/>...</Part>)+.
struct CompletedPart {
  int part_number = 0;
  std::string etag;  // surrounding double quotes removed
  // Every Checksum* element of the part, by element name ("ChecksumCRC32",
  // "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1", "ChecksumSHA256", or a
  // newer one), value as sent (base64). The operation checks them.
  std::map<std::string, std::string> checksums;
  bool operator==(const CompletedPart&) const = default;
};
// Parts are returned in the order sent; the operation checks that order
// (InvalidPartOrder) and that the parts exist (InvalidPart).
// MalformedXML for no Part, more than kMaxParts, a Part without PartNumber or
// ETag, or a PartNumber that is not an integer; reason "InvalidArgument" for a
// PartNumber outside 1..10000.
common::Result<std::vector<CompletedPart>> ParseCompleteMultipartUpload(std::string_view body);

// PutBucketVersioning: <VersioningConfiguration><Status/><MfaDelete/>.
struct VersioningConfiguration {
  std::string status;      // "Enabled", "Suspended", or "" when absent
  std::string mfa_delete;  // "Enabled", "Disabled", or "" when absent
};
// MalformedXML for any other Status or MfaDelete value (S3 answers a bad
// status that way; the values are case-sensitive).
common::Result<VersioningConfiguration> ParseVersioningConfiguration(std::string_view body);

// PutObjectTagging / PutBucketTagging: <Tagging><TagSet>(<Tag><Key/><Value/></Tag>)*.
// `max_tags` is kMaxObjectTags or kMaxBucketTags; S3's message for too many
// tags names which ("Object tags cannot be greater than 10", "Bucket tag count
// cannot be greater than 50"), and its code is "BadRequest".
// MalformedXML for a missing TagSet, or a Tag without Key or Value. Reason
// "InvalidTag" for: an empty key or one with a character S3 refuses ("The
// TagKey you have provided is invalid"; likewise TagValue); a key over 128 or a
// value over 256 characters, counted in UTF-16 units as S3 does; a key
// starting "aws:"; the same key twice. Allowed characters are S3's: letters,
// digits, space and _ . : / = + @ -; any non-ASCII character is accepted (S3
// allows Unicode letters, numbers and spaces; we do not classify them).
// An empty TagSet gives no tags.
common::Result<service::objects::Tags> ParseTagging(std::string_view body, size_t max_tags);

// PutBucketCors: <CORSConfiguration>(<CORSRule><ID/><AllowedOrigin/>+
// <AllowedMethod/>+<AllowedHeader/>*<ExposeHeader/>*<MaxAgeSeconds/></CORSRule>)+.
// MalformedXML for no rule, more than kMaxCorsRules, a rule without an
// AllowedOrigin or AllowedMethod, a MaxAgeSeconds that is not a 32-bit integer.
// Reason "InvalidRequest" for a method other than GET PUT POST DELETE HEAD
// ("Found unsupported HTTP method in CORS config. Unsupported method is X"), or
// an AllowedOrigin / AllowedHeader with more than one '*'. Reason
// "InvalidArgument" for an ID over 255 characters.
common::Result<std::vector<service::objects::CorsRule>> ParseCorsConfiguration(
    std::string_view body);

// PutPublicAccessBlock: <PublicAccessBlockConfiguration> with BlockPublicAcls,
// IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets; an element left
// out is false, as in S3. MalformedXML for a value other than true/false/1/0.
common::Result<service::objects::PublicAccessBlock> ParsePublicAccessBlockConfiguration(
    std::string_view body);

// PutBucketReplication: <ReplicationConfiguration><Role/><Rule>... with
// ID, Priority, Status, the legacy rule-level Prefix or a Filter (Prefix, Tag
// or And), Destination (Bucket, Account, StorageClass, ReplicationTime,
// Metrics), DeleteMarkerReplication and ExistingObjectReplication. Only the
// schema is checked here (MalformedXML); the rules' meaning (ARNs, priorities,
// versioning) is the operation's business.
common::Result<service::objects::ReplicationConfig> ParseReplicationConfiguration(std::string_view body);

// PutBucketNotificationConfiguration: <NotificationConfiguration> with
// QueueConfiguration (Queue), TopicConfiguration (Topic) and
// CloudFunctionConfiguration / LambdaFunctionConfiguration (CloudFunction /
// LambdaFunctionArn) elements — each with Id, Event… and
// Filter/S3Key/FilterRule (Name prefix|suffix, Value) — and
// EventBridgeConfiguration. An empty configuration turns notifications off.
// Schema errors are MalformedXML; a filter rule name other than prefix or
// suffix, or one given twice, is InvalidArgument as S3 says it.
common::Result<service::objects::NotificationConfig> ParseNotificationConfiguration(std::string_view body);

}  // namespace api::s3
