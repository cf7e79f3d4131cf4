"""End-to-end PLV evaluation: code each PLV sentence from raw text with the whole Pipeline.

``eval plv`` scores a coder that is *given* the marked (source, target) pair; this asks whether
the pipeline finds the pair by itself. For each row, the ``<s>``/``<t>`` tags are stripped, the
sentence is coded as a one-sentence article (each distinct sentence once), and an event
*finds* the row's triple when its source mention overlaps the ``<s>`` span, its target mention
overlaps the ``<t>`` span (character offsets in the stripped sentence; ``Mention.start/end`` are
offsets in ``Article.text``, which here is exactly that sentence) and its PLOVER type, with
CONCEDE and RETREAT read as PLV's YIELD, is the gold root. Rows without a ``<t>`` span ("a
recipient") need only the source and the type.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError
from .learned.plv import PlvPair, marked_occurrences, plv_root, unmarked
from .records import Article, Event, stable_id

if TYPE_CHECKING:
    from .pipeline import Pipeline

Span = tuple[int, int]
Marks = tuple[Span, ...]  # every marked mention of one party
DEFAULT_PUBLISHED = date(2020, 1, 1)


@dataclass(frozen=True, slots=True)
class RootRow:
    root: str
    rows: int
    triple: int  # rows whose triple was found
    pair: int  # rows whose (source, target) pair was found, any type


@dataclass(frozen=True, slots=True)
class E2EScore:
    rows: int  # rows scored (with a readable <s> span)
    unusable: int  # rows left out: no <s> span
    no_target_rows: int  # rows without a <t> span (scored on source and type)
    sentences: int  # distinct sentences coded
    sentences_without_event: int
    rows_without_event: int
    triple: int  # source, target and type found
    pair: int  # source and target found, any type
    undirected: int  # type found with source and target in either direction
    source: int  # an event's source overlaps <s>
    rejected: int  # sentences the pipeline rejected (counted as coding nothing)
    seconds: float
    by_root: tuple[RootRow, ...]
    confusions: tuple[tuple[str, str, int], ...]  # (gold root, predicted root, rows) where the pair was found with another type

    def share(self, count: int) -> float | None:
        return count / self.rows if self.rows else None


def select_rows(pairs: Sequence[PlvPair], rows: Sequence[int] | None = None, limit: int | None = None) -> list[PlvPair]:
    """The pairs at the given 0-based row indexes (all if None), then the first ``limit``."""
    if rows is None:
        chosen = list(pairs)
    else:
        bad = [i for i in rows if not 0 <= i < len(pairs)]
        if bad:
            raise InputError(f"row indexes out of range 0..{len(pairs) - 1}: {bad[:5]}")
        chosen = [pairs[i] for i in rows]
    return chosen[:limit] if limit is not None else chosen


def read_row_ids(path: str | Path) -> list[int]:
    """0-based row indexes from a file: integers separated by whitespace or commas; ``#`` starts a comment."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read row ids {path}: {exc}") from exc
    ids: list[int] = []
    for number, line in enumerate(text.splitlines(), 1):
        for token in line.split("#", 1)[0].replace(",", " ").split():
            try:
                ids.append(int(token))
            except ValueError as exc:
                raise InputError(f"{path}:{number}: {token!r} is not a row index") from exc
    return ids


def end_to_end(
    pairs: Sequence[PlvPair],
    pipeline: Pipeline,
    *,
    rows: Sequence[int] | None = None,
    published: date = DEFAULT_PUBLISHED,
) -> E2EScore:
    """Code the distinct sentences of ``pairs`` (or of the rows at ``rows``) and score every row."""
    return end_to_end_folds(pairs, [(rows, pipeline)], published=published)


def end_to_end_folds(
    pairs: Sequence[PlvPair],
    folds: Sequence[tuple[Sequence[int] | None, Pipeline]],
    *,
    published: date = DEFAULT_PUBLISHED,
) -> E2EScore:
    """One score over folds: each fold's rows (None: all) coded by that fold's pipeline — in
    cross-validation, one whose pair model never saw those rows."""
    started = time.perf_counter()
    coded: list[tuple[list[PlvPair], dict[str, tuple[Event, ...]]]] = []
    rejected = 0
    for rows, pipeline in folds:
        chosen = select_rows(pairs, rows)
        texts = list(dict.fromkeys(unmarked(p.marked_sentence) for p in chosen))
        articles = [Article(id=stable_id("plv", text), headline="", text=text, published=published, origin="<plv>")
                    for text in texts]
        events: dict[str, tuple[Event, ...]] = {}
        for text, result in zip(texts, pipeline.code_articles(articles)):
            rejected += result.rejection is not None
            events[text] = result.events if result.rejection is None else ()
        coded.append((chosen, events))
    return _score(coded, rejected, time.perf_counter() - started)


def fold_rows(folder: str | Path) -> list[tuple[Path, list[int]]]:
    """The folds of ``scripts/train_classifier.py --fold-models DIR``: (model folder, held-out
    rows) for each ``DIR/fold-K`` holding a pair model and its ``rows.txt``."""
    root = Path(folder)
    found = sorted((d for d in root.glob("fold-*") if (d / "rows.txt").is_file()), key=lambda d: d.name)
    if not found:
        raise InputError(f"{root}: no fold-K folders with a rows.txt (made by scripts/train_classifier.py --fold-models)")
    folds = [(d, read_row_ids(d / "rows.txt")) for d in found]
    seen: set[int] = set()
    for d, rows in folds:
        if seen & set(rows):
            raise InputError(f"{d}: rows also held out by another fold")
        seen.update(rows)
    return folds


