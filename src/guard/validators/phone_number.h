#pragma once
// Whether a phone-shaped run of digits and separators is plausibly a phone number rather than
// a date, an SSN, an IP address, an arithmetic expression or a long numeric ID.

#include <string_view>

namespace bastion::guard {

// `number` holds digits, ' ', '-', '.', '/', '(', ')' and an optional leading '+'.
// `has_context`: a word such as "phone", "tel" or "call me at" comes right before it, which
// admits shorter numbers and unseparated digit runs.
bool PlausiblePhoneNumber(std::string_view number, bool has_context);

}  // namespace bastion::guard
