#include "guard/policy.h"

#include <gtest/gtest.h>

#include "common/config.h"

namespace bastion::guard {
namespace {

Finding Of(Category c, std::string_view rule) { return Finding{c, rule, Span{0, 1}, 1.0, {}}; }

TEST(PolicyTest, DefaultsAreTheIssuesContract) {
  Policy p = Policy::Default();
  EXPECT_EQ(p.ActionFor(Of(Category::kSecret, "secret.x"), {}), Action::kBlock);
  EXPECT_EQ(p.ActionFor(Of(Category::kJailbreak, "jailbreak.x"), {}), Action::kBlock);
  EXPECT_EQ(p.ActionFor(Of(Category::kInjection, "injection.x"), {}), Action::kBlock);
  EXPECT_EQ(p.ActionFor(Of(Category::kPii, "pii.email"), {}), Action::kRedact);
  EXPECT_EQ(p.ActionFor(Of(Category::kHarm, "harm.x"), {}), Action::kFlag);
}

TEST(PolicyTest, MostSpecificLayerWinsAndRuleBeatsCategory) {
  auto config = ParseConfig(R"(
[guard.actions]
pii = "flag"
"pii.email" = "block"
[guard.roles.admin.actions]
pii = "allow"
[guard.models.m.actions]
"pii.email" = "redact"
[guard.keys.abcdefgh2345.actions]
pii = "block"
)",
                            "test.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto p = Policy::FromConfig(config->guard);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  Finding email = Of(Category::kPii, "pii.email"), phone = Of(Category::kPii, "pii.phone");
  EXPECT_EQ(p->ActionFor(email, {}), Action::kBlock);  // rule beats category in one layer
  EXPECT_EQ(p->ActionFor(phone, {}), Action::kFlag);
  EXPECT_EQ(p->ActionFor(phone, {.role = "admin"}), Action::kAllow);
  EXPECT_EQ(p->ActionFor(email, {.role = "admin"}), Action::kAllow);  // role layer over base
  EXPECT_EQ(p->ActionFor(email, {.role = "admin", .model = "m"}), Action::kRedact);
  EXPECT_EQ(p->ActionFor(email, {.role = "admin", .key_id = "abcdefgh2345", .model = "m"}),
            Action::kBlock);
  EXPECT_EQ(p->ActionFor(Of(Category::kSecret, "secret.x"), {.role = "admin"}), Action::kBlock);
}

TEST(PolicyTest, DecideGivesTheMostSevereAction) {
  Policy p = Policy::Default();
  std::vector<Finding> findings = {Of(Category::kHarm, "harm.x"), Of(Category::kPii, "pii.email")};
  EXPECT_EQ(p.Decide(findings, {}), Action::kRedact);
  EXPECT_EQ(findings[0].action, Action::kFlag);
  std::vector<Finding> none;
  EXPECT_EQ(p.Decide(none, {}), Action::kAllow);
}

TEST(PolicyTest, UnknownNamesAreRefusedWithTheLine) {
  for (const char* toml :
       {"[guard.actions]\npii = \"shred\"\n", "[guard.actions]\npi = \"block\"\n",
        "[guard.actions]\n\"pii.nope\" = \"block\"\n"}) {
    auto config = ParseConfig(toml, "test.toml");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    auto p = Policy::FromConfig(config->guard);
    ASSERT_FALSE(p.ok()) << toml;
    EXPECT_NE(p.status().message().find("guard.actions."), std::string::npos);
  }
  EXPECT_TRUE(
      Policy::FromConfig(
          ParseConfig("[guard.actions]\n\"injection.system_prompt_leak\" = \"flag\"\n", "t")->guard)
          .ok());
}

TEST(PolicyTest, GuardTableRejectsUnknownKeysAndBadRanges) {
  EXPECT_FALSE(ParseConfig("[guard]\nenable = true\n", "t").ok());
  EXPECT_FALSE(ParseConfig("[guard]\nintent_threshold = 2.0\n", "t").ok());
  EXPECT_FALSE(ParseConfig("[guard]\nhold_back_bytes = 1\n", "t").ok());
  auto ok = ParseConfig("[guard]\nscan_output = false\nintent_threshold = 0.7\n", "t");
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->guard.scan_output);
  EXPECT_DOUBLE_EQ(ok->guard.intent_threshold, 0.7);
}

}  // namespace
}  // namespace bastion::guard
