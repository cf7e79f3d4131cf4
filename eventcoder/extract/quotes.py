"""I and we inside a quotation stand for whoever is quoted.

“If the United States escalates, I will not hesitate to shut the electricity off,” Ford said:
"I" is Ford. "We have to understand that Vladimir Putin is the aggressor," said Jason Crow: "we"
speaks for Crow. A quotation runs from its opening mark to its closing mark, or to the end of its
paragraph; its speaker is the actor that is the subject of a speech verb ("said", "told",
"added", "warned" …) outside the quotation, in a sentence the quotation touches, else in the sentence just
after it in the same paragraph, else in the sentence just before it ("Kallas said: …"). A subject
"I" or "we" inside the quotation then becomes a mention of that actor
(``resolved_by`` ``quote-speaker:Ford``). Pronouns already resolved are left alone.
"""

from __future__ import annotations

from typing import Any, Sequence

from ..records import Mention
from ..relations import SPEECH_VERBS, SUBJECT_DEPS, ActorTable

_FIRST_PERSON = frozenset({"i", "we"})
_QUOTING = SPEECH_VERBS | frozenset(  # verbs that introduce a quotation besides the plain speech verbs
    "speak tweet post warn urge ask answer reply respond argue complain remark recall conclude admit "
    "acknowledge predict promise vow pledge suggest caution continue".split())
_OPEN = "“"
_CLOSE = "”"


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of the quotations in ``text``: curly quotes by their marks,
    straight quotes in pairs; an unclosed quotation ends with its paragraph."""
    if _OPEN not in text and '"' not in text:  # no quotation opens (most sentences): no scan
        return []
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for i, ch in enumerate(text):
        if ch == "\n":
            if start is not None:
                spans.append((start, i))
            start = None
        elif start is None and ch in (_OPEN, '"'):
            start = i
        elif start is not None and (ch == _CLOSE or (ch == '"' and text[start] == '"')):
            spans.append((start, i + 1))
            start = None
    if start is not None:
        spans.append((start, len(text)))
    return spans


def quote_speakers(sentences: Sequence[Any], tables: Sequence[ActorTable], text: str,
                   spans: Sequence[tuple[int, int]]) -> list[ActorTable]:
    """The tables with every subject I/we inside a quotation (``spans``, from :func:`quote_spans`
    of the article's ``text``) added as a mention of its speaker."""
    if not spans:
        return list(tables)
    out: list[dict[int, tuple[Mention, frozenset[int]]]] = [dict(t) for t in tables]
    for start, end in spans:
        touched = [n for n, s in enumerate(sentences) if s.start_char < end and start < s.end_char]
        if not touched:
            continue
        speaker = _speaker(touched, sentences, out, spans, text, end)
        if speaker is None:
            continue
        for n in touched:
            for tok in sentences[n]:
                if (start <= tok.idx < end and tok.lower_ in _FIRST_PERSON and tok.dep_ in SUBJECT_DEPS
                        and tok.i not in out[n]):
                    out[n][tok.i] = (Mention(tok.text, tok.idx, tok.idx + len(tok.text), speaker.actor,
                                             f"quote-speaker:{speaker.text}"), frozenset({tok.i}))
    return [table for table in out]


def inside(spans: Sequence[tuple[int, int]], at: int) -> bool:
    """Whether character offset ``at`` lies in one of the quotation ``spans``."""
    return any(a <= at < b for a, b in spans)


def _speaker(touched: list[int], sentences: Sequence[Any], tables: Sequence[ActorTable],
             spans: Sequence[tuple[int, int]], text: str, end: int) -> Mention | None:
    """The actor quoted: the subject of a speech verb outside the quotations, in the sentences
    the quotation touches, then the next sentence of its paragraph, then the one before."""
    last = touched[-1]
    after = [last + 1] if last + 1 < len(sentences) and "\n" not in text[end : sentences[last + 1].start_char] else []
    before = [touched[0] - 1] if touched[0] > 0 else []
    for n in (*touched, *after, *before):
        for tok in sentences[n]:
            if tok.lemma_.lower() not in _QUOTING or inside(spans, tok.idx):
                continue
            for child in tok.children:
                if child.dep_ == "nsubj" and child.i in tables[n] and not inside(spans, child.idx):
                    mention = tables[n][child.i][0]
                    if mention.actor.code is not None:
                        return mention
    return None
