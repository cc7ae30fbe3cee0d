"""Checks bastion's forward pass against the NumPy reference on small random Llama and Qwen2
models, in every weight type the engine reads:

    /usr/bin/python3 tests/engine/reference/check_forward.py BASTION_BIN

For each architecture and type (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K) it writes a random
model (GQA, Qwen2's q/k/v biases and untied output, Llama's tied embedding and Llama 3.1 RoPE
scaling), runs `bastion logits --all-positions` on random tokens, and compares every position's
logits, and through the prompt path (`--hidden-states`) every layer's output at every position. Both sides compute
with the weights the file holds (the reference dequantizes them itself), so the tolerance
measures the forward pass, not quantization error. Exit status 1 on any mismatch.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

import gguf_write
from reference_forward import forward

# Largest |bastion - reference| allowed, relative to the largest |reference logit|, for the
# exact kernels (`--kernels reference`) and for the fast ones. The fast kernels for quantized
# weights round the activations to 8 bits, as llama.cpp's do: through two layers of these
# random (and so badly conditioned) models that moves logits by a few percent. The kernels
# themselves are checked exactly against the reference on the rounded activations in
# matvec_fast_test.cc and kquant_avx2_test.cc.
TOLERANCE = {"F32": 2e-5, "F16": 2e-5, "BF16": 2e-5, "Q8_0": 2e-5, "Q4_0": 2e-5, "Q4_K": 2e-5,
             "Q6_K": 2e-5}
FAST_TOLERANCE = dict(TOLERANCE, Q8_0=1e-1, Q4_0=1e-1, Q4_K=1e-1, Q6_K=1e-1)
HEADS, KV_HEADS, VOCAB, LAYERS, CONTEXT = 4, 2, 128, 2, 64


def dims(dtype):
    """(hidden, feed-forward): K-quant rows hold whole 256-element super-blocks."""
    return (256, 512) if dtype.endswith("_K") else (64, 96)


def make_model(variant, dtype, rng):
    """variant: "llama" (Llama 3.1 scaling keys), "llama+rope_freqs" (the scaling as a
    rope_freqs.weight tensor, as llama.cpp's converter writes it) or "qwen2"."""
    arch = variant.split("+")[0]
    EMBED, FF = dims(dtype)
    hd = EMBED // HEADS
    cfg = {"head_dim": hd, "heads": HEADS, "kv_heads": KV_HEADS, "eps": 1e-5,
           "rope_base": 10000.0 if arch == "qwen2" else 500000.0,
           "interleaved": arch == "llama",
           "llama3_scaling": (8.0, 1.0, 4.0, 16) if variant == "llama" else None}
    meta = {"general.architecture": arch, f"{arch}.context_length": CONTEXT,
            f"{arch}.embedding_length": EMBED, f"{arch}.block_count": LAYERS,
            f"{arch}.feed_forward_length": FF, f"{arch}.attention.head_count": HEADS,
            f"{arch}.attention.head_count_kv": KV_HEADS,
            f"{arch}.attention.layer_norm_rms_epsilon": 1e-5,
            f"{arch}.rope.freq_base": cfg["rope_base"]}
    if variant == "llama":
        meta.update({"llama.rope.scaling.type": "llama3", "llama.rope.scaling.factor": 8.0,
                     "llama.rope.scaling.low_freq_factor": 1.0,
                     "llama.rope.scaling.high_freq_factor": 4.0,
                     "llama.rope.scaling.original_context_length": 16})
    tensors, weights = [], {"layers": []}

    def add(name, shape, kind, scale=0.5):
        values = rng.standard_normal(shape) * scale
        if kind == "norm":
            values = 1.0 + 0.1 * rng.standard_normal(shape)
        raw, deq = gguf_write.encode(values, dtype if kind == "matrix" else "F32")
        tensors.append((name, list(reversed(shape)), dtype if kind == "matrix" else "F32", raw))
        return deq

    kv = KV_HEADS * hd
    if variant == "llama+rope_freqs":
        factors = 1.0 + 7.0 * rng.random(hd // 2)
        tensors.append(("rope_freqs.weight", [hd // 2], "F32", factors.astype(np.float32).tobytes()))
        cfg["rope_factors"] = factors.astype(np.float32).astype(np.float64)
    weights["token_embd"] = add("token_embd.weight", (VOCAB, EMBED), "matrix")
    weights["output_norm"] = add("output_norm.weight", (EMBED,), "norm")
    if arch == "qwen2":  # untied output, as R1-Distill-Qwen
        weights["output"] = add("output.weight", (VOCAB, EMBED), "matrix")
    for i in range(LAYERS):
        p = f"blk.{i}."
        layer = {"attn_norm": add(p + "attn_norm.weight", (EMBED,), "norm"),
                 "ffn_norm": add(p + "ffn_norm.weight", (EMBED,), "norm")}
        for key, name, shape in [("q", "attn_q", (EMBED, EMBED)), ("k", "attn_k", (kv, EMBED)),
                                 ("v", "attn_v", (kv, EMBED)), ("o", "attn_output", (EMBED, EMBED)),
                                 ("gate", "ffn_gate", (FF, EMBED)), ("up", "ffn_up", (FF, EMBED)),
                                 ("down", "ffn_down", (EMBED, FF))]:
            layer[key] = add(p + name + ".weight", shape, "matrix", scale=0.2)
        if arch == "qwen2":
            for key, name, n in [("q_bias", "attn_q", EMBED), ("k_bias", "attn_k", kv),
                                 ("v_bias", "attn_v", kv)]:
                layer[key] = add(p + name + ".bias", (n,), "bias", scale=0.3)
        weights["layers"].append(layer)
    return meta, tensors, weights, cfg


def check(bastion, arch, dtype, workdir, rng):
    meta, tensors, weights, cfg = make_model(arch, dtype, rng)
    path = os.path.join(workdir, f"{arch.replace('+', '-')}-{dtype}.gguf")
    gguf_write.write(path, meta, tensors)
    tokens = rng.integers(0, VOCAB, size=9)
    want_hidden = []
    want = forward(weights, cfg, tokens, want_hidden)
    ok = True
    # Every position token by token, and the last position through batched prompt processing.
    runs = [(kernels, tolerance, mode)
            for kernels, tolerance in (("reference", TOLERANCE[dtype]),
                                       ("fast", FAST_TOLERANCE[dtype]))
            for mode in ("--all-positions", "prefill")]
    for kernels, tolerance, mode in runs:
        out = os.path.join(workdir, "logits.bin")
        hidden_file = os.path.join(workdir, "hidden.bin")
        flags = [mode] if mode == "--all-positions" else ["--hidden-states", hidden_file]
        run = subprocess.run([bastion, "logits", "--model", path, "--tokens",
                              ",".join(map(str, tokens)), "--out", out, "--kernels", kernels]
                             + flags, capture_output=True, text=True)
        if run.returncode != 0:
            print(f"FAIL {arch} {dtype} {kernels}: bastion logits exited {run.returncode}: "
                  f"{run.stderr.strip()}")
            ok = False
            continue
        got = np.fromfile(out, dtype="<f4").reshape(-1, VOCAB)
        expected = want if mode == "--all-positions" else want[-1:]
        error = np.abs(got - expected).max() / np.abs(expected).max()
        if mode == "prefill":  # every layer's output too, so a mismatch names its layer
            hidden = np.fromfile(hidden_file, dtype="<f4").reshape(LAYERS, len(tokens), -1)
            for i, layer_want in enumerate(want_hidden):
                layer_error = np.abs(hidden[i] - layer_want).max() / np.abs(layer_want).max()
                if layer_error > tolerance:
                    print(f"FAIL {arch} {dtype} {kernels}: layer {i} max relative error "
                          f"{layer_error:.2e}")
                error = max(error, layer_error)
        passed = error <= tolerance
        ok = ok and passed
        what = "prefill+layers" if mode == "prefill" else mode.lstrip("-")
        print(f"{'ok  ' if passed else 'FAIL'} {arch:16} {dtype:5} {kernels:9} {what:14} "
              f"max relative error "
              f"{error:.2e} (tolerance {tolerance:.0e})")
    return ok


def main():
    bastion = sys.argv[1]
    rng = np.random.default_rng(20261203)
    with tempfile.TemporaryDirectory() as workdir:
        results = [check(bastion, arch, dtype, workdir, rng)
                   for arch in ("llama", "qwen2") for dtype in TOLERANCE]
        results += [check(bastion, "llama+rope_freqs", dtype, workdir, rng)
                    for dtype in ("F32", "Q8_0")]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
