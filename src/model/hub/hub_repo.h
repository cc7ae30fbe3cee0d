#pragma once
// "ORG/REPO[@REVISION]" as `bastion pull` takes it.

#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion::model {

struct HubRepoSpec {
  std::string org;
  std::string name;
  std::string revision = "main";  // a branch, tag or commit

  std::string repo() const { return org + "/" + name; }
};

// Organisation and name: 1-96 of [A-Za-z0-9._-], not starting with '.' or '-'. Revision:
// 1-255 of [A-Za-z0-9._/-] without "..". InvalidArgument saying what is wrong otherwise.
Result<HubRepoSpec> ParseHubRepoSpec(std::string_view text);

}  // namespace bastion::model
