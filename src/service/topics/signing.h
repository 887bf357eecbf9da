#pragma once

// SnsSigner: how a region signs what SNS delivers to http(s) endpoints and
// email-json — as AWS does, with an RSA key whose certificate is published at
// the SigningCertURL, so receivers verify messages the way they verify AWS's:
// the canonical string of the message's fields ("Key\nValue\n" in the order
// AWS lists: Message, MessageId, [Subject,] [SubscribeURL,] Timestamp,
// [Token,] TopicArn, Type), signed with SHA1withRSA (SignatureVersion 1) or
// SHA256withRSA (2), in base64.
//
// The key and a self-signed certificate (CN sns.<region>.stratus.local, ten
// years) are made at first start and kept in a directory of the region's
// data (key mode 0600). Thread-safe after LoadOrCreate.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "common/status.h"

namespace service::topics {

class SnsSigner {
 public:
  // Reads `dir`/signing-key.pem and signing-cert.pem, or makes and writes
  // them. kIoError when the directory cannot be written or read back.
  static common::Result<std::shared_ptr<const SnsSigner>> LoadOrCreate(const std::filesystem::path& dir,
                                                                       std::string_view region);
  ~SnsSigner();

  // The canonical string of an envelope (the JSON SNS delivers).
  static std::string CanonicalString(const boost::json::object& envelope);
  // Base64 of the signature of `text` (version "2": SHA-256; else SHA-1).
  std::string Sign(std::string_view text, std::string_view version) const;
  const std::string& certificate_pem() const { return certificate_pem_; }

 private:
  SnsSigner() = default;
  struct Key;
  std::unique_ptr<Key> key_;
  std::string certificate_pem_;
};

}  // namespace service::topics
