// tokenizer.json and tokenizer_config.json details on small hand-written files: sparse ids,
// added tokens, both merge forms, special tokens, and every kind of malformed input refused
// with a message that says what is wrong.
#include <gtest/gtest.h>

#include <string>

#include "common/json_writer.h"
#include "engine/hf/tokenizer_json_writer.h"
#include "engine/tokenizer/hf_tokenizer_json.h"

namespace bastion::engine {
namespace {

std::string Quote(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

std::string SplitThenByteLevel(std::string_view regex) {
  return R"({"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": )" +
         Quote(regex) + R"(}, "behavior": "Isolated", "invert": false},
         {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false,
          "use_regex": false}]})";
}

// A byte-level tokenizer.json whose parts tests replace one at a time.
struct TinyTokenizer {
  std::string vocab = R"({"a": 0, "b": 1, "ab": 2, "c": 3})";
  std::string merges = R"(["a b"])";
  std::string added = R"([{"id": 4, "content": "<s>", "special": true},
                          {"id": 5, "content": "<think>", "special": false}])";
  std::string pre_tokenizer = SplitThenByteLevel(bastion::testing::kQwen2SplitRegex);
  std::string normalizer = "null";
  std::string decoder = R"({"type": "ByteLevel"})";
  std::string post_processor = "null";
  std::string model_options = R"("dropout": null, "byte_fallback": false)";
  std::string model_type = R"("BPE")";

  std::string Json() const {
    return R"({"version": "1.0", "added_tokens": )" + added + R"(, "normalizer": )" + normalizer +
           R"(, "pre_tokenizer": )" + pre_tokenizer + R"(, "post_processor": )" + post_processor +
           R"(, "decoder": )" + decoder + R"(, "model": {"type": )" + model_type + ", " +
           model_options + R"(, "vocab": )" + vocab + R"(, "merges": )" + merges + "}}";
  }
};

Result<HfTokenizerFiles> Load(const TinyTokenizer& t, std::string_view config = "") {
  return VocabFromTokenizerJson(t.Json(), config, "/models/tiny");
}

// The load fails and its message holds `part`.
void ExpectRefused(const Result<HfTokenizerFiles>& r, std::string_view part) {
  ASSERT_FALSE(r.ok()) << "accepted; expected an error with: " << part;
  EXPECT_NE(r.status().message().find(part), std::string::npos) << r.status().message();
}

TEST(HfTokenizerJsonTest, ReadsTokensTypesAndMerges) {
  auto r = Load(TinyTokenizer{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Vocab& v = r->vocab;
  EXPECT_EQ(v.model, "gpt2");
  EXPECT_EQ(v.pre, "qwen2");
  EXPECT_EQ(v.tokens, (std::vector<std::string>{"a", "b", "ab", "c", "<s>", "<think>"}));
  EXPECT_EQ(v.types, (std::vector<TokenType>{TokenType::kNormal, TokenType::kNormal,
                                             TokenType::kNormal, TokenType::kNormal,
                                             TokenType::kControl, TokenType::kUserDefined}));
  EXPECT_EQ(v.merges, std::vector<std::string>{"a b"});
  EXPECT_TRUE(v.scores.empty());
  EXPECT_FALSE(v.add_bos);
  EXPECT_FALSE(v.bos.has_value());
}

TEST(HfTokenizerJsonTest, MergesAsPairsAreTheSameMerges) {
  TinyTokenizer t;
  t.merges = R"([["a", "b"]])";
  auto r = Load(t);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->vocab.merges, std::vector<std::string>{"a b"});
}

TEST(HfTokenizerJsonTest, SparseIdsAreFilledWithUnusedPlaceholders) {
  TinyTokenizer t;
  t.vocab = R"({"a": 0, "b": 3, "ab": 1})";
  t.added = R"([{"id": 9, "content": "<s>", "special": true}])";
  auto r = Load(t);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Vocab& v = r->vocab;
  ASSERT_EQ(v.tokens.size(), 10u) << "added tokens extend the vocabulary";
  EXPECT_EQ(v.tokens[2], "[PAD2]");
  EXPECT_EQ(v.types[2], TokenType::kUnused);
  EXPECT_EQ(v.tokens[9], "<s>");
  EXPECT_EQ(v.types[9], TokenType::kControl);
}

TEST(HfTokenizerJsonTest, AddedTokenMayRestateTheModelsTokenAtItsId) {
  TinyTokenizer t;
  t.added = R"([{"id": 3, "content": "c", "special": true}])";
  auto r = Load(t);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->vocab.types[3], TokenType::kControl);
}

