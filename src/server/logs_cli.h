#pragma once

// `stratus logs FUNCTION [--region R] [--follow]`: prints a function's log
// stream (<region data dir>/functions/<FUNCTION>.log, written by the function
// host), and with --follow keeps printing what is appended — across the
// stream's rotation — until interrupted. Works whether or not stratus runs.

#include <string>

#include "common/config.h"

namespace server {

// Returns the exit code: 0; 1 when the log cannot be read; 2 when the config
// declares no such function (or it is in several regions and --region is not
// given).
int PrintFunctionLogs(const common::Config& config, const std::string& function, const std::string& region,
                      bool follow, int tail_lines);

}  // namespace server
