#pragma once
// How doctor prints a checklist: text for people, JSON for scripts.
//
// Text: one line per item, "<status>  <id>  <detail>" and, short of a pass, "  fix: <fix>" on
// the same line; then "N pass, N warn, N fail". Control characters become spaces, so each item
// stays one line whatever a file or a server said.
//
// JSON: {"items":[{"id","status","detail","fix"}],"summary":{"pass":N,"warn":N,"fail":N},
//        "bastion":"<version>"}

#include <string>

#include "posture/checklist.h"

namespace bastion::posture {

std::string ChecklistText(const Checklist& checklist);
std::string ChecklistJson(const Checklist& checklist);

}  // namespace bastion::posture
