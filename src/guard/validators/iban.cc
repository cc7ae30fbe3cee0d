#include "guard/validators/iban.h"

#include "guard/validators/ascii_text.h"

namespace bastion::guard {
namespace {

struct CountryLength {
  std::string_view country;
  size_t length;
};

// From the SWIFT IBAN registry.
constexpr CountryLength kLengths[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BR", 29}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DK", 18},
    {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
    {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22},
    {"IL", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LI", 21},
    {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MR", 27},
    {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25},
    {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27},
    {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
};

}  // namespace

size_t IbanLength(std::string_view country) {
  for (const CountryLength& c : kLengths) {
    if (c.country == country) return c.length;
  }
  return 0;
}

bool IbanValid(std::string_view compact) {
  if (compact.size() < 15 || compact.size() > 34) return false;
  if (IbanLength(compact.substr(0, 2)) != compact.size()) return false;
  if (!IsDigit(compact[2]) || !IsDigit(compact[3])) return false;
  // Move the first four characters to the end, read letters as 10..35, take mod 97 digit by
  // digit so no big integer is needed.
  unsigned remainder = 0;
  for (size_t k = 0; k < compact.size(); ++k) {
    char c = compact[(k + 4) % compact.size()];
    if (IsDigit(c)) {
      remainder = (remainder * 10 + unsigned(c - '0')) % 97;
    } else if (IsUpper(c)) {
      remainder = (remainder * 100 + unsigned(c - 'A' + 10)) % 97;
    } else {
      return false;
    }
  }
  return remainder == 1;
}

}  // namespace bastion::guard
