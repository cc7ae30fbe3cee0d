#include "model/zip/zip_entry_name.h"

namespace bastion::model::zip {
namespace {

constexpr size_t kMaxShownBytes = 200;

}  // namespace

std::string QuoteName(std::string_view name) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (size_t i = 0; i < name.size() && i < kMaxShownBytes; ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (c >= 0x20 && c < 0x7F && c != '\'' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  if (name.size() > kMaxShownBytes) out += "...";
  return out + "'";
}

std::string EntryLabel(std::string_view name) { return "entry " + QuoteName(name); }

}  // namespace bastion::model::zip
