#include "model/intake/format_checks.h"

#include <simdjson.h>

#include <string>

#include "common/byte_reader.h"
#include "model/gguf/gguf_file.h"
#include "model/intake/template_check.h"
#include "model/safetensors/safetensors_file.h"
#include "model/safetensors/safetensors_header.h"

namespace bastion::model {
namespace {

constexpr size_t kMaxJsonBytes = size_t{64} << 20;

void Add(std::vector<Finding>& findings, std::vector<Finding> more) {
  for (Finding& f : more) findings.push_back(std::move(f));
}

}  // namespace

Status CheckSafetensors(std::span<const uint8_t> bytes, std::vector<Finding>& findings) {
  auto file = SafetensorsFile::Parse(bytes, "file");
  if (file.ok()) return Status::Ok();
  if (bytes.size() < 8) return file.status();
  const uint64_t size = LoadLittleEndian<uint64_t>(bytes.data());
  if (size > bytes.size() - 8) return file.status();
  // The header itself parses: the refusal is about where the tensors lie.
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()) + 8, size);
  if (ParseSafetensorsHeader(text).ok()) {
    findings.push_back({Severity::kHigh, "safetensors.layout", file.status().message()});
    return Status::Ok();
  }
  return file.status();
}

Status CheckGguf(std::span<const uint8_t> bytes, std::vector<Finding>& findings) {
  auto file = GgufFile::Parse(bytes);
  if (!file.ok()) return file.status();
  for (const GgufKv& kv : file->metadata()) {
    if (kv.key != "tokenizer.chat_template" && !kv.key.starts_with("tokenizer.chat_template.")) {
      continue;
    }
    auto text = file->GetString(kv.key);
    if (!text.ok()) {
      findings.push_back({Severity::kMedium, "gguf.chat_template_type", text.status().message()});
      continue;
    }
    Add(findings, CheckChatTemplate(*text, kv.key));
  }
  return Status::Ok();
}

Status CheckJson(std::span<const uint8_t> bytes, std::string_view name,
                 std::vector<Finding>& findings) {
  if (bytes.size() > kMaxJsonBytes) return Status::Ok();  // no loader reads such a config
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) return Status::Ok();
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return Status::Ok();
  // Every field, not a lookup: a key given twice is read as its last value by Python.
  for (auto field : object) {
    if (field.key == "auto_map") {
      findings.push_back({Severity::kHigh, "remote_code.auto_map",
                          std::string(name) + " names classes for trust_remote_code to import: " +
                              simdjson::minify(field.value).substr(0, 200)});
    } else if (field.key == "chat_template") {
      std::string_view text;
      if (field.value.get_string().get(text) == simdjson::SUCCESS) {
        Add(findings, CheckChatTemplate(text, std::string(name) + " chat_template"));
      } else if (field.value.is_array()) {  // [{"name": ..., "template": ...}, ...]
        for (auto entry : field.value.get_array()) {
          if (entry["template"].get_string().get(text) == simdjson::SUCCESS) {
            Add(findings, CheckChatTemplate(text, std::string(name) + " chat_template"));
          }
        }
      }
    }
  }
  return Status::Ok();
}

}  // namespace bastion::model
