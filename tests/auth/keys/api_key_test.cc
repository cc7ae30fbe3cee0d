#include "auth/keys/api_key.h"

#include <gtest/gtest.h>

#include <set>

namespace bastion::auth {
namespace {

TEST(ApiKey, GeneratedKeysParseBackAndDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    ApiKey key = GenerateApiKey();
    auto parsed = ParseApiKey(key.Text());
    ASSERT_TRUE(parsed.has_value()) << key.Text();
    EXPECT_EQ(parsed->id, key.id);
    EXPECT_EQ(parsed->secret, key.secret);
    EXPECT_TRUE(IsValidKeyId(key.id));
    ids.insert(key.id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

TEST(ApiKey, RefusesAnythingNotExactlyTheFormat) {
  ApiKey good = GenerateApiKey();
  std::string text = good.Text();
  const std::string bad[] = {
      "",
      "bst_",
      text.substr(0, text.size() - 1),
      text + "0",
      "sk-" + text.substr(4),
      "bst_" + std::string("' OR 1=1 --") + "_" + good.secret,
      "bst_ABCDEFGHIJKL_" + good.secret,  // upper case id
      "bst_" + good.id + "-" + good.secret,
      "bst_" + good.id + "_" + std::string(64, 'G'),
      "bst_" + good.id + "_" + std::string(63, 'a') + "\n",
      "bst_" + good.id + "_" + std::string(63, 'a') + std::string(1, '\0'),
  };
  for (const auto& b : bad) EXPECT_FALSE(ParseApiKey(b).has_value()) << b;
}

TEST(ApiKey, SqlShapedIdsAreNotIds) {
  for (const char* id : {"' OR '1'='1", "abc;DROP TABL", "%27%20OR%201", "../../etc/pa",
                         "aaaaaaaaaaa", "aaaaaaaaaaaaa", "aaaaaaaaaaa1"}) {
    EXPECT_FALSE(IsValidKeyId(id)) << id;
  }
}

}  // namespace
}  // namespace bastion::auth
