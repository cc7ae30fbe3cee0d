#pragma once
// Turns a pickle walk into findings for `bastion scan`, with stable rule ids:
//
//   pickle.dangerous_import   critical  an import on the denylist (import_policy.h)
//   pickle.unknown_import     high      an import on neither list
//   pickle.unresolved_import  high      STACK_GLOBAL whose operands the walker cannot name
//   pickle.extension_registry high      EXT1/EXT2/EXT4: an import chosen by copyreg at load time
//   pickle.global_mutation    high      BUILD on an imported object (sets attributes on a
//                                       class or module, not on an instance)
//   pickle.malformed          high      CPython would fail after importing or calling
//                                       something, or the walker's model of the stack and
//                                       memo disagrees with the stream (where it might differ
//                                       from CPython);
//                             medium    the stream ends early, has an unknown opcode or an
//                                       unsupported protocol before anything executable:
//                                       CPython refuses it having run nothing
//   pickle.limit_reached      high      a walk bound stopped the walk: the rest is unscanned
//                             low       a bound only cost precision (e.g. memo tracking)
//   pickle.safe_import        info      an allowlisted import, with counts
//   pickle.trailing_data      info      bytes after the last pickle (legacy torch storages)
//
// Findings are aggregated: one per distinct (rule, module.name) with the number of imports,
// calls and the first offset, so a checkpoint that calls _rebuild_tensor_v2 10,000 times
// yields one finding. Thread-compatible.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "model/intake/finding.h"
#include "model/pickle/pickle_walker.h"

namespace bastion::model {

struct PickleScanOptions {
  // Distinct findings kept; past it one pickle.limit_reached finding carries the count and
  // the worst severity of those dropped, so the verdict never gets milder.
  size_t max_findings = 256;
  PickleWalkLimits limits;
};

std::vector<Finding> ScanPickle(std::span<const uint8_t> bytes,
                                const PickleScanOptions& options = {});

}  // namespace bastion::model
