#pragma once

// Table records: TableInfo as versioned JSON ("v":1) under keys::Table(name).

#include <string>
#include <string_view>

#include "common/status.h"
#include "service/tables/types.h"

namespace service::tables {

std::string EncodeTable(const TableInfo& table);
// kCorruption if `json` is not a table record this code wrote.
common::Result<TableInfo> DecodeTable(std::string_view json);

// "S", "N", "B" for key types; kInvalidArgument for anything else.
common::Result<ValueType> ParseKeyType(std::string_view name);

}  // namespace service::tables
