#pragma once
// The texts an audit event digests (and, under a content policy, keeps): the prompt of a
// request body, and the answer text and finish reason in a response body or stream event.

#include <string>
#include <string_view>

#include "gateway/inference_request.h"

namespace bastion::gateway {

// Chat: "role: content" per message, text parts joined, one per line; completions: the
// prompt(s). "" when the body does not parse.
std::string PromptText(InferenceKind kind, std::string_view body);

// Appends every choice's content, reasoning_content and text (message, delta or legacy) in
// `data` to `text`, and sets `finish_reason` when a choice carries one. Ignores what does not
// parse.
void AppendAnswerText(std::string_view data, std::string& text, std::string& finish_reason);

}  // namespace bastion::gateway
