#!/usr/bin/env python3
"""Writes tests/fuzz_corpus/pickle/: small benign pickles and .npy files as seeds, and one file
per trick a malicious or broken pickle uses. Built byte by byte with struct (the standard
library's pickle module is never asked to load anything). Run from the repository root:
python3 tests/model/pickle/make_fuzz_corpus.py
"""
import os
import struct

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "fuzz_corpus", "pickle")


def su(s): return b"\x8c" + bytes([len(s)]) + s.encode()            # SHORT_BINUNICODE
def bu(s): return b"X" + struct.pack("<I", len(s)) + s.encode()     # BINUNICODE
def glob(m, n): return b"c" + m.encode() + b"\n" + n.encode() + b"\n"
def call(m, n, arg): return glob(m, n) + su(arg) + b"\x85R"          # GLOBAL (arg,) REDUCE
P2, P4 = b"\x80\x02", b"\x80\x04"


def torch_state_dict(n):
    out = P2 + glob("collections", "OrderedDict") + b"q\x00)Rq\x01("
    for i in range(n):
        out += bu("layer%d.weight" % i)
        out += (glob("torch._utils", "_rebuild_tensor_v2") + b"q\x02") if i == 0 else b"h\x02"
        out += b"((" + bu("storage") + (glob("torch", "FloatStorage") + b"q\x03" if i == 0
                                         else b"h\x03")
        out += bu(str(i)) + bu("cpu") + b"K\x04tQK\x00K\x02K\x02\x86K\x02K\x01\x86\x89h\x00)RtR"
    return out + b"u}" + su("_metadata") + b"h\x00)Rsb."


def numpy_object_array():
    return (P2 + glob("numpy.core.multiarray", "_reconstruct") + glob("numpy", "ndarray") +
            b"K\x00\x85" + glob("_codecs", "encode") + su("b") + su("latin1") + b"\x86R\x87R(" +
            b"K\x01K\x02\x85" + glob("numpy", "dtype") + su("O8") + b"\x89\x88\x87R(K\x03" +
            su("|") + b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK?tb\x89](" + su("a") +
            b"K\x01etb.")


def npy(descr, shape, data, major=1):
    d = "{'descr': %s, 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    pre = 10 if major == 1 else 12
    d += " " * ((64 - (pre + len(d) + 1) % 64) % 64) + "\n"
    fmt = "<H" if major == 1 else "<I"
    return b"\x93NUMPY" + bytes([major, 0]) + struct.pack(fmt, len(d)) + d.encode() + data


def legacy_torch():
    magic = P2 + b"\x8a\x0a" + bytes.fromhex("6cfc9c46f9206aa85019") + b"."
    proto = P2 + b"M\xe9\x03."
    info = P2 + b"}" + su("little_endian") + b"\x88s."
    keys = P2 + b"](" + su("0") + b"e."
    return magic + proto + info + torch_state_dict(1) + keys + struct.pack("<Q", 640) + b"\0" * 64


