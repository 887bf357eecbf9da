#pragma once

// The start-up banner: each region's endpoints and the credentials to use,
// in a form a user can paste into a shell.

#include <cstdint>
#include <string>

namespace server {

class Stack;

std::string Banner(const Stack& stack, int64_t ready_ms);

}  // namespace server
