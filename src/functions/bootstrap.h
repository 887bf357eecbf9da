#pragma once

// The custom runtime loop: what `stratus lambda-bootstrap` runs as the
// `bootstrap` of a provided.al2023 function on AWS Lambda, or as the external
// process of a stratus function with a runtime_api (runtime_api.h). It reads
// Lambda's environment, then forever: GET .../invocation/next, run the
// handler named by _HANDLER, POST .../response (or .../error with
// {errorMessage, errorType}).
//
// Environment:
//   AWS_LAMBDA_RUNTIME_API   host:port of the Runtime API (required)
//   _HANDLER                 a built-in handler, e.g. checksum-validator (required)
//   AWS_REGION               the function's region (required)
//   AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_MEMORY_SIZE   as Lambda sets them
//   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN  the role's credentials
//   AWS_ENDPOINT_URL         the services of AWS_REGION (http:// or https://host:port);
//                            unset: AWS's own, https://<service>.<region>.amazonaws.com
//   STRATUS_ENDPOINTS        other regions: "ap-southeast-1=http://127.0.0.1:4567,...";
//                            a region not listed: AWS's own endpoints
//   AWS_CA_BUNDLE            PEM file of the CAs trusted for https (default: the system's)
//   every other variable is the function's environment (ctx.env).
//
// The handler's log lines go to stdout, "<time>\t<request id>\t<line>", as
// Lambda's runtimes print them (CloudWatch Logs takes stdout).

#include <map>
#include <string>

#include "functions/function.h"

namespace functions {

// Runs the loop until the Runtime API says it is stopping (503: returns 0) or
// cannot be reached for 10 s (returns 1). Bad environment: 2, with a message.
int RunBootstrap(const std::map<std::string, Handler, std::less<>>& handlers);

}  // namespace functions
