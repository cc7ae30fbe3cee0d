#pragma once
// Writes a vocabulary read from a GGUF file back out as Hugging Face tokenizer.json and
// tokenizer_config.json text, the way the reference tokenizers lay them out, so tests can
// load real vocabularies through the HF reader without shipping the multi-megabyte files.

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "common/json_writer.h"
#include "engine/tokenizer/vocab.h"

namespace bastion::testing {

using engine::TokenId;
using engine::TokenType;
using engine::Vocab;

enum class MergeForm {
  kStrings,  // "left right" (tokenizers before 0.20)
  kPairs,    // ["left", "right"]
};

inline constexpr std::string_view kQwen2SplitRegex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
inline constexpr std::string_view kLlama3SplitRegex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

inline void WriteMerge(JsonWriter& w, std::string_view left, std::string_view right,
                       MergeForm form) {
  if (form == MergeForm::kStrings) {
    w.String(std::string(left) + " " + std::string(right));
  } else {
    w.BeginArray().String(left).String(right).EndArray();
  }
}

// added_tokens: control tokens as special, user-defined ones (<think>) as not.
inline void WriteAddedTokens(JsonWriter& w, const Vocab& vocab, bool unknown_is_special) {
  w.Key("added_tokens").BeginArray();
  for (size_t id = 0; id < vocab.tokens.size(); ++id) {
    TokenType type = vocab.types[id];
    bool special =
        type == TokenType::kControl || (unknown_is_special && type == TokenType::kUnknown);
    if (!special && type != TokenType::kUserDefined) continue;
    w.BeginObject().Key("id").Int(static_cast<int64_t>(id)).Key("content").String(vocab.tokens[id]);
    w.Key("single_word").Bool(false).Key("lstrip").Bool(false).Key("rstrip").Bool(false);
    w.Key("normalized").Bool(!special).Key("special").Bool(special).EndObject();
  }
  w.EndArray();
}

// The post-processor: with `bos`, a template that puts it first (as a LlamaTokenizerFast with
// add_bos_token has), else `otherwise`.
inline void WritePostProcessor(JsonWriter& w, const std::string* bos, std::string_view otherwise) {
  w.Key("post_processor").BeginObject();
  if (bos != nullptr) {
    w.Key("type").String("TemplateProcessing").Key("single").BeginArray();
    w.BeginObject().Key("SpecialToken").BeginObject().Key("id").String(*bos);
    w.Key("type_id").Int(0).EndObject().EndObject();
    w.BeginObject().Key("Sequence").BeginObject().Key("id").String("A");
    w.Key("type_id").Int(0).EndObject().EndObject().EndArray();
  } else {
    w.Key("type").String(otherwise);
  }
  w.EndObject();
}

// A byte-level BPE tokenizer.json (Qwen2's layout) for a "gpt2" vocabulary; unused ids
// ("[PAD…]" padding) are left out, as the reference files leave them. With `bos`, the
// post-processor puts it first.
inline std::string ByteLevelTokenizerJson(const Vocab& vocab, MergeForm form,
                                          std::string_view regex, const std::string* bos) {
  JsonWriter w;
  w.BeginObject().Key("version").String("1.0").Key("truncation").Null().Key("padding").Null();
  WriteAddedTokens(w, vocab, false);
  w.Key("normalizer").BeginObject().Key("type").String("NFC").EndObject();
  w.Key("pre_tokenizer").BeginObject().Key("type").String("Sequence").Key("pretokenizers");
  w.BeginArray().BeginObject().Key("type").String("Split").Key("pattern").BeginObject();
  w.Key("Regex").String(regex).EndObject().Key("behavior").String("Isolated");
  w.Key("invert").Bool(false).EndObject();
  w.BeginObject().Key("type").String("ByteLevel").Key("add_prefix_space").Bool(false);
  w.Key("trim_offsets").Bool(false).Key("use_regex").Bool(false).EndObject().EndArray();
  w.EndObject();
  WritePostProcessor(w, bos, "ByteLevel");
  w.Key("decoder").BeginObject().Key("type").String("ByteLevel").EndObject();
  w.Key("model").BeginObject().Key("type").String("BPE").Key("dropout").Null();
  w.Key("unk_token").Null().Key("continuing_subword_prefix").String("");
  w.Key("end_of_word_suffix").String("").Key("fuse_unk").Bool(false);
  w.Key("byte_fallback").Bool(false).Key("ignore_merges").Bool(false);
  w.Key("vocab").BeginObject();
  for (size_t id = 0; id < vocab.tokens.size(); ++id) {
    if (vocab.types[id] == TokenType::kNormal)
      w.Key(vocab.tokens[id]).Int(static_cast<int64_t>(id));
  }
  w.EndObject().Key("merges").BeginArray();
  for (const std::string& m : vocab.merges) {
    size_t space = m.find(' ', 1);
    WriteMerge(w, std::string_view(m).substr(0, space), std::string_view(m).substr(space + 1),
               form);
  }
  w.EndArray().EndObject().EndObject();
  return w.Take();
}

// Hugging Face's SentencePieceExtractor: every split of a token into two tokens is a merge,
// the merges of higher-scored tokens first.
inline std::vector<std::pair<std::string, std::string>> SentencePieceMerges(const Vocab& vocab) {
  std::map<std::string, TokenId> ids;
  for (size_t i = 0; i < vocab.tokens.size(); ++i)
    ids.emplace(vocab.tokens[i], static_cast<TokenId>(i));
  std::vector<std::tuple<float, std::string, std::string>> merges;
  for (size_t id = 0; id < vocab.tokens.size(); ++id) {
    const std::string& t = vocab.tokens[id];
    std::vector<std::tuple<TokenId, TokenId, std::string, std::string>> local;
    for (size_t cut = 1; cut < t.size(); ++cut) {
      if ((static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) continue;  // inside a character
      auto l = ids.find(t.substr(0, cut)), r = ids.find(t.substr(cut));
      if (l != ids.end() && r != ids.end())
        local.emplace_back(l->second, r->second, l->first, r->first);
    }
    std::sort(local.begin(), local.end());
    for (auto& [lid, rid, l, r] : local) merges.emplace_back(vocab.scores[id], l, r);
  }
  std::stable_sort(merges.begin(), merges.end(),
                   [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [score, l, r] : merges) out.emplace_back(l, r);
  return out;
}

// Llama 2's tokenizer.json layout for a "llama" (SentencePiece) vocabulary.
inline std::string SentencePieceTokenizerJson(const Vocab& vocab, MergeForm form) {
  const std::string space = "\xE2\x96\x81";
  JsonWriter w;
  w.BeginObject().Key("version").String("1.0");
  WriteAddedTokens(w, vocab, true);
  std::string bos = vocab.bos ? vocab.tokens[*vocab.bos] : "";
  WritePostProcessor(w, vocab.bos ? &bos : nullptr, "ByteLevel");
  w.Key("normalizer").BeginObject().Key("type").String("Sequence").Key("normalizers").BeginArray();
  w.BeginObject().Key("type").String("Prepend").Key("prepend").String(space).EndObject();
  w.BeginObject().Key("type").String("Replace").Key("pattern").BeginObject().Key("String");
  w.String(" ").EndObject().Key("content").String(space).EndObject().EndArray().EndObject();
  w.Key("pre_tokenizer").Null();
  w.Key("decoder").BeginObject().Key("type").String("Sequence").Key("decoders").BeginArray();
  w.BeginObject().Key("type").String("Replace").Key("pattern").BeginObject().Key("String");
  w.String(space).EndObject().Key("content").String(" ").EndObject();
  w.BeginObject().Key("type").String("ByteFallback").EndObject();
  w.BeginObject().Key("type").String("Fuse").EndObject().EndArray().EndObject();
  w.Key("model").BeginObject().Key("type").String("BPE").Key("dropout").Null();
  w.Key("unk_token").String(vocab.unknown ? vocab.tokens[*vocab.unknown] : "<unk>");
  w.Key("continuing_subword_prefix").Null().Key("end_of_word_suffix").Null();
  w.Key("fuse_unk").Bool(true).Key("byte_fallback").Bool(true).Key("vocab").BeginObject();
  for (size_t id = 0; id < vocab.tokens.size(); ++id) {
    w.Key(vocab.tokens[id]).Int(static_cast<int64_t>(id));
  }
  w.EndObject().Key("merges").BeginArray();
  for (const auto& [l, r] : SentencePieceMerges(vocab)) WriteMerge(w, l, r, form);
  w.EndArray().EndObject().EndObject();
  return w.Take();
}

// tokenizer_config.json with the given special tokens; BOS in the {"content": ...} form that
// DeepSeek's files use, EOS as a plain string.
inline std::string TokenizerConfigJson(std::string_view bos, std::string_view eos, bool add_bos,
                                       std::string_view chat_template) {
  JsonWriter w;
  w.BeginObject().Key("add_bos_token").Bool(add_bos).Key("add_eos_token").Bool(false);
  w.Key("bos_token").BeginObject().Key("__type").String("AddedToken").Key("content").String(bos);
  w.Key("lstrip").Bool(false).Key("special").Bool(true).EndObject();
  w.Key("eos_token").String(eos).Key("legacy").Bool(true).Key("model_max_length").Int(16384);
  w.Key("pad_token").String(eos).Key("unk_token").Null();
  w.Key("tokenizer_class").String("LlamaTokenizerFast");
  w.Key("chat_template").String(chat_template).EndObject();
  return w.Take();
}

}  // namespace bastion::testing
