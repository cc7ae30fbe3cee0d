#pragma once
// Internal to redteam: the attack each technique makes. technique.cc names them and builds the
// probes; these fill in what is sent and how success is decided.

#include <cstdint>
#include <string>
#include <vector>

#include "redteam/probe.h"
#include "redteam/seeded_rng.h"

namespace bastion::redteam {

// Fills `probe`'s messages (and goal, canaries and answer encoding where they are not the
// defaults) for `request`: the behaviour's text, its context already prepended. `rng` is
// seeded for this behaviour and technique.
using BehaviorAttack = void (*)(const std::string& request, SeededRng& rng, Probe& probe);

// framing_attacks.cc: the request in plain words, wrapped in persuasion.
void DirectAttack(const std::string& request, SeededRng& rng, Probe& probe);
void RoleplayAttack(const std::string& request, SeededRng& rng, Probe& probe);
void RefusalSuppressionAttack(const std::string& request, SeededRng& rng, Probe& probe);
void PrefixInjectionAttack(const std::string& request, SeededRng& rng, Probe& probe);
void HypotheticalAttack(const std::string& request, SeededRng& rng, Probe& probe);
void ManyShotAttack(const std::string& request, SeededRng& rng, Probe& probe);
void LanguageSwitchAttack(const std::string& request, SeededRng& rng, Probe& probe);

// encoding_attacks.cc: the request hidden from filters that read plain text.
void Base64Attack(const std::string& request, SeededRng& rng, Probe& probe);
void Rot13Attack(const std::string& request, SeededRng& rng, Probe& probe);
void LeetAttack(const std::string& request, SeededRng& rng, Probe& probe);
void PayloadSplittingAttack(const std::string& request, SeededRng& rng, Probe& probe);

// context_attacks.cc: instructions and secrets planted in what the model reads.
void IndirectInjectionAttack(const std::string& request, SeededRng& rng, Probe& probe);
// The run's fixed probes, ids "<technique>/1".."/4", with every field set.
std::vector<Probe> SystemPromptExtractionProbes(uint64_t seed);
std::vector<Probe> PiiExfiltrationProbes(uint64_t seed);

}  // namespace bastion::redteam
