"""Writes bench/engine's random-weight GGUF of DeepSeek-R1-Distill-Qwen-1.5B's shape (Q8_0,
~1.9 GB; bench/engine/make_random_model.py) with the R1-Distill-Qwen tokenizer added, so that
`bastion serve` can load it (make_random_model.py writes no tokenizer: `bastion bench` feeds
random token ids, serve tokenizes prompts). The tokenizer.* metadata is copied from a
vocabulary-only GGUF (default /work/shared/models/ggml-vocab-deepseek-r1-qwen.gguf, 151,936
ids, the model's vocabulary size). Its output is noise; bench/sandbox only times it.

    /usr/bin/python3 bench/sandbox/make_model.py OUT.gguf [--vocab-gguf PATH] [make_random_model.py flags]
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "engine"))
sys.dont_write_bytecode = True  # nothing written beside bench/engine or tests/engine/reference
import make_random_model  # noqa: E402  (it puts tests/engine/reference on the path)

SCALAR = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q",
          11: "<q", 12: "<d"}


def read_metadata(path):
    """A GGUF's metadata as {key: value}; arrays as lists."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"GGUF":
        raise SystemExit(f"{path}: not a GGUF file")
    pos = 4
    version, _n_tensors, n_kv = struct.unpack_from("<IQQ", data, pos)
    pos += 20
    if version < 2:
        raise SystemExit(f"{path}: GGUF version {version} is not supported here")

    def string():
        nonlocal pos
        (n,) = struct.unpack_from("<Q", data, pos)
        pos += 8
        s = data[pos:pos + n].decode("utf-8", errors="surrogateescape")
        pos += n
        return s

    def value(t):
        nonlocal pos
        if t == 8:
            return string()
        if t == 9:
            (et, n) = struct.unpack_from("<IQ", data, pos)
            pos += 12
            if et in SCALAR:
                fmt = SCALAR[et]
                size = struct.calcsize(fmt)
                out = list(struct.unpack_from(f"<{n}{fmt[1]}", data, pos))
                pos += n * size
                return out
            return [value(et) for _ in range(n)]
        fmt = SCALAR[t]
        (v,) = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        return v

    meta = {}
    for _ in range(n_kv):
        key = string()
        (t,) = struct.unpack_from("<I", data, pos)
        pos += 4
        meta[key] = value(t)
    return meta


def main():
    argv = sys.argv[1:]
    vocab = "/work/shared/models/ggml-vocab-deepseek-r1-qwen.gguf"
    if "--vocab-gguf" in argv:
        i = argv.index("--vocab-gguf")
        vocab = argv[i + 1]
        del argv[i:i + 2]
    tokenizer = {k: v for k, v in read_metadata(vocab).items() if k.startswith("tokenizer.")}
    for k, v in tokenizer.items():  # gguf_write knows str, u32, f32, bool, [str] and [i32]
        if isinstance(v, list) and v and isinstance(v[0], float):
            raise SystemExit(f"{vocab}: {k} is a float array, which gguf_write cannot write")
    n_tokens = len(tokenizer.get("tokenizer.ggml.tokens", []))
    write = make_random_model.gguf_write.write

    def write_with_tokenizer(path, metadata, tensors):
        write(path, {**metadata, **tokenizer}, tensors)

    make_random_model.gguf_write.write = write_with_tokenizer
    sys.argv = [sys.argv[0]] + argv
    print(f"tokenizer from {vocab}: {n_tokens} tokens", file=sys.stderr)
    make_random_model.main()


if __name__ == "__main__":
    main()
