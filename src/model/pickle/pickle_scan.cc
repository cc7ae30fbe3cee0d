#include "model/pickle/pickle_scan.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>

#include "model/pickle/import_policy.h"
#include "model/pickle/pickle_opcode.h"
#include "model/pickle/pickle_text.h"

namespace bastion::model {
namespace {

// One finding being aggregated: the same rule about the same subject.
struct Aggregate {
  Severity severity;
  std::string rule;
  std::string subject;  // "os.system", "EXT1 code 7", ...
  std::string reason;
  std::string first_where;  // "GLOBAL at offset 12"
  uint64_t occurrences = 0;
  uint64_t calls = 0;
};

std::string Where(uint8_t opcode, uint64_t offset) {
  return std::string(PickleOpName(opcode)) + " at offset " + std::to_string(offset);
}

std::string Dotted(std::string_view module, std::string_view name, bool truncated) {
  return Printable(module) + "." + Printable(name) + (truncated ? "..." : "");
}

class FindingCollector : public PickleVisitor {
 public:
  explicit FindingCollector(size_t max_findings) : max_findings_(max_findings) {}

  void OnImport(const PickleImport& import) override {
    std::string raw = RawKey(import.module, import.name, import.truncated);
    if (auto it = by_import_.find(raw); it != by_import_.end()) {
      ++aggregates_[it->second].occurrences;  // judged before: skip the policy
      return;
    }
    ImportJudgement judgement = JudgeImport(import.module, import.name, import.truncated);
    Aggregate* a =
        Add(RuleFor(judgement.verdict), Dotted(import.module, import.name, import.truncated),
            std::string(judgement.reason), Where(import.opcode, import.offset));
    if (a == nullptr) return;
    ++a->occurrences;
    by_import_.emplace(std::move(raw), static_cast<size_t>(a - aggregates_.data()));
  }

  void OnCall(const PickleCall& call) override {
    if (!call.known) return;
    if (call.on_import) {
      std::string subject = Dotted(call.module, call.name, call.truncated);
      Aggregate* a = Add({Severity::kHigh, "pickle.global_mutation"}, subject,
                         "BUILD sets attributes on the imported object itself",
                         Where(call.opcode, call.offset));
      if (a != nullptr) ++a->occurrences;
      return;
    }
    // The import was judged when it was made; count the call against that finding.
    auto it = by_import_.find(RawKey(call.module, call.name, call.truncated));
    if (it != by_import_.end()) ++aggregates_[it->second].calls;
  }

  void OnUnresolvedImport(uint64_t offset, std::string_view why) override {
    Aggregate* a = Add({Severity::kHigh, "pickle.unresolved_import"}, "STACK_GLOBAL",
                       std::string(why) + ": the import is chosen at load time",
                       "offset " + std::to_string(offset));
    if (a != nullptr) ++a->occurrences;
  }

  void OnExtension(uint8_t opcode, int64_t code, uint64_t offset) override {
    Aggregate* a = Add(
        {Severity::kHigh, "pickle.extension_registry"}, "extension code " + std::to_string(code),
        "copyreg's extension registry picks the import at load time", Where(opcode, offset));
    if (a != nullptr) ++a->occurrences;
  }

  void OnMalformed(const PickleMalformation& m) override {
    bool refused_up_front =
        !m.after_execution &&
        (m.problem == PickleProblem::kTruncated || m.problem == PickleProblem::kUnknownOpcode ||
         m.problem == PickleProblem::kUnsupportedProtocol);
    std::string reason = std::string(m.detail);
    reason += m.after_execution ? "; CPython would fail only after importing or calling"
                                : "; nothing executable comes before it";
    Aggregate* a =
        Add({refused_up_front ? Severity::kMedium : Severity::kHigh, "pickle.malformed"},
            std::string(PickleProblemName(m.problem)), reason,
            PickleArgOf(m.opcode) == PickleArg::kInvalid ? "offset " + std::to_string(m.offset)
                                                         : Where(m.opcode, m.offset));
    if (a != nullptr) ++a->occurrences;
  }

