"""The classify step: triples → coded events (the ``classify`` stage, ``stages/coding.py``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

from ..records import Mention, Modality
from ..relations import Triple
from .ontology import CodeTables
from .verbdict import VerbDictionary
from .verbmatch import VerbCoding, code_verb


@dataclass(frozen=True, slots=True)
class Coded:
    """A triple with a CAMEO code decided, before dates and places."""

    triple: Triple
    code: str
    method: str
    modality: Modality
    confidence: float


def _reversed(triple: Triple, target: Mention) -> Triple:
    """``triple`` told the other way round: its ``target`` becomes the source."""
    return replace(
        triple, source=target, target=triple.source,
        source_tokens=triple.target_tokens, target_tokens=triple.source_tokens, via=f"{triple.via}:reversed",
    )


def _directions(coding: VerbCoding, triple: Triple) -> list[tuple[VerbCoding, Triple]]:
    """PETRARCH's ``[a:b]``: event a from source to target and event b from target to source."""
    out = [(replace(coding, reciprocal=None), triple)] if coding.code else []
    if coding.reciprocal and triple.target is not None:
        out.append((replace(coding, code=coding.reciprocal, reciprocal=None), _reversed(triple, triple.target)))
    return out


def classify(
    triples: Sequence[Triple], doc: Any, verbs: VerbDictionary, tables: CodeTables, *,
    require_target: bool | None = None, both_directions: bool = False,
    block_defaults: Mapping[str, tuple[str, frozenset[str]]] | None = None,
    predicative: Mapping[str, str] | None = None,
) -> list[Coded]:
    """Code each triple's predicate with the PETRARCH verb dictionary.

    ``require_target``: True codes only events with a target (PETRARCH's require_dyad), False
    codes target-less ones too, None (default) keeps target-less events only for PLOVER types
    that do not need a recipient.

    ``both_directions`` (PETRARCH semantics): a ``[a:b]`` code gives two events, a (source →
    target) and b (target → source), and patterns are matched flat (see ``code_verb``);
    otherwise b is used only when a is empty.

    ``block_defaults``: a code for verb blocks whose default is ``[---]`` when no pattern
    matched (block name → (code, lemmas left out)); see ``eventcoder.extract.candidates``.

    ``predicative``: a code for a verb (lemma → code) with an object predicate (spaCy ``oprd``,
    "called the ruling 'arbitrary'") when no pattern matched.
    """
    out: list[Coded] = []
    found = [
        (triple, code_verb(
            verbs, doc[triple.verb], source_tokens=triple.source_tokens, target_tokens=triple.target_tokens,
            flat=both_directions,
        ))
        for triple in triples
    ]
    if block_defaults:
        found = [(t, _block_default(c, doc[t.verb], block_defaults)) for t, c in found]
    if predicative:
        found = [(t, _predicative_default(c, doc[t.verb], predicative)) for t, c in found]
    for triple, coding in _bind_roles(found):
        if coding is None or not (coding.code or coding.reciprocal):
            continue
        pairs = _directions(coding, triple) if both_directions else [(coding, triple)]
        out.extend(c for c in (_coded(c, t, tables, require_target) for c, t in pairs) if c is not None)
    return out


def _block_default(coding: VerbCoding | None, verb: Any, defaults: Mapping[str, tuple[str, frozenset[str]]]) -> VerbCoding | None:
    if coding is None or coding.code or coding.reciprocal or coding.pattern or coding.verb not in defaults:
        return coding
    code, left_out = defaults[coding.verb]
    return coding if verb.lemma_.lower() in left_out else replace(coding, code=code, verb=f"{coding.verb} block-default")


def _predicative_default(coding: VerbCoding | None, verb: Any, codes: Mapping[str, str]) -> VerbCoding | None:
    lemma = verb.lemma_.lower()
    if coding is None or coding.pattern or lemma not in codes or not any(c.dep_ == "oprd" for c in verb.children):
        return coding
    return replace(coding, code=codes[lemma], reciprocal=None, verb=f"{coding.verb} predicative-default")


