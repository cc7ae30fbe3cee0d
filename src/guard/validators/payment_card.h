#pragma once
// Payment card numbers (PANs): issuer prefix (IIN) and length per network, Luhn check, and the
// published test numbers that payment providers document for developers.

#include <string_view>

namespace bastion::guard {

// True when `digits` (12-19 decimal digits, no separators) has a known network's prefix and
// length and passes the Luhn check. Networks: Visa, Mastercard (51-55, 2221-2720), American
// Express, Discover, JCB, Diners Club, UnionPay, Maestro.
bool IsCardNumber(std::string_view digits);

// True for the test card numbers published by Stripe, Braintree, Adyen, PayPal and the card
// networks (4111 1111 1111 1111, 4242 4242 4242 4242, ...). They are Luhn-valid but belong to
// nobody, and they fill code samples and docs, so the PII detector does not report them.
bool IsPublishedTestCardNumber(std::string_view digits);

}  // namespace bastion::guard
