#pragma once
// Attack techniques: each turns a behaviour into a probe. Deterministic for a given seed, so a
// run can be repeated exactly.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "redteam/behavior.h"
#include "redteam/probe.h"

namespace bastion::redteam {

struct Technique {
  std::string_view name;     // "direct", "roleplay", ... (the --techniques vocabulary)
  std::string_view summary;  // one line for --help and reports
  // Context attacks (system-prompt extraction, PII exfiltration) do not use behaviours: they
  // make a fixed set of probes of their own, once per run.
  bool per_behavior = true;
};

// Every technique, in report order.
const std::vector<Technique>& AllTechniques();

// "all", or a comma-separated list of names. InvalidArgument names an unknown one and lists
// the valid names.
Result<std::vector<std::string>> ParseTechniques(std::string_view list);

// Probes for `suite` under `techniques`, in a stable order (suite order, then technique order).
// `seed` picks variants (personas, languages, many-shot examples, canary values).
// Behaviours with a prepared `prompt` (JailbreakBench artifacts) give one "artifact" probe each,
// whatever `techniques` says.
std::vector<Probe> BuildProbes(const Suite& suite, const std::vector<std::string>& techniques,
                               uint64_t seed);

}  // namespace bastion::redteam
