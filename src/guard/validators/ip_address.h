#pragma once
// IP address syntax. Private, loopback and documentation ranges are addresses too: the
// validators accept them and the PII rule reports them (an internal address in a prompt
// still tells the model about someone's network).

#include <cstddef>
#include <string_view>

namespace bastion::guard {

// Exactly four dot-separated decimal octets, each 0-255 with at most three digits.
bool IsIpv4(std::string_view s);

// Hex groups of 1-4 digits separated by ':': eight groups, or fewer with one "::". At least
// `min_groups` groups must be written out (so "::1" or "a::b" can be refused).
bool IsIpv6(std::string_view s, size_t min_groups);

}  // namespace bastion::guard
