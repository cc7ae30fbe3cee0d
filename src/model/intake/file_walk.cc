#include "model/intake/file_walk.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace bastion::model {
namespace fs = std::filesystem;

Result<std::vector<WalkedFile>> ListFiles(const std::string& dir) {
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, ec), end;
  if (ec) return Status::IoError(dir + ": " + ec.message());
  std::vector<WalkedFile> files;
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::IoError(dir + ": " + ec.message());
    const fs::directory_entry& entry = *it;
    if (entry.is_directory(ec)) {
      const auto name = entry.path().filename();
      if (name == ".git" || name == ".bastion") it.disable_recursion_pending();
      continue;  // a directory symlink is listed by the iterator, not entered
    }
    files.push_back({entry.path().lexically_relative(dir).string(), entry.path().string(),
                     entry.is_regular_file(ec)});
  }
  std::sort(files.begin(), files.end(),
            [](const WalkedFile& a, const WalkedFile& b) { return a.path < b.path; });
  return files;
}

}  // namespace bastion::model
