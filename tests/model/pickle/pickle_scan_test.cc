// ScanPickle: the findings `bastion scan` prints for malicious, benign and broken pickles.
#include "model/pickle/pickle_scan.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/pickle/pickle_builder.h"

namespace bastion::model {
namespace {

namespace o = pickle_op;
using testing::FindFinding;
using testing::PickleBuilder;

std::vector<Finding> Scan(const PickleBuilder& b) { return ScanPickle(b.bytes()); }

void ExpectCritical(const std::vector<Finding>& findings, std::string_view what) {
  const Finding* f = FindFinding(findings, "pickle.dangerous_import", what);
  ASSERT_NE(f, nullptr) << what;
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_TRUE(AnyUnsafe(findings));
}

TEST(PickleScanTest, ClassicPayloads) {
  ExpectCritical(Scan(PickleBuilder().Raw("cos\nsystem\n(S'id'\ntR.")),
                 "os.system (GLOBAL at offset 0");
  ExpectCritical(Scan(PickleBuilder().Proto(2).CallGlobal("posix", "system", "id").Stop()),
                 "posix.system");
  ExpectCritical(Scan(PickleBuilder().Proto(2).CallGlobal("pip", "main", "install").Stop()),
                 "pip.main");
  ExpectCritical(Scan(PickleBuilder().Proto(2).CallGlobal("subprocess", "Popen", "id").Stop()),
                 "subprocess.Popen");
  ExpectCritical(Scan(PickleBuilder().Proto(2).CallGlobal("os.path", "exists", "/").Stop()),
                 "os.path.exists");
  ExpectCritical(Scan(PickleBuilder().Raw("c__builtin__\neval\n(S'1'\ntR.")), "__builtin__.eval");
  ExpectCritical(Scan(PickleBuilder().Proto(2).CallGlobal("runpy", "_run_code", "x").Stop()),
                 "runpy._run_code");
  ExpectCritical(Scan(PickleBuilder().Proto(2).CallGlobal("pickle", "loads", "x").Stop()),
                 "pickle.loads");
  ExpectCritical(Scan(PickleBuilder().Proto(2).CallGlobal("_pickle", "loads", "x").Stop()),
                 "_pickle.loads");
}

TEST(PickleScanTest, GetattrWalkThroughStackGlobal) {
  // builtins.getattr(builtins.__import__('os'), 'system')('id'), the operands memoized.
  PickleBuilder b;
  b.Proto(4).ShortUnicode("builtins").Memoize().ShortUnicode("getattr").Memoize();
  b.Op(o::kStackGlobal).BinGet(0).ShortUnicode("__import__").Op(o::kStackGlobal);
  b.ShortUnicode("os").Op(o::kTuple1).Op(o::kReduce).ShortUnicode("system").Op(o::kTuple2);
  b.Op(o::kReduce).ShortUnicode("id").Op(o::kTuple1).Op(o::kReduce).Stop();
  std::vector<Finding> findings = Scan(b);
  ExpectCritical(findings, "builtins.getattr (STACK_GLOBAL");
  ExpectCritical(findings, "builtins.__import__");
  EXPECT_NE(FindFinding(findings, "pickle.dangerous_import", "called 1 times"), nullptr);
}

TEST(PickleScanTest, UnresolvedStackGlobalIsHigh) {
  PickleBuilder b;
  b.Proto(4).Op(o::kNone).ShortUnicode("system").Op(o::kStackGlobal).Stop();
  std::vector<Finding> findings = Scan(b);
  const Finding* f = FindFinding(findings, "pickle.unresolved_import", "offset 11");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kHigh);
}

TEST(PickleScanTest, UnknownClassWithSetstateIsHigh) {
  PickleBuilder b;
  b.Proto(2).Global("mymodule", "Evil").Op(o::kEmptyTuple).Op(o::kNewObj);
  b.Op(o::kEmptyDict).Op(o::kBuild).Stop();
  std::vector<Finding> findings = Scan(b);
  const Finding* f = FindFinding(findings, "pickle.unknown_import", "mymodule.Evil");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kHigh);
  EXPECT_NE(f->detail.find("called 2 times"), std::string::npos) << f->detail;  // NEWOBJ, BUILD
}

TEST(PickleScanTest, InstAndObjForms) {
  ExpectCritical(Scan(PickleBuilder().Mark().TextString("id").Inst("os", "system").Stop()),
                 "os.system (INST at offset 7");
  ExpectCritical(
      Scan(PickleBuilder().Mark().Global("os", "popen").ShortUnicode("id").Op(o::kObj).Stop()),
      "os.popen");
}

