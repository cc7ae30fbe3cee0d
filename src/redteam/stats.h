#pragma once
// Proportions with honest uncertainty.

namespace bastion::redteam {

struct Interval {
  double low = 0;
  double high = 0;
};

// Wilson score interval for `successes` out of `trials` at z (1.96: 95%). {0, 0} for 0 trials.
Interval WilsonInterval(int successes, int trials, double z = 1.96);

// Cohen's kappa for two binary raters: a = both yes, b = first yes only, c = second yes only,
// d = both no. 1 when both raters are constant and agree.
double CohensKappa(int a, int b, int c, int d);

}  // namespace bastion::redteam
