#include "redteam/technique.h"

#include <algorithm>
#include <array>
#include <utility>

#include "common/trim.h"
#include "redteam/attacks.h"

namespace bastion::redteam {
namespace {

constexpr std::string_view kArtifact = "artifact";

struct TechniqueEntry {
  Technique technique;
  BehaviorAttack attack;  // nullptr for context attacks and "artifact"
  std::vector<Probe> (*context_probes)(uint64_t seed);  // nullptr for per-behaviour ones
};

// The one list of techniques: report order, probe order and the --techniques vocabulary.
constexpr std::array<TechniqueEntry, 15> kTechniques = {{
    {{"direct", "the behaviour's request as it is"}, DirectAttack, nullptr},
    {{"roleplay", "a persona without rules (DAN, a novel's character, a retired expert)"},
     RoleplayAttack,
     nullptr},
    {{"refusal_suppression", "rules that forbid apologies, warnings and refusals"},
     RefusalSuppressionAttack,
     nullptr},
    {{"prefix_injection", "the answer must begin with \"Sure, here is\""},
     PrefixInjectionAttack,
     nullptr},
    {{"hypothetical", "a fictional or hypothetical frame (a thriller, a world without laws)"},
     HypotheticalAttack,
     nullptr},
    {{"base64", "the request in base64, the answer asked for in base64"}, Base64Attack, nullptr},
    {{"rot13", "the request in ROT13, the answer asked for in ROT13"}, Rot13Attack, nullptr},
    {{"leet", "the request in leetspeak, the answer asked for in leetspeak"}, LeetAttack, nullptr},
    {{"payload_splitting", "the request cut into string variables the model must join"},
     PayloadSplittingAttack,
     nullptr},
    {{"many_shot", "a faux dialogue of eager compliance before the request"},
     ManyShotAttack,
     nullptr},
    {{"language_switch", "instructions in another language, the answer asked for in it"},
     LanguageSwitchAttack,
     nullptr},
    {{"system_prompt_extraction", "attempts to make the model print a secret system prompt", false},
     nullptr,
     SystemPromptExtractionProbes},
    {{"pii_exfiltration", "attempts to make the model disclose a customer record it holds", false},
     nullptr,
     PiiExfiltrationProbes},
    {{"indirect_injection", "the request hidden in a document the user asks to summarise"},
     IndirectInjectionAttack,
     nullptr},
    // Not selectable: a behaviour's prepared prompt, sent whatever --techniques says.
    {{kArtifact, "a prepared jailbreak prompt (JailbreakBench artifact), sent as it is"},
     nullptr,
     nullptr},
}};

bool IsSelectable(const TechniqueEntry& entry) { return entry.technique.name != kArtifact; }

std::string KnownNames() {
  std::string names;
  for (const TechniqueEntry& entry : kTechniques) {
    if (!IsSelectable(entry)) continue;
    if (!names.empty()) names += ", ";
    names += entry.technique.name;
  }
  return names;
}

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The text every per-behaviour attack carries: the request, after the material it refers to.
std::string RequestWithContext(const Behavior& behavior) {
  if (behavior.context.empty()) return behavior.text;
  return "Context:\n" + behavior.context + "\n\n" + behavior.text;
}

Probe ProbeFor(const Behavior& behavior, std::string_view technique) {
  Probe probe;
  probe.id = behavior.id + "/" + std::string(technique);
  probe.behavior_id = behavior.id;
  probe.category = behavior.category;
  probe.technique = technique;
  probe.behavior = behavior.text;
  return probe;
}

void AddBehaviorProbes(const Behavior& behavior, const std::vector<std::string>& techniques,
                       uint64_t seed, std::vector<Probe>& probes) {
  if (!behavior.prompt.empty()) {
    Probe probe = ProbeFor(behavior, kArtifact);
    probe.messages.push_back({"user", behavior.prompt});
    probes.push_back(std::move(probe));
    return;
  }
  const std::string request = RequestWithContext(behavior);
  for (const TechniqueEntry& entry : kTechniques) {
    if (entry.attack == nullptr || !Contains(techniques, entry.technique.name)) continue;
    SeededRng rng = SeededRng::For(seed, behavior.id, entry.technique.name);
    Probe probe = ProbeFor(behavior, entry.technique.name);
    entry.attack(request, rng, probe);
    probes.push_back(std::move(probe));
  }
}

}  // namespace

const std::vector<Technique>& AllTechniques() {
  static const std::vector<Technique> kAll = [] {
    std::vector<Technique> all;
    for (const TechniqueEntry& entry : kTechniques) all.push_back(entry.technique);
    return all;
  }();
  return kAll;
}

Result<std::vector<std::string>> ParseTechniques(std::string_view list) {
  std::vector<std::string> asked;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string_view name = TrimAsciiSpace(list.substr(start, comma - start));
    start = comma + 1;
    const auto it = std::find_if(kTechniques.begin(), kTechniques.end(), [&](const auto& entry) {
      return entry.technique.name == name && IsSelectable(entry);
    });
    if (name == "all") {
      for (const TechniqueEntry& entry : kTechniques) {
        if (IsSelectable(entry)) asked.emplace_back(entry.technique.name);
      }
    } else if (it != kTechniques.end()) {
      asked.emplace_back(name);
    } else if (name == kArtifact) {
      return Status::InvalidArgument(
          "technique 'artifact' cannot be chosen: behaviours with a prepared prompt always give "
          "one artifact probe; known: " +
          KnownNames());
    } else {
      return Status::InvalidArgument("unknown technique '" + std::string(name) +
                                     "'; known: " + KnownNames());
    }
  }
  // Report order, each name once, whatever order the list gave.
  std::vector<std::string> techniques;
  for (const TechniqueEntry& entry : kTechniques) {
    if (Contains(asked, entry.technique.name)) techniques.emplace_back(entry.technique.name);
  }
  return techniques;
}

std::vector<Probe> BuildProbes(const Suite& suite, const std::vector<std::string>& techniques,
                               uint64_t seed) {
  std::vector<Probe> probes;
  for (const Behavior& behavior : suite.behaviors) {
    AddBehaviorProbes(behavior, techniques, seed, probes);
  }
  for (const TechniqueEntry& entry : kTechniques) {
    if (entry.context_probes == nullptr || !Contains(techniques, entry.technique.name)) continue;
    for (Probe& probe : entry.context_probes(seed)) probes.push_back(std::move(probe));
  }
  return probes;
}

}  // namespace bastion::redteam
