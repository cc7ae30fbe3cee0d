#include "guard/verdict_json.h"

#include <cmath>

namespace bastion::guard {

void WriteVerdictMembers(JsonWriter& w, const Verdict& verdict) {
  w.Key("verdict").String(ActionName(verdict.action));
  w.Key("findings").BeginArray();
  for (const Finding& f : verdict.findings) {
    w.BeginObject();
    w.Key("category").String(CategoryName(f.category));
    w.Key("rule").String(f.rule);
    w.Key("start").Int(static_cast<int64_t>(f.span.start));
    w.Key("end").Int(static_cast<int64_t>(f.span.end));
    w.Key("score").Double(std::round(f.score * 1000) / 1000);
    w.Key("action").String(ActionName(f.action));
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace bastion::guard
