#pragma once
// Suite files, recognised by their content:
//   - bastion's JSONL: one {"id","category","behavior"[,"context"][,"prompt"]} per line;
//   - HarmBench's behaviours CSV (Behavior, FunctionalCategory, SemanticCategory, Tags,
//     ContextString, BehaviorID);
//   - JailbreakBench's behaviours CSV (Index, Goal, Target, Behavior, Category, Source);
//   - JailbreakBench's attack artifacts JSON ({"parameters":...,"jailbreaks":[{"index","goal",
//     "category","prompt",...}]}): each jailbreak prompt is sent as it is (technique "artifact").
// Errors name the file and line.

#include <string>
#include <string_view>

#include "common/status.h"
#include "redteam/behavior.h"

namespace bastion::redteam {

// "builtin" gives BuiltinSuite(); anything else is a path.
Result<Suite> LoadSuite(const std::string& spec);

// Parses a suite from text; `name` is used in messages and as the suite's name.
Result<Suite> ParseSuite(std::string_view text, const std::string& name);

}  // namespace bastion::redteam
