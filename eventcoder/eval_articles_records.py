"""Records for the article-level evaluation (``eventcoder eval articles``).

The gold side (``load_article_gold``: one ``ArticleGold`` per line of a ``gold.jsonl`` in the
shape of ``../shared/eval/articles/CONVENTIONS.md``), the duck-typed view of a predicted event
(``EventLike``: anything with ``records.Event``'s attributes), and the score records that
``eval_articles.score_articles`` returns. Everything here is a frozen dataclass of plain values,
so a score can be written as JSON with ``dataclasses.asdict``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Protocol

from .errors import InputError

if TYPE_CHECKING:
    from .eval_articles_coverage import Coverage

# -- predicted events: anything shaped like records.Event ---------------------------------------


class ActorLike(Protocol):
    @property
    def country(self) -> str | None: ...
    @property
    def sectors(self) -> tuple[str, ...]: ...


class MentionLike(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def actor(self) -> ActorLike: ...


class CameoLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def plover_type(self) -> str | None: ...


class DateLike(Protocol):
    @property
    def value(self) -> date: ...


class PlaceLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def country(self) -> str | None: ...


class EventLike(Protocol):
    """What the scorer reads of a predicted event (``records.Event`` has all of it)."""

    @property
    def sentence(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def source(self) -> MentionLike: ...
    @property
    def target(self) -> MentionLike | None: ...
    @property
    def cameo(self) -> CameoLike: ...
    @property
    def date(self) -> DateLike: ...
    @property
    def location(self) -> PlaceLike | None: ...


# -- gold -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldActor:
    text: str
    country: str | None
    sector: str | None
    members: tuple[str, ...] = ()  # ISO3 codes of an unnamed collective (country null)
    implicit: bool = False


@dataclass(frozen=True, slots=True)
class Alternatives:
    """``acceptable_alternatives``; ``None`` inside a tuple means "none/bare state is acceptable"."""

    plover_type: tuple[str, ...] = ()
    source_country: tuple[str | None, ...] = ()
    target_country: tuple[str | None, ...] = ()
    cameo_code: tuple[str, ...] = ()
    source_sector: tuple[str | None, ...] = ()
    target_sector: tuple[str | None, ...] = ()


@dataclass(frozen=True, slots=True)
class GoldEvent:
    event_id: str
    sentence: str
    alt_sentences: tuple[str, ...]
    source: GoldActor
    target: GoldActor | None
    plover_type: str
    cameo_code: str
    symmetric: bool
    event_date: date | None
    date_precision: str
    date_range: tuple[date, date] | None
    location_name: str | None
    location_country: str | None
    alternatives: Alternatives

    @property
    def sentences(self) -> tuple[str, ...]:
        return (self.sentence, *self.alt_sentences)


@dataclass(frozen=True, slots=True)
class NonEvent:
    sentence: str
    description: str
    reason: str
    candidate: str  # as written: "THREATEN/133", "COERCE 173", "015"
    candidate_type: str | None  # the PLOVER type in ``candidate``, if any
    candidate_code: str | None  # the CAMEO code in ``candidate``, if any


@dataclass(frozen=True, slots=True)
class ArticleGold:
    article_id: str
    publication_date: date | None
    headline: str
    events: tuple[GoldEvent, ...]
    non_events: tuple[NonEvent, ...]


def load_article_gold(path: str | Path) -> dict[str, ArticleGold]:
    """Every article of a ``gold.jsonl`` (one JSON object per line), by ``article_id``."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read gold file {path}: {exc}") from exc
    gold: dict[str, ArticleGold] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            article = _article(json.loads(line))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{path}:{number}: not an article gold record ({type(exc).__name__}: {exc})") from exc
        if article.article_id in gold:
            raise InputError(f"{path}:{number}: article {article.article_id!r} appears twice")
        gold[article.article_id] = article
    return gold


def _article(raw: Mapping[str, Any]) -> ArticleGold:
    return ArticleGold(
        article_id=str(raw["article_id"]), publication_date=_date(raw.get("publication_date")),
        headline=str(raw.get("headline") or ""),
        events=tuple(_event(e) for e in raw.get("events") or ()),
        non_events=tuple(_non_event(n) for n in raw.get("non_events") or ()),
    )


def _event(raw: Mapping[str, Any]) -> GoldEvent:
    span = raw.get("event_date_range")
    location = raw.get("location") or {}
    start, end = (_date(span[0]), _date(span[1])) if span and len(span) == 2 else (None, None)
    return GoldEvent(
        event_id=str(raw["event_id"]), sentence=str(raw["sentence"]),
        alt_sentences=tuple(str(s) for s in raw.get("alt_sentences") or ()),
        source=_actor(raw["source"]), target=_actor(raw["target"]) if raw.get("target") else None,
        plover_type=str(raw["plover_type"]), cameo_code=str(raw.get("cameo_code") or ""),
        symmetric=bool(raw.get("symmetric")), event_date=_date(raw.get("event_date")),
        date_precision=str(raw.get("date_precision") or "day"),
        date_range=(start, end) if start and end else None,
        location_name=location.get("name"), location_country=location.get("country"),
        alternatives=_alternatives(raw.get("acceptable_alternatives") or {}),
    )


