#pragma once
// Finds where a JSON text stops being valid, so a 400 can say "line 3, column 14" instead
// of just "invalid JSON". Only called on the error path; iterative, so deep nesting cannot
// overflow the stack.

#include <cstddef>
#include <string>
#include <string_view>

namespace bastion {

struct JsonErrorLocation {
  bool valid = true;  // the text is valid JSON (within max_depth)
  size_t offset = 0;  // byte offset of the first offending byte
  size_t line = 1;    // 1-based
  size_t column = 1;  // 1-based, in bytes
  std::string reason;

  // "line L, column C: reason"
  std::string Describe() const;
};

JsonErrorLocation LocateJsonError(std::string_view text, size_t max_depth = 64);

}  // namespace bastion
