#pragma once
// UK National Insurance numbers: two prefix letters, six digits, a suffix letter A-D
// (AB123456C), as HMRC allocates them.

#include <string_view>

namespace bastion::guard {

// `compact`: the nine characters without spaces, upper case.
bool IsUkNino(std::string_view compact);

}  // namespace bastion::guard
