// bastion guard scan|rules: the guardrails on the command line, with the policy the server
// would apply, for testing policies, scanning corpora and pre-commit checks.
#include <simdjson.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "app/commands.h"
#include "common/json_writer.h"
#include "guard/classifier_prompt.h"
#include "guard/guardrails.h"
#include "guard/prompt_leak.h"
#include "guard/redaction.h"
#include "guard/verdict_json.h"

namespace bastion::app {
namespace {

struct GuardFlags {
  std::string policy_file;
  std::string input = "-";
  bool jsonl = false;
};

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "bastion guard: %s\n", message.c_str());
  return code;
}

// {"verdict","findings","redacted"} for one text.
std::string ScanJson(const guard::Guardrails& g, std::string_view text) {
  guard::Verdict v = g.Check(text, {});
  guard::Redaction redaction;
  JsonWriter w;
  w.BeginObject();
  guard::WriteVerdictMembers(w, v);
  w.Key("redacted").String(redaction.Apply(text, v.findings));
  w.EndObject();
  return w.Take();
}

// Returns the verdict's exit status.
int PrintHuman(const guard::Guardrails& g, std::string_view text) {
  guard::Verdict v = g.Check(text, {});
  std::printf("verdict: %s\n", std::string(guard::ActionName(v.action)).c_str());
  for (const guard::Finding& f : v.findings) {
    std::printf("  %-6s %-10s %-34s bytes %zu-%zu  score %.2f\n",
                std::string(guard::ActionName(f.action)).c_str(),
                std::string(guard::CategoryName(f.category)).c_str(), std::string(f.rule).c_str(),
                f.span.start, f.span.end, f.score);
  }
  guard::Redaction redaction;
  if (v.action >= guard::Action::kRedact) {
    std::printf("redacted: %s\n", redaction.Apply(text, v.findings).c_str());
  }
  return v.action == guard::Action::kBlock ? kExitFailure : kExitOk;
}

// A JSONL line: a JSON string, or an object with a string member "text".
bool LineText(simdjson::dom::parser& parser, const std::string& line, std::string& text) {
  simdjson::dom::element root;
  if (parser.parse(line).get(root)) return false;
  std::string_view view;
  if (root.get(view) && root["text"].get(view)) return false;
  text.assign(view);
  return true;
}

int ScanLines(const guard::Guardrails& g, std::istream& in) {
  simdjson::dom::parser parser;
  std::string line, text;
  int exit_code = kExitOk;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (!LineText(parser, line, text)) {
      JsonWriter w;
      w.BeginObject().Key("error").String("line " + std::to_string(n) +
                                          ": expected a JSON string or {\"text\": string}");
      std::printf("%s\n", w.EndObject().Take().c_str());
      exit_code = kExitUsage;
      continue;
    }
    std::string out = ScanJson(g, text);
    if (exit_code == kExitOk && out.starts_with("{\"verdict\":\"block\"")) exit_code = kExitFailure;
    std::printf("%s\n", out.c_str());
  }
  std::fflush(stdout);
  return exit_code;
}

int Scan(const GuardFlags& flags) {
  GuardConfig config;
  if (!flags.policy_file.empty()) {
    auto loaded = LoadGuardPolicyFile(flags.policy_file);
    if (!loaded.ok()) return Fail(kExitUsage, loaded.status().message());
    config = std::move(*loaded);
  }
  auto g = guard::Guardrails::Create(config);
  if (!g.ok()) return Fail(kExitUsage, g.status().message());
  std::ifstream file;
  if (flags.input != "-") {
    file.open(flags.input, std::ios::binary);
    if (!file) return Fail(kExitUsage, "cannot open '" + flags.input + "'");
  }
  std::istream& in = flags.input == "-" ? std::cin : file;
  if (flags.jsonl) return ScanLines(**g, in);
  std::stringstream all;
  all << in.rdbuf();
  return PrintHuman(**g, all.str());
}

int ListRules() {
  for (const guard::Rule& r : guard::AllRules()) {
    // Placeholders are numbered per value, from 1: the list shows the first two and an ellipsis.
    std::string label(r.placeholder);
    std::string redacts =
        label.empty() ? "" : "  redacts as [" + label + "_1], [" + label + "_2], ...";
    std::printf("%-10s %-36s score %.2f%s\n", std::string(guard::CategoryName(r.category)).c_str(),
                std::string(r.id).c_str(), r.score, redacts.c_str());
  }
  std::printf("%-10s %-36s score %.2f  (answers that repeat the system prompt)\n", "injection",
              std::string(guard::kSystemPromptLeakRule).c_str(), 1.0);
  for (guard::Category c :
       {guard::Category::kJailbreak, guard::Category::kInjection, guard::Category::kHarm}) {
    std::printf("%-10s %-36s (guard.classifier_model answered \"unsafe\")\n",
                std::string(guard::CategoryName(c)).c_str(),
                std::string(guard::ClassifierRuleId(c)).c_str());
  }
  return kExitOk;
}

}  // namespace

Command RegisterGuard(CLI::App& app) {
  auto flags = std::make_shared<GuardFlags>();
  auto which = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "guard", "Guardrails: find PII, secrets, jailbreaks, prompt injection and harmful requests");
  cmd->require_subcommand(1);
  CLI::App* scan = cmd->add_subcommand(
      "scan",
      "Scan text with the guard and the policy the server would apply.\n"
      "Default policy: secret, jailbreak and injection block; pii redact; harm flag.\n"
      "With --jsonl each input line is a JSON string or {\"text\": ...} and each output line is\n"
      "{\"verdict\":\"allow|flag|redact|block\",\"findings\":[{\"category\",\"rule\",\"start\",\n"
      "\"end\",\"score\",\"action\"}],\"redacted\"}; start/end are byte offsets (UTF-8), the\n"
      "matched text is never printed. Without --jsonl the whole input is one text.\n"
      "Exit status: 0 nothing blocked, 1 at least one text blocked, 2 error (bad policy,\n"
      "unreadable input, a malformed JSONL line).");
  scan->add_option("--policy", flags->policy_file,
                   "TOML policy: a bastion config (its [guard] table) or [guard] keys at the top "
                   "level (docs/guardrails.md)");
  scan->add_flag("--jsonl", flags->jsonl,
                 "One JSON text per input line, one verdict per output line");
  scan->add_option("input", flags->input, "File to scan, or - for standard input (default)");
  scan->callback([which] { *which = "scan"; });
  CLI::App* rules = cmd->add_subcommand("rules", "List every detector rule: category, id, score");
  rules->callback([which] { *which = "rules"; });
  return [flags, which] { return *which == "rules" ? ListRules() : Scan(*flags); };
}

}  // namespace bastion::app
