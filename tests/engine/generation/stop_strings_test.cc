#include "engine/generation/stop_strings.h"

#include <gtest/gtest.h>

namespace bastion::engine {
namespace {

TEST(StopStringsTest, StopStringSpanningTokensIsNeverEmitted) {
  StopStrings s({"\n\nUser:"});
  std::string out;
  for (std::string_view piece : {"Sure", ".\n", "\nUs", "er", ": next"}) out += s.Feed(piece);
  EXPECT_TRUE(s.stopped());
  EXPECT_EQ(out, "Sure.");
  EXPECT_EQ(s.Feed("more"), "");
}

TEST(StopStringsTest, APrefixThatDoesNotCompleteIsReleased) {
  StopStrings s({"END"});
  EXPECT_EQ(s.Feed("the E"), "the ");
  EXPECT_EQ(s.Feed("N"), "");
  EXPECT_EQ(s.Feed("D?"), "");
  EXPECT_TRUE(s.stopped());
  StopStrings t({"END"});
  EXPECT_EQ(t.Feed("EN"), "");
  EXPECT_EQ(t.Feed("ough"), "ENough");
  EXPECT_EQ(t.Flush(), "");
  EXPECT_FALSE(t.stopped());
}

TEST(StopStringsTest, EarliestOfSeveralStopsWins) {
  StopStrings s({"bb", "a"});
  EXPECT_EQ(s.Feed("xxbbya"), "xx");
}

TEST(StopStringsTest, HalfACharacterIsHeldUntilItCompletes) {
  StopStrings s({});
  std::string llama = "🦙";  // 4 bytes
  EXPECT_EQ(s.Feed("a" + llama.substr(0, 2)), "a");
  EXPECT_EQ(s.Feed(llama.substr(2)), llama);
  EXPECT_EQ(s.Feed("\xE6\x97"), "");
  EXPECT_EQ(s.Flush(), "\xE6\x97");  // the end releases what never completed
}

TEST(StopStringsTest, IncompleteTailLengths) {
  EXPECT_EQ(IncompleteUtf8Tail(""), 0u);
  EXPECT_EQ(IncompleteUtf8Tail("abc"), 0u);
  EXPECT_EQ(IncompleteUtf8Tail("\xC3"), 1u);
  EXPECT_EQ(IncompleteUtf8Tail("\xC3\xA9"), 0u);
  EXPECT_EQ(IncompleteUtf8Tail("\xF0\x9F\xA6"), 3u);
  EXPECT_EQ(IncompleteUtf8Tail("\x80\x80\x80\x80"), 0u);
}

}  // namespace
}  // namespace bastion::engine
