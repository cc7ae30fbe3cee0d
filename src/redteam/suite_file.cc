#include "redteam/suite_file.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "redteam/csv.h"

namespace bastion::redteam {
namespace {

constexpr size_t kMaxSuiteBytes = 64 << 20;

// "Malware/Hacking" -> "malware/hacking", "Physical harm" -> "physical_harm".
std::string CategoryName(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '-') c = '_';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out.empty() ? "uncategorized" : out;
}

Status Fail(const std::string& name, int line, const std::string& what) {
  return Status::InvalidArgument(name + (line > 0 ? ":" + std::to_string(line) : "") + ": " + what);
}

Status CheckUnique(Suite& suite) {
  std::set<std::string> ids;
  for (const Behavior& b : suite.behaviors) {
    if (!ids.insert(b.id).second) return Fail(suite.name, 0, "behaviour id '" + b.id + "' repeats");
  }
  if (suite.behaviors.empty()) return Fail(suite.name, 0, "no behaviours in the suite");
  return Status::Ok();
}

Result<Suite> ParseJsonl(std::string_view text, const std::string& name) {
  Suite suite{.name = name};
  simdjson::dom::parser parser;
  int line = 0;
  for (size_t pos = 0; pos < text.size();) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    if (raw.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    simdjson::dom::element e;
    if (parser.parse(simdjson::padded_string(raw)).get(e) || !e.is_object()) {
      return Fail(name, line, "not a JSON object");
    }
    Behavior b;
    std::string_view s;
    if (e["behavior"].get_string().get(s) || s.empty()) {
      return Fail(name, line, "\"behavior\" (the request text) is missing");
    }
    b.text = s;
    b.id = e["id"].get_string().get(s) ? "b" + std::to_string(line) : std::string(s);
    b.category = CategoryName(e["category"].get_string().get(s) ? "" : s);
    if (!e["context"].get_string().get(s)) b.context = s;
    if (!e["prompt"].get_string().get(s)) b.prompt = s;
    suite.behaviors.push_back(std::move(b));
  }
  if (Status st = CheckUnique(suite); !st.ok()) return st;
  return suite;
}

// Column name -> index, for the CSV header row.
std::map<std::string, size_t> Columns(const CsvRow& header) {
  std::map<std::string, size_t> columns;
  for (size_t i = 0; i < header.fields.size(); ++i) columns[header.fields[i]] = i;
  return columns;
}

Result<Suite> ParseCsvSuite(std::string_view text, const std::string& name) {
  auto rows = ParseCsv(text);
  if (!rows.ok()) return Fail(name, 0, rows.status().message());
  if (rows->empty()) return Fail(name, 0, "empty file");
  const auto columns = Columns(rows->front());
  const bool harmbench = columns.contains("Behavior") && columns.contains("BehaviorID");
  const bool jbb = columns.contains("Goal") && columns.contains("Category");
  if (!harmbench && !jbb) {
    return Fail(name, 1,
                "unknown CSV header: expected HarmBench's (Behavior, ..., BehaviorID) or "
                "JailbreakBench's (Index, Goal, Target, Behavior, Category, Source)");
  }
  auto field = [&](const CsvRow& row, const char* column) -> std::string {
    auto it = columns.find(column);
    return it != columns.end() && it->second < row.fields.size() ? row.fields[it->second] : "";
  };
  Suite suite{.name = name};
  for (size_t i = 1; i < rows->size(); ++i) {
    const CsvRow& row = (*rows)[i];
    Behavior b;
    if (harmbench) {
      b = {.id = field(row, "BehaviorID"),
           .category = CategoryName(field(row, "SemanticCategory")),
           .text = field(row, "Behavior"),
           .context = field(row, "ContextString")};
    } else {
      const std::string index = field(row, "Index");
      b = {.id = "jbb-" + (index.empty() ? std::to_string(i) : index),
           .category = CategoryName(field(row, "Category")),
           .text = field(row, "Goal")};
    }
    if (b.text.empty()) return Fail(name, row.line, "the behaviour text is empty");
    if (b.id.empty()) return Fail(name, row.line, "the behaviour id is empty");
    suite.behaviors.push_back(std::move(b));
  }
  if (Status st = CheckUnique(suite); !st.ok()) return st;
  return suite;
}

Result<Suite> ParseArtifacts(simdjson::dom::element root, const std::string& name) {
  Suite suite{.name = name};
  simdjson::dom::array jailbreaks;
  if (root["jailbreaks"].get_array().get(jailbreaks)) {
    return Fail(name, 0, "a JSON suite must be JailbreakBench artifacts ({\"jailbreaks\":[...]})");
  }
  for (simdjson::dom::element j : jailbreaks) {
    std::string_view goal, prompt, category;
    if (j["prompt"].get_string().get(prompt) || j["goal"].get_string().get(goal)) continue;
    int64_t index = 0;
    if (j["index"].get_int64().get(index)) index = static_cast<int64_t>(suite.behaviors.size());
    if (j["category"].get_string().get(category)) category = "";
    suite.behaviors.push_back({.id = "jbb-" + std::to_string(index),
                               .category = CategoryName(category),
                               .text = std::string(goal),
                               .prompt = std::string(prompt)});
  }
  if (Status st = CheckUnique(suite); !st.ok()) return st;
  return suite;
}

}  // namespace

Result<Suite> ParseSuite(std::string_view text, const std::string& name) {
  const size_t first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first == std::string_view::npos) return Fail(name, 0, "empty file");
  if (text[first] != '{') return ParseCsvSuite(text, name);
  // JSONL, unless the whole file is one JSON document (artifacts).
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(text);
  if (!parser.parse(padded).get(root) && root.is_object() && root["jailbreaks"].error() == 0) {
    return ParseArtifacts(root, name);
  }
  return ParseJsonl(text, name);
}

Result<Suite> LoadSuite(const std::string& spec) {
  if (spec == "builtin") return BuiltinSuite();
  std::error_code ec;
  const auto size = std::filesystem::file_size(spec, ec);
  if (ec) return Status::NotFound("cannot read the suite file " + spec + ": " + ec.message());
  if (size > kMaxSuiteBytes) return Fail(spec, 0, "larger than 64 MiB");
  std::ifstream in(spec, std::ios::binary);
  std::string text(size, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(size))) {
    return Status::IoError("cannot read the suite file " + spec);
  }
  return ParseSuite(text, std::filesystem::path(spec).filename().string());
}

}  // namespace bastion::redteam
