#pragma once
// The unpickler's memo as the walker models it. Bounded: past `max_entries` it stops
// tracking, and from then on every read is "unknown" rather than a possibly stale symbol,
// because MEMOIZE's index (the count of distinct keys) is no longer known and a later write
// may have replaced any entry. Internal to the walker.

#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "model/pickle/pickle_symbols.h"

namespace bastion::model {

class PickleMemo {
 public:
  explicit PickleMemo(size_t max_entries) : max_entries_(max_entries) {}

  enum class Lookup { kFound, kMissing, kUnknown };
  Lookup Get(uint64_t index, Symbol* out) const;
  // Returns false the first time the entry limit makes the memo degrade.
  bool Put(uint64_t index, Symbol symbol);
  // MEMOIZE: stores at the count of distinct keys. Same return as Put().
  bool Memoize(Symbol symbol);

  bool degraded() const { return degraded_; }
  void Clear();

 private:
  size_t max_entries_;
  bool degraded_ = false;
  std::unordered_map<uint64_t, Symbol> entries_;
};

}  // namespace bastion::model
