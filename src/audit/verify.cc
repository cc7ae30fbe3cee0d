#include "audit/verify.h"

#include <simdjson.h>

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

#include "audit/chain.h"
#include "audit/purge_event.h"
#include "common/json_writer.h"
#include "model/intake/file_digest.h"

namespace bastion::audit {
namespace {

// How far from its place a moved record is still recognised as moved (not altered).
constexpr int64_t kReorderWindow = 64;

// The seq a record was chained at: its own, one nearby (it was moved), or none (altered).
std::optional<int64_t> ChainedSeq(const Record& r) {
  if (ChainHash(r.prev_hash, r.seq, r.event) == r.hash) return r.seq;
  for (int64_t d = 1; d <= kReorderWindow; ++d) {
    for (int64_t t : {r.seq - d, r.seq + d}) {
      if (t > 0 && ChainHash(r.prev_hash, t, r.event) == r.hash) return t;
    }
  }
  return std::nullopt;
}

// Only for naming what went wrong once a link is already known broken; a collision of this
// 64-bit key can mislabel a problem but never hide one.
uint64_t HashKey(std::string_view hex) { return std::hash<std::string_view>{}(hex); }

// What the first pass learns about the whole trail.
struct TrailIndex {
  std::unordered_map<uint64_t, int64_t> seq_of_hash;  // where each stored hash sits
  std::vector<PurgeAnchor> anchors;
};

class Verifier {
 public:
  Verifier(const std::vector<std::string>& trusted, TrailIndex index,
           std::map<int64_t, Checkpoint> checkpoints)
      : trusted_(trusted), index_(std::move(index)), checkpoints_(std::move(checkpoints)) {}

  void Row(const Record& r);
  VerifyReport Finish();

 private:
  struct Seen {
    int64_t seq = 0;
    std::optional<int64_t> chained;  // the seq it was chained at; none when altered
    std::string hash;
  };

  void Start(const Record& r, std::optional<int64_t> chained);
  void Link(const Record& r, int64_t chained);
  void Classify(const Record& r, int64_t chained, int64_t expected_seq);
  void Reordered(int64_t seq, int64_t chained);
  void Content(const Record& r);
  void CheckCheckpoint(const Checkpoint& c, const std::string* hash);
  void Add(std::string kind, int64_t seq, std::string detail);

