#pragma once

// Stored records of the object service: JSON documents with a format version
// ("v": 1), so later releases can read what earlier ones wrote. Decoding a
// record that is not one of ours is kCorruption.

#include <string>
#include <string_view>

#include "common/status.h"
#include "service/objects/types.h"

namespace service::objects::records {

std::string Encode(const BucketInfo& b);
common::Result<BucketInfo> DecodeBucket(std::string_view s);

std::string Encode(const ObjectVersion& v);
common::Result<ObjectVersion> DecodeVersion(std::string_view s);

std::string Encode(const MultipartUpload& u);
common::Result<MultipartUpload> DecodeUpload(std::string_view s);

std::string Encode(const UploadedPart& p);
common::Result<UploadedPart> DecodePart(std::string_view s);

std::string Encode(const BacklogEntry& e);
// `id` is the entry's key suffix (BacklogEntry::id).
common::Result<BacklogEntry> DecodeBacklogEntry(std::string_view id, std::string_view s);

std::string Encode(const NotificationEntry& e);
// `id` is the entry's key suffix.
common::Result<NotificationEntry> DecodeNotification(std::string_view id, std::string_view s);

}  // namespace service::objects::records
