#include "guard/rule.h"

namespace bastion::guard {

const std::vector<Rule>& IntentRules() {
  static const std::vector<Rule> rules;
  return rules;
}

}  // namespace bastion::guard
