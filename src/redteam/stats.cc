#include "redteam/stats.h"

#include <algorithm>
#include <cmath>

namespace bastion::redteam {

Interval WilsonInterval(int successes, int trials, double z) {
  if (trials <= 0) return {};
  const double n = trials;
  const double p = successes / n;
  const double z2 = z * z;
  const double center = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

double CohensKappa(int a, int b, int c, int d) {
  const double n = a + b + c + d;
  if (n == 0) return 1;
  const double observed = (a + d) / n;
  const double first_yes = (a + b) / n;
  const double second_yes = (a + c) / n;
  const double expected = first_yes * second_yes + (1 - first_yes) * (1 - second_yes);
  if (expected >= 1) return observed >= 1 ? 1 : 0;
  return (observed - expected) / (1 - expected);
}

}  // namespace bastion::redteam
