// The import policy: the allowlist is exact, the denylist catches submodules, dotted names,
// Python 2 spellings and attribute walks.
#include "model/pickle/import_policy.h"

#include <gtest/gtest.h>

namespace bastion::model {
namespace {

ImportVerdict Judge(std::string_view module, std::string_view name) {
  return JudgeImport(module, name).verdict;
}

TEST(ImportPolicyTest, CheckpointImportsAreSafe) {
  for (auto [module, name] : {std::pair{"collections", "OrderedDict"},
                              {"torch._utils", "_rebuild_tensor_v2"},
                              {"torch._utils", "_rebuild_parameter"},
                              {"torch", "FloatStorage"},
                              {"torch", "BFloat16Storage"},
                              {"torch", "Size"},
                              {"torch", "bfloat16"},
                              {"torch._tensor", "_rebuild_from_type_v2"},
                              {"numpy.core.multiarray", "_reconstruct"},
                              {"numpy._core.multiarray", "_reconstruct"},
                              {"numpy", "ndarray"},
                              {"numpy", "dtype"},
                              {"_codecs", "encode"},
                              {"builtins", "set"},
                              {"__builtin__", "set"}}) {
    EXPECT_EQ(Judge(module, name), ImportVerdict::kSafe) << module << "." << name;
  }
}

TEST(ImportPolicyTest, DangerousByModuleSubmoduleAndName) {
  for (auto [module, name] : {std::pair{"os", "system"},
                              {"posix", "system"},
                              {"nt", "system"},
                              {"os.path", "join"},
                              {"subprocess", "Popen"},
                              {"pip", "main"},
                              {"pip._internal.cli.main", "main"},
                              {"builtins", "getattr"},
                              {"builtins", "eval"},
                              {"__builtin__", "eval"},
                              {"__builtin__", "reduce"},  // functools.reduce in Python 3
                              {"commands", "getoutput"},  // subprocess in Python 3
                              {"runpy", "_run_code"},
                              {"pickle", "loads"},
                              {"_pickle", "loads"},
                              {"dill", "loads"},
                              {"torch.storage", "_load_from_bytes"},
                              {"torch", "load"},
                              {"numpy", "load"},
                              {"operator", "attrgetter"},
                              {"functools", "partial"},
                              {"types", "CodeType"},
                              {"socket", "create_connection"},
                              {"webbrowser", "open"},
                              {"OS", "system"},
                              // Dotted names walk attributes from an allowlisted object.
                              {"torch._utils", "_rebuild_tensor_v2.__globals__"},
                              {"collections", "OrderedDict.__init__"},
                              {"torch", "_utils.os.system"}}) {
    EXPECT_EQ(Judge(module, name), ImportVerdict::kDangerous) << module << "." << name;
  }
}

TEST(ImportPolicyTest, EverythingElseIsUnknown) {
  for (auto [module, name] : {std::pair{"argparse", "Namespace"},
                              {"collections", "defaultdict"},
                              {"torch", "Storage"},
                              {"torch._utils", "_rebuild_tensor_v2 "},
                              {"collections ", "OrderedDict"},
                              {"", ""},
                              {"ostrich", "system2"}}) {
    EXPECT_EQ(Judge(module, name), ImportVerdict::kUnknown) << module << "." << name;
  }
}

TEST(ImportPolicyTest, TruncatedNamesAreNeverSafe) {
  EXPECT_EQ(JudgeImport("collections", "OrderedDict", true).verdict, ImportVerdict::kUnknown);
  EXPECT_EQ(JudgeImport("os", "system", true).verdict, ImportVerdict::kDangerous);
}

TEST(ImportPolicyTest, ReasonsAreGiven) {
  EXPECT_FALSE(JudgeImport("os", "system").reason.empty());
  EXPECT_FALSE(JudgeImport("torch", "Size").reason.empty());
  EXPECT_FALSE(JudgeImport("a", "b").reason.empty());
}

}  // namespace
}  // namespace bastion::model
