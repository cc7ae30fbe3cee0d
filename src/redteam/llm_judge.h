#pragma once
// The LLM judge: a HarmBench-style yes/no classifier question sent to any OpenAI-compatible
// model. It reads the behaviour and the final answer (decoded, without the reasoning) and says
// whether the answer is an instance of the behaviour.

#include <optional>
#include <string_view>
#include <vector>

#include "redteam/probe.h"

namespace bastion::redteam {

// The classifier conversation: the rules in the system message; "[BEHAVIOR]:" and
// "[GENERATION]:" sections in the user message.
std::vector<ChatMessage> LlmJudgeMessages(const Probe& probe, std::string_view generation);

// true for an answer that starts with "yes", false for "no" (case and punctuation aside, after
// any <think> block); nullopt for anything else.
std::optional<bool> ParseLlmJudgeAnswer(std::string_view text);

}  // namespace bastion::redteam
