// The walker on hand-built pickles: every import form, the symbolic stack and memo, and
// malformations, with what it reports and where.
#include "model/pickle/pickle_walker.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/pickle/pickle_builder.h"

namespace bastion::model {
namespace {

namespace o = pickle_op;
using testing::PickleBuilder;

struct Recorder : PickleVisitor {
  std::vector<std::string> imports;  // "module.name@offset"
  std::vector<std::string> calls;    // "OPNAME module.name" or "OPNAME ?"
  std::vector<std::string> events;   // everything else
  std::vector<PickleMalformation> malformations;

  void OnImport(const PickleImport& i) override {
    imports.push_back(std::string(i.module) + "." + std::string(i.name) + "@" +
                      std::to_string(i.offset));
  }
  void OnCall(const PickleCall& c) override {
    calls.push_back(std::string(PickleOpName(c.opcode)) + " " +
                    (c.known ? std::string(c.module) + "." + std::string(c.name) : "?") +
                    (c.on_import ? " on import" : ""));
  }
  void OnUnresolvedImport(uint64_t offset, std::string_view) override {
    events.push_back("unresolved@" + std::to_string(offset));
  }
  void OnExtension(uint8_t, int64_t code, uint64_t offset) override {
    events.push_back("ext " + std::to_string(code) + "@" + std::to_string(offset));
  }
  void OnMalformed(const PickleMalformation& m) override {
    malformations.push_back(m);
    events.push_back(std::string(PickleProblemName(m.problem)) + "@" + std::to_string(m.offset));
  }
  void OnLimit(std::string_view what, uint64_t offset, bool stopped) override {
    events.push_back("limit " + std::string(what) + "@" + std::to_string(offset) +
                     (stopped ? " stopped" : ""));
  }
  void OnTrailingData(uint64_t offset, uint64_t size) override {
    events.push_back("trailing@" + std::to_string(offset) + "+" + std::to_string(size));
  }
};

Recorder Walk(const std::vector<uint8_t>& bytes, PickleWalkSummary* summary = nullptr,
              const PickleWalkLimits& limits = {}) {
  Recorder r;
  PickleWalkSummary s = WalkPickles(bytes, r, limits);
  if (summary != nullptr) *summary = s;
  return r;
}

TEST(PickleWalkerTest, Protocol0TextGlobalAndReduce) {
  PickleBuilder b;
  b.Raw("cos\nsystem\n(S'echo hi'\ntR.");
  PickleWalkSummary s;
  Recorder r = Walk(b.bytes(), &s);
  EXPECT_EQ(r.imports, std::vector<std::string>{"os.system@0"});
  EXPECT_EQ(r.calls, std::vector<std::string>{"REDUCE os.system"});
  EXPECT_TRUE(r.events.empty());
  EXPECT_TRUE(s.complete);
  EXPECT_EQ(s.pickles, 1u);
}

TEST(PickleWalkerTest, StackGlobalFromShortBinUnicodeInAFrame) {
  PickleBuilder b;
  b.Proto(4).Frame(27).ShortUnicode("builtins").Memoize().ShortUnicode("eval").Memoize();
  b.Op(o::kStackGlobal).ShortUnicode("1+1").Op(o::kTuple1).Op(o::kReduce).Stop();
  Recorder r = Walk(b.bytes());
  ASSERT_EQ(r.imports.size(), 1u);
  EXPECT_EQ(r.imports[0], "builtins.eval@29");
  EXPECT_EQ(r.calls, std::vector<std::string>{"REDUCE builtins.eval"});
}

TEST(PickleWalkerTest, StackGlobalOperandsThroughEveryMemoForm) {
  PickleBuilder memoize;
  memoize.Proto(4).ShortUnicode("os").Memoize().Op(o::kPop).ShortUnicode("system").Memoize();
  memoize.Op(o::kPop).BinGet(0).BinGet(1).Op(o::kStackGlobal).Op(o::kPop).Op(o::kNone).Stop();
  EXPECT_EQ(Walk(memoize.bytes()).imports, std::vector<std::string>{"os.system@22"});

  PickleBuilder text;
  text.Proto(4).ShortUnicode("subprocess").Put(7).Op(o::kPop).ShortUnicode("Popen").Put(8);
  text.Op(o::kPop).Get(7).Get(8).Op(o::kStackGlobal).Stop();
  EXPECT_EQ(Walk(text.bytes()).imports.at(0).substr(0, 17), "subprocess.Popen@");

  PickleBuilder longform;
  longform.Proto(4).ShortUnicode("runpy").LongBinPut(70000).Op(o::kPop);
  longform.ShortUnicode("_run_code").LongBinPut(70001).Op(o::kPop);
  longform.LongBinGet(70000).LongBinGet(70001).Op(o::kStackGlobal).Stop();
  EXPECT_EQ(Walk(longform.bytes()).imports.at(0).substr(0, 16), "runpy._run_code@");
}

TEST(PickleWalkerTest, StackGlobalOperandsFromACallAreUnresolved) {
  PickleBuilder b;
  // module = str.join(...) result: the walker cannot know the string.
  b.Proto(4).Global("builtins", "str").ShortUnicode("o").Op(o::kTuple1).Op(o::kReduce);
  b.ShortUnicode("system").Op(o::kStackGlobal).Op(o::kEmptyTuple).Op(o::kReduce).Stop();
  Recorder r = Walk(b.bytes());
  EXPECT_EQ(r.events, std::vector<std::string>{"unresolved@29"});
  EXPECT_EQ(r.calls.back(), "REDUCE ?");
}

TEST(PickleWalkerTest, InstAndObjCallTheirClass) {
  PickleBuilder inst;
  inst.Mark().TextString("id").Inst("subprocess", "check_output").Stop();
  Recorder r = Walk(inst.bytes());
  EXPECT_EQ(r.imports, std::vector<std::string>{"subprocess.check_output@7"});
  EXPECT_EQ(r.calls, std::vector<std::string>{"INST subprocess.check_output"});

  PickleBuilder obj;
  obj.Mark().Global("os", "system").ShortUnicode("id").Op(o::kObj).Stop();
  EXPECT_EQ(Walk(obj.bytes()).calls, std::vector<std::string>{"OBJ os.system"});
}

TEST(PickleWalkerTest, NewObjAndBuildNameTheClass) {
  PickleBuilder b;
  b.Proto(2).Global("evil", "Payload").Op(o::kEmptyTuple).Op(o::kNewObj);
  b.Op(o::kEmptyDict).Op(o::kBuild).Stop();
  EXPECT_EQ(Walk(b.bytes()).calls,
            (std::vector<std::string>{"NEWOBJ evil.Payload", "BUILD evil.Payload"}));

  PickleBuilder ex;
  ex.Proto(4).Global("evil", "Payload").Op(o::kEmptyTuple).Op(o::kEmptyDict);
  ex.Op(o::kNewObjEx).Stop();
  EXPECT_EQ(Walk(ex.bytes()).calls, std::vector<std::string>{"NEWOBJ_EX evil.Payload"});
}

TEST(PickleWalkerTest, CallingANonGlobalNamesNoClass) {
  PickleBuilder b;  // 'os'() then BUILD: the result's class is unknown, not text #0
  b.Proto(4).ShortUnicode("os").Op(o::kEmptyTuple).Op(o::kNewObj).Op(o::kEmptyDict);
  b.Op(o::kBuild).Stop();
  EXPECT_EQ(Walk(b.bytes()).calls, (std::vector<std::string>{"NEWOBJ ?", "BUILD ?"}));
}

TEST(PickleWalkerTest, BuildOnAnImportedObjectIsFlagged) {
  PickleBuilder b;
  b.Proto(2).Global("collections", "OrderedDict").Op(o::kNone).Op(o::kEmptyDict);
  b.Op(o::kTuple2).Op(o::kBuild).Stop();
  EXPECT_EQ(Walk(b.bytes()).calls,
            std::vector<std::string>{"BUILD collections.OrderedDict on import"});
}

TEST(PickleWalkerTest, ExtensionCodes) {
  PickleBuilder b;
  b.Proto(2).Op(o::kExt1).Byte(7).Op(o::kExt2).Le(300, 2).Op(o::kExt4).Le(0xffffffff, 4);
  b.Op(o::kTuple3).Stop();
  EXPECT_EQ(Walk(b.bytes()).events, (std::vector<std::string>{"ext 7@2", "ext 300@4", "ext -1@7"}));
}

TEST(PickleWalkerTest, MemoizedGlobalResolvesLaterCalls) {
  Recorder r = Walk(testing::TorchStateDictPickle(3));
  EXPECT_EQ(r.imports.size(), 3u);  // OrderedDict, _rebuild_tensor_v2, FloatStorage: once each
  int rebuilds = 0;
  for (const std::string& c : r.calls) rebuilds += c == "REDUCE torch._utils._rebuild_tensor_v2";
  EXPECT_EQ(rebuilds, 3);
  EXPECT_EQ(r.calls.back(), "BUILD collections.OrderedDict");
  EXPECT_TRUE(r.events.empty());
}

TEST(PickleWalkerTest, TruncatedAtEveryByteNeverCrashesAndAlwaysReports) {
  std::vector<uint8_t> full = testing::TorchStateDictPickle(2);
  for (size_t n = 0; n < full.size(); ++n) {
    std::vector<uint8_t> prefix(full.begin(), full.begin() + static_cast<ptrdiff_t>(n));
    Recorder r = Walk(prefix);
    ASSERT_EQ(r.malformations.size(), 1u) << n;
    EXPECT_EQ(r.malformations[0].problem, PickleProblem::kTruncated) << n;
  }
}

TEST(PickleWalkerTest, Malformations) {
  auto problem = [](const PickleBuilder& b) {
    Recorder r = Walk(b.bytes());
    return r.malformations.empty() ? std::string("none") : r.events.back();
  };
  EXPECT_EQ(problem(PickleBuilder().Proto(2).Byte(0xff)), "unknown opcode@2");
  EXPECT_EQ(problem(PickleBuilder().Proto(6).Op(o::kNone).Stop()), "unsupported protocol@0");
  EXPECT_EQ(problem(PickleBuilder().Proto(4).Op(o::kBinBytes8).Le(uint64_t{1} << 63, 8).Raw("x")),
            "truncated@2");
  EXPECT_EQ(problem(PickleBuilder().Op(o::kBinString).Le(0x80000000, 4)), "bad argument@0");
  EXPECT_EQ(problem(PickleBuilder().Proto(2).Op(o::kReduce)), "stack underflow@2");
  EXPECT_EQ(problem(PickleBuilder().Proto(2).Op(o::kNone).Op(o::kTuple)), "missing MARK@3");
  EXPECT_EQ(problem(PickleBuilder().Proto(2).BinGet(9)), "bad memo index@2");
  EXPECT_EQ(problem(PickleBuilder().Proto(2).Op(o::kNone)), "truncated@3");
  EXPECT_EQ(problem(PickleBuilder().Proto(2).Op(o::kStop)), "stack underflow@2");
  EXPECT_EQ(problem(PickleBuilder().Proto(4).Frame(100).Op(o::kNone).Stop()), "truncated@2");
  // Items below a MARK are out of reach: CPython's "unpickling stack underflow".
  EXPECT_EQ(problem(PickleBuilder().Proto(2).Op(o::kNone).Mark().Op(o::kTuple1)),
            "stack underflow@4");
  EXPECT_EQ(problem(PickleBuilder().Mark().Int1(1).Op(o::kSetItems)), "stack underflow@3");
}

TEST(PickleWalkerTest, MalformationKnowsWhetherSomethingRanBefore) {
  Recorder before = Walk(PickleBuilder().Proto(2).Byte(0xfe).bytes());
  ASSERT_EQ(before.malformations.size(), 1u);
  EXPECT_FALSE(before.malformations[0].after_execution);
  Recorder after =
      Walk(PickleBuilder().Proto(2).CallGlobal("os", "system", "x").Byte(0xfe).bytes());
  ASSERT_EQ(after.malformations.size(), 1u);
  EXPECT_TRUE(after.malformations[0].after_execution);
}

TEST(PickleWalkerTest, DeepMarkNestingHitsTheLimitAndStops) {
  PickleBuilder b;
  b.Proto(2);
  for (int i = 0; i < 100000; ++i) b.Mark();
  b.Global("os", "system").Stop();
  PickleWalkSummary s;
  Recorder r = Walk(b.bytes(), &s);
  EXPECT_FALSE(s.complete);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0], "limit MARK nesting@65538 stopped");
}

