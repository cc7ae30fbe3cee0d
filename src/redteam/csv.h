#pragma once
// RFC 4180 CSV: quoted fields with doubled quotes, commas and line breaks inside quotes, CRLF
// or LF rows. Enough for the benchmark files suites come in.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bastion::redteam {

struct CsvRow {
  int line = 0;  // 1-based line where the row starts
  std::vector<std::string> fields;
};

// InvalidArgument names the line of an unterminated quote or a stray quote.
Result<std::vector<CsvRow>> ParseCsv(std::string_view text);

}  // namespace bastion::redteam
