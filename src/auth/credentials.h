#pragma once

// Credentials and the store that resolves an access key id to its secret.
// Identity data is process-wide (shared by every region, as in AWS).

#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace auth {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
};

// Who made a request, once authenticated.
struct Principal {
  std::string access_key_id;  // empty when anonymous
  std::string arn;            // e.g. arn:aws:iam::000000000000:root
  bool anonymous = true;
};

// The account every stratus identity belongs to.
inline constexpr std::string_view kAccountId = "000000000000";

// Resolves access key ids. Thread-safe.
class CredentialStore {
 public:
  // Adds or replaces a key pair; `arn` names its principal.
  void Add(Credentials credentials, std::string arn);
  // The secret and principal ARN of `access_key_id`, or nullopt if unknown.
  struct Entry {
    Credentials credentials;
    std::string arn;
  };
  std::optional<Entry> Find(std::string_view access_key_id) const;

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, Entry, std::less<>> keys_;  // guarded by mu_
};

}  // namespace auth
