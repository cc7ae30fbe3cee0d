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
  size_t unreleased = released_ - base_;
  size_t begin = buffer_.rfind("-----BEGIN");
  if (begin != std::string::npos && begin + 10 >= unreleased &&
      buffer_.find("-----END", begin) == std::string::npos) {
    from = std::min(from, base_ + begin);
  }
  if (end - from > options_.max_hold) from = end - options_.max_hold;
  return std::max(from, released_);
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
  std::vector<RawMatch> undecided;
  for (const RawMatch& m : pending_) {
    if (m.span.end > boundary) {
      undecided.push_back(m);
    } else if (!Decide(m, redacted)) {
      blocked_ = true;
      buffer_.clear();
      pending_.clear();
      return {};
    }
  }
  pending_.swap(undecided);
  // Redact within the released part, in buffer-local offsets.
  for (Finding& f : redacted) f.span = Span{f.span.start - base_, f.span.end - base_};
  std::string_view region(buffer_.data() + (released_ - base_), boundary - released_);
  for (Finding& f : redacted)
    f.span = Span{f.span.start - (released_ - base_), f.span.end - (released_ - base_)};
  std::string out = redaction_.Apply(region, redacted);
  if (restore_) out = restore_->Restore(out);
  released_ = boundary;
  if (released_ - base_ > 2 * kContext) {
    size_t drop = released_ - base_ - kContext;
    buffer_.erase(0, drop);
    base_ += drop;
  }
  return out;
}

}  // namespace bastion::guard
