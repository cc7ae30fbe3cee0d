// Prints how long Normalize takes on a 4 KB prompt; asserts only that it ran. Disabled by
// default (timing belongs in bench/); run with
//   bastion_guard_tests --gtest_also_run_disabled_tests --gtest_filter='*NormalizerSpeed*'
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "guard/normalize/normalizer.h"

namespace bastion::guard {
namespace {

constexpr size_t kPromptBytes = 4096;

std::string Prompt(std::string_view paragraph) {
  std::string prompt;
  while (prompt.size() < kPromptBytes) prompt += paragraph;
  prompt.resize(kPromptBytes);
  return prompt;
}

// Best of several batches, in nanoseconds per call.
double NanosPerCall(const std::string& prompt) {
  NormalizedText out;
  Normalize(prompt, out);
  double best = 1e18;
  for (int batch = 0; batch < 20; ++batch) {
    constexpr int kCalls = 500;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kCalls; ++i) Normalize(prompt, out);
    const std::chrono::duration<double, std::nano> elapsed =
        std::chrono::steady_clock::now() - start;
    best = std::min(best, elapsed.count() / kCalls);
  }
  EXPECT_FALSE(out.text.empty());
  return best;
}

TEST(NormalizerSpeed, DISABLED_FourKilobytePrompts) {
  const std::string english = Prompt(
      "You are a helpful assistant. Summarize the quarterly report below in three bullet "
      "points, and keep the numbers exact: revenue grew 12% to $4.1M in Q3 2023, while costs "
      "fell.\nThe team shipped 7 releases; see https://example.com/report for details.\n");
  const std::string mixed = Prompt(
      "Résumé: naïve café owners in Zürich — “quoted” text, 你好世界, Привет мир, "
      "Ｆｕｌｌｗｉｄｔｈ and 𝐛𝐨𝐥𝐝 letters, emoji 🙂 and a zero\u200Bwidth "
      "space.\n");
  std::printf("normalize 4 KB plain ASCII English: %.0f ns\n", NanosPerCall(english));
  std::printf("normalize 4 KB mixed Unicode:       %.0f ns\n", NanosPerCall(mixed));
}

}  // namespace
}  // namespace bastion::guard
