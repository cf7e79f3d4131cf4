"""The ``modality`` stage: future predicates become intent codes; negated and hypothetical ones
are not events (counted in ``ArticleResult.dropped``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar, Sequence

from ..events.coding import Coded
from ..events.modality import intent_code, modality_of
from ..events.ontology import CodeTables
from .records import Candidates


def apply_modality(coded: Sequence[Coded], doc: Any, tables: CodeTables) -> tuple[list[Coded], int]:
    """Future → intent codes; negated and hypothetical predicates dropped (counted)."""
    kept: list[Coded] = []
    dropped = 0
    for item in coded:
        mode = modality_of(doc[item.triple.verb])
        if mode in ("negated", "hypothetical"):
            dropped += 1
            continue
        if mode == "future":
            intent = intent_code(item.code)
            if intent and tables.is_valid(intent):
                item = replace(item, code=intent, method=f"{item.method}; future→{intent}")
        kept.append(replace(item, modality=mode))
    return kept, dropped


@dataclass(frozen=True, slots=True)
class Modality:
    """Not in PETRARCH mode: PETRARCH codes negation and modals through its own patterns."""

    tables: Any  # CodeTables
    name: ClassVar[str] = "modality"
    takes: ClassVar[type] = Candidates
    returns: ClassVar[type] = Candidates

    def __call__(self, candidates: Candidates) -> Candidates:
        doc = candidates.actors.parsed.doc
        coded = []
        dropped = candidates.dropped
        for items in candidates.coded:
            kept, n = apply_modality(items, doc, self.tables)
            coded.append(tuple(kept))
            dropped += n
        return replace(candidates, coded=tuple(coded), dropped=dropped)
