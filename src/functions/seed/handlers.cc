#include "functions/seed/handlers.h"

namespace functions::seed {

std::map<std::string, Handler, std::less<>> Handlers() {
  return {
      {"checksum-validator", ChecksumValidator},
      {"failure-notifier", FailureNotifier},
      {"replica-processor", ReplicaProcessor},
  };
}

}  // namespace functions::seed
