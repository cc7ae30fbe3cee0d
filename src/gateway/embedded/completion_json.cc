#include "gateway/embedded/completion_json.h"

#include "common/json_writer.h"

namespace bastion::gateway {

class CompletionJson::Writer : public JsonWriter {
 public:
  Writer& Usage(const gateway::Usage& u) {
    Key("usage").BeginObject();
    Key("prompt_tokens").Uint(u.prompt_tokens);
    Key("completion_tokens").Uint(u.completion_tokens);
    Key("total_tokens").Uint(u.prompt_tokens + u.completion_tokens).EndObject();
    return *this;
  }

  Writer& Bytes(std::string_view token) {
    Key("bytes").BeginArray();
    for (unsigned char c : token) Uint(c);
    EndArray();
    return *this;
  }

  // Chat: {"content":[{"token","logprob","bytes","top_logprobs":[...]}]}
  Writer& ChatLogprobs(const std::vector<TokenLogprobs>* logprobs) {
    Key("logprobs");
    if (logprobs == nullptr) {
      Null();
      return *this;
    }
    BeginObject().Key("content").BeginArray();
    for (const auto& t : *logprobs) {
      BeginObject().Key("token").String(t.token).Key("logprob").Double(t.logprob);
      Bytes(t.token).Key("top_logprobs").BeginArray();
      for (const auto& [token, logprob] : t.top) {
        BeginObject().Key("token").String(token).Key("logprob").Double(logprob);
        Bytes(token).EndObject();
      }
      EndArray().EndObject();
    }
    EndArray().EndObject();
    return *this;
  }

  // Completions (legacy shape): tokens, token_logprobs, top_logprobs as {token: logprob}.
  Writer& TextLogprobs(const std::vector<TokenLogprobs>* logprobs, size_t text_offset) {
    Key("logprobs");
    if (logprobs == nullptr) {
      Null();
      return *this;
    }
    BeginObject().Key("tokens").BeginArray();
    for (const auto& t : *logprobs) String(t.token);
    EndArray().Key("token_logprobs").BeginArray();
    for (const auto& t : *logprobs) Double(t.logprob);
    EndArray().Key("top_logprobs").BeginArray();
    for (const auto& t : *logprobs) {
      BeginObject();
      for (const auto& [token, logprob] : t.top) Key(token).Double(logprob);
      EndObject();
    }
    EndArray().Key("text_offset").BeginArray();
    for (const auto& t : *logprobs) {
      Uint(text_offset);
      text_offset += t.token.size();
    }
    EndArray().EndObject();
    return *this;
  }

  Writer& Finish(std::string_view finish) {
    Key("finish_reason");
    if (finish.empty())
      Null();
    else
      String(finish);
    return *this;
  }
};

CompletionJson::CompletionJson(InferenceKind kind, std::string_view request_id, std::string model,
                               int64_t created)
    : kind_(kind),
      id_((kind == InferenceKind::kChat ? "chatcmpl-" : "cmpl-") + std::string(request_id)),
      model_(std::move(model)),
      created_(created) {}

void CompletionJson::Head(Writer& w, bool chunk) const {
  const bool chat = kind_ == InferenceKind::kChat;
  w.BeginObject().Key("id").String(id_).Key("object");
  w.String(chat ? (chunk ? "chat.completion.chunk" : "chat.completion") : "text_completion");
  w.Key("created").Int(created_).Key("model").String(model_);
}

std::string CompletionJson::Chunk(std::string_view reasoning, std::string_view content, bool role,
                                  const std::vector<TokenLogprobs>* logprobs,
                                  std::string_view finish) const {
  Writer w;
  Head(w, true);
  w.Key("choices").BeginArray().BeginObject().Key("index").Int(0);
  if (kind_ == InferenceKind::kChat) {
    w.Key("delta").BeginObject();
    if (role) w.Key("role").String("assistant");
    if (!reasoning.empty()) w.Key("reasoning_content").String(reasoning);
    if (!content.empty() || role) w.Key("content").String(content);
    w.EndObject();
    w.ChatLogprobs(logprobs);
  } else {
    w.Key("text").String(content);
    w.TextLogprobs(logprobs, 0);
  }
  w.Finish(finish).EndObject().EndArray().EndObject();
  return w.Take();
}

std::string CompletionJson::UsageChunk(const Usage& usage) const {
  Writer w;
  Head(w, true);
  w.Key("choices").BeginArray().EndArray();
  w.Usage(usage).EndObject();
  return w.Take();
}

std::string CompletionJson::Whole(std::string_view reasoning, std::string_view content,
                                  const std::vector<TokenLogprobs>* logprobs,
                                  std::string_view finish, const Usage& usage) const {
  Writer w;
  Head(w, false);
  w.Key("choices").BeginArray().BeginObject().Key("index").Int(0);
  if (kind_ == InferenceKind::kChat) {
    w.Key("message").BeginObject().Key("role").String("assistant");
    w.Key("content").String(content);
    if (!reasoning.empty()) w.Key("reasoning_content").String(reasoning);
    w.EndObject();
    w.ChatLogprobs(logprobs);
  } else {
    w.Key("text").String(content);
    w.TextLogprobs(logprobs, 0);
  }
  w.Finish(finish).EndObject().EndArray();
  w.Usage(usage).EndObject();
  return w.Take();
}

}  // namespace bastion::gateway
