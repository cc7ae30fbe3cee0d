#pragma once
// Internal to the HTML report (report_html.cc, report_html_charts.cc): escaping, number
// formats and the inline SVG bar chart. Not part of the module's interface.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "redteam/report.h"
#include "redteam/text_codec.h"

namespace bastion::redteam {

// One bar of a chart, one row of a table.
struct NamedTally {
  std::string name;
  Tally tally;
};

// Escapes & < > " ' so text from the target model stays text, in element content and in
// quoted attributes alike.
std::string EscapeHtml(std::string_view text);

std::string FormatPercent(double fraction);           // "62.5%"
std::string FormatInterval(double low, double high);  // "55.1%–69.4%"

// A horizontal bar chart of the ASR per row, with the Wilson 95% interval as a whisker.
// Labels are escaped; an empty `rows` gives an empty string.
std::string AsrChartSvg(std::string_view caption, const std::vector<NamedTally>& rows);

}  // namespace bastion::redteam
