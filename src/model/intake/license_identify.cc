#include "model/intake/license_identify.h"

#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/gguf/gguf_file.h"

namespace bastion::model {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxTextBytes = size_t{4} << 20;  // configs, cards and licences are small

std::string ReadSmallFile(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec) || fs::file_size(path, ec) > kMaxTextBytes) return "";
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Lower case letters and digits only: "DeepSeek R1 Distill Qwen 1.5B" and
// "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B" both contain "deepseekr1distillqwen15b".
std::string Squash(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  }
  return out;
}

// The release a name spells, longest catalogue name first ("R1-0528" before "R1"); a name
// with the suffix of a longer release ("...-0528") never matches the shorter one.
const Release* ReleaseNamed(std::string_view name) {
  const std::string squashed = Squash(name);
  const Release* best = nullptr;
  for (const Release& r : Releases()) {
    const std::string want = Squash(r.name);
    const size_t at = squashed.find(want);
    if (at == std::string::npos) continue;
    const size_t end = at + want.size();
    const bool followed_by_digit = end < squashed.size() && std::isdigit(squashed[end]);
    if (followed_by_digit) continue;  // "deepseekv30324" is not "deepseekv3"
    if (best == nullptr || want.size() > Squash(best->name).size()) best = &r;
  }
  return best;
}

struct Gathered {
  std::vector<LicenseEvidence> names;
  std::string architecture;  // owned: the JSON it came from is gone by the time it is compared
  uint32_t hidden = 0;
  uint32_t layers = 0;
  std::vector<LicenseEvidence> declared;

  ModelShape shape() const { return {architecture, hidden, layers}; }
};

void FromConfig(const std::string& text, Gathered& g) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (text.empty() || parser.parse(text).get(root)) return;
  std::string_view s;
  if (!root["_name_or_path"].get_string().get(s))
    g.names.push_back({"config.json _name_or_path", std::string(s)});
  if (!root["architectures"].at(0).get_string().get(s)) g.architecture = s;
  uint64_t n = 0;
  if (!root["hidden_size"].get_uint64().get(n)) g.hidden = static_cast<uint32_t>(n);
  if (!root["num_hidden_layers"].get_uint64().get(n)) g.layers = static_cast<uint32_t>(n);
}

// A model card's YAML front matter: `license:` and `base_model:` lines between the '---'s.
void FromModelCard(const std::string& text, Gathered& g) {
  if (!text.starts_with("---")) return;
  const size_t end = text.find("\n---", 3);
  std::istringstream lines(text.substr(3, end == std::string::npos ? 0 : end - 3));
  for (std::string line; std::getline(lines, line);) {
    auto value = [&](std::string_view key) -> std::string {
      if (!line.starts_with(key)) return "";
      std::string v = line.substr(key.size());
      while (!v.empty() && (v.front() == ' ' || v.front() == '"')) v.erase(0, 1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '"' || v.back() == '\r')) v.pop_back();
      return v;
    };
    if (auto v = value("license:"); !v.empty()) g.declared.push_back({"README.md license", v});
    if (auto v = value("base_model:"); !v.empty()) g.names.push_back({"README.md base_model", v});
  }
}

// GGUF architecture names for the catalogue's shapes.
std::string_view HfArchitecture(std::string_view gguf_arch) {
  if (gguf_arch == "qwen2") return "Qwen2ForCausalLM";
  if (gguf_arch == "llama") return "LlamaForCausalLM";
  return "";  // deepseek2 covers V2, V3 and R1 alike: the layer count tells them apart
}

void FromGguf(const std::string& path, Gathered& g) {
  auto file = GgufFile::Open(path);
  if (!file.ok()) return;
  for (const char* key : {"general.name", "general.basename", "general.repo_url",
                          "general.source.repo_url", "general.base_model.0.name"}) {
    if (auto v = file->GetString(key); v.ok())
      g.names.push_back({std::string("gguf ") + key, std::string(*v)});
  }
  if (auto v = file->GetString("general.license"); v.ok()) {
    g.declared.push_back(
        {"gguf general.license (set by whoever converted the file)", std::string(*v)});
  }
  if (auto arch = file->GetString("general.architecture"); arch.ok()) {
    const std::string a(*arch);
    g.architecture = HfArchitecture(a);
    if (a == "deepseek2") {
      auto layers = file->GetUint(a + ".block_count");
      auto hidden = file->GetUint(a + ".embedding_length");
      if (layers.ok() && hidden.ok()) {
        g.architecture = *layers == 61 ? "DeepseekV3ForCausalLM" : "DeepseekV2ForCausalLM";
      }
    }
    if (auto v = file->GetUint(a + ".embedding_length"); v.ok())
      g.hidden = static_cast<uint32_t>(*v);
    if (auto v = file->GetUint(a + ".block_count"); v.ok()) g.layers = static_cast<uint32_t>(*v);
  }
}

