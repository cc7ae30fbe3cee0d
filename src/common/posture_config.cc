// The [posture] section of the config: what `bastion doctor` holds the deployment to.

#include <toml++/toml.h>

#include <array>

#include "common/config.h"
#include "common/config_table_reader.h"

namespace bastion {
namespace {

constexpr std::array<std::string_view, 6> kDataClasses = {"public", "internal", "confidential",
                                                          "pii",    "phi",      "privileged"};

bool IsDataClass(std::string_view name) {
  for (std::string_view c : kDataClasses) {
    if (c == name) return true;
  }
  return false;
}

}  // namespace

Status ReadPostureConfig(const toml::table& t, std::string_view origin, PostureConfig& p) {
  TableReader r(t, "posture.", origin);
  r.String("redteam_report", p.redteam_report);
  r.Number("max_asr", p.max_asr, 0.0, 1.0);
  r.Duration("max_report_age", p.max_report_age);
  r.String("data_class", p.data_class);
  r.Bool("obligations_acknowledged", p.obligations_acknowledged);
  if (Status st = r.Finish(); !st.ok()) return st;
  if (!p.data_class.empty() && !IsDataClass(p.data_class)) {
    return Status::InvalidArgument(r.Where("data_class") +
                                   " must be \"public\", \"internal\", \"confidential\", \"pii\", "
                                   "\"phi\" or \"privileged\", not \"" +
                                   p.data_class + "\"");
  }
  if (p.max_report_age.count() <= 0) {
    return Status::InvalidArgument(r.Where("max_report_age") + " must be positive");
  }
  return Status::Ok();
}

}  // namespace bastion