TEST(HfTokenizerJsonTest, Llama3RegexIsLlamaBpe) {
  TinyTokenizer t;
  t.pre_tokenizer = SplitThenByteLevel(bastion::testing::kLlama3SplitRegex);
  auto r = Load(t);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->vocab.pre, "llama-bpe");
}

TEST(HfTokenizerJsonTest, ConfigNamesSpecialTokensAndTheTemplate) {
  std::string config = R"({"bos_token": {"__type": "AddedToken", "content": "<s>"},
      "eos_token": "<think>", "pad_token": null, "add_bos_token": true,
      "chat_template": [{"name": "tool_use", "template": "T"}, {"name": "default", "template": "D"}]})";
  auto r = Load(TinyTokenizer{}, config);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->vocab.bos, 4);
  EXPECT_EQ(r->vocab.eos, 5);
  EXPECT_FALSE(r->vocab.padding.has_value());
  EXPECT_TRUE(r->vocab.add_bos);
  EXPECT_EQ(r->chat_template, "D");
}

TEST(HfTokenizerJsonTest, PostProcessorTemplateGivesBosAndAddBos) {
  TinyTokenizer t;
  t.post_processor = R"({"type": "Sequence", "processors": [{"type": "ByteLevel"},
      {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
       {"Sequence": {"id": "A", "type_id": 0}}]}]})";
  auto r = Load(t);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->vocab.bos, 4);
  EXPECT_TRUE(r->vocab.add_bos);
  auto told = Load(t, R"({"add_bos_token": false})");
  ASSERT_TRUE(told.ok()) << told.status().ToString();
  EXPECT_FALSE(told->vocab.add_bos) << "the config's add_bos_token wins";
}

TEST(HfTokenizerJsonTest, DeepSeekBosNamesTheR1QwenPreTokenizer) {
  TinyTokenizer t;
  t.added = R"([{"id": 4, "content": "<｜begin▁of▁sentence｜>", "special": true}])";
  auto r = Load(t, R"({"bos_token": "<｜begin▁of▁sentence｜>"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->vocab.pre, "deepseek-r1-qwen");
}

TEST(HfTokenizerJsonTest, SentencePieceStyleReadsScoresAndByteTokens) {
  TinyTokenizer t;
  t.vocab = R"({"<unk>": 0, "<s>": 1, "<0x41>": 2, "▁": 3, "a": 4, "▁a": 5, "aa": 6})";
  t.merges = R"(["▁ a", "a a"])";
  t.added = R"([{"id": 0, "content": "<unk>", "special": true},
                {"id": 1, "content": "<s>", "special": true}])";
  t.normalizer = R"({"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
                    {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]})";
  t.pre_tokenizer = "null";
  t.decoder = R"({"type": "Sequence", "decoders": [{"type": "Replace",
      "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"}, {"type": "Fuse"}]})";
  t.model_options = R"("byte_fallback": true, "unk_token": "<unk>")";
  auto r = Load(t);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Vocab& v = r->vocab;
  EXPECT_EQ(v.model, "llama");
  EXPECT_EQ(v.unknown, 0);
  EXPECT_EQ(v.types[0], TokenType::kUnknown);
  EXPECT_EQ(v.types[1], TokenType::kControl);
  EXPECT_EQ(v.types[2], TokenType::kByte);
  ASSERT_EQ(v.scores.size(), 7u);
  EXPECT_GT(v.scores[5], v.scores[6]) << "the first merge scores highest";
  EXPECT_GT(v.scores[6], v.scores[4]) << "unmerged tokens score below every merged one";
  EXPECT_TRUE(v.add_bos) << "SentencePiece models start with BOS unless told otherwise";
}

TEST(HfTokenizerJsonTest, SentencePieceStyleWithAMetaspacePreTokenizer) {
  TinyTokenizer t;
  t.vocab = R"({"<unk>": 0, "▁": 1, "a": 2, "▁a": 3})";
  t.merges = R"([["▁", "a"]])";
  t.added = "[]";
  t.pre_tokenizer = R"({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first",
                        "split": false})";
  t.decoder = R"({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first"})";
  t.model_options = R"("byte_fallback": true, "unk_token": "<unk>")";
  auto r = Load(t);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->vocab.model, "llama");
  t.pre_tokenizer = R"({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first",
                        "split": true})";
  ExpectRefused(Load(t),
                "SentencePiece-style BPE with normalizer none and pre_tokenizer "
                "\"Metaspace\" is not supported");
}

