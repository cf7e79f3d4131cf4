"""What a statement says, typed: "Maimane says he fears Africa's ruling parties are becoming
more dangerous" is an accusation, "Washington needs to stop" a request, though the dictionary
codes the verb only as a statement (CAMEO 010, no PLOVER type) and names no target.

For a candidate with no target and no PLOVER type whose predicate governs a clause or an object,
the pair model reads the sentence with the source marked and the clause's subject (or object)
marked as the target, and its type becomes one more candidate, still without a target (the
implicit-target stage then offers the article's country and the party named before). ``method``
says ``statement content`` with the phrase read, and the gate decides.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

from ..events.coding import Coded
from ..events.ontology import CodeTables
from ..relations import SUBJECT_DEPS

CONTENT_NOTE = "statement content"
_CLAUSES = ("ccomp", "xcomp", "parataxis")
_OBJECTS = ("dobj", "attr", "oprd")
_SELF = frozenset("i we it this that there they he she you".split())
MAX_PHRASE = 12  # tokens of the phrase marked as the target
CLAUSE_DEPTH = 3  # reported clauses looked into, one inside another


def content_phrase(verb: Any, source_tokens: frozenset[int]) -> frozenset[int]:
    """The tokens of what a statement is about: the subject or object of its reported clause
    (or of a clause inside it: "says he fears the parties are becoming bolder"), else the
    predicate's own object; empty when there is none but pronouns for the speaker or a dummy
    "it"."""
    heads: list[Any] = []
    layer = [verb]
    for _ in range(CLAUSE_DEPTH):
        layer = [c for node in layer for c in node.children if c.dep_ in _CLAUSES]
        heads += [c for clause in layer for c in clause.children if c.dep_ in SUBJECT_DEPS or c.dep_ in _OBJECTS]
    heads += [c for c in verb.children if c.dep_ in _OBJECTS]
    for head in heads:
        if head.i in source_tokens or head.lower_ in _SELF or head.pos_ not in ("NOUN", "PROPN"):
            continue
        tokens = [t.i for t in head.subtree if t.i not in source_tokens]
        if not tokens:
            continue
        first = min(tokens)
        return frozenset(i for i in tokens if i < first + MAX_PHRASE)
    return frozenset()


def content_candidates(coded: Sequence[Coded], sent: Any, coder: Any, tables: CodeTables) -> list[Coded]:
    """One typed candidate for each untyped, target-less statement whose content can be read."""
    from ..learned.recode import default_code, mark_pair

    doc = sent.doc
    rows: list[tuple[Coded, str, str]] = []
    for item in coded:
        triple = item.triple
        if triple.target is not None or tables.cameo(item.code).plover_type is not None:
            continue
        phrase = content_phrase(doc[triple.verb], triple.source_tokens)
        marked = mark_pair(sent, triple.source_tokens, phrase) if phrase else None
        if marked:
            rows.append((item, marked, doc[min(phrase):max(phrase) + 1].text))
    if not rows:
        return []
    decisions = coder.decide([m for _, m, _ in rows], [None] * len(rows), [None] * len(rows))
    out = []
    for (item, _, text), decision in zip(rows, decisions):
        code = default_code(tables, decision.root)
        note = f"{CONTENT_NOTE} <{text}>: learned {decision.root} p={decision.probability:.2f} proposes {code}"
        out.append(replace(item, code=code, method=f"{item.method}; {note}", confidence=round(decision.probability, 3)))
    return out
