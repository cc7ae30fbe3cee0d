#include "engine/tokenizer/hf_tokenizer_json.h"

#include <algorithm>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/hf_json.h"
#include "engine/tokenizer/hf_tokenizer_shape.h"

namespace bastion::engine {
namespace {

using simdjson::dom::element;

constexpr size_t kMaxTokenizerJsonBytes = size_t{256} << 20;
constexpr size_t kMaxTokenizerConfigBytes = size_t{16} << 20;
constexpr int64_t kMaxTokens = int64_t{1} << 24;  // ids stay below this, as in GGUF vocabularies
// Missing ids are filled, but not more of them than the file has tokens (plus some slack):
// a lone id near 2^24 must not make the loader build sixteen million placeholders.
constexpr size_t kGapSlack = 1024;
// SentencePiece scores of tokens no merge produces: below every merged token.
constexpr float kUnmergedScore = -1e9f;
constexpr std::string_view kDeepSeekBos = "<｜begin▁of▁sentence｜>";

struct AddedToken {
  std::string_view content;
  TokenId id;
  bool special;
};

// tokenizer.json's tokens as listed (views into the parsed file), and indexes by text.
struct TokenTable {
  std::vector<std::pair<std::string_view, TokenId>> model;  // model.vocab
  std::vector<AddedToken> added;
  std::unordered_map<std::string_view, TokenId> model_ids;  // what merges may name
  std::unordered_map<std::string_view, TokenId> ids;        // every token
};

Status ReadModelVocab(JsonFields& model, TokenTable& t) {
  auto vocab = model.Value("vocab");
  simdjson::dom::object object;
  if (!model.ok()) return model.status();
  if (!vocab || vocab->get_object().get(object) != simdjson::SUCCESS) {
    return Status::InvalidArgument(model.Name("vocab") + " must be an object of token: id");
  }
  for (auto [text, value] : object) {
    int64_t id = -1;
    if (value.get_int64().get(id) != simdjson::SUCCESS || id < 0 || id >= kMaxTokens) {
      return Status::InvalidArgument(model.Name("vocab") + ": the id of " + Quoted(text) +
                                     " must be an integer from 0 to " +
                                     std::to_string(kMaxTokens - 1));
    }
    if (text.empty()) return Status::InvalidArgument(model.Name("vocab") + " has an empty token");
    t.model.emplace_back(text, static_cast<TokenId>(id));
  }
  return Status::Ok();
}

Status ReadAddedTokens(JsonFields& root, TokenTable& t) {
  auto added = root.Array("added_tokens");
  if (!root.ok()) return root.status();
  if (!added) return Status::Ok();
  size_t i = 0;
  for (element e : *added) {
    JsonFields token(e, root.where(), "added_tokens[" + std::to_string(i++) + "]");
    auto id = token.Int("id", 0, kMaxTokens - 1);
    auto content = token.String("content");
    bool special = token.Bool("special").value_or(false);
    if (!token.ok()) return token.status();
    if (!id || !content || content->empty()) {
      return Status::InvalidArgument(token.Name("id") + " and 'content' must be given, and " +
                                     "the content must not be empty");
    }
    t.added.push_back({*content, static_cast<TokenId>(*id), special});
  }
  return Status::Ok();
}

Status PlaceModelTokens(TokenTable& t, const std::string& where, std::vector<bool>& taken,
                        Vocab& vocab) {
  for (auto [text, id] : t.model) {
    if (taken[id]) {
      return Status::InvalidArgument(where + ": 'model.vocab' gives id " + std::to_string(id) +
                                     " to both " + Quoted(vocab.tokens[id]) + " and " +
                                     Quoted(text));
    }
    taken[id] = true;
    vocab.tokens[id] = text;
    vocab.types[id] = TokenType::kNormal;
    t.model_ids.emplace(text, id);
    t.ids.emplace(text, id);
  }
  return Status::Ok();
}

// Added tokens take free ids, or restate model.vocab's token at their id (Llama 2's <s>).
Status PlaceAddedTokens(TokenTable& t, const std::string& where, std::vector<bool>& taken,
                        Vocab& vocab) {
  std::vector<bool> added(vocab.tokens.size(), false);
  for (const AddedToken& a : t.added) {
    const std::string name =
        where + ": added token " + Quoted(a.content) + " (id " + std::to_string(a.id) + ")";
    if (added[a.id]) return Status::InvalidArgument(name + " reuses the id of another");
    auto same_text = t.ids.find(a.content);
    if (taken[a.id] && vocab.tokens[a.id] != a.content) {
      return Status::InvalidArgument(name + " takes the id of " + Quoted(vocab.tokens[a.id]));
    }
    if (same_text != t.ids.end() && same_text->second != a.id) {
      return Status::InvalidArgument(name + " is also token " + std::to_string(same_text->second));
    }
    added[a.id] = taken[a.id] = true;
    vocab.tokens[a.id] = a.content;
    vocab.types[a.id] = a.special ? TokenType::kControl : TokenType::kUserDefined;
    t.ids.emplace(a.content, a.id);
  }
  return Status::Ok();
}

// Tokens and types by id; ids the file skips hold "[PAD<id>]" of type kUnused.
Status LayOutTokens(TokenTable& t, const std::string& where, Vocab& vocab) {
  int64_t max_id = -1;
  for (auto [text, id] : t.model) max_id = std::max<int64_t>(max_id, id);
  for (const AddedToken& a : t.added) max_id = std::max<int64_t>(max_id, a.id);
  if (max_id < 0) return Status::InvalidArgument(where + " has no tokens");
  const size_t size = static_cast<size_t>(max_id) + 1;
  const size_t listed = t.model.size() + t.added.size();
  if (size > 2 * listed + kGapSlack) {
    return Status::InvalidArgument(where + ": token ids run up to " + std::to_string(max_id) +
                                   " for " + std::to_string(listed) +
                                   " tokens; a vocabulary that sparse is refused");
  }
  vocab.tokens.assign(size, {});
  vocab.types.assign(size, TokenType::kUnused);
  t.model_ids.reserve(t.model.size());
  t.ids.reserve(listed);
  std::vector<bool> taken(size, false);
  if (Status st = PlaceModelTokens(t, where, taken, vocab); !st.ok()) return st;
  if (Status st = PlaceAddedTokens(t, where, taken, vocab); !st.ok()) return st;
  for (size_t id = 0; id < size; ++id) {
    if (taken[id]) continue;
    vocab.tokens[id] = "[PAD" + std::to_string(id) + "]";
    if (t.ids.contains(vocab.tokens[id])) {
      return Status::InvalidArgument(where + ": id " + std::to_string(id) +
                                     " has no token, and its placeholder " +
                                     Quoted(vocab.tokens[id]) + " is the text of another");
    }
  }
  return Status::Ok();
}

// One merge as its two tokens: "left right" (one space, as the reference splits it) or
// ["left", "right"] (newer files).
std::optional<std::pair<std::string_view, std::string_view>> MergePair(element e) {
  std::string_view left, right;
  if (e.get_string().get(left) == simdjson::SUCCESS) {
    size_t space = left.find(' ');
    if (space == std::string_view::npos || left.find(' ', space + 1) != std::string_view::npos) {
      return std::nullopt;
    }
    right = left.substr(space + 1);
    left = left.substr(0, space);
  } else {
    simdjson::dom::array pair;
    if (e.get_array().get(pair) != simdjson::SUCCESS || pair.size() != 2 ||
        pair.at(0).get_string().get(left) != simdjson::SUCCESS ||
        pair.at(1).get_string().get(right) != simdjson::SUCCESS) {
      return std::nullopt;
    }
  }
  if (left.empty() || right.empty()) return std::nullopt;
  return std::pair{left, right};
}

// gpt2: the merges as "left right", best first. llama: each merged token scored by its
// first merge (-rank), which orders SentencePiece's bigrams as the merge list does.
Status ReadMerges(JsonFields& model, const TokenTable& t, Vocab& vocab) {
  const bool sentencepiece = vocab.model == "llama";
  if (sentencepiece) vocab.scores.assign(vocab.tokens.size(), kUnmergedScore);
  auto merges = model.Array("merges");
  if (!model.ok()) return model.status();
  if (!merges) return Status::Ok();
  std::string joined;
  int64_t rank = 0;
  for (element e : *merges) {
    const std::string name = model.Name("merges[" + std::to_string(rank) + "]");
    if (rank == kMaxTokens) return Status::InvalidArgument(name + ": too many merges");
    auto pair = MergePair(e);
    if (!pair) {
      return Status::InvalidArgument(name + " must be \"left right\" or [\"left\", \"right\"]");
    }
    auto [left, right] = *pair;
    joined.assign(left).append(right);
    auto merged = t.model_ids.find(std::string_view(joined));
    if (!t.model_ids.contains(left) || !t.model_ids.contains(right) ||
        merged == t.model_ids.end()) {
      return Status::InvalidArgument(name + " (" + Quoted(left) + ", " + Quoted(right) +
                                     ") does not join two tokens of model.vocab into one");
    }
    if (sentencepiece) {
      float& score = vocab.scores[merged->second];
      if (score == kUnmergedScore) score = -static_cast<float>(rank);
    } else if (left.find(' ') != std::string_view::npos ||
               right.find(' ') != std::string_view::npos) {
      return Status::InvalidArgument(name +
                                     " names a token with a space, which a byte-level "
                                     "vocabulary cannot hold");
    } else {
      vocab.merges.push_back(std::string(left) + " " + std::string(right));
    }
    ++rank;
  }
  return Status::Ok();
}

// SentencePiece byte tokens: "<0x41>".
bool IsByteToken(std::string_view text) {
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); };
  return text.size() == 6 && text.starts_with("<0x") && hex(text[3]) && hex(text[4]) &&
         text[5] == '>';
}

