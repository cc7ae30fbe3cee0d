#include "redteam/report_html_charts.h"

#include <fmt/format.h>

#include <iterator>
#include <string>

namespace bastion::redteam {
namespace {

// Geometry in SVG user units (CSS pixels at 100%).
constexpr int kLabelWidth = 220;  // right edge of the labels
constexpr int kPlotLeft = kLabelWidth + 10;
constexpr int kPlotWidth = 420;
constexpr int kValueWidth = 150;
constexpr int kWidth = kPlotLeft + kPlotWidth + kValueWidth;
constexpr int kRowHeight = 24;
constexpr int kTop = 8;
constexpr int kAxisHeight = 22;
constexpr size_t kLabelBytes = 28;  // longer names are cut; the row's <title> has them whole

double PlotX(double fraction) { return kPlotLeft + fraction * kPlotWidth; }

void AppendAxis(std::string& out, int rows_height) {
  auto it = std::back_inserter(out);
  for (int pct = 0; pct <= 100; pct += 25) {
    const double x = PlotX(pct / 100.0);
    fmt::format_to(it, "<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\"/>",
                   x, kTop, kTop + rows_height);
    fmt::format_to(it, "<text class=\"tick\" x=\"{:.1f}\" y=\"{}\">{}%</text>\n", x,
                   kTop + rows_height + 15, pct);
  }
}

// The interval as a horizontal line with end caps, so it reads as a range even when the bar
// beneath it is short.
void AppendWhisker(std::string& out, const Tally& t, int mid_y) {
  auto it = std::back_inserter(out);
  const double low = PlotX(t.ci_low);
  const double high = PlotX(t.ci_high);
  fmt::format_to(it, "<line class=\"ci\" x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\"/>", low,
                 mid_y, high, mid_y);
  for (double x : {low, high}) {
    fmt::format_to(it, "<line class=\"ci\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\"/>",
                   x, mid_y - 5, mid_y + 5);
  }
}

void AppendBar(std::string& out, const NamedTally& row, int y) {
  auto it = std::back_inserter(out);
  const Tally& t = row.tally;
  const std::string name = EscapeHtml(row.name);
  const std::string summary =
      t.judged > 0 ? fmt::format("{} [{}] · {}/{} judged", FormatPercent(t.asr),
                                 FormatInterval(t.ci_low, t.ci_high), t.successes, t.judged)
                   : std::string("no judged attempts");
  fmt::format_to(it, "<g><title>{}: {}</title>\n", name, summary);
  fmt::format_to(it, "<text class=\"label\" x=\"{}\" y=\"{}\">{}</text>", kLabelWidth, y + 16,
                 EscapeHtml(Utf8Prefix(row.name, kLabelBytes)));
  if (t.judged > 0) {
    fmt::format_to(it, "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"14\"/>",
                   kPlotLeft, y + 5, t.asr * kPlotWidth);
    AppendWhisker(out, t, y + 12);
  }
  fmt::format_to(it, "<text class=\"value\" x=\"{}\" y=\"{}\">{}</text></g>\n",
                 kPlotLeft + kPlotWidth + 8, y + 16,
                 t.judged > 0
                     ? fmt::format("{} ({}/{})", FormatPercent(t.asr), t.successes, t.judged)
                     : std::string("n/a"));
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string FormatPercent(double fraction) { return fmt::format("{:.1f}%", fraction * 100); }

std::string FormatInterval(double low, double high) {
  return fmt::format("{:.1f}%–{:.1f}%", low * 100, high * 100);
}

std::string AsrChartSvg(std::string_view caption, const std::vector<NamedTally>& rows) {
  if (rows.empty()) return {};
  const int rows_height = static_cast<int>(rows.size()) * kRowHeight;
  const int height = kTop + rows_height + kAxisHeight;
  std::string out;
  fmt::format_to(std::back_inserter(out),
                 "<svg class=\"chart\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" "
                 "role=\"img\" aria-label=\"{2}\"><title>{2}</title>\n",
                 kWidth, height, EscapeHtml(caption));
  AppendAxis(out, rows_height);
  for (size_t i = 0; i < rows.size(); ++i) {
    AppendBar(out, rows[i], kTop + static_cast<int>(i) * kRowHeight);
  }
  out += "</svg>\n";
  return out;
}

}  // namespace bastion::redteam
