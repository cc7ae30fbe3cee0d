"""A minimal GGUF v3 writer with NumPy encoders for the tensor types the engine reads.

Independent of bastion's C++ GGUF code on purpose: models written here test bastion's
reader as much as its forward pass. Each encoder returns (bytes, dequantized float64 array),
so the reference computes with exactly the weights the file holds.
"""
import struct

import numpy as np

ALIGNMENT = 32
TYPES = {"F32": 0, "F16": 1, "Q4_0": 2, "Q8_0": 8, "BF16": 30}


def encode(values, dtype):
    """values: float array (rows, cols) or (n,). Returns (raw bytes, dequantized float64)."""
    x = np.asarray(values, dtype=np.float32)
    if dtype == "F32":
        return x.tobytes(), x.astype(np.float64)
    if dtype == "F16":
        h = x.astype(np.float16)
        return h.tobytes(), h.astype(np.float64)
    if dtype == "BF16":
        bits = x.view(np.uint32)
        rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
        back = (rounded.astype(np.uint32) << 16).view(np.float32)
        return rounded.tobytes(), back.astype(np.float64)
    if dtype == "Q8_0":
        return _q8_0(x)
    if dtype == "Q4_0":
        return _q4_0(x)
    raise ValueError(dtype)


def _blocks(x):
    assert x.shape[-1] % 32 == 0, "quantized rows must be a multiple of 32"
    return x.reshape(-1, 32)


def _q8_0(x):
    blocks = _blocks(x)
    amax = np.abs(blocks).max(axis=1)
    d = (amax / 127.0).astype(np.float16)
    inv = np.where(d != 0, 1.0 / d.astype(np.float32), 0.0)
    q = np.clip(np.round(blocks * inv[:, None]), -127, 127).astype(np.int8)
    raw = b"".join(d[i].tobytes() + q[i].tobytes() for i in range(len(blocks)))
    deq = d.astype(np.float64)[:, None] * q.astype(np.float64)
    return raw, deq.reshape(x.shape)


def _q4_0(x):
    blocks = _blocks(x)
    idx = np.abs(blocks).argmax(axis=1)
    signed_max = blocks[np.arange(len(blocks)), idx]
    d = (signed_max / -8.0).astype(np.float16)
    inv = np.where(d != 0, 1.0 / d.astype(np.float32), 0.0)
    q = np.clip(np.floor(blocks * inv[:, None] + 8.5), 0, 15).astype(np.uint8)
    packed = (q[:, :16] | (q[:, 16:] << 4)).astype(np.uint8)
    raw = b"".join(d[i].tobytes() + packed[i].tobytes() for i in range(len(blocks)))
    deq = d.astype(np.float64)[:, None] * (q.astype(np.float64) - 8)
    return raw, deq.reshape(x.shape)


def _string(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def _value(v):
    if isinstance(v, bool):
        return struct.pack("<I?", 7, v)
    if isinstance(v, int):
        return struct.pack("<II", 4, v)
    if isinstance(v, float):
        return struct.pack("<If", 6, v)
    if isinstance(v, str):
        return struct.pack("<I", 8) + _string(v)
    raise TypeError(type(v))


def write(path, metadata, tensors):
    """metadata: {key: bool|int(u32)|float(f32)|str}; tensors: [(name, dims, type, raw)]
    with dims in GGUF order (dims[0] varies fastest)."""
    out = bytearray(b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(metadata)))
    for key, value in metadata.items():
        out += _string(key) + _value(value)
    offset = 0
    for name, dims, dtype, raw in tensors:
        out += _string(name) + struct.pack("<I", len(dims))
        out += b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", TYPES[dtype], offset)
        offset += (len(raw) + ALIGNMENT - 1) // ALIGNMENT * ALIGNMENT
    out += b"\0" * (-len(out) % ALIGNMENT)
    for _, _, _, raw in tensors:
        out += raw + b"\0" * (-len(raw) % ALIGNMENT)
    with open(path, "wb") as f:
        f.write(out)