def _score(coded: Sequence[tuple[Sequence[PlvPair], dict[str, tuple[Event, ...]]]], rejected: int, seconds: float) -> E2EScore:
    found: Counter[str] = Counter()
    per_root: dict[str, Counter[str]] = {}
    confusions: Counter[tuple[str, str]] = Counter()
    unusable = no_target = 0
    for pairs, events in coded:
        for pair in pairs:
            s_marks, t_found = marked_occurrences(pair)
            if not s_marks:
                unusable += 1
                continue
            t_marks = t_found or None
            no_target += t_marks is None
            predicted = events.get(unmarked(pair.marked_sentence), ())
            hits = _row_hits(pair.gold_root, s_marks, t_marks, predicted)
            found.update(k for k, ok in hits.items() if ok)
            found["rows"] += 1
            found["no_event"] += not predicted
            counter = per_root.setdefault(pair.gold_root, Counter())
            counter.update(["rows"] + [k for k in ("triple", "pair") if hits[k]])
            if hits["pair"] and not hits["triple"]:
                for kind in sorted({_root(e) for e in predicted if directed(e, s_marks, t_marks)}):
                    confusions[pair.gold_root, kind] += 1
    sentences = [e for _, events in coded for e in events.values()]
    return E2EScore(
        rows=found["rows"], unusable=unusable, no_target_rows=no_target, sentences=len(sentences),
        sentences_without_event=sum(1 for e in sentences if not e), rows_without_event=found["no_event"],
        triple=found["triple"], pair=found["pair"], undirected=found["undirected"], source=found["source"],
        rejected=rejected, seconds=seconds,
        by_root=tuple(RootRow(r, c["rows"], c["triple"], c["pair"]) for r, c in sorted(per_root.items())),
        confusions=tuple((g, p, n) for (g, p), n in confusions.most_common()),
    )


def _row_hits(root: str, s_marks: Marks, t_marks: Marks | None, coded: Sequence[Event]) -> dict[str, bool]:
    typed = [e for e in coded if _root(e) == root]
    return {
        "triple": any(directed(e, s_marks, t_marks) for e in typed),
        "pair": any(directed(e, s_marks, t_marks) for e in coded),
        "undirected": any(directed(e, s_marks, t_marks) or directed(e, t_marks, s_marks) for e in typed),
        "source": any(_overlaps(e.source.start, e.source.end, s_marks) for e in coded),
    }


def directed(event: Event, s_marks: Marks | None, t_marks: Marks | None) -> bool:
    """Source overlaps a span of ``s_marks`` and target one of ``t_marks`` (no ``t_marks``: any target)."""
    if s_marks is None:  # reversed reading of a row without a target: the target must be the <s> actor
        return False
    if not _overlaps(event.source.start, event.source.end, s_marks):
        return False
    if t_marks is None:
        return True
    return event.target is not None and _overlaps(event.target.start, event.target.end, t_marks)


def _overlaps(start: int, end: int, marks: Marks) -> bool:
    return any(start < span[1] and span[0] < end for span in marks)


def _root(event: Event) -> str:
    return plv_root(event.cameo.plover_type) if event.cameo.plover_type else "-"


def format_e2e(score: E2EScore, *, title: str = "") -> str:
    def pct(count: int) -> str:
        value = score.share(count)
        return "-" if value is None else f"{count:>5}/{score.rows}  {value:.3f}"

    speed = score.sentences / score.seconds if score.seconds > 0 else float("inf")
    lines = [
        f"{title} — end to end (raw sentence → Pipeline)" if title else "end to end (raw sentence → Pipeline)",
        f"rows {score.rows} scored ({score.unusable} without an <s> span left out; {score.no_target_rows} without a "
        f"<t> span, scored on source + type), {score.sentences} distinct sentences coded in {score.seconds:.1f} s "
        f"({speed:.1f} sentences/s), {score.rejected} rejected",
        f"  triple found (source, target, type)    {pct(score.triple)}",
        f"  pair found (any type)                  {pct(score.pair)}",
        f"  triple found ignoring direction        {pct(score.undirected)}",
        f"  source found (any event)               {pct(score.source)}",
        f"  rows whose sentence codes no event     {pct(score.rows_without_event)}",
        f"  sentences with no event                {score.sentences_without_event:>5}/{score.sentences}  "
        f"{(score.sentences_without_event / score.sentences if score.sentences else 0.0):.3f}",
        "",
        f"  {'gold root':10} {'rows':>5} {'triple':>7} {'pair':>6}",
    ]
    lines += [f"  {r.root:10} {r.rows:>5} {r.triple / r.rows:>7.3f} {r.pair / r.rows:>6.3f}" for r in score.by_root]
    if score.confusions:
        lines += ["", "pair found with another type (gold → predicted: rows): "
                  + ", ".join(f"{g}→{p} {n}" for g, p, n in score.confusions[:15])]
    return "\n".join(lines)
