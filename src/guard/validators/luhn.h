#pragma once
// The Luhn (mod 10) check digit of payment cards and many other identifiers.

#include <string_view>

namespace bastion::guard {

// True when `digits` (decimal digits only, at least two) passes the Luhn check.
bool LuhnValid(std::string_view digits);

}  // namespace bastion::guard
