#pragma once
// A pickle walker that never unpickles: it steps over every opcode of protocols 0 to 5,
// keeping a symbolic stack and memo just precise enough to name every import (GLOBAL, INST,
// STACK_GLOBAL, with STACK_GLOBAL's strings followed through the memo) and the callable of
// every call (REDUCE, BUILD, INST, OBJ, NEWOBJ, NEWOBJ_EX). It reports what it sees to a
// PickleVisitor as it goes, so that nothing it reports is buffered.
//
// Payloads (BINBYTES8, BINUNICODE8, ...) are stepped over without copies: memory is bounded
// by PickleWalkLimits, never by the input. Files holding several pickles back to back (legacy
// torch.save) are walked pickle by pickle while the next byte starts one (PROTO 2 to 5);
// anything else after a STOP is trailing data.
//
// On a malformation (truncation, unknown opcode, stack underflow, ...) the walk stops where
// CPython's unpickler would raise, so the visitor has seen everything CPython would have
// executed. Thread-compatible: a walk uses only its arguments.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace bastion::model {

struct PickleWalkLimits {
  size_t max_stack_items = size_t{1} << 20;
  size_t max_marks = size_t{1} << 16;  // MARK nesting
  size_t max_memo_entries = size_t{1} << 18;
  size_t max_text = 256;                     // bytes kept of each string, module and name
  size_t max_text_bytes = size_t{16} << 20;  // all kept texts of one pickle
  size_t max_texts = size_t{1} << 18;        // kept strings and globals of one pickle
  size_t max_pickles = 64;                   // consecutive pickles in one input
};

// An import. Views are valid only during the callback.
struct PickleImport {
  std::string_view module;
  std::string_view name;
  bool truncated = false;  // module or name was longer than max_text and is cut
  uint8_t opcode = 0;      // GLOBAL, INST or STACK_GLOBAL
  uint64_t offset = 0;     // of the opcode byte
};

// A call site: REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX call a callable; BUILD calls the
// target's __setstate__ (or sets its attributes).
struct PickleCall {
  uint8_t opcode = 0;
  uint64_t offset = 0;
  bool known = false;       // module and name below are set
  std::string_view module;  // the callable; for BUILD, the class of the target
  std::string_view name;
  bool truncated = false;
  bool on_import = false;  // BUILD whose target is an imported object itself, not an instance
};

enum class PickleProblem {
  kTruncated,  // the input ends inside an opcode or before STOP
  kUnknownOpcode,
  kUnsupportedProtocol,  // PROTO above 5
  kBadArgument,          // e.g. a negative length
  kStackUnderflow,       // an opcode pops more than its frame holds
  kMissingMark,          // an opcode that needs a MARK finds none
  kBadMemo,              // GET of an index never PUT
};

std::string_view PickleProblemName(PickleProblem problem);

struct PickleMalformation {
  PickleProblem problem;
  uint64_t offset = 0;  // of the opcode (or of the end of input for kTruncated)
  uint8_t opcode = 0;
  std::string_view detail;  // valid only during the callback
  // Whether this pickle imported or called anything before the failure: CPython would have
  // executed those before raising.
  bool after_execution = false;
};

// Receives the walk's events in input order. Every method has an empty default.
class PickleVisitor {
 public:
  virtual ~PickleVisitor() = default;
  virtual void OnImport(const PickleImport& /*import*/) {}
  virtual void OnCall(const PickleCall& /*call*/) {}
  // STACK_GLOBAL whose module or name is not a constant string the walker can name.
  virtual void OnUnresolvedImport(uint64_t /*offset*/, std::string_view /*why*/) {}
  // EXT1/EXT2/EXT4: an import resolved through copyreg's extension registry at load time.
  virtual void OnExtension(uint8_t /*opcode*/, int64_t /*code*/, uint64_t /*offset*/) {}
  virtual void OnMalformed(const PickleMalformation& /*m*/) {}
  // A bound of PickleWalkLimits was hit. When `walk_stopped`, nothing from `offset` on was
  // walked; otherwise the walk went on with less precision (e.g. memo items it no longer
  // tracks read as unknown, so STACK_GLOBAL from them is reported unresolved).
  virtual void OnLimit(std::string_view /*what*/, uint64_t /*offset*/, bool /*walk_stopped*/) {}
  // Bytes after the last pickle that do not start another one.
  virtual void OnTrailingData(uint64_t /*offset*/, uint64_t /*size*/) {}
};

struct PickleWalkSummary {
  size_t pickles = 0;       // pickles walked (ended by STOP or not)
  bool complete = false;    // every pickle ended with STOP and no walk-stopping limit hit
  uint64_t end_offset = 0;  // where walking ended (start of trailing data, or the failure)
};

PickleWalkSummary WalkPickles(std::span<const uint8_t> bytes, PickleVisitor& visitor,
                              const PickleWalkLimits& limits = {});

}  // namespace bastion::model
