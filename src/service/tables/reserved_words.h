#pragma once

// DynamoDB's reserved words (the developer guide's "Reserved words in
// DynamoDB"): none may be used bare as an attribute name in an expression.

#include <string_view>

namespace service::tables {

// Case-insensitive.
bool IsReservedWord(std::string_view word);

}  // namespace service::tables
