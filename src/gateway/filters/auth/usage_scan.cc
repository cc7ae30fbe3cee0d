#include "gateway/filters/auth/usage_scan.h"

#include <algorithm>
#include <charconv>

namespace bastion::gateway {
namespace {

int64_t NumberAfter(std::string_view json, std::string_view member) {
  size_t at = json.find(member);
  if (at == std::string_view::npos) return -1;
  size_t i = at + member.size();
  while (i < json.size() && (json[i] == ' ' || json[i] == ':')) ++i;
  int64_t value = -1;
  auto [ptr, ec] = std::from_chars(json.data() + i, json.data() + json.size(), value);
  if (ec == std::errc::result_out_of_range) return kMaxReportedTokens;
  return ec == std::errc() && value >= 0 ? std::min(value, kMaxReportedTokens) : -1;
}

}  // namespace

ScannedUsage ScanUsage(std::string_view json) {
  size_t usage = json.find("\"usage\"");
  if (usage == std::string_view::npos) return {};
  std::string_view rest = json.substr(usage);
  return {NumberAfter(rest, "\"prompt_tokens\""), NumberAfter(rest, "\"completion_tokens\"")};
}

}  // namespace bastion::gateway
