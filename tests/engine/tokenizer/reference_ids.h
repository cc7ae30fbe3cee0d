#pragma once
// The Qwen2/DeepSeek-R1 tokenizer's reference tokenizations (data/qwen2_reference_ids.txt,
// from llama.cpp's test vectors, MIT): one id list per line, '#' lines are comments.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/tokenizer/vocab.h"

namespace bastion::testing {

inline std::vector<std::vector<engine::TokenId>> ReferenceIds() {
  std::ifstream in(std::string(BASTION_SOURCE_DIR) +
                   "/tests/engine/tokenizer/data/qwen2_reference_ids.txt");
  std::vector<std::vector<engine::TokenId>> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("#")) continue;
    std::istringstream ids(line);
    std::vector<engine::TokenId> one;
    for (engine::TokenId id; ids >> id;) one.push_back(id);
    cases.push_back(one);
  }
  return cases;
}

}  // namespace bastion::testing
