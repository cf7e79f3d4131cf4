"""The fine-tuned pair classifier at inference time: ONNX Runtime, no PyTorch.

``model/pair_coder.onnx`` is all-MiniLM-L6-v2 (its lowest 4 layers) fine-tuned on PLV with a
linear head, exported by ``scripts/train_classifier.py`` and quantised to 8-bit weights;
``model/pair_coder.json`` names its labels and the graph's SHA-256 (checked at load);
``model/tokenizer.json`` is MiniLM's WordPiece tokenizer. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eventcoder.errors import ResourceError

from .markers import length_batches, load_tokenizer, make_batch, marker_text

GRAPH = "pair_coder.onnx"
META = "pair_coder.json"
TOKENIZER = "tokenizer.json"


def shipped_model_dir() -> Path:
    return Path(__file__).resolve().parent / "model"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def log_probabilities(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


@dataclass(frozen=True, slots=True)
class PairModel:
    """Scores the PLV roots for marked sentences (``<s>source</s>`` … ``<t>target</t>``)."""

    session: Any
    tokenizer: Any
    labels: tuple[str, ...]
    override_p: float = 0.0  # chosen on held-out folds by the training script (see combine.py)
    batch_size: int = 32

    @classmethod
    def load(cls, model_dir: Path | None = None, *, threads: int = 0) -> PairModel:
        """Load the shipped graph (``threads`` 0 lets ONNX Runtime choose)."""
        try:
            import onnxruntime
        except ImportError as exc:
            raise ResourceError("the learned coder needs onnxruntime: pip install 'eventcoder[learned]'") from exc
        root = model_dir or shipped_model_dir()
        graph, meta_path = root / GRAPH, root / META
        if not graph.exists() or not meta_path.exists():
            raise ResourceError(f"no trained pair model in {root}: run scripts/train_classifier.py")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if sha256(graph) != meta["sha256"]:
            raise ResourceError(f"{graph}: SHA-256 does not match {meta_path.name}; the model file is damaged")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        return cls(session, load_tokenizer(str(root / TOKENIZER)), tuple(meta["labels"]), float(meta.get("override_p", 0.0)))

    def logits(self, marked_sentences: Sequence[str]) -> np.ndarray:
        """One row of logits per marked sentence (batches grouped by length)."""
        texts = [marker_text(s) for s in marked_sentences]
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        for chunk in length_batches(texts, self.batch_size):
            batch = make_batch(self.tokenizer, [texts[i] for i in chunk])
            (logits,) = self.session.run(["logits"], {"ids": batch.ids, "mask": batch.mask, "marks": batch.marks})
            out[chunk] = logits
        return out

    def probabilities(self, marked_sentences: Sequence[str]) -> np.ndarray:
        return np.exp(log_probabilities(self.logits(marked_sentences))) if marked_sentences else np.zeros((0, len(self.labels)))
