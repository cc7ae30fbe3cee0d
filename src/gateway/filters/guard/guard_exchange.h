#pragma once
// What the guard keeps for one exchange: the request's placeholders (to restore them in the
// answer), what it found on each side, and one StreamGuard per streamed text.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "guard/prompt_leak.h"
#include "guard/redaction.h"
#include "guard/stream_guard.h"

namespace bastion::gateway {

struct GuardExchange {
  guard::PolicyScope scope;
  std::string key_id;  // owns the storage scope.key_id views
  guard::Redaction redaction;
  guard::Action input_verdict = guard::Action::kAllow;
  // Intent evidence short of the threshold, for the second stage: the category with the most,
  // its score, and the request's texts (empty unless a classifier is configured and the
  // evidence reached guard.classifier_from).
  guard::Category doubt_category = guard::Category::kJailbreak;
  double doubt = 0;
  std::string doubtful_text;
  std::vector<guard::Finding> input_findings;
  guard::Action output_verdict = guard::Action::kAllow;
  std::vector<guard::Finding> output_findings;
  // Streamed texts by choice index: [0] content, [1] reasoning_content.
  std::map<int64_t, std::array<std::unique_ptr<guard::StreamGuard>, 2>> streams;
  // The request's system (and developer) messages, and per streamed text a detector of
  // answers that repeat them.
  std::string system_prompt;
  std::map<int64_t, std::array<std::unique_ptr<guard::PromptLeakDetector>, 2>> leaks;
  // From the stream's chunks, to write the events the guard releases when the stream ends.
  std::string chunk_id, chunk_object, chunk_model;
  int64_t chunk_created = 0;
};

}  // namespace bastion::gateway
