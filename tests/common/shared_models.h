#pragma once
// The real model files tests read in place (../shared/models; never copied into the repo):
// $BASTION_SHARED_MODELS, else the directory the build was configured with.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace bastion::testing {

inline std::string SharedModelPath(std::string_view file) {
  const char* env = std::getenv("BASTION_SHARED_MODELS");
#ifdef BASTION_SHARED_MODELS
  std::string dir = env != nullptr ? env : BASTION_SHARED_MODELS;
#else
  std::string dir = env != nullptr ? env : "";
#endif
  return dir + "/" + std::string(file);
}

inline bool HaveSharedModel(std::string_view file) {
  return std::filesystem::exists(SharedModelPath(file));
}

}  // namespace bastion::testing
