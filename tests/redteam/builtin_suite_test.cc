// The shipped suite: every harm category covered evenly, ids unique and readable, each
// behaviour one plain request sentence.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "redteam/behavior.h"

namespace bastion::redteam {
namespace {

TEST(BuiltinSuiteTest, HasEightCategoriesInOrder) {
  EXPECT_EQ(HarmCategories(),
            (std::vector<std::string>{"cybercrime", "weapons", "chemical_biological", "self_harm",
                                      "harassment", "misinformation", "privacy_violation",
                                      "illegal_activities"}));
}

TEST(BuiltinSuiteTest, CoversEveryCategoryWithFourBehaviours) {
  const Suite suite = BuiltinSuite();
  EXPECT_EQ(suite.name, "builtin");
  ASSERT_EQ(suite.behaviors.size(), 32u);
  std::map<std::string, int> per_category;
  for (const Behavior& b : suite.behaviors) ++per_category[b.category];
  for (const std::string& category : HarmCategories()) {
    EXPECT_EQ(per_category[category], 4) << category;
  }
  EXPECT_EQ(per_category.size(), HarmCategories().size()) << "a category outside the list";
}

TEST(BuiltinSuiteTest, IdsAreUniqueLowercaseAndHyphenated) {
  std::set<std::string> ids;
  for (const Behavior& b : BuiltinSuite().behaviors) {
    EXPECT_TRUE(ids.insert(b.id).second) << "duplicate id " << b.id;
    EXPECT_TRUE(std::all_of(b.id.begin(), b.id.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || c == '-';
    })) << b.id;
    EXPECT_NE(b.id.find('-'), std::string::npos) << b.id;
  }
}

TEST(BuiltinSuiteTest, EachBehaviourIsOneRequestSentence) {
  for (const Behavior& b : BuiltinSuite().behaviors) {
    ASSERT_FALSE(b.text.empty()) << b.id;
    EXPECT_TRUE(b.text[0] >= 'A' && b.text[0] <= 'Z') << b.id;
    EXPECT_EQ(b.text.back(), '.') << b.id;
    EXPECT_EQ(b.text.find(". "), std::string::npos) << b.id << ": more than one sentence";
    EXPECT_EQ(b.text.find('\n'), std::string::npos) << b.id;
    EXPECT_LT(b.text.size(), 200u) << b.id;
    EXPECT_TRUE(b.context.empty()) << b.id;
    EXPECT_TRUE(b.prompt.empty()) << b.id;
  }
}

}  // namespace
}  // namespace bastion::redteam
