#include "auth/keys/key_columns.h"

namespace bastion::auth {

std::string JoinModels(const std::vector<std::string>& models) {
  std::string joined;
  for (const auto& m : models) joined += (joined.empty() ? "" : ",") + m;
  return joined;
}

std::vector<std::string> SplitModels(const std::string& joined) {
  std::vector<std::string> models;
  size_t start = 0;
  while (start < joined.size()) {
    size_t comma = joined.find(',', start);
    if (comma == std::string::npos) comma = joined.size();
    models.push_back(joined.substr(start, comma - start));
    start = comma + 1;
  }
  return models;
}

}  // namespace bastion::auth
