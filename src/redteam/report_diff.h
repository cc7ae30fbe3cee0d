#pragma once
// `bastion redteam diff A.json B.json`: how the ASR moved between two runs (e.g. guardrails
// off, then on), overall, per category and per technique.

#include <string>
#include <vector>

#include "redteam/report.h"

namespace bastion::redteam {

struct DiffRow {
  std::string group;  // "overall", "category" or "technique"
  std::string name;   // category or technique name; "all" for overall
  bool in_a = false;
  bool in_b = false;
  Tally a;
  Tally b;
  double delta = 0;  // b.asr - a.asr
  // The Wilson intervals do not overlap: the change is unlikely to be noise.
  bool significant = false;
};

std::vector<DiffRow> DiffReports(const Report& a, const Report& b);

// A fixed-width table for terminals: group, name, ASR A [CI], ASR B [CI], delta in points.
std::string DiffToText(const std::vector<DiffRow>& rows, const Report& a, const Report& b);
// {"a":{"target","model","suite","judge"},"b":{...},"rows":[{"group","name","in_a","in_b",
//  "a":{tally} or null when missing,"b":{tally} or null,"delta","significant"}]}
std::string DiffToJson(const std::vector<DiffRow>& rows, const Report& a, const Report& b);

}  // namespace bastion::redteam
