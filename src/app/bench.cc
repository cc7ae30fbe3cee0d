#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>

#include "app/commands.h"
#include "common/json_writer.h"
#include "engine/bench/compute_ceiling.h"
#include "engine/bench/memory_bandwidth.h"
#include "engine/kernels/matvec_fast.h"
#include "engine/kernels/q8_0_packed.h"
#include "engine/loaded_model.h"

namespace bastion::app {
namespace {

struct BenchFlags {
  std::string model;
  int prompt_tokens = 512;
  int generate_tokens = 128;
  int threads = 0;  // 0: one per core
  int streams = 1;  // > 1: also decode this many sequences together, batched
  bool json = false;
};

struct BenchFigures {
  double prefill_tps = 0;
  double decode_tps = 0;
  uint64_t peak_rss_bytes = 0;
  double bandwidth_gbs = 0;
  double int8_gmacs = 0;          // the machine's 8-bit multiply-adds per second, in billions
  double streams_decode_tps = 0;  // all streams together
  uint64_t kv_bytes = 0;          // KV caches of every sequence measured
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Decode with `flags.streams` sequences in one batch per step, as the server's scheduler runs
// concurrent requests: each weight is read once per step for all of them.
void MeasureStreams(const engine::Transformer& model, const BenchFlags& flags, std::mt19937& rng,
                    BenchFigures& f) {
  const engine::ModelConfig& c = model.config();
  const size_t n = static_cast<size_t>(flags.streams), prompt = 16;
  const size_t total = prompt + static_cast<size_t>(flags.generate_tokens);
  std::uniform_int_distribution<engine::TokenId> any_token(0, static_cast<int>(c.vocab_size) - 1);
  std::vector<std::unique_ptr<engine::KvCache>> caches;
  std::vector<float> logits(n * c.vocab_size);
  for (size_t s = 0; s < n; ++s) {
    caches.push_back(std::make_unique<engine::KvCache>(c, total));
    f.kv_bytes += caches.back()->bytes();
    std::vector<engine::TokenId> tokens(prompt);
    for (auto& t : tokens) t = any_token(rng);
    model.Prefill(tokens, 0, *caches.back(), logits.data() + s * c.vocab_size);
  }
  std::vector<engine::BatchToken> batch(n);
  auto start = std::chrono::steady_clock::now();
  for (size_t pos = prompt; pos < total; ++pos) {
    for (size_t s = 0; s < n; ++s) {
      const float* row = logits.data() + s * c.vocab_size;
      auto next = static_cast<engine::TokenId>(std::max_element(row, row + c.vocab_size) - row);
      batch[s] = {next, pos, caches[s].get(), true};
    }
    model.Step(batch, logits.data());
  }
  f.streams_decode_tps = static_cast<double>(n * flags.generate_tokens) / Seconds(start);
}

BenchFigures Measure(const engine::Transformer& model, const BenchFlags& flags, size_t threads) {
  const engine::ModelConfig& c = model.config();
  const size_t total = static_cast<size_t>(flags.prompt_tokens + flags.generate_tokens);
  engine::KvCache cache(c, total);
  std::vector<float> logits(c.vocab_size);
  std::mt19937 rng(1234);
  std::uniform_int_distribution<engine::TokenId> any_token(0, static_cast<int>(c.vocab_size) - 1);
  BenchFigures f;
  std::vector<engine::TokenId> prompt(static_cast<size_t>(flags.prompt_tokens));
  for (auto& t : prompt) t = any_token(rng);
  auto start = std::chrono::steady_clock::now();
  model.Prefill(prompt, 0, cache, logits.data());
  f.prefill_tps = flags.prompt_tokens / Seconds(start);
  start = std::chrono::steady_clock::now();
  for (size_t pos = flags.prompt_tokens; pos < total; ++pos) {
    auto next = static_cast<engine::TokenId>(std::max_element(logits.begin(), logits.end()) -
                                             logits.begin());
    model.Forward(next, pos, cache, logits.data());
  }
  f.decode_tps = flags.generate_tokens / Seconds(start);
  f.kv_bytes = cache.bytes();
  if (flags.streams > 1) MeasureStreams(model, flags, rng, f);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  f.peak_rss_bytes = static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // before the bandwidth buffer
  f.bandwidth_gbs = engine::MeasureReadBandwidth(threads);
  f.int8_gmacs = engine::MeasureInt8Gmacs(threads);
  return f;
}

// Multiply-adds per prompt token in the layers' matrices (the output matrix runs once per
// prompt, for its last token; attention over a short prompt is small beside them).
double MacsPerPromptToken(const engine::ModelConfig& c) {
  const double e = c.embedding, kv = static_cast<double>(c.kv_heads) * c.head_dim,
               ff = c.feed_forward;
  return c.layers * (2 * e * e + 2 * e * kv + 3 * e * ff);
}

void Print(const BenchFigures& f, const BenchFlags& flags, size_t threads, uint64_t weight_bytes,
           const engine::ModelConfig& config) {
  const double prefill_ceiling = f.int8_gmacs * 1e9 / MacsPerPromptToken(config);
  if (flags.json) {
    JsonWriter w;
    w.BeginObject()
        .Key("prefill_tps")
        .Double(f.prefill_tps)
        .Key("decode_tps")
        .Double(f.decode_tps)
        .Key("peak_rss_bytes")
        .Uint(f.peak_rss_bytes)
        .Key("bandwidth_gbs")
        .Double(f.bandwidth_gbs)
        .Key("weight_bytes")
        .Uint(weight_bytes)
        .Key("kv_bytes")
        .Uint(f.kv_bytes)
        .Key("int8_gmacs")
        .Double(f.int8_gmacs)
        .Key("prefill_ceiling_tps")
        .Double(prefill_ceiling);
    if (flags.streams > 1) {
      w.Key("streams").Int(flags.streams).Key("streams_decode_tps").Double(f.streams_decode_tps);
    }
    w.EndObject();
    std::printf("%s\n", w.str().c_str());
    return;
  }
  double decode_gbs = f.decode_tps * static_cast<double>(weight_bytes) / 1e9;
  std::printf("model:     %s (%.1f MB of weights)\n", flags.model.c_str(), weight_bytes / 1e6);
  std::printf("prefill:   %.2f tokens/s (%d tokens)\n", f.prefill_tps, flags.prompt_tokens);
  if (f.int8_gmacs > 0) {
    std::printf(
        "compute:   %.1f G 8-bit multiply-adds/s measured with %zu threads: the prefill ceiling "
        "is %.2f tokens/s\n",
        f.int8_gmacs, threads, prefill_ceiling);
  }
  std::printf("decode:    %.2f tokens/s (%d tokens), reading %.1f GB/s of weights\n", f.decode_tps,
              flags.generate_tokens, decode_gbs);
  std::printf(
      "bandwidth: %.1f GB/s measured with %zu threads: the decode ceiling is %.2f tokens/s\n",
      f.bandwidth_gbs, threads, f.bandwidth_gbs * 1e9 / static_cast<double>(weight_bytes));
  if (flags.streams > 1) {
    std::printf("streams:   %.2f tokens/s for %d streams decoding together (%.2fx one stream)\n",
                f.streams_decode_tps, flags.streams, f.streams_decode_tps / f.decode_tps);
  }
  const double budget = static_cast<double>(weight_bytes + f.kv_bytes);
  std::printf("memory:    %.1f MB peak resident; weights + KV caches = %.1f MB (%+.1f%%)\n",
              f.peak_rss_bytes / 1e6, budget / 1e6,
              100.0 * (static_cast<double>(f.peak_rss_bytes) - budget) / budget);
  std::printf("kernels:   %s on %zu threads\n",
              engine::HaveVnni()   ? "AVX-512 VNNI (Q8_0), AVX2 (Q4_0, Q4_K, Q6_K; F16, BF16)"
              : engine::HaveAvx2() ? "AVX2 (Q8_0, Q4_0, Q4_K, Q6_K against 8-bit activations; "
                                     "F16, BF16)"
                                   : "portable reference",
              threads);
}

int RunBench(const BenchFlags& flags) {
  auto loaded = engine::LoadModel(flags.model, engine::LoadParts::kWeights,
                                  static_cast<size_t>(flags.threads));
  if (!loaded.ok()) {
    std::fprintf(stderr, "bastion bench: %s\n", loaded.status().message().c_str());
    return kExitUsage;
  }
  const engine::Transformer& model = *(*loaded)->transformer;
  size_t total = static_cast<size_t>(flags.prompt_tokens + flags.generate_tokens);
  if (total > model.config().context_length) {
    std::fprintf(stderr, "bastion bench: -p + -n = %zu exceeds the model's context of %u\n", total,
                 model.config().context_length);
    return kExitUsage;
  }
  const size_t threads = model.threads();
  const uint64_t weight_bytes = (*loaded)->tensors->total_bytes();
  Print(Measure(model, flags, threads), flags, threads, weight_bytes, model.config());
  return kExitOk;
}

}  // namespace

Command RegisterBench(CLI::App& app) {
  auto flags = std::make_shared<BenchFlags>();
  CLI::App* cmd = app.add_subcommand(
      "bench",
      "Measure prefill and decode speed on a model with random prompt tokens, peak memory,\n"
      "and beside them the machine's memory read bandwidth (the ceiling for decode) and 8-bit\n"
      "multiply-add rate (the ceiling for prefill)");
  cmd->add_option("--model", flags->model, "Model file (GGUF) or Hugging Face folder")->required();
  cmd->add_option("-p,--prompt-tokens", flags->prompt_tokens, "Prompt length")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("-n,--gen-tokens", flags->generate_tokens, "Tokens to generate")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("-t,--threads", flags->threads, "Threads (default: one per core)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--streams", flags->streams,
                  "Also decode this many sequences together, batched as the server does")
      ->check(CLI::Range(1, static_cast<int>(engine::Transformer::kMaxBatch)));
  cmd->add_flag("--json", flags->json,
                "Print {\"prefill_tps\",\"decode_tps\",\"peak_rss_bytes\",\"bandwidth_gbs\",\n"
                "\"weight_bytes\",\"kv_bytes\",\"int8_gmacs\",\"prefill_ceiling_tps\"} (and\n"
                "\"streams\",\"streams_decode_tps\")");
  return [flags] { return RunBench(*flags); };
}

}  // namespace bastion::app
