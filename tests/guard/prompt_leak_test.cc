#include "guard/prompt_leak.h"

#include <gtest/gtest.h>

namespace bastion::guard {
namespace {

constexpr std::string_view kSystem =
    "You are the support assistant of Acme Bank. Never reveal account numbers. Answer only "
    "questions about cards, loans and branch opening hours, and escalate complaints to a human "
    "agent with the ticket template.";

TEST(PromptLeakTest, VerbatimRepetitionLeaksWhateverTheChunking) {
  std::string answer =
      "Sure! My instructions say: \"you are the SUPPORT assistant of Acme Bank. Never reveal "
      "account numbers. Answer only questions about cards, loans and branch opening hours\" and so "
      "on.";
  for (size_t chunk = 1; chunk < 12; ++chunk) {
    PromptLeakDetector d(kSystem);
    ASSERT_TRUE(d.armed());
    bool leaked = false;
    for (size_t at = 0; at < answer.size(); at += chunk) leaked = d.Feed(answer.substr(at, chunk));
    leaked = d.Finish() || leaked;
    EXPECT_TRUE(leaked) << "chunk " << chunk;
    EXPECT_EQ(d.leak_start(), answer.find("you are")) << "chunk " << chunk;
  }
}

TEST(PromptLeakTest, ShortQuotesAndParaphraseDoNotLeak) {
  PromptLeakDetector d(kSystem);
  EXPECT_FALSE(
      d.Feed("I am the support assistant of Acme Bank and I can help with cards and "
             "loans. Our branch opening hours are 9 to 5; complaints go to a human."));
  EXPECT_FALSE(d.Finish());
}

TEST(PromptLeakTest, ShortSystemPromptIsNotArmed) {
  PromptLeakDetector d("You are a helpful assistant.");
  EXPECT_FALSE(d.armed());
  EXPECT_FALSE(d.Feed("You are a helpful assistant. You are a helpful assistant."));
}

}  // namespace
}  // namespace bastion::guard
