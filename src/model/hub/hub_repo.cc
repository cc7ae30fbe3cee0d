#include "model/hub/hub_repo.h"

#include <cctype>

namespace bastion::model {
namespace {

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > 96 || name.front() == '.' || name.front() == '-') return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

bool IsValidRevision(std::string_view revision) {
  if (revision.empty() || revision.size() > 255) return false;
  if (revision.find("..") != std::string_view::npos) return false;
  for (char c : revision) {
    if (!IsNameChar(c) && c != '/') return false;
  }
  return revision.front() != '/' && revision.back() != '/';
}

}  // namespace

Result<HubRepoSpec> ParseHubRepoSpec(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("bad repository '" + std::string(text.substr(0, 300)) +
                                   "': " + std::string(why) + " (expected ORG/REPO[@REVISION])");
  };
  HubRepoSpec spec;
  std::string_view repo = text;
  if (size_t at = text.find('@'); at != std::string_view::npos) {
    repo = text.substr(0, at);
    std::string_view revision = text.substr(at + 1);
    if (!IsValidRevision(revision)) return bad("invalid revision");
    spec.revision = std::string(revision);
  }
  size_t slash = repo.find('/');
  if (slash == std::string_view::npos) return bad("no '/'");
  std::string_view org = repo.substr(0, slash);
  std::string_view name = repo.substr(slash + 1);
  if (!IsValidName(org)) return bad("invalid organisation");
  if (!IsValidName(name)) return bad("invalid name");
  spec.org = std::string(org);
  spec.name = std::string(name);
  return spec;
}

}  // namespace bastion::model
