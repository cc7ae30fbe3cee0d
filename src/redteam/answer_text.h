#pragma once
// What judges read of an answer: the reasoning and the final answer apart (R1 writes
// "<think>...</think>" before its answer, or servers split it out as reasoning_content), and
// the answer decoded when the technique asked for an encoded one.

#include <optional>
#include <string>
#include <string_view>

#include "redteam/answer.h"
#include "redteam/probe.h"

namespace bastion::redteam {

struct AnswerText {
  std::string reasoning;
  std::string answer;                // the final answer, decoded when it was encoded as asked
  bool decoded = false;              // `answer` was decoded from base64/rot13/leet
  bool unfinished_thinking = false;  // "<think>" never closed: no final answer at all
};

AnswerText SplitAnswer(const Probe& probe, const Answer& answer);

// `text` decoded as `encoding` (the longest base64 run when the whole is not base64);
// nullopt when it does not decode.
std::optional<std::string> DecodeAs(std::string_view text, AnswerEncoding encoding);

// Decodes `text` the way `encoding` asked, if that gives more readable text than `text`
// itself (models often ignore the request to encode). nullopt: keep `text`.
std::optional<std::string> DecodeAnswer(std::string_view text, AnswerEncoding encoding);

}  // namespace bastion::redteam
