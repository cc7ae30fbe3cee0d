#pragma once
// The audit trail as stored: records chained by hash, and signed checkpoints over the chain.
// Every store (SQLite, PostgreSQL) holds exactly these fields; `bastion audit verify`
// recomputes the chain from them alone.

#include <cstdint>
#include <string>

namespace bastion::audit {

// An event on its way to a store, before it has a place in the chain.
struct PendingRecord {
  int64_t time_ms = 0;     // Unix milliseconds
  std::string kind;        // "request", "purge"
  std::string request_id;  // "" for events that are not about one request
  std::string event;       // the event's canonical JSON (event.h); never prompt text
  // Sealed or redacted content ("" when the policy is none). The event names its SHA-256 in
  // "content_sha256", so erasing content on retention leaves the chain whole.
  std::string content;
};

struct Record {
  int64_t seq = 0;  // 1, 2, 3... across every writer of the trail
  int64_t time_ms = 0;
  std::string kind;
  std::string request_id;
  std::string event;
  std::string content;    // "" when there was none, or it was erased
  std::string prev_hash;  // hex SHA-256 of the record before (kGenesisHash for seq 1)
  std::string hash;       // ChainHash(prev_hash, seq, event)
};

// A signature by a server's Ed25519 key over (seq, hash, time): the chain up to `seq` existed
// in this form at `time_ms`.
struct Checkpoint {
  int64_t seq = 0;
  std::string hash;  // the record's hash at `seq`
  int64_t time_ms = 0;
  std::string signer;     // hex Ed25519 public key
  std::string signature;  // hex Ed25519 signature of CheckpointMessage(seq, hash, time_ms)
};

}  // namespace bastion::audit
