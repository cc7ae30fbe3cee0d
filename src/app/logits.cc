#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "app/commands.h"
#include "engine/loaded_model.h"

namespace bastion::app {
namespace {

struct LogitsFlags {
  std::string model;
  std::vector<int64_t> tokens;
  std::string out;
  bool all_positions = false;
  std::string kernels = "fast";
  std::string hidden_states;  // file for every layer's output at every position
};

// Every layer's hidden states (layers x tokens x hidden, float32), as the prompt path makes them.
bool WriteHiddenStates(engine::Transformer& model, const std::vector<engine::TokenId>& tokens,
                       const std::string& path) {
  const engine::ModelConfig& c = model.config();
  std::vector<float> states(c.layers * tokens.size() * c.embedding);
  model.SetLayerObserver(
      [&](size_t layer, std::span<const engine::BatchToken> batch, const float* hidden) {
        for (size_t b = 0; b < batch.size(); ++b) {
          std::copy_n(hidden + b * c.embedding, c.embedding,
                      &states[(layer * tokens.size() + batch[b].pos) * c.embedding]);
        }
      });
  engine::KvCache cache(c, tokens.size());
  std::vector<float> logits(c.vocab_size);
  model.Prefill(tokens, 0, cache, logits.data());
  model.SetLayerObserver(nullptr);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(states.data()),
            static_cast<std::streamsize>(states.size() * sizeof(float)));
  return static_cast<bool>(out.flush());
}

int RunLogits(const LogitsFlags& flags) {
  auto loaded =
      engine::LoadModel(flags.model, engine::LoadParts::kWeights, 0, flags.kernels == "reference");
  if (!loaded.ok()) {
    std::fprintf(stderr, "bastion logits: %s\n", loaded.status().message().c_str());
    return kExitUsage;
  }
  engine::Transformer* model = (*loaded)->transformer.get();
  const engine::ModelConfig& c = model->config();
  for (int64_t t : flags.tokens) {
    if (t < 0 || t >= c.vocab_size) {
      std::fprintf(stderr, "bastion logits: token %lld is not in the vocabulary (0-%u)\n",
                   static_cast<long long>(t), c.vocab_size - 1);
      return kExitUsage;
    }
  }
  std::vector<engine::TokenId> tokens(flags.tokens.begin(), flags.tokens.end());
  if (!flags.hidden_states.empty() && !WriteHiddenStates(*model, tokens, flags.hidden_states)) {
    std::fprintf(stderr, "bastion logits: cannot write '%s'\n", flags.hidden_states.c_str());
    return kExitFailure;
  }
  std::ofstream out(flags.out, std::ios::binary | std::ios::trunc);
  if (!out) {
    std::fprintf(stderr, "bastion logits: cannot write '%s'\n", flags.out.c_str());
    return kExitFailure;
  }
  engine::KvCache cache(c, flags.tokens.size());
  std::vector<float> logits(c.vocab_size);
  auto write = [&] {  // x86-64 is little-endian: the floats go out as they are in memory
    out.write(reinterpret_cast<const char*>(logits.data()),
              static_cast<std::streamsize>(logits.size() * sizeof(float)));
  };
  if (flags.all_positions) {
    for (size_t pos = 0; pos < tokens.size(); ++pos) {
      model->Forward(tokens[pos], pos, cache, logits.data());
      write();
    }
  } else {
    model->Prefill(tokens, 0, cache, logits.data());  // the prompt path run and bench take
    write();
  }
  if (!out.flush()) {
    std::fprintf(stderr, "bastion logits: writing '%s' failed\n", flags.out.c_str());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

Command RegisterLogits(CLI::App& app) {
  auto flags = std::make_shared<LogitsFlags>();
  CLI::App* cmd = app.add_subcommand(
      "logits",
      "Run token ids through the model and write the final position's logits (or every\n"
      "position's, row-major) as little-endian float32, for checks against other engines");
  cmd->add_option("--model", flags->model, "Model file (GGUF)")->required();
  cmd->add_option("--tokens", flags->tokens, "Token ids, comma-separated")
      ->required()
      ->delimiter(',');
  cmd->add_option("--out", flags->out, "File to write the logits to")->required();
  cmd->add_option("--hidden-states", flags->hidden_states,
                  "Also write every layer's output at every position (layers x tokens x hidden,\n"
                  "float32), for layer-by-layer comparisons");
  cmd->add_flag("--all-positions", flags->all_positions,
                "Write every position's logits (tokens x vocab), not only the last");
  cmd->add_option("--kernels", flags->kernels,
                  "fast: what run, serve and bench use (quantized weights multiply 8-bit\n"
                  "activations);\n"
                  "reference: the exact portable kernels")
      ->capture_default_str()
      ->check(CLI::IsMember({"fast", "reference"}));
  return [flags] { return RunLogits(*flags); };
}

}  // namespace bastion::app
