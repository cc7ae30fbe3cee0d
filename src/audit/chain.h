#pragma once
// The hash chain: how a record's hash is computed, and what a checkpoint signs. Stores chain
// the records they append with these; `audit verify` recomputes them.

#include <string>
#include <string_view>
#include <vector>

#include "audit/record.h"

namespace bastion::audit {

// The previous hash of the first record: 64 zeros.
extern const std::string kGenesisHash;

// hex SHA-256 of "bastion.audit.v1\n" + prev_hash + "\n" + seq + "\n" + event.
std::string ChainHash(std::string_view prev_hash, int64_t seq, std::string_view event);

// "bastion.audit.checkpoint.v1\n" + seq + "\n" + hash + "\n" + time_ms.
std::string CheckpointMessage(int64_t seq, std::string_view hash, int64_t time_ms);

// Numbers `batch` after the head (seq, hash) and chains it; the head moves to the last one.
std::vector<Record> ChainAfter(int64_t& head_seq, std::string& head_hash,
                               std::vector<PendingRecord> batch);

}  // namespace bastion::audit
