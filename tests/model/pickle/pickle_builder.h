#pragma once
// Builds pickles byte by byte for tests, without Python: each method appends one opcode with
// its argument in the layout of pickletools.py.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/intake/finding.h"
#include "model/pickle/pickle_opcode.h"

namespace bastion::model::testing {

class PickleBuilder {
 public:
  PickleBuilder& Op(uint8_t opcode) { return Byte(opcode); }
  PickleBuilder& Byte(uint8_t b) {
    bytes_.push_back(b);
    return *this;
  }
  PickleBuilder& Raw(std::string_view text) {
    bytes_.insert(bytes_.end(), text.begin(), text.end());
    return *this;
  }
  PickleBuilder& Le(uint64_t value, int size) {
    for (int i = 0; i < size; ++i) Byte(static_cast<uint8_t>(value >> (8 * i)));
    return *this;
  }
  PickleBuilder& Proto(uint8_t version) { return Op(pickle_op::kProto).Byte(version); }
  PickleBuilder& Frame(uint64_t size) { return Op(pickle_op::kFrame).Le(size, 8); }
  PickleBuilder& Global(std::string_view module, std::string_view name) {
    return Op(pickle_op::kGlobal).Raw(module).Raw("\n").Raw(name).Raw("\n");
  }
  PickleBuilder& Inst(std::string_view module, std::string_view name) {
    return Op(pickle_op::kInst).Raw(module).Raw("\n").Raw(name).Raw("\n");
  }
  PickleBuilder& ShortUnicode(std::string_view s) {
    return Op(pickle_op::kShortBinUnicode).Le(s.size(), 1).Raw(s);
  }
  PickleBuilder& Unicode(std::string_view s) {
    return Op(pickle_op::kBinUnicode).Le(s.size(), 4).Raw(s);
  }
  PickleBuilder& TextString(std::string_view s) {  // protocol 0 STRING 'text'
    return Op(pickle_op::kString).Raw("'").Raw(s).Raw("'\n");
  }
  PickleBuilder& Int1(uint8_t v) { return Op(pickle_op::kBinInt1).Byte(v); }
  PickleBuilder& BinPut(uint8_t i) { return Op(pickle_op::kBinPut).Byte(i); }
  PickleBuilder& BinGet(uint8_t i) { return Op(pickle_op::kBinGet).Byte(i); }
  PickleBuilder& LongBinPut(uint32_t i) { return Op(pickle_op::kLongBinPut).Le(i, 4); }
  PickleBuilder& LongBinGet(uint32_t i) { return Op(pickle_op::kLongBinGet).Le(i, 4); }
  PickleBuilder& Put(int i) { return Op(pickle_op::kPut).Raw(std::to_string(i)).Raw("\n"); }
  PickleBuilder& Get(int i) { return Op(pickle_op::kGet).Raw(std::to_string(i)).Raw("\n"); }
  PickleBuilder& Memoize() { return Op(pickle_op::kMemoize); }
  PickleBuilder& Mark() { return Op(pickle_op::kMark); }
  PickleBuilder& Stop() { return Op(pickle_op::kStop); }

  // A call of module.name with one string argument: GLOBAL, (arg,), REDUCE.
  PickleBuilder& CallGlobal(std::string_view module, std::string_view name, std::string_view arg) {
    return Global(module, name).ShortUnicode(arg).Op(pickle_op::kTuple1).Op(pickle_op::kReduce);
  }

  const std::vector<uint8_t>& bytes() const { return bytes_; }
  size_t size() const { return bytes_.size(); }

 private:
  std::vector<uint8_t> bytes_;
};

// The first finding with `rule` whose detail contains `text`, or nullptr.
inline const Finding* FindFinding(const std::vector<Finding>& findings, std::string_view rule,
                                  std::string_view text = "") {
  for (const Finding& f : findings) {
    if (f.rule == rule && f.detail.find(text) != std::string::npos) return &f;
  }
  return nullptr;
}

// torch.save's data.pkl for a state_dict of `tensors` float tensors (protocol 2): an
// OrderedDict built by REDUCE and SETITEMS, each value _rebuild_tensor_v2 of a BINPERSID
// storage tuple, globals memoized once and fetched with BINGET, then BUILD of _metadata.
inline std::vector<uint8_t> TorchStateDictPickle(int tensors) {
  namespace o = pickle_op;
  PickleBuilder b;
  b.Proto(2).Global("collections", "OrderedDict").BinPut(0).Op(o::kEmptyTuple).Op(o::kReduce);
  b.BinPut(1).Mark();
  for (int i = 0; i < tensors; ++i) {
    b.Unicode("layer" + std::to_string(i) + ".weight").LongBinPut(10 + 5 * i);
    if (i == 0) {
      b.Global("torch._utils", "_rebuild_tensor_v2").BinPut(2);
    } else {
      b.BinGet(2);
    }
    b.Mark().Mark().Unicode("storage").LongBinPut(11 + 5 * i);
    if (i == 0) {
      b.Global("torch", "FloatStorage").BinPut(3);
    } else {
      b.BinGet(3);
    }
    b.Unicode(std::to_string(i)).Unicode("cpu").Int1(4).Op(o::kTuple).Op(o::kBinPersId);
    b.Int1(0).Int1(2).Int1(2).Op(o::kTuple2).Int1(2).Int1(1).Op(o::kTuple2).Op(o::kNewFalse);
    b.BinGet(0).Op(o::kEmptyTuple).Op(o::kReduce).Op(o::kTuple).Op(o::kReduce);
    b.LongBinPut(12 + 5 * i);
  }
  b.Op(o::kSetItems);
  // state_dict._metadata: BUILD with {'_metadata': OrderedDict()} on the OrderedDict.
  b.Op(o::kEmptyDict).ShortUnicode("_metadata").BinGet(0).Op(o::kEmptyTuple).Op(o::kReduce);
  b.Op(o::kSetItem).Op(o::kBuild).Stop();
  return b.bytes();
}

// A protocol 2 pickle of numpy.array(['a', 1], dtype=object), as numpy writes it.
inline std::vector<uint8_t> NumpyObjectArrayPickle() {
  namespace o = pickle_op;
  PickleBuilder b;
  b.Proto(2).Global("numpy.core.multiarray", "_reconstruct").BinPut(0);
  b.Global("numpy", "ndarray").BinPut(1).Int1(0).Op(o::kTuple1);
  b.Global("_codecs", "encode").BinPut(2).ShortUnicode("b").ShortUnicode("latin1");
  b.Op(o::kTuple2).Op(o::kReduce).Op(o::kTuple3).Op(o::kReduce).BinPut(3);
  b.Mark().Int1(1).Int1(2).Op(o::kTuple1).Global("numpy", "dtype").ShortUnicode("O8");
  b.Op(o::kNewFalse).Op(o::kNewTrue).Op(o::kTuple3).Op(o::kReduce).BinPut(4);
  b.Mark().Int1(3).ShortUnicode("|").Op(o::kNone).Op(o::kNone).Op(o::kNone);
  b.Op(o::kBinInt).Le(0xffffffff, 4).Op(o::kBinInt).Le(0xffffffff, 4).Int1(63);
  b.Op(o::kTuple).Op(o::kBuild).Op(o::kNewFalse).Op(o::kEmptyList).Mark();
  b.ShortUnicode("a").Int1(1).Op(o::kAppends).Op(o::kTuple).Op(o::kBuild).Stop();
  return b.bytes();
}

}  // namespace bastion::model::testing
