#include "model/pickle/pickle_memo.h"

namespace bastion::model {

PickleMemo::Lookup PickleMemo::Get(uint64_t index, Symbol* out) const {
  if (degraded_) return Lookup::kUnknown;
  auto it = entries_.find(index);
  if (it == entries_.end()) return Lookup::kMissing;
  *out = it->second;
  return Lookup::kFound;
}

bool PickleMemo::Put(uint64_t index, Symbol symbol) {
  if (degraded_) return true;
  auto it = entries_.find(index);
  if (it != entries_.end()) {
    it->second = symbol;
    return true;
  }
  if (entries_.size() >= max_entries_) {
    degraded_ = true;
    entries_.clear();
    return false;
  }
  entries_.emplace(index, symbol);
  return true;
}

bool PickleMemo::Memoize(Symbol symbol) {
  if (degraded_) return true;
  return Put(entries_.size(), symbol);
}

void PickleMemo::Clear() {
  degraded_ = false;
  entries_.clear();
}

}  // namespace bastion::model
