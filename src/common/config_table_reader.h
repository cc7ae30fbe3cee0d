#pragma once
// Internal to config: reads one TOML table into a config struct, rejecting unknown keys.
// Shared by the readers of each config section (config.cc, auth_config.cc).

#include <toml++/toml.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/duration.h"
#include "common/status.h"

namespace bastion {

// Reads one TOML table into a config struct, rejecting keys it does not know.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string prefix, std::string_view origin)
      : table_(table), prefix_(std::move(prefix)), origin_(origin) {}

  void String(const char* key, std::string& out) {
    if (auto* node = Get(key)) {
      if (auto v = node->value<std::string>())
        out = *v;
      else
        Fail(key, "a string");
    }
  }
  void Bool(const char* key, bool& out) {
    if (auto* node = Get(key)) {
      if (auto v = node->value<bool>())
        out = *v;
      else
        Fail(key, "true or false");
    }
  }
  template <typename Int>
  void Integer(const char* key, Int& out, int64_t min, int64_t max) {
    if (auto* node = Get(key)) {
      auto v = node->value<int64_t>();
      if (!v || *v < min || *v > max) {
        Fail(key, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
      } else {
        out = static_cast<Int>(*v);
      }
    }
  }
  void Number(const char* key, double& out, double min, double max) {
    if (auto* node = Get(key)) {
      auto v = node->value<double>();
      if (!v || *v < min || *v > max) {
        Fail(key, "a number from " + std::to_string(min) + " to " + std::to_string(max));
      } else {
        out = *v;
      }
    }
  }
  void Duration(const char* key, Millis& out) {
    if (auto* node = Get(key)) {
      auto v = node->value<std::string>();
      if (!v) return Fail(key, "a duration string like \"10s\"");
      auto d = ParseDuration(*v);
      if (!d.ok()) return Fail(key, "a duration like \"250ms\", \"10s\" or \"5m\"");
      out = *d;
    }
  }
  void Strings(const char* key, std::vector<std::string>& out) {
    auto* node = Get(key);
    if (node == nullptr) return;
    const toml::array* items = node->as_array();
    if (items == nullptr) return Fail(key, "a list of strings");
    out.clear();
    for (const toml::node& item : *items) {
      const auto* text = item.as_string();
      if (text == nullptr) return Fail(key, "a list of strings");
      out.push_back(text->get());
    }
  }
  const toml::table* Table(const char* key) {
    auto* node = Get(key);
    if (node && !node->is_table()) Fail(key, "a table");
    return node ? node->as_table() : nullptr;
  }
  const toml::array* Array(const char* key) {
    auto* node = Get(key);
    if (node && !node->is_array()) Fail(key, "an array");
    return node ? node->as_array() : nullptr;
  }

  // Reports the first key that was never asked for, or the first type error.
  Status Finish() {
    if (!error_.empty()) return Status::InvalidArgument(error_);
    for (const auto& [key, node] : table_) {
      if (!seen_.count(std::string(key.str()))) {
        return Status::InvalidArgument(Where(key.str()) +
                                       ": unknown key (see docs/configuration.md)");
      }
    }
    return Status::Ok();
  }

  std::string Where(std::string_view key) const {
    return std::string(origin_) + ": " + prefix_ + std::string(key);
  }

 private:
  const toml::node* Get(const char* key) {
    seen_.insert(key);
    return table_.get(key);
  }
  void Fail(const char* key, const std::string& expected) {
    if (error_.empty()) error_ = Where(key) + " must be " + expected;
  }

  const toml::table& table_;
  std::string prefix_;
  std::string_view origin_;
  std::set<std::string> seen_;
  std::string error_;
};

struct AuthConfig;
// Reads the [auth] table (auth_config.cc).
Status ReadAuthConfig(const toml::table& table, std::string_view origin, AuthConfig& auth);
struct GuardConfig;
// Reads the [guard] table (guard_config.cc).
Status ReadGuardConfig(const toml::table& table, std::string_view origin, GuardConfig& guard);
// [audit] (audit_config.cc).
Status ReadAuditConfig(const toml::table& table, std::string_view origin, AuditConfig& audit);
Status ValidateAuditConfig(const Config& config);
struct PostureConfig;
// [posture] (posture_config.cc).
Status ReadPostureConfig(const toml::table& table, std::string_view origin, PostureConfig& posture);

}  // namespace bastion
