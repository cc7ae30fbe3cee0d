#include "engine/chat/chat_format.h"

namespace bastion::engine {
namespace {

constexpr std::string_view kUser = "<｜User｜>";
constexpr std::string_view kAssistant = "<｜Assistant｜>";
constexpr std::string_view kEndOfSentence = "<｜end▁of▁sentence｜>";

bool IsSystem(const ChatMessage& m) { return m.role == "system" || m.role == "developer"; }

// DeepSeek-R1-Distill's template: the last system message goes first; earlier assistant turns
// keep only what follows their last </think>; tool results are grouped in an outputs block.
std::string RenderDeepSeekR1(const std::vector<ChatMessage>& messages, std::string_view bos,
                             bool add_generation_prompt) {
  std::string_view system;
  for (const auto& m : messages) {
    if (IsSystem(m)) system = m.content;
  }
  std::string out(bos);
  out.append(system);
  bool in_tool_outputs = false;
  bool first_output = true;
  for (const auto& m : messages) {
    if (m.role == "user") {
      in_tool_outputs = false;
      out.append(kUser).append(m.content);
    } else if (m.role == "assistant") {
      if (in_tool_outputs) {
        out.append("<｜tool▁outputs▁end｜>").append(m.content).append(kEndOfSentence);
        in_tool_outputs = false;
        continue;
      }
      std::string_view content = m.content;
      if (size_t end = content.rfind("</think>"); end != std::string_view::npos) {
        content = content.substr(end + std::string_view("</think>").size());
      }
      out.append(kAssistant).append(content).append(kEndOfSentence);
    } else if (m.role == "tool") {
      in_tool_outputs = true;
      out.append(first_output ? "<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>"
                              : "\n<｜tool▁output▁begin｜>");
      out.append(m.content).append("<｜tool▁output▁end｜>");
      first_output = false;
    }
  }
  if (in_tool_outputs) out.append("<｜tool▁outputs▁end｜>");
  if (add_generation_prompt && !in_tool_outputs) out.append(kAssistant).append("<think>\n");
  return out;
}

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\r\f\v";
  size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// Llama 3's template: BOS once, each message's content trimmed.
std::string RenderLlama3(const std::vector<ChatMessage>& messages, std::string_view bos,
                         bool add_generation_prompt) {
  std::string out(bos);
  for (const auto& m : messages) {
    out.append("<|start_header_id|>").append(m.role).append("<|end_header_id|>\n\n");
    out.append(Trim(m.content)).append("<|eot_id|>");
  }
  if (add_generation_prompt) out.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
  return out;
}

std::string RenderChatMl(const std::vector<ChatMessage>& messages, bool add_generation_prompt) {
  std::string out;
  for (const auto& m : messages) {
    out.append("<|im_start|>").append(m.role).append("\n").append(m.content).append("<|im_end|>\n");
  }
  if (add_generation_prompt) out.append("<|im_start|>assistant\n");
  return out;
}

}  // namespace

std::string_view ChatFormatName(ChatFormat format) {
  switch (format) {
    case ChatFormat::kDeepSeekR1:
      return "deepseek-r1";
    case ChatFormat::kLlama3:
      return "llama3";
    case ChatFormat::kChatMl:
      return "chatml";
  }
  return "chatml";
}

ChatFormat DetectChatFormat(std::string_view chat_template, std::string_view pre_tokenizer) {
  if (chat_template.find(kAssistant) != std::string_view::npos) return ChatFormat::kDeepSeekR1;
  if (chat_template.find("<|start_header_id|>") != std::string_view::npos) {
    return ChatFormat::kLlama3;
  }
  if (chat_template.find("<|im_start|>") != std::string_view::npos) return ChatFormat::kChatMl;
  if (pre_tokenizer == "deepseek-r1-qwen") return ChatFormat::kDeepSeekR1;
  if (pre_tokenizer == "llama-bpe") return ChatFormat::kLlama3;
  return ChatFormat::kChatMl;
}

std::string RenderChat(ChatFormat format, const std::vector<ChatMessage>& messages,
                       std::string_view bos, bool add_generation_prompt) {
  switch (format) {
    case ChatFormat::kDeepSeekR1:
      return RenderDeepSeekR1(messages, bos, add_generation_prompt);
    case ChatFormat::kLlama3:
      return RenderLlama3(messages, bos, add_generation_prompt);
    case ChatFormat::kChatMl:
      return RenderChatMl(messages, add_generation_prompt);
  }
  return RenderChatMl(messages, add_generation_prompt);
}

}  // namespace bastion::engine
