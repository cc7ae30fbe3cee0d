#include "gateway/filters/audit/audit_text.h"

#include <simdjson.h>

namespace bastion::gateway {
namespace {

using simdjson::dom::element;

// A content value: a string, or an array of parts whose "text" members are joined.
void AppendContent(element content, std::string& out) {
  std::string_view text;
  if (content.get(text) == simdjson::SUCCESS) {
    out.append(text);
    return;
  }
  simdjson::dom::array parts;
  if (content.get(parts) != simdjson::SUCCESS) return;
  for (element part : parts) {
    if (part["text"].get(text) == simdjson::SUCCESS) out.append(text);
  }
}

// simdjson keeps one parser per thread: audit runs on the connection threads.
simdjson::dom::parser& Parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

}  // namespace

std::string PromptText(InferenceKind kind, std::string_view body) {
  element doc;
  if (Parser().parse(body.data(), body.size(), true).get(doc)) return "";
  std::string out;
  if (kind == InferenceKind::kCompletion) {
    element prompt;
    if (doc["prompt"].get(prompt)) return "";
    std::string_view text;
    if (prompt.get(text) == simdjson::SUCCESS) return std::string(text);
    simdjson::dom::array prompts;
    if (prompt.get(prompts) != simdjson::SUCCESS) return "";
    for (element p : prompts) {
      if (p.get(text) == simdjson::SUCCESS) out.append(text).push_back('\n');
    }
    return out;
  }
  simdjson::dom::array messages;
  if (doc["messages"].get(messages)) return "";
  for (element m : messages) {
    std::string_view role;
    if (m["role"].get(role) == simdjson::SUCCESS) out.append(role).append(": ");
    element content;
    if (m["content"].get(content) == simdjson::SUCCESS) AppendContent(content, out);
    out.push_back('\n');
  }
  return out;
}

void AppendAnswerText(std::string_view data, std::string& text, std::string& finish_reason) {
  if (data.empty() || data == "[DONE]") return;
  element doc;
  if (Parser().parse(data.data(), data.size(), true).get(doc)) return;
  simdjson::dom::array choices;
  if (doc["choices"].get(choices)) return;
  for (element choice : choices) {
    std::string_view s;
    if (choice["finish_reason"].get(s) == simdjson::SUCCESS) finish_reason = std::string(s);
    if (choice["text"].get(s) == simdjson::SUCCESS) text.append(s);
    for (const char* holder : {"message", "delta"}) {
      element m;
      if (choice[holder].get(m)) continue;
      if (m["reasoning_content"].get(s) == simdjson::SUCCESS) text.append(s);
      element content;
      if (m["content"].get(content) == simdjson::SUCCESS) AppendContent(content, text);
    }
  }
}

}  // namespace bastion::gateway
