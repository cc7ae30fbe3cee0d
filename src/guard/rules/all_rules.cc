#include "guard/rule.h"

namespace bastion::guard {

const std::vector<Rule>& AllRules() {
  static const std::vector<Rule> all = [] {
    std::vector<Rule> rules;
    for (const auto* set : {&PiiRules(), &SecretRules(), &IntentRules()}) {
      rules.insert(rules.end(), set->begin(), set->end());
    }
    return rules;
  }();
  return all;
}

}  // namespace bastion::guard
