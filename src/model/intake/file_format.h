#pragma once
// What a file is, judged by its bytes (never by its name alone: a pickle renamed
// model.safetensors is still a pickle). Names only add suspicion: a `.py` file is code
// whatever it holds.

#include <cstdint>
#include <span>
#include <string_view>

namespace bastion::model {

enum class FileFormat {
  kEmpty,
  kSafetensors,   // 8-byte header size, then a JSON object
  kGguf,          // "GGUF"
  kZip,           // PyTorch checkpoints (torch.save), other archives
  kPickle,        // raw pickle (protocol 2+ by its PROTO opcode; 0/1 by a clean walk)
  kNpy,           // NumPy array file
  kHdf5,          // Keras .h5: may carry Lambda layers (code) that bastion does not inspect
  kNativeCode,    // ELF, Mach-O, PE: shared objects and executables
  kScript,        // "#!" scripts
  kPythonSource,  // *.py (by name: any content)
  kJson,
  kText,  // other valid UTF-8 without NUL bytes (README, LICENSE, merges.txt)
  kUnknownBinary,
};

// "safetensors", "gguf", "zip", "pickle", "npy", ... as the scan report prints them.
std::string_view FileFormatName(FileFormat format);

// The last component of a '/'-separated path (a file path, a zip entry name).
std::string_view FileNameOf(std::string_view path);

// `bytes` is the whole file (mapped); `name` its file name, for the few cases names decide.
FileFormat SniffFormat(std::span<const uint8_t> bytes, std::string_view name);

}  // namespace bastion::model
