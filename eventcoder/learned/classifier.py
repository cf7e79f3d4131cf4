"""The learned PLOVER coder: MiniLM features (+ dictionary output) → a linear head in numpy.

Two heads ship in ``model/``: ``learned.npz`` (embedding features only) and ``combined.npz``
(the same plus the dictionary coder's root and CAMEO root as one-hot features). Both are
multinomial logistic regressions trained by ``scripts/train_classifier.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eventcoder.errors import ResourceError

from .dictionary_pairs import DictionaryPairCoder, PairCoding
from .encoder import MiniLM
from .encoder import Encoded
from .features import feature_matrix, verb_features
from .plv import PlvPair

CAMEO_ROOTS = tuple(f"{i:02d}" for i in range(1, 21))
HEAD_NAMES = {"learned": "learned.npz", "combined": "combined.npz"}


def shipped_model_dir() -> Path:
    return Path(__file__).resolve().parent / "model"


@dataclass(frozen=True, slots=True)
class LinearHead:
    """Standardise, then softmax(x·Wᵀ + b) over ``labels``."""

    labels: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        z = ((features - self.mean) / self.scale) @ self.coef.T + self.intercept
        z = np.exp(z - z.max(1, keepdims=True))
        return z / z.sum(1, keepdims=True)

    def predict(self, features: np.ndarray) -> list[str]:
        return [self.labels[i] for i in self.probabilities(features).argmax(1)]

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path, labels=np.array(self.labels), mean=self.mean.astype(np.float32), scale=self.scale.astype(np.float32),
            coef=self.coef.astype(np.float32), intercept=self.intercept.astype(np.float32),
        )

    @classmethod
    def load(cls, path: Path) -> LinearHead:
        if not path.exists():
            raise ResourceError(f"no trained head at {path}: run scripts/train_classifier.py")
        with np.load(path, allow_pickle=False) as data:
            return cls(tuple(str(x) for x in data["labels"]), data["mean"], data["scale"], data["coef"], data["intercept"])


def dictionary_features(codings: Sequence[PairCoding], labels: Sequence[str]) -> np.ndarray:
    """One-hot dictionary root (or "none") and one-hot CAMEO root (or "none") per pair."""
    rows = []
    for coding in codings:
        root = [1.0 if coding.root == label else 0.0 for label in labels] + [1.0 if coding.root is None else 0.0]
        cameo = (coding.cameo or "")[:2]
        top = [1.0 if cameo == r else 0.0 for r in CAMEO_ROOTS] + [1.0 if cameo not in CAMEO_ROOTS else 0.0]
        rows.append(root + top)
    return np.array(rows, dtype=np.float32)


def combined_features(
    encoded: Sequence[Encoded], pairs: Sequence[PlvPair], codings: Sequence[PairCoding], labels: Sequence[str]
) -> np.ndarray:
    """The combined head's input: embedding features, trigger-verb state, dictionary one-hots."""
    verbs = np.stack([verb_features(e, p, c.verb_span) for e, p, c in zip(encoded, pairs, codings)])
    return np.hstack([feature_matrix(encoded, pairs), verbs, dictionary_features(codings, labels)])


@dataclass(frozen=True, slots=True)
class LearnedPairCoder:
    """Codes PLV pairs; ``dictionary`` set means the combined (stacked) head."""

    encoder: MiniLM
    head: LinearHead
    dictionary: Any = None  # DictionaryPairCoder for the combined head

    @classmethod
    def load(cls, *, combined: bool = False, model_dir: Path | None = None) -> LearnedPairCoder:
        root = model_dir or shipped_model_dir()
        head = LinearHead.load(root / HEAD_NAMES["combined" if combined else "learned"])
        return cls(MiniLM.load(), head, DictionaryPairCoder.load() if combined else None)

    def features(self, pairs: Sequence[PlvPair]) -> np.ndarray:
        encoded = self.encoder.encode([p.marked_sentence for p in pairs])
        if self.dictionary is None:
            return feature_matrix(encoded, pairs)
        return combined_features(encoded, pairs, self.dictionary.code(pairs), self.head.labels)

    def predict(self, pairs: Sequence[PlvPair]) -> list[str]:
        return self.head.predict(self.features(pairs)) if pairs else []
