#pragma once
// The HTML report: one self-contained file (inline CSS and SVG charts, no script, no external
// resource) that a browser opens offline. Every string from the run is escaped.

#include <string>

#include "redteam/report.h"

namespace bastion::redteam {

std::string ReportToHtml(const Report& report);

}  // namespace bastion::redteam
