#include "engine/tokenizer/byte_level.h"

#include <gtest/gtest.h>

namespace bastion::engine {
namespace {

TEST(ByteLevelTest, PrintableAsciiMapsToItselfAndSpaceToGWithDot) {
  std::string out;
  AppendByteLevel("Hi there", out);
  EXPECT_EQ(out, "HiĠthere");
  out.clear();
  AppendByteLevel("\n\t", out);
  EXPECT_EQ(out, "Ċĉ");
}

TEST(ByteLevelTest, EveryByteRoundTrips) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  std::string level;
  AppendByteLevel(all, level);
  std::string back;
  ASSERT_TRUE(AppendBytesOfByteLevel(level, back));
  EXPECT_EQ(back, all);
}

TEST(ByteLevelTest, TextOutsideTheAlphabetIsRefused) {
  std::string out;
  EXPECT_FALSE(AppendBytesOfByteLevel("日本", out));
  EXPECT_FALSE(AppendBytesOfByteLevel("\xC4", out));  // truncated character
  EXPECT_FALSE(AppendBytesOfByteLevel(" ", out));     // space itself is not in the alphabet
}

}  // namespace
}  // namespace bastion::engine
