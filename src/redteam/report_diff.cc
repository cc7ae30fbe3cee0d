#include "redteam/report_diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "common/json_writer.h"

namespace bastion::redteam {
namespace {

constexpr std::string_view kMissing = "—";
constexpr size_t kGroupWidth = 11;
constexpr size_t kMinNameWidth = 22;
constexpr size_t kAsrWidth = 22;
constexpr size_t kDeltaWidth = 9;

bool Disjoint(const Tally& a, const Tally& b) {
  return a.ci_high < b.ci_low || b.ci_high < a.ci_low;
}

DiffRow MakeRow(std::string group, std::string name, const Tally* a, const Tally* b) {
  DiffRow row{.group = std::move(group), .name = std::move(name)};
  row.in_a = a != nullptr;
  row.in_b = b != nullptr;
  if (a) row.a = *a;
  if (b) row.b = *b;
  if (a && b) {
    row.delta = b->asr - a->asr;
    row.significant = a->judged > 0 && b->judged > 0 && Disjoint(*a, *b);
  }
  return row;
}

const Tally* Find(const std::map<std::string, Tally>& tallies, const std::string& name) {
  auto found = tallies.find(name);
  return found == tallies.end() ? nullptr : &found->second;
}

// A's technique order first (the order its run was asked for), then what only B ran.
std::vector<std::string> TechniqueNames(const Report& a, const Report& b) {
  std::vector<std::string> names;
  auto add = [&names](const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const Report* r : {&a, &b}) {
    for (const std::string& name : r->techniques) add(name);
    for (const auto& [name, tally] : r->by_technique) add(name);
  }
  return names;
}

// Terminal output: control bytes in names (the reports are files anyone could have edited)
// must not reach the terminal as escape sequences.
std::string Printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

// Display width in characters: UTF-8 continuation bytes take no column.
size_t Columns(std::string_view text) {
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

void AppendPadded(std::string& out, std::string_view text, size_t width) {
  out += text;
  const size_t used = Columns(text);
  out.append(used < width ? width - used : 1, ' ');
}

std::string FormatAsr(const Tally& t, bool present) {
  if (!present) return std::string(kMissing);
  if (t.judged == 0) return "n/a";
  return fmt::format("{:.1f}% [{:.1f}–{:.1f}]", t.asr * 100, t.ci_low * 100, t.ci_high * 100);
}

std::string FormatDelta(const DiffRow& row) {
  if (!row.in_a || !row.in_b) return std::string(kMissing);
  if (row.a.judged == 0 || row.b.judged == 0) return "n/a";
  double points = row.delta * 100;
  if (std::fabs(points) < 0.05) points = 0;  // no "-0.0"
  return fmt::format("{:+.1f} pp", points);
}

// Wide enough for the longest name, so long names do not push their row out of line.
size_t NameWidth(const std::vector<DiffRow>& rows) {
  size_t width = kMinNameWidth;
  for (const DiffRow& row : rows) width = std::max(width, Columns(row.name) + 2);
  return width;
}

void AppendTextRow(std::string& out, const DiffRow& row, size_t name_width) {
  AppendPadded(out, row.group, kGroupWidth);
  AppendPadded(out, Printable(row.name), name_width);
  AppendPadded(out, FormatAsr(row.a, row.in_a), kAsrWidth);
  AppendPadded(out, FormatAsr(row.b, row.in_b), kAsrWidth);
  const std::string delta = FormatDelta(row);
  const size_t used = Columns(delta);
  if (used < kDeltaWidth) out.append(kDeltaWidth - used, ' ');
  out += delta;
  out += row.significant ? " *\n" : "\n";
}

std::string DescribeRun(const Report& r) {
  return Printable(fmt::format("{} on {} (judge {})", r.suite, r.target_url, r.judge));
}

void WriteRun(JsonWriter& w, const Report& r) {
  w.BeginObject().Key("target").String(r.target_url).Key("model").String(r.model);
  w.Key("suite").String(r.suite).Key("judge").String(r.judge).EndObject();
}

// A side the row is missing from is null, not a zero tally that would read as "0% ASR".
void WriteSide(JsonWriter& w, std::string_view key, bool present, const Tally& t) {
  w.Key(key);
  if (present) {
    WriteTallyJson(w, t);
  } else {
    w.Null();
  }
}

void WriteRow(JsonWriter& w, const DiffRow& row) {
  w.BeginObject().Key("group").String(row.group).Key("name").String(row.name);
  w.Key("in_a").Bool(row.in_a).Key("in_b").Bool(row.in_b);
  WriteSide(w, "a", row.in_a, row.a);
  WriteSide(w, "b", row.in_b, row.b);
  w.Key("delta").Double(row.delta).Key("significant").Bool(row.significant).EndObject();
}

}  // namespace

std::vector<DiffRow> DiffReports(const Report& a, const Report& b) {
  std::vector<DiffRow> rows;
  rows.push_back(MakeRow("overall", "all", &a.overall, &b.overall));
  std::set<std::string> categories;
  for (const Report* r : {&a, &b}) {
    for (const auto& [name, tally] : r->by_category) categories.insert(name);
  }
  for (const std::string& name : categories) {
    rows.push_back(MakeRow("category", name, Find(a.by_category, name), Find(b.by_category, name)));
  }
  for (const std::string& name : TechniqueNames(a, b)) {
    const Tally* in_a = Find(a.by_technique, name);
    const Tally* in_b = Find(b.by_technique, name);
    // A technique listed but never run has no row to compare.
    if (in_a || in_b) rows.push_back(MakeRow("technique", name, in_a, in_b));
  }
  return rows;
}

std::string DiffToText(const std::vector<DiffRow>& rows, const Report& a, const Report& b) {
  std::string out = fmt::format("redteam diff: A = {}, B = {}\n", DescribeRun(a), DescribeRun(b));
  AppendPadded(out, "group", kGroupWidth);
  const size_t name_width = NameWidth(rows);
  AppendPadded(out, "name", name_width);
  AppendPadded(out, "ASR A", kAsrWidth);
  AppendPadded(out, "ASR B", kAsrWidth);
  out.append(kDeltaWidth - 5, ' ');
  out += "delta\n";
  for (const DiffRow& row : rows) AppendTextRow(out, row, name_width);
  out += "(* = the 95% intervals do not overlap)\n";
  return out;
}

std::string DiffToJson(const std::vector<DiffRow>& rows, const Report& a, const Report& b) {
  JsonWriter w;
  w.BeginObject().Key("a");
  WriteRun(w, a);
  w.Key("b");
  WriteRun(w, b);
  w.Key("rows").BeginArray();
  for (const DiffRow& row : rows) WriteRow(w, row);
  w.EndArray().EndObject();
  return w.Take();
}

}  // namespace bastion::redteam
