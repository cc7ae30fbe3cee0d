#pragma once
// Validates the body of POST /v1/chat/completions and /v1/completions the way OpenAI does,
// and extracts what the gateway routes on. The body itself is forwarded as sent (unknown
// fields included, for engine-specific parameters), so only known fields are checked.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/api_error.h"

namespace bastion::gateway {

enum class InferenceKind { kChat, kCompletion };

struct InferenceRequest {
  InferenceKind kind = InferenceKind::kChat;
  std::string model;
  bool stream = false;
  bool include_usage = false;
  std::optional<int64_t> max_tokens;  // max_completion_tokens, else max_tokens
  size_t message_count = 0;           // chat only
};

// Fills `out` and returns nothing, or returns the 400 to answer with.
std::optional<ApiError> ParseInferenceRequest(InferenceKind kind, std::string_view body,
                                              InferenceRequest& out);

// The same JSON object with member `name` set to `json_value` (raw JSON), replaced in place
// or appended; other members are kept in order.
// REQUIRES: `body` passed ParseInferenceRequest.
std::string SetMember(std::string_view body, std::string_view name, std::string_view json_value);
// SetMember(body, "model", the quoted model name).
std::string ReplaceModel(std::string_view body, std::string_view model);

}  // namespace bastion::gateway
