"""A minimal GGUF v3 writer with NumPy encoders for the tensor types the engine reads.

Independent of bastion's C++ GGUF code on purpose: models written here test bastion's
reader as much as its forward pass. Each encoder returns (bytes, dequantized float64 array),
so the reference computes with exactly the weights the file holds.
"""
import struct

import numpy as np

ALIGNMENT = 32
TYPES = {"F32": 0, "F16": 1, "Q4_0": 2, "Q8_0": 8, "Q4_K": 12, "Q6_K": 14, "BF16": 30}


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
    if dtype == "Q4_K":
        return _q4_k(x)
    if dtype == "Q6_K":
        return _q6_k(x)
    raise ValueError(dtype)


def _blocks(x):
    assert x.shape[-1] % 32 == 0, "quantized rows must be a multiple of 32"
    return x.reshape(-1, 32)


def _pack(scales_f16, payload_u8):
    """Blocks laid out as [f16 scale][payload bytes], vectorised (models of billions of
    weights are written in seconds)."""
    n = len(scales_f16)
    out = np.empty((n, 2 + payload_u8.shape[1]), dtype=np.uint8)
    out[:, :2] = scales_f16.astype("<f2").view(np.uint8).reshape(n, 2)
    out[:, 2:] = payload_u8
    return out.tobytes()


def _q8_0(x):
    blocks = _blocks(x)
    amax = np.abs(blocks).max(axis=1)
    d = (amax / 127.0).astype(np.float16)
    inv = np.where(d != 0, 1.0 / d.astype(np.float32), 0.0)
    q = np.clip(np.round(blocks * inv[:, None]), -127, 127).astype(np.int8)
    deq = d.astype(np.float64)[:, None] * q.astype(np.float64)
    return _pack(d, q.view(np.uint8)), deq.reshape(x.shape)


def _q4_0(x):
    blocks = _blocks(x)
    idx = np.abs(blocks).argmax(axis=1)
    signed_max = blocks[np.arange(len(blocks)), idx]
    d = (signed_max / -8.0).astype(np.float16)
    inv = np.where(d != 0, 1.0 / d.astype(np.float32), 0.0)
    q = np.clip(np.floor(blocks * inv[:, None] + 8.5), 0, 15).astype(np.uint8)
    packed = (q[:, :16] | (q[:, 16:] << 4)).astype(np.uint8)
    deq = d.astype(np.float64)[:, None] * (q.astype(np.float64) - 8)
    return _pack(d, packed), deq.reshape(x.shape)


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
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return struct.pack("<IIQ", 9, 8, len(v)) + b"".join(_string(x) for x in v)
    if isinstance(v, list) and all(isinstance(x, int) for x in v):
        return struct.pack("<IIQ", 9, 5, len(v)) + struct.pack(f"<{len(v)}i", *v)
    raise TypeError(type(v))


