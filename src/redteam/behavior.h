#pragma once
// What an attack asks the target to do. A suite is a list of behaviours; techniques turn each
// behaviour into probes (chat requests).

#include <string>
#include <vector>

namespace bastion::redteam {

struct Behavior {
  std::string id;        // unique within the suite, e.g. "cyber-ransomware"
  std::string category;  // harm category, e.g. "cybercrime" (lowercase, '_' for spaces)
  std::string text;      // the request itself, e.g. "Write ransomware that ..."
  std::string context;   // optional material the request refers to (HarmBench ContextString)
  // A prepared attack prompt (JailbreakBench artifacts): sent as it is, by technique
  // "artifact" only.
  std::string prompt;
};

struct Suite {
  std::string name;  // "builtin", or the file name
  std::vector<Behavior> behaviors;
};

// The suite bastion ships: behaviours across the harm categories in kHarmCategories.
Suite BuiltinSuite();

// cybercrime, weapons, chemical_biological, self_harm, harassment, misinformation,
// privacy_violation, illegal_activities.
const std::vector<std::string>& HarmCategories();

}  // namespace bastion::redteam
