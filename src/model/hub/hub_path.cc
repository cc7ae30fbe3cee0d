#include "model/hub/hub_path.h"

#include <string>

namespace bastion::model {
namespace {

constexpr size_t kMaxComponentBytes = 255;

Status Refuse(std::string_view path, std::string_view why) {
  std::string shown(path.substr(0, 200));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return Status::InvalidArgument("refusing hub path '" + shown + "': " + std::string(why));
}

}  // namespace

Status CheckHubPath(std::string_view path) {
  if (path.empty()) return Refuse(path, "empty");
  if (path.size() > kMaxHubPathBytes) return Refuse(path, "too long");
  if (path.front() == '/') return Refuse(path, "absolute");
  for (char c : path) {
    if (c == '\\') return Refuse(path, "backslash");
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return Refuse(path, "control character");
  }
  size_t start = 0;
  bool first = true;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view component = path.substr(start, end - start);
    if (component.empty()) return Refuse(path, "empty component");
    if (component == "." || component == "..") return Refuse(path, "'.' or '..' component");
    if (component.size() > kMaxComponentBytes) return Refuse(path, "component too long");
    if (first && (component == ".bastion" || component == ".git")) {
      return Refuse(path, "reserved folder");
    }
    first = false;
    start = end + 1;
  }
  return Status::Ok();
}

}  // namespace bastion::model
