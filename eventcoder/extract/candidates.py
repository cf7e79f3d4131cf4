"""Candidate events for the gate: the parse's coded pairs, target-less ones included, each
also offered with the article's country as an implicit recipient ("Opposition lawmakers
denounced the extension" in a story about Somalia: SOM → SOM).

:func:`gate_candidates` scores them all, keeps those the gate accepts, and where one predicate
and source survive with and without the implicit recipient keeps the likelier reading.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

from ..events.coding import Coded
from ..events.ontology import CodeTables
from ..events.verbmatch import for_clauses
from datetime import date, timedelta

from ..records import Actor, Mention, ResolvedDate
from .features import candidate_features
from .content import CONTENT_NOTE
from .gate import Gate
from .quotes import inside
from .pairs import runner_up

IMPLICIT = "implicit"

# PETRARCH-2 verb blocks whose default is [---] (no event without a pattern) but whose plain
# verbs are events in news: "Opposition parties rejected the budget", "Kenya has refused to
# attend". Block → (code, lemmas that stay uncoded: a denial is CAMEO 016, not PLOVER).
BLOCK_DEFAULTS = {"REFUSE": ("120", frozenset({"deny", "resist"}))}

# Naming verbs with an object predicate: "Macron called Chinese subsidies 'unbearable'", "Leavitt
# called Ford's comments 'egregious and insulting'" judge the object; with no pattern of their own
# (CALL's default is a phone call, 040) they are CAMEO 111, criticize or denounce.
PREDICATIVE_DEFAULTS = {lemma: "111" for lemma in ("call", "label", "brand", "dub")}


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate with its features and, once gated, the gate's probability."""

    item: Coded
    features: tuple[str, ...]
    probability: float = 1.0
    note: str = ""