def _actor(raw: Mapping[str, Any]) -> GoldActor:
    return GoldActor(
        text=str(raw.get("text") or ""), country=raw.get("country"), sector=raw.get("sector"),
        members=tuple(raw.get("members") or ()), implicit=bool(raw.get("implicit")),
    )


def _alternatives(raw: Mapping[str, Any]) -> Alternatives:
    def values(key: str) -> tuple[Any, ...]:
        value = raw.get(key)
        if value is None:
            return ()
        return tuple(value) if isinstance(value, list) else (value,)

    return Alternatives(
        plover_type=values("plover_type"), source_country=values("source_country"),
        target_country=values("target_country"), cameo_code=tuple(str(c) for c in values("cameo_code")),
        source_sector=values("source_sector"), target_sector=values("target_sector"),
    )


_TYPE = re.compile(r"[A-Z]{4,}")
_CODE = re.compile(r"\d{2,4}")


def _non_event(raw: Mapping[str, Any]) -> NonEvent:
    candidate = str(raw.get("candidate") or "")
    kind, code = _TYPE.search(candidate), _CODE.search(candidate)
    return NonEvent(
        sentence=str(raw.get("sentence") or ""), description=str(raw.get("description") or ""),
        reason=str(raw.get("reason") or ""), candidate=candidate,
        candidate_type=kind.group() if kind else None, candidate_code=code.group() if code else None,
    )


def _date(value: object) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


# -- scores -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Predicted:
    """A predicted event reduced to what the report shows (plain values)."""

    plover_type: str | None
    cameo_code: str
    source_text: str
    source_country: str | None
    source_sectors: tuple[str, ...]
    target_text: str | None
    target_country: str | None
    target_sectors: tuple[str, ...]
    date: str | None
    place: str | None
    place_country: str | None
    method: str
    sentence: str

    def dyad(self) -> str:
        target = f"{self.target_text} [{self.target_country or '-'}]" if self.target_text is not None else "-"
        return f"{self.source_text} [{self.source_country or '-'}] → {target}"


@dataclass(frozen=True, slots=True)
class Match:
    gold_id: str
    gold_type: str
    predicted: Predicted
    swapped: bool  # matched a symmetric gold event in the other orientation
    lenient: bool  # needed an acceptable alternative (type or country) or a member country
    same_sentence: bool
    source_sector: bool
    target_sector: bool | None  # None: gold has no target
    cameo_exact: bool
    cameo_root: bool
    date_exact: bool | None  # None: gold has no date
    date_ok: bool | None  # exact day, or inside event_date_range when precision is not day
    place: bool | None  # None: gold gives no location country


@dataclass(frozen=True, slots=True)
class Miss:
    gold_id: str
    plover_type: str
    source: str  # "text [ISO3]"
    target: str
    sentence: str
    in_sentence: tuple[str, ...]  # what was predicted in the gold sentence(s), for diagnosis


@dataclass(frozen=True, slots=True)
class FalsePositive:
    predicted: Predicted
    non_event: str | None  # description of the non_events item whose sentence this is
    candidate: str | None  # that item's candidate code
    typed: bool  # the predicted type is the candidate's type (a listed trap)
    gold_in_sentence: tuple[str, ...]  # gold events of the same sentence, for diagnosis


@dataclass(frozen=True, slots=True)
class Duplicate:
    gold_id: str
    predicted: Predicted


@dataclass(frozen=True, slots=True)
class Counts:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class ArticleScore:
    article_id: str
    gold_events: int
    predicted_events: int  # every prediction, duplicates included
    matches: tuple[Match, ...]
    misses: tuple[Miss, ...]
    false_positives: tuple[FalsePositive, ...]
    duplicates: tuple[Duplicate, ...]

    @property
    def counts(self) -> Counts:
        return Counts(len(self.matches), len(self.false_positives), len(self.misses))


@dataclass(frozen=True, slots=True)
class Agreement:
    name: str
    agree: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.agree / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class TypeRow:
    """One PLOVER type. Recall counts matches by gold type, precision by predicted type."""

    plover_type: str
    gold: int
    predicted: int  # predictions of this type, duplicates excluded
    tp: int  # matched gold events of this type
    tp_predicted: int  # matched predictions of this type
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        return self.tp_predicted / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class ArticlesScore:
    strict: bool
    articles: tuple[ArticleScore, ...]
    missing: tuple[str, ...]  # in the gold, not among the predictions
    unknown: tuple[str, ...]  # predicted, not in the gold
    totals: Counts
    agreements: tuple[Agreement, ...]
    by_type: tuple[TypeRow, ...]
    duplicates: int
    non_event_fps: int  # false positives on a non_events sentence
    typed_fps: int  # ... whose type is that item's candidate type
    coverage: Coverage | None = None  # gold actors found among the sentence's resolved actors (eval_articles_coverage)