// A special token as tokenizer_config.json names it: "text" or {"content": "text", ...}.
std::optional<std::string_view> SpecialTokenText(JsonFields& config, std::string_view key) {
  auto value = config.Value(key);
  if (!value) return std::nullopt;
  std::string_view text;
  if (value->get_string().get(text) == simdjson::SUCCESS) return text;
  JsonFields token(*value, config.where(), config.Path(key));
  auto content = token.String("content");
  if (!token.ok() || !content) config.Fail(key, "must be a token's text or {\"content\": text}");
  return content;
}

Status ResolveToken(JsonFields& fields, std::string_view key, std::optional<std::string_view> text,
                    const TokenTable& t, std::optional<TokenId>& out) {
  if (!fields.ok()) return fields.status();
  if (!text) return Status::Ok();
  auto it = t.ids.find(*text);
  if (it == t.ids.end()) {
    return Status::InvalidArgument(fields.Name(key) + " is " + Quoted(*text) +
                                   ", which is not a token of tokenizer.json");
  }
  out = it->second;
  return Status::Ok();
}

std::string ChatTemplate(JsonFields& config) {
  auto value = config.Value("chat_template");
  if (!value) return {};
  std::string_view text;
  if (value->get_string().get(text) == simdjson::SUCCESS) return std::string(text);
  simdjson::dom::array named;
  if (value->get_array().get(named) != simdjson::SUCCESS) {
    config.Fail("chat_template", "must be a string or a list of {\"name\", \"template\"}");
    return {};
  }
  for (element e : named) {
    JsonFields entry(e, config.where(), config.Path("chat_template"));
    auto name = entry.String("name");
    auto body = entry.String("template");
    if (!entry.ok()) {
      config.Fail("chat_template", "must be a string or a list of {\"name\", \"template\"}");
      return {};
    }
    if (name == "default" && body) return std::string(*body);
  }
  return {};
}

