#include "guard/rule.h"

namespace bastion::guard {

const std::vector<Rule>& PiiRules() {
  static const std::vector<Rule> rules;
  return rules;
}

}  // namespace bastion::guard
