#include "guard/pattern_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>
#include <string_view>

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

// A pattern's top-level alternatives ("a|b(c|d)|e" gives "a", "b(c|d)", "e"). Each compiles as
// its own expression under the rule's id: Vectorscan builds one engine per expression, and an
// alternation of differently shaped branches (a literal-led one beside one that can start at
// every digit) costs the whole expression the slowest branch's engine, several times over.
std::vector<std::string> TopLevelAlternatives(std::string_view pattern) {
  std::vector<std::string> out;
  int depth = 0;
  bool in_class = false;
  size_t start = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      ++i;  // an escaped byte is never structure
    } else if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') ++i;
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') ++i;  // "[]...]": ']' is a member
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == '|' && depth == 0) {
      out.emplace_back(pattern.substr(start, i - start));
      start = i + 1;
    }
  }
  out.emplace_back(pattern.substr(start));
  return out;
}

}  // namespace

Result<std::shared_ptr<const PatternSet>> PatternSet::Compile(std::vector<const Rule*> rules,
                                                              Mode mode) {
  std::vector<std::string> patterns;
  std::vector<const char*> expressions;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  for (unsigned i = 0; i < rules.size(); ++i) {
    for (std::string& alternative : TopLevelAlternatives(rules[i]->pattern)) {
      patterns.push_back(std::move(alternative));
      flags.push_back(rules[i]->flags | HS_FLAG_SOM_LEFTMOST);
      ids.push_back(i);
    }
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
        error->expression >= 0 && static_cast<size_t>(error->expression) < ids.size()
            ? std::string(rules[ids[error->expression]]->id)
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
