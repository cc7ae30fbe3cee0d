#include "model/hub/hub_file_filter.h"

#include <array>
#include <cctype>
#include <string>

namespace bastion::model {
namespace {

constexpr std::array<std::string_view, 9> kPickleExtensions = {
    ".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".npy", ".h5", ".msgpack"};

bool EndsWithNoCase(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  std::string_view tail = text.substr(text.size() - suffix.size());
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(tail[i])) != suffix[i]) return false;
  }
  return true;
}

}  // namespace

HubFileKind ClassifyHubFile(std::string_view path) {
  if (EndsWithNoCase(path, ".py")) return HubFileKind::kCode;
  for (std::string_view ext : kPickleExtensions) {
    if (EndsWithNoCase(path, ext)) return HubFileKind::kPickle;
  }
  return HubFileKind::kData;
}

std::string_view HubFileKindName(HubFileKind kind) {
  switch (kind) {
    case HubFileKind::kPickle:
      return "pickle";
    case HubFileKind::kCode:
      return "code";
    case HubFileKind::kData:
      break;
  }
  return "data";
}

}  // namespace bastion::model
