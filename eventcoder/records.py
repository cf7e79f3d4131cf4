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