TEST(HfTokenizerJsonTest, FitsTheVocabularyToTheModelsRows) {
  auto r = Load(TinyTokenizer{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Vocab v = r->vocab;
  ASSERT_TRUE(FitVocabToModel(v, 8).ok());
  ASSERT_EQ(v.tokens.size(), 8u);
  EXPECT_EQ(v.tokens[7], "[PAD7]");
  EXPECT_EQ(v.types[6], TokenType::kUnused);
  ASSERT_TRUE(FitVocabToModel(v, 8).ok()) << "already fits";
  Status st = FitVocabToModel(v, 4);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("8 tokens but the model only 4 embedding rows"), std::string::npos)
      << st.message();
}

TEST(HfTokenizerJsonTest, RefusesMalformedJson) {
  ExpectRefused(VocabFromTokenizerJson("", "", "/m"), "/m/tokenizer.json is not valid JSON");
  ExpectRefused(VocabFromTokenizerJson("{\"model\": {", "", ""), "line 1");
  ExpectRefused(VocabFromTokenizerJson("[1, 2]", "", ""), "must hold a JSON object");
  ExpectRefused(VocabFromTokenizerJson("null", "", ""), "must hold a JSON object");
  ExpectRefused(VocabFromTokenizerJson(std::string(200, '[') + std::string(200, ']'), "", ""),
                "nesting deeper than 64");
  ExpectRefused(VocabFromTokenizerJson(TinyTokenizer{}.Json(), "{", "/m"),
                "/m/tokenizer_config.json is not valid JSON");
  ExpectRefused(VocabFromTokenizerJson(R"({"model": 3})", "", ""), "'model' must be an object");
}

TEST(HfTokenizerJsonTest, RefusesWrongTypes) {
  TinyTokenizer t;
  t.model_type = R"("WordPiece")";
  ExpectRefused(Load(t), "BPE tokenizers only");
  t = {};
  t.vocab = "[]";
  ExpectRefused(Load(t), "'model.vocab' must be an object");
  t.vocab = R"({"a": "0"})";
  ExpectRefused(Load(t), "the id of \"a\" must be an integer");
  t.vocab = R"({"a": 0.5})";
  ExpectRefused(Load(t), "the id of \"a\"");
  t = {};
  t.merges = "{}";
  ExpectRefused(Load(t), "'model.merges' must be an array");
  t.merges = "[1]";
  ExpectRefused(Load(t), "'model.merges[0]' must be");
  t = {};
  t.added = R"([{"id": "4", "content": "<s>"}])";
  ExpectRefused(Load(t), "'added_tokens[0].id' must be an integer");
  t.added = R"([{"id": 4, "content": ""}])";
  ExpectRefused(Load(t), "must not be empty");
  t.added = R"({"id": 4})";
  ExpectRefused(Load(t), "'added_tokens' must be an array");
  ExpectRefused(Load(TinyTokenizer{}, R"({"bos_token": 4})"), "'bos_token' must be a token's text");
  ExpectRefused(Load(TinyTokenizer{}, R"({"add_bos_token": "yes"})"), "'add_bos_token' must be");
  ExpectRefused(Load(TinyTokenizer{}, R"({"chat_template": 7})"), "'chat_template' must be");
}

TEST(HfTokenizerJsonTest, RefusesDuplicates) {
  TinyTokenizer t;
  t.vocab = R"({"a": 0, "b": 0})";
  ExpectRefused(Load(t), "gives id 0 to both \"a\" and \"b\"");
  t.vocab = R"({"a": 0, "a": 1})";
  ExpectRefused(Load(t), "key \"a\" appears twice in 'model.vocab'");
  t = {};
  t.added = R"([{"id": 4, "content": "<s>"}, {"id": 4, "content": "<t>"}])";
  ExpectRefused(Load(t), "reuses the id of another");
  t.added = R"([{"id": 7, "content": "ab"}])";
  ExpectRefused(Load(t), "is also token 2");
  t.added = R"([{"id": 2, "content": "<s>"}])";
  ExpectRefused(Load(t), "takes the id of \"ab\"");
  t = {};
  t.vocab = R"({"a": 0, "b": 1, "ab": 2, "[PAD4]": 3, "x": 5})";
  t.added = "[]";
  ExpectRefused(Load(t), "placeholder \"[PAD4]\" is the text of another");
  ExpectRefused(Load(TinyTokenizer{}, R"({"eos_token": "a", "eos_token": "b"})"), "appears twice");
}

TEST(HfTokenizerJsonTest, RefusesIdsOutOfBounds) {
  TinyTokenizer t;
  t.vocab = R"({"a": -1})";
  ExpectRefused(Load(t), "from 0 to 16777215");
  t.vocab = R"({"a": 16777216})";
  ExpectRefused(Load(t), "from 0 to 16777215");
  t.vocab = R"({"a": 18446744073709551615})";
  ExpectRefused(Load(t), "from 0 to 16777215");
  t = {};
  t.added = R"([{"id": 16000000, "content": "<s>"}])";
  ExpectRefused(Load(t), "that sparse is refused");
  t.vocab = "{}";
  t.added = "[]";
  t.merges = "[]";
  ExpectRefused(Load(t), "has no tokens");
}

TEST(HfTokenizerJsonTest, RefusesMergesOfUnknownTokens) {
  TinyTokenizer t;
  t.merges = R"(["a x"])";
  ExpectRefused(Load(t), "'model.merges[0]' (\"a\", \"x\") does not join");
  t.merges = R"(["a b", "b a"])";
  ExpectRefused(Load(t), "'model.merges[1]' (\"b\", \"a\") does not join");
  t.merges = R"(["a <s>"])";
  ExpectRefused(Load(t), "does not join two tokens of model.vocab");
  for (const char* bad : {R"(["ab"])", R"(["a b c"])", R"([" a"])", R"([["a"]])",
                          R"([["a", "b", "c"]])", R"([["a", 1]])", R"([["", "ab"]])"}) {
    t.merges = bad;
    ExpectRefused(Load(t), "must be \"left right\"");
  }
}

TEST(HfTokenizerJsonTest, RefusesPreTokenizersTheEngineDoesNotRun) {
  TinyTokenizer t;
  t.pre_tokenizer = SplitThenByteLevel(R"(\p{L}+|\p{N}+|[^\s\p{L}\p{N}]+)");
  ExpectRefused(Load(t), R"("\\p{L}+|\\p{N}+|[^\\s\\p{L}\\p{N}]+": not a pre-tokenizer)");
  t.pre_tokenizer = R"({"type": "ByteLevel", "add_prefix_space": false, "use_regex": true})";
  ExpectRefused(Load(t), "pre_tokenizer \"ByteLevel\" is not one the engine runs");
  t.pre_tokenizer = R"({"type": "Sequence", "pretokenizers": [{"type": "Digits"},
                       {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}]})";
  ExpectRefused(Load(t), "pre_tokenizer \"Sequence\" of [\"Digits\", \"ByteLevel\"]");
  t.pre_tokenizer = R"({"type": "Whitespace"})";
  t.decoder = "null";
  ExpectRefused(Load(t), "neither byte-level nor SentencePiece-style");
  t = {};
  t.normalizer = R"({"type": "Lowercase"})";
  ExpectRefused(Load(t), "normalizer \"Lowercase\" is not supported");
  t = {};
  t.decoder = R"({"type": "WordPiece"})";
  ExpectRefused(Load(t), "decoder \"WordPiece\" does not match");
  t = {};
  t.model_options = R"("dropout": 0.1)";
  ExpectRefused(Load(t), "'model.dropout' is set");
  t.model_options = R"("byte_fallback": true)";
  ExpectRefused(Load(t), "'model.byte_fallback' is set on a byte-level tokenizer");
  t.model_options = R"("continuing_subword_prefix": "##")";
  ExpectRefused(Load(t), "subword markers are not supported");
}

TEST(HfTokenizerJsonTest, RefusesSpecialTokensThatAreNotTokens) {
  ExpectRefused(Load(TinyTokenizer{}, R"({"bos_token": "<|begin_of_text|>"})"),
                "/models/tiny/tokenizer_config.json: 'bos_token' is \"<|begin_of_text|>\", "
                "which is not a token");
  TinyTokenizer t;
  t.model_options = R"("unk_token": "<unk>")";
  ExpectRefused(Load(t), "'model.unk_token' is \"<unk>\"");
}

}  // namespace
}  // namespace bastion::engine
