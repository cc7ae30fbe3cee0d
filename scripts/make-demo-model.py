"""Writes bastion's demo model: a small DeepSeek-R1-Distill-Qwen-shaped GGUF (qwen2
architecture, q/k/v biases, untied output, the R1 chat tokens) with deterministic random
weights and a small byte-level BPE vocabulary learned here from a few paragraphs of text.
It exists so that `make run` and the tests serve something without downloading anything.
ITS OUTPUT IS NOISE: the weights were never trained. README.md says how to get a real model.

    /usr/bin/python3 scripts/make-demo-model.py OUT.gguf [--hidden 256] [--layers 4] ...
"""
import argparse
import collections
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "engine", "reference"))
import gguf_write  # noqa: E402

TEXT = """bastion lets a team run open-weight language models on its own machines with the
security a hosted service would otherwise be trusted for. Only verified model files are
loaded, only authenticated callers get answers, prompts never land on disk in the clear,
guardrails watch what goes in and out, and the deployment can be attacked on purpose before
it goes live. The embedded engine runs DeepSeek R1 distilled models on the CPU: it reads GGUF
files, tokenizes with byte-level BPE, renders the chat template natively, and streams tokens
to clients through the OpenAI-compatible API. Once upon a time, there was a little server
that answered every question with care. It counted 0 1 2 3 4 5 6 7 8 9 and said hello world!"""

SPECIAL = ["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>",
           "<think>", "</think>"]
CONTROL, USER_DEFINED, NORMAL = 3, 4, 1

# DeepSeek-R1-Distill's template, shortened. It is data for tools that read it: bastion
# recognises the format from it and renders prompts itself, never running the template.
CHAT_TEMPLATE = ("{{ bos_token }}{% for m in messages %}{% if m['role'] == 'user' %}<｜User｜>"
                 "{{ m['content'] }}{% elif m['role'] == 'assistant' %}<｜Assistant｜>"
                 "{{ m['content'] }}<｜end▁of▁sentence｜>{% endif %}{% endfor %}"
                 "{% if add_generation_prompt %}<｜Assistant｜><think>\\n{% endif %}")


def byte_to_unicode():
    """GPT-2's printable stand-ins for the 256 byte values."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    mapping, extra = {}, 0
    for b in range(256):
        if b in keep:
            mapping[b] = chr(b)
        else:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


def learn_bpe(text, merges_wanted):
    """Classic BPE on pre-split words; returns merges in rank order."""
    b2u = byte_to_unicode()
    words = re.findall(r" ?[A-Za-z]+| ?[0-9]| ?[^\sA-Za-z0-9]+|\s+", text)
    counts = collections.Counter(tuple(b2u[b] for b in w.encode()) for w in words)
    merges = []
    for _ in range(merges_wanted):
        pairs = collections.Counter()
        for word, n in counts.items():
            for a, b in zip(word, word[1:]):
                pairs[(a, b)] += n
        if not pairs:
            break
        (a, b), n = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        if n < 2:
            break
        merges.append((a, b))
        merged = collections.Counter()
        for word, c in counts.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and word[i] == a and word[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] += c
        counts = merged
    return b2u, merges


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--ffn", type=int, default=768)
    ap.add_argument("--context", type=int, default=4096)
    ap.add_argument("--type", default="Q8_0", choices=["F32", "F16", "Q8_0"])
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    b2u, merges = learn_bpe(TEXT, 400)
    tokens = [b2u[b] for b in range(256)] + [a + b for a, b in merges]
    tokens = list(dict.fromkeys(tokens))  # a merge can rebuild an existing token
    types = [NORMAL] * len(tokens)
    first_special = len(tokens)
    for s in SPECIAL:
        tokens.append(s)
        types.append(USER_DEFINED if s in ("<think>", "</think>") else CONTROL)
    vocab = len(tokens)

    rng = np.random.default_rng(args.seed)
    h = args.hidden
    kv = h // args.heads * args.kv_heads
    tensors = []

    def matrix(name, rows, cols, scale):
        raw, _ = gguf_write.encode(rng.standard_normal((rows, cols), dtype=np.float32) * scale,
                                   args.type)
        tensors.append((name, [cols, rows], args.type, raw))

    def vector(name, n, value=None):
        v = (np.full(n, value, np.float32) if value is not None
             else rng.standard_normal(n, dtype=np.float32) * 0.02)
        tensors.append((name, [n], "F32", v.tobytes()))

    matrix("token_embd.weight", vocab, h, 1.0)
    vector("output_norm.weight", h, 1.0)
    matrix("output.weight", vocab, h, 0.1)
    for i in range(args.layers):
        p = f"blk.{i}."
        vector(p + "attn_norm.weight", h, 1.0)
        vector(p + "ffn_norm.weight", h, 1.0)
        for name, rows, cols in [("attn_q", h, h), ("attn_k", kv, h), ("attn_v", kv, h),
                                 ("attn_output", h, h), ("ffn_gate", args.ffn, h),
                                 ("ffn_up", args.ffn, h), ("ffn_down", h, args.ffn)]:
            matrix(p + name + ".weight", rows, cols, 1.0 / np.sqrt(cols))
        for name, n in [("attn_q", h), ("attn_k", kv), ("attn_v", kv)]:
            vector(p + name + ".bias", n)
    meta = {
        "general.architecture": "qwen2", "general.basename": "bastion-demo",
        "general.description": "random weights: output is noise (see bastion's README)",
        "qwen2.context_length": args.context, "qwen2.embedding_length": h,
        "qwen2.block_count": args.layers, "qwen2.feed_forward_length": args.ffn,
        "qwen2.attention.head_count": args.heads, "qwen2.attention.head_count_kv": args.kv_heads,
        "qwen2.attention.layer_norm_rms_epsilon": 1e-6, "qwen2.rope.freq_base": 10000.0,
        "tokenizer.ggml.model": "gpt2", "tokenizer.ggml.pre": "deepseek-r1-qwen",
        "tokenizer.ggml.tokens": tokens, "tokenizer.ggml.token_type": types,
        "tokenizer.ggml.merges": [f"{a} {b}" for a, b in merges],
        "tokenizer.ggml.bos_token_id": first_special, "tokenizer.ggml.eos_token_id": first_special + 1,
        "tokenizer.ggml.add_bos_token": True, "tokenizer.chat_template": CHAT_TEMPLATE,
    }
    gguf_write.write(args.out, meta, tensors)
    print(f"wrote {args.out}: {os.path.getsize(args.out) / 1e6:.1f} MB, vocabulary {vocab}, "
          f"random weights (output is noise)", file=sys.stderr)


if __name__ == "__main__":
    main()