FILES = {
    "valid_torch_state_dict": torch_state_dict(3),
    "valid_numpy_object_array": numpy_object_array(),
    "valid_legacy_torch": legacy_torch(),
    "valid_npy_f4": npy("'<f4'", "(2, 2)", b"\0" * 16),
    "valid_npy_v3_unicode": npy("'<U2'", "()", b"a\0\0\0b\0\0\0", major=3),
    "npy_object_os_system": npy("'|O'", "(1,)", P2 + call("os", "system", "id") + b"."),
    "npy_structured_object": npy("[('a', '<i4'), ('b', '|O')]", "(1,)", P2 + b"N."),
    "npy_size_mismatch": npy("'<f8'", "(3,)", b"\0" * 7),
    "npy_huge_header_length": b"\x93NUMPY\x02\x00\xff\xff\xff\xff{",
    "npy_unquoted_descr": npy("f4", "(1,)", b"\0" * 4),
    "proto0_os_system": b"cos\nsystem\n(S'id'\ntR.",
    "proto0_builtin_eval": b"c__builtin__\neval\n(S'1+1'\ntR.",
    "proto0_inst_subprocess": b"(S'id'\nisubprocess\ncheck_output\n.",
    "proto0_put_get_stack_global": b"\x80\x04" + su("os") + b"p7\n0" + su("system") +
                                   b"p8\n0g7\ng8\n\x93" + su("id") + b"\x85R.",
    "proto2_posix_system": P2 + call("posix", "system", "id") + b".",
    "proto2_obj": P2 + b"(" + glob("os", "popen") + su("id") + b"o.",
    "proto2_newobj_build": P2 + glob("evil", "Payload") + b")\x81}b.",
    "proto2_build_on_global": P2 + glob("collections", "OrderedDict") + b"N}\x86b.",
    "proto2_pip_main": P2 + call("pip", "main", "install") + b".",
    "proto2_runpy": P2 + call("runpy", "_run_code", "x") + b".",
    "proto2_nested_pickle": P2 + call("_pickle", "loads", "x") + b".",
    "proto2_commands_py2": P2 + call("commands", "getoutput", "id") + b".",
    "proto2_ext1": P2 + b"\x82\x01)R.",
    "proto2_ext4_negative": P2 + b"\x84\xff\xff\xff\xff)R.",
    "proto4_stack_global_memo": P4 + b"\x95\x1b" + b"\0" * 7 + su("builtins") + b"\x94" +
                                su("eval") + b"\x94\x93" + su("1+1") + b"\x85R.",
    "proto4_stack_global_long_binget": P4 + su("os") + b"r\x70\x11\x01\x000" + su("system") +
                                       b"r\x71\x11\x01\x000j\x70\x11\x01\x00j\x71\x11\x01\x00\x93.",
    "proto4_getattr_walk": P4 + su("builtins") + b"\x94" + su("getattr") + b"\x93h\x00" +
                           su("__import__") + b"\x93" + su("os") + b"\x85R" + su("system") +
                           b"\x86R" + su("id") + b"\x85R.",
    "proto4_unresolved_from_call": P4 + glob("builtins", "str") + su("o") + b"\x85R" +
                                   su("system") + b"\x93)R.",
    "proto4_dotted_name_walk": P4 + su("torch._utils") + su("_rebuild_tensor_v2.__globals__") +
                               b"\x93.",
    "proto4_long_name": P4 + su("collections") + bu("OrderedDict" + "x" * 600) + b"\x93.",
    "torch_then_evil_second_pickle": torch_state_dict(1) + P2 + call("os", "system", "id") + b".",
    # A call whose callable is a string, then BUILD on the result (found by libFuzzer).
    "build_on_call_of_string": P4 + su("os") + b")\x81}b.",
    "trailing_garbage": P2 + b"N.garbage after the pickle",
    "truncated_torch": torch_state_dict(2)[:-40],
    "empty": b"",
    "unknown_opcode": P2 + b"\xff",
    "protocol_6": b"\x80\x06N.",
    "binbytes8_huge": P4 + b"\x8e" + struct.pack("<Q", 2 ** 63) + b"x",
    "binunicode8_wraps": P4 + b"\x8d" + struct.pack("<Q", 2 ** 64 - 1) + b"x",
    "binstring_negative": b"T\xff\xff\xff\xffx.",
    "frame_past_end": P4 + b"\x95" + struct.pack("<Q", 1 << 40) + b"N.",
    "deep_marks": P2 + b"(" * 3000 + glob("os", "system") + b".",
    "memo_out_of_range": P2 + b"h\x09.",
    "long_binget_out_of_range": P2 + b"j\xff\xff\xff\xff.",
    "stack_underflow_reduce": P2 + b"R.",
    "underflow_below_mark": P2 + b"N(\x85.",
    "setitems_odd": P2 + b"}(K\x01u.",
    "pop_mark_without_mark": P2 + b"1.",
    "stop_on_empty": b".",
    "global_without_newline": b"cos\nsystem",
    "many_pickles": (P2 + b"N.") * 80,
    "many_memo_puts": P2 + b"".join(b"N\x94" for _ in range(1000)) + b".",
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in FILES.items():
        assert len(data) < 4096, name
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("wrote %d files to %s" % (len(FILES), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
