#include "model/intake/template_check.h"

#include <cctype>
#include <string>

namespace bastion::model {
namespace {

struct Construct {
  std::string_view text;
  Severity severity;
  std::string_view why;
  bool word = false;  // only where it starts a word: "os." inside "photos." is not the module
};

// Matched case-sensitively, as Jinja2 and Python spell them. Dunder access is how every
// published template payload climbs from a string to os.popen; the names after it are the
// places such payloads end.
constexpr Construct kConstructs[] = {
    {"__class__", Severity::kCritical, "reaches a Python object's class"},
    {"__globals__", Severity::kCritical, "reaches a function's module globals"},
    {"__builtins__", Severity::kCritical, "reaches Python's builtins"},
    {"__import__", Severity::kCritical, "imports a module"},
    {"__subclasses__", Severity::kCritical, "enumerates every loaded class"},
    {"__mro__", Severity::kCritical, "walks a class hierarchy"},
    {"__base__", Severity::kCritical, "walks a class hierarchy"},
    {"__init__", Severity::kCritical, "reaches a constructor (and its __globals__)"},
    {"__dict__", Severity::kCritical, "reads an object's attributes directly"},
    {"__getattribute__", Severity::kCritical, "reads attributes by name"},
    {"|attr(", Severity::kHigh, "reads attributes by computed name (spells dunders indirectly)"},
    {"| attr(", Severity::kHigh, "reads attributes by computed name (spells dunders indirectly)"},
    {"popen", Severity::kCritical, "runs a shell command"},
    {"subprocess", Severity::kCritical, "runs processes"},
    {"os.", Severity::kHigh, "names the os module", true},
    {"system(", Severity::kHigh, "calls system()", true},
    {"eval(", Severity::kHigh, "evaluates code", true},
    {"exec(", Severity::kHigh, "executes code", true},
    {"lipsum", Severity::kHigh, "Jinja2's lipsum global, a known route to __globals__", true},
    {"cycler", Severity::kHigh, "Jinja2's cycler global, a known route to __init__.__globals__",
     true},
    {"joiner", Severity::kHigh, "Jinja2's joiner global, a known route to __init__.__globals__",
     true},
    {"self._", Severity::kHigh, "reaches the template object's internals"},
};

bool StartsWord(std::string_view text, size_t at) {
  if (at == 0) return true;
  const char before = text[at - 1];
  return !(std::isalnum(static_cast<unsigned char>(before)) || before == '_');
}

}  // namespace

std::vector<Finding> CheckChatTemplate(std::string_view text, std::string_view where) {
  std::vector<Finding> findings;
  for (const Construct& c : kConstructs) {
    size_t at = text.find(c.text);
    while (at != std::string_view::npos && c.word && !StartsWord(text, at)) {
      at = text.find(c.text, at + 1);
    }
    if (at == std::string_view::npos) continue;
    findings.push_back({c.severity, "template.code_execution",
                        std::string(where) + ": '" + std::string(c.text) + "' at character " +
                            std::to_string(at) + " " + std::string(c.why)});
  }
  return findings;
}

}  // namespace bastion::model
