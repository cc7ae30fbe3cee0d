#pragma once
// How findings and errors name an entry. Entry names are attacker-chosen bytes: quoted with
// control characters, quotes, backslashes and non-ASCII bytes escaped as \xNN, and cut at
// 200 bytes, so that a finding stays one printable line and cannot drive a terminal.
// Internal to model/zip.

#include <string>
#include <string_view>

namespace bastion::model::zip {

// "'archive/data.pkl'"
std::string QuoteName(std::string_view name);
// "entry 'archive/data.pkl'"
std::string EntryLabel(std::string_view name);

}  // namespace bastion::model::zip
