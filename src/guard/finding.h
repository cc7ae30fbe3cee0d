#pragma once
// What the guard found: one span of one rule, never the matched text itself (findings go into
// logs, metrics and the audit trail; the text stays in the request).

#include <string_view>
#include <vector>

#include "guard/category.h"
#include "guard/rule.h"

namespace bastion::guard {

struct Finding {
  Category category;
  std::string_view rule;  // Rule::id; rules are static, so the view stays valid
  Span span;              // byte offsets into the text as sent
  double score = 1.0;
  std::string_view placeholder;    // Rule::placeholder
  Action action = Action::kAllow;  // what the policy decided for it
};

}  // namespace bastion::guard
