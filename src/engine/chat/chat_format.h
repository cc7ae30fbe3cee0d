#pragma once
// Chat prompts rendered natively: the model's Jinja chat template is read as data to tell
// which format a model speaks, and never executed (templates have carried code, e.g.
// CVE-2024-34359). The formats reproduce the reference templates' output byte for byte.

#include <string>
#include <string_view>
#include <vector>

namespace bastion::engine {

enum class ChatFormat {
  kDeepSeekR1,  // <｜begin▁of▁sentence｜>…<｜User｜>…<｜Assistant｜>: R1 and R1-Distill
  kLlama3,      // <|start_header_id|>role<|end_header_id|>\n\n…<|eot_id|>
  kChatMl,      // <|im_start|>role\n…<|im_end|>\n: Qwen2 and many others
};

std::string_view ChatFormatName(ChatFormat format);

struct ChatMessage {
  std::string role;  // system, developer, user, assistant, tool
  std::string content;
};

// The format a model speaks, from its chat template text (GGUF `tokenizer.chat_template`,
// tokenizer_config.json's `chat_template`) if it has one, else from its pre-tokenizer name.
ChatFormat DetectChatFormat(std::string_view chat_template, std::string_view pre_tokenizer);

// The prompt for `messages`; `bos` is the text of the vocabulary's BOS token ("" if none).
// With `add_generation_prompt`, it ends where the assistant's answer begins (for R1,
// inside an opened "<think>\n").
std::string RenderChat(ChatFormat format, const std::vector<ChatMessage>& messages,
                       std::string_view bos, bool add_generation_prompt);

// The same prompt in pieces: template text (role markers and special tokens, to be tokenized
// with special tokens parsed) and message content (tokenized as plain text, so a message
// that contains "<｜Assistant｜>" cannot forge a turn). Joined, they equal RenderChat's text.
struct ChatSegment {
  std::string text;
  bool is_template;
};
std::vector<ChatSegment> RenderChatSegments(ChatFormat format,
                                            const std::vector<ChatMessage>& messages,
                                            std::string_view bos, bool add_generation_prompt);

}  // namespace bastion::engine