void FromFolder(const fs::path& dir, Gathered& g) {
  FromConfig(ReadSmallFile(dir / "config.json"), g);
  FromModelCard(ReadSmallFile(dir / "README.md"), g);
  for (const char* name : {"LICENSE", "LICENSE.txt", "LICENSE.md", "LICENSE-MODEL", "LICENCE"}) {
    const std::string text = ReadSmallFile(dir / name);
    if (auto kind = ClassifyLicenseText(text); !kind.empty()) {
      g.declared.push_back({name, std::string(kind)});
    }
  }
  // The folder's own name, and a Hugging Face cache's models--org--repo above a snapshot.
  for (fs::path p = fs::absolute(dir); !p.empty() && p != p.root_path(); p = p.parent_path()) {
    const std::string name = p.filename().string();
    if (name.starts_with("models--") || p == fs::absolute(dir)) {
      g.names.push_back({"folder name", name});
    }
  }
}

bool SameShape(const ModelShape& a, const ModelShape& b) {
  return !a.architecture.empty() && a.architecture == b.architecture && a.hidden == b.hidden &&
         a.layers == b.layers;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// By name if any name spells a release, else by shape if exactly one release has it.
void Decide(const Gathered& g, LicenseReport& report) {
  const ModelShape shape = g.shape();
  for (const LicenseEvidence& e : g.names) {
    const Release* r = ReleaseNamed(e.value);
    if (r == nullptr) continue;
    if (report.release == nullptr) {
      report.release = r;
      report.identified_by = "name";
      if (e.source == "README.md base_model") {
        report.caveats.push_back(
            "named only as the base model of this one: a derivative inherits "
            "the base's licence, and may add terms of its own");
      }
    } else if (r != report.release) {
      report.caveats.push_back(e.source + " names " + std::string(r->name) + ", other names " +
                               std::string(report.release->name));
    }
  }
  std::vector<const Release*> by_shape;
  for (const Release& r : Releases()) {
    if (SameShape(r.shape, shape)) by_shape.push_back(&r);
  }
  const bool shape_known = !g.architecture.empty() && g.hidden > 0;
  if (report.release != nullptr && shape_known && !report.release->shape.architecture.empty() &&
      !SameShape(report.release->shape, shape)) {
    report.caveats.push_back("the name says " + std::string(report.release->name) +
                             ", but the weights' shape (" + std::string(g.architecture) +
                             ", hidden " + std::to_string(g.hidden) + ", " +
                             std::to_string(g.layers) + " layers) is not its shape");
  }
  if (report.release == nullptr && by_shape.size() == 1) {
    report.release = by_shape[0];
    report.identified_by = "shape";
  } else if (report.release == nullptr && by_shape.size() > 1) {
    for (const Release* r : by_shape) report.candidates.emplace_back(r->name);
    report.caveats.push_back(
        "the shape fits several releases, under different licences: "
        "name the model (config.json _name_or_path or the folder name)");
  }
  for (const LicenseEvidence& d : g.declared) {
    if (report.release == nullptr) break;
    const std::string declared = Lower(d.value), want = Lower(report.release->license);
    const bool agrees = want.find(declared) != std::string::npos ||
                        (declared == "other" && want.find("deepseek") != std::string::npos);
    if (!agrees) {
      report.caveats.push_back(d.source + " says '" + d.value + "', but " +
                               std::string(report.release->name) + " is released under " +
                               std::string(report.release->license));
    }
  }
  if (report.release == nullptr) {
    for (const LicenseEvidence& d : g.declared) {
      if (d.source.starts_with("gguf")) {
        report.caveats.push_back(
            "the only licence found is the GGUF's general.license, which "
            "whoever converted the file wrote: check the original release");
      }
    }
  }
}

}  // namespace

Result<LicenseReport> IdentifyLicense(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::NotFound(path + ": no such file or directory");
  Gathered g;
  if (fs::is_directory(path, ec)) {
    FromFolder(path, g);
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      if (entry.path().extension() == ".gguf") FromGguf(entry.path().string(), g);
    }
  } else {
    FromGguf(path, g);
    g.names.push_back({"file name", fs::path(path).filename().string()});
  }
  LicenseReport report;
  report.evidence = g.names;
  report.declared = g.declared;
  Decide(g, report);
  return report;
}

}  // namespace bastion::model
