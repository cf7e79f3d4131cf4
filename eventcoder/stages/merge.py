"""The last stage: ``merge`` (one event per dyad, code and date, every sentence that told it a
mention) or, in PETRARCH mode, ``distinct`` (one event per sentence, source, target and code)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar, Sequence

from ..records import Event
from .records import Events


def _actor_key(event: Event, which: str) -> str:
    mention = event.source if which == "source" else event.target
    if mention is None:
        return ""
    return mention.actor.country or mention.actor.code or mention.actor.name


GUESSED_COUNTRY = "nearest-country"  # in resolved_by: the country is the nearest one named, not the actor's own


def _specificity(event: Event) -> tuple[int, float]:
    """Which telling of a merged event represents it: parties with roles (sectors), people and
    agents whose own words give the country first; a party whose country is only the nearest one
    named counts less than a plain name ("the top of a military delegation" → Syrian military,
    beside "Damascus" in "Bagheri visited in Damascus at the top of a military delegation";
    "international rights groups" → American, beside "The United States" in "The United States,
    United Nations and international rights groups condemned Thailand"); then confidence."""
    score = 0
    for m in (event.source, event.target):
        if m is not None:
            score += len(m.actor.sectors) + (2 if m.resolved_by in {"person", "agent+country"} else 0)
            score -= 2 if GUESSED_COUNTRY in m.resolved_by else 0
    return score, event.confidence


def merge_events(events: Sequence[Event]) -> list[Event]:
    """One event per (dyad, CAMEO code, date) per article; every sentence that told it is a mention.

    A reciprocal pair (both directions of a mutual act such as signing together) counts as one dyad.
    """
    groups: dict[tuple[str, ...], list[Event]] = {}
    for event in events:
        src, tgt = _actor_key(event, "source"), _actor_key(event, "target")
        dyad = tuple(sorted((src, tgt))) if "compound-subject" in event.method or event.cameo.root in {"04", "05", "06"} else (src, tgt)
        key = (*dyad, event.cameo.code, event.date.value.isoformat())
        groups.setdefault(key, []).append(event)
    merged: list[Event] = []
    for group in groups.values():
        best = max(group, key=_specificity)
        mentions = tuple(sorted({e.sentence_index for e in group}))
        location = best.location or next((e.location for e in group if e.location), None)
        found_date = next((e.date for e in group if e.date.how != "publication-date"), best.date)
        merged.append(replace(best, mentions=mentions, location=location, date=found_date))
    return sorted(merged, key=lambda e: (e.sentence_index, e.trigger_start, e.id))


def distinct_events(events: Sequence[Event]) -> list[Event]:
    """PETRARCH's output: one event per (sentence, source code, target code, event code)."""
    seen: dict[tuple[object, ...], Event] = {}
    for event in events:
        key = (event.sentence_index, event.source.actor.code, event.target.actor.code if event.target else None, event.cameo.code)
        seen.setdefault(key, event)
    return list(seen.values())


@dataclass(frozen=True, slots=True)
class Merge:
    name: ClassVar[str] = "merge"
    takes: ClassVar[type] = Events
    returns: ClassVar[type] = Events

    def __call__(self, events: Events) -> Events:
        return Events(events.actors, tuple(merge_events(events.events)), events.dropped)


@dataclass(frozen=True, slots=True)
class Distinct:
    name: ClassVar[str] = "distinct"
    takes: ClassVar[type] = Events
    returns: ClassVar[type] = Events

    def __call__(self, events: Events) -> Events:
        return Events(events.actors, tuple(distinct_events(events.events)), events.dropped)
