"""Unknown actors: named people, organisations and groups that act but resolve to nothing.

A sentence's event predicates (verbs the verb dictionary knows, speech verbs left out) have
subjects and objects; when one of them is a spaCy PERSON, ORG or NORP name that the actor stage
gave no code (or only the article's country, as a guess), it is an :class:`UnknownMention`. These change no event: they are kept so the
store can count them across articles (``eventcoder actors --unknown``) and an analyst can add
them to a user actor file (``eventcoder actors --unknown --stub FILE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from ..relations import SPEECH_VERBS, ActorTable

KINDS = frozenset({"PERSON", "ORG", "NORP"})
_SOURCE_DEPS = frozenset({"nsubj"})
_TARGET_DEPS = frozenset({"nsubjpass", "dobj", "dative", "iobj"})
_TARGET_PREPS = frozenset({"with", "to", "against", "on", "toward", "towards", "into", "over", "upon", "from", "between", "for", "at"})
_LEADING = ("the ", "The ")


@dataclass(frozen=True, slots=True)
class UnknownMention:
    """One name in an event role that no dictionary resolved."""

    text: str  # the name as written ("Kyle Meyers", "Wagner Group"), without a leading "the"
    kind: str  # spaCy entity label: PERSON, ORG or NORP
    role: str  # "source" (subject, "by" agent) or "target" (object, passive subject)
    article_id: str
    sentence_index: int
    sentence: str
    start: int  # character offsets of the name in the article text
    end: int


def unknown_mentions(sent: Any, index: int, actors: ActorTable, verbs: Any, article_id: str) -> list[UnknownMention]:
    """The unresolved names acting in ``sent`` (a spaCy Span), each span once, in reading order.

    ``actors`` is the sentence's actor table after the actor stage; ``verbs`` anything with
    VerbDictionary's ``entry_for`` (a verb it has no entry for is no event predicate).
    """
    found: dict[tuple[int, int], UnknownMention] = {}
    for verb in sent:
        if verb.pos_ != "VERB" or verb.lemma_.lower() in SPEECH_VERBS or verbs.entry_for(verb) is None:
            continue
        for head, role in _roles(verb):
            span = _entity(head)
            if span is None or _resolved(span, actors):
                continue
            first, last = span
            doc = head.doc
            text = doc[first : last + 1].text
            for lead in _LEADING:
                if text.startswith(lead):
                    text = text[len(lead):]
            if not any(ch.isalpha() for ch in text):
                continue
            start = doc[first].idx
            found.setdefault((first, last), UnknownMention(
                text=text.strip(), kind=head.ent_type_, role=role, article_id=article_id,
                sentence_index=index, sentence=sent.text, start=start, end=doc[last].idx + len(doc[last].text),
            ))
    return [found[key] for key in sorted(found)]


def _roles(verb: Any) -> Iterator[tuple[Any, str]]:
    """(head token, role) of the verb's subjects, agents, objects and prepositional objects."""
    for child in verb.children:
        if child.dep_ in _SOURCE_DEPS:
            yield from ((t, "source") for t in _conjuncts(child))
        elif child.dep_ in _TARGET_DEPS:
            yield from ((t, "target") for t in _conjuncts(child))
        elif child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ in _TARGET_PREPS):
            role = "source" if child.dep_ == "agent" else "target"
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    yield from ((t, role) for t in _conjuncts(pobj))


def _conjuncts(token: Any) -> list[Any]:
    out = [token]
    for child in token.children:
        if child.dep_ in ("conj", "appos") and child.pos_ in ("PROPN", "NOUN"):
            out.extend(_conjuncts(child))
    return out


def _entity(head: Any) -> tuple[int, int] | None:
    """Token range (first, last) of the PERSON/ORG/NORP entity the head token belongs to."""
    if head.ent_type_ not in KINDS or head.pos_ == "PRON":
        return None
    doc = head.doc
    first = head.i
    while doc[first].ent_iob_ == "I" and first > 0:
        first -= 1
    last = head.i
    while last + 1 < len(doc) and doc[last + 1].ent_iob_ == "I":
        last += 1
    while last > first and doc[last].tag_ == "POS":  # "Meyers 's"
        last -= 1
    return first, last


def _resolved(span: tuple[int, int], actors: ActorTable) -> bool:
    """Whether a dictionary resolved a phrase covering any token of the entity.

    A name that only took the article's country ("unknown+article-country:SDN 7/9") is not:
    the country is a guess, the name is still unknown.
    """
    tokens = set(range(span[0], span[1] + 1))
    return any(
        m.actor.code is not None and m.resolved_by.split("+", 1)[0] != "unknown" and (i in tokens or tokens & toks)
        for i, (m, toks) in actors.items()
    )