  const std::vector<std::string>& trusted_;
  TrailIndex index_;
  std::map<int64_t, Checkpoint> checkpoints_;
  VerifyReport report_;
  simdjson::dom::parser parser_;
  Seen prev_, prev2_;  // the last two rows, in stored order
  // Recent rows by the seq they were chained at: (stored seq, hash).
  std::map<int64_t, std::pair<int64_t, std::string>> chained_;
  int64_t max_chained_ = 0;
  int64_t reorder_from_ = 0, reorder_to_ = 0;  // the run of moved rows last reported
};

void Verifier::Add(std::string kind, int64_t seq, std::string detail) {
  for (const Problem& p : report_.problems) {
    if (p.kind == kind && p.seq == seq) return;
  }
  report_.problems.push_back({std::move(kind), seq, std::move(detail)});
}

void Verifier::Row(const Record& r) {
  if (report_.events++ == 0) report_.first_seq = r.seq;
  report_.last_seq = r.seq;
  std::optional<int64_t> chained = ChainedSeq(r);
  if (report_.events == 1) {
    Start(r, chained);
  } else if (!chained) {
    Add("altered", r.seq, "event " + std::to_string(r.seq) + " does not match its hash");
  } else {
    Link(r, *chained);
  }
  Content(r);
  if (auto c = checkpoints_.find(r.seq); c != checkpoints_.end()) {
    CheckCheckpoint(c->second, &r.hash);
    checkpoints_.erase(c);
  }
  if (chained) {
    chained_[*chained] = {r.seq, r.hash};
    max_chained_ = std::max(max_chained_, *chained);
    while (chained_.begin()->first < max_chained_ - 4 * kReorderWindow) {
      chained_.erase(chained_.begin());
    }
  } else {
    ++max_chained_;
  }
  prev2_ = std::move(prev_);
  prev_ = {r.seq, chained, r.hash};
}

void Verifier::Start(const Record& r, std::optional<int64_t> chained) {
  int64_t n = chained.value_or(r.seq);
  max_chained_ = n - 1;
  if (!chained) {
    Add("altered", r.seq, "event " + std::to_string(r.seq) + " does not match its hash");
  }
  if (n == 1 && r.prev_hash == kGenesisHash) return;
  for (const PurgeAnchor& a : index_.anchors) {
    if (a.through_seq == n - 1 && a.through_hash == r.prev_hash) return;
  }
  Add("deleted", n - 1,
      "events before " + std::to_string(n) + " are missing, and no purge event accounts for them");
}

void Verifier::Link(const Record& r, int64_t chained) {
  // Two rows chained at one seq: the earlier does not belong (later rows were renumbered).
  if (auto twin = chained_.find(chained); twin != chained_.end() && twin->second.second != r.hash) {
    int64_t seq = twin->second.first;
    Add("inserted", seq,
        "event " + std::to_string(seq) + " is not part of the chain: event " +
            std::to_string(r.seq) + " was chained in its place");
    return;
  }
  // The row before did not verify and this one chains past it: it was put in, not changed.
  if (!prev_.chained && r.prev_hash == prev2_.hash) {
    std::erase_if(report_.problems,
                  [&](const Problem& p) { return p.kind == "altered" && p.seq == prev_.seq; });
    Add("inserted", prev_.seq,
        "event " + std::to_string(prev_.seq) + " is not part of the chain: event " +
            std::to_string(r.seq) + " chains past it");
    return;
  }
  auto before = chained_.find(chained - 1);
  const std::string& expected = before != chained_.end() ? before->second.second : prev_.hash;
  if (r.prev_hash == expected) return;
  Classify(r, chained, before != chained_.end() ? before->second.first : prev_.seq);
}

void Verifier::Classify(const Record& r, int64_t chained, int64_t expected_seq) {
  auto other = index_.seq_of_hash.find(HashKey(r.prev_hash));
  if (other != index_.seq_of_hash.end() && other->second != r.seq) {
    Reordered(r.seq, chained);
  } else if (chained > max_chained_ + 1) {
    int64_t first = max_chained_ + 1, last = chained - 1;
    Add("deleted", first,
        first == last
            ? "event " + std::to_string(first) + " is missing"
            : "events " + std::to_string(first) + " to " + std::to_string(last) + " are missing");
  } else {
    Add("altered", expected_seq,
        "event " + std::to_string(expected_seq) + " was changed and re-hashed: event " +
            std::to_string(r.seq) + " names a different hash before it");
  }
}

void Verifier::Reordered(int64_t seq, int64_t chained) {
  if (reorder_to_ > 0 && seq == reorder_to_ + 1 && !report_.problems.empty() &&
      report_.problems.back().kind == "reordered") {
    reorder_to_ = seq;
    report_.problems.back().detail = "events " + std::to_string(reorder_from_) + " to " +
                                     std::to_string(seq) + " are out of order";
    return;
  }
  reorder_from_ = reorder_to_ = seq;
  Add("reordered", seq,
      "event " + std::to_string(seq) + " is out of order (it was written as event " +
          std::to_string(chained) + ")");
}

void Verifier::Content(const Record& r) {
  if (r.content.empty()) return;
  simdjson::dom::element doc;
  std::string_view digest;
  if (parser_.parse(r.event).get(doc) || doc["content_sha256"].get(digest) ||
      digest != model::Sha256HexOfText(r.content)) {
    Add("content_altered", r.seq,
        "the content of event " + std::to_string(r.seq) + " does not match its content_sha256");
  }
}

void Verifier::CheckCheckpoint(const Checkpoint& c, const std::string* hash) {
  ++report_.checkpoints;
  std::string at = "the checkpoint at event " + std::to_string(c.seq);
  if (!CheckpointSignatureValid(c)) {
    Add("bad_checkpoint", c.seq, at + " has an invalid signature");
    return;
  }
  if (!trusted_.empty() &&
      std::find(trusted_.begin(), trusted_.end(), c.signer) == trusted_.end()) {
    Add("untrusted_signer", c.seq, at + " is signed by " + c.signer + ", not a trusted key");
    return;
  }
  bool moved = index_.seq_of_hash.contains(HashKey(c.hash));
  if (!hash) {
    if (moved) return;  // renumbered, which the chain's links already reported
    Add("truncated", report_.last_seq + 1,
        "events after " + std::to_string(report_.last_seq) + " are missing: " + at +
            " signs an event the trail no longer has");
    return;
  }
  if (*hash != c.hash) {
    if (!moved) {
      Add("altered", c.seq,
          "event " + std::to_string(c.seq) + " is not the event " + at + " signs");
    }
    return;
  }
  report_.last_signed_seq = std::max(report_.last_signed_seq, c.seq);
  if (std::find(report_.signers.begin(), report_.signers.end(), c.signer) ==
      report_.signers.end()) {
    report_.signers.push_back(c.signer);
  }
}

VerifyReport Verifier::Finish() {
  // What is left: checkpoints over purged events (ignored), over events deleted from the
  // middle (already reported) and beyond the end (the trail was cut short).
  for (const auto& [seq, c] : checkpoints_) {
    if (seq > report_.last_seq) CheckCheckpoint(c, nullptr);
  }
  if (report_.events > 0) {
    report_.unsigned_tail =
        report_.last_seq - std::max(report_.last_signed_seq, report_.first_seq - 1);
  }
  return std::move(report_);
}

}  // namespace

Result<VerifyReport> Verify(Store& store, const std::vector<std::string>& trusted_keys) {
  TrailIndex index;
  Status indexed = store.Scan({}, [&](const Record& r) {
    index.seq_of_hash[HashKey(r.hash)] = r.seq;
    if (r.kind == "purge") {
      if (auto anchor = ParsePurgeAnchor(r.event)) index.anchors.push_back(std::move(*anchor));
    }
    return true;
  });
  if (!indexed.ok()) return indexed;
  std::map<int64_t, Checkpoint> checkpoints;
  Status listed = store.ScanCheckpoints([&](const Checkpoint& c) {
    checkpoints.emplace(c.seq, c);
    return true;
  });
  if (!listed.ok()) return listed;
  Verifier verifier(trusted_keys, std::move(index), std::move(checkpoints));
  Status scanned = store.Scan({}, [&](const Record& r) {
    verifier.Row(r);
    return true;
  });
  if (!scanned.ok()) return scanned;
  return verifier.Finish();
}

std::string VerifyReportJson(const VerifyReport& report) {
  JsonWriter w;
  w.BeginObject().Key("ok").Bool(report.ok()).Key("events").Int(report.events);
  w.Key("first_seq").Int(report.first_seq).Key("last_seq").Int(report.last_seq);
  w.Key("checkpoints").Int(report.checkpoints);
  w.Key("last_signed_seq").Int(report.last_signed_seq);
  w.Key("unsigned_tail").Int(report.unsigned_tail);
  w.Key("signers").BeginArray();
  for (const std::string& key : report.signers) w.String(key);
  w.EndArray().Key("problems").BeginArray();
  for (const Problem& p : report.problems) {
    w.BeginObject().Key("kind").String(p.kind).Key("seq").Int(p.seq);
    w.Key("detail").String(p.detail).EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

}  // namespace bastion::audit
