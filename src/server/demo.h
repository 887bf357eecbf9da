#pragma once

// `stratus demo`: drives seeds 000 and 001 against a running default stack
// and prints each hop as it happens, with the time since the pipeline
// started. Seed 000: presign (application API) → PUT with the URL →
// replication COMPLETED → metadata item (GET /files/{key}) → alert email.
// Seed 001: category upload → checksum-validator SUCCESS → poison pill →
// validation-dlq → redrive (StartMessageMoveTask) → failure email.
//
// Reads the stack's endpoints from the config and its credentials and API
// key from the data root (as `stratus serve` wrote them); mails and function
// logs from the regions' data directories. Each hop waits up to 60 s.
// Returns 0 when every hop happened, 1 otherwise (the hop that did not is
// printed), 2 when the stack is not the default one or not running.

#include "common/config.h"

namespace server {

int RunDemo(const common::Config& config);

}  // namespace server
