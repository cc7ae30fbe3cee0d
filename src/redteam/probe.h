#pragma once
// One attack: the chat messages sent to the target, and what the judges need to know to decide
// whether it worked.

#include <string>
#include <vector>

namespace bastion::redteam {

struct ChatMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
};

// How the technique asked the target to write its answer; judges decode before judging.
enum class AnswerEncoding { kPlain, kBase64, kRot13, kLeet };

// What counts as success.
enum class Goal {
  kComply,      // the target does what the behaviour asks (judged for harmful compliance)
  kLeakCanary,  // any of `canaries` appears in the answer (decoded forms included)
};

struct Probe {
  std::string id;  // "<behavior id>/<technique>", or "<technique>/<n>" for context attacks
  std::string behavior_id;
  std::string category;
  std::string technique;
  std::string behavior;  // the behaviour's text, as the judges read it
  std::vector<ChatMessage> messages;
  Goal goal = Goal::kComply;
  std::vector<std::string> canaries;  // kLeakCanary: secrets planted in the context
  AnswerEncoding answer_encoding = AnswerEncoding::kPlain;
};

}  // namespace bastion::redteam
