#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "app/commands.h"
#include "engine/loaded_model.h"

namespace bastion::app {
namespace {

struct TokenizeFlags {
  std::string model;
  bool parse_special = false;
};

int RunTokenize(const TokenizeFlags& flags) {
  auto loaded = engine::LoadModel(flags.model, engine::LoadParts::kTokenizer);
  if (!loaded.ok()) {
    std::fprintf(stderr, "bastion tokenize: %s\n", loaded.status().message().c_str());
    return kExitUsage;
  }
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  std::string line;
  for (engine::TokenId id : (*loaded)->tokenizer->Encode(text, flags.parse_special)) {
    if (!line.empty()) line += ' ';
    line += std::to_string(id);
  }
  std::printf("%s\n", line.c_str());
  return kExitOk;
}

}  // namespace

Command RegisterTokenize(CLI::App& app) {
  auto flags = std::make_shared<TokenizeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "tokenize",
      "Read text on stdin and print the model's token ids, space-separated (no BOS added).\n"
      "User-defined tokens such as <think> always match; control tokens such as <｜User｜>\n"
      "only with --parse-special, as the reference tokenizers do.");
  cmd->add_option("--model", flags->model, "Model file (GGUF) whose tokenizer to use")->required();
  cmd->add_flag("--parse-special", flags->parse_special,
                "Match control-token text (<｜User｜>, <s>) as the control tokens");
  return [flags] { return RunTokenize(*flags); };
}

}  // namespace bastion::app
