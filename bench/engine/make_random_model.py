"""Writes a random-weight GGUF of a given decoder shape, for speed measurements only (its
output is noise). Default: DeepSeek-R1-Distill-Qwen-1.5B's shape (hidden 1536, 28 layers,
12 heads, 2 KV heads, FFN 8960, vocab 151936, untied output) at Q8_0, about 1.9 GB.

    /usr/bin/python3 bench/engine/make_random_model.py OUT.gguf [--type Q8_0] [--layers 28]
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "engine", "reference"))
import gguf_write  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--type", default="Q8_0", choices=["F32", "F16", "BF16", "Q8_0", "Q4_0"])
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

    def matrix(name, rows, cols):
        raw, _ = gguf_write.encode(rng.standard_normal((rows, cols), dtype=np.float32) * 0.02,
                                   args.type)
        tensors.append((name, [cols, rows], args.type, raw))

    def vector(name, n, value=None):
        v = np.full(n, value, np.float32) if value is not None else rng.standard_normal(n, dtype=np.float32) * 0.02
        tensors.append((name, [n], "F32", v.tobytes()))

    matrix("token_embd.weight", args.vocab, h)
    vector("output_norm.weight", h, 1.0)
    matrix("output.weight", args.vocab, h)
    for i in range(args.layers):
        p = f"blk.{i}."
        vector(p + "attn_norm.weight", h, 1.0)
        vector(p + "ffn_norm.weight", h, 1.0)
        for name, rows, cols in [("attn_q", h, h), ("attn_k", kv, h), ("attn_v", kv, h),
                                 ("attn_output", h, h), ("ffn_gate", args.ffn, h),
                                 ("ffn_up", args.ffn, h), ("ffn_down", h, args.ffn)]:
            matrix(p + name + ".weight", rows, cols)
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
