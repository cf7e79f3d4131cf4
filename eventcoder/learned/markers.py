"""Turn a marked pair into the fine-tuned encoder's input: punctuation markers and their token rows.

``<s>X</s>`` becomes ``@ X @`` and ``<t>Y</t>`` becomes ``# Y #`` (entity markers made of ordinary
punctuation, so the pretrained vocabulary already has embeddings for them). The classifier reads
the encoder's state at the opening marker of the source and of the target; a pair without one
falls back to the first ([CLS]) row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .plv import TAG

MARKERS = {"<s>": "@ ", "</s>": " @", "<t>": "# ", "</t>": " #"}
MAX_TOKENS = 128


@dataclass(frozen=True, slots=True)
class MarkedText:
    """The encoder's text and the character offsets of the source/target opening markers (-1 if absent)."""

    text: str
    source_at: int
    target_at: int


def marker_text(marked_sentence: str) -> MarkedText:
    """Replace ``<s>``/``<t>`` tags by punctuation markers, remembering where each span opens."""
    out: list[str] = []
    length = 0
    opened = {"<s>": -1, "<t>": -1}
    last = 0
    for match in TAG.finditer(marked_sentence):
        piece = marked_sentence[last:match.start()]
        out.append(piece)
        length += len(piece)
        tag = match.group()
        if tag in opened and opened[tag] < 0:
            opened[tag] = length
        out.append(MARKERS[tag])
        length += len(MARKERS[tag])
        last = match.end()
    out.append(marked_sentence[last:])
    return MarkedText("".join(out), opened["<s>"], opened["<t>"])


@dataclass(frozen=True, slots=True)
class Batch:
    """Padded token ids, attention mask and the rows of the two markers for each text."""

    ids: np.ndarray  # (batch, width) int64
    mask: np.ndarray  # (batch, width) int64
    marks: np.ndarray  # (batch, 2) int64: source-marker row, target-marker row


def _row(offsets: Sequence[tuple[int, int]], char: int) -> int:
    if char < 0:
        return 0
    for i, (start, end) in enumerate(offsets):
        if end > start and start <= char < end:
            return i
    return 0


def make_batch(tokenizer: Any, texts: Sequence[MarkedText]) -> Batch:
    """Tokenise (truncated to ``MAX_TOKENS``) and pad to the longest text of the batch."""
    # one by one: the same encodings as encode_batch, without its thread pool's cost on the one to
    # three short texts the pipeline's calls hold (about 0.5 ms a call)
    encodings = [tokenizer.encode(t.text) for t in texts]
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(texts), width), dtype=np.int64)
    mask = np.zeros((len(texts), width), dtype=np.int64)
    marks = np.zeros((len(texts), 2), dtype=np.int64)
    for row, (text, enc) in enumerate(zip(texts, encodings)):
        ids[row, :len(enc.ids)] = enc.ids
        mask[row, :len(enc.ids)] = 1
        marks[row] = (_row(enc.offsets, text.source_at), _row(enc.offsets, text.target_at))
    return Batch(ids, mask, marks)


def length_batches(texts: Sequence[MarkedText], size: int) -> Iterator[list[int]]:
    """Indexes of ``texts`` in batches of ``size``, shortest texts first (little padding per batch)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i].text))
    for start in range(0, len(order), size):
        yield order[start:start + size]


def load_tokenizer(path: str) -> Any:
    """The MiniLM WordPiece tokenizer, truncating, without padding (``make_batch`` pads)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(path)
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer
