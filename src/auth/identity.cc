#include "auth/identity.h"

#include <algorithm>

namespace bastion::auth {

bool Identity::MayUseModel(std::string_view model) const {
  return models.empty() || std::find(models.begin(), models.end(), model) != models.end();
}

}  // namespace bastion::auth