def is_background(when: ResolvedDate, published: date, days: int) -> bool:
    """An event dated (from a cue in its sentence) more than ``days`` days before publication is
    background, not news: "stormed the Mavi Marmara in 2010", "withdrew ambassadors in 2018"."""
    if when.how == "publication-date":
        return False
    if when.precision == "year":
        return when.value.year < published.year and (published - date(when.value.year, 12, 31)).days > days
    if when.precision == "month":
        last = (when.value.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return (published - last).days > days
    return (published - when.value).days > days


def named_here(recipient: Mention, source: Mention, here: Sequence[Mention]) -> Mention:
    """The implicit recipient with the span of the sentence's first bare mention of its country
    (its name or capital, coded as the recipient is: "Pakistan", not "the government of Nawaz
    Sharif") that is not the source, so the event shows where in its sentence the recipient
    stands; unchanged when the sentence does not name it. Its text ("[Pakistan]") and
    ``resolved_by`` still say it is implicit."""
    found = next((m for m in here if m.actor.code == recipient.actor.code and m.end > m.start
                  and not (m.start < source.end and source.start < m.end)), None)
    return recipient if found is None else replace(recipient, start=found.start, end=found.end)


def implicit_recipient(country: str, cameo: str, name: str, evidence: str) -> Mention:
    """The article's country standing in for a recipient the sentence does not name."""
    return Mention(f"[{name}]", 0, 0, Actor(code=cameo, name=name, country=country), f"{IMPLICIT}:{evidence}")


def with_implicit_targets(coded: Sequence[Coded], recipient: Mention | None, recent: Sequence[Mention] = (),
                          here: Sequence[Mention] = ()) -> list[Coded]:
    """Each target-less candidate once more with ``recipient`` (the article's country) as its
    target, and once with the nearest party named before it whose country differs from both
    the source's and the article's ("rejected the resolution" after a sentence about the US
    House: PAK → USA). ``recent``: parties named in the preceding sentences, nearest first.
    ``here``: the sentence's own mentions, in reading order; where one names the recipient's
    country ("imposed martial law, plunging Pakistan into …"), the recipient points at it
    (:func:`named_here`)."""
    out = list(coded)
    for item in coded:
        source = item.triple.source
        if item.triple.target is not None or source.actor.country is None:
            continue
        if recipient is not None:
            target = named_here(recipient, source, here)
            triple = replace(item.triple, target=target, via=f"{item.triple.via}:{IMPLICIT}")
            out.append(replace(item, triple=triple))
        taken = {source.actor.party, recipient.actor.party if recipient else None}
        other = next((m for m in recent if m.actor.party not in taken), None)
        if other is not None:
            stand_in = Mention(f"[{other.text}]", 0, 0, other.actor, f"{IMPLICIT}:recent:{other.text}")
            triple = replace(item.triple, target=stand_in, via=f"{item.triple.via}:{IMPLICIT}")
            out.append(replace(item, triple=triple))
    return out


def learned_variants(coded: Sequence[Coded], sent: Any, coder: Any, tables: CodeTables) -> list[Coded]:
    """``coded`` with the pair model's reading of each explicit pair beside the dictionary's.

    Where the model names the dictionary's PLOVER type the item is marked ``agrees``; where it
    names another (or the dictionary's code has no PLOVER type) the dictionary's reading stays,
    marked ``disagrees`` (saying so when the dictionary's type is the model's second reading:
    "met and signed an agreement" is SUPPORT first, CONSULT second), and one more candidate
    carries the model's type as that type's default CAMEO code, with its probability in
    ``method``. The gate chooses between them: the model never silently overrules a dictionary
    pattern.
    """
    from ..learned.recode import default_code, mark_pair

    rows: list[tuple[int, str]] = []
    for n, item in enumerate(coded):
        triple = item.triple
        if triple.target is None or triple.via.endswith(IMPLICIT):
            continue
        marked = mark_pair(sent, triple.source_tokens, triple.target_tokens)
        if marked:
            rows.append((n, marked))
    out = list(coded)
    if not rows:
        return out
    decisions = coder.decide([m for _, m in rows], [None] * len(rows), [None] * len(rows))
    for (n, _), decision in zip(rows, decisions):
        item = coded[n]
        code = default_code(tables, decision.root)
        own = tables.cameo(item.code).plover_type
        if tables.cameo(code).plover_type == own:
            out[n] = replace(item, method=f"{item.method}; learned {decision.root} p={decision.probability:.2f} agrees")
            continue
        if own is not None:
            second_code = default_code(tables, decision.second) if decision.second else None
            also = (f", {OWN_SECOND} p={decision.second_probability:.2f}"
                    if second_code is not None and tables.cameo(second_code).plover_type == own else "")
            out[n] = replace(item, method=f"{item.method}; learned {decision.root} p={decision.probability:.2f}{also} disagrees")
        note = f"learned {decision.root} p={decision.probability:.2f} proposes {code}"
        out.append(replace(item, code=code, method=f"{item.method}; {note}", confidence=round(decision.probability, 3)))
    for (n, _), decision in zip(rows, decisions):
        item = coded[n]
        second = runner_up(decision, tables, item.modality)
        if second is not None and tables.cameo(second[0]).plover_type != tables.cameo(item.code).plover_type:
            out.append(replace(item, code=second[0], method=f"{item.method}; {second[1]}", confidence=second[2]))
    return out


# How a pair-model reading is named for the gate: (marker in ``method``, feature prefix, probability
# bands from the highest), the first marker found deciding; its probability is the last "p=" in ``method``.
OWN_SECOND = "own type second"
_READINGS = (
    (CONTENT_NOTE, "content", ((0.8, "high"), (0.5, "mid"))),
    (OWN_SECOND, "disagrees-second", ((0.3, "high"), (0.18, "mid"))),
    ("runner-up", "second", ((0.3, "high"), (0.18, "mid"))),
    ("proposes", "proposes", ((0.95, "top"), (0.8, "high"), (0.5, "mid"))),
)


def _learned(method: str) -> str:
    for marker, prefix, bands in _READINGS:
        if marker in method:
            p = float(method.rsplit("p=", 1)[1].split()[0])
            return f"{prefix}-" + next((name for floor, name in bands if p >= floor), "low")
    if "disagrees" in method:
        return "disagrees"
    if "agrees" in method:
        return "agrees"
    return "overrules" if "overrules" in method else "none"


def _pattern_kind(method: str) -> str:
    if method.startswith("noun:"):
        return "noun"
    if "block-default" in method:
        return "block-default"
    return "default" if "(verb default)" in method else "specific"


SHORT_TEXT = 5  # sentences


@dataclass(frozen=True, slots=True)
class ArticleContext:
    """Gate features from around the candidate: whether its predicate stands inside a quotation
    (``quoted``), and how much of the article names parties at all (``political=`` band: the share
    of sentences with an actor resolved with a country or international body by its own words,
    not by a fallback): a sports or culture story names few, and its "attacks" are not events.
    A text of fewer than ``SHORT_TEXT`` sentences (a headline, one sentence to code) is
    ``political=short``, a value no training article has, so it weighs nothing."""

    quotes: tuple[tuple[int, int], ...]
    political: str

    @classmethod
    def of(cls, tables: Sequence[Any], quotes: Sequence[tuple[int, int]]) -> ArticleContext:
        if len(tables) < SHORT_TEXT:  # a share of one or two sentences says nothing about the story
            return cls(tuple(quotes), "short")
        named = sum(1 for table in tables if any(_own_party(m) for m, _ in table.values()))
        share = named / len(tables)
        band = next(b for b, top in (("low", 0.25), ("mid", 0.5), ("high", 0.75), ("most", 2.0)) if share < top)
        return cls(tuple(quotes), band)

    def features(self, verb: Any) -> tuple[str, ...]:
        return (f"political={self.political}", *(("quoted",) if inside(self.quotes, verb.idx) else ()))


def _own_party(mention: Mention) -> bool:
    return mention.actor.party is not None and "+" not in mention.resolved_by and not mention.resolved_by.startswith(
        ("unknown", "pronoun", "quote-speaker"))


def features_of(item: Coded, doc: Any, tables: CodeTables) -> tuple[str, ...]:
    info = tables.cameo(item.code)
    triple = item.triple
    return tuple(candidate_features(
        doc[triple.verb], plover_type=info.plover_type, code=info.code,
        pattern=_pattern_kind(item.method), via=triple.via, source=triple.source,
        target=triple.target, implicit=triple.via.endswith(IMPLICIT), modality=item.modality,
        sentence_index=triple.sentence_index, learned=_learned(item.method),
        source_tokens=triple.source_tokens, target_tokens=triple.target_tokens,
    ))


_REPORTING = frozenset("quote report cite say tell carry publish broadcast".split())


def verdict(features: Sequence[str], gate: Gate) -> tuple[bool, float, str]:
    """(keep, probability, why) for one candidate: the gate's decision, with two fixed rules.

    A specific dictionary pattern whose type the pair model confirms on an explicit pair stays
    (the dictionary keeps its job where it is right); a news medium reporting or quoting is
    never the actor of what it reports (the coding conventions' attribution rule).
    """
    decision = gate.decide(features)
    feats = set(features)
    lemma = next((f[6:] for f in feats if f.startswith("lemma=") and "|" not in f), "")
    if lemma in _REPORTING and ("src_sector=MED" in feats or "src_sector=JRN" in feats):
        return False, decision.probability, "reporting medium"
    if {"pattern=specific", "pairmodel=agrees", "target=explicit"} <= feats:
        return True, decision.probability, f"dictionary pattern and pair model agree; {decision.describe()}"
    return decision.keep, decision.probability, decision.describe()


_REQUESTING = frozenset("urge call ask demand appeal plead plea press push lobby request exhort encourage invite beg implore".split())


def requested_act(verb: Any) -> bool:
    """A predicate that is what someone is asked to do ("called on Russia to stop bombing",
    "urged the president to avoid decisions", "called for the Taliban to lift the ban"): the request
    is the event, not the act."""
    node = verb
    if node.dep_ == "acl" and node.head.lemma_.lower() in _REQUESTING:  # "its appeal to X to release …"
        return True
    if node.dep_ in ("xcomp", "advcl") and any(c.dep_ == "dobj" and c.lemma_.lower() in _REQUESTING and c.i < node.i
                                               for c in node.head.children):
        return True  # "reiterated its call to the authorities to drop the charges"
    while (node.dep_ in ("xcomp", "conj", "ccomp") or node in for_clauses(node.head)) and node.head.i != node.i:
        node = node.head
        if node.lemma_.lower() in _REQUESTING:
            return True
    return False


def gate_candidates(coded: Sequence[Coded], doc: Any, tables: CodeTables, gate: Gate | None,
                    context: ArticleContext | None = None) -> list[Scored]:
    """Every candidate scored; with a gate, only the accepted ones, one target reading each.
    ``context`` adds what the article around the candidate says (see :class:`ArticleContext`)."""
    scored = [Scored(item, features_of(item, doc, tables) + (context.features(doc[item.triple.verb]) if context else ()))
              for item in coded if not requested_act(doc[item.triple.verb])]
    if gate is None:
        return scored
    kept: dict[tuple[object, ...], Scored] = {}
    for s in scored:
        keep, probability, why = verdict(s.features, gate)
        if not keep:
            continue
        s = Scored(s.item, s.features, probability, why)
        triple = s.item.triple
        explicit = triple.target if not triple.via.endswith(IMPLICIT) else None
        key = (triple.verb, triple.source.start, tables.cameo(s.item.code).plover_type, explicit.start if explicit is not None else None)
        if key not in kept or s.probability > kept[key].probability:
            kept[key] = s
    return list(kept.values())
