#pragma once
// Reads the guard's labelled corpora (tests/guard/corpus/*.jsonl): one object per line,
// {"text": "...", "expect": [{"rule": "pii.email", "value": "..."} | {"category": "harm"}]}.

#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace bastion::guard::testing {

struct Expectation {
  std::string rule;      // span detectors: the rule and the exact value it must report
  std::string value;
  std::string category;  // intent detectors: the category the line must get
};

struct LabelledText {
  std::string file;
  size_t line = 0;
  std::string text;
  std::vector<Expectation> expect;
};

// ADD_FAILURE on malformed lines, so a typo in a corpus cannot silently drop a case.
inline std::vector<LabelledText> ReadLabelledCorpus(const std::filesystem::path& path) {
  std::vector<LabelledText> out;
  std::ifstream in(path);
  std::string line;
  simdjson::dom::parser parser;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    LabelledText item{path.filename().string(), n, {}, {}};
    simdjson::dom::element root;
    std::string_view text;
    simdjson::dom::array expect;
    if (parser.parse(line).get(root) || root["text"].get(text) ||
        root["expect"].get(expect)) {
      ADD_FAILURE() << path << ":" << n << ": not {\"text\":…, \"expect\":[…]}";
      continue;
    }
    item.text = std::string(text);
    for (simdjson::dom::element e : expect) {
      std::string_view rule, value, category;
      if (!e["rule"].get(rule) && !e["value"].get(value)) {
        item.expect.push_back({std::string(rule), std::string(value), ""});
      } else if (!e["category"].get(category)) {
        item.expect.push_back({"", "", std::string(category)});
      } else {
        ADD_FAILURE() << path << ":" << n << ": an expectation needs rule+value or category";
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace bastion::guard::testing