TEST(PickleScanTest, ExtensionRegistryIsHigh) {
  std::vector<Finding> findings =
      Scan(PickleBuilder().Proto(2).Op(o::kExt1).Byte(1).Op(o::kEmptyTuple).Op(o::kReduce).Stop());
  const Finding* f = FindFinding(findings, "pickle.extension_registry", "extension code 1");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kHigh);
}

TEST(PickleScanTest, BenignTorchStateDictAggregates) {
  std::vector<Finding> findings = ScanPickle(testing::TorchStateDictPickle(1000));
  EXPECT_FALSE(AnyUnsafe(findings));
  ASSERT_EQ(findings.size(), 3u);
  const Finding* rebuild = FindFinding(findings, "pickle.safe_import", "_rebuild_tensor_v2");
  ASSERT_NE(rebuild, nullptr);
  EXPECT_NE(rebuild->detail.find("called 1000 times"), std::string::npos) << rebuild->detail;
  EXPECT_EQ(rebuild->severity, Severity::kInfo);
}

TEST(PickleScanTest, BenignNumpyObjectArray) {
  std::vector<Finding> findings = ScanPickle(testing::NumpyObjectArrayPickle());
  EXPECT_FALSE(AnyUnsafe(findings));
  EXPECT_NE(FindFinding(findings, "pickle.safe_import", "numpy.dtype"), nullptr);
  EXPECT_NE(FindFinding(findings, "pickle.safe_import", "_codecs.encode"), nullptr);
}

TEST(PickleScanTest, MalformedSeverityDependsOnWhatRanFirst) {
  std::vector<Finding> up_front = Scan(PickleBuilder().Proto(2).Byte(0xff));
  ASSERT_EQ(up_front.size(), 1u);
  EXPECT_EQ(up_front[0].rule, "pickle.malformed");
  EXPECT_EQ(up_front[0].severity, Severity::kMedium);

  std::vector<Finding> late =
      Scan(PickleBuilder().Proto(2).CallGlobal("collections", "OrderedDict", "x").Byte(0xff));
  const Finding* f = FindFinding(late, "pickle.malformed", "unknown opcode");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kHigh);

  std::vector<Finding> underflow = Scan(PickleBuilder().Proto(2).Op(o::kAppend));
  ASSERT_EQ(underflow.size(), 1u);
  EXPECT_EQ(underflow[0].severity, Severity::kHigh);
}

TEST(PickleScanTest, EveryTruncationGivesAFinding) {
  std::vector<uint8_t> full = testing::NumpyObjectArrayPickle();
  for (size_t n = 0; n < full.size(); ++n) {
    std::vector<Finding> findings = ScanPickle(std::span<const uint8_t>(full.data(), n));
    EXPECT_NE(FindFinding(findings, "pickle.malformed", "truncated"), nullptr) << n;
  }
}

TEST(PickleScanTest, TrailingDataIsInfo) {
  PickleBuilder b;
  b.Proto(2).Op(o::kNone).Stop().Raw("raw storage bytes");
  std::vector<Finding> findings = Scan(b);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "pickle.trailing_data");
  EXPECT_EQ(findings[0].severity, Severity::kInfo);
  EXPECT_NE(findings[0].detail.find("offset 4"), std::string::npos);
}

TEST(PickleScanTest, FindingCapKeepsTheWorstSeverity) {
  PickleBuilder b;
  b.Proto(2);
  for (int i = 0; i < 10; ++i) b.Global("pkg" + std::to_string(i), "f").Op(o::kPop);
  b.Global("os", "system").Op(o::kNone).Stop();
  PickleScanOptions options;
  options.max_findings = 3;
  std::vector<Finding> findings = ScanPickle(b.bytes(), options);
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(findings.back().rule, "pickle.limit_reached");
  EXPECT_EQ(findings.back().severity, Severity::kCritical);
}

TEST(PickleScanTest, LongNamesAreCutAndNeverSafe) {
  std::string name = "OrderedDict" + std::string(1000, 'x');
  std::vector<Finding> findings = Scan(PickleBuilder().Proto(2).Global("collections", name).Stop());
  const Finding* f = FindFinding(findings, "pickle.unknown_import", "...");
  ASSERT_NE(f, nullptr);
  EXPECT_LT(f->detail.size(), 600u);
}

}  // namespace
}  // namespace bastion::model
