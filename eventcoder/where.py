"""The ``where`` stage: the place of an event, from the sentence or the article's dateline.

``locate`` reads locative phrases ("in", "at", "near", "outside", "inside" + a place) that hang on
the trigger, on its direct object ("signed an agreement in Damascus") or on its other arguments
("an agreement in Damascus was signed"), and the direct object of visit-like verbs ("visited
Damascus"); places buried deeper ("settled by deployment in Syria") are not the event's. Names are looked
up in the ``Gazetteer`` with the article's countries as hints; an appositive qualifier ("Paris,
Texas"; "Damascus, Syria") becomes the strongest hint.

The functions take objects with spaCy's Token/Span interface; spaCy is never imported here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from eventcoder.entities import entity_of
from eventcoder.gazetteer import Gazetteer, Place
from eventcoder.records import Location

LOCATIVE_PREPS = frozenset({"in", "at", "near", "outside", "inside"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Entity types that are never places, even when the gazetteer knows the name ("Jordan" the person).
NOT_PLACE_LABELS = frozenset({"PERSON", "ORG", "NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY",
                              "PERCENT", "QUANTITY", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "PRODUCT"})
# Verbs whose direct object is where the event happens when it is a place.
PLACE_OBJECT_VERBS = frozenset({
    "visit", "tour", "reach", "enter", "leave", "attack", "bomb", "shell", "strike", "raid", "invade",
    "capture", "seize", "storm", "besiege", "occupy", "hit", "target", "bombard", "liberate",
})
# Nouns after a locative preposition that make a fixed phrase, not a place: "in line with",
# "in response to", "at the request of". Nothing below them is searched for a place.
FIXED_PHRASE_NOUNS = frozenset({
    "line", "response", "order", "addition", "terms", "accordance", "favor", "favour", "support",
    "charge", "wake", "light", "view", "spite", "case", "request", "invitation", "behalf", "return",
    "exchange", "place", "lieu", "touch", "contact", "power", "office", "turn", "fact", "particular",
})
_NESTED_PREPS = LOCATIVE_PREPS | {"of"}
_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "attr", "dative", "oprd", "npadvmod", "advmod"})
_MAX_NESTING = 2
_MAX_PHRASE_TOKENS = 10
_DATELINE_TAIL = re.compile(r"\s*(?:\(.*?\)|[-–—]+).*$")


@dataclass(frozen=True, slots=True)
class _Candidate:
    rule: str  # "prep" or "object"
    text: str  # the phrase as written, for ``how``
    place: Any  # the token that names the place


def locate(sentence: Any, trigger: Any, gazetteer: Gazetteer, *, country_hints: Sequence[str] = ()) -> Location | None:
    """The place of the event whose trigger is ``trigger``, or None when the sentence names none."""
    for candidate in place_candidates(sentence, trigger):
        name = entity_text(sentence, candidate.place)
        hints = [*qualifier_hints(sentence, candidate.place, gazetteer), *country_hints]
        place = gazetteer.best(name, hints)
        if place is not None:
            return replace(place.to_location(), how=_how(candidate, place))
        wider = _qualifier_place(sentence, candidate.place, gazetteer, country_hints)
        if wider is not None:  # "in Charlevoix, Quebec": a town the gazetteer lacks, in a region it knows
            return replace(wider.to_location(), how=f"{_how(candidate, wider)} (qualifier {wider.name})")
    return None


def _qualifier_place(sentence: Any, place: Any, gazetteer: Gazetteer, hints: Sequence[str]) -> Place | None:
    """The first place named in apposition to ``place`` that the gazetteer knows, else None."""
    for name in _qualifier_names(sentence, place):
        found = gazetteer.best(name, hints)
        if found is not None and found.country:
            return found
    return None


def dateline_location(dateline: str | None, gazetteer: Gazetteer, hints: Sequence[str] = ()) -> Location | None:
    """The place named by a dateline ("TEHRAN -", "DAMASCUS, Syria (Reuters) -"), how="dateline"."""
    if not dateline:
        return None
    text = _DATELINE_TAIL.sub("", dateline.strip())
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return None
    qualifier_hints: list[str] = []
    for qualifier in parts[1:]:
        found = gazetteer.best(qualifier)
        if found is not None and found.kind != "city" and found.country:
            qualifier_hints.append(found.country)
    place = gazetteer.best(parts[0], [*qualifier_hints, *hints])
    return replace(place.to_location(), how="dateline") if place else None


def _how(candidate: _Candidate, place: Place) -> str:
    how = f"{candidate.rule}:{candidate.text}"
    return how if place.kind == "city" else f"{how} ({place.describe()})"


# ---------------------------------------------------------------------------------------------
# Candidates, best first


def place_candidates(sentence: Any, trigger: Any) -> Iterator[_Candidate]:
    """Place-naming tokens for ``trigger``, best first: its own locatives, a visit-like object,
    the object's locatives, then locatives on its other arguments (nearest first)."""
    seen: set[int] = set()
    objects = [c for c in trigger.children if c.dep_ in ("dobj", "obj")]
    for prep in _locative_children(trigger):
        seen.add(prep.i)
        yield from _from_preposition(sentence, prep)
    lemma = (getattr(trigger, "lemma_", "") or trigger.text).lower()
    if lemma in PLACE_OBJECT_VERBS:
        for obj in objects:
            if is_place_token(obj):
                yield _Candidate("object", entity_text(sentence, obj), obj)
    for obj in objects:
        for prep in _locative_children(obj):
            seen.add(prep.i)
            yield from _from_preposition(sentence, prep)
    # A place on the partner the trigger acts with: "met with his counterpart in Cairo".
    partners = [
        g for c in trigger.children if c.dep_ == "prep" and c.text.lower() == "with"
        for g in c.children if g.dep_ == "pobj"
    ]
    for obj in partners:
        for prep in _locative_children(obj):
            seen.add(prep.i)
            yield from _from_preposition(sentence, prep)
    # Locatives on the trigger's other arguments ("an agreement in Damascus was signed"), not ones
    # buried deeper ("settled by deployment in Syria" does not say where the settling happens).
    arguments = [c for c in trigger.children if c.dep_ in _ARGUMENT_DEPS]
    others = [p for a in arguments for p in _locative_children(a) if p.i not in seen]
    others.sort(key=lambda t: abs(t.i - trigger.i))
    for prep in others:
        yield from _from_preposition(sentence, prep)


