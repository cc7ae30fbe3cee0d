#include "guard/normalize/unicode_fold.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "guard/normalize/code_point_fold.h"
#include "guard/normalize/homoglyphs.h"

namespace bastion::guard {
namespace {

NormalizedText FoldWith(std::string_view input, FoldPath path, bool* changed = nullptr) {
  NormalizedText out;
  const bool c = AppendCodePointsFolded(input, OriginMap{}, path, out);
  if (changed != nullptr) *changed = c;
  return out;
}

// The word-at-a-time fast path against the per-code-point reference (through libutf8proc),
// on random ASCII of odd lengths, with every control character and case mixed in.
TEST(UnicodeFold, FastPathMatchesReferenceOnAscii) {
  std::mt19937 rng(7);
  for (int round = 0; round < 500; ++round) {
    std::string input(rng() % 70, '\0');
    const bool printable_only = round % 2 == 0;
    for (char& c : input) c = static_cast<char>(printable_only ? 0x20 + rng() % 95 : rng() % 128);
    bool fast_changed = false, reference_changed = false;
    const NormalizedText fast = FoldWith(input, FoldPath::kFast, &fast_changed);
    const NormalizedText reference = FoldWith(input, FoldPath::kReference, &reference_changed);
    ASSERT_EQ(fast.text, reference.text) << input;
    ASSERT_EQ(fast.origin, reference.origin) << input;
    ASSERT_EQ(fast_changed, reference_changed) << input;
  }
}

TEST(UnicodeFold, FastPathMatchesReferenceOnMixedText) {
  const std::string input =
      "Mixed \xD0\xA0\xD0\xB0ss\xE2\x80\x8B and Caf\xC3\xA9\tTEXT with \xEF\xBC\xA1 a long tail";
  const NormalizedText fast = FoldWith(input, FoldPath::kFast);
  const NormalizedText reference = FoldWith(input, FoldPath::kReference);
  EXPECT_EQ(fast.text, reference.text);
  EXPECT_EQ(fast.origin, reference.origin);
  EXPECT_EQ(fast.text, "mixed pass and cafe text with a a long tail");
}

TEST(UnicodeFold, AsciiTableAgreesWithFoldCodePoint) {
  for (char32_t c = 0; c < 0x80; ++c) {
    if (c == '\r') continue;  // folded by the caller
    char folded[kMaxFoldedBytes];
    const size_t n = FoldCodePoint(c, false, folded);
    EXPECT_EQ(std::string(folded, n), kAsciiFold[c] ? std::string(1, kAsciiFold[c]) : "")
        << static_cast<int>(c);
  }
}

TEST(UnicodeFold, AppendsAfterExistingTextWithMappedOrigins) {
  NormalizedText out;
  out.text = "x";
  out.origin = {100};
  const uint32_t table[] = {7, 8, 8, 9, 20, 20, 20};
  // 'A', Cyrillic е (two bytes), 'Z', a zero-width space (three bytes).
  AppendCodePointsFolded("A\xD0\xB5Z\xE2\x80\x8B", OriginMap{.table = table}, FoldPath::kFast, out);
  EXPECT_EQ(out.text, "xaez");
  EXPECT_EQ(out.origin, (std::vector<uint32_t>{100, 7, 8, 9}));
}

TEST(UnicodeFold, HugeCombiningSequenceFoldsToItsBase) {
  std::string input = "a";
  for (int i = 0; i < 10000; ++i) input += "\xCC\x81";  // U+0301
  EXPECT_EQ(FoldWith(input, FoldPath::kFast).text, "a");
}

TEST(UnicodeFold, LongestCompatibilityExpansionFits) {
  // U+FDFA expands to 18 code points (33 bytes); many of them in a row must not overrun.
  std::string input;
  for (int i = 0; i < 100; ++i) input += "\xEF\xB7\xBA";
  const NormalizedText out = FoldWith(input, FoldPath::kFast);
  EXPECT_GT(out.text.size(), 100u * 18);
  EXPECT_EQ(out.text.size(), out.origin.size());
  EXPECT_EQ(out.origin.back(), 297u);
}

TEST(Homoglyphs, CoverBothCasesOfCommonLookalikes) {
  EXPECT_EQ(LatinLookalike(0x0430), 'a');   // Cyrillic а
  EXPECT_EQ(LatinLookalike(0x0410), 'a');   // Cyrillic А
  EXPECT_EQ(LatinLookalike(0x0455), 's');   // Cyrillic ѕ
  EXPECT_EQ(LatinLookalike(0x0501), 'd');   // Cyrillic ԁ
  EXPECT_EQ(LatinLookalike(0x03BF), 'o');   // Greek ο
  EXPECT_EQ(LatinLookalike(0x039D), 'n');   // Greek Ν
  EXPECT_EQ(LatinLookalike(0x0261), 'g');   // Latin script ɡ
  EXPECT_EQ(LatinLookalike(0x1F1EE), 'i');  // regional indicator I
  EXPECT_EQ(LatinLookalike(0x0431), '\0');  // Cyrillic б looks like no Latin letter
  EXPECT_EQ(LatinLookalike('a'), '\0');
}

}  // namespace
}  // namespace bastion::guard
