#include "guard/normalize/word_fold.h"

#include <array>
#include <bit>
#include <cstring>

#include "guard/normalize/byte_masks.h"
#include "guard/normalize/leet.h"

namespace bastion::guard {
namespace {

enum CharClass : uint8_t {
  kOther,  // punctuation and '\n': copied as is
  kSpace,
  kLetter,     // a-z
  kWordMark,   // 0-9 '@' '$' and UTF-8 bytes: word bytes that may make a word leet
  kInnerWord,  // '|' '!': part of a word only between word bytes ("k!ll", "he||o")
};

constexpr std::array<CharClass, 256> kClass = [] {
  std::array<CharClass, 256> table{};
  for (int c = 'a'; c <= 'z'; ++c) table[c] = kLetter;
  for (int c = '0'; c <= '9'; ++c) table[c] = kWordMark;
  for (int c = 0x80; c < 0x100; ++c) table[c] = kWordMark;
  table['@'] = table['$'] = kWordMark;
  table['|'] = table['!'] = kInnerWord;
  table[' '] = kSpace;
  return table;
}();

bool IsWordByte(CharClass c) { return c == kLetter || c == kWordMark; }

// Characters that may separate spaced letters: "i g n o r e", "i.g.n.o.r.e", "i|g|n|o|r|e".
constexpr std::array<bool, 256> kSpacedSeparator = [] {
  std::array<bool, 256> table{};
  for (char c : std::string_view(" .-_*/|,+~:'`")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

// Bytes a quiet window lets through at most: the window less one byte of context before and
// three after (a spaced run's second single needs the byte after it).
constexpr size_t kStretchBytes = kWindowBytes - 4;

// Fewest single letters that make a spaced word; three would fold initials ("u s a").
constexpr size_t kMinSpacedLetters = 4;

bool IsLetter(char c) { return c >= 'a' && c <= 'z'; }

// Whether spaced letters may be any ASCII word byte: a letter, digit, '@' or '$'.
bool IsSpacedChar(char c) {
  return IsWordByte(kClass[static_cast<unsigned char>(c)]) && static_cast<unsigned char>(c) < 0x80;
}

class WordFolder {
 public:
  WordFolder(NormalizedText& out, size_t begin)
      : t_(out.text.data()),
        o_(out.origin.data()),
        begin_(begin),
        end_(out.text.size()),
        r_(begin),
        w_(begin) {}

  // Returns the folded length; the caller trims.
  size_t Run() {
    while (r_ < end_) {
      // The window holds the byte before r_ for context, hence r_ > begin_.
      if (r_ > begin_ && r_ - 1 + kWindowBytes <= end_) {
        if (!SkipQuietStretch()) FoldTokensUntil(r_ + kStretchBytes);
      } else {
        FoldTokensUntil(r_ + 1);
      }
    }
    return w_;
  }
  bool changed() const { return changed_; }

 private:
  void FoldTokensUntil(size_t limit) {
    while (r_ < end_ && r_ < limit) {
      const CharClass c = ClassAt(r_);
      if (IsWordByte(c)) {
        if (!CollapseSpacedRun()) FoldWord();
      } else if (c == kSpace) {
        CopySpace();
      } else {
        Copy(r_++);
      }
    }
  }

  bool SkipQuietStretch();

  CharClass ClassAt(size_t i) const { return kClass[static_cast<unsigned char>(t_[i])]; }
  char At(size_t i) const { return i < end_ ? t_[i] : '\0'; }

  void Copy(size_t from) {
    t_[w_] = t_[from];
    o_[w_] = o_[from];
    ++w_;
  }

  void CopySpace() {
    if (w_ > begin_ && t_[w_ - 1] == ' ') {
      changed_ = true;
    } else {
      Copy(r_);
    }
    ++r_;
  }

  // A word: word bytes, plus '|' or '!' with word bytes on both sides. Sets mixed when it
  // holds anything but letters, the only words leet folding needs to look at.
  size_t WordEnd(size_t from, bool& mixed) const {
    size_t e = from;
    mixed = false;
    while (e < end_) {
      const CharClass c = ClassAt(e);
      if (c == kLetter) {
        ++e;
      } else if (c == kWordMark ||
                 (c == kInnerWord && e + 1 < end_ && IsWordByte(ClassAt(e + 1)))) {
        mixed = true;
        ++e;
      } else {
        break;
      }
    }
    return e;
  }

  void FoldWord() {
    bool mixed;
    const size_t e = WordEnd(r_, mixed);
    const size_t start = w_;
    if (w_ == r_) {
      w_ = r_ = e;
    } else {
      while (r_ < e) Copy(r_++);
    }
    if (mixed) changed_ |= FoldLeetWord(t_ + start, w_ - start, At(e));
  }

  // A lone spaced character at i: a word byte with no word byte right after it.
  bool IsSingleAt(size_t i) const {
    return i < end_ && IsSpacedChar(t_[i]) && (i + 1 == end_ || !IsWordByte(ClassAt(i + 1)));
  }

  // How many spaces start at i.
  size_t SpacesAt(size_t i) const {
    size_t n = 0;
    while (i + n < end_ && t_[i + n] == ' ') ++n;
    return n;
  }

  bool CollapseSpacedRun();
  size_t ScanSpacedRun(char separator, size_t& letters, size_t& singles) const;
  void EmitSpacedRun(char separator, size_t run_end);

  char* t_;
  uint32_t* o_;
  size_t begin_, end_, r_, w_;
  bool changed_ = false;
};

// Copies the bytes from r_ up to the last word boundary in the window at once when nothing
// in them needs folding: no doubled space, no letter beside a digit or symbol, no two single
// characters one apart (a possible spaced run). Bit i of the masks is byte r_ - 1 + i; the
// stretch is bits 1…kStretchBytes, the bits around it are context.
bool WordFolder::SkipQuietStretch() {
  constexpr uint64_t kStretch = ((uint64_t{1} << kStretchBytes) - 1) << 1;
  const ByteMasks m = ClassifyWindow(t_ + r_ - 1);
  const uint64_t word = m.letter | m.mark;
  const uint64_t doubled_space = m.space & (m.space << 1);
  const uint64_t leet =
      (m.mark & ((m.letter << 1) | (m.letter >> 1))) | (m.inner & (word << 1) & (word >> 1));
  const uint64_t single = word & ~(word << 1) & ~(word >> 1);
  const uint64_t spaced = single & (single >> 2);
  if (((doubled_space | leet | spaced) & kStretch) != 0) return false;
  const uint64_t boundary = ~(word | m.inner) & kStretch;
  if (boundary == 0) return false;
  const size_t length = 63 - std::countl_zero(boundary);  // through the last boundary byte
  if (w_ != r_) {
    std::memmove(t_ + w_, t_ + r_, length);
    std::memmove(o_ + w_, o_ + r_, length * sizeof(uint32_t));
  }
  r_ += length;
  w_ += length;
  return true;
}

// Finds the end of the spaced run starting at r_ with the given separator. With a space
// separator, a wider gap ("i g n o r e  a l l") is a word break inside the run.
size_t WordFolder::ScanSpacedRun(char separator, size_t& letters, size_t& singles) const {
  size_t i = r_;
  letters = singles = 0;
  while (true) {
    ++singles;
    letters += IsLetter(t_[i]);
    if (At(i + 1) == separator && IsSingleAt(i + 2)) {
      i += 2;
      continue;
    }
    const size_t gap = separator == ' ' ? SpacesAt(i + 1) : 0;
    const size_t next = i + 1 + gap;
    if (gap >= 2 && IsSingleAt(next) && At(next + 1) == ' ' && IsSingleAt(next + 2)) {
      i = next;
      continue;
    }
    return i + 1;
  }
}

bool WordFolder::CollapseSpacedRun() {
  const char separator = At(r_ + 1);
  if (!kSpacedSeparator[static_cast<unsigned char>(separator)]) return false;  // most words
  if (!IsSingleAt(r_) || !IsSingleAt(r_ + 2)) return false;
  // "ab.c.d.e.f" and "a.b.c.d.com" are dotted names, not spaced letters.
  const bool joined_left = w_ >= begin_ + 2 && t_[w_ - 1] == separator &&
                           IsWordByte(kClass[static_cast<unsigned char>(t_[w_ - 2])]);
  if (separator != ' ' && joined_left) return false;
  size_t letters, singles;
  const size_t run_end = ScanSpacedRun(separator, letters, singles);
  if (separator != ' ' && At(run_end) == separator && run_end + 1 < end_ &&
      IsWordByte(ClassAt(run_end + 1))) {
    return false;
  }
  if (singles < kMinSpacedLetters || letters < 2) return false;
  EmitSpacedRun(separator, run_end);
  return true;
}

// Copies the run's letters together; a wide gap becomes one space. Each resulting word then
// gets the leet fold ("1 g n 0 r 3" → "ignore").
void WordFolder::EmitSpacedRun(char separator, size_t run_end) {
  size_t word_start = w_;
  while (r_ < run_end) {
    if (IsSpacedChar(t_[r_])) {
      Copy(r_++);
      continue;
    }
    const size_t gap = separator == ' ' ? SpacesAt(r_) : 1;
    if (gap >= 2) {
      FoldLeetWord(t_ + word_start, w_ - word_start, ' ');
      t_[w_] = ' ';
      o_[w_] = o_[r_];
      ++w_;
      word_start = w_;
    }
    r_ += gap;
  }
  FoldLeetWord(t_ + word_start, w_ - word_start, At(run_end));
  changed_ = true;
}

}  // namespace

bool FoldWords(NormalizedText& out, size_t begin) {
  WordFolder folder(out, begin);
  const size_t length = folder.Run();
  out.text.resize(length);
  out.origin.resize(length);
  return folder.changed();
}

}  // namespace bastion::guard
