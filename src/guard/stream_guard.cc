#include "guard/stream_guard.h"

#include <algorithm>

namespace bastion::guard {
namespace {

// Bytes kept before the release point, so confirm functions see context words.
constexpr size_t kContext = 256;

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

}  // namespace

StreamGuard::StreamGuard(const Guardrails& guardrails, PolicyScope scope, const Redaction* restore,
                         StreamOptions options)
    : guardrails_(guardrails),
      scope_(scope),
      restore_(restore),
      options_(options),
      set_(guardrails.detector().raw_stream_set()) {
  if (restore_) redaction_.NumberAfter(*restore_);
  if (set_ && hs_open_stream(set_->database(), 0, &stream_) != HS_SUCCESS) stream_ = nullptr;
}

StreamGuard::~StreamGuard() {
  if (stream_) hs_close_stream(stream_, set_->ScratchFor(), nullptr, nullptr);
}

int StreamGuard::OnMatch(unsigned id, unsigned long long from, unsigned long long to, unsigned,
                         void* self) {
  static_cast<StreamGuard*>(self)->pending_.push_back(
      RawMatch{id, Span{static_cast<size_t>(from), static_cast<size_t>(to)}});
  return 0;
}

std::string StreamGuard::Push(std::string_view piece) {
  if (blocked_ || finished_ || piece.empty()) return {};
  if (stream_) {
    hs_scan_stream(stream_, piece.data(), static_cast<unsigned>(piece.size()), 0,
                   set_->ScratchFor(), OnMatch, this);
  }
  buffer_.append(piece);
  TrackBlocks(piece.size());
  return Release(HoldFrom());
}

std::string StreamGuard::Finish() {
  if (blocked_ || finished_) return {};
  if (stream_) {
    hs_close_stream(stream_, set_->ScratchFor(), OnMatch, this);
    stream_ = nullptr;
  }
  finished_ = true;
  return Release(base_ + buffer_.size());
}

// Where the held tail starts (whole-text offset).
size_t StreamGuard::HoldFrom() const {
  size_t end = base_ + buffer_.size();
  size_t from = end > options_.hold_back ? end - options_.hold_back : 0;
  size_t run = buffer_.size();
  while (run > 0 && !IsSpace(buffer_[run - 1])) --run;
  from = std::min(from, base_ + run);
  from = std::min(from, open_block_);
  if (end - from > options_.max_hold) from = end - options_.max_hold;
  return std::max(from, released_);
}

// Looks for "-----BEGIN" and "-----END" in what was just appended (and the few bytes before,
// where a marker may have been cut), so an open block is held whole.
void StreamGuard::TrackBlocks(size_t appended) {
  size_t from = buffer_.size() - appended;
  from = from > 10 ? from - 10 : 0;
  if (buffer_.find('-', from) == std::string::npos) return;
  std::string_view fresh = std::string_view(buffer_).substr(from);
  if (open_block_ == SIZE_MAX) {
    size_t begin = fresh.find("-----BEGIN");
    if (begin != std::string_view::npos) open_block_ = base_ + from + begin;
  }
  if (open_block_ != SIZE_MAX && open_block_ >= base_) {
    size_t search = std::max(open_block_ - base_ + 10, from);
    if (buffer_.find("-----END", search) != std::string::npos) open_block_ = SIZE_MAX;
  }
}

// Moves `boundary` back so a placeholder to restore is never cut in two.
size_t StreamGuard::KeepPlaceholderWhole(size_t boundary) const {
  if (restore_ == nullptr || restore_->empty()) return boundary;
  size_t look = std::min(boundary - released_, restore_->longest_placeholder());
  std::string_view tail(buffer_.data() + (boundary - base_ - look), look);
  size_t open = tail.rfind('[');
  if (open == std::string_view::npos || tail.find(']', open) != std::string_view::npos) {
    return boundary;
  }
  return boundary - look + open;
}

bool StreamGuard::Decide(const RawMatch& m, std::vector<Finding>& redacted) {
  const Rule& rule = set_->rule(m.rule);
  Span local{std::max(m.span.start, base_) - base_, m.span.end - base_};
  std::optional<Span> span = local;
  if (rule.confirm) span = rule.confirm(buffer_, local);
  if (!span || span->start >= span->end || span->end > buffer_.size()) return true;
  Finding f{rule.category, rule.id, Span{span->start + base_, span->end + base_}, rule.score,
            rule.placeholder};
  f.action = guardrails_.policy().ActionFor(f, scope_);
  findings_.push_back(f);
  if (f.action == Action::kBlock) return false;
  if (f.action == Action::kRedact && f.span.start >= released_) redacted.push_back(f);
  return true;
}

std::string StreamGuard::Release(size_t boundary) {
  MergeMatches(pending_);
  // An open match holds the boundary back to its start; moving it may open another.
  for (bool moved = true; moved && !finished_;) {
    moved = false;
    for (const RawMatch& m : pending_) {
      if (m.span.start < boundary && m.span.end > boundary) {
        boundary = std::max(m.span.start, released_);
        moved = true;
      }
    }
  }
  boundary = KeepPlaceholderWhole(std::max(boundary, released_));
  std::vector<Finding> redacted;
  size_t kept = 0;
  for (const RawMatch& m : pending_) {
    if (m.span.end > boundary) {
      pending_[kept++] = m;
    } else if (!Decide(m, redacted)) {
      blocked_ = true;
      buffer_.clear();
      pending_.clear();
      return {};
    }
  }
  pending_.resize(kept);
  // Redact within the released part, in its own offsets.
  for (Finding& f : redacted) f.span = Span{f.span.start - released_, f.span.end - released_};
  std::string_view region(buffer_.data() + (released_ - base_), boundary - released_);
  std::string out = redacted.empty() ? std::string(region) : redaction_.Apply(region, redacted);
  if (restore_ && !restore_->empty()) out = restore_->Restore(out);
  released_ = boundary;
  if (released_ - base_ > 2 * kContext) {
    size_t drop = released_ - base_ - kContext;
    buffer_.erase(0, drop);
    base_ += drop;
  }
  return out;
}

}  // namespace bastion::guard
