#include "functions/seed/handlers.h"

namespace functions::seed {

std::map<std::string, Handler, std::less<>> Handlers() {
  return {
      {"checksum-validator", ChecksumValidator},
      {"failure-notifier", FailureNotifier},
      {"replica-processor", ReplicaProcessor},
      {"presigner", Presigner},
      {"instance-metadata", InstanceMetadata},
      {"file-info", FileInfo},
  };
}

}  // namespace functions::seed
