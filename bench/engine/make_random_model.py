"""Writes a random-weight GGUF of a given decoder shape, for speed measurements only (its
output is noise). Default: DeepSeek-R1-Distill-Qwen-1.5B's shape (hidden 1536, 28 layers,
12 heads, 2 KV heads, FFN 8960, vocab 151936, untied output) at Q8_0, about 1.9 GB.
--type Q4_K_M mixes types as llama.cpp's Q4_K_M does: Q6_K for the output and for attn_v and
ffn_down in half of the layers, Q4_K elsewhere.

    /usr/bin/python3 bench/engine/make_random_model.py OUT.gguf [--type Q8_0] [--layers 28]
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "engine", "reference"))
import gguf_write  # noqa: E402


def random_k_quant(rng, rows, cols, dtype):
    """Random Q4_K or Q6_K bytes: random quants under random sub-block scales, weights of
    about 0.02 around zero. gguf_write's K-quant encoders loop over blocks in Python (hours for
    this model), and the weights are noise anyway."""
    n = rows * cols // 256
    if dtype == "Q6_K":  # ql, qh, 16 int8 scales, f16 d; q - 32 has a deviation of about 18.5
        sc = rng.integers(64, 128, (n, 16)) * rng.choice([-1, 1], (n, 16))
        d = np.full((n, 1), 0.02 / (96 * 18.5), np.float16)
        return np.hstack([rng.integers(0, 256, (n, 192), dtype=np.uint8),
                          sc.astype(np.int8).view(np.uint8), d.view(np.uint8)]).tobytes()
    # Q4_K: f16 d and dmin, 6-bit scales and mins packed in 12 bytes, 4-bit quants. The mins
    # centre each sub-block: dmin*m ~ d*sc*7.5 with dmin = 8d. q has a deviation of about 4.6.
    d = 0.02 / (48 * 4.6)
    sc = rng.integers(32, 64, (n, 8))
    m = np.round(sc * 7.5 / 8).astype(np.int64)
    packed = np.empty((n, 12), np.int64)
    packed[:, 0:4] = sc[:, :4] | ((sc[:, 4:] >> 4) << 6)
    packed[:, 4:8] = m[:, :4] | ((m[:, 4:] >> 4) << 6)
    packed[:, 8:12] = (sc[:, 4:] & 0xF) | ((m[:, 4:] & 0xF) << 4)
    ds = np.tile(np.array([d, 8 * d], np.float16), (n, 1))
    return np.hstack([ds.view(np.uint8), packed.astype(np.uint8),
                      rng.integers(0, 256, (n, 128), dtype=np.uint8)]).tobytes()


def uses_more_bits(layer, layers):
    """llama.cpp's Q4_K_M choice of the layers whose attn_v and ffn_down get Q6_K."""
    return layer < layers // 8 or layer >= 7 * layers // 8 or (layer - layers // 8) % 3 == 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--type", default="Q8_0",
                    choices=["F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K", "Q4_K_M"])
    ap.add_argument("--hidden", type=int, default=1536)
    ap.add_argument("--layers", type=int, default=28)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--ffn", type=int, default=8960)
    ap.add_argument("--vocab", type=int, default=151936)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    h, kv = args.hidden, args.hidden // args.heads * args.kv_heads
    tensors = []

    def matrix(name, rows, cols, dtype=args.type):
        if dtype == "Q4_K_M":
            dtype = "Q4_K"
        if dtype in ("Q4_K", "Q6_K"):
            raw = random_k_quant(rng, rows, cols, dtype)
        else:
            raw, _ = gguf_write.encode(rng.standard_normal((rows, cols), dtype=np.float32) * 0.02,
                                       dtype)
        tensors.append((name, [cols, rows], dtype, raw))

    def mixed(name, layer=None):
        """Q6_K where Q4_K_M has it."""
        more = layer is None or (name in ("attn_v", "ffn_down")
                                 and uses_more_bits(layer, args.layers))
        return "Q6_K" if args.type == "Q4_K_M" and more else args.type

    def vector(name, n, value=None):
        v = np.full(n, value, np.float32) if value is not None else rng.standard_normal(n, dtype=np.float32) * 0.02
        tensors.append((name, [n], "F32", v.tobytes()))

    matrix("token_embd.weight", args.vocab, h)
    vector("output_norm.weight", h, 1.0)
    matrix("output.weight", args.vocab, h, mixed("output"))
    for i in range(args.layers):
        p = f"blk.{i}."
        vector(p + "attn_norm.weight", h, 1.0)
        vector(p + "ffn_norm.weight", h, 1.0)
        for name, rows, cols in [("attn_q", h, h), ("attn_k", kv, h), ("attn_v", kv, h),
                                 ("attn_output", h, h), ("ffn_gate", args.ffn, h),
                                 ("ffn_up", args.ffn, h), ("ffn_down", h, args.ffn)]:
            matrix(p + name + ".weight", rows, cols, mixed(name, i))
        for name, n in [("attn_q", h), ("attn_k", kv), ("attn_v", kv)]:
            vector(p + name + ".bias", n)
        print(f"layer {i + 1}/{args.layers}", file=sys.stderr, end="\r")
    meta = {"general.architecture": "qwen2", "general.name": "random R1-Distill-Qwen-1.5B shape",
            "qwen2.context_length": 131072, "qwen2.embedding_length": h,
            "qwen2.block_count": args.layers, "qwen2.feed_forward_length": args.ffn,
            "qwen2.attention.head_count": args.heads, "qwen2.attention.head_count_kv": args.kv_heads,
            "qwen2.attention.layer_norm_rms_epsilon": 1e-6, "qwen2.rope.freq_base": 10000.0}
    gguf_write.write(args.out, meta, tensors)
    print(f"\nwrote {args.out}: {os.path.getsize(args.out) / 1e9:.2f} GB", file=sys.stderr)


if __name__ == "__main__":
    main()
