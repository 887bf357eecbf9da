#include "auth/credentials.h"

#include <mutex>
#include <utility>

namespace auth {

void CredentialStore::Add(Credentials credentials, std::string arn) {
  std::unique_lock lock(mu_);
  std::string key = credentials.access_key_id;
  keys_.insert_or_assign(std::move(key), Entry{std::move(credentials), std::move(arn)});
}

std::optional<CredentialStore::Entry> CredentialStore::Find(std::string_view access_key_id) const {
  std::shared_lock lock(mu_);
  auto it = keys_.find(access_key_id);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

}  // namespace auth
