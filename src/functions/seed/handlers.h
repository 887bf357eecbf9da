#pragma once

// The seed functions, as handlers (see functions/function.h). Each one's file
// says what it does and which environment variables it reads.

#include <map>
#include <string>

#include "functions/function.h"

namespace functions::seed {

common::Result<boost::json::value> ChecksumValidator(Context& ctx, const boost::json::value& event);
common::Result<boost::json::value> FailureNotifier(Context& ctx, const boost::json::value& event);
common::Result<boost::json::value> ReplicaProcessor(Context& ctx, const boost::json::value& event);
common::Result<boost::json::value> Presigner(Context& ctx, const boost::json::value& event);
common::Result<boost::json::value> InstanceMetadata(Context& ctx, const boost::json::value& event);
common::Result<boost::json::value> FileInfo(Context& ctx, const boost::json::value& event);

// Every built-in handler by name: "checksum-validator", "failure-notifier",
// "replica-processor", "presigner", "instance-metadata", "file-info".
std::map<std::string, Handler, std::less<>> Handlers();

}  // namespace functions::seed
