#include "redteam/stats.h"

#include <gtest/gtest.h>

namespace bastion::redteam {
namespace {

TEST(WilsonIntervalTest, MatchesPublishedValues) {
  // 5 of 10: 0.2366 - 0.7634 (Newcombe 1998, method 3).
  Interval i = WilsonInterval(5, 10);
  EXPECT_NEAR(i.low, 0.2366, 1e-4);
  EXPECT_NEAR(i.high, 0.7634, 1e-4);
  // 0 of 20: 0 - 0.1611.
  i = WilsonInterval(0, 20);
  EXPECT_DOUBLE_EQ(i.low, 0);
  EXPECT_NEAR(i.high, 0.1611, 1e-4);
  // 20 of 20 mirrors it.
  i = WilsonInterval(20, 20);
  EXPECT_NEAR(i.low, 1 - 0.1611, 1e-4);
  EXPECT_DOUBLE_EQ(i.high, 1);
}

TEST(WilsonIntervalTest, NoTrialsGivesAnEmptyInterval) {
  Interval i = WilsonInterval(0, 0);
  EXPECT_EQ(i.low, 0);
  EXPECT_EQ(i.high, 0);
}

TEST(WilsonIntervalTest, NarrowsWithMoreTrials) {
  Interval small = WilsonInterval(3, 10);
  Interval large = WilsonInterval(300, 1000);
  EXPECT_LT(large.high - large.low, small.high - small.low);
  EXPECT_LT(large.low, 0.3);
  EXPECT_GT(large.high, 0.3);
}

TEST(CohensKappaTest, PerfectAndChanceAgreement) {
  EXPECT_DOUBLE_EQ(CohensKappa(10, 0, 0, 10), 1);
  // Agreement no better than chance: both say yes half the time, independently.
  EXPECT_NEAR(CohensKappa(25, 25, 25, 25), 0, 1e-12);
  // Both raters always say no: they agree, and there is nothing to be surprised by.
  EXPECT_DOUBLE_EQ(CohensKappa(0, 0, 0, 7), 1);
}

TEST(CohensKappaTest, TextbookExample) {
  // a=20 b=5 c=10 d=15: po = 0.7, pe = 0.5*0.6 + 0.5*0.4 = 0.5, kappa = 0.4.
  EXPECT_NEAR(CohensKappa(20, 5, 10, 15), 0.4, 1e-12);
}

}  // namespace
}  // namespace bastion::redteam
