#include "audit/digest_key.h"

#include <gtest/gtest.h>

#include "common/temp_dir.h"

namespace bastion::audit {
namespace {

using bastion::testing::TempDir;

TEST(DigestKeyTest, SameTextSameDigestOnlyUnderTheSameKey) {
  TempDir dir("bastion-digest-key");
  auto a = DigestKey::LoadOrCreate((dir / "a.key").string());
  auto again = DigestKey::LoadOrCreate((dir / "a.key").string());
  auto b = DigestKey::LoadOrCreate((dir / "b.key").string());
  ASSERT_TRUE(a.ok() && again.ok() && b.ok());
  std::string d = a->Digest("what is the capital of France?");
  EXPECT_EQ(d.size(), 32u);
  EXPECT_EQ(d, again->Digest("what is the capital of France?"));
  EXPECT_NE(d, a->Digest("what is the capital of Spain?"));
  EXPECT_NE(d, b->Digest("what is the capital of France?"));
}

TEST(DigestKeyTest, MatchesHmacSha256Truncated) {
  // RFC 4231 test case 2: key "Jefe", "what do ya want for nothing?".
  DigestKey key("Jefe");
  EXPECT_EQ(key.Digest("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c7");
}

}  // namespace
}  // namespace bastion::audit
