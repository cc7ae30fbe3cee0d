#include "model/zip/zip_name_checks.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

#include "model/zip/zip_entry_name.h"

namespace bastion::model::zip {
namespace {

bool HasDotDotComponent(std::string_view name) {
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find_first_of("/\\", start);
    if (end == std::string_view::npos) end = name.size();
    if (name.substr(start, end - start) == "..") return true;
    start = end + 1;
  }
  return false;
}

bool HasDriveLetter(std::string_view name) {
  return name.size() >= 2 && name[1] == ':' &&
         ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'));
}

// The name two lenient readers would agree on: lower case, '/' separators, no "." or empty
// components.
std::string LookupKey(std::string_view name) {
  std::string key;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find_first_of("/\\", start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    if (!part.empty() && part != ".") {
      if (!key.empty()) key.push_back('/');
      for (char c : part)
        key.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    start = end + 1;
  }
  return key;
}

}  // namespace

void CheckName(const ZipEntry& e, std::vector<Finding>& findings) {
  std::string_view name = e.name;
  const char* why = nullptr;
  if (!name.empty() && name[0] == '/') {
    why = "is an absolute path";
  } else if (name.find('\\') != std::string_view::npos) {
    why = "contains a backslash";
  } else if (HasDriveLetter(name)) {
    why = "starts with a drive letter";
  } else if (HasDotDotComponent(name)) {
    why = "has a '..' component";
  }
  if (why != nullptr) {
    findings.push_back({Severity::kHigh, "zip.path_escape",
                        EntryLabel(e.name) + " " + why +
                            "; extracted, it can land outside "
                            "its folder"});
  }
  if (name.find('\0') != std::string_view::npos) {
    findings.push_back({Severity::kHigh, "zip.bad_name",
                        EntryLabel(name) +
                            " has a NUL byte in its name; C and Python readers see different "
                            "names"});
  } else if (name.empty()) {
    findings.push_back({Severity::kMedium, "zip.bad_name", "an entry has an empty name"});
  }
}

void CheckDuplicates(const std::vector<ZipEntry>& entries, std::vector<Finding>& findings) {
  std::vector<std::pair<std::string, size_t>> keys;
  keys.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) keys.emplace_back(LookupKey(entries[i].name), i);
  std::sort(keys.begin(), keys.end());
  for (size_t i = 1; i < keys.size(); ++i) {
    if (keys[i].first != keys[i - 1].first) continue;
    const ZipEntry& a = entries[keys[i - 1].second];
    const ZipEntry& b = entries[keys[i].second];
    std::string how = a.name == b.name ? "the same name" : "names that readers may confuse";
    findings.push_back({Severity::kHigh, "zip.duplicate_entry",
                        "entries #" + std::to_string(keys[i - 1].second) + " " + QuoteName(a.name) +
                            " and #" + std::to_string(keys[i].second) + " " + QuoteName(b.name) +
                            " have " + how + "; readers disagree on which one is loaded"});
  }
}

}  // namespace bastion::model::zip
