#!/usr/bin/env python3
"""Writes tests/fuzz_corpus/safetensors/: small valid safetensors files, a few sharded-checkpoint
index files (index_*), and one file per reader check, each built to fail it. Stdlib only.
Run from the repository root: /usr/bin/python3 tests/model/safetensors/make_fuzz_corpus.py
"""
import json
import os
import struct

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "fuzz_corpus", "safetensors")


def u64(v): return struct.pack("<Q", v)


def raw(header, data=b"", size=None):
    """A file with `header` (str or bytes) as its JSON text, verbatim, and `data` after it."""
    h = header.encode() if isinstance(header, str) else header
    return u64(len(h) if size is None else size) + h + data


def st(tensors, data, metadata=None, pad=True):
    """tensors: list of (name, dtype, shape, [begin, end]); header padded to 8 like HF's."""
    entries = {}
    if metadata is not None:
        entries["__metadata__"] = metadata
    for name, dtype, shape, offsets in tensors:
        entries[name] = {"dtype": dtype, "shape": shape, "data_offsets": offsets}
    h = json.dumps(entries, separators=(",", ":"))
    if pad:
        h += " " * ((8 - len(h) % 8) % 8)
    return raw(h, data)


def one(shape, offsets, data, dtype="F32"):
    return st([("w", dtype, shape, offsets)], data)


def entry(body):
    """A header with one tensor 'w' whose entry is the JSON text `body`."""
    return '{"w":' + body + '}'


def every_dtype():
    tensors, off = [], 0
    for d, s in [("F64", 8), ("F32", 4), ("F16", 2), ("BF16", 2), ("I64", 8), ("I32", 4),
                 ("I16", 2), ("I8", 1), ("U8", 1), ("BOOL", 1), ("F8_E4M3", 1),
                 ("F8_E5M2", 1)]:
        tensors.append((d.lower(), d, [3], [off, off + 3 * s]))
        off += 3 * s
    return st(tensors, bytes((i * 7) & 0xFF for i in range(off)))


W16 = '"dtype":"F32","shape":[4],"data_offsets":[0,16]'
DATA = bytes(range(64))

CORPUS = {
    "valid_minimal": raw("{}"),
    "valid_small": st([("a", "F32", [2, 2], [0, 16]), ("b", "BF16", [3], [16, 22]),
                       ("c", "U8", [], [22, 23]), ("empty", "F16", [0, 5], [23, 23])],
                      DATA[:23], metadata={"format": "pt"}),
    "valid_every_dtype": every_dtype(),
    "valid_unsorted_offsets": st([("z", "I32", [1], [8, 12]), ("a", "I64", [1], [0, 8])],
                                 DATA[:12]),
    "too_short": b"\x02\0\0\0\0",
    "header_size_huge": u64(2**64 - 1) + b"{}",
    "header_size_over_limit": u64((100 << 20) + 1) + b"{}",
    "header_size_past_eof": raw("{}", size=3),
    "header_size_zero": raw("", DATA[:8]),
    "not_an_object_start": raw(' {"w":{}}'),
    "json_array": raw("[1,2]"),
    "bom": raw(b"\xef\xbb\xbf{}"),
    "invalid_json": raw('{"w":{"dtype":"F32",'),
    "invalid_utf8": raw(b'{"\xff":{}}'),
    "newline_padding": raw("{}\n"),
    "trailing_garbage": raw("{} x"),
    "nul_padding": raw(b"{}\0\0"),
    "duplicate_top_key": raw('{"w":{' + W16 + '},"w":{' + W16 + '}}', DATA[:16]),
    "duplicate_escaped_key": raw('{"w":{' + W16 + '},"\\u0077":{' + W16 + '}}', DATA[:16]),
    "duplicate_nested_key": raw(entry('{"dtype":"F32","dtype":"F16","shape":[4],'
                                      '"data_offsets":[0,16]}'), DATA[:16]),
    "duplicate_metadata_key": raw('{"__metadata__":{"a":"1","a":"2"}}'),
    "unknown_dtype": one([4], [0, 16], DATA[:16], dtype="F9"),
    "u16_dtype": one([4], [0, 8], DATA[:8], dtype="U16"),
    "shape_overflow": one([2**40, 2**40], [0, 16], DATA[:16]),
    "byte_size_overflow": one([2**62 + 1], [0, 4], DATA[:4]),
    "negative_dim": one([-1], [0, 16], DATA[:16]),
    "float_dim": raw(entry('{"dtype":"F32","shape":[4.0],"data_offsets":[0,16]}'), DATA[:16]),
    "dim_too_big_for_u64": raw(entry('{"dtype":"F32","shape":[18446744073709551616],'
                                     '"data_offsets":[0,16]}'), DATA[:16]),
    "rank_9": one([1] * 9, [0, 4], DATA[:4]),
    "string_dim": raw(entry('{"dtype":"F32","shape":["4"],"data_offsets":[0,16]}'), DATA[:16]),
    "size_mismatch": one([4], [0, 12], DATA[:12]),
    "offsets_reversed": one([4], [16, 0], DATA[:16]),
    "offsets_three": raw(entry('{"dtype":"F32","shape":[4],"data_offsets":[0,16,16]}'),
                         DATA[:16]),
    "offsets_overlap": st([("a", "F32", [4], [0, 16]), ("b", "F32", [4], [8, 24])], DATA[:24]),
    "offsets_gap": st([("a", "F32", [2], [0, 8]), ("b", "F32", [2], [12, 20])], DATA[:20]),
    "offsets_not_at_zero": one([2], [4, 12], DATA[:12]),
    "offsets_past_eof": one([4], [0, 16], DATA[:8]),
    "trailing_bytes": one([2], [0, 8], DATA[:12]),
    "data_without_tensors": raw("{}", DATA[:4]),
    "extra_member": raw(entry('{' + W16 + ',"extra":1}'), DATA[:16]),
    "missing_shape": raw(entry('{"dtype":"F32","data_offsets":[0,16]}'), DATA[:16]),
    "tensor_not_object": raw('{"w":[1]}'),
    "metadata_non_string": raw('{"__metadata__":{"format":1}}'),
    "metadata_not_object": raw('{"__metadata__":"pt"}'),
    "deep_nesting": raw('{"__metadata__":' + "[" * 40 + "]" * 40 + "}"),
    "empty_name": raw('{"":{' + W16 + '}}', DATA[:16]),
    "long_name": st([("n" * 1025, "F32", [4], [0, 16])], DATA[:16]),
    "index_valid": json.dumps({"metadata": {"total_size": 32}, "weight_map": {
        "a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}},
        indent=2).encode(),
    "index_shard_escapes": json.dumps({"weight_map": {"a": "../model.safetensors"}}).encode(),
    "index_absolute_shard": json.dumps({"weight_map": {"a": "/etc/passwd.safetensors"}}).encode(),
    "index_duplicate_key": b'{"weight_map":{"a":"x.safetensors","a":"y.safetensors"}}',
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.remove(os.path.join(OUT, name))
    for name, data in CORPUS.items():
        assert len(data) < 4096, name
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("wrote %d files to %s" % (len(CORPUS), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
