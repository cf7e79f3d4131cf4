"""The ``modality`` stage: future predicates become intent codes; negated and hypothetical ones
are not events (counted in ``ArticleResult.dropped``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar, Sequence

from ..events.coding import Coded
from ..events.modality import REFUSAL_CODE, intent_code, is_refusal, modality_of
from ..events.ontology import CodeTables
from .records import Candidates


def apply_modality(coded: Sequence[Coded], doc: Any, tables: CodeTables, *, refusals: bool = False) -> tuple[list[Coded], int]:
    """Future → intent codes; negated and hypothetical predicates dropped (counted). With
    ``refusals`` a negated predicate with a volitional modal becomes a REJECT candidate instead
    (``events.modality.is_refusal``: "Israel will not release prisoners")."""
    kept: list[Coded] = []
    dropped = 0
    for item in coded:
        verb = doc[item.triple.verb]
        mode = modality_of(verb)
        if mode == "negated" and refusals and is_refusal(verb):
            kept.append(replace(item, code=REFUSAL_CODE, method=f"{item.method}; refusal→{REFUSAL_CODE}", modality="asserted"))
            continue
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
    """Not in PETRARCH mode: PETRARCH codes negation and modals through its own patterns.
    ``refusals``: the gate path offers refusals as REJECT candidates (see ``apply_modality``)."""

    tables: Any  # CodeTables
    refusals: bool = False
    name: ClassVar[str] = "modality"
    takes: ClassVar[type] = Candidates
    returns: ClassVar[type] = Candidates

    def __call__(self, candidates: Candidates) -> Candidates:
        doc = candidates.actors.parsed.doc
        coded = []
        dropped = candidates.dropped
        for items in candidates.coded:
            kept, n = apply_modality(items, doc, self.tables, refusals=self.refusals)
            coded.append(tuple(kept))
            dropped += n
        return replace(candidates, coded=tuple(coded), dropped=dropped)
