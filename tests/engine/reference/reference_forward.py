"""The decoder of Llama and Qwen2 in NumPy (float64), written from the models' papers and
Hugging Face's modeling code, as the independent reference for bastion's forward pass."""
import numpy as np


def rms_norm(x, weight, eps):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * weight


def inverse_frequencies(cfg):
    hd = cfg["head_dim"]
    freq = cfg["rope_base"] ** (-np.arange(0, hd, 2, dtype=np.float64) / hd)
    scaling = cfg.get("llama3_scaling")
    if scaling:
        factor, low, high, original = scaling
        wavelength = 2 * np.pi / freq
        smooth = (original / wavelength - low) / (high - low)
        blended = (1 - smooth) * freq / factor + smooth * freq
        freq = np.where(wavelength < original / high, freq,
                        np.where(wavelength > original / low, freq / factor, blended))
    if cfg.get("rope_factors") is not None:  # llama.cpp's rope_freqs.weight: divides each
        freq = freq / cfg["rope_factors"]
    return freq


def rope(x, positions, cfg):
    """x: (T, heads, head_dim)."""
    angles = positions[:, None] * inverse_frequencies(cfg)[None, :]  # (T, hd/2)
    cos, sin = np.cos(angles)[:, None, :], np.sin(angles)[:, None, :]
    out = x.copy()
    if cfg["interleaved"]:
        a, b = x[..., 0::2], x[..., 1::2]
        out[..., 0::2], out[..., 1::2] = a * cos - b * sin, a * sin + b * cos
    else:
        half = x.shape[-1] // 2
        a, b = x[..., :half], x[..., half:]
        out[..., :half], out[..., half:] = a * cos - b * sin, a * sin + b * cos
    return out


def forward(w, cfg, tokens, hidden=None):
    """Logits (T, vocab) for every position of `tokens`, causal attention. Appends each
    layer's output (T, hidden) to the list `hidden` when one is given."""
    T = len(tokens)
    hd, H, KV = cfg["head_dim"], cfg["heads"], cfg["kv_heads"]
    positions = np.arange(T, dtype=np.float64)
    x = w["token_embd"][tokens]
    mask = np.triu(np.full((T, T), -np.inf), 1)
    for layer in w["layers"]:
        h = rms_norm(x, layer["attn_norm"], cfg["eps"])
        q = h @ layer["q"].T + layer.get("q_bias", 0)
        k = h @ layer["k"].T + layer.get("k_bias", 0)
        v = h @ layer["v"].T + layer.get("v_bias", 0)
        q = rope(q.reshape(T, H, hd), positions, cfg)
        k = rope(k.reshape(T, KV, hd), positions, cfg)
        v = v.reshape(T, KV, hd)
        group = H // KV
        out = np.empty((T, H, hd))
        for head in range(H):
            scores = q[:, head] @ k[:, head // group].T / np.sqrt(hd) + mask
            scores = np.exp(scores - scores.max(axis=1, keepdims=True))
            out[:, head] = (scores / scores.sum(axis=1, keepdims=True)) @ v[:, head // group]
        x = x + out.reshape(T, H * hd) @ layer["o"].T
        h = rms_norm(x, layer["ffn_norm"], cfg["eps"])
        gate, up = h @ layer["gate"].T, h @ layer["up"].T
        x = x + (gate / (1 + np.exp(-gate)) * up) @ layer["down"].T
        if hidden is not None:
            hidden.append(x)
    x = rms_norm(x, w["output_norm"], cfg["eps"])
    return x @ w.get("output", w["token_embd"]).T
