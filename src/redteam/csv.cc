#include "redteam/csv.h"

namespace bastion::redteam {
namespace {

// One row from `text` at `pos`; advances `pos` and `line` past it.
Status ParseRow(std::string_view text, size_t& pos, int& line, CsvRow& row) {
  row.line = line;
  std::string field;
  bool quoted = false, was_quoted = false;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c == '"' && pos < text.size() && text[pos] == '"') {
        field += '"';
        ++pos;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == '"') {
      return Status::InvalidArgument("line " + std::to_string(line) + ": stray quote in a field");
    } else if (c == ',') {
      row.fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
      ++line;
      break;
    } else {
      field += c;
    }
  }
  if (quoted) {
    return Status::InvalidArgument("line " + std::to_string(row.line) +
                                   ": a quoted field never ends");
  }
  row.fields.push_back(std::move(field));
  return Status::Ok();
}

}  // namespace

Result<std::vector<CsvRow>> ParseCsv(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte order mark
  std::vector<CsvRow> rows;
  size_t pos = 0;
  int line = 1;
  while (pos < text.size()) {
    CsvRow row;
    if (Status s = ParseRow(text, pos, line, row); !s.ok()) return s;
    const bool blank = row.fields.size() == 1 && row.fields[0].empty();
    if (!blank) rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace bastion::redteam