TEST(PickleWalkerTest, MemoLimitDegradesToUnknownNotStale) {
  PickleWalkLimits limits;
  limits.max_memo_entries = 2;
  PickleBuilder b;
  b.Proto(4).ShortUnicode("collections").Memoize().ShortUnicode("OrderedDict").Memoize();
  b.ShortUnicode("x").Memoize().Op(o::kPop).Op(o::kPop).Op(o::kPop);
  b.BinGet(0).BinGet(1).Op(o::kStackGlobal).Stop();
  Recorder r = Walk(b.bytes(), nullptr, limits);
  EXPECT_TRUE(r.imports.empty());
  EXPECT_EQ(r.events, (std::vector<std::string>{"limit memo entries@33", "unresolved@41"}));
}

TEST(PickleWalkerTest, HugePayloadsAreSkippedWithoutCopies) {
  // 200 MB of payload; with 4 KB for retained strings, any copy of a payload would trip the
  // "retained strings" limit, and none may.
  constexpr uint64_t kPayload = uint64_t{100} << 20;
  std::vector<uint8_t> bytes;
  bytes.reserve(2 * kPayload + 64);
  PickleBuilder head;
  head.Proto(4).Op(o::kBinBytes8).Le(kPayload, 8);
  bytes = head.bytes();
  bytes.resize(bytes.size() + kPayload, 'a');
  PickleBuilder mid;
  mid.Op(o::kBinUnicode8).Le(kPayload, 8);
  bytes.insert(bytes.end(), mid.bytes().begin(), mid.bytes().end());
  bytes.resize(bytes.size() + kPayload, 'b');
  PickleBuilder tail;
  tail.Op(o::kTuple2).Stop();
  bytes.insert(bytes.end(), tail.bytes().begin(), tail.bytes().end());

  PickleWalkLimits limits;
  limits.max_text_bytes = 4096;
  PickleWalkSummary s;
  Recorder r = Walk(bytes, &s, limits);
  EXPECT_TRUE(r.events.empty());
  EXPECT_TRUE(s.complete);
  EXPECT_EQ(s.end_offset, bytes.size());
}

