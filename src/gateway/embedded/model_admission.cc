#include "gateway/embedded/model_admission.h"

#include "model/intake/intake_record.h"
#include "model/intake/license_policy.h"

namespace bastion::gateway {

Status AdmitModel(const ModelConfig& model, const Config& config) {
  // allow_unverified skips the record; serve says so loudly once logging is up.
  if (!model.allow_unverified) {
    Status st = model::CheckIntake(model.path, static_cast<size_t>(config.engine.threads),
                                   config.engine.fast_intake_check);
    if (!st.ok()) {
      std::string hint;
      if (st.code() == StatusCode::kNotFound) {
        hint = " (run `bastion intake " + model.path +
               "` to scan and record it, or start with --allow-unverified-model)";
      }
      return Status::FailedPrecondition(model.path + ": not loaded: " + st.message() + hint);
    }
  }
  if (Status st = model::CheckLicensePolicy(model.path, config.licenses.allow); !st.ok()) {
    return Status::FailedPrecondition(model.path + ": not loaded: " + st.message());
  }
  return Status::Ok();
}

}  // namespace bastion::gateway
