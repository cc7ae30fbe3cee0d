// bench/guard/bastion_guard_bench: the guard's cost with the full rule set (PII, secrets,
// jailbreak, injection, harm) on mixed text:
//   1. block-mode scanning throughput (MB/s per core) of the raw-text rules, and of the
//      normaliser + intent rules, beside the machine's memcpy bandwidth (the ceiling);
//   2. microseconds per 4 KB prompt through Guardrails::Check (normalise, both scans,
//      confirm, policy);
//   3. nanoseconds per streamed token through StreamGuard::Push (token ~ 4 bytes).
// Targets (issue 6): >= 1 GB/s per core; <= 10 us per 4 KB prompt; <= 1 us per token.
// Figures are medians of --runs runs (default 9), single thread.
//
//   build/bench/bastion_guard_bench [--runs N] [--per-rule]
// Mixed text: the development data in ../shared/data/guard-dev/ when present (benign prompts,
// security questions, jailbreaks), else a generated mix of prose, code and numbers.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "guard/guardrails.h"
#include "guard/normalize/normalizer.h"
#include "guard/stream_guard.h"

namespace {

using Clock = std::chrono::steady_clock;
using bastion::guard::Guardrails;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The texts of the guard-dev JSONL files, one per line, without JSON parsing (the text member
// is good enough as mixed bytes for throughput).
std::string LoadMixedText() {
  std::string all;
  for (const char* name : {"benign_instructions.jsonl", "benign_security_questions.jsonl",
                           "jailbreaks_inthewild_2023_05.jsonl"}) {
    std::ifstream in(std::string(BASTION_GUARD_DEV) + "/" + name);
    std::string line;
    while (std::getline(in, line)) all += line + "\n";
  }
  if (all.size() > (1u << 20)) return all;
  const char* pieces[] = {
      "Please summarise the following meeting notes for the team and list the action items. ",
      "def parse(path):\n    with open(path) as f:\n        return json.load(f)\n",
      "Order 4471 shipped on 2024-03-02 to warehouse 17, invoice total 1,204.50 EUR. ",
      "Can you explain how TLS certificate pinning works on Android and when it breaks? ",
  };
  while (all.size() < (8u << 20)) {
    for (const char* p : pieces) all += p;
  }
  return all;
}

double MemcpyGBs(const std::string& text) {
  std::string dst(text.size(), '\0');
  std::vector<double> runs;
  for (int r = 0; r < 5; ++r) {
    auto t0 = Clock::now();
    std::memcpy(dst.data(), text.data(), text.size());
    runs.push_back(text.size() / Seconds(t0, Clock::now()) / 1e9);
  }
  return Median(runs);
}

double ScanMBs(const bastion::guard::PatternSet& set, const std::string& text, int runs) {
  hs_scratch_t* scratch = set.ScratchFor();
  std::vector<double> mbs;
  size_t matches = 0;
  for (int r = 0; r < runs; ++r) {
    auto t0 = Clock::now();
    hs_scan(
        set.database(), text.data(), static_cast<unsigned>(text.size()), 0, scratch,
        [](unsigned, unsigned long long, unsigned long long, unsigned, void* n) {
          ++*static_cast<size_t*>(n);
          return 0;
        },
        &matches);
    mbs.push_back(text.size() / Seconds(t0, Clock::now()) / 1e6);
  }
  return Median(mbs);
}

// Detector::Detect over the whole text at once: scans, confirm functions, merging; with intent
// rules also the normaliser and the intent scan.
double DetectMBs(const bastion::guard::Detector& detector, const std::string& text, int runs) {
  std::vector<double> mbs;
  for (int r = 0; r < runs; ++r) {
    auto t0 = Clock::now();
    size_t found = detector.Detect(text).findings.size();
    mbs.push_back(text.size() / Seconds(t0, Clock::now()) / 1e6);
    if (found == size_t(-1)) std::puts("");
  }
  return Median(mbs);
}

double NormalizeMBs(const std::string& text, int runs) {
  bastion::guard::NormalizedText out;
  std::vector<double> mbs;
  for (int r = 0; r < runs; ++r) {
    auto t0 = Clock::now();
    bastion::guard::Normalize(text, out);
    mbs.push_back(text.size() / Seconds(t0, Clock::now()) / 1e6);
  }
  return Median(mbs);
}

double MicrosPerPrompt(const Guardrails& g, const std::string& text, int runs) {
  constexpr size_t kPrompt = 4096;
  size_t prompts = std::min<size_t>(text.size() / kPrompt, 2000);
  std::vector<double> us;
  for (int r = 0; r < runs; ++r) {
    auto t0 = Clock::now();
    size_t found = 0;
    for (size_t i = 0; i < prompts; ++i) {
      found += g.Check(std::string_view(text).substr(i * kPrompt, kPrompt), {}).findings.size();
    }
    us.push_back(Seconds(t0, Clock::now()) * 1e6 / prompts);
    if (found == size_t(-1)) std::puts("");
  }
  return Median(us);
}

double NanosPerToken(const Guardrails& g, const std::string& text, int runs) {
  constexpr size_t kToken = 4;
  size_t bytes = std::min<size_t>(text.size(), 1u << 20);
  std::vector<double> ns;
  for (int r = 0; r < runs; ++r) {
    bastion::guard::StreamGuard stream(g, {}, nullptr);
    size_t released = 0;
    auto t0 = Clock::now();
    for (size_t at = 0; at + kToken <= bytes && !stream.blocked(); at += kToken) {
      released += stream.Push(std::string_view(text).substr(at, kToken)).size();
    }
    released += stream.Finish().size();
    ns.push_back(Seconds(t0, Clock::now()) * 1e9 / (bytes / kToken));
  }
  return Median(ns);
}

// Each rule of a set compiled alone: which ones cost the throughput.
void PrintPerRule(const bastion::guard::PatternSet& set, const std::string& text) {
  for (unsigned i = 0; i < set.size(); ++i) {
    auto t0 = Clock::now();
    auto one = bastion::guard::PatternSet::Compile({&set.rule(i)},
                                                   bastion::guard::PatternSet::Mode::kBlock);
    auto t1 = Clock::now();
    auto stream = bastion::guard::PatternSet::Compile({&set.rule(i)},
                                                      bastion::guard::PatternSet::Mode::kStream);
    auto t2 = Clock::now();
    if (!one.ok()) continue;
    std::printf("  %-40s %8.0f MB/s  compile %5.0f ms block, %5.0f ms stream\n",
                std::string(set.rule(i).id).c_str(), ScanMBs(**one, text, 3), Seconds(t0, t1) * 1e3,
                Seconds(t1, t2) * 1e3);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 9;
  bool per_rule = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
      runs = std::max(1, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--per-rule") == 0) per_rule = true;
  }
  auto g = Guardrails::Create(bastion::GuardConfig{});
  if (!g.ok()) {
    std::fprintf(stderr, "%s\n", g.status().ToString().c_str());
    return 1;
  }
  const auto& detector = (*g)->detector();
  std::string text = LoadMixedText();
  std::printf("mixed text: %.1f MB; medians of %d runs, one thread\n", text.size() / 1e6, runs);
  std::printf("ceiling: memcpy %.1f GB/s\n", MemcpyGBs(text));
  if (detector.raw_stream_set()) {
    // All raw-text rules as one block-mode database, the way streaming mode scans them.
    std::vector<const bastion::guard::Rule*> raw;
    for (unsigned i = 0; i < detector.raw_stream_set()->size(); ++i) {
      raw.push_back(&detector.raw_stream_set()->rule(i));
    }
    auto whole = bastion::guard::PatternSet::Compile(raw, bastion::guard::PatternSet::Mode::kBlock);
    if (whole.ok()) {
      std::printf("raw-text rules (pii+secret, %zu rules) as one database: %.0f MB/s\n", raw.size(),
                  ScanMBs(**whole, text, runs));
      if (per_rule) PrintPerRule(**whole, text);
    }
    std::vector<bastion::guard::Rule> raw_rules;
    for (const auto* set : {&bastion::guard::PiiRules(), &bastion::guard::SecretRules()}) {
      raw_rules.insert(raw_rules.end(), set->begin(), set->end());
    }
    if (auto raw_detector = bastion::guard::Detector::Create(raw_rules); raw_detector.ok()) {
      std::printf(
          "Detector::Detect, pii+secret (digit-led rules around digits, confirmed): "
          "%.0f MB/s  (target >= 1000)\n",
          DetectMBs(**raw_detector, text, runs));
    }
    std::printf("Detector::Detect, every rule (normaliser and intent included): %.0f MB/s\n",
                DetectMBs(detector, text, runs));
  }
  if (detector.normalized_set()) {
    bastion::guard::NormalizedText n;
    bastion::guard::Normalize(text, n);
    std::printf("intent rules (%zu rules) on normalised text: %.0f MB/s\n",
                detector.normalized_set()->size(),
                ScanMBs(*detector.normalized_set(), n.text, runs));
    if (per_rule) PrintPerRule(*detector.normalized_set(), n.text);
  }
  std::printf("normaliser: %.0f MB/s\n", NormalizeMBs(text, runs));
  std::printf("Guardrails::Check per 4 KB prompt: %.2f us  (target <= 10)\n",
              MicrosPerPrompt(**g, text, runs));
  std::printf("StreamGuard::Push per 4-byte token: %.0f ns  (target <= 1000)\n",
              NanosPerToken(**g, text, runs));
  return 0;
}
