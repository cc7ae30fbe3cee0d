#pragma once
// Judges an import a pickle makes (module, name) by what importing and calling it could do.
//
//   kSafe:      on a short allowlist of exactly what PyTorch and NumPy checkpoints use; each
//               entry only builds tensors, arrays and plain containers from its arguments.
//   kDangerous: runs code, commands or nested unpickling, reaches the network or file system,
//               or walks attributes to reach any of those (critical).
//   kUnknown:   everything else (high): importing a module runs its top-level code, and an
//               unknown callable may do anything.
//
// Names are matched exactly and case-sensitively for kSafe, and for kDangerous by every dotted
// prefix of "module.name" and by dangerous attribute names anywhere in the dotted name, case-
// insensitively, so that "os.path.join", "pip._internal.cli.main" and
// "torch._utils._rebuild_tensor_v2.__globals__" are all caught. Python 2 names are also judged
// as CPython maps them for protocols 0 to 2 ("__builtin__" -> "builtins", "commands" ->
// "subprocess", ...); the worse verdict wins. Thread-safe.

#include <string_view>

namespace bastion::model {

enum class ImportVerdict { kSafe, kUnknown, kDangerous };

struct ImportJudgement {
  ImportVerdict verdict;
  std::string_view reason;  // static text: why the entry is allowed or denied
};

// `truncated`: the walker cut the module or name, so the import is never judged safe.
ImportJudgement JudgeImport(std::string_view module, std::string_view name, bool truncated = false);

}  // namespace bastion::model
