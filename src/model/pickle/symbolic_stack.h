#pragma once
// The unpickler's stack as the walker models it: symbols split into frames by MARK, with
// CPython's rule that an opcode may only pop items above the newest mark (popping further is
// "unpickling stack underflow"). Bounded: pushes beyond the item or mark limit fail, and the
// walker stops there. Internal to the walker.

#include <cstddef>
#include <optional>
#include <vector>

#include "model/pickle/pickle_symbols.h"

namespace bastion::model {

class SymbolicStack {
 public:
  SymbolicStack(size_t max_items, size_t max_marks)
      : max_items_(max_items), max_marks_(max_marks) {}

  // False when the item limit is reached (nothing pushed).
  [[nodiscard]] bool Push(Symbol symbol);
  // The top item of the current frame, removed; nullopt when the frame is empty.
  std::optional<Symbol> Pop();
  // The top item of the current frame; nullptr when the frame is empty.
  const Symbol* Top() const;
  // The item `depth` below the top of the current frame (0 = top); nullptr when absent.
  const Symbol* Peek(size_t depth) const;
  size_t FrameSize() const { return items_.size() - Fence(); }

  // False when the mark limit is reached.
  [[nodiscard]] bool PushMark();
  bool HasMark() const { return !marks_.empty(); }
  // Drops the current frame's items and its mark, returning how many items there were.
  // REQUIRES: HasMark().
  size_t PopMark();
  // POP: CPython pops the newest mark when the frame is empty and one exists, else an item.
  // False on underflow.
  bool PopItemOrMark();

  void Clear();

 private:
  size_t Fence() const { return marks_.empty() ? 0 : marks_.back(); }

  size_t max_items_;
  size_t max_marks_;
  std::vector<Symbol> items_;
  std::vector<size_t> marks_;
};

}  // namespace bastion::model
