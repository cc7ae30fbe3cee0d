#pragma once
// Reading the JSON files of a Hugging Face model folder (config.json, tokenizer.json,
// tokenizer_config.json, generation_config.json). They are untrusted bytes: parsing is size-
// and depth-limited, a key given twice in any object is refused (Python's json keeps the last
// value, simdjson the first: bastion and the reference would read different models), and
// typed lookups name the file and the field in their errors.

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bastion::engine {

// A parsed JSON file. Elements from root() are valid while the HfJson lives; read-only use
// from many threads is safe.
class HfJson {
 public:
  static constexpr size_t kMaxDepth = 64;

  // `where` names the file in errors ("/models/r1/config.json"). Refuses texts longer than
  // `max_bytes`, invalid JSON (saying where it breaks), nesting deeper than kMaxDepth and
  // duplicate keys.
  static Result<HfJson> Parse(std::string_view text, std::string where, size_t max_bytes);

  simdjson::dom::element root() const { return root_; }
  const std::string& where() const { return where_; }

 private:
  HfJson() = default;
  std::unique_ptr<simdjson::dom::parser> parser_;  // owns what root_ points into
  simdjson::dom::element root_;
  std::string where_;
};

// "origin/file" ("file" when origin is empty): how errors name a file of a model folder.
std::string HfFilePath(std::string_view origin, std::string_view file);

// `text` shortened to `limit` bytes and quoted as a JSON string, safe to put in a message.
std::string Quoted(std::string_view text, size_t limit = 80);

// Typed lookups of one JSON object's members that keep the first error, so a reader lists
// the fields it wants instead of checking each (as WeightLoader does for tensors). A member
// that is absent or JSON null gives nullopt; one of the wrong type or out of range gives
// nullopt and sets status(). A value that is not an object fails at construction (JSON null
// is taken as an empty object, except at the root).
class JsonFields {
 public:
  // `path` is the object's place in the file ("" for the root, "rope_scaling").
  JsonFields(simdjson::dom::element object, std::string where, std::string path);

  std::optional<simdjson::dom::element> Value(std::string_view key);
  std::optional<std::string_view> String(std::string_view key);
  std::optional<int64_t> Int(std::string_view key, int64_t min, int64_t max);
  // Finite numbers within [min, max]; integers are accepted.
  std::optional<double> Number(std::string_view key, double min, double max);
  std::optional<bool> Bool(std::string_view key);
  std::optional<simdjson::dom::array> Array(std::string_view key);
  // The member as a JsonFields; an absent one gives fields that are all absent. A member
  // that is not an object sets status() here and in the result.
  JsonFields Object(std::string_view key);
  bool Has(std::string_view key);

  // Records an error about member `key` (the first error is kept).
  void Fail(std::string_view key, std::string_view what);
  const Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }
  // "where: 'path.key'", for messages.
  std::string Name(std::string_view key) const;
  // "path.key": where member `key` is in the file.
  std::string Path(std::string_view key) const;
  const std::string& where() const { return where_; }

 private:
  JsonFields(std::string where, std::string path)
      : where_(std::move(where)), path_(std::move(path)) {}

  std::optional<simdjson::dom::object> object_;  // nullopt: absent, no members
  std::string where_;
  std::string path_;
  Status status_;
};

}  // namespace bastion::engine
