#include "guard/normalize/encoded_runs.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace bastion::guard {
namespace {

enum : uint8_t { kBase64Char = 1, kHexDigit = 2, kPairSeparator = 4 };

constexpr std::array<uint8_t, 256> kTraits = [] {
  std::array<uint8_t, 256> table{};
  for (int c = 'A'; c <= 'Z'; ++c) table[c] |= kBase64Char;
  for (int c = 'a'; c <= 'z'; ++c) table[c] |= kBase64Char;
  for (int c = '0'; c <= '9'; ++c) table[c] |= kBase64Char | kHexDigit;
  for (int c = 'a'; c <= 'f'; ++c) table[c] |= kHexDigit;
  for (int c = 'A'; c <= 'F'; ++c) table[c] |= kHexDigit;
  table['+'] = table['/'] = table['-'] = table['_'] = kBase64Char;
  table[' '] = table[':'] = table[','] = kPairSeparator;
  table['-'] |= kPairSeparator;
  return table;
}();

bool Has(std::string_view s, size_t i, uint8_t trait) {
  return i < s.size() && (kTraits[static_cast<uint8_t>(s[i])] & trait) != 0;
}

// Calls on_run(begin, end) for every maximal run of bytes with `trait` at least min_length
// long. Looks at one byte in min_length where no run is, so prose costs little.
template <typename OnRun>
void ForEachLongRun(std::string_view s, uint8_t trait, size_t min_length, OnRun on_run) {
  size_t probe = min_length - 1;
  while (probe < s.size()) {
    if (!Has(s, probe, trait)) {
      probe += min_length;
      continue;
    }
    size_t begin = probe;
    while (begin > 0 && Has(s, begin - 1, trait)) --begin;
    size_t end = probe + 1;
    while (Has(s, end, trait)) ++end;
    if (end - begin >= min_length) on_run(begin, end);
    probe = end + min_length;
  }
}

EncodedRun Run(size_t begin, size_t end, EncodedRun::Kind kind) {
  return {static_cast<uint32_t>(begin), static_cast<uint32_t>(end), kind};
}

void FindBase64Runs(std::string_view s, std::vector<EncodedRun>& runs) {
  ForEachLongRun(s, kBase64Char, kMinEncodedChars, [&](size_t begin, size_t end) {
    size_t hex = begin;
    while (hex < end && Has(s, hex, kHexDigit)) ++hex;
    if (hex == end) {
      runs.push_back(Run(begin, end, EncodedRun::Kind::kHexOrBase64));
      return;
    }
    const bool prefixed = s[begin] == '0' && (s[begin + 1] == 'x' || s[begin + 1] == 'X');
    if (prefixed && end - begin - 2 >= kMinEncodedChars) {
      size_t digit = begin + 2;
      while (digit < end && Has(s, digit, kHexDigit)) ++digit;
      if (digit == end) {
        runs.push_back(Run(begin + 2, end, EncodedRun::Kind::kHex));
        return;
      }
    }
    runs.push_back(Run(begin, end, EncodedRun::Kind::kBase64));
  });
}

// "\x69\x67…": at least kMinEncodedChars digits.
void FindEscapedHexRuns(std::string_view s, std::vector<EncodedRun>& runs) {
  const auto escape_at = [&](size_t i) {
    return i + 3 < s.size() && s[i] == '\\' && (s[i + 1] == 'x' || s[i + 1] == 'X') &&
           Has(s, i + 2, kHexDigit) && Has(s, i + 3, kHexDigit);
  };
  const char* data = s.data();
  size_t i = 0;
  while (i < s.size()) {
    const void* slash = std::memchr(data + i, '\\', s.size() - i);
    if (slash == nullptr) return;
    const size_t begin = static_cast<const char*>(slash) - data;
    size_t end = begin;
    while (escape_at(end)) end += 4;
    if ((end - begin) / 2 >= kMinEncodedChars) {
      runs.push_back(Run(begin, end, EncodedRun::Kind::kHexEscaped));
    }
    i = std::max(end, begin + 1);
  }
}

// "69 67 6e …": hex pairs with one separator throughout, inside a run of hex digits and
// separators.
void FindHexPairRuns(std::string_view s, std::vector<EncodedRun>& runs) {
  constexpr size_t kPairs = kMinEncodedChars / 2;
  const auto pair_at = [&](size_t i) {
    return Has(s, i, kHexDigit) && Has(s, i + 1, kHexDigit) && !Has(s, i + 2, kHexDigit);
  };
  ForEachLongRun(s, kHexDigit | kPairSeparator, kPairs * 3 - 1, [&](size_t begin, size_t end) {
    size_t i = begin;
    while (i + 2 < end) {
      if (!pair_at(i) || (i > begin && Has(s, i - 1, kHexDigit))) {
        ++i;
        continue;
      }
      const char separator = s[i + 2];
      size_t pairs = 1, next = i + 3;
      while (next + 1 < end && s[next - 1] == separator && pair_at(next)) {
        ++pairs;
        next += 3;
      }
      if (pairs >= kPairs) {
        runs.push_back(Run(i, next - 1, EncodedRun::Kind::kHexPairs));
        i = next - 1;
      } else {
        // The last pair may start a run with another separator ("ad 49:67:…").
        i = pairs > 1 ? next - 3 : i + 1;
      }
    }
  });
}

}  // namespace

void FindEncodedRuns(std::string_view bytes, std::vector<EncodedRun>& runs) {
  runs.clear();
  FindBase64Runs(bytes, runs);
  FindEscapedHexRuns(bytes, runs);
  FindHexPairRuns(bytes, runs);
  std::sort(runs.begin(), runs.end(),
            [](const EncodedRun& a, const EncodedRun& b) { return a.begin < b.begin; });
}

}  // namespace bastion::guard
