#include "audit/purge_event.h"

#include <simdjson.h>

#include "audit/event.h"
#include "common/json_writer.h"

namespace bastion::audit {

PendingRecord PurgeRecord(const PurgePlan& plan, const PurgeReport& report) {
  JsonWriter w;
  w.BeginObject().Key("v").Int(1).Key("kind").String("purge");
  w.Key("time").String(FormatTime(plan.now_ms));
  w.Key("events_deleted").Int(report.events_deleted);
  w.Key("contents_erased").Int(report.contents_erased);
  w.Key("purged_through_seq").Int(report.purged_through_seq);
  w.Key("purged_through_hash").String(report.purged_through_hash);
  w.Key("metadata_before").String(FormatTime(plan.metadata_before_ms));
  w.Key("content_before").String(FormatTime(plan.content_before_ms));
  w.EndObject();
  PendingRecord r;
  r.time_ms = plan.now_ms;
  r.kind = "purge";
  r.event = w.Take();
  return r;
}

std::optional<PurgeAnchor> ParsePurgeAnchor(std::string_view event) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(event.data(), event.size(), true).get(doc)) return std::nullopt;
  std::string_view kind, hash;
  int64_t seq = 0;
  if (doc["kind"].get(kind) || kind != "purge") return std::nullopt;
  if (doc["purged_through_seq"].get(seq) || seq <= 0) return std::nullopt;
  if (doc["purged_through_hash"].get(hash)) return std::nullopt;
  return PurgeAnchor{seq, std::string(hash)};
}

}  // namespace bastion::audit
