#include "model/pickle/symbolic_stack.h"

namespace bastion::model {

bool SymbolicStack::Push(Symbol symbol) {
  if (items_.size() >= max_items_) return false;
  items_.push_back(symbol);
  return true;
}

std::optional<Symbol> SymbolicStack::Pop() {
  if (FrameSize() == 0) return std::nullopt;
  Symbol top = items_.back();
  items_.pop_back();
  return top;
}

const Symbol* SymbolicStack::Top() const { return Peek(0); }

const Symbol* SymbolicStack::Peek(size_t depth) const {
  if (depth >= FrameSize()) return nullptr;
  return &items_[items_.size() - 1 - depth];
}

bool SymbolicStack::PushMark() {
  if (marks_.size() >= max_marks_) return false;
  marks_.push_back(items_.size());
  return true;
}

size_t SymbolicStack::PopMark() {
  size_t count = FrameSize();
  items_.resize(marks_.back());
  marks_.pop_back();
  return count;
}

bool SymbolicStack::PopItemOrMark() {
  if (FrameSize() == 0) {
    if (marks_.empty()) return false;
    marks_.pop_back();
    return true;
  }
  items_.pop_back();
  return true;
}

void SymbolicStack::Clear() {
  items_.clear();
  marks_.clear();
}

}  // namespace bastion::model
