#pragma once
// Checks a trail: every record's hash, every link, every checkpoint's signature, and each
// content's digest. Finds deleted, altered, inserted and reordered events and says which.

#include <cstdint>
#include <string>
#include <vector>

#include "audit/store.h"

namespace bastion::audit {

struct Problem {
  // "deleted", "altered", "inserted", "reordered", "bad_checkpoint", "untrusted_signer",
  // "content_altered", "truncated"
  std::string kind;
  int64_t seq = 0;     // the record (or checkpoint) concerned
  std::string detail;  // one sentence, e.g. "events 41 to 43 are missing"
};

struct VerifyReport {
  int64_t events = 0;
  int64_t first_seq = 0, last_seq = 0;
  int64_t checkpoints = 0;
  int64_t last_signed_seq = 0;       // the newest checkpoint that verified
  int64_t unsigned_tail = 0;         // records after it (chained, not yet signed)
  std::vector<std::string> signers;  // public keys whose checkpoints verified
  std::vector<Problem> problems;
  bool ok() const { return problems.empty(); }
};

// `trusted_keys` (hex Ed25519 public keys): checkpoints by other keys are "untrusted_signer"
// problems. Empty: any key whose signature verifies is accepted (and listed in `signers`).
Result<VerifyReport> Verify(Store& store, const std::vector<std::string>& trusted_keys);

// {"ok":..,"events":..,"first_seq":..,"last_seq":..,"checkpoints":..,"last_signed_seq":..,
//  "unsigned_tail":..,"signers":[..],"problems":[{"kind","seq","detail"}]}
std::string VerifyReportJson(const VerifyReport& report);

}  // namespace bastion::audit
