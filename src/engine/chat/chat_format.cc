#include "engine/chat/chat_format.h"

namespace bastion::engine {
namespace {

constexpr std::string_view kUser = "<｜User｜>";
constexpr std::string_view kAssistant = "<｜Assistant｜>";
constexpr std::string_view kEndOfSentence = "<｜end▁of▁sentence｜>";

// Collects the rendered prompt as template text (role markers, special tokens) and message
// content, so that content can be tokenized without turning its text into control tokens.
class ChatWriter {
 public:
  ChatWriter& Template(std::string_view text) { return Add(text, true); }
  ChatWriter& Content(std::string_view text) { return Add(text, false); }
  std::vector<ChatSegment> Take() { return std::move(segments_); }

 private:
  ChatWriter& Add(std::string_view text, bool is_template) {
    if (text.empty()) return *this;
    if (segments_.empty() || segments_.back().is_template != is_template) {
      segments_.push_back({std::string(), is_template});
    }
    segments_.back().text.append(text);
    return *this;
  }
  std::vector<ChatSegment> segments_;
};

bool IsSystem(const ChatMessage& m) { return m.role == "system" || m.role == "developer"; }

// DeepSeek-R1-Distill's template: the last system message goes first; earlier assistant turns
// keep only what follows their last </think>; tool results are grouped in an outputs block.
std::vector<ChatSegment> RenderDeepSeekR1(const std::vector<ChatMessage>& messages,
                                          std::string_view bos, bool add_generation_prompt) {
  std::string_view system;
  for (const auto& m : messages) {
    if (IsSystem(m)) system = m.content;
  }
  ChatWriter out;
  out.Template(bos).Content(system);
  bool in_tool_outputs = false;
  bool first_output = true;
  for (const auto& m : messages) {
    if (m.role == "user") {
      in_tool_outputs = false;
      out.Template(kUser).Content(m.content);
    } else if (m.role == "assistant") {
      if (in_tool_outputs) {
        out.Template("<｜tool▁outputs▁end｜>").Content(m.content).Template(kEndOfSentence);
        in_tool_outputs = false;
        continue;
      }
      std::string_view content = m.content;
      if (size_t end = content.rfind("</think>"); end != std::string_view::npos) {
        content = content.substr(end + std::string_view("</think>").size());
      }
      out.Template(kAssistant).Content(content).Template(kEndOfSentence);
    } else if (m.role == "tool") {
      in_tool_outputs = true;
      out.Template(first_output ? "<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>"
                                : "\n<｜tool▁output▁begin｜>");
      out.Content(m.content).Template("<｜tool▁output▁end｜>");
      first_output = false;
    }
  }
  if (in_tool_outputs) out.Template("<｜tool▁outputs▁end｜>");
  if (add_generation_prompt && !in_tool_outputs) out.Template(kAssistant).Template("<think>\n");
  return out.Take();
}

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\r\f\v";
  size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// Llama 3's template: BOS once, each message's content trimmed.
std::vector<ChatSegment> RenderLlama3(const std::vector<ChatMessage>& messages,
                                      std::string_view bos, bool add_generation_prompt) {
  ChatWriter out;
  out.Template(bos);
  for (const auto& m : messages) {
    out.Template("<|start_header_id|>").Template(m.role).Template("<|end_header_id|>\n\n");
    out.Content(Trim(m.content)).Template("<|eot_id|>");
  }
  if (add_generation_prompt) out.Template("<|start_header_id|>assistant<|end_header_id|>\n\n");
  return out.Take();
}

std::vector<ChatSegment> RenderChatMl(const std::vector<ChatMessage>& messages,
                                      bool add_generation_prompt) {
  ChatWriter out;
  for (const auto& m : messages) {
    out.Template("<|im_start|>").Template(m.role).Template("\n");
    out.Content(m.content).Template("<|im_end|>\n");
  }
  if (add_generation_prompt) out.Template("<|im_start|>assistant\n");
  return out.Take();
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
  std::string out;
  for (const auto& s : RenderChatSegments(format, messages, bos, add_generation_prompt)) {
    out.append(s.text);
  }
  return out;
}

std::vector<ChatSegment> RenderChatSegments(ChatFormat format,
                                            const std::vector<ChatMessage>& messages,
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
