#include "common/json_locate.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace bastion {
namespace {

class Locator {
 public:
  Locator(std::string_view text, size_t max_depth) : s_(text), max_depth_(max_depth) {}

  JsonErrorLocation Run() {
    SkipSpace();
    if (!Value()) return Fail();
    SkipSpace();
    if (i_ != s_.size()) return Fail("unexpected data after the JSON value");
    return {};
  }

 private:
  // Parses one value; containers are handled with an explicit stack.
  bool Value() {
    std::vector<char> stack;  // '{' or '['
    for (;;) {
      SkipSpace();
      if (i_ >= s_.size()) return Error("unexpected end of input");
      char c = s_[i_];
      if (c == '{' || c == '[') {
        if (stack.size() >= max_depth_) return Error("nesting deeper than " + std::to_string(max_depth_));
        stack.push_back(c);
        ++i_;
        SkipSpace();
        if (i_ < s_.size() && s_[i_] == (c == '{' ? '}' : ']')) {
          ++i_;
          stack.pop_back();
        } else if (c == '{') {
          if (!Key()) return false;
          continue;
        } else {
          continue;
        }
      } else if (!Scalar()) {
        return false;
      }
      // After a value: close containers or move to the next element.
      for (;;) {
        if (stack.empty()) return true;
        SkipSpace();
        if (i_ >= s_.size()) return Error("unexpected end of input");
        char open = stack.back();
        char close = open == '{' ? '}' : ']';
        if (s_[i_] == close) {
          ++i_;
          stack.pop_back();
          continue;
        }
        if (s_[i_] != ',') {
          return Error(open == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
        }
        ++i_;
        if (open == '{' && !Key()) return false;
        break;
      }
    }
  }

  bool Key() {
    SkipSpace();
    if (i_ >= s_.size() || s_[i_] != '"') return Error("expected a string key");
    if (!String()) return false;
    SkipSpace();
    if (i_ >= s_.size() || s_[i_] != ':') return Error("expected ':' after key");
    ++i_;
    return true;
  }

  bool Scalar() {
    char c = s_[i_];
    if (c == '"') return String();
    if (c == '-' || (c >= '0' && c <= '9')) return Number();
    for (std::string_view word : {"true", "false", "null"}) {
      if (s_.substr(i_, word.size()) == word) {
        i_ += word.size();
        return true;
      }
    }
    return Error("unexpected character");
  }

  bool String() {
    ++i_;
    while (i_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return Error("control character in string");
      if (c == '\\') {
        ++i_;
        if (i_ >= s_.size()) break;
        char e = s_[i_];
        if (e == 'u') {
          for (int k = 1; k <= 4; ++k) {
            if (i_ + k >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[i_ + k]))) {
              return Error("bad \\u escape");
            }
          }
          i_ += 4;
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return Error("bad escape");
        }
      }
      ++i_;
    }
    return Error("unterminated string");
  }

  bool Number() {
    size_t start = i_;
    if (s_[i_] == '-') ++i_;
    if (i_ >= s_.size() || !Digit()) return Error("bad number");
    if (s_[i_] == '0') ++i_;
    else while (i_ < s_.size() && Digit()) ++i_;
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (i_ >= s_.size() || !Digit()) return Error("bad number");
      while (i_ < s_.size() && Digit()) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (i_ >= s_.size() || !Digit()) return Error("bad number");
      while (i_ < s_.size() && Digit()) ++i_;
    }
    return i_ > start;
  }

  bool Digit() const { return s_[i_] >= '0' && s_[i_] <= '9'; }
  void SkipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool Error(std::string reason) {
    reason_ = std::move(reason);
    return false;
  }
  JsonErrorLocation Fail(std::string reason = "") {
    JsonErrorLocation loc;
    loc.valid = false;
    loc.offset = std::min(i_, s_.size());
    loc.reason = reason.empty() ? reason_ : std::move(reason);
    for (size_t k = 0; k < loc.offset; ++k) {
      if (s_[k] == '\n') {
        ++loc.line;
        loc.column = 1;
      } else {
        ++loc.column;
      }
    }
    return loc;
  }

  std::string_view s_;
  size_t max_depth_;
  size_t i_ = 0;
  std::string reason_;
};

}  // namespace

std::string JsonErrorLocation::Describe() const {
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + reason;
}

JsonErrorLocation LocateJsonError(std::string_view text, size_t max_depth) {
  return Locator(text, max_depth).Run();
}

}  // namespace bastion
