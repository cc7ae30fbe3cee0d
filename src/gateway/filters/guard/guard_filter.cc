#include "gateway/filters/guard/guard_filter.h"

#include <algorithm>

#include "common/json_writer.h"
#include "gateway/filters/guard/blocked_error.h"
#include "gateway/filters/guard/guard_exchange.h"
#include "gateway/filters/guard/json_strings.h"

namespace bastion::gateway {
namespace {

simdjson::dom::parser& ThreadParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

bool IsRequestText(InferenceKind kind, std::string_view path) {
  if (kind == InferenceKind::kCompletion) {
    return PathMatches(path, "prompt") || PathMatches(path, "prompt.#");
  }
  return PathMatches(path, "messages.#.content") || PathMatches(path, "messages.#.content.#.text");
}

bool IsAnswerText(std::string_view path) {
  return PathMatches(path, "choices.#.message.content") ||
         PathMatches(path, "choices.#.message.reasoning_content") ||
         PathMatches(path, "choices.#.text");
}

std::shared_ptr<GuardExchange> NewState(const Exchange& ex) {
  auto state = std::make_shared<GuardExchange>();
  state->scope.model = ex.model;
  if (ex.identity) {
    state->scope.role = auth::RoleName(ex.identity->role);
    std::string_view subject = ex.identity->subject;
    if (subject.starts_with("key:")) state->key_id = subject.substr(4);
  }
  state->scope.key_id = state->key_id;
  return state;
}

const guard::Finding* FirstBlock(const std::vector<guard::Finding>& findings) {
  for (const guard::Finding& f : findings) {
    if (f.action == guard::Action::kBlock) return &f;
  }
  return nullptr;
}

// The streamed text of choice `index`, `which` 0 for content and 1 for reasoning.
guard::StreamGuard& StreamFor(GuardExchange& s, const guard::Guardrails& g, int64_t index,
                              int which) {
  auto& slot = s.streams[index][which];
  if (!slot) {
    guard::StreamOptions options;
    options.hold_back = static_cast<size_t>(g.config().hold_back_bytes);
    slot = std::make_unique<guard::StreamGuard>(
        g, s.scope, g.config().restore_redacted ? &s.redaction : nullptr, options);
  }
  return *slot;
}

// Records a leak of the system prompt as a finding; true when the policy blocks it.
bool LeakBlocked(GuardExchange& s, const guard::Guardrails& g, size_t start) {
  guard::Finding f{guard::Category::kInjection,
                   guard::kSystemPromptLeakRule,
                   guard::Span{start, start + 1},
                   1.0,
                   {}};
  f.action = g.policy().ActionFor(f, s.scope);
  s.output_findings.push_back(f);
  s.output_verdict = std::max(s.output_verdict, f.action);
  return f.action == guard::Action::kBlock;
}

// Feeds streamed text `which` of choice `index` to its leak detector; true when a leak found
// now is blocked.
bool StreamLeakBlocked(GuardExchange& s, const guard::Guardrails& g, int64_t index, int which,
                       std::string_view text, bool finishing) {
  if (s.system_prompt.empty()) return false;
  auto& slot = s.leaks[index][which];
  if (!slot) slot = std::make_unique<guard::PromptLeakDetector>(s.system_prompt);
  if (slot->leaked()) return false;
  bool leaked = slot->Feed(text);
  if (finishing) leaked = slot->Finish() || leaked;
  return leaked && LeakBlocked(s, g, slot->leak_start());
}

// Guards the next piece of streamed text `which` (0 content, 1 reasoning) of choice `index`:
// returns what may be sent now, records new findings, and sets `blocked` when the text must
// end here. `finishing`: the text ends with this piece.
std::string GuardPiece(GuardExchange& s, const guard::Guardrails& g, int64_t index, int which,
                       std::string_view text, bool finishing, bool& blocked) {
  blocked = StreamLeakBlocked(s, g, index, which, text, finishing) || blocked;
  guard::StreamGuard& sg = StreamFor(s, g, index, which);
  size_t known = sg.findings().size();
  std::string released = sg.Push(text);
  if (finishing) released += sg.Finish();
  for (size_t i = known; i < sg.findings().size(); ++i) {
    s.output_findings.push_back(sg.findings()[i]);
    s.output_verdict = std::max(s.output_verdict, sg.findings()[i].action);
  }
  blocked = blocked || sg.blocked();
  if (blocked) s.output_verdict = guard::Action::kBlock;
  return released;
}

// "finish_reason": content_filter when the guard ended the text, else the upstream's (or null).
void WriteFinishReason(JsonWriter& w, bool blocked, const std::string_view* finish) {
  w.Key("finish_reason");
  if (blocked) {
    w.String("content_filter");
  } else if (finish) {
    w.String(*finish);
  } else {
    w.Null();
  }
}

// A streamed legacy completion's choice: its "text" is the generated text.
void WriteTextChoice(JsonWriter& w, simdjson::dom::object choice, std::string_view text,
                     GuardExchange& s, const guard::Guardrails& g, bool& blocked) {
  int64_t index = 0;
  if (choice["index"].get(index) != simdjson::SUCCESS) index = 0;
  std::string_view finish;
  bool finishing = choice["finish_reason"].get(finish) == simdjson::SUCCESS;
  std::string released = GuardPiece(s, g, index, 0, text, finishing, blocked);
  w.BeginObject();
  for (auto [key, value] : choice) {
    if (key == "text" || key == "finish_reason") continue;
    w.Key(key).Raw(simdjson::minify(value));
  }
  w.Key("text").String(blocked ? "" : released);
  WriteFinishReason(w, blocked, finishing ? &finish : nullptr);
  w.EndObject();
}

// Writes a streamed choice with its delta's texts replaced by what the guard releases.
void WriteChoice(JsonWriter& w, simdjson::dom::object choice, GuardExchange& s,
                 const guard::Guardrails& g, bool& blocked) {
  std::string_view completion_text;
  if (choice["text"].get(completion_text) == simdjson::SUCCESS) {
    return WriteTextChoice(w, choice, completion_text, s, g, blocked);
  }
  int64_t index = 0;
  if (choice["index"].get(index) != simdjson::SUCCESS) index = 0;
  std::string_view finish;
  bool finishing = choice["finish_reason"].get(finish) == simdjson::SUCCESS;
  std::string released[2];
  const char* names[2] = {"content", "reasoning_content"};
  simdjson::dom::object delta;
  bool has_delta = choice["delta"].get(delta) == simdjson::SUCCESS;
  for (int which = 0; which < 2; ++which) {
    std::string_view text;
    bool present = has_delta && delta[names[which]].get(text) == simdjson::SUCCESS;
    if (!present && !finishing) continue;
    released[which] = GuardPiece(s, g, index, which, text, finishing, blocked);
  }
  w.BeginObject();
  for (auto [key, value] : choice) {
    if (key == "delta" || key == "finish_reason") continue;
    w.Key(key).Raw(simdjson::minify(value));
  }
  w.Key("delta").BeginObject();
  if (has_delta) {
    for (auto [key, value] : delta) {
      if (key == names[0] || key == names[1]) continue;
      w.Key(key).Raw(simdjson::minify(value));
    }
  }
  for (int which = 1; which >= 0; --which) {
    std::string_view text;
    bool present = has_delta && delta[names[which]].get(text) == simdjson::SUCCESS;
    if (present || !released[which].empty())
      w.Key(names[which]).String(blocked ? "" : released[which]);
  }
  w.EndObject();
  WriteFinishReason(w, blocked, finishing ? &finish : nullptr);
  w.EndObject();
}

// The texts of the system and developer messages, one per line.
std::string SystemPrompt(simdjson::dom::element root) {
  std::string out;
  simdjson::dom::array messages;
  if (root["messages"].get(messages) != simdjson::SUCCESS) return out;
  for (simdjson::dom::element m : messages) {
    std::string_view role, text;
    if (m["role"].get(role) != simdjson::SUCCESS || (role != "system" && role != "developer")) {
      continue;
    }
    simdjson::dom::array parts;
    if (m["content"].get(text) == simdjson::SUCCESS) {
      out.append(text).append("\n");
    } else if (m["content"].get(parts) == simdjson::SUCCESS) {
      for (simdjson::dom::element part : parts) {
        if (part["text"].get(text) == simdjson::SUCCESS) out.append(text).append("\n");
      }
    }
  }
  return out;
}

void RememberChunk(simdjson::dom::object chunk, GuardExchange& s) {
  std::string_view text;
  if (s.chunk_object.empty() && chunk["object"].get(text) == simdjson::SUCCESS) {
    s.chunk_object = text;
    if (chunk["id"].get(text) == simdjson::SUCCESS) s.chunk_id = text;
    if (chunk["model"].get(text) == simdjson::SUCCESS) s.chunk_model = text;
    if (chunk["created"].get(s.chunk_created) != simdjson::SUCCESS) s.chunk_created = 0;
  }
}

// One streamed event carrying `text` for choice `index` (or ending it with content_filter).
std::string HeldChunk(const GuardExchange& s, int64_t index, int which, std::string_view text,
                      bool blocked) {
  bool completion = s.chunk_object == "text_completion";
  JsonWriter w;
  w.BeginObject().Key("id").String(s.chunk_id);
  w.Key("object").String(s.chunk_object.empty() ? "chat.completion.chunk" : s.chunk_object);
  w.Key("created").Int(s.chunk_created).Key("model").String(s.chunk_model);
  w.Key("choices").BeginArray().BeginObject().Key("index").Int(index);
  if (completion) {
    w.Key("text").String(text);
  } else {
    w.Key("delta").BeginObject();
    w.Key(which == 0 ? "content" : "reasoning_content").String(text);
    w.EndObject();
  }
  WriteFinishReason(w, blocked, nullptr);
  w.EndObject().EndArray().EndObject();
  return w.Take();
}

}  // namespace

GuardFilter::GuardFilter(std::shared_ptr<const guard::Guardrails> guardrails,
                         MetricsRegistry& metrics)
    : guardrails_(std::move(guardrails)), metrics_(metrics) {
  for (std::string_view side : {"request", "response"}) {
    for (guard::Category c : guard::kAllCategories) {
      for (guard::Action a : {guard::Action::kAllow, guard::Action::kFlag, guard::Action::kRedact,
                              guard::Action::kBlock}) {
        FindingsCounter(c, a, side);
      }
    }
    AttemptsCounter(side);
  }
}

Counter& GuardFilter::FindingsCounter(guard::Category category, guard::Action action,
                                      std::string_view side) {
  return metrics_.GetCounter("bastion_guard_findings_total",
                             "Guard findings by category, action and side",
                             {{"category", std::string(guard::CategoryName(category))},
                              {"action", std::string(guard::ActionName(action))},
                              {"side", std::string(side)}});
}

Counter& GuardFilter::AttemptsCounter(std::string_view side) {
  return metrics_.GetCounter(
      "bastion_jailbreak_attempts_total",
      "Exchanges with a jailbreak or prompt-injection finding, whatever the action",
      {{"side", std::string(side)}});
}

void GuardFilter::OnStreamEnd(Exchange& ex, std::vector<std::string>& events) {
  if (!ex.guard || !ex.inference || !ex.inference->stream) return;
  GuardExchange& s = *ex.guard;
  if (s.output_verdict == guard::Action::kBlock) return;
  for (auto& [index, pair] : s.streams) {
    for (int which = 0; which < 2; ++which) {
      if (!pair[which]) continue;
      bool blocked = false;
      std::string rest = GuardPiece(s, *guardrails_, index, which, {}, true, blocked);
      if (blocked) {
        events.push_back(HeldChunk(s, index, which, "", true));
        return;
      }
      if (!rest.empty()) events.push_back(HeldChunk(s, index, which, rest, false));
    }
  }
}

FilterResult GuardFilter::OnRequest(Exchange& ex) {
  if (!ex.inference) return FilterResult::Continue();
  auto state = NewState(ex);
  ex.guard = state;
  simdjson::dom::element root;
  if (ThreadParser().parse(ex.body()).get(root) != simdjson::SUCCESS) {
    return FilterResult::Continue();  // ParseInferenceRequest already accepted it
  }
  InferenceKind kind = ex.inference->kind;
  if (kind == InferenceKind::kChat) state->system_prompt = SystemPrompt(root);
  bool redacted = false;
  std::string texts;
  std::string body = RewriteJsonStrings(
      root, [&](std::string_view path, std::string_view text) -> std::optional<std::string> {
        if (!IsRequestText(kind, path)) return std::nullopt;
        guard::Verdict v = guardrails_->Check(text, state->scope);
        state->input_verdict = std::max(state->input_verdict, v.action);
        if (v.doubt > state->doubt) {
          state->doubt = v.doubt;
          state->doubt_category = v.doubt_category;
        }
        if (!guardrails_->config().classifier_model.empty()) texts.append(text).append("\n");
        state->input_findings.insert(state->input_findings.end(), v.findings.begin(),
                                     v.findings.end());
        if (v.action < guard::Action::kRedact) return std::nullopt;
        redacted = true;
        return state->redaction.Apply(text, v.findings);
      });
  if (const guard::Finding* f = FirstBlock(state->input_findings)) {
    return FilterResult::Respond(GuardBlockedError(*f));
  }
  if (redacted) ex.rewritten_body = std::move(body);
  if (state->doubt >= guardrails_->config().classifier_from) {
    state->doubtful_text = std::move(texts);  // empty unless a classifier is configured
  }
  return FilterResult::Continue();
}

void GuardFilter::OnResponseData(Exchange& ex, std::string& data) {
  if (!ex.guard || !ex.inference || !guardrails_->config().scan_output) return;
  GuardExchange& s = *ex.guard;
  if (s.output_verdict == guard::Action::kBlock && ex.inference->stream) {
    data.clear();  // the stream ended at the finding; [DONE] still follows
    return;
  }
  simdjson::dom::element doc;
  simdjson::dom::object root;
  if (ThreadParser().parse(data).get(doc) != simdjson::SUCCESS || doc.get(root)) return;
  simdjson::dom::array choices;
  if (root["choices"].get(choices) != simdjson::SUCCESS) return;
  if (ex.inference->stream) {
    RememberChunk(root, s);
    bool blocked = false;
    JsonWriter w;
    w.BeginObject();
    for (auto [key, value] : root) {
      w.Key(key);
      if (key != "choices") {
        w.Raw(simdjson::minify(value));
        continue;
      }
      w.BeginArray();
      for (simdjson::dom::element choice : choices) {
        simdjson::dom::object c;
        if (choice.get(c) == simdjson::SUCCESS) {
          WriteChoice(w, c, s, *guardrails_, blocked);
        } else {
          w.Raw(simdjson::minify(choice));
        }
      }
      w.EndArray();
    }
    data = w.EndObject().Take();
    return;  // GuardPiece recorded the findings and the verdict
  }
  guard::Redaction output;
  output.NumberAfter(s.redaction);
  bool blocked = false;
  std::string rewritten = RewriteJsonStrings(
      doc, [&](std::string_view path, std::string_view text) -> std::optional<std::string> {
        if (!IsAnswerText(path)) return std::nullopt;
        guard::Verdict v = guardrails_->Check(text, s.scope);
        s.output_verdict = std::max(s.output_verdict, v.action);
        s.output_findings.insert(s.output_findings.end(), v.findings.begin(), v.findings.end());
        if (!s.system_prompt.empty()) {
          guard::PromptLeakDetector leak(s.system_prompt);
          leak.Feed(text);
          if (leak.Finish() && LeakBlocked(s, *guardrails_, leak.leak_start())) {
            v.action = guard::Action::kBlock;
          }
        }
        if (v.action == guard::Action::kBlock) {
          blocked = true;
          return std::string();
        }
        std::string out =
            v.action >= guard::Action::kRedact ? output.Apply(text, v.findings) : std::string(text);
        return guardrails_->config().restore_redacted ? s.redaction.Restore(out) : out;
      });
  if (blocked && ThreadParser().parse(rewritten).get(doc) == simdjson::SUCCESS) {
    // Every choice's finish_reason says why the answer is empty.
    rewritten = RewriteJsonStrings(
        doc, [](std::string_view path, std::string_view) -> std::optional<std::string> {
          if (PathMatches(path, "choices.#.finish_reason")) return "content_filter";
          return std::nullopt;
        });
  }
  data = std::move(rewritten);
}

void GuardFilter::OnComplete(Exchange& ex) {
  // Counted at the end, so the request side includes what the classifier found.
  if (!ex.guard) return;
  Count(ex.guard->input_findings, "request");
  Count(ex.guard->output_findings, "response");
}

void GuardFilter::Count(const std::vector<guard::Finding>& findings, std::string_view side) {
  for (const guard::Finding& f : findings) FindingsCounter(f.category, f.action, side).Inc();
  // An attempt is an exchange, however many rules it tripped and whatever the policy did.
  bool attempt = std::any_of(findings.begin(), findings.end(), [](const guard::Finding& f) {
    return f.category == guard::Category::kJailbreak || f.category == guard::Category::kInjection;
  });
  if (attempt) AttemptsCounter(side).Inc();
}

}  // namespace bastion::gateway
