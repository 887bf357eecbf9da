#pragma once

// Identifiers: request ids (16 upper-case hex characters, like S3's
// x-amz-request-id) and random tokens.

#include <cstddef>
#include <string>

namespace common {

// A new request id, unique within the process and unpredictable. Thread-safe.
std::string NewRequestId();

// `n` cryptographically random bytes rendered as characters from `alphabet`.
// A random (version 4) UUID in its canonical lower-case form.
std::string NewUuid();

std::string RandomString(size_t n, std::string_view alphabet);

}  // namespace common
