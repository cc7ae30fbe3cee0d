#include <cstdio>
#include <string>

#include "app/commands.h"
#include "engine/generation/stop_strings.h"
#include "engine/loaded_model.h"
#include "engine/model/transformer.h"
#include "engine/sampling/sampler.h"

namespace bastion::app {
namespace {

struct RunFlags {
  std::string model;
  std::string prompt;
  int max_tokens = 128;
  std::string quantize;
  engine::SamplingParams sampling;
};

int Generate(const RunFlags& flags, const engine::Transformer& model,
             const engine::Tokenizer& tokenizer, const engine::Vocab& vocab) {
  std::vector<engine::TokenId> tokens;
  if (vocab.bos && vocab.add_bos) tokens.push_back(*vocab.bos);
  for (auto id : tokenizer.Encode(flags.prompt, false)) tokens.push_back(id);
  const size_t limit = std::min<size_t>(model.config().context_length,
                                        tokens.size() + static_cast<size_t>(flags.max_tokens));
  if (tokens.size() >= limit) {
    std::fprintf(stderr, "bastion run: the prompt fills the model's context\n");
    return kExitUsage;
  }
  engine::KvCache cache(model.config(), limit);
  engine::Sampler sampler(flags.sampling);
  engine::StopStrings text({});
  std::vector<float> logits(model.config().vocab_size);
  std::fputs(flags.prompt.c_str(), stdout);
  model.Prefill(tokens, 0, cache, logits.data());
  for (size_t pos = tokens.size(); pos < limit; ++pos) {  // pos: where the next token goes
    engine::TokenId next = sampler.Sample(logits, tokens).id;
    if (vocab.eos && next == *vocab.eos) break;
    tokens.push_back(next);
    std::fputs(text.Feed(tokenizer.Decode(next)).c_str(), stdout);
    std::fflush(stdout);
    if (pos + 1 < limit) model.Forward(next, pos, cache, logits.data());
  }
  std::printf("%s\n", text.Flush().c_str());
  return kExitOk;
}

int RunOnce(const RunFlags& flags) {
  auto loaded = engine::LoadModel(flags.model, engine::LoadParts::kTokenizerAndWeights, 0, false,
                                  flags.quantize == "q8_0");
  if (!loaded.ok()) {
    std::fprintf(stderr, "bastion run: %s\n", loaded.status().message().c_str());
    return kExitUsage;
  }
  const engine::LoadedModel& m = **loaded;
  return Generate(flags, *m.transformer, *m.tokenizer, m.vocab);
}

}  // namespace

Command RegisterRun(CLI::App& app) {
  auto flags = std::make_shared<RunFlags>();
  flags->sampling.temperature = 0;
  CLI::App* cmd = app.add_subcommand(
      "run", "Generate text from a prompt with the embedded engine, once, and print it");
  cmd->add_option("--model", flags->model,
                  "GGUF file or Hugging Face folder (llama or qwen2 architecture)")
      ->required();
  cmd->add_option("--quantize", flags->quantize,
                  "q8_0: convert a Hugging Face folder's F16/BF16 weights to Q8_0 at load")
      ->check(CLI::IsMember({"q8_0"}));
  cmd->add_option("--prompt", flags->prompt, "Text to continue (no chat template applied)")
      ->required();
  cmd->add_option("-n,--max-tokens", flags->max_tokens, "Most tokens to generate")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--temperature", flags->sampling.temperature, "0 is greedy")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 2.0));
  cmd->add_option("--top-p", flags->sampling.top_p)
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--top-k", flags->sampling.top_k)
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--seed", flags->sampling.seed, "Same seed, same output")->capture_default_str();
  return [flags] { return RunOnce(*flags); };
}

}  // namespace bastion::app
