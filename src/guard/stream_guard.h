#pragma once
// Guards generated text as it streams. Text is released as soon as no open match could still
// grow into a finding, so a secret split across any number of chunks never reaches the client:
//
// - every piece goes through the raw-text rules (PII, secrets) in Vectorscan's streaming mode,
//   which finds matches across piece boundaries;
// - a tail is held back: the last `hold_back` bytes (patterns that span spaces, e.g. a card
//   number in groups, stay shorter than that), the trailing run of non-space characters
//   (tokens, keys and addresses can grow as long as no space arrives), any match that is
//   still open, and an unterminated "-----BEGIN" block;
// - a match is decided when it is about to be released: confirmed, then the policy blocks
//   (nothing more is released), redacts (a placeholder goes out instead) or flags it.
//
// One per generated text (a choice's content, or its reasoning); not thread-safe.

#include <hs/hs.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "guard/guardrails.h"
#include "guard/match_merge.h"
#include "guard/redaction.h"

namespace bastion::guard {

struct StreamOptions {
  size_t hold_back = 64;
  size_t max_hold = 64 * 1024;  // beyond this, held text is released (after being scanned)
};

class StreamGuard {
 public:
  // `restore`, when given, holds the request's placeholders: they are put back in the output.
  // REQUIRES: guardrails and restore outlive this.
  StreamGuard(const Guardrails& guardrails, PolicyScope scope, const Redaction* restore,
              StreamOptions options = {});
  ~StreamGuard();
  StreamGuard(const StreamGuard&) = delete;
  StreamGuard& operator=(const StreamGuard&) = delete;

  // Takes the next piece of generated text; returns what may be sent now (often empty).
  std::string Push(std::string_view piece);
  // The text has ended: decides what is still held and returns the rest.
  std::string Finish();

  bool blocked() const { return blocked_; }
  // Findings so far, spans in the generated text's offsets (before redaction).
  const std::vector<Finding>& findings() const { return findings_; }

 private:
  static int OnMatch(unsigned id, unsigned long long from, unsigned long long to, unsigned,
                     void* self);
  size_t HoldFrom() const;
  void TrackBlocks(size_t appended);
  size_t KeepPlaceholderWhole(size_t boundary) const;
  std::string Release(size_t boundary);
  bool Decide(const RawMatch& m, std::vector<Finding>& redacted);

  const Guardrails& guardrails_;
  PolicyScope scope_;
  const Redaction* restore_;
  StreamOptions options_;
  const PatternSet* set_;
  hs_stream_t* stream_ = nullptr;

  std::string buffer_;             // generated text from offset base_ on
  size_t base_ = 0;                // offset of buffer_[0] in the whole text
  size_t released_ = 0;            // offset of the first byte not yet released
  std::vector<RawMatch> pending_;  // undecided matches, whole-text offsets
  size_t open_block_ = SIZE_MAX;   // offset of an unterminated "-----BEGIN", if any
  std::vector<Finding> findings_;
  Redaction redaction_;  // placeholders for values the model itself produced
  bool blocked_ = false;
  bool finished_ = false;
};

}  // namespace bastion::guard
