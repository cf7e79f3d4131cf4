"""Evidence spans: where an event's sentence, trigger, source and target sit in the article text.

The store keeps the trigger's character offsets in the article; the actors are kept as the
text of their mention, so their spans are found in the event's sentence — the occurrence
nearest the trigger (a source before it when there is one, a target after it), never
overlapping the trigger or each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Span = dict[str, Any]


def _occurrences(haystack: str, needle: str) -> list[int]:
    found, at = [], haystack.find(needle)
    while needle and at >= 0:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def _sentence_start(text: str, sentence: str, trigger_start: int | None) -> int | None:
    starts = _occurrences(text, sentence)
    if not starts:
        return None
    if trigger_start is None:
        return starts[0]
    inside = [s for s in starts if s <= trigger_start < s + len(sentence)]
    return inside[0] if inside else min(starts, key=lambda s: abs(s - trigger_start))


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in taken)


def _actor_span(sentence: str, base: int, mention: str | None, trigger: tuple[int, int] | None,
                taken: list[tuple[int, int]], before: bool) -> tuple[int, int] | None:
    if not mention:
        return None
    candidates = [(base + s, base + s + len(mention)) for s in _occurrences(sentence, mention)]
    candidates = [c for c in candidates if not _overlaps(c[0], c[1], taken)]
    if not candidates:
        return None
    if trigger is None:
        return candidates[0]
    side = [c for c in candidates if (c[1] <= trigger[0]) == before]
    pool = side or candidates
    return min(pool, key=lambda c: min(abs(c[0] - trigger[1]), abs(c[1] - trigger[0])))


def event_spans(event: Mapping[str, Any], text: str) -> dict[str, Span | None]:
    """``sentence``, ``trigger``, ``source``, ``target``: ``{start, end, text}`` in ``text`` or None."""
    sentence = str(event.get("sentence") or "")
    t_start, t_end = event.get("trigger_start"), event.get("trigger_end")
    trigger: tuple[int, int] | None = None
    if isinstance(t_start, int) and isinstance(t_end, int) and 0 <= t_start < t_end <= len(text):
        trigger = (t_start, t_end)
    base = _sentence_start(text, sentence, t_start if isinstance(t_start, int) else None) if sentence else None
    out: dict[str, Span | None] = {"sentence": None, "trigger": None, "source": None, "target": None}
    if base is None:
        return out
    out["sentence"] = {"start": base, "end": base + len(sentence), "text": sentence}
    if trigger is None or not (base <= trigger[0] and trigger[1] <= base + len(sentence)):
        word = str(event.get("trigger") or "")
        at = sentence.find(word) if word else -1
        trigger = (base + at, base + at + len(word)) if at >= 0 else None
    taken: list[tuple[int, int]] = [trigger] if trigger else []
    if trigger:
        out["trigger"] = {"start": trigger[0], "end": trigger[1], "text": text[trigger[0]:trigger[1]]}
    for role, before in (("source", True), ("target", False)):
        span = _actor_span(sentence, base, event.get(f"{role}_text"), trigger, taken, before)
        if span:
            taken.append(span)
            out[role] = {"start": span[0], "end": span[1], "text": text[span[0]:span[1]]}
    return out


def article_spans(events: Sequence[Mapping[str, Any]], text: str) -> list[Span]:
    """Every event's trigger/source/target span in the article, as ``{event_id, role, start, end}``."""
    spans: list[Span] = []
    for event in events:
        found = event_spans(event, text)
        for role in ("source", "trigger", "target"):
            span = found[role]
            if span is not None:
                spans.append({"event_id": event["event_id"], "role": role, **span})
    return sorted(spans, key=lambda s: (s["start"], s["end"]))
