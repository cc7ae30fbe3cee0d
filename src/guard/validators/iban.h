#pragma once
// International Bank Account Numbers (ISO 13616): country code, two check digits, a BBAN of
// the country's fixed length; valid when the mod-97 remainder is 1.

#include <cstddef>
#include <string_view>

namespace bastion::guard {

// The IBAN length of an upper-case ISO country code, or 0 for a country not in the table (the
// SEPA countries, the UK and the other common IBAN countries).
size_t IbanLength(std::string_view country);

// True when `compact` (upper-case letters and digits, no spaces) has a known country's length
// and passes the mod-97 check.
bool IbanValid(std::string_view compact);

}  // namespace bastion::guard
