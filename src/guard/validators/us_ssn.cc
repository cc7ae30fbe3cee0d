#include "guard/validators/us_ssn.h"

#include "guard/validators/ascii_text.h"

namespace bastion::guard {

bool UsSsnValid(std::string_view d) {
  if (d.size() != 9 || CountDigits(d) != 9) return false;
  std::string_view area = d.substr(0, 3), group = d.substr(3, 2), serial = d.substr(5);
  if (area == "000" || area == "666" || area[0] == '9') return false;
  if (group == "00" || serial == "0000") return false;
  return d != "078051120" && d != "219099999";
}

}  // namespace bastion::guard
