"""Combine the fine-tuned pair model with the dictionary coder.

Two ways were tried on held-out folds (``scripts/train_classifier.py``): the learned model's own
probabilities, or a stacked logistic head; either then overrules a dictionary coding when its top
probability reaches ``override_p``. The shipped choice is in ``model/pair_coder.json`` (a
``stack.npz`` is shipped only if the stack won).

The stack reads the fine-tuned model's log-probabilities and one-hot features of the dictionary's
decision (its PLV root or none, its CAMEO root 01–20 or none) and outputs probabilities over the PLV
roots. It was trained on out-of-fold logits (``scripts/train_classifier.py``), so it learnt how far
to trust each coder from pairs neither model had seen; its regularisation was chosen on held-out
folds. ``model/stack.npz`` holds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eventcoder.errors import ResourceError

from .pair_model import PairModel, log_probabilities, shipped_model_dir

STACK = "stack.npz"
CAMEO_ROOTS = tuple(f"{i:02d}" for i in range(1, 21))


@dataclass(frozen=True, slots=True)
class LinearHead:
    """softmax(x·Wᵀ + b) over ``labels``."""

    labels: tuple[str, ...]
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        return np.exp(log_probabilities(features @ self.coef.T + self.intercept))

    def save(self, path: Path) -> None:
        np.savez_compressed(path, labels=np.array(self.labels), coef=self.coef.astype(np.float32),
                            intercept=self.intercept.astype(np.float32))

    @classmethod
    def load(cls, path: Path) -> LinearHead:
        if not path.exists():
            raise ResourceError(f"no stacked head at {path}: run scripts/train_classifier.py")
        with np.load(path, allow_pickle=False) as data:
            return cls(tuple(str(x) for x in data["labels"]), data["coef"], data["intercept"])


def dictionary_features(roots: Sequence[str | None], cameos: Sequence[str | None], labels: Sequence[str]) -> np.ndarray:
    """One-hot dictionary root (or "none") and one-hot CAMEO root (or "none") per pair."""
    rows = []
    for root, cameo in zip(roots, cameos):
        top = (cameo or "")[:2]
        rows.append([1.0 if root == label else 0.0 for label in labels] + [1.0 if root not in labels else 0.0]
                    + [1.0 if top == r else 0.0 for r in CAMEO_ROOTS] + [1.0 if top not in CAMEO_ROOTS else 0.0])
    return np.array(rows, dtype=np.float32).reshape(len(rows), len(labels) + len(CAMEO_ROOTS) + 2)


def stack_features(logits: np.ndarray, roots: Sequence[str | None], cameos: Sequence[str | None],
                   labels: Sequence[str]) -> np.ndarray:
    return np.hstack([log_probabilities(logits), dictionary_features(roots, cameos, labels)])


def gated(probabilities: np.ndarray, dict_rows: np.ndarray, threshold: float) -> np.ndarray:
    """The top class per row, except where the dictionary coded (``dict_rows`` ≥ 0, its class index)
    and the top probability is below ``threshold``: then the dictionary's class."""
    best = probabilities.argmax(1)
    keep = (dict_rows >= 0) & (probabilities.max(1) < threshold)
    return np.where(keep, dict_rows, best)


@dataclass(frozen=True, slots=True)
class Decision:
    """The combined coder's PLV root for one pair and its probability, with the runner-up root
    (the likeliest other reading) and its probability."""

    root: str
    probability: float
    second: str | None = None
    second_probability: float = 0.0


@dataclass(frozen=True, slots=True)
class CombinedCoder:
    """Fine-tuned model (+ stacked head, if shipped) + dictionary decision → PLV root."""

    model: PairModel
    stack: LinearHead | None  # None: the learned model's own probabilities decide (chosen when no stack helped)
    override_p: float = 0.0  # the model overrules a dictionary coding only at this probability or above

    @classmethod
    def load(cls, model_dir: Path | None = None, *, threads: int = 0) -> CombinedCoder:
        root = model_dir or shipped_model_dir()
        model = PairModel.load(root, threads=threads)
        stack = LinearHead.load(root / STACK) if (root / STACK).exists() else None
        if stack is not None and stack.labels != model.labels:
            raise ResourceError(f"{root}: the stacked head and the pair model disagree on labels")
        return cls(model, stack, model.override_p)

    def decide(self, marked_sentences: Sequence[str], roots: Sequence[str | None],
               cameos: Sequence[str | None]) -> list[Decision]:
        """Decisions for pairs whose dictionary coding is (``roots``, ``cameos``), None where it coded nothing."""
        if not marked_sentences:
            return []
        logits = self.model.logits(marked_sentences)
        labels = self.model.labels
        if self.stack is None:
            combined = np.exp(log_probabilities(logits))
        else:
            combined = self.stack.probabilities(stack_features(logits, roots, cameos, labels))
        dict_rows = np.array([labels.index(r) if r in labels else -1 for r in roots])
        chosen = gated(combined, dict_rows, self.override_p)
        return [_decision(labels, row, int(best)) for row, best in zip(combined, chosen)]


def _decision(labels: Sequence[str], row: np.ndarray, best: int) -> Decision:
    others = [i for i in np.argsort(-row) if i != best]
    second = int(others[0]) if others else None
    if second is None:
        return Decision(labels[best], float(row[best]))
    return Decision(labels[best], float(row[best]), labels[second], float(row[second]))
