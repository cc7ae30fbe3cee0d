#pragma once
// SHA-256 of whole files, as model hubs publish them (the Hugging Face Hub's LFS oid, Ollama's
// blob names): OpenSSL's implementation, which uses the CPU's SHA extensions where present,
// over the mapped file, so hashing costs no copy.

#include <span>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion::model {

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::span<const uint8_t> bytes);
// The same for text (audit chain hashes and content digests).
std::string Sha256HexOfText(std::string_view text);

// The same for the file at `path` (an empty file included). IoError when it cannot be read.
Result<std::string> Sha256File(const std::string& path);

}  // namespace bastion::model
