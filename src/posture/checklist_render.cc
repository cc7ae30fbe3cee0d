#include "posture/checklist_render.h"

#include "common/json_writer.h"
#include "common/version.h"

namespace bastion::posture {
namespace {

std::string OneLine(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

std::string Summary(const Checklist& checklist) {
  return std::to_string(checklist.Count(CheckStatus::kPass)) + " pass, " +
         std::to_string(checklist.Count(CheckStatus::kWarn)) + " warn, " +
         std::to_string(checklist.Count(CheckStatus::kFail)) + " fail";
}

}  // namespace

std::string ChecklistText(const Checklist& checklist) {
  std::string out;
  for (const CheckItem& item : checklist.items()) {
    out += std::string(CheckStatusName(item.status)) + "  " + item.id + "  " + OneLine(item.detail);
    if (item.status != CheckStatus::kPass && !item.fix.empty()) {
      out += "  fix: " + OneLine(item.fix);
    }
    out += '\n';
  }
  out += Summary(checklist) + '\n';
  return out;
}

std::string ChecklistJson(const Checklist& checklist) {
  JsonWriter w;
  w.BeginObject().Key("items").BeginArray();
  for (const CheckItem& item : checklist.items()) {
    w.BeginObject().Key("id").String(item.id).Key("status").String(CheckStatusName(item.status));
    w.Key("detail").String(item.detail).Key("fix").String(item.fix).EndObject();
  }
  w.EndArray().Key("summary").BeginObject();
  w.Key("pass").Int(checklist.Count(CheckStatus::kPass));
  w.Key("warn").Int(checklist.Count(CheckStatus::kWarn));
  w.Key("fail").Int(checklist.Count(CheckStatus::kFail)).EndObject();
  w.Key("bastion").String(kVersion).EndObject();
  return w.Take();
}

}  // namespace bastion::posture