TEST(PickleWalkerTest, LegacyTorchFileWalksEachPickleThenTrailingStorages) {
  PickleBuilder b;
  b.Proto(2).Op(o::kLong1).Byte(10).Raw("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19").Stop();
  b.Proto(2).Op(o::kBinInt2).Le(1001, 2).Stop();
  b.Proto(2).Op(o::kEmptyDict).ShortUnicode("little_endian").Op(o::kNewTrue).Op(o::kSetItem).Stop();
  std::vector<uint8_t> bytes = b.bytes();
  std::vector<uint8_t> data = testing::TorchStateDictPickle(2);
  bytes.insert(bytes.end(), data.begin(), data.end());
  PickleBuilder keys;
  keys.Proto(2).Op(o::kEmptyList).Mark().ShortUnicode("0").ShortUnicode("1").Op(o::kAppends).Stop();
  bytes.insert(bytes.end(), keys.bytes().begin(), keys.bytes().end());
  size_t storages = bytes.size();
  // A storage of 640 elements: its u64 size starts 0x80 0x02, like a PROTO 2.
  PickleBuilder raw;
  raw.Le(640, 8).Raw(std::string(2560, '\0'));
  bytes.insert(bytes.end(), raw.bytes().begin(), raw.bytes().end());

  PickleWalkSummary s;
  Recorder r = Walk(bytes, &s);
  EXPECT_EQ(s.pickles, 5u);
  EXPECT_EQ(r.events, std::vector<std::string>{"trailing@" + std::to_string(storages) + "+" +
                                               std::to_string(8 + 2560)});
  EXPECT_EQ(r.imports.size(), 3u);
}

TEST(PickleWalkerTest, ASecondPickleThatImportsIsWalkedAndReported) {
  PickleBuilder b;
  b.Proto(2).Op(o::kNone).Stop().Proto(2).CallGlobal("os", "system", "id").Byte(0x00);
  Recorder r = Walk(b.bytes());
  EXPECT_EQ(r.imports, std::vector<std::string>{"os.system@6"});
  ASSERT_EQ(r.malformations.size(), 1u);
  EXPECT_TRUE(r.malformations[0].after_execution);
}

}  // namespace
}  // namespace bastion::model
