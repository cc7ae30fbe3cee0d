#include "gateway/reasoning/think_splitter.h"

#include <gtest/gtest.h>

#include <random>

namespace bastion::gateway {
namespace {

ThinkSplitter::Piece SplitInPieces(std::string_view text, const std::vector<size_t>& cuts) {
  ThinkSplitter s;
  ThinkSplitter::Piece all;
  size_t prev = 0;
  auto add = [&](const ThinkSplitter::Piece& p) {
    all.reasoning += p.reasoning;
    all.content += p.content;
  };
  for (size_t cut : cuts) {
    add(s.Feed(text.substr(prev, cut - prev)));
    prev = cut;
  }
  add(s.Feed(text.substr(prev)));
  add(s.Finish());
  return all;
}

TEST(ThinkSplitterTest, SplitsAtTheClosingTag) {
  auto p = SplitInPieces("<think>\nstep 1\n</think>\n\nThe answer.", {});
  EXPECT_EQ(p.reasoning, "\nstep 1\n");
  EXPECT_EQ(p.content, "The answer.");
}

TEST(ThinkSplitterTest, OpeningTagIsOptional) {
  // R1's template opens <think> in the prompt, so outputs usually start inside it.
  auto p = SplitInPieces("reasoning</think>answer", {});
  EXPECT_EQ(p.reasoning, "reasoning");
  EXPECT_EQ(p.content, "answer");
}

TEST(ThinkSplitterTest, UnclosedIsAllReasoning) {
  auto p = SplitInPieces("<think>still thinking", {});
  EXPECT_EQ(p.reasoning, "still thinking");
  EXPECT_EQ(p.content, "");
  auto q = SplitInPieces("<thi", {});
  EXPECT_EQ(q.reasoning, "<thi");
}

TEST(ThinkSplitterTest, TagsInsideTheAnswerStay) {
  auto p = SplitInPieces("r</think>use </think> and <think> literally", {});
  EXPECT_EQ(p.reasoning, "r");
  EXPECT_EQ(p.content, "use </think> and <think> literally");
}

TEST(ThinkSplitterTest, EverySplitPointGivesTheSameResult) {
  const std::string text = "<think>\nA < B, so </thin k is not a tag.\n</think>\n\nYes: </think>.";
  auto whole = SplitInPieces(text, {});
  EXPECT_EQ(whole.reasoning, "\nA < B, so </thin k is not a tag.\n");
  EXPECT_EQ(whole.content, "Yes: </think>.");
  for (size_t a = 0; a <= text.size(); ++a) {
    auto p = SplitInPieces(text, {a});
    ASSERT_EQ(p.reasoning, whole.reasoning) << a;
    ASSERT_EQ(p.content, whole.content) << a;
  }
  std::mt19937 rng(1);
  for (int round = 0; round < 300; ++round) {
    std::vector<size_t> cuts;
    for (size_t i = 1; i < text.size(); ++i) {
      if (rng() % 3 == 0) cuts.push_back(i);
    }
    auto p = SplitInPieces(text, cuts);
    ASSERT_EQ(p.reasoning, whole.reasoning);
    ASSERT_EQ(p.content, whole.content);
  }
}

}  // namespace
}  // namespace bastion::gateway
