#pragma once

// Stack: the whole process — the I/O threads, the credential store and every
// configured region. The composition root: config → regions → services →
// listeners.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "auth/credentials.h"
#include "common/config.h"
#include "server/instance.h"
#include "server/region.h"

namespace server {

class Stack {
 public:
  // SIGINT and SIGTERM stay blocked until Run handles them, so a stop asked
  // for while the process starts waits for Run and ends cleanly. Call before
  // any thread starts (threads inherit the mask; one that does not block them
  // would take them, and die); Open calls it too.
  static void BlockStopSignals();

  // Resolves the admin credentials (generating and storing a secret at first
  // start when the config gives none), then opens every region. Errors name
  // the region or file concerned.
  static common::Result<std::unique_ptr<Stack>> Open(common::Config config);
  ~Stack();

  // Starts the regions and serves until SIGINT/SIGTERM, then shuts down
  // gracefully (a second signal exits at once). `on_ready` runs once every
  // listener accepts. Returns the process exit code.
  int Run(const std::function<void(const Stack&)>& on_ready);

  const common::Config& config() const { return config_; }
  const auth::Credentials& admin() const { return admin_; }
  const InstanceInfo& instance() const { return instance_; }
  const std::vector<std::unique_ptr<Region>>& regions() const { return regions_; }

 private:
  explicit Stack(common::Config config);

  common::Config config_;
  boost::asio::io_context ioc_;
  auth::CredentialStore credentials_;
  auth::Credentials admin_;
  std::vector<std::unique_ptr<Region>> regions_;
  InstanceInfo instance_;
  std::atomic<bool> provisioning_{false};  // the provisioning thread runs
  std::atomic<bool> stopping_{false};      // a signal asked to stop
};

// The application API's keys: [app].api_keys, else the one in
// <data root>/api-key, else a new one written there (mode 0600).
common::Result<std::vector<std::string>> ResolveApiKeys(const common::Config& config);

// The admin key pair: from the config, else from <data root>/admin-credentials,
// else newly generated and written there (mode 0600, fsync'd, renamed).
common::Result<auth::Credentials> ResolveAdminCredentials(const common::Config& config);

}  // namespace server
