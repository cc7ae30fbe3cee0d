#pragma once
// Confirm functions of the PII rules (rules/pii_rules.cc): each takes a rule's merged
// candidate span and returns the value to report, narrowed to the value itself, or nothing
// when a checksum, range or context check fails. Stateless and thread-safe.

#include <optional>
#include <string_view>

#include "guard/rule.h"

namespace bastion::guard {

std::optional<Span> ConfirmEmail(std::string_view text, Span candidate);
std::optional<Span> ConfirmPhone(std::string_view text, Span candidate);
std::optional<Span> ConfirmCard(std::string_view text, Span candidate);
std::optional<Span> ConfirmIban(std::string_view text, Span candidate);
std::optional<Span> ConfirmUsSsn(std::string_view text, Span candidate);
std::optional<Span> ConfirmIpAddress(std::string_view text, Span candidate);
std::optional<Span> ConfirmDateOfBirth(std::string_view text, Span candidate);
std::optional<Span> ConfirmNationalId(std::string_view text, Span candidate);
std::optional<Span> ConfirmPassport(std::string_view text, Span candidate);
std::optional<Span> ConfirmPostalAddress(std::string_view text, Span candidate);
std::optional<Span> ConfirmPersonName(std::string_view text, Span candidate);

}  // namespace bastion::guard
