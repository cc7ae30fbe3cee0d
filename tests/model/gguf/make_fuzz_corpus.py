#!/usr/bin/env python3
"""Writes tests/fuzz_corpus/gguf/: small valid GGUF files and one file per reader check,
each built to fail it. Run from the repository root: python3 tests/model/gguf/make_fuzz_corpus.py
"""
import os
import struct

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "fuzz_corpus", "gguf")

U8, I8, U16, I16, U32, I32, F32, BOOL, STR, ARR, U64, I64, F64 = range(13)
FMT = {U8: "B", I8: "b", U16: "H", I16: "h", U32: "I", I32: "i", F32: "f", BOOL: "B",
       U64: "Q", I64: "q", F64: "d"}
GGML_F32, GGML_F16, GGML_Q4_0, GGML_Q8_0, GGML_Q4_K, GGML_Q6_K, GGML_BF16 = 0, 1, 2, 8, 12, 14, 30


def u32(v): return struct.pack("<I", v)
def u64(v): return struct.pack("<Q", v)
def gstr(s): return u64(len(s)) + (s.encode() if isinstance(s, str) else s)
def header(tensors, kvs, version=3): return b"GGUF" + u32(version) + u64(tensors) + u64(kvs)


def scalar(t, v):
    return gstr(v) if t == STR else struct.pack("<" + FMT[t], v)


def kv(key, t, v):
    if t == ARR:
        et, items = v
        return gstr(key) + u32(ARR) + u32(et) + u64(len(items)) + b"".join(
            scalar(et, x) for x in items)
    return gstr(key) + u32(t) + scalar(t, v)


def tensor(name, dims, ggml_type, offset):
    return gstr(name) + u32(len(dims)) + b"".join(u64(d) for d in dims) + u32(ggml_type) + u64(
        offset)


def pad(b, a=32): return b + b"\0" * ((a - len(b) % a) % a)


def model(kvs, tensors, data, align=32, version=3):
    """kvs: list of kv() bytes; tensors: list of tensor() bytes; data: bytes after padding."""
    return pad(header(len(tensors), len(kvs), version) + b"".join(kvs) + b"".join(tensors),
               align) + data


SMALL_KVS = [kv("general.architecture", STR, "llama"), kv("llama.block_count", U32, 1),
             kv("tokenizer.ggml.tokens", ARR, (STR, ["<s>", "</s>", "a", ""])),
             kv("tokenizer.ggml.scores", ARR, (F32, [0.0, -1.5, 2.0, 0.25])),
             kv("tokenizer.ggml.add_bos_token", BOOL, 1)]
SMALL_TENSORS = [tensor("token_embd.weight", [32, 1], GGML_Q8_0, 0),
                 tensor("output_norm.weight", [8], GGML_F32, 64)]
SMALL_DATA = pad(bytes(range(34))) + b"\x00\x00\x80\x3f" * 8


def every_type():
    kvs = [kv("general.alignment", U32, 64)]
    values = {U8: 200, I8: -5, U16: 60000, I16: -300, U32: 7, I32: -7, F32: 1.5, BOOL: 0,
              STR: "text", U64: 2**63, I64: -2**40, F64: -0.125}
    for t, v in values.items():
        kvs.append(kv("s.%d" % t, t, v))
        kvs.append(kv("a.%d" % t, ARR, (t, [v, v])))
    tensors, data, off = [], b"", 0
    for name, dims, t, size in [("q4_k", [256], GGML_Q4_K, 144), ("q6_k", [256], GGML_Q6_K, 210),
                                ("q4_0", [32, 2], GGML_Q4_0, 36), ("f16", [3], GGML_F16, 6),
                                ("bf16", [2, 2], GGML_BF16, 8)]:
        tensors.append(tensor(name, dims, t, off))
        chunk = pad(bytes((i * 13) & 0xFF for i in range(size)), 64)
        data += chunk
        off += len(chunk)
    return model(kvs, tensors, data, align=64)


def one_tensor(dims, ggml_type=GGML_F32, offset=0, data=64):
    return model([], [tensor("w", dims, ggml_type, offset)], b"\0" * data)


CORPUS = {
    "valid_minimal": model([], [], b""),
    "valid_small": model(SMALL_KVS, SMALL_TENSORS, SMALL_DATA),
    "valid_every_type": every_type(),
    "truncated_header": header(0, 0)[:10],
    "version_1": model(SMALL_KVS, [], b"", version=1),
    "big_endian": model([], [], b"", version=0x03000000),
    "huge_kv_count": header(0, 2**63) + kv("k", U8, 1),
    "huge_tensor_count": header(2**64 - 1, 0) + b"\0" * 64,
    "huge_key_length": header(0, 1) + u64(2**64 - 1) + b"k" * 16,
    "huge_string_value": header(0, 1) + gstr("k") + u32(STR) + u64(2**63) + b"v" * 16,
    "unknown_value_type": header(0, 1) + gstr("k") + u32(13) + b"\0" * 8,
    "nested_array": header(0, 1) + gstr("k") + u32(ARR) + u32(ARR) + u64(1) + u32(U8) + u64(
        1) + b"\1",
    "array_too_long": header(0, 1) + gstr("k") + u32(ARR) + u32(U32) + u64(1000) + u32(1) * 3,
    "array_count_wraps": header(0, 1) + gstr("k") + u32(ARR) + u32(U64) + u64(2**62) + b"\0" * 8,
    "string_array_truncated": header(0, 1) + gstr("k") + u32(ARR) + u32(STR) + u64(2) + gstr(
        "ok") + u64(99) + b"abc",
    "bool_value_2": model([kv("k", BOOL, 2)], [], b""),
    "duplicate_key": model([kv("general.name", STR, "a"), kv("general.name", STR, "b")], [], b""),
    "alignment_not_power_of_two": model([kv("general.alignment", U32, 48)],
                                        [tensor("w", [4], GGML_F32, 0)], b"\0" * 64, align=48),
    "alignment_wrong_type": model([kv("general.alignment", U64, 32)], [], b""),
    "alignment_zero": model([kv("general.alignment", U32, 0)], [tensor("w", [4], GGML_F32, 0)],
                            b"\0" * 64),
    "misaligned_offset": one_tensor([4], offset=4),
    "overlapping_tensors": model([], [tensor("a", [16], GGML_F32, 0),
                                      tensor("b", [8], GGML_F32, 32)], b"\0" * 96),
    "dims_overflow": one_tensor([2**32, 2**32]),
    "n_dims_0": one_tensor([]),
    "n_dims_5": one_tensor([1, 1, 1, 1, 1]),
    "dim_zero": one_tensor([4, 0]),
    "unknown_ggml_type": one_tensor([32], ggml_type=99),
    "unsupported_iq_type": one_tensor([256], ggml_type=16, data=256),
    "block_size_mismatch": one_tensor([33], ggml_type=GGML_Q8_0),
    "duplicate_tensor_name": model([], [tensor("w", [4], GGML_F32, 0),
                                        tensor("w", [4], GGML_F32, 32)], b"\0" * 64),
    "offset_past_eof": one_tensor([4], offset=1 << 20),
    "offset_plus_size_wraps": one_tensor([16], offset=2**64 - 32),
    "no_data_padding": header(1, 0) + tensor("w", [1], GGML_F32, 0),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in CORPUS.items():
        assert len(data) < 64 * 1024, name
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("wrote %d files to %s" % (len(CORPUS), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
