#include "model/pickle/pickle_opcode.h"

#include <array>

namespace bastion::model {
namespace {

struct OpInfo {
  std::string_view name;
  PickleArg arg = PickleArg::kInvalid;
};

constexpr std::array<OpInfo, 256> MakeTable() {
  std::array<OpInfo, 256> t{};
  using A = PickleArg;
  auto set = [&t](uint8_t op, std::string_view name, A arg) { t[op] = {name, arg}; };
  namespace o = pickle_op;
  set(o::kMark, "MARK", A::kNone);
  set(o::kStop, "STOP", A::kNone);
  set(o::kPop, "POP", A::kNone);
  set(o::kPopMark, "POP_MARK", A::kNone);
  set(o::kDup, "DUP", A::kNone);
  set(o::kFloat, "FLOAT", A::kLine);
  set(o::kInt, "INT", A::kLine);
  set(o::kBinInt, "BININT", A::kU4);
  set(o::kBinInt1, "BININT1", A::kU1);
  set(o::kLong, "LONG", A::kLine);
  set(o::kBinInt2, "BININT2", A::kU2);
  set(o::kNone, "NONE", A::kNone);
  set(o::kPersId, "PERSID", A::kLine);
  set(o::kBinPersId, "BINPERSID", A::kNone);
  set(o::kReduce, "REDUCE", A::kNone);
  set(o::kString, "STRING", A::kLine);
  set(o::kBinString, "BINSTRING", A::kLenSigned4);
  set(o::kShortBinString, "SHORT_BINSTRING", A::kLen1);
  set(o::kUnicode, "UNICODE", A::kLine);
  set(o::kBinUnicode, "BINUNICODE", A::kLen4);
  set(o::kAppend, "APPEND", A::kNone);
  set(o::kBuild, "BUILD", A::kNone);
  set(o::kGlobal, "GLOBAL", A::kTwoLines);
  set(o::kDict, "DICT", A::kNone);
  set(o::kEmptyDict, "EMPTY_DICT", A::kNone);
  set(o::kAppends, "APPENDS", A::kNone);
  set(o::kGet, "GET", A::kLine);
  set(o::kBinGet, "BINGET", A::kU1);
  set(o::kInst, "INST", A::kTwoLines);
  set(o::kLongBinGet, "LONG_BINGET", A::kU4);
  set(o::kList, "LIST", A::kNone);
  set(o::kEmptyList, "EMPTY_LIST", A::kNone);
  set(o::kObj, "OBJ", A::kNone);
  set(o::kPut, "PUT", A::kLine);
  set(o::kBinPut, "BINPUT", A::kU1);
  set(o::kLongBinPut, "LONG_BINPUT", A::kU4);
  set(o::kSetItem, "SETITEM", A::kNone);
  set(o::kTuple, "TUPLE", A::kNone);
  set(o::kEmptyTuple, "EMPTY_TUPLE", A::kNone);
  set(o::kSetItems, "SETITEMS", A::kNone);
  set(o::kBinFloat, "BINFLOAT", A::kU8);
  set(o::kBinBytes, "BINBYTES", A::kLen4);
  set(o::kShortBinBytes, "SHORT_BINBYTES", A::kLen1);
  set(o::kProto, "PROTO", A::kU1);
  set(o::kNewObj, "NEWOBJ", A::kNone);
  set(o::kExt1, "EXT1", A::kU1);
  set(o::kExt2, "EXT2", A::kU2);
  set(o::kExt4, "EXT4", A::kU4);
  set(o::kTuple1, "TUPLE1", A::kNone);
  set(o::kTuple2, "TUPLE2", A::kNone);
  set(o::kTuple3, "TUPLE3", A::kNone);
  set(o::kNewTrue, "NEWTRUE", A::kNone);
  set(o::kNewFalse, "NEWFALSE", A::kNone);
  set(o::kLong1, "LONG1", A::kLen1);
  set(o::kLong4, "LONG4", A::kLenSigned4);
  set(o::kShortBinUnicode, "SHORT_BINUNICODE", A::kLen1);
  set(o::kBinUnicode8, "BINUNICODE8", A::kLen8);
  set(o::kBinBytes8, "BINBYTES8", A::kLen8);
  set(o::kEmptySet, "EMPTY_SET", A::kNone);
  set(o::kAddItems, "ADDITEMS", A::kNone);
  set(o::kFrozenSet, "FROZENSET", A::kNone);
  set(o::kNewObjEx, "NEWOBJ_EX", A::kNone);
  set(o::kStackGlobal, "STACK_GLOBAL", A::kNone);
  set(o::kMemoize, "MEMOIZE", A::kNone);
  set(o::kFrame, "FRAME", A::kU8);
  set(o::kByteArray8, "BYTEARRAY8", A::kLen8);
  set(o::kNextBuffer, "NEXT_BUFFER", A::kNone);
  set(o::kReadOnlyBuffer, "READONLY_BUFFER", A::kNone);
  return t;
}

constexpr std::array<OpInfo, 256> kTable = MakeTable();

}  // namespace

PickleArg PickleArgOf(uint8_t opcode) { return kTable[opcode].arg; }

std::string_view PickleOpName(uint8_t opcode) {
  return kTable[opcode].arg == PickleArg::kInvalid ? "unknown" : kTable[opcode].name;
}

}  // namespace bastion::model