def _is_locative(token: Any) -> bool:
    return token.dep_ == "prep" and token.text.lower() in LOCATIVE_PREPS


def _locative_children(token: Any) -> list[Any]:
    return [c for c in token.children if _is_locative(c)]


def _from_preposition(sentence: Any, prep: Any, depth: int = 0) -> Iterator[_Candidate]:
    """Places under a preposition: its object, or a place nested below it ("outside the embassy
    in Tehran", "in the north of Syria"); nothing under fixed phrases ("in line with")."""
    for obj in (c for c in prep.children if c.dep_ == "pobj"):
        if is_place_token(obj):
            yield _Candidate("prep", _phrase(sentence, prep, obj), obj)
            continue
        if obj.text.lower() in FIXED_PHRASE_NOUNS or obj.ent_type_ in NOT_PLACE_LABELS or depth >= _MAX_NESTING:
            continue
        for inner in obj.children:
            if inner.dep_ == "prep" and inner.text.lower() in _NESTED_PREPS:
                for found in _from_preposition(sentence, inner, depth + 1):
                    yield _Candidate("prep", _phrase(sentence, prep, found.place), found.place)


def is_place_token(token: Any) -> bool:
    """A token that names a place: a GPE/LOC/FAC entity, or a proper noun outside any entity."""
    if token.ent_type_ in PLACE_LABELS:
        return True
    return not token.ent_type_ and getattr(token, "pos_", "") == "PROPN"


def entity_text(sentence: Any, token: Any) -> str:
    """The whole name the token belongs to: its entity ("New York"), else its compound words."""
    bounds = entity_of(token)
    if bounds is not None and sentence.start <= bounds[0] and bounds[1] <= sentence.end:
        return str(sentence.doc[bounds[0]:bounds[1]].text)
    words = [c for c in token.children if c.dep_ == "compound" and c.i < token.i]
    return " ".join([*(w.text for w in sorted(words, key=lambda w: w.i)), token.text])


def _entity_end(sentence: Any, token: Any) -> int:
    bounds = entity_of(token)
    if bounds is not None and sentence.start <= bounds[0] and bounds[1] <= sentence.end:
        return bounds[1]
    return int(token.i) + 1


def _phrase(sentence: Any, prep: Any, place: Any) -> str:
    """The words from the preposition to the end of the place name, or "prep name" when long."""
    end = _entity_end(sentence, place)
    if 0 < end - prep.i <= _MAX_PHRASE_TOKENS:
        return str(sentence[prep.i - sentence.start : end - sentence.start].text)
    return f"{prep.text} {entity_text(sentence, place)}"


def qualifier_hints(sentence: Any, place: Any, gazetteer: Gazetteer) -> list[str]:
    """Countries named in apposition to a place ("Paris, Texas" → USA; "Damascus, Syria" → SYR)."""
    hints: list[str] = []
    for name in _qualifier_names(sentence, place):
        found = gazetteer.best(name)
        if found is not None and found.kind != "city" and found.country and found.country not in hints:
            hints.append(found.country)
    return hints


def _qualifier_names(sentence: Any, place: Any) -> Iterator[str]:
    """The place names set in apposition to ``place`` ("Paris, Texas": Texas), in parse order."""
    for child in place.children:
        if child.dep_ in ("appos", "npadvmod", "conj") and child.ent_type_ in PLACE_LABELS:
            yield entity_text(sentence, child)
