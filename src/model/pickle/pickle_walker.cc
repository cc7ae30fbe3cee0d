#include "model/pickle/pickle_walker.h"

#include <cstring>
#include <optional>
#include <string>

#include "common/byte_reader.h"
#include "model/pickle/pickle_memo.h"
#include "model/pickle/pickle_opcode.h"
#include "model/pickle/pickle_symbols.h"
#include "model/pickle/pickle_text.h"
#include "model/pickle/symbolic_stack.h"

namespace bastion::model {

std::string_view PickleProblemName(PickleProblem problem) {
  switch (problem) {
    case PickleProblem::kTruncated:
      return "truncated";
    case PickleProblem::kUnknownOpcode:
      return "unknown opcode";
    case PickleProblem::kUnsupportedProtocol:
      return "unsupported protocol";
    case PickleProblem::kBadArgument:
      return "bad argument";
    case PickleProblem::kStackUnderflow:
      return "stack underflow";
    case PickleProblem::kMissingMark:
      return "missing MARK";
    case PickleProblem::kBadMemo:
      return "bad memo index";
  }
  return "unknown";
}

namespace {

namespace op = pickle_op;

// An opcode's decoded argument: a number, a payload or line (a view into the input), or the
// two lines of GLOBAL and INST.
struct OpArg {
  uint64_t number = 0;
  std::string_view text;
  std::string_view text2;
};

enum class PickleEnd { kStop, kFailed, kHalted };

// What calling `callable` yields: an instance of it when it is a known global. Any other
// callable (a string, a call result) names no class: its ref must not leak into the result.
Symbol InstanceOf(Symbol callable) {
  bool known = callable.kind == SymbolKind::kGlobal && callable.ref != kNoSymbolRef;
  return {SymbolKind::kInstance, known ? callable.ref : kNoSymbolRef};
}

class Walker {
 public:
  Walker(std::span<const uint8_t> bytes, PickleVisitor& visitor, const PickleWalkLimits& limits)
      : bytes_(bytes),
        reader_(bytes),
        visitor_(visitor),
        limits_(limits),
        table_(limits.max_text, limits.max_text_bytes, limits.max_texts),
        stack_(limits.max_stack_items, limits.max_marks),
        memo_(limits.max_memo_entries) {}

  PickleWalkSummary Run();

 private:
  PickleEnd WalkOne();
  // Steps over one opcode: false when this pickle has ended (then end_ says how).
  bool Step();
  bool ReadArg(uint8_t opcode, OpArg* arg);
  bool ReadLine(std::string_view* line);
  bool ReadPayload(uint64_t size, std::string_view* payload);
  bool Dispatch(uint8_t opcode, const OpArg& arg);
  bool DispatchData(uint8_t opcode, const OpArg& arg, bool* handled);
  bool DispatchCalls(uint8_t opcode, const OpArg& arg, bool* handled);
  bool DispatchMemo(uint8_t opcode, const OpArg& arg);

  bool PushSymbol(Symbol symbol);
  bool PushOpaque() { return PushSymbol({}); }
  bool PushText(std::string_view text);
  bool PushImport(std::string_view module, std::string_view name);
  bool StackGlobal();
  std::optional<Symbol> PopOrFail();
  bool NeedFrame(size_t items);
  bool NeedMark();
  bool PopMarkedContainer();
  void ReportCall(uint8_t opcode, Symbol callable, bool build_target);
  bool MemoGet(uint64_t index);
  void NoteMemoPut(bool ok);

  bool Fail(PickleProblem problem, std::string detail);
  bool Halt(std::string_view what);
  void NoteTableFull();
  bool StartsAnotherPickle(size_t offset) const;

  std::span<const uint8_t> bytes_;
  ByteReader reader_;
  PickleVisitor& visitor_;
  const PickleWalkLimits& limits_;
  SymbolTable table_;
  SymbolicStack stack_;
  PickleMemo memo_;