def write(path, metadata, tensors):
    """metadata: {key: bool|int(u32)|float(f32)|str|[str]|[int(i32)]}; tensors: [(name, dims, type, raw)]
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


def _superblocks(x):
    assert x.shape[-1] % 256 == 0, "K-quant rows must be a multiple of 256"
    return x.reshape(-1, 256).astype(np.float64)


def _q4_k(x):
    """Q4_K (144 bytes per 256): f16 d, f16 dmin, 12 bytes of 6-bit scales and mins for 8
    sub-blocks of 32, 128 bytes of 4-bit quants; y = d*sc*q - dmin*m."""
    raw = bytearray()
    deq = []
    for block in _superblocks(x):
        sub = block.reshape(8, 32)
        lo = np.minimum(sub.min(axis=1), 0.0)
        scale = np.maximum((sub.max(axis=1) - lo) / 15.0, 1e-8)
        d = np.float16(scale.max() / 63.0)
        dmin = np.float16((-lo).max() / 63.0) if (-lo).max() > 0 else np.float16(0)
        sc = np.clip(np.round(scale / np.float64(d)), 1, 63).astype(np.uint8)
        m = (np.clip(np.round(-lo / np.float64(dmin)), 0, 63).astype(np.uint8)
             if dmin != 0 else np.zeros(8, np.uint8))
        step = np.float64(d) * sc
        offset = np.float64(dmin) * m
        q = np.clip(np.round((sub + offset[:, None]) / step[:, None]), 0, 15).astype(np.uint8)
        packed_scales = bytearray(12)
        for j in range(4):
            packed_scales[j] = sc[j] | ((sc[j + 4] >> 4) << 6)
            packed_scales[j + 4] = m[j] | ((m[j + 4] >> 4) << 6)
            packed_scales[j + 8] = (sc[j + 4] & 0xF) | ((m[j + 4] & 0xF) << 4)
        qs = bytearray(128)
        for g in range(4):
            for l in range(32):
                qs[g * 32 + l] = q[2 * g, l] | (q[2 * g + 1, l] << 4)
        chunk = d.tobytes() + dmin.tobytes() + bytes(packed_scales) + bytes(qs)
        raw += chunk
        deq.append(_dequantize_q4_k(chunk))
    return bytes(raw), np.concatenate(deq).reshape(x.shape)


def _dequantize_q4_k(b):
    """From the bytes, as ggml's dequantize_row_q4_K reads them."""
    d = np.frombuffer(b[0:2], np.float16)[0].astype(np.float64)
    dmin = np.frombuffer(b[2:4], np.float16)[0].astype(np.float64)
    s, qs = b[4:16], b[16:144]

    def scale_min(j):
        if j < 4:
            return s[j] & 63, s[j + 4] & 63
        return (s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4), (s[j + 4] >> 4) | ((s[j] >> 6) << 4)

    out = np.empty(256)
    for g in range(4):
        sc1, m1 = scale_min(2 * g)
        sc2, m2 = scale_min(2 * g + 1)
        for l in range(32):
            byte = qs[g * 32 + l]
            out[g * 64 + l] = d * sc1 * (byte & 0xF) - dmin * m1
            out[g * 64 + 32 + l] = d * sc2 * (byte >> 4) - dmin * m2
    return out


def _q6_k(x):
    """Q6_K (210 bytes per 256): 128 bytes of low 4 bits, 64 of high 2 bits, 16 int8 scales
    of 16-element sub-blocks, f16 d; y = d*scale*(q - 32)."""
    raw = bytearray()
    deq = []
    for block in _superblocks(x):
        sub = block.reshape(16, 16)
        scale = np.maximum(np.abs(sub).max(axis=1) / 31.0, 1e-8)
        d = np.float16(scale.max() / 127.0)
        sc = np.clip(np.round(scale / np.float64(d)), 1, 127).astype(np.int8)
        step = np.float64(d) * sc.astype(np.float64)
        q = (np.clip(np.round(sub / step[:, None]), -32, 31) + 32).astype(np.uint8).reshape(256)
        ql, qh = bytearray(128), bytearray(64)
        for n in range(2):
            for l in range(32):
                q1, q2, q3, q4 = (q[n * 128 + l + 32 * k] for k in range(4))
                ql[n * 64 + l] = (q1 & 0xF) | ((q3 & 0xF) << 4)
                ql[n * 64 + l + 32] = (q2 & 0xF) | ((q4 & 0xF) << 4)
                qh[n * 32 + l] = (q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6)
        chunk = bytes(ql) + bytes(qh) + sc.tobytes() + d.tobytes()
        raw += chunk
        deq.append(_dequantize_q6_k(chunk))
    return bytes(raw), np.concatenate(deq).reshape(x.shape)


def _dequantize_q6_k(b):
    """From the bytes, as ggml's dequantize_row_q6_K reads them."""
    ql, qh = b[0:128], b[128:192]
    sc = np.frombuffer(b[192:208], np.int8).astype(np.float64)
    d = np.frombuffer(b[208:210], np.float16)[0].astype(np.float64)
    out = np.empty(256)
    for n in range(2):
        for l in range(32):
            h = qh[n * 32 + l]
            a, c = ql[n * 64 + l], ql[n * 64 + l + 32]
            values = [(a & 0xF) | ((h & 3) << 4), (c & 0xF) | (((h >> 2) & 3) << 4),
                      (a >> 4) | (((h >> 4) & 3) << 4), (c >> 4) | (((h >> 6) & 3) << 4)]
            for k in range(4):
                out[n * 128 + l + 32 * k] = d * sc[n * 8 + l // 16 + 2 * k] * (values[k] - 32)
    return out
