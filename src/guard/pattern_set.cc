#include "guard/pattern_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>

namespace bastion::guard {
namespace {

// Grows with every set it is used for (Vectorscan only ever enlarges it); freed when the
// thread ends.
struct ThreadScratch {
  hs_scratch_t* scratch = nullptr;
  std::vector<uint64_t> fitted;  // serials of the sets it is large enough for
  ~ThreadScratch() { hs_free_scratch(scratch); }
};

std::atomic<uint64_t> next_serial{1};

}  // namespace

Result<std::shared_ptr<const PatternSet>> PatternSet::Compile(std::vector<const Rule*> rules,
                                                              Mode mode) {
  std::vector<std::string> patterns;
  std::vector<const char*> expressions;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  patterns.reserve(rules.size());
  for (unsigned i = 0; i < rules.size(); ++i) {
    patterns.emplace_back(rules[i]->pattern);
    flags.push_back(rules[i]->flags | HS_FLAG_SOM_LEFTMOST);
    ids.push_back(i);
  }
  for (const auto& p : patterns) expressions.push_back(p.c_str());
  unsigned hs_mode =
      mode == Mode::kBlock ? HS_MODE_BLOCK : HS_MODE_STREAM | HS_MODE_SOM_HORIZON_LARGE;
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                       static_cast<unsigned>(expressions.size()), hs_mode, nullptr, &db,
                       &error) != HS_SUCCESS) {
    std::string where =
        error->expression >= 0 && static_cast<size_t>(error->expression) < rules.size()
            ? std::string(rules[error->expression]->id)
            : std::string("the rule set");
    std::string message = fmt::format("guard rule {} does not compile: {}", where,
                                      error->message ? error->message : "unknown error");
    hs_free_compile_error(error);
    return Status::InvalidArgument(message);
  }
  return std::shared_ptr<const PatternSet>(
      new PatternSet(std::move(rules), mode, db, next_serial++));
}

PatternSet::~PatternSet() { hs_free_database(db_); }

hs_scratch_t* PatternSet::ScratchFor() const {
  thread_local ThreadScratch local;
  if (std::find(local.fitted.begin(), local.fitted.end(), serial_) == local.fitted.end()) {
    // Only fails on a corrupt database or out of memory; both are fatal for the guard.
    if (hs_alloc_scratch(db_, &local.scratch) != HS_SUCCESS) std::abort();
    local.fitted.push_back(serial_);
  }
  return local.scratch;
}

}  // namespace bastion::guard