// What tokenizer_config.json adds: special tokens, add_bos_token, the chat template.
Status ReadTokenizerConfig(std::string_view text, std::string_view origin, const TokenTable& t,
                           std::optional<bool>& add_bos, HfTokenizerFiles& out) {
  auto json =
      HfJson::Parse(text, HfFilePath(origin, "tokenizer_config.json"), kMaxTokenizerConfigBytes);
  if (!json.ok()) return json.status();
  JsonFields config(json->root(), json->where(), "");
  Vocab& vocab = out.vocab;
  for (auto [key, slot] :
       {std::pair{"bos_token", &vocab.bos}, std::pair{"eos_token", &vocab.eos},
        std::pair{"unk_token", &vocab.unknown}, std::pair{"pad_token", &vocab.padding}}) {
    auto token = SpecialTokenText(config, key);
    if (Status st = ResolveToken(config, key, token, t, *slot); !st.ok()) return st;
  }
  add_bos = config.Bool("add_bos_token");
  out.chat_template = ChatTemplate(config);
  return config.status();
}

// The special token the post-processor's template puts first (the BOS a fast tokenizer
// adds), looking into Sequence processors. Only a hint: anything unexpected gives nullopt.
std::optional<std::string_view> TemplateFirstToken(element processor, int depth = 0) {
  std::string_view type, first;
  if (depth > 4 || processor["type"].get_string().get(type) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  if (type == "Sequence") {
    simdjson::dom::array parts;
    if (processor["processors"].get_array().get(parts) != simdjson::SUCCESS) return std::nullopt;
    for (element part : parts) {
      if (auto token = TemplateFirstToken(part, depth + 1)) return token;
    }
    return std::nullopt;
  }
  simdjson::dom::array single;
  if (type != "TemplateProcessing" ||
      processor["single"].get_array().get(single) != simdjson::SUCCESS ||
      single.at(0)["SpecialToken"]["id"].get_string().get(first) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return first;
}

// BOS, add_bos and the types that follow from the special tokens, once both files are read.
void SettleSpecialTokens(JsonFields& root, const TokenTable& t, std::optional<bool> add_bos,
                         Vocab& vocab) {
  std::optional<TokenId> template_bos;
  if (auto processor = root.Value("post_processor")) {
    if (auto first = TemplateFirstToken(*processor)) {
      if (auto it = t.ids.find(*first); it != t.ids.end()) template_bos = it->second;
    }
  }
  if (!vocab.bos) vocab.bos = template_bos;
  if (!add_bos && template_bos) add_bos = template_bos == vocab.bos;
  vocab.add_bos = add_bos.value_or(vocab.model == "llama");
  if (vocab.unknown) vocab.types[*vocab.unknown] = TokenType::kUnknown;
  if (vocab.pre == "qwen2" && vocab.bos && vocab.tokens[*vocab.bos] == kDeepSeekBos) {
    vocab.pre = "deepseek-r1-qwen";
  }
}

Status ReadTokens(JsonFields& root, JsonFields& model, const HfTokenizerShape& shape,
                  TokenTable& table, Vocab& vocab) {
  vocab.model = shape.model;
  vocab.pre = shape.pre;
  if (Status st = ReadModelVocab(model, table); !st.ok()) return st;
  if (Status st = ReadAddedTokens(root, table); !st.ok()) return st;
  if (Status st = LayOutTokens(table, root.where(), vocab); !st.ok()) return st;
  if (shape.byte_fallback) {
    for (auto [text, id] : table.model) {
      if (IsByteToken(text)) vocab.types[id] = TokenType::kByte;
    }
  }
  if (Status st = ReadMerges(model, table, vocab); !st.ok()) return st;
  auto unknown = model.String("unk_token");
  return ResolveToken(model, "unk_token", unknown, table, vocab.unknown);
}

}  // namespace

Result<HfTokenizerFiles> VocabFromTokenizerJson(std::string_view tokenizer_json,
                                                std::string_view tokenizer_config_json,
                                                std::string_view origin) {
  auto json =
      HfJson::Parse(tokenizer_json, HfFilePath(origin, "tokenizer.json"), kMaxTokenizerJsonBytes);
  if (!json.ok()) return json.status();
  JsonFields root(json->root(), json->where(), "");
  JsonFields model = root.Object("model");
  auto type = model.String("type");
  if (!model.ok()) return model.status();
  if (type != "BPE") {
    return Status::InvalidArgument(model.Name("type") + " is " +
                                   (type ? Quoted(*type) : std::string("missing")) +
                                   ": the engine runs BPE tokenizers only");
  }
  auto shape = ReadTokenizerShape(root, model);
  if (!shape.ok()) return shape.status();
  HfTokenizerFiles out;
  TokenTable table;
  if (Status st = ReadTokens(root, model, *shape, table, out.vocab); !st.ok()) return st;
  std::optional<bool> add_bos;
  if (!tokenizer_config_json.empty()) {
    Status st = ReadTokenizerConfig(tokenizer_config_json, origin, table, add_bos, out);
    if (!st.ok()) return st;
  }
  SettleSpecialTokens(root, table, add_bos, out.vocab);
  return out;
}

Status FitVocabToModel(Vocab& vocab, uint32_t model_vocab_size) {
  if (vocab.tokens.size() > model_vocab_size) {
    return Status::InvalidArgument("the tokenizer has " + std::to_string(vocab.tokens.size()) +
                                   " tokens but the model only " +
                                   std::to_string(model_vocab_size) + " embedding rows");
  }
  const bool scored = !vocab.scores.empty();
  vocab.types.resize(vocab.tokens.size(), TokenType::kNormal);
  for (size_t id = vocab.tokens.size(); id < model_vocab_size; ++id) {
    vocab.tokens.push_back("[PAD" + std::to_string(id) + "]");
    vocab.types.push_back(TokenType::kUnused);
    if (scored) vocab.scores.push_back(kUnmergedScore);
  }
  return Status::Ok();
}

}  // namespace bastion::engine
