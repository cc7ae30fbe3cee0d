#pragma once
// What the pickle walker knows about one stack or memo item: nothing (opaque), a constant
// string, an imported global, or an instance made by calling a known global. Texts live in
// a bounded arena so that a symbol is 8 bytes and memory never grows with the input beyond
// the limits given. Internal to the walker.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bastion::model {

inline constexpr uint32_t kNoSymbolRef = UINT32_MAX;

enum class SymbolKind : uint8_t {
  kOpaque,    // anything the walker does not track (numbers, containers, call results...)
  kString,    // ref: a text in the table
  kGlobal,    // ref: a global in the table, or kNoSymbolRef for an import the table lost
  kInstance,  // ref: the global whose call made it, or kNoSymbolRef
};

struct Symbol {
  SymbolKind kind = SymbolKind::kOpaque;
  uint32_t ref = kNoSymbolRef;
};

struct SymbolText {
  std::string_view text;
  bool truncated = false;  // the original was longer than the table retains
};

struct SymbolGlobal {
  SymbolText module;
  SymbolText name;
};

// Append-only store of texts (each cut to `max_text` bytes) and globals, bounded in bytes and
// entries. Views it returns stay valid until Clear() or the next Add*().
class SymbolTable {
 public:
  SymbolTable(size_t max_text, size_t max_bytes, size_t max_entries)
      : max_text_(max_text), max_bytes_(max_bytes), max_entries_(max_entries) {}

  // kNoSymbolRef when the table is full (then full() is true).
  uint32_t AddText(std::string_view text);
  uint32_t AddGlobal(std::string_view module, std::string_view name);

  // REQUIRES: ref came from the matching Add*() since the last Clear().
  SymbolText Text(uint32_t ref) const;
  SymbolGlobal Global(uint32_t ref) const;

  bool full() const { return full_; }
  void Clear();

 private:
  struct TextRef {
    uint32_t offset;
    uint32_t size;
    bool truncated;
  };
  bool Store(std::string_view text, TextRef* out);
  SymbolText View(const TextRef& ref) const;

  size_t max_text_;
  size_t max_bytes_;
  size_t max_entries_;
  bool full_ = false;
  std::string bytes_;
  std::vector<TextRef> texts_;
  std::vector<TextRef> globals_;  // module at 2*i, name at 2*i + 1
};

}  // namespace bastion::model
