#include "guard/validators/payment_card.h"

#include <algorithm>
#include <array>

#include "guard/validators/luhn.h"

namespace bastion::guard {
namespace {

int PrefixValue(std::string_view digits, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n && i < digits.size(); ++i) v = v * 10 + (digits[i] - '0');
  return v;
}

bool In(int v, int lo, int hi) { return v >= lo && v <= hi; }

bool KnownPrefixAndLength(std::string_view d) {
  size_t n = d.size();
  int p2 = PrefixValue(d, 2), p3 = PrefixValue(d, 3), p4 = PrefixValue(d, 4);
  if (d[0] == '4') return n == 13 || n == 16 || n == 19;                     // Visa
  if (In(p2, 51, 55) || In(p4, 2221, 2720)) return n == 16;                  // Mastercard
  if (p2 == 34 || p2 == 37) return n == 15;                                  // Amex
  if (p4 == 2131 || p4 == 1800) return n == 15;                              // JCB (old)
  if (In(p4, 3528, 3589)) return n >= 16;                                    // JCB
  if (In(p3, 300, 305) || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39) {  // Diners
    return n >= 14;
  }
  if (p4 == 6011 || In(p3, 644, 649) || p2 == 65 || p2 == 62) return n >= 16;  // Discover, UP
  // Maestro: the only network with 12-digit numbers.
  static constexpr std::array<int, 9> kMaestro = {5018, 5020, 5038, 5893, 6304,
                                                  6759, 6761, 6762, 6763};
  if (std::find(kMaestro.begin(), kMaestro.end(), p4) != kMaestro.end() || In(p2, 56, 58)) {
    return n >= 12;
  }
  return false;
}

}  // namespace

bool IsCardNumber(std::string_view digits) {
  if (digits.size() < 12 || digits.size() > 19) return false;
  return KnownPrefixAndLength(digits) && LuhnValid(digits);
}

bool IsPublishedTestCardNumber(std::string_view digits) {
  static constexpr std::string_view kTestNumbers[] = {
      "4111111111111111", "4242424242424242", "4012888888881881", "4222222222222",
      "4000056655665556", "4000000000000002", "4000000000003220", "4000002500003155",
      "4000000000009995", "4000000000000077", "4005519200000004", "4009348888881881",
      "5555555555554444", "5105105105105100", "5200828282828210", "5454545454545454",
      "2223003122003222", "2223000048400011", "378282246310005",  "371449635398431",
      "378734493671000",  "6011111111111117", "6011000990139424", "6011000400000000",
      "3056930009020004", "30569309025904",   "38520000023237",   "36227206271667",
      "3566002020360505", "3530111333300000", "6200000000000005", "6759649826438453",
  };
  return std::find(std::begin(kTestNumbers), std::end(kTestNumbers), digits) !=
         std::end(kTestNumbers);
}

}  // namespace bastion::guard
