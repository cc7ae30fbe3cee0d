#pragma once
// The operator's licence policy applied to a model before it is served: which licences are
// acceptable ([licenses] allow in the config). Identification is bastion license's.

#include <span>
#include <string>

#include "common/status.h"

namespace bastion::model {

// OK when `allow` is empty, or when the model at `path` is identified and every licence of
// its release ("MIT AND Llama-3.1": both) is in `allow`. FailedPrecondition saying which
// licence is missing, or that the release could not be identified.
Status CheckLicensePolicy(const std::string& path, std::span<const std::string> allow);

}  // namespace bastion::model
