#pragma once
// Rules compiled into one Vectorscan database, in block mode (whole requests) or streaming
// mode (generated output arriving token by token). Immutable once compiled; share it across
// threads. Each thread scans with its own scratch space (ScratchFor).

#include <hs/hs.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.h"
#include "guard/rule.h"

namespace bastion::guard {

class PatternSet {
 public:
  enum class Mode { kBlock, kStream };

  // Every match reports its leftmost start (SOM); each top-level alternative of a pattern is
  // its own expression under the rule's id. Fails with the rule id and Vectorscan's
  // message when a pattern does not compile.
  static Result<std::shared_ptr<const PatternSet>> Compile(std::vector<const Rule*> rules,
                                                           Mode mode);
  ~PatternSet();
  PatternSet(const PatternSet&) = delete;
  PatternSet& operator=(const PatternSet&) = delete;

  Mode mode() const { return mode_; }
  size_t size() const { return rules_.size(); }
  // REQUIRES: id < size(); the id Vectorscan reports for a match.
  const Rule& rule(unsigned id) const { return *rules_[id]; }
  const hs_database_t* database() const { return db_; }

  // This thread's scratch space, grown to fit this set. Valid until the thread ends;
  // one scan at a time per thread.
  hs_scratch_t* ScratchFor() const;

 private:
  PatternSet(std::vector<const Rule*> rules, Mode mode, hs_database_t* db, uint64_t serial)
      : rules_(std::move(rules)), mode_(mode), db_(db), serial_(serial) {}

  std::vector<const Rule*> rules_;
  Mode mode_;
  hs_database_t* db_;
  uint64_t serial_;  // unique per set, so a thread knows which sets its scratch fits
};

}  // namespace bastion::guard
