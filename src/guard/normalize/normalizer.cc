#include "guard/normalize/normalizer.h"

#include <algorithm>
#include <limits>

#include "guard/normalize/encoded_runs.h"
#include "guard/normalize/rot13.h"
#include "guard/normalize/run_decoder.h"
#include "guard/normalize/unicode_fold.h"
#include "guard/normalize/word_fold.h"

namespace bastion::guard {
namespace {

// Payloads inside payloads: base64 of hex is common, deeper nesting is not worth the cost.
constexpr size_t kMaxDecodeDepth = 2;
// Decoded output is capped at this many times the input, so nesting cannot blow up memory.
constexpr size_t kDecodedBudgetFactor = 2;

// Per-thread buffers for decoding, one set per depth (level 2 runs while level 1's decoded
// text is still in use), so steady-state calls do not allocate.
struct DecodeScratch {
  std::vector<EncodedRun> runs[kMaxDecodeDepth];
  DecodedText decoded[kMaxDecodeDepth];
};

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

class Normalization {
 public:
  Normalization(std::string_view input, NormalizedText& out)
      : input_(input), out_(out), budget_(kDecodedBudgetFactor * input.size()) {}

  void Run(bool truncated) {
    out_.text.clear();
    out_.origin.clear();
    bool changed = FoldSegment(input_, OriginMap{});
    const size_t folded_end = out_.text.size();
    static thread_local DecodeScratch scratch;
    changed |= DecodeSegments(input_, OriginMap{}, 0, scratch);
    changed |= AppendRot13IfMentioned(folded_end);
    out_.changed = truncated || (changed && !EqualsLowercasedInput());
  }

 private:
  bool FoldSegment(std::string_view bytes, OriginMap origins) {
    const size_t begin = out_.text.size();
    const bool changed = AppendCodePointsFolded(bytes, origins, FoldPath::kFast, out_);
    return FoldWords(out_, begin) || changed;
  }

  void AppendLineBreak(uint32_t origin) {
    out_.text.push_back('\n');
    out_.origin.push_back(origin);
  }

  // Appends each run in bytes that decodes to text, then what decodes inside it.
  bool DecodeSegments(std::string_view bytes, OriginMap origins, size_t depth,
                      DecodeScratch& scratch) {
    if (depth == kMaxDecodeDepth || budget_ == 0) return false;
    std::vector<EncodedRun>& runs = scratch.runs[depth];
    DecodedText& decoded = scratch.decoded[depth];
    FindEncodedRuns(bytes, runs);
    bool appended = false;
    for (const EncodedRun& run : runs) {
      if (budget_ == 0) break;
      if (!DecodeRun(bytes, run, origins, decoded)) continue;
      const size_t length = std::min(decoded.bytes.size(), budget_);
      budget_ -= length;
      const std::string_view text(decoded.bytes.data(), length);
      const OriginMap decoded_origins{.table = decoded.origin.data()};
      AppendLineBreak(origins(run.begin));
      FoldSegment(text, decoded_origins);
      DecodeSegments(text, decoded_origins, depth + 1, scratch);
      appended = true;
    }
    return appended;
  }

  bool AppendRot13IfMentioned(size_t folded_end) {
    const std::string_view folded(out_.text.data(), folded_end);
    if (budget_ == 0 || !MentionsRot13(folded)) return false;
    const size_t length = std::min(folded_end, budget_);
    budget_ -= length;
    AppendLineBreak(0);
    const size_t begin = out_.text.size();
    out_.text.resize(begin + length);
    out_.origin.resize(begin + length);
    for (size_t i = 0; i < length; ++i) {
      out_.text[begin + i] = Rot13(out_.text[i]);
      out_.origin[begin + i] = out_.origin[i];
    }
    return true;
  }

  bool EqualsLowercasedInput() const {
    if (out_.text.size() != input_.size()) return false;
    for (size_t i = 0; i < input_.size(); ++i) {
      if (out_.text[i] != LowerAscii(input_[i])) return false;
    }
    return true;
  }

  std::string_view input_;
  NormalizedText& out_;
  size_t budget_;
};

}  // namespace

void Normalize(std::string_view input, NormalizedText& out) {
  constexpr size_t kMaxInput = std::numeric_limits<uint32_t>::max();
  const bool truncated = input.size() > kMaxInput;
  Normalization(input.substr(0, kMaxInput), out).Run(truncated);
}

}  // namespace bastion::guard
