#include "engine/tokenizer/hf_tokenizer_shape.h"

#include <initializer_list>

namespace bastion::engine {
namespace {

using simdjson::dom::element;
using Component = std::optional<element>;

// The Split regexes of the reference tokenizer.json files, in Hugging Face's spelling;
// pre_tokenizer.cc runs the same expressions.
constexpr std::string_view kQwen2Regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kLlama3Regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kMetaspace = "\xE2\x96\x81";  // ▁ U+2581

// The string at `e`, or "" when there is none (every text compared against is non-empty).
std::string_view Text(simdjson::simdjson_result<element> e) {
  std::string_view s;
  return e.get_string().get(s) == simdjson::SUCCESS ? s : std::string_view();
}

bool Flag(simdjson::simdjson_result<element> e, bool absent) {
  bool b = absent;
  return e.get_bool().get(b) == simdjson::SUCCESS ? b : absent;
}

// The parts of a Sequence component, whichever key the component kind lists them under.
std::optional<simdjson::dom::array> Parts(Component c) {
  simdjson::dom::array parts;
  if (!c || Text((*c)["type"]) != "Sequence") return std::nullopt;
  for (const char* key : {"pretokenizers", "normalizers", "decoders", "processors"}) {
    if ((*c)[key].get_array().get(parts) == simdjson::SUCCESS) return parts;
  }
  return std::nullopt;
}

bool HasType(Component c, std::initializer_list<std::string_view> types) {
  auto is = [&](element e) {
    for (std::string_view t : types) {
      if (Text(e["type"]) == t) return true;
    }
    return false;
  };
  if (!c) return false;
  if (is(*c)) return true;
  if (auto parts = Parts(c)) {
    for (element part : *parts) {
      if (is(part)) return true;
    }
  }
  return false;
}

// "pre_tokenizer "Sequence" of ["Split", "ByteLevel"]", for messages.
std::string Describe(std::string_view name, Component c) {
  std::string out(name);
  if (!c) return out + " none";
  out += " " + Quoted(Text((*c)["type"]), 40);
  if (auto parts = Parts(c)) {
    out += " of [";
    size_t n = 0;
    for (element part : *parts) {
      if (n++ == 8) {
        out += ", ...";
        break;
      }
      out += (n > 1 ? ", " : "") + Quoted(Text(part["type"]), 40);
    }
    out += "]";
  }
  return out;
}

Status CheckBpeOptions(JsonFields& model) {
  auto dropout = model.Number("dropout", 0, 1);
  auto prefix = model.String("continuing_subword_prefix");
  auto suffix = model.String("end_of_word_suffix");
  if (!model.ok()) return model.status();
  if (dropout.value_or(0) != 0) {
    return Status::InvalidArgument(model.Name("dropout") +
                                   " is set: BPE dropout makes tokenization random, which "
                                   "inference does not do");
  }
  if (!prefix.value_or("").empty() || !suffix.value_or("").empty()) {
    return Status::InvalidArgument(model.Name("continuing_subword_prefix") +
                                   " or 'end_of_word_suffix' is set: subword markers are not "
                                   "supported (byte-level or SentencePiece-style BPE only)");
  }
  return Status::Ok();
}

// Sequence[Split(regex, Isolated), ByteLevel(no prefix space, no regex of its own)] with the
// regex of Qwen2 or Llama 3: the byte-level pre-tokenizers the engine runs.
Result<std::string> ByteLevelPreName(JsonFields& root, Component pre) {
  auto parts = Parts(pre);
  auto unsupported = [&] {
    return Status::InvalidArgument(
        root.where() + ": " + Describe("pre_tokenizer", pre) +
        " is not one the engine runs: byte-level BPE needs a Split by Qwen2's or Llama 3's "
        "regex (behavior Isolated) then ByteLevel without prefix space or regex of its own");
  };
  if (!parts || parts->size() != 2) return unsupported();
  element split = parts->at(0).value_unsafe(), level = parts->at(1).value_unsafe();
  std::string_view regex = Text(split["pattern"]["Regex"]);
  if (Text(split["type"]) != "Split" || Text(level["type"]) != "ByteLevel" || regex.empty() ||
      Text(split["behavior"]) != "Isolated" || Flag(split["invert"], false) ||
      Flag(level["add_prefix_space"], true) || Flag(level["use_regex"], true)) {
    return unsupported();
  }
  if (regex == kQwen2Regex) return std::string("qwen2");
  if (regex == kLlama3Regex) return std::string("llama-bpe");
  return Status::InvalidArgument(
      root.where() + ": 'pre_tokenizer.pretokenizers[0].pattern.Regex' is " + Quoted(regex, 200) +
      ": not a pre-tokenizer the engine runs (it runs the Split regexes of Qwen2 and Llama 3)");
}

Result<HfTokenizerShape> ByteLevelShape(JsonFields& root, Component pre, Component normalizer,
                                        Component decoder) {
  // NFC (Qwen2) is left out, as llama.cpp does: text that is not in NFC may then tokenize
  // differently from the reference, but never unsafely.
  if (normalizer && Text((*normalizer)["type"]) != "NFC") {
    return Status::InvalidArgument(root.where() + ": " + Describe("normalizer", normalizer) +
                                   " is not supported for byte-level BPE (none or NFC)");
  }
  if (!decoder || Text((*decoder)["type"]) != "ByteLevel") {
    return Status::InvalidArgument(root.where() + ": " + Describe("decoder", decoder) +
                                   " does not match the byte-level pre-tokenizer (ByteLevel)");
  }
  auto pre_name = ByteLevelPreName(root, pre);
  if (!pre_name.ok()) return pre_name.status();
  return HfTokenizerShape{"gpt2", std::move(*pre_name), false};
}

// Llama 2's normalizer: Sequence[Prepend("▁"), Replace(" " -> "▁")].
bool IsSentencePieceNormalizer(Component n) {
  auto parts = Parts(n);
  if (!parts || parts->size() != 2) return false;
  element prepend = parts->at(0).value_unsafe(), replace = parts->at(1).value_unsafe();
  return Text(prepend["type"]) == "Prepend" && Text(prepend["prepend"]) == kMetaspace &&
         Text(replace["type"]) == "Replace" && Text(replace["pattern"]["String"]) == " " &&
         Text(replace["content"]) == kMetaspace;
}

// Newer conversions' pre-tokenizer: Metaspace("▁") that prefixes a space and does not split.
bool IsSentencePiecePreTokenizer(Component p) {
  if (!p || Text((*p)["type"]) != "Metaspace" || Text((*p)["replacement"]) != kMetaspace) {
    return false;
  }
  std::string_view scheme = Text((*p)["prepend_scheme"]);
  bool prefixes = scheme == "first" || scheme == "always" ||
                  (scheme.empty() && Flag((*p)["add_prefix_space"], false));
  return prefixes && !Flag((*p)["split"], true);
}

Result<HfTokenizerShape> SentencePieceShape(JsonFields& root, JsonFields& model, Component pre,
                                            Component normalizer, Component decoder) {
  bool llama2 = IsSentencePieceNormalizer(normalizer) && !pre;
  bool metaspace = !normalizer && IsSentencePiecePreTokenizer(pre);
  if (!llama2 && !metaspace) {
    return Status::InvalidArgument(
        root.where() + ": SentencePiece-style BPE with " + Describe("normalizer", normalizer) +
        " and " + Describe("pre_tokenizer", pre) +
        " is not supported (the engine runs Llama 2's Prepend+Replace normalizer, or a "
        "Metaspace pre-tokenizer that prefixes a space and does not split)");
  }
  if (!HasType(decoder, {"Metaspace", "ByteFallback", "Replace"}) ||
      HasType(decoder, {"ByteLevel"})) {
    return Status::InvalidArgument(root.where() + ": " + Describe("decoder", decoder) +
                                   " does not match a SentencePiece-style tokenizer");
  }
  bool byte_fallback = model.Bool("byte_fallback").value_or(false);
  if (!model.ok()) return model.status();
  return HfTokenizerShape{"llama", "", byte_fallback};
}

}  // namespace

Result<HfTokenizerShape> ReadTokenizerShape(JsonFields& root, JsonFields& model) {
  if (Status st = CheckBpeOptions(model); !st.ok()) return st;
  Component pre = root.Value("pre_tokenizer");
  Component normalizer = root.Value("normalizer");
  Component decoder = root.Value("decoder");
  bool byte_fallback = model.Bool("byte_fallback").value_or(false);
  if (!root.ok()) return root.status();
  if (!model.ok()) return model.status();
  if (HasType(pre, {"ByteLevel"}) || HasType(decoder, {"ByteLevel"})) {
    if (byte_fallback) {
      return Status::InvalidArgument(model.Name("byte_fallback") +
                                     " is set on a byte-level tokenizer, which needs none");
    }
    return ByteLevelShape(root, pre, normalizer, decoder);
  }
  if (byte_fallback || HasType(normalizer, {"Prepend", "Replace"}) || HasType(pre, {"Metaspace"}) ||
      HasType(decoder, {"Metaspace", "ByteFallback"})) {
    return SentencePieceShape(root, model, pre, normalizer, decoder);
  }
  return Status::InvalidArgument(
      root.where() + ": neither byte-level nor SentencePiece-style BPE (" +
      Describe("pre_tokenizer", pre) + ", " + Describe("normalizer", normalizer) + ", " +
      Describe("decoder", decoder) + ")");
}

}  // namespace bastion::engine
