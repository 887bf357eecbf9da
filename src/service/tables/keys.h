#pragma once

// The table service's key layout in the region's KvStore (also in
// docs/key-encoding.md). `<id>` is a table's internal id (16 hex digits,
// never reused, so a deleted table's leftovers can never appear in a new
// table of the same name).
//
//   db/t/<table name>                 table record (JSON, "v":1)
//   db/i/<id>/<item key>              item (sealed JSON)
//   db/x/<id>/<index>\0<index key>    GSI entry: the projected item (sealed JSON)
//   db/h/<id>/<item key><stamp>       PITR history: the item's image after a
//                                     write at <stamp> (8 bytes, big-endian
//                                     microseconds), "" for a deletion
//   db/g/<id>                         a deleted table whose data is being removed
//   db/k/<client token>               a TransactWriteItems idempotency record
//
// <item key> = <h16><enc(hash)>[<enc(range)>]: h16 is two bytes of the
// CRC32C of enc(hash) (so scans visit partitions in hash order and Scan
// segments are key ranges), enc() is EncodeKeyValue (self-delimiting and
// order-preserving), so a partition's items are contiguous and sorted by sort
// key. <index key> = <h16(index hash)><enc(index hash)>[<enc(index range)>]
// followed by the table's item key without its h16.

#include <cstdint>
#include <string>
#include <string_view>

#include "service/tables/types.h"

namespace service::tables::keys {

inline constexpr std::string_view kTablePrefix = "db/t/";
inline constexpr std::string_view kItemPrefix = "db/i/";
inline constexpr std::string_view kIndexPrefix = "db/x/";
inline constexpr std::string_view kHistoryPrefix = "db/h/";
inline constexpr std::string_view kGarbagePrefix = "db/g/";
inline constexpr std::string_view kTokenPrefix = "db/k/";

std::string Table(std::string_view name);
std::string Garbage(std::string_view id);
std::string Token(std::string_view token);

// "db/i/<id>/", the prefix of every item of a table.
std::string Items(std::string_view id);
// "db/x/<id>/<index>\0".
std::string IndexEntries(std::string_view id, std::string_view index);
// "db/x/<id>/" (every index of a table).
std::string Indexes(std::string_view id);
// "db/h/<id>/".
std::string History(std::string_view id);

// The two partition bytes of a hash key's encoding.
std::string PartitionBytes(std::string_view encoded_hash);

// <h16><enc(hash)> — the start of a partition's keys (item or index).
std::string PartitionPrefix(const AttributeValue& hash);
// The item key of `item` under `schema` (the item must hold valid key
// attributes): <h16><enc(hash)>[<enc(range)>].
std::string ItemKey(const KeySchema& schema, const Item& item);

// Big-endian 8 bytes, so stamps sort numerically.
std::string Stamp(uint64_t micros);
uint64_t ParseStamp(std::string_view eight_bytes);

}  // namespace service::tables::keys
