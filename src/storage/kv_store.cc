#include "storage/kv_store.h"

#include <utility>

#include "storage/kv_store_internal.h"

namespace storage {
namespace {

class ErrorIterator final : public Iterator {
 public:
  explicit ErrorIterator(Status status) : status_(std::move(status)) {}

  bool Valid() const override { return false; }
  void SeekToFirst() override {}
  void SeekToLast() override {}
  void Seek(std::string_view) override {}
  void SeekForPrev(std::string_view) override {}
  void Next() override {}
  void Prev() override {}
  std::string_view key() const override { return {}; }
  std::string_view value() const override { return {}; }
  Status status() const override { return status_; }

 private:
  const Status status_;
};

}  // namespace

std::unique_ptr<Iterator> NewErrorIterator(Status status) {
  return std::make_unique<ErrorIterator>(std::move(status));
}

void WriteBatch::Put(std::string_view key, std::string_view value) {
  ops_.push_back(Op{OpType::kPut, std::string(key), std::string(value)});
  bytes_ += key.size() + value.size();
}

void WriteBatch::Delete(std::string_view key) {
  ops_.push_back(Op{OpType::kDelete, std::string(key), std::string()});
  bytes_ += key.size();
}

void WriteBatch::Clear() {
  ops_.clear();
  bytes_ = 0;
}

std::string PrefixSuccessor(std::string_view prefix) {
  // Drop trailing 0xff bytes (they cannot be incremented), then increment the
  // last remaining byte: "ab\xff" -> "ac". Every key starting with `prefix`
  // sorts below the result, and nothing between them does.
  std::string out(prefix);
  while (!out.empty() && static_cast<unsigned char>(out.back()) == 0xff) {
    out.pop_back();
  }
  if (!out.empty()) {
    out.back() = static_cast<char>(static_cast<unsigned char>(out.back()) + 1);
  }
  return out;
}

}  // namespace storage
