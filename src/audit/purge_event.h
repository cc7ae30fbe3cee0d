#pragma once
// The "purge" event a retention purge appends: what it removed, and the hash the first kept
// record chains from, so `audit verify` can tell a purge from a deletion.

#include <optional>
#include <string>
#include <string_view>

#include "audit/record.h"
#include "audit/store.h"

namespace bastion::audit {

// {"v":1,"kind":"purge","time":"...","events_deleted":N,"contents_erased":N,
//  "purged_through_seq":N,"purged_through_hash":"...","metadata_before":"...",
//  "content_before":"..."}
PendingRecord PurgeRecord(const PurgePlan& plan, const PurgeReport& report);

struct PurgeAnchor {
  int64_t through_seq = 0;
  std::string through_hash;
};
// The anchor a purge event names; nullopt when `event` is not a purge event with one.
std::optional<PurgeAnchor> ParsePurgeAnchor(std::string_view event);

}  // namespace bastion::audit