  void OnLimit(std::string_view what, uint64_t offset, bool walk_stopped) override {
    Aggregate* a = Add({walk_stopped ? Severity::kHigh : Severity::kLow, "pickle.limit_reached"},
                       "limit on " + std::string(what),
                       walk_stopped ? "the rest of the input was not scanned"
                                    : "later memo and string reads count as unknown",
                       "offset " + std::to_string(offset));
    if (a != nullptr) ++a->occurrences;
  }

  void OnTrailingData(uint64_t offset, uint64_t size) override {
    Aggregate* a = Add({Severity::kInfo, "pickle.trailing_data"}, std::to_string(size) + " bytes",
                       "not a pickle; never unpickled", "offset " + std::to_string(offset));
    if (a != nullptr) ++a->occurrences;
  }

  std::vector<Finding> Take();

 private:
  struct Rule {
    Severity severity;
    std::string_view rule;
  };

  static Rule RuleFor(ImportVerdict verdict) {
    switch (verdict) {
      case ImportVerdict::kSafe:
        return {Severity::kInfo, "pickle.safe_import"};
      case ImportVerdict::kUnknown:
        return {Severity::kHigh, "pickle.unknown_import"};
      case ImportVerdict::kDangerous:
        break;
    }
    return {Severity::kCritical, "pickle.dangerous_import"};
  }

  static std::string RawKey(std::string_view module, std::string_view name, bool truncated) {
    return std::string(module) + '\n' + std::string(name) + (truncated ? "\n..." : "");
  }

  static std::string Key(std::string_view rule, std::string_view subject) {
    return std::string(rule) + '\n' + std::string(subject);
  }

  // The aggregate for (rule, subject), created if there is room; nullptr when dropped.
  Aggregate* Add(Rule rule, std::string subject, std::string reason, std::string where);

  size_t max_findings_;
  std::vector<Aggregate> aggregates_;
  std::unordered_map<std::string, size_t> index_;      // (rule, subject) -> aggregate
  std::unordered_map<std::string, size_t> by_import_;  // raw module and name -> aggregate
  uint64_t dropped_ = 0;
  Severity dropped_worst_ = Severity::kInfo;
};

Aggregate* FindingCollector::Add(Rule rule, std::string subject, std::string reason,
                                 std::string where) {
  std::string key = Key(rule.rule, subject);
  auto it = index_.find(key);
  if (it != index_.end()) return &aggregates_[it->second];
  if (aggregates_.size() >= max_findings_) {
    ++dropped_;
    dropped_worst_ = std::max(dropped_worst_, rule.severity);
    return nullptr;
  }
  index_.emplace(std::move(key), aggregates_.size());
  aggregates_.push_back({rule.severity, std::string(rule.rule), std::move(subject),
                         std::move(reason), std::move(where)});
  return &aggregates_.back();
}

std::vector<Finding> FindingCollector::Take() {
  std::vector<Finding> findings;
  findings.reserve(aggregates_.size() + 1);
  for (Aggregate& a : aggregates_) {
    std::string detail = a.subject + " (" + a.first_where;
    if (a.occurrences > 1) detail += ", " + std::to_string(a.occurrences) + " times in all";
    if (a.calls > 0) detail += ", called " + std::to_string(a.calls) + " times";
    detail += "): " + a.reason;
    findings.push_back({a.severity, std::move(a.rule), std::move(detail)});
  }
  if (dropped_ > 0) {
    findings.push_back({dropped_worst_, "pickle.limit_reached",
                        std::to_string(dropped_) +
                            " more occurrences of unlisted findings (the worst is " +
                            std::string(SeverityName(dropped_worst_)) + ")"});
  }
  return findings;
}

}  // namespace

std::vector<Finding> ScanPickle(std::span<const uint8_t> bytes, const PickleScanOptions& options) {
  FindingCollector collector(std::max<size_t>(options.max_findings, 1));
  WalkPickles(bytes, collector, options.limits);
  return collector.Take();
}

}  // namespace bastion::model
