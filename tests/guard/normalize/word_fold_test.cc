#include "guard/normalize/word_fold.h"

#include <gtest/gtest.h>

#include <numeric>
#include <string>

#include "guard/normalize/leet.h"

namespace bastion::guard {
namespace {

// Runs the second pass alone over already folded text, after a prefix it must not touch.
std::string Words(std::string_view folded, bool* changed = nullptr) {
  NormalizedText out;
  out.text = "keep  ";
  out.text += folded;
  out.origin.resize(out.text.size());
  std::iota(out.origin.begin(), out.origin.end(), 0u);
  const bool c = FoldWords(out, 6);
  if (changed != nullptr) *changed = c;
  EXPECT_EQ(out.text.substr(0, 6), "keep  ");
  EXPECT_EQ(out.text.size(), out.origin.size());
  return out.text.substr(6);
}

std::string Leet(std::string word, char next = '\0') {
  FoldLeetWord(word.data(), word.size(), next);
  return word;
}

TEST(WordFold, CollapsesSpaceRunsOnly) {
  bool changed = true;
  EXPECT_EQ(Words("a b\nc", &changed), "a b\nc");
  EXPECT_FALSE(changed);
  EXPECT_EQ(Words("a   b \n  c", &changed), "a b \n c");
  EXPECT_TRUE(changed);
}

TEST(WordFold, SpacedLettersWithOneSeparatorCollapse) {
  EXPECT_EQ(Words("i g n o r e"), "ignore");
  EXPECT_EQ(Words("say i.g.n.o.r.e now"), "say ignore now");
  EXPECT_EQ(Words("i_g_n_o_r_e i*g*n*o i/g/n/o i|g|n|o"), "ignore igno igno igno");
  EXPECT_EQ(Words("i g n o r e  a l l  p r e v i o u s"), "ignore all previous");
}

TEST(WordFold, ShortOrMixedRunsStay) {
  EXPECT_EQ(Words("u s a"), "u s a");            // three letters: initials
  EXPECT_EQ(Words("i g-n o"), "i g-n o");        // separators differ
  EXPECT_EQ(Words("1.2.3.4"), "1.2.3.4");        // an address, not letters
  EXPECT_EQ(Words("ab.c.d.e.f"), "ab.c.d.e.f");  // a dotted name
  EXPECT_EQ(Words("a.b.c.d.com"), "a.b.c.d.com");
  EXPECT_EQ(Words("j. r. r. tolkien"), "j. r. r. tolkien");
}

TEST(WordFold, SpacedLeetLettersCollapseThenFold) { EXPECT_EQ(Words("1 g n 0 r 3"), "ignore"); }

TEST(WordFold, OriginsFollowTheLettersKept) {
  NormalizedText out;
  out.text = "a  b-c-d-e";
  out.origin = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
  FoldWords(out, 0);
  EXPECT_EQ(out.text, "a bcde");
  EXPECT_EQ(out.origin, (std::vector<uint32_t>{10, 11, 13, 15, 17, 19}));
}

TEST(Leet, MixedWordsFold) {
  EXPECT_EQ(Leet("1gn0r3"), "ignore");
  EXPECT_EQ(Leet("pr3vi0us"), "previous");
  EXPECT_EQ(Leet("p@$$w0rd"), "password");
  EXPECT_EQ(Leet("5h1t"), "shit");
  EXPECT_EQ(Leet("k!ll"), "kill");
  EXPECT_EQ(Leet("he||o"), "hello");
  EXPECT_EQ(Leet("j41lbr34k"), "jailbreak");
}

TEST(Leet, ReadableMixesStay) {
  for (const char* word : {"2023", "4111", "$100", "4k", "1st", "10am", "gpt4", "python3", "rot13",
                           "0x1f2e", "9f86d081884c7d65", "@alice", "$home", "b2b"}) {
    EXPECT_EQ(Leet(word), word);
  }
  EXPECT_EQ(Leet("a@b", '.'), "a@b");  // the local part and domain of a@b.com
  EXPECT_EQ(Leet("a@b", ' '), "aab");
}

}  // namespace
}  // namespace bastion::guard
