#include "guard/normalize/unicode_fold.h"

#include <algorithm>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "guard/normalize/code_point_fold.h"
#include "guard/normalize/utf8.h"

namespace bastion::guard {
namespace {

#ifdef __SSE2__
constexpr size_t kBlockBytes = 16;

// Folds a block of 16 bytes when all are printable ASCII or '\n', which fold one to one
// (lowercased); returns false, writing nothing, otherwise.
bool FoldAsciiBlock(const char* in, char* out) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
  const __m128i printable = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(0x7F)),
                                             _mm_cmpgt_epi8(x, _mm_set1_epi8(0x1F)));
  const __m128i ok = _mm_or_si128(printable, _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
  if (_mm_movemask_epi8(ok) != 0xFFFF) return false;
  // 'A'…'Z' shifted to -128…-103, then one signed compare picks them out.
  const __m128i shifted = _mm_add_epi8(x, _mm_set1_epi8(static_cast<char>(-128 - 'A')));
  const __m128i upper = _mm_cmplt_epi8(shifted, _mm_set1_epi8(static_cast<char>(-128 + 26)));
  const __m128i lower = _mm_or_si128(x, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), lower);
  return true;
}
#else
constexpr size_t kBlockBytes = 8;
constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighBits = 0x8080808080808080ull;

// The portable block: eight bytes as one word, all printable ASCII (0x20…0x7E).
bool FoldAsciiBlock(const char* in, char* out) {
  uint64_t x;
  std::memcpy(&x, in, 8);
  const uint64_t below_space = (x - kOnes * 0x20) & ~x & kHighBits;
  const uint64_t del_or_high = ((x + kOnes) | x) & kHighBits;
  if ((below_space | del_or_high) != 0) return false;
  const uint64_t at_least_a = x + kOnes * (0x80 - 'A');
  const uint64_t above_z = x + kOnes * (0x80 - 'Z' - 1);
  x |= (at_least_a & ~above_z & kHighBits) >> 2;  // bit 5 set on 'A'…'Z'
  std::memcpy(out, &x, 8);
  return true;
}
#endif

char LowerAscii(uint8_t b) { return static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b); }

// Output buffers written through raw pointers, grown ahead of each write; Finish() trims
// them to what was written.
class FoldOutput {
 public:
  FoldOutput(NormalizedText& out, size_t expected) : out_(out), w_(out.text.size()) {
    Reserve(expected + kMaxFoldedBytes);
  }
  void Reserve(size_t extra) {
    if (w_ + extra > out_.text.size()) {
      const size_t size = std::max(w_ + extra, out_.text.size() * 2);
      out_.text.resize(size);
      out_.origin.resize(size);
    }
    text = out_.text.data();
    origin = out_.origin.data();
  }
  size_t begin() const { return begin_; }
  void Finish() {
    out_.text.resize(w_);
    out_.origin.resize(w_);
  }

  char* text = nullptr;
  uint32_t* origin = nullptr;
  size_t& w() { return w_; }

 private:
  NormalizedText& out_;
  size_t w_;
  size_t begin_ = w_;
};

class CodePointFolder {
 public:
  CodePointFolder(std::string_view bytes, OriginMap origins, NormalizedText& out)
      : in_(bytes), origins_(origins), out_(out, bytes.size()) {}

  bool Run(FoldPath path) {
    while (i_ < in_.size()) {
      if (path == FoldPath::kFast) {
        CopyPrintableAscii();
        if (i_ == in_.size()) break;
        const auto b = static_cast<uint8_t>(in_[i_]);
        if (b < 0x80 && b != '\r') {
          FoldAsciiByte(b);
          continue;
        }
      }
      FoldNext();
    }
    out_.Finish();
    return changed_;
  }

 private:
  // The fast path: a block of ASCII bytes at a time, lowercased, origins copied or counted.
  void CopyPrintableAscii() {
    size_t& w = out_.w();
    while (i_ + kBlockBytes <= in_.size() && FoldAsciiBlock(in_.data() + i_, out_.text + w)) {
      if (origins_.table == nullptr) {
        const uint32_t first = origins_.base + static_cast<uint32_t>(i_);
        for (uint32_t j = 0; j < kBlockBytes; ++j) out_.origin[w + j] = first + j;
      } else {
        std::memcpy(out_.origin + w, origins_.table + i_, kBlockBytes * sizeof(uint32_t));
      }
      i_ += kBlockBytes;
      w += kBlockBytes;
    }
  }

  void FoldAsciiByte(uint8_t b) {
    const char folded = kAsciiFold[b];
    changed_ |= folded != LowerAscii(b);
    if (folded != '\0') Put(folded, i_);
    ++i_;
  }

  // One code point through FoldCodePoint, or one invalid byte dropped.
  void FoldNext() {
    if (in_[i_] == '\r') {  // CR LF is one line break; a lone CR is one too
      const bool crlf = i_ + 1 < in_.size() && in_[i_ + 1] == '\n';
      if (!crlf) Put('\n', i_);
      changed_ = true;
      ++i_;
      return;
    }
    char32_t cp;
    const size_t length = DecodeUtf8(in_, i_, cp);
    if (length == 0) {
      changed_ = true;
      ++i_;
      return;
    }
    out_.Reserve(kMaxFoldedBytes + in_.size() - i_);
    size_t& w = out_.w();
    const bool after_latin = w > out_.begin() && IsAsciiAlnum(out_.text[w - 1]);
    const size_t folded = FoldCodePoint(cp, after_latin, out_.text + w);
    changed_ |= !SameAsLowercased(out_.text + w, folded, length);
    std::fill_n(out_.origin + w, folded, origins_(i_));
    w += folded;
    i_ += length;
  }

  bool SameAsLowercased(const char* folded, size_t folded_length, size_t length) const {
    if (folded_length != length) return false;
    for (size_t j = 0; j < length; ++j) {
      if (folded[j] != LowerAscii(static_cast<uint8_t>(in_[i_ + j]))) return false;
    }
    return true;
  }

  void Put(char c, size_t from) {
    size_t& w = out_.w();
    out_.text[w] = c;
    out_.origin[w] = origins_(from);
    ++w;
  }

  std::string_view in_;
  OriginMap origins_;
  FoldOutput out_;
  size_t i_ = 0;
  bool changed_ = false;
};

}  // namespace

bool AppendCodePointsFolded(std::string_view bytes, OriginMap origins, FoldPath path,
                            NormalizedText& out) {
  return CodePointFolder(bytes, origins, out).Run(path);
}

}  // namespace bastion::guard
