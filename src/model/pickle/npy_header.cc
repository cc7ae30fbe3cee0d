#include "model/pickle/npy_header.h"

#include <cctype>
#include <string_view>

#include "common/byte_reader.h"
#include "model/pickle/pickle_scan.h"

namespace bastion::model {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";

// A cursor over the dict literal; every Read* fails with a message naming what it expected.
class LiteralReader {
 public:
  explicit LiteralReader(std::string_view text) : text_(text) {}

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Peek(char c) {
    SkipSpace();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  Result<std::string_view> ReadQuoted() {
    SkipSpace();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) {
      return Error("a quoted string");
    }
    char quote = text_[pos_];
    size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) return Error("a closing quote");
    std::string_view out = text_.substr(pos_ + 1, end - pos_ - 1);
    if (out.find('\\') != std::string_view::npos) return Error("a string without escapes");
    pos_ = end + 1;
    return out;
  }
  // A bracketed list literal, quotes respected, as written.
  Result<std::string_view> ReadList() {
    SkipSpace();
    size_t start = pos_;
    int depth = 0;
    char quote = 0;
    for (; pos_ < text_.size(); ++pos_) {
      char c = text_[pos_];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '[' || c == '(') {
        ++depth;
      } else if ((c == ']' || c == ')') && --depth == 0) {
        ++pos_;
        return text_.substr(start, pos_ - start);
      }
    }
    return Error("a closed list");
  }
  Result<bool> ReadBool() {
    SkipSpace();
    for (auto [word, value] : {std::pair{"True", true}, std::pair{"False", false}}) {
      if (text_.substr(pos_).starts_with(word)) {
        pos_ += std::string_view(word).size();
        return value;
      }
    }
    return Error("True or False");
  }
  Result<std::vector<uint64_t>> ReadShape();
  bool AtEnd() {
    SkipSpace();
    return pos_ == text_.size();
  }
  Status Error(std::string_view expected) const {
    return Status::InvalidArgument("npy header: expected " + std::string(expected) +
                                   " at character " + std::to_string(pos_));
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

Result<std::vector<uint64_t>> LiteralReader::ReadShape() {
  if (!Consume('(')) return Error("a shape tuple");
  std::vector<uint64_t> shape;
  while (!Consume(')')) {
    if (shape.size() >= kMaxNpyDims) return Error("at most 64 dimensions");
    SkipSpace();
    uint64_t value = 0;
    size_t digits = 0;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      uint64_t digit = static_cast<uint64_t>(text_[pos_] - '0');
      if (value > (UINT64_MAX - digit) / 10) return Error("a dimension that fits in 64 bits");
      value = value * 10 + digit;
      ++pos_;
      ++digits;
    }
    if (digits == 0) return Error("a dimension");
    shape.push_back(value);
    if (!Consume(',')) {
      if (!Consume(')')) return Error("',' or ')'");
      break;
    }
  }
  return shape;
}

// '<f4' -> 4; 'O' anywhere a type code can be -> object. Unsized codes give nullopt.
std::optional<uint64_t> ItemSize(std::string_view descr) {
  if (!descr.empty() &&
      (descr[0] == '<' || descr[0] == '>' || descr[0] == '|' || descr[0] == '=')) {
    descr.remove_prefix(1);
  }
  if (descr.empty()) return std::nullopt;
  char code = descr[0];
  std::string_view digits = descr.substr(1);
  if (size_t bracket = digits.find('['); bracket != std::string_view::npos) {
    digits = digits.substr(0, bracket);  // '<M8[ns]'
  }
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  uint64_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (code == 'U') return n * 4;  // UCS-4 characters
  if (std::string_view("biufcSVMm").find(code) == std::string_view::npos) return std::nullopt;
  return n;
}

bool IsObjectCode(std::string_view descr) {
  if (!descr.empty() && std::string_view("<>|=").find(descr[0]) != std::string_view::npos) {
    descr.remove_prefix(1);
  }
  return !descr.empty() && descr[0] == 'O';
}

// Structured dtypes: any quoted string in the list that is an object type code. A field
// named 'O...' also counts; reading a non-pickle as a pickle only errs towards caution.
bool ListHasObject(std::string_view list) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i] != '\'' && list[i] != '"') continue;
    size_t end = list.find(list[i], i + 1);
    if (end == std::string_view::npos) return true;
    if (IsObjectCode(list.substr(i + 1, end - i - 1))) return true;
    i = end;
  }
  return false;
}

