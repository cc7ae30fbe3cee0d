#include "redteam/answer_text.h"

#include <array>
#include <cctype>
#include <optional>

#include "common/trim.h"
#include "redteam/text_codec.h"

namespace bastion::redteam {
namespace {

constexpr std::string_view kThinkOpen = "<think>";
constexpr std::string_view kThinkClose = "</think>";

// Share of words that are common English function words: high for prose, near 0 for base64,
// rot13 or leetspeak.
double Readability(std::string_view text) {
  static constexpr std::array<std::string_view, 20> kCommon = {
      "the", "and",  "to",   "of", "a",   "is",   "you", "it", "in",   "that",
      "for", "this", "with", "i",  "can", "here", "how", "be", "your", "are"};
  int words = 0, common = 0;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    ++words;
    for (std::string_view c : kCommon) common += word == c;
    word.clear();
  };
  for (char ch : text) {
    if (std::isalnum(static_cast<unsigned char>(ch))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    } else {
      flush();
    }
  }
  flush();
  return words > 0 ? static_cast<double>(common) / words : 0;
}

bool IsBase64Char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=' ||
         c == '-' || c == '_';
}

// The longest run of base64 characters (answers often wrap the encoding in a sentence or a
// code fence).
std::string_view LongestBase64Run(std::string_view text) {
  std::string_view best;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    const bool in = i < text.size() && (IsBase64Char(text[i]) || text[i] == '\n');
    if (in) continue;
    if (i - start > best.size()) best = text.substr(start, i - start);
    start = i + 1;
  }
  return best;
}

}  // namespace

std::optional<std::string> DecodeAs(std::string_view text, AnswerEncoding encoding) {
  switch (encoding) {
    case AnswerEncoding::kPlain:
      return std::nullopt;
    case AnswerEncoding::kBase64: {
      if (auto whole = Base64DecodeText(text)) return whole;
      std::string_view run = TrimAsciiSpace(LongestBase64Run(text));
      if (run.size() < 16) return std::nullopt;
      return Base64DecodeText(run);
    }
    case AnswerEncoding::kRot13:
      return Rot13(text);
    case AnswerEncoding::kLeet:
      return LeetDecode(text);
  }
  return std::nullopt;
}

std::optional<std::string> DecodeAnswer(std::string_view text, AnswerEncoding encoding) {
  std::optional<std::string> decoded = DecodeAs(TrimAsciiSpace(text), encoding);
  if (!decoded) return std::nullopt;
  // A long base64 run that decodes to valid text is the answer, whatever surrounds it; rot13
  // and leetspeak "decode" anything, so they must read better than the original.
  if (encoding == AnswerEncoding::kBase64) return decoded;
  if (Readability(*decoded) <= Readability(text)) return std::nullopt;
  return decoded;
}

AnswerText SplitAnswer(const Probe& probe, const Answer& answer) {
  AnswerText out;
  std::string_view content = answer.content;
  out.reasoning = answer.reasoning;
  const size_t close = content.find(kThinkClose);
  const size_t open = content.find(kThinkOpen);
  if (close != std::string_view::npos) {
    // "<think>" may be missing: R1's chat template puts it in the prompt.
    const size_t from =
        open != std::string_view::npos && open < close ? open + kThinkOpen.size() : 0;
    if (!out.reasoning.empty()) out.reasoning += '\n';
    out.reasoning += TrimAsciiSpace(content.substr(from, close - from));
    content = content.substr(close + kThinkClose.size());
  } else if (open != std::string_view::npos && TrimAsciiSpace(content.substr(0, open)).empty()) {
    out.reasoning += TrimAsciiSpace(content.substr(open + kThinkOpen.size()));
    out.unfinished_thinking = true;
    content = {};
  }
  content = TrimAsciiSpace(content);
  if (auto decoded = DecodeAnswer(content, probe.answer_encoding)) {
    out.answer = std::move(*decoded);
    out.decoded = true;
  } else {
    out.answer = std::string(content);
  }
  return out;
}

}  // namespace bastion::redteam
