#pragma once
// What a model served from files must pass before the engine loads it: its intake record
// (the files still hash to what `bastion intake` or `bastion pull` recorded; skipped, loudly,
// for allow_unverified models) and the licence policy.

#include "common/config.h"
#include "common/status.h"

namespace bastion::gateway {

// REQUIRES: !model.path.empty(). The error names the model and says what to run.
Status AdmitModel(const ModelConfig& model, const Config& config);

}  // namespace bastion::gateway
