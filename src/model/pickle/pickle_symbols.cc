#include "model/pickle/pickle_symbols.h"

#include <algorithm>

namespace bastion::model {

bool SymbolTable::Store(std::string_view text, TextRef* out) {
  size_t kept = std::min(text.size(), max_text_);
  if (full_ || bytes_.size() + kept > max_bytes_ ||
      texts_.size() + globals_.size() + 2 > max_entries_) {
    full_ = true;
    return false;
  }
  *out = {static_cast<uint32_t>(bytes_.size()), static_cast<uint32_t>(kept), kept < text.size()};
  bytes_.append(text.substr(0, kept));
  return true;
}

SymbolText SymbolTable::View(const TextRef& ref) const {
  return {std::string_view(bytes_).substr(ref.offset, ref.size), ref.truncated};
}

uint32_t SymbolTable::AddText(std::string_view text) {
  TextRef ref;
  if (!Store(text, &ref)) return kNoSymbolRef;
  texts_.push_back(ref);
  return static_cast<uint32_t>(texts_.size() - 1);
}

uint32_t SymbolTable::AddGlobal(std::string_view module, std::string_view name) {
  TextRef m;
  TextRef n;
  if (!Store(module, &m) || !Store(name, &n)) return kNoSymbolRef;
  globals_.push_back(m);
  globals_.push_back(n);
  return static_cast<uint32_t>(globals_.size() / 2 - 1);
}

SymbolText SymbolTable::Text(uint32_t ref) const { return View(texts_[ref]); }

SymbolGlobal SymbolTable::Global(uint32_t ref) const {
  return {View(globals_[2 * size_t{ref}]), View(globals_[2 * size_t{ref} + 1])};
}

void SymbolTable::Clear() {
  full_ = false;
  bytes_.clear();
  texts_.clear();
  globals_.clear();
}

}  // namespace bastion::model
