"""Named entities of one sentence or one token, read from the tokens' IOB tags.

spaCy's ``Span.ents`` builds the entity list of the whole document on every call, so calling it
once per sentence or per event makes coding a long article quadratic (a 6,000-sentence article
took six minutes). These read only the tokens they need.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def sentence_entities(sentence: Any) -> Iterator[Any]:
    """The entities that lie wholly inside ``sentence``, in order (like ``sentence.ents``)."""
    doc = sentence.doc
    span = type(sentence)  # spaCy's Span, without importing spaCy here
    i = sentence.start
    while i < sentence.end:
        if doc[i].ent_iob_ != "B":
            i += 1
            continue
        end = i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        if end <= sentence.end:
            yield span(doc, i, end, label=doc[i].ent_type_)
        i = end


def entity_of(token: Any) -> tuple[int, int] | None:
    """(start, end) token indices of the entity ``token`` belongs to, or None."""
    if token.ent_iob_ not in ("B", "I"):
        return None
    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return start, end
