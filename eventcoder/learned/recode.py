"""The pipeline's learned stage: re-score the dictionary's codings of actor pairs with the combined coder.

Each coded triple with both a source and a target becomes a marked sentence (``<s>…</s>``,
``<t>…</t>``) and goes to :class:`~eventcoder.learned.combine.CombinedCoder` together with the
dictionary's decision. Codes with no PLOVER type (CAMEO's 01x statements) are left alone: PLV
has no such class, so the model would force a type onto a mere statement. Where the combined coder agrees with the dictionary's PLOVER root the
dictionary's (more specific) CAMEO code stays; where it overrules it, the code becomes the PLOVER
type's default CAMEO code (YIELD → CONCEDE's 080). Triples without a target, or whose spans
overlap, keep the dictionary's code. Only sentences with such a pair reach the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from eventcoder.events.coding import Coded
from eventcoder.events.ontology import CodeTables

from .combine import CombinedCoder
from .plv import plv_root

ROOT_TYPE = {"YIELD": "CONCEDE"}  # PLV's merged root → the PLOVER type whose default code stands for it


def mark_pair(sent: Any, source: frozenset[int], target: frozenset[int]) -> str | None:
    """The sentence with its source tokens in ``<s>…</s>`` and target tokens in ``<t>…</t>``."""
    if not source or not target:
        return None
    s0, s1 = min(source), max(source)
    t0, t1 = min(target), max(target)
    if not (s1 < t0 or t1 < s0):
        return None
    doc = sent.doc
    base = sent.start_char

    def chars(first: int, last: int) -> tuple[int, int]:
        return doc[first].idx - base, doc[last].idx + len(doc[last].text) - base

    text = sent.text
    (a0, a1), (b0, b1) = chars(s0, s1), chars(t0, t1)
    pieces = [(a0, "<s>"), (a1, "</s>"), (b0, "<t>"), (b1, "</t>")]
    out, last = [], 0
    for at, tag in sorted(pieces, key=lambda p: p[0]):
        out.append(text[last:at])
        out.append(tag)
        last = at
    out.append(text[last:])
    return "".join(out)


def dictionary_root(tables: CodeTables, code: str) -> str | None:
    info = tables.cameo(code) if tables.is_valid(code) else None
    return plv_root(info.plover_type) if info and info.plover_type else None


def default_code(tables: CodeTables, root: str) -> str:
    return tables.plover_type(ROOT_TYPE.get(root, root)).default_cameo


def recode(coded: Sequence[Coded], sent: Any, coder: CombinedCoder, tables: CodeTables) -> list[Coded]:
    """``coded`` with each (source, target) pair's code checked by the combined coder."""
    rows = []  # (index in coded, marked sentence, dictionary root)
    for i, item in enumerate(coded):
        root = dictionary_root(tables, item.code)
        has_pair = root is not None and item.triple.target is not None
        marked = mark_pair(sent, item.triple.source_tokens, item.triple.target_tokens) if has_pair else None
        if marked:
            rows.append((i, marked, root))
    if not rows:
        return list(coded)
    decisions = coder.decide([m for _, m, _ in rows], [r for _, _, r in rows], [coded[i].code for i, _, _ in rows])
    out = list(coded)
    for (i, _, root), decision in zip(rows, decisions):
        item = coded[i]
        note = f"learned {decision.root} p={decision.probability:.2f}"
        if decision.root == root:
            out[i] = replace(item, method=f"{item.method}; {note} agrees",
                             confidence=max(item.confidence, round(decision.probability, 3)))
        else:
            code = default_code(tables, decision.root)
            out[i] = replace(item, code=code, method=f"{item.method}; {note} overrules {root or 'none'} {item.code}→{code}",
                             confidence=round(decision.probability, 3))
    return out
