#include "model/intake/file_format.h"

#include <cstring>

#include "common/byte_reader.h"
#include "model/zip/zip_archive.h"

namespace bastion::model {
namespace {

bool StartsWith(std::span<const uint8_t> bytes, std::string_view magic) {
  return bytes.size() >= magic.size() && std::memcmp(bytes.data(), magic.data(), magic.size()) == 0;
}

// An 8-byte little-endian header size that fits the file, followed by '{'.
bool LooksLikeSafetensors(std::span<const uint8_t> bytes) {
  if (bytes.size() < 10) return false;
  const uint64_t header = LoadLittleEndian<uint64_t>(bytes.data());
  return header >= 2 && header <= bytes.size() - 8 && bytes[8] == '{';
}

// Valid UTF-8 without NUL bytes.
bool IsText(std::span<const uint8_t> bytes) {
  for (size_t i = 0; i < bytes.size();) {
    const uint8_t c = bytes[i];
    if (c == 0) return false;
    const size_t extra = c < 0x80         ? 0
                         : (c >> 5) == 6  ? 1
                         : (c >> 4) == 14 ? 2
                         : (c >> 3) == 30 ? 3
                                          : 4;
    if (extra == 4) return false;                              // not a lead byte
    if (extra > 0 && extra >= bytes.size() - i) return false;  // cut short
    for (size_t k = 1; k <= extra; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace

std::string_view FileFormatName(FileFormat format) {
  switch (format) {
    case FileFormat::kEmpty:
      return "empty";
    case FileFormat::kSafetensors:
      return "safetensors";
    case FileFormat::kGguf:
      return "gguf";
    case FileFormat::kZip:
      return "zip";
    case FileFormat::kPickle:
      return "pickle";
    case FileFormat::kNpy:
      return "npy";
    case FileFormat::kHdf5:
      return "hdf5";
    case FileFormat::kNativeCode:
      return "native-code";
    case FileFormat::kScript:
      return "script";
    case FileFormat::kPythonSource:
      return "python";
    case FileFormat::kJson:
      return "json";
    case FileFormat::kText:
      return "text";
    case FileFormat::kUnknownBinary:
      return "unknown";
  }
  return "unknown";
}

std::string_view FileNameOf(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

FileFormat SniffFormat(std::span<const uint8_t> bytes, std::string_view name) {
  if (name.ends_with(".py") || name.ends_with(".pyc")) return FileFormat::kPythonSource;
  if (bytes.empty()) return FileFormat::kEmpty;
  if (StartsWith(bytes, "GGUF")) return FileFormat::kGguf;
  if (StartsWith(bytes, "\x93NUMPY")) return FileFormat::kNpy;
  if (LooksLikeZip(bytes)) return FileFormat::kZip;  // also a zip appended to other bytes
  if (StartsWith(bytes, "\x89HDF\r\n\x1a\n")) return FileFormat::kHdf5;
  if (StartsWith(bytes,
                 "\x7f"
                 "ELF") ||
      StartsWith(bytes, "MZ") || StartsWith(bytes, "\xcf\xfa\xed\xfe") ||
      StartsWith(bytes, "\xce\xfa\xed\xfe") || StartsWith(bytes, "\xca\xfe\xba\xbe")) {
    return FileFormat::kNativeCode;
  }
  if (LooksLikeSafetensors(bytes)) return FileFormat::kSafetensors;
  // PROTO 2..5: what every pickle since Python 2.3 starts with (torch.save writes 2).
  if (bytes.size() >= 2 && bytes[0] == 0x80 && bytes[1] >= 2 && bytes[1] <= 5) {
    return FileFormat::kPickle;
  }
  if (StartsWith(bytes, "#!")) return FileFormat::kScript;
  if (IsText(bytes)) {
    size_t i = 0;
    while (i < bytes.size() &&
           (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t')) {
      ++i;
    }
    if (i < bytes.size() && (bytes[i] == '{' || bytes[i] == '[')) return FileFormat::kJson;
    return FileFormat::kText;
  }
  return FileFormat::kUnknownBinary;
}

}  // namespace bastion::model
