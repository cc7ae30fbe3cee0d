#include "audit/chain.h"

#include <string>

#include "model/intake/file_digest.h"

namespace bastion::audit {

const std::string kGenesisHash(64, '0');

std::string ChainHash(std::string_view prev_hash, int64_t seq, std::string_view event) {
  std::string input;
  input.reserve(96 + event.size());
  input.append("bastion.audit.v1\n").append(prev_hash).push_back('\n');
  input.append(std::to_string(seq)).push_back('\n');
  input.append(event);
  return model::Sha256HexOfText(input);
}

std::string CheckpointMessage(int64_t seq, std::string_view hash, int64_t time_ms) {
  std::string m = "bastion.audit.checkpoint.v1\n";
  m.append(std::to_string(seq)).push_back('\n');
  m.append(hash).push_back('\n');
  m.append(std::to_string(time_ms));
  return m;
}

std::vector<Record> ChainAfter(int64_t& head_seq, std::string& head_hash,
                               std::vector<PendingRecord> batch) {
  std::vector<Record> out;
  out.reserve(batch.size());
  for (PendingRecord& p : batch) {
    Record r;
    r.seq = ++head_seq;
    r.time_ms = p.time_ms;
    r.kind = std::move(p.kind);
    r.request_id = std::move(p.request_id);
    r.event = std::move(p.event);
    r.content = std::move(p.content);
    r.prev_hash = head_hash;
    r.hash = ChainHash(r.prev_hash, r.seq, r.event);
    head_hash = r.hash;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace bastion::audit
