#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "app/commands.h"
#include "engine/tokenizer/gguf_vocab.h"
#include "engine/tokenizer/tokenizer.h"
#include "model/gguf/gguf_file.h"

namespace bastion::app {
namespace {

struct TokenizeFlags {
  std::string model;
  bool parse_special = false;
};

int RunTokenize(const TokenizeFlags& flags) {
  auto file = model::GgufFile::Open(flags.model);
  if (!file.ok()) {
    std::fprintf(stderr, "bastion tokenize: %s\n", file.status().message().c_str());
    return kExitUsage;
  }
  auto vocab = engine::VocabFromGguf(*file);
  if (!vocab.ok()) {
    std::fprintf(stderr, "bastion tokenize: %s: %s\n", flags.model.c_str(),
                 vocab.status().message().c_str());
    return kExitUsage;
  }
  auto tokenizer = engine::CreateTokenizer(*vocab);
  if (!tokenizer.ok()) {
    std::fprintf(stderr, "bastion tokenize: %s: %s\n", flags.model.c_str(),
                 tokenizer.status().message().c_str());
    return kExitUsage;
  }
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  std::string line;
  for (engine::TokenId id : (*tokenizer)->Encode(text, flags.parse_special)) {
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