def _bind_roles(found: list[tuple[Triple, VerbCoding | None]]) -> list[tuple[Triple, VerbCoding | None]]:
    """Per verb: the parse's own pairs, unless a pattern placing ``$``/``+`` fits another pair better.

    ``alt-roles`` triples (see ``relations``) are kept only when their matched pattern names a
    ``$`` or ``+`` slot, ranks above every pattern the verb's own pairs match, and changes only
    the roles it names (a pattern with just ``+`` keeps the parse's source); then the best of
    them replace those pairs.
    """
    by_verb: dict[int, list[tuple[Triple, VerbCoding | None]]] = {}
    for item in found:
        by_verb.setdefault(item[0].verb, []).append(item)
    out: list[tuple[Triple, VerbCoding | None]] = []
    for group in by_verb.values():
        own = [(t, c) for t, c in group if t.via != "alt-roles"]
        floor = max((c.weight for _, c in own if c is not None), default=(-1, -1))
        sources, targets = {t.source_tokens for t, _ in own}, {t.target_tokens for t, _ in own}
        alts = [
            (t, c) for t, c in group
            if t.via == "alt-roles" and c is not None and c.slots and c.weight > floor
            and ("$" in c.slots or t.source_tokens in sources or _upper_source(t, sources))
            and ("+" in c.slots or t.target_tokens in targets)
        ]
        if alts:
            top = max(c.weight for _, c in alts if c is not None)
            best = [(t, c) for t, c in alts if c is not None and c.weight == top]
            first = min(_first_slot_token(t, c) for t, c in best)  # PETRARCH binds a slot to its first fit
            own = [(t, c) for t, c in best if _first_slot_token(t, c) == first]
            if len({t.source_tokens for t, _ in own}) > 1 and all(_upper_source(t, sources) for t, _ in own):
                earliest = min(min(t.source_tokens) for t, _ in own)
                own = [(t, c) for t, c in own if min(t.source_tokens) == earliest]
        out.extend(own)
    return out


def _upper_source(triple: Triple, sources: set[frozenset[int]]) -> bool:
    """"- NOTED + * [115]": ``+`` took the clause's own subject, so an actor before it acts."""
    return triple.target_tokens in sources and min(triple.source_tokens, default=0) < min(triple.target_tokens, default=0)


def _first_slot_token(triple: Triple, coding: VerbCoding | None) -> tuple[int, int]:
    """Where the actors a pattern's slots bound start: targets first, then sources."""
    slots = coding.slots if coding is not None else frozenset()
    target = min(triple.target_tokens, default=-1) if "+" in slots else -1
    source = min(triple.source_tokens, default=-1) if "$" in slots else -1
    return target, source


def _coded(coding: VerbCoding, triple: Triple, tables: CodeTables, require_target: bool | None) -> Coded | None:
    """One triple with its verb coding → a Coded event, or None (no event)."""
    code = coding.code or coding.reciprocal or ""
    if not coding.code:  # "[:173]": only the reversed reading is an event
        if triple.target is None:
            return None
        triple = _reversed(triple, triple.target)
    if not tables.is_valid(code):
        root = code[:2]
        if not tables.is_valid(root):
            return None
        code = root
    info = tables.cameo(code)
    if triple.target is None and require_target is not False:
        if require_target or info.plover_type is None or tables.plover_type(info.plover_type).requires_recipient:
            return None
    where = f"{coding.verb} {coding.pattern}".strip() if coding.pattern else f"{coding.verb} (verb default)"
    method = f"dictionary:{coding.line_no}:{where}; pair:{triple.via}"
    confidence = 0.85 if coding.pattern else 0.7
    if "coreference" in (triple.source.resolved_by, triple.target.resolved_by if triple.target else ""):
        confidence -= 0.1
    if triple.via.endswith("compound-subject"):
        confidence -= 0.05
    return Coded(triple, code, method, "asserted", round(confidence, 2))