  size_t pickle_start_ = 0;
  size_t op_offset_ = 0;
  uint8_t opcode_ = 0;
  bool speculative_ = false;  // a pickle after the first: trailing data unless it proves itself
  bool executed_ = false;     // this pickle imported or called something
  bool table_full_reported_ = false;
  PickleEnd end_ = PickleEnd::kStop;
};

PickleWalkSummary Walker::Run() {
  PickleWalkSummary summary;
  summary.complete = true;
  while (true) {
    pickle_start_ = reader_.offset();
    PickleEnd end = WalkOne();
    if (end == PickleEnd::kFailed && speculative_ && !executed_) {
      // Not a pickle after all, and CPython would have run nothing from it: trailing bytes.
      visitor_.OnTrailingData(pickle_start_, bytes_.size() - pickle_start_);
      summary.end_offset = pickle_start_;
      return summary;
    }
    ++summary.pickles;
    summary.end_offset = reader_.offset();
    if (end != PickleEnd::kStop) {
      summary.complete = false;
      summary.end_offset = op_offset_;
      return summary;
    }
    if (reader_.remaining() == 0) return summary;
    if (!StartsAnotherPickle(reader_.offset())) {
      visitor_.OnTrailingData(reader_.offset(), reader_.remaining());
      return summary;
    }
    if (summary.pickles >= limits_.max_pickles) {
      visitor_.OnLimit("consecutive pickles", reader_.offset(), true);
      summary.complete = false;
      return summary;
    }
    speculative_ = true;
  }
}

bool Walker::StartsAnotherPickle(size_t offset) const {
  // torch.save and pickle.dump write PROTO first from protocol 2 on; raw data after a pickle
  // (legacy torch storages) rarely matches 0x80 followed by 2..5.
  return bytes_.size() - offset >= 2 && bytes_[offset] == op::kProto && bytes_[offset + 1] >= 2 &&
         bytes_[offset + 1] <= kHighestPickleProtocol;
}

PickleEnd Walker::WalkOne() {
  stack_.Clear();
  memo_.Clear();
  table_.Clear();
  executed_ = false;
  table_full_reported_ = false;
  end_ = PickleEnd::kStop;
  while (Step()) {
  }
  return end_;
}

bool Walker::Step() {
  op_offset_ = reader_.offset();
  opcode_ = 0;
  auto opcode = reader_.ReadU8();
  if (!opcode.ok()) return Fail(PickleProblem::kTruncated, "the pickle ends without STOP");
  opcode_ = *opcode;
  if (PickleArgOf(opcode_) == PickleArg::kInvalid) {
    return Fail(PickleProblem::kUnknownOpcode, "byte 0x" + HexByte(opcode_) + " is no opcode");
  }
  OpArg arg;
  if (!ReadArg(opcode_, &arg)) return false;
  return Dispatch(opcode_, arg);
}

bool Walker::ReadArg(uint8_t opcode, OpArg* arg) {
  auto fixed = [&](auto result) {
    if (!result.ok()) return Fail(PickleProblem::kTruncated, result.status().message());
    arg->number = static_cast<uint64_t>(*result);
    return true;
  };
  switch (PickleArgOf(opcode)) {
    case PickleArg::kNone:
      return true;
    case PickleArg::kU1:
      return fixed(reader_.ReadU8());
    case PickleArg::kU2:
      return fixed(reader_.ReadU16());
    case PickleArg::kU4:
      return fixed(reader_.ReadU32());
    case PickleArg::kU8:
      return fixed(reader_.ReadU64());
    case PickleArg::kLine:
      return ReadLine(&arg->text);
    case PickleArg::kTwoLines:
      return ReadLine(&arg->text) && ReadLine(&arg->text2);
    case PickleArg::kLen1:
      return fixed(reader_.ReadU8()) && ReadPayload(arg->number, &arg->text);
    case PickleArg::kLen4:
      return fixed(reader_.ReadU32()) && ReadPayload(arg->number, &arg->text);
    case PickleArg::kLenSigned4: {
      auto size = reader_.ReadI32();
      if (!size.ok()) return Fail(PickleProblem::kTruncated, size.status().message());
      if (*size < 0) {
        return Fail(PickleProblem::kBadArgument, "negative length " + std::to_string(*size));
      }
      arg->number = static_cast<uint64_t>(*size);
      return ReadPayload(arg->number, &arg->text);
    }
    case PickleArg::kLen8:
      return fixed(reader_.ReadU64()) && ReadPayload(arg->number, &arg->text);
    case PickleArg::kInvalid:
      break;
  }
  return Fail(PickleProblem::kUnknownOpcode, "no argument layout");
}

bool Walker::ReadLine(std::string_view* line) {
  const uint8_t* start = bytes_.data() + reader_.offset();
  const void* newline = std::memchr(start, '\n', reader_.remaining());
  if (newline == nullptr) {
    return Fail(PickleProblem::kTruncated, "a text argument has no terminating newline");
  }
  size_t size = static_cast<size_t>(static_cast<const uint8_t*>(newline) - start);
  auto bytes = reader_.ReadBytes(size + 1);
  if (!bytes.ok()) return Fail(PickleProblem::kTruncated, bytes.status().message());
  *line = std::string_view(reinterpret_cast<const char*>(bytes->data()), size);
  return true;
}

bool Walker::ReadPayload(uint64_t size, std::string_view* payload) {
  // A view, never a copy: BINBYTES8 payloads of gigabytes cost nothing but this check.
  auto bytes = reader_.ReadBytes(size);
  if (!bytes.ok()) {
    return Fail(PickleProblem::kTruncated, "declares " + std::to_string(size) + " bytes, " +
                                               std::to_string(reader_.remaining()) + " left");
  }
  *payload = std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  return true;
}

bool Walker::Fail(PickleProblem problem, std::string detail) {
  end_ = PickleEnd::kFailed;
  if (speculative_ && !executed_) return false;  // Run() reports it as trailing data
  PickleMalformation m{problem, op_offset_, opcode_, detail, executed_};
  visitor_.OnMalformed(m);
  return false;
}

bool Walker::Halt(std::string_view what) {
  end_ = PickleEnd::kHalted;
  visitor_.OnLimit(what, op_offset_, true);
  return false;
}

void Walker::NoteTableFull() {
  if (table_full_reported_) return;
  table_full_reported_ = true;
  visitor_.OnLimit("retained strings", op_offset_, false);
}

bool Walker::Dispatch(uint8_t opcode, const OpArg& arg) {
  bool handled = false;
  bool go_on = DispatchData(opcode, arg, &handled);
  if (handled) return go_on;
  go_on = DispatchCalls(opcode, arg, &handled);
  if (handled) return go_on;
  return DispatchMemo(opcode, arg);
}

// Opcodes that only move data: constants, containers, marks, framing.
bool Walker::DispatchData(uint8_t opcode, const OpArg& arg, bool* handled) {
  *handled = true;
  switch (opcode) {
    case op::kInt:
    case op::kBinInt:
    case op::kBinInt1:
    case op::kBinInt2:
    case op::kLong:
    case op::kLong1:
    case op::kLong4:
    case op::kFloat:
    case op::kBinFloat:
    case op::kNone:
    case op::kNewTrue:
    case op::kNewFalse:
    case op::kBinBytes:
    case op::kShortBinBytes:
    case op::kBinBytes8:
    case op::kByteArray8:
    case op::kEmptyDict:
    case op::kEmptyList:
    case op::kEmptyTuple:
    case op::kEmptySet:
    case op::kNextBuffer:
    case op::kPersId:
      return PushOpaque();
    case op::kBinString:
    case op::kShortBinString:
    case op::kBinUnicode:
    case op::kShortBinUnicode:
    case op::kBinUnicode8:
      return PushText(arg.text);
    case op::kString: {
      std::optional<std::string_view> plain = PlainQuotedString(arg.text);
      return plain ? PushText(*plain) : PushOpaque();
    }
    case op::kUnicode:  // raw-unicode-escape: without a backslash the bytes are the value
      return arg.text.find('\\') == std::string_view::npos ? PushText(arg.text) : PushOpaque();
    case op::kMark:
      return stack_.PushMark() || Halt("MARK nesting");
    case op::kPop:
      return stack_.PopItemOrMark() || Fail(PickleProblem::kStackUnderflow, "POP of nothing");
    case op::kPopMark:
      if (!NeedMark()) return false;
      stack_.PopMark();
      return true;
    case op::kDup: {
      if (!NeedFrame(1)) return false;
      return PushSymbol(*stack_.Top());
    }
    case op::kTuple1:
    case op::kTuple2:
    case op::kTuple3:
      if (!NeedFrame(opcode - op::kTuple1 + 1)) return false;
      for (int i = 0; i <= opcode - op::kTuple1; ++i) stack_.Pop();
      return PushOpaque();
    case op::kTuple:
    case op::kList:
    case op::kDict:
    case op::kFrozenSet:
      if (!NeedMark()) return false;
      stack_.PopMark();
      return PushOpaque();
    case op::kAppend:
      if (!NeedFrame(2)) return false;
      stack_.Pop();
      return true;
    case op::kSetItem:
      if (!NeedFrame(3)) return false;
      stack_.Pop();
      stack_.Pop();
      return true;
    case op::kAppends:
    case op::kSetItems:
    case op::kAddItems:
      return PopMarkedContainer();
    case op::kBinPersId:
    case op::kReadOnlyBuffer:
      if (!NeedFrame(1)) return false;
      if (opcode == op::kBinPersId) stack_.Pop();
      return opcode == op::kBinPersId ? PushOpaque() : true;
    case op::kProto:
      if (arg.number > static_cast<uint64_t>(kHighestPickleProtocol)) {
        return Fail(PickleProblem::kUnsupportedProtocol,
                    "protocol " + std::to_string(arg.number) + " (CPython reads up to 5)");
      }
      return true;
    case op::kFrame:
      // The frame's bytes are ordinary opcodes; only its length needs checking.
      if (arg.number > reader_.remaining()) {
        return Fail(PickleProblem::kTruncated, "FRAME of " + std::to_string(arg.number) +
                                                   " bytes, " +
                                                   std::to_string(reader_.remaining()) + " left");
      }
      return true;
    default:
      *handled = false;
      return true;
  }
}

// Opcodes that import or call: the ones that execute code when CPython unpickles.
bool Walker::DispatchCalls(uint8_t opcode, const OpArg& arg, bool* handled) {
  *handled = true;
  switch (opcode) {
    case op::kGlobal:
      return PushImport(arg.text, arg.text2);
    case op::kStackGlobal:
      return StackGlobal();
    case op::kInst: {
      if (!PushImport(arg.text, arg.text2)) return false;
      Symbol cls = *stack_.Pop();  // just pushed; the class comes before the mark check
      if (!NeedMark()) return false;
      stack_.PopMark();
      ReportCall(opcode, cls, false);
      return PushSymbol(InstanceOf(cls));
    }
    case op::kObj: {
      if (!NeedMark()) return false;
      const Symbol* cls = stack_.Peek(stack_.FrameSize() == 0 ? 0 : stack_.FrameSize() - 1);
      if (cls == nullptr) return Fail(PickleProblem::kStackUnderflow, "OBJ without a class");
      Symbol callable = *cls;
      stack_.PopMark();
      ReportCall(opcode, callable, false);
      return PushSymbol(InstanceOf(callable));
    }
    case op::kReduce:
    case op::kNewObj:
    case op::kNewObjEx: {
      size_t operands = opcode == op::kNewObjEx ? 3 : 2;
      if (!NeedFrame(operands)) return false;
      for (size_t i = 1; i < operands; ++i) stack_.Pop();
      Symbol callable = *stack_.Pop();
      ReportCall(opcode, callable, false);
      return PushSymbol(InstanceOf(callable));
    }
    case op::kBuild: {
      if (!NeedFrame(2)) return false;
      stack_.Pop();
      ReportCall(opcode, *stack_.Top(), true);
      return true;
    }
    case op::kExt1:
    case op::kExt2:
    case op::kExt4: {
      int64_t code =
          opcode == op::kExt4 ? static_cast<int32_t>(arg.number) : static_cast<int64_t>(arg.number);
      executed_ = true;
      visitor_.OnExtension(opcode, code, op_offset_);
      return PushSymbol({SymbolKind::kGlobal, kNoSymbolRef});
    }
    default:
      *handled = false;
      return true;
  }
}

bool Walker::DispatchMemo(uint8_t opcode, const OpArg& arg) {
  switch (opcode) {
    case op::kBinGet:
    case op::kLongBinGet:
      return MemoGet(arg.number);
    case op::kGet: {
      std::optional<int64_t> index = ParseDecimalIndex(arg.text);
      if (!index || *index < 0) return PushOpaque();  // CPython raises; reading on is safer
      return MemoGet(static_cast<uint64_t>(*index));
    }
    case op::kBinPut:
    case op::kLongBinPut:
    case op::kPut:
    case op::kMemoize: {
      if (!NeedFrame(1)) return false;
      Symbol top = *stack_.Top();
      if (opcode == op::kMemoize) {
        NoteMemoPut(memo_.Memoize(top));
        return true;
      }
      uint64_t index = arg.number;
      if (opcode == op::kPut) {
        std::optional<int64_t> parsed = ParseDecimalIndex(arg.text);
        if (!parsed || *parsed < 0) return true;  // CPython raises; a later GET will fail
        index = static_cast<uint64_t>(*parsed);
      }
      NoteMemoPut(memo_.Put(index, top));
      return true;
    }
    case op::kStop:
      if (!NeedFrame(1)) return false;
      end_ = PickleEnd::kStop;
      return false;
    default:
      return Fail(PickleProblem::kUnknownOpcode, "opcode without a handler");
  }
}

bool Walker::MemoGet(uint64_t index) {
  Symbol symbol;
  switch (memo_.Get(index, &symbol)) {
    case PickleMemo::Lookup::kFound:
      return PushSymbol(symbol);
    case PickleMemo::Lookup::kUnknown:
      return PushOpaque();
    case PickleMemo::Lookup::kMissing:
      break;
  }
  return Fail(PickleProblem::kBadMemo, "memo index " + std::to_string(index) + " was never set");
}

void Walker::NoteMemoPut(bool ok) {
  if (!ok) visitor_.OnLimit("memo entries", op_offset_, false);
}

bool Walker::PushSymbol(Symbol symbol) { return stack_.Push(symbol) || Halt("stack items"); }

bool Walker::PushText(std::string_view text) {
  uint32_t ref = table_.AddText(text);
  if (ref == kNoSymbolRef) {
    NoteTableFull();
    return PushOpaque();
  }
  return PushSymbol({SymbolKind::kString, ref});
}

bool Walker::PushImport(std::string_view module, std::string_view name) {
  executed_ = true;
  PickleImport import{module.substr(0, limits_.max_text), name.substr(0, limits_.max_text),
                      module.size() > limits_.max_text || name.size() > limits_.max_text, opcode_,
                      op_offset_};
  visitor_.OnImport(import);
  uint32_t ref = table_.AddGlobal(module, name);
  if (ref == kNoSymbolRef) NoteTableFull();
  return PushSymbol({SymbolKind::kGlobal, ref});
}

bool Walker::StackGlobal() {
  if (!NeedFrame(2)) return false;
  Symbol name = *stack_.Pop();
  Symbol module = *stack_.Pop();
  if (module.kind != SymbolKind::kString || name.kind != SymbolKind::kString) {
    executed_ = true;
    visitor_.OnUnresolvedImport(op_offset_, module.kind != SymbolKind::kString
                                                ? "the module is not a constant string"
                                                : "the name is not a constant string");
    return PushSymbol({SymbolKind::kGlobal, kNoSymbolRef});
  }
  // Copies: the views point into the table, which PushImport appends to.
  SymbolText m = table_.Text(module.ref);
  SymbolText n = table_.Text(name.ref);
  std::string module_text(m.text);
  std::string name_text(n.text);
  executed_ = true;
  PickleImport import{module_text, name_text, m.truncated || n.truncated, opcode_, op_offset_};
  visitor_.OnImport(import);
  uint32_t ref = table_.AddGlobal(module_text, name_text);
  if (ref == kNoSymbolRef) NoteTableFull();
  return PushSymbol({SymbolKind::kGlobal, ref});
}

void Walker::ReportCall(uint8_t opcode, Symbol callable, bool build_target) {
  executed_ = true;
  PickleCall call;
  call.opcode = opcode;
  call.offset = op_offset_;
  bool named = callable.ref != kNoSymbolRef &&
               (callable.kind == SymbolKind::kGlobal || callable.kind == SymbolKind::kInstance);
  call.on_import = build_target && callable.kind == SymbolKind::kGlobal;
  // A call's callable is a global; an instance's class is the global that made it. Calling
  // an instance (REDUCE on a call result) names nothing the walker knows.
  if (named && (build_target || callable.kind == SymbolKind::kGlobal)) {
    SymbolGlobal g = table_.Global(callable.ref);
    call.known = true;
    call.module = g.module.text;
    call.name = g.name.text;
    call.truncated = g.module.truncated || g.name.truncated;
  }
  visitor_.OnCall(call);
}

bool Walker::NeedFrame(size_t items) {
  if (stack_.FrameSize() >= items) return true;
  return Fail(PickleProblem::kStackUnderflow,
              std::string(PickleOpName(opcode_)) + " needs " + std::to_string(items) +
                  " item(s) above the last MARK, " + std::to_string(stack_.FrameSize()) + " there");
}

bool Walker::NeedMark() {
  if (stack_.HasMark()) return true;
  return Fail(PickleProblem::kMissingMark,
              std::string(PickleOpName(opcode_)) + " without a MARK before it");
}

// APPENDS, SETITEMS, ADDITEMS: the items above the mark go into the container just below it.
bool Walker::PopMarkedContainer() {
  if (!NeedMark()) return false;
  size_t items = stack_.PopMark();
  if (stack_.FrameSize() == 0) {
    return Fail(PickleProblem::kStackUnderflow,
                std::string(PickleOpName(opcode_)) + " has no container below its MARK");
  }
  if (opcode_ == op::kSetItems && items % 2 != 0) {
    return Fail(PickleProblem::kBadArgument, "SETITEMS with an odd number of items");
  }
  return true;
}

}  // namespace

PickleWalkSummary WalkPickles(std::span<const uint8_t> bytes, PickleVisitor& visitor,
                              const PickleWalkLimits& limits) {
  Walker walker(bytes, visitor, limits);
  return walker.Run();
}

}  // namespace bastion::model
