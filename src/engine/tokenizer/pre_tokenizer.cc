#include "engine/tokenizer/pre_tokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <string>

namespace bastion::engine {
namespace {

// From the reference tokenizers' tokenizer.json, with `(?i:'s|...)` spelled out as classes
// (the same matches; PCRE2's case folding would also fold non-ASCII letters).
constexpr std::string_view kQwen2Pattern =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kLlama3Pattern =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

struct MatchDataDeleter {
  void operator()(pcre2_match_data* md) const { pcre2_match_data_free(md); }
};

}  // namespace

struct PreTokenizer::Regex {
  ~Regex() { pcre2_code_free(code); }
  pcre2_code* code = nullptr;
  bool jit = false;
};

Result<PreTokenizerKind> PreTokenizerKindFromName(std::string_view name) {
  if (name == "qwen2" || name == "deepseek-r1-qwen") return PreTokenizerKind::kQwen2;
  if (name == "llama-bpe" || name == "llama3") return PreTokenizerKind::kLlama3;
  return Status::NotFound("pre-tokenizer '" + std::string(name) +
                          "' is not supported (supported: qwen2, deepseek-r1-qwen, llama-bpe)");
}

PreTokenizer::PreTokenizer(std::unique_ptr<Regex> regex) : regex_(std::move(regex)) {}
PreTokenizer::PreTokenizer(PreTokenizer&&) noexcept = default;
PreTokenizer& PreTokenizer::operator=(PreTokenizer&&) noexcept = default;
PreTokenizer::~PreTokenizer() = default;

Result<PreTokenizer> PreTokenizer::Create(PreTokenizerKind kind) {
  std::string_view pattern = kind == PreTokenizerKind::kQwen2 ? kQwen2Pattern : kLlama3Pattern;
  int error = 0;
  PCRE2_SIZE error_offset = 0;
  auto regex = std::make_unique<Regex>();
  regex->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                              PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &error,
                              &error_offset, nullptr);
  if (regex->code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof(message));
    return Status::Internal("pre-tokenizer regex does not compile at " +
                            std::to_string(error_offset) + ": " +
                            reinterpret_cast<const char*>(message));
  }
  regex->jit = pcre2_jit_compile(regex->code, PCRE2_JIT_COMPLETE) == 0;
  return PreTokenizer(std::move(regex));
}

void PreTokenizer::Split(std::string_view text, std::vector<std::string_view>& pieces) const {
  thread_local std::unique_ptr<pcre2_match_data, MatchDataDeleter> match_data(
      pcre2_match_data_create(1, nullptr));
  auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t done = 0;  // text before this offset is in `pieces`
  size_t from = 0;
  while (from < text.size()) {
    int rc = regex_->jit ? pcre2_jit_match(regex_->code, subject, text.size(), from, 0,
                                           match_data.get(), nullptr)
                         : pcre2_match(regex_->code, subject, text.size(), from, 0,
                                       match_data.get(), nullptr);
    if (rc < 0) break;  // no further match: the rest is invalid UTF-8
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match_data.get());
    size_t start = ovector[0], end = ovector[1];
    if (start > done) pieces.push_back(text.substr(done, start - done));
    if (end == start) {  // cannot happen with these patterns; never loop forever
      from = start + 1;
      continue;
    }
    pieces.push_back(text.substr(start, end - start));
    done = from = end;
  }
  if (done < text.size()) pieces.push_back(text.substr(done));
}

}  // namespace bastion::engine
