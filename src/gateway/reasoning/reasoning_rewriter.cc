#include "gateway/reasoning/reasoning_rewriter.h"

#include <simdjson.h>

#include "common/json_writer.h"

namespace bastion::gateway {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

simdjson::dom::parser& ThreadParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

bool HasString(object o, std::string_view key) {
  element v;
  return o[key].get(v) == simdjson::SUCCESS && v.is_string();
}

// Writes `o` with its "content" replaced by reasoning_content/content from `piece`.
// `final_content` forces a content member even when empty (whole responses).
void WriteSplit(JsonWriter& w, object o, const ThinkSplitter::Piece& piece, bool whole) {
  w.BeginObject();
  for (auto [key, value] : o) {
    if (key == "content") continue;
    w.Key(key).Raw(simdjson::minify(value));
  }
  if (whole || !piece.reasoning.empty()) w.Key("reasoning_content").String(piece.reasoning);
  if (whole || !piece.content.empty()) w.Key("content").String(piece.content);
  w.EndObject();
}

// Rewrites `root` with every choice's `member` (delta or message) passed to `rewrite_choice`.
template <typename Fn>
std::string RewriteChoices(object root, Fn&& rewrite_choice) {
  JsonWriter w;
  w.BeginObject();
  for (auto [key, value] : root) {
    w.Key(key);
    simdjson::dom::array choices;
    if (key != "choices" || value.get_array().get(choices) != simdjson::SUCCESS) {
      w.Raw(simdjson::minify(value));
      continue;
    }
    w.BeginArray();
    for (element choice : choices) {
      object c;
      if (choice.get_object().get(c) != simdjson::SUCCESS) {
        w.Raw(simdjson::minify(choice));
        continue;
      }
      rewrite_choice(w, c);
    }
    w.EndArray();
  }
  w.EndObject();
  return w.Take();
}

}  // namespace

void ReasoningStreamRewriter::Rewrite(std::string& chunk_json) {
  if (upstream_splits_) return;
  object root;
  if (ThreadParser().parse(chunk_json).get_object().get(root) != simdjson::SUCCESS) return;
  simdjson::dom::array choices;
  if (root["choices"].get_array().get(choices) != simdjson::SUCCESS) return;
  for (element choice : choices) {
    object delta;
    if (choice["delta"].get_object().get(delta) == simdjson::SUCCESS &&
        HasString(delta, "reasoning_content")) {
      upstream_splits_ = true;
      return;
    }
  }
  chunk_json = RewriteChoices(root, [&](JsonWriter& w, object c) {
    int64_t index = 0;
    if (c["index"].get_int64().get(index) != simdjson::SUCCESS) index = 0;
    ThinkSplitter& splitter = splitters_[index];
    element finish;
    bool finished = c["finish_reason"].get(finish) == simdjson::SUCCESS && finish.is_string();
    w.BeginObject();
    for (auto [key, value] : c) {
      w.Key(key);
      object delta;
      if (key != "delta" || value.get_object().get(delta) != simdjson::SUCCESS) {
        w.Raw(simdjson::minify(value));
        continue;
      }
      std::string_view text;
      ThinkSplitter::Piece piece;
      bool had_text = delta["content"].get_string().get(text) == simdjson::SUCCESS;
      if (had_text) piece = splitter.Feed(text);
      if (finished) {
        ThinkSplitter::Piece rest = splitter.Finish();
        piece.reasoning += rest.reasoning;
        piece.content += rest.content;
      }
      if (!had_text && piece.empty()) w.Raw(simdjson::minify(value));
      else WriteSplit(w, delta, piece, false);
    }
    w.EndObject();
  });
}

void RewriteReasoningResponse(std::string& body_json) {
  object root;
  if (ThreadParser().parse(body_json).get_object().get(root) != simdjson::SUCCESS) return;
  std::string out = RewriteChoices(root, [&](JsonWriter& w, object c) {
    w.BeginObject();
    for (auto [key, value] : c) {
      w.Key(key);
      object message;
      std::string_view text;
      if (key != "message" || value.get_object().get(message) != simdjson::SUCCESS ||
          HasString(message, "reasoning_content") ||
          message["content"].get_string().get(text) != simdjson::SUCCESS) {
        w.Raw(simdjson::minify(value));
        continue;
      }
      ThinkSplitter splitter;
      ThinkSplitter::Piece piece = splitter.Feed(text);
      ThinkSplitter::Piece rest = splitter.Finish();
      piece.reasoning += rest.reasoning;
      piece.content += rest.content;
      WriteSplit(w, message, piece, true);
    }
    w.EndObject();
  });
  body_json = std::move(out);
}

}  // namespace bastion::gateway
