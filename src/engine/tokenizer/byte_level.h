#pragma once
// GPT-2's byte-level alphabet: every byte maps to one printable Unicode character, so that
// byte-level BPE vocabularies (Qwen2, Llama 3, DeepSeek) can store any byte sequence as text.
// Printable ASCII and most of Latin-1 map to themselves; the other 68 bytes map to U+0100...

#include <string>
#include <string_view>

namespace bastion::engine {

// Appends the byte-level text of `bytes` (UTF-8) to `out`.
void AppendByteLevel(std::string_view bytes, std::string& out);

// Appends the bytes a byte-level text stands for. False (out unchanged past what was
// appended so far) when `text` holds a character outside the alphabet.
bool AppendBytesOfByteLevel(std::string_view text, std::string& out);

}  // namespace bastion::engine
