"""The pair model's readings of an article's marked pairs, all scored in one call.

The gate path asks the pair model about three kinds of marked sentence: each explicit pair the
dictionary coded (:func:`~eventcoder.extract.candidates.variant_rows`), what a statement says
(:func:`~eventcoder.extract.content.content_rows`), and every other ordered pair of actors
(:func:`~eventcoder.extract.pairs.pair_rows`). The stage first lists them for every sentence of
the article, then :meth:`Readings.of` scores the distinct texts together — the pair model groups
them by length into batches of up to 32 — and the candidates are built from the readings. One
call per article instead of up to three per sentence: most sentences have one or two pairs, and
a batch of one costs the model more than twice as much per sentence as a batch of eight.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Readings:
    """The combined coder's decision for each distinct marked text (no dictionary coding given)."""

    by_text: Mapping[str, Any]  # marked text -> learned.combine.Decision

    @classmethod
    def of(cls, coder: Any, texts: Iterable[str]) -> Readings:
        unique = list(dict.fromkeys(texts))
        if not unique:
            return cls({})
        decisions = coder.decide(unique, [None] * len(unique), [None] * len(unique))
        return cls(dict(zip(unique, decisions)))

    def __getitem__(self, text: str) -> Any:
        return self.by_text[text]