Status ParseDict(std::string_view text, NpyHeader* header) {
  LiteralReader r(text);
  if (!r.Consume('{')) return r.Error("'{'");
  bool seen_descr = false, seen_order = false, seen_shape = false;
  while (!r.Consume('}')) {
    auto key = r.ReadQuoted();
    if (!key.ok()) return key.status();
    if (!r.Consume(':')) return r.Error("':'");
    if (*key == "descr" && !seen_descr) {
      seen_descr = true;
      if (r.Peek('[')) {
        auto list = r.ReadList();
        if (!list.ok()) return list.status();
        header->descr = std::string(*list);
        header->structured = true;
      } else {
        auto descr = r.ReadQuoted();
        if (!descr.ok()) return descr.status();
        header->descr = std::string(*descr);
      }
    } else if (*key == "fortran_order" && !seen_order) {
      seen_order = true;
      auto value = r.ReadBool();
      if (!value.ok()) return value.status();
      header->fortran_order = *value;
    } else if (*key == "shape" && !seen_shape) {
      seen_shape = true;
      auto shape = r.ReadShape();
      if (!shape.ok()) return shape.status();
      header->shape = std::move(*shape);
    } else {
      return Status::InvalidArgument("npy header: unexpected or repeated key '" +
                                     std::string(*key) + "'");
    }
    if (!r.Consume(',')) {
      if (!r.Consume('}')) return r.Error("',' or '}'");
      break;
    }
  }
  if (!r.AtEnd()) return r.Error("only padding after the dict");
  if (!seen_descr || !seen_order || !seen_shape) {
    return Status::InvalidArgument("npy header: needs the keys 'descr', 'fortran_order', 'shape'");
  }
  return Status::Ok();
}

}  // namespace

Result<NpyHeader> ParseNpyHeader(std::span<const uint8_t> bytes) {
  ByteReader reader(bytes);
  auto magic = reader.ReadBytes(kMagic.size());
  if (!magic.ok() ||
      std::string_view(reinterpret_cast<const char*>(magic->data()), magic->size()) != kMagic) {
    return Status::InvalidArgument("not an npy file: no \\x93NUMPY magic");
  }
  NpyHeader header;
  auto major = reader.ReadU8();
  auto minor = reader.ReadU8();
  if (!major.ok() || !minor.ok()) return Status::InvalidArgument("npy: truncated version");
  header.major = *major;
  header.minor = *minor;
  if (header.major < 1 || header.major > 3 || header.minor != 0) {
    return Status::InvalidArgument("npy: unsupported version " + std::to_string(header.major) +
                                   "." + std::to_string(header.minor));
  }
  uint64_t length = 0;
  if (header.major == 1) {
    auto len = reader.ReadU16();
    if (!len.ok()) return len.status();
    length = *len;
  } else {
    auto len = reader.ReadU32();
    if (!len.ok()) return len.status();
    length = *len;
  }
  if (length > kMaxNpyHeaderBytes) {
    return Status::InvalidArgument("npy: header length " + std::to_string(length) +
                                   " exceeds the limit of " + std::to_string(kMaxNpyHeaderBytes));
  }
  auto text = reader.ReadBytes(length);
  if (!text.ok()) return text.status();
  header.data_offset = reader.offset();
  std::string_view literal(reinterpret_cast<const char*>(text->data()), text->size());
  Status parsed = ParseDict(literal, &header);
  if (!parsed.ok()) return parsed;
  header.object_dtype =
      header.structured ? ListHasObject(header.descr) : IsObjectCode(header.descr);
  if (!header.structured && !header.object_dtype) header.itemsize = ItemSize(header.descr);
  return header;
}

std::vector<Finding> ScanNpy(std::span<const uint8_t> bytes) {
  auto header = ParseNpyHeader(bytes);
  if (!header.ok()) return {{Severity::kHigh, "npy.malformed", header.status().message()}};
  std::span<const uint8_t> data = bytes.subspan(static_cast<size_t>(header->data_offset));
  if (header->object_dtype) {
    std::vector<Finding> findings = {{Severity::kInfo, "npy.object_array",
                                      "dtype " + header->descr + ": the data at offset " +
                                          std::to_string(header->data_offset) + " is a pickle"}};
    for (Finding& f : ScanPickle(data)) {
      f.detail = "npy data at offset " + std::to_string(header->data_offset) + ": " + f.detail;
      findings.push_back(std::move(f));
    }
    return findings;
  }
  if (!header->itemsize) return {};
  uint64_t expected = *header->itemsize;
  for (uint64_t dim : header->shape) {
    if (dim != 0 && expected > UINT64_MAX / dim) {
      return {{Severity::kMedium, "npy.size_mismatch", "the shape's byte size overflows"}};
    }
    expected *= dim;
  }
  if (expected != data.size()) {
    return {{Severity::kMedium, "npy.size_mismatch",
             "shape x itemsize is " + std::to_string(expected) + " bytes, the file has " +
                 std::to_string(data.size()) + " after the header"}};
  }
  return {};
}

}  // namespace bastion::model
