"""Typed, frozen records passed between the pipeline's stages.

Every stage takes and returns these; nothing downstream sees a spaCy object or a
dict whose shape depends on a flag.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Modality = Literal["asserted", "future", "negated", "hypothetical"]
DatePrecision = Literal["day", "week", "month", "year"]


def stable_id(*parts: object, length: int = 16) -> str:
    """A short, stable hex id from the given parts (same parts, same id, every run)."""
    digest = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:length]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article after ingest. ``id`` is a hash of source, location and text."""

    id: str
    headline: str
    text: str
    published: date | datetime
    dateline: str | None = None
    outlet: str | None = None
    url: str | None = None
    origin: str = ""  # path, "path:line" for JSON lines, or "<stdin>"
    language: str = "en"
    metadata: tuple[tuple[str, str], ...] = ()
    source_id: str | None = None  # the source's own id (JSON "id"); one text per outlet and id

    @property
    def published_date(self) -> date:
        return self.published.date() if isinstance(self.published, datetime) else self.published


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input (or an article) that could not be coded, and why."""

    origin: str
    stage: str
    reason: str
    detail: str = ""
    article_id: str | None = None

    @property
    def id(self) -> str:
        return stable_id(self.origin, self.stage, self.reason, self.article_id)


_BLOCS = (("IGOUNO", "UNO"), ("IGOEUREEC", "EUR"), ("IGOWSTNAT", "NATO"), ("IGONAT", "NATO"))
_REGIONS = {"WST", "EUR"}  # CAMEO regional codes that article gold uses as a party ("the West", "Europe")


UNKNOWN_COUNTRY = "---"  # CAMEO's country code for an actor of unknown country ("---JUD": a court)


@dataclass(frozen=True, slots=True)
class Actor:
    """A resolved actor: what a mention refers to."""

    code: str | None  # CAMEO actor code such as "IRNMIL", "SYR", "IGOUNO"; None if unknown
    name: str  # canonical name ("Iran", "Mohammad Bagheri") or the mention text when unknown
    country: str | None = None  # ISO3
    sectors: tuple[str, ...] = ()  # GOV, MIL, COP, ...
    members: tuple[str, ...] = ()  # ISO3 codes of a collective actor ("Gulf states"), if known

    @property
    def known(self) -> bool:
        return self.code is not None

    @property
    def country_unknown(self) -> bool:
        """A party whose country nothing made clear ("the Supreme Court" in a one-line text),
        as against one above countries (the UN) or no actor at all."""
        return (self.code or "").startswith(UNKNOWN_COUNTRY)

    @property
    def party(self) -> str | None:
        """The country, else the bloc an international body stands for, as article gold codes
        it: UNO (the UN and its agencies), EUR (the EU), NATO, other IGO, NGO; None if neither."""
        if self.country:
            return self.country
        code = self.code or ""
        bloc = next((b for prefix, b in _BLOCS if code.startswith(prefix)), None)
        if bloc is None and code in _REGIONS:
            bloc = code
        return bloc or (code[:3] if code[:3] in ("IGO", "NGO") else None)


@dataclass(frozen=True, slots=True)
class Mention:
    """A span in a sentence that names an actor."""

    text: str
    start: int  # character offsets in the article text
    end: int
    actor: Actor
    resolved_by: str  # e.g. "country-name", "agent+country", "person", "coreference", "unknown"


@dataclass(frozen=True, slots=True)
class CameoInfo:
    """One CAMEO code with everything the code tables say about it."""

    code: str
    name: str
    root: str
    goldstein: float
    quad_class: int  # 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict
    penta_class: int  # 0..4 (Phoenix)
    plover_type: str | None
    plover_mode: str | None
    plover_context: str | None


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    value: date
    precision: DatePrecision
    how: str  # "publication-date", "weekday:on Tuesday", "explicit:8 July 2020", ...
    text: str = ""


@dataclass(frozen=True, slots=True)
class Location:
    name: str
    country: str | None  # ISO3
    admin1: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    how: str  # "prep:in Damascus", "dateline", ...


@dataclass(frozen=True, slots=True)
class Event:
    """One coded event, with the evidence that produced it."""

    id: str
    article_id: str
    sentence_index: int
    sentence: str
    trigger: str
    trigger_start: int
    trigger_end: int
    source: Mention
    target: Mention | None
    cameo: CameoInfo
    modality: Modality
    date: ResolvedDate
    location: Location | None
    attribution: str | None
    quote: str | None
    confidence: float
    method: str  # which dictionary pattern / rule / model produced the code
    mentions: tuple[int, ...] = field(default=())  # sentence indexes of every mention in the article
    issues: tuple[str, ...] = ()  # issue codes (Phoenix.IssueCoding) whose keywords occur in the sentence

    @property
    def reciprocal_key(self) -> tuple[str | None, str | None]:
        return (self.source.actor.country, self.target.actor.country if self.target else None)


# -- the flat row of an event: the layout of the store's events table and of the JSONL/CSV output
# (columns documented in eventcoder.output) ------------------------------------------------------

_ACTOR_FIELDS: tuple[str, ...] = ("text", "name", "code", "country", "sectors", "resolved_by")

EVENT_COLUMNS: tuple[str, ...] = (
    "event_id",
    "article_id",
    "sentence_index",
    "sentence",
    "trigger",
    "trigger_start",
    "trigger_end",
    *(f"source_{name}" for name in _ACTOR_FIELDS),
    *(f"target_{name}" for name in _ACTOR_FIELDS),
    "cameo_code",
    "cameo_name",
    "cameo_root",
    "goldstein",
    "quad_class",
    "penta_class",
    "plover_type",
    "plover_mode",
    "plover_context",
    "modality",
    "event_date",
    "date_precision",
    "date_how",
    "location_name",
    "location_country",
    "location_admin1",
    "lat",
    "lon",
    "geonames_id",
    "location_how",
    "attribution",
    "quote",
    "confidence",
    "method",
    "mention_sentences",
    "issues",
)

SEPARATOR = "|"


def _actor_part(prefix: str, mention: Mention | None) -> dict[str, object]:
    """The six ``<prefix>_*`` columns of one mention (all None when there is no mention)."""
    if mention is None:
        return {f"{prefix}_{name}": None for name in _ACTOR_FIELDS}
    actor = mention.actor
    return {
        f"{prefix}_text": mention.text,
        f"{prefix}_name": actor.name,
        f"{prefix}_code": actor.code,
        f"{prefix}_country": actor.country,
        f"{prefix}_sectors": SEPARATOR.join(actor.sectors),
        f"{prefix}_resolved_by": mention.resolved_by,
    }


def _location_part(event: Event) -> dict[str, object]:
    loc = event.location
    if loc is None:
        names = ("name", "country", "admin1")
        return {**{f"location_{n}": None for n in names}, "lat": None, "lon": None,
                "geonames_id": None, "location_how": None}
    return {
        "location_name": loc.name,
        "location_country": loc.country,
        "location_admin1": loc.admin1,
        "lat": loc.lat,
        "lon": loc.lon,
        "geonames_id": loc.geonames_id,
        "location_how": loc.how,
    }


def event_row(event: Event) -> dict[str, object]:
    """One flat row for ``event``; keys are exactly ``EVENT_COLUMNS``, in that order."""
    cameo = event.cameo
    values: dict[str, object] = {
        "event_id": event.id,
        "article_id": event.article_id,
        "sentence_index": event.sentence_index,
        "sentence": event.sentence,
        "trigger": event.trigger,
        "trigger_start": event.trigger_start,
        "trigger_end": event.trigger_end,
        **_actor_part("source", event.source),
        **_actor_part("target", event.target),
        "cameo_code": cameo.code,
        "cameo_name": cameo.name,
        "cameo_root": cameo.root,
        "goldstein": cameo.goldstein,
        "quad_class": cameo.quad_class,
        "penta_class": cameo.penta_class,
        "plover_type": cameo.plover_type,
        "plover_mode": cameo.plover_mode,
        "plover_context": cameo.plover_context,
        "modality": event.modality,
        "event_date": event.date.value.isoformat(),
        "date_precision": event.date.precision,
        "date_how": event.date.how,
        **_location_part(event),
        "attribution": event.attribution,
        "quote": event.quote,
        "confidence": event.confidence,
        "method": event.method,
        "mention_sentences": SEPARATOR.join(str(i) for i in event.mentions),
        "issues": SEPARATOR.join(event.issues),
    }
    return {name: values[name] for name in EVENT_COLUMNS}
