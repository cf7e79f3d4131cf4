"""Fixed-length features for a marked pair from MiniLM token states.

The marked sentence is encoded as written (the ``<s>``/``<t>`` tags stay in the text, so the
encoder sees where the actors are); the feature vector concatenates mean-pooled states of the
whole sentence, the source span, the target span and the words between the two spans.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .encoder import Encoded
from .plv import PlvPair

PARTS = ("sentence", "source", "target", "between")


def tag_spans(marked: str) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """Character spans inside the tags of a marked sentence (tags excluded)."""
    def inner(open_tag: str, close_tag: str) -> tuple[int, int] | None:
        start = marked.find(open_tag)
        end = marked.find(close_tag, start + 1)
        if start < 0 or end < 0:
            return None
        return start + len(open_tag), end
    return inner("<s>", "</s>"), inner("<t>", "</t>")


def _mean(states: np.ndarray, rows: Sequence[int]) -> np.ndarray:
    if not rows:
        return np.zeros(states.shape[1], dtype=np.float32)
    return states[list(rows)].mean(0)


def _rows(offsets: Sequence[tuple[int, int]], start: int, end: int) -> list[int]:
    return [i for i, (a, b) in enumerate(offsets) if b > a and a < end and b > start]


def pair_features(encoded: Encoded, pair: PlvPair) -> np.ndarray:
    """One pair's feature vector: 4 × 384 mean-pooled states (see ``PARTS``)."""
    source, target = tag_spans(pair.marked_sentence)
    offsets = encoded.offsets
    src = _rows(offsets, *source) if source else []
    tgt = _rows(offsets, *target) if target else []
    if source and target:
        lo, hi = sorted((source, target))
        between = _rows(offsets, lo[1], hi[0])
    else:
        between = []
    parts = [encoded.states.mean(0), _mean(encoded.states, src), _mean(encoded.states, tgt),
             _mean(encoded.states, between)]
    return np.concatenate(parts).astype(np.float32)


def feature_matrix(encoded: Sequence[Encoded], pairs: Sequence[PlvPair]) -> np.ndarray:
    return np.stack([pair_features(e, p) for e, p in zip(encoded, pairs)])


def marked_offsets(marked: str) -> list[int]:
    """For each character of the unmarked sentence, its index in the marked one."""
    out: list[int] = []
    i = 0
    while i < len(marked):
        tag = next((t for t in ("<s>", "</s>", "<t>", "</t>") if marked.startswith(t, i)), None)
        if tag:
            i += len(tag)
            continue
        out.append(i)
        i += 1
    return out


def verb_features(encoded: Encoded, pair: PlvPair, span: tuple[int, int] | None) -> np.ndarray:
    """Mean state of the trigger verb's tokens (``span`` in unmarked-sentence characters); zeros if none."""
    if span is None:
        return np.zeros(encoded.states.shape[1], dtype=np.float32)
    index = marked_offsets(pair.marked_sentence)
    if span[1] > len(index) or span[0] >= span[1]:
        return np.zeros(encoded.states.shape[1], dtype=np.float32)
    rows = _rows(encoded.offsets, index[span[0]], index[span[1] - 1] + 1)
    return _mean(encoded.states, rows).astype(np.float32)
