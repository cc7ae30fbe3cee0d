#include "guard/redaction.h"

#include <gtest/gtest.h>

namespace bastion::guard {
namespace {

Finding At(std::string_view text, std::string_view value, std::string_view label,
           Action action = Action::kRedact) {
  size_t start = text.find(value);
  return Finding{Category::kPii, "pii.test", Span{start, start + value.size()}, 1.0, label, action};
}

TEST(RedactionTest, TypedNumberedPlaceholdersSameValueSamePlaceholder) {
  std::string text = "a@x.io, b@y.io, then a@x.io again; call 555-0100";
  Redaction r;
  std::vector<Finding> f = {At(text, "a@x.io", "EMAIL"), At(text, "b@y.io", "EMAIL"),
                            At(text, "555-0100", "PHONE")};
  Finding again{
      Category::kPii, "pii.test",     Span{text.rfind("a@x.io"), text.rfind("a@x.io") + 6}, 1.0,
      "EMAIL",        Action::kRedact};
  f.push_back(again);
  std::string out = r.Apply(text, f);
  EXPECT_EQ(out, "[EMAIL_1], [EMAIL_2], then [EMAIL_1] again; call [PHONE_1]");
  EXPECT_EQ(r.Restore("Mail [EMAIL_2] and [EMAIL_1], not [EMAIL_3] or [PHONE_"),
            "Mail b@y.io and a@x.io, not [EMAIL_3] or [PHONE_");
  EXPECT_EQ(r.longest_placeholder(), std::string("[EMAIL_1]").size());
}

TEST(RedactionTest, FlaggedFindingsStayAndNumberingContinues) {
  std::string text = "x@y.io and z@w.io";
  Redaction request;
  EXPECT_EQ(request.Apply(
                text, {At(text, "x@y.io", "EMAIL"), At(text, "z@w.io", "EMAIL", Action::kFlag)}),
            "[EMAIL_1] and z@w.io");
  Redaction answer;
  answer.NumberAfter(request);
  EXPECT_EQ(answer.Apply("q@r.io", {At("q@r.io", "q@r.io", "EMAIL")}), "[EMAIL_2]");
  EXPECT_EQ(request.Restore("[EMAIL_2]"), "[EMAIL_2]") << "the answer's own placeholder";
}

}  // namespace
}  // namespace bastion::guard
