#include "service/tables/keys.h"

#include "common/checksum.h"

namespace service::tables::keys {

namespace {
std::string Join(std::string_view prefix, std::string_view id) {
  std::string k;
  k.reserve(prefix.size() + id.size() + 1);
  k.append(prefix).append(id).push_back('/');
  return k;
}
}  // namespace

std::string Table(std::string_view name) { return std::string(kTablePrefix).append(name); }
std::string Garbage(std::string_view id) { return std::string(kGarbagePrefix).append(id); }
std::string Token(std::string_view token) { return std::string(kTokenPrefix).append(token); }
std::string Items(std::string_view id) { return Join(kItemPrefix, id); }
std::string Indexes(std::string_view id) { return Join(kIndexPrefix, id); }
std::string History(std::string_view id) { return Join(kHistoryPrefix, id); }

std::string IndexEntries(std::string_view id, std::string_view index) {
  std::string k = Indexes(id);
  k.append(index).push_back('\0');
  return k;
}

std::string PartitionBytes(std::string_view encoded_hash) {
  uint32_t crc = common::Crc32c(0, encoded_hash);
  return {static_cast<char>((crc >> 24) & 0xff), static_cast<char>((crc >> 16) & 0xff)};
}

std::string PartitionPrefix(const AttributeValue& hash) {
  std::string enc = EncodeKeyValue(hash);
  std::string k = PartitionBytes(enc);
  k += enc;
  return k;
}

std::string ItemKey(const KeySchema& schema, const Item& item) {
  std::string k = PartitionPrefix(item.find(schema.hash.name)->second);
  if (schema.range) k += EncodeKeyValue(item.find(schema.range->name)->second);
  return k;
}

std::string Stamp(uint64_t micros) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i) {
    s[i] = static_cast<char>(micros & 0xff);
    micros >>= 8;
  }
  return s;
}

uint64_t ParseStamp(std::string_view b) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < b.size(); ++i) v = (v << 8) | static_cast<unsigned char>(b[i]);
  return v;
}

}  // namespace service::tables::keys
