#pragma once
// A verdict as JSON, the shape `bastion guard scan --jsonl` prints and the gateway logs:
// {"verdict","findings":[{"category","rule","start","end","score","action"}]}. Never the
// matched text.

#include "common/json_writer.h"
#include "guard/guardrails.h"

namespace bastion::guard {

// Writes the "verdict" and "findings" members into the object `w` is in.
void WriteVerdictMembers(JsonWriter& w, const Verdict& verdict);

}  // namespace bastion::guard
