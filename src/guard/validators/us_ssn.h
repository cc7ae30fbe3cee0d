#pragma once
// US Social Security numbers: area-group-serial, AAA-GG-SSSS.

#include <string_view>

namespace bastion::guard {

// True when `digits` (nine decimal digits) could be an issued SSN: area not 000, 666 or
// 900-999, group not 00, serial not 0000, and not one of the numbers printed in advertising
// (078-05-1120 from a 1938 wallet insert, 219-09-9999 from a Social Security pamphlet) that
// the SSA voided.
bool UsSsnValid(std::string_view digits);

}  // namespace bastion::guard
