"""Cross-article linking: the same real-world event told by many articles becomes one event.

Two methods:

``dyad`` (default)
    An event joins a linked event when, for at least one of its members, the two have the same
    dyad (source and target actor: country, or actor code when there is no country; the sectors
    of each side are compatible — equal, overlapping, or one side has none), a compatible type
    (the same CAMEO code; one code the generic form of the other, e.g. ``110``/``111`` or
    ``033``/``0332``; or the same PLOVER type *and* mode) and a compatible place (not two
    different countries, not more than ``max_km`` apart) — and its date is within
    ``window_days`` of the linked event's date. Events whose source actor is unknown are never
    linked to others.
``one-a-day``
    The Phoenix baseline: one event per (date, source code, target code, CAMEO code); the window
    and the place are not used.

Linking is incremental: only events without a link are placed, into the stored linked events of
nearby dates or into new ones. Each linked event counts, like GDELT, its mentions (sentences that
report it, over all its articles), its articles and its sources (distinct outlets — the URL's host
when the outlet is unknown; an article with neither counts as a source of its own).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from eventcoder.errors import ConfigError
from eventcoder.records import stable_id
from eventcoder.registry import DEFAULT_LINK_METHOD, LINK_METHODS, LinkMethod
from eventcoder.store import EventStore
from eventcoder.store import links as db

METHODS: tuple[str, ...] = LINK_METHODS
DEFAULT_METHOD = DEFAULT_LINK_METHOD
DEFAULT_WINDOW_DAYS = 1
DEFAULT_MAX_KM = 100.0


@dataclass(frozen=True, slots=True)
class LinkEvent:
    """One article-level event as linking sees it."""

    event_id: str
    article_id: str
    event_date: date
    source_key: str | None  # country, else actor code
    target_key: str | None
    source_code: str | None
    target_code: str | None
    source_sectors: frozenset[str]
    target_sectors: frozenset[str]
    cameo_code: str
    plover: tuple[str, str] | None  # (type, mode)
    country: str | None  # where it happened
    lat: float | None
    lon: float | None
    mentions: int
    confidence: float
    source_name: str | None  # outlet, or the URL's host
    url: str | None
    published: datetime | None
    added_at: datetime | None


def _rep_key(e: LinkEvent) -> tuple[object, ...]:
    return (-e.mentions, -e.confidence, e.event_date, e.event_id)


def _signature(e: LinkEvent) -> tuple[object, ...]:
    """What matching looks at besides the dyad and date: members alike here match alike."""
    return (e.source_code, e.target_code, e.source_sectors, e.target_sectors, e.cameo_code,
            e.plover, e.country, e.lat, e.lon, e.event_date)


@dataclass(slots=True, eq=False)
class Cluster:
    """A linked event being built: its id and members (mutable while linking)."""

    link_id: str
    members: list[LinkEvent] = field(default_factory=list)
    kinds: dict[tuple[object, ...], LinkEvent] = field(default_factory=dict)
    _rep: LinkEvent | None = None

    def add(self, e: LinkEvent) -> None:
        self.members.append(e)
        self.kinds.setdefault(_signature(e), e)
        if self._rep is None or _rep_key(e) < _rep_key(self._rep):
            self._rep = e

    @property
    def rep(self) -> LinkEvent:
        """The member whose coding stands for the linked event: most mentions, then confidence."""
        assert self._rep is not None
        return self._rep


@dataclass(frozen=True, slots=True)
class LinkSummary:
    method: str
    window_days: int
    max_km: float
    rebuilt: bool
    events_linked: int  # article-level events placed by this call
    new_linked_events: int
    updated_linked_events: int
    linked_events: int  # real-world events now stored for the method
    multi_article_events: int  # of which reported by more than one article
    seconds: float

    def line(self) -> str:
        how = "rebuilt" if self.rebuilt else "incremental"
        return (
            f"link {self.method} (window ±{self.window_days} d, {self.max_km:g} km, {how}): "
            f"{self.events_linked} events placed, {self.new_linked_events} new and "
            f"{self.updated_linked_events} grown linked events; {self.linked_events} linked events "
            f"in store, {self.multi_article_events} reported by several articles; {self.seconds:.2f} s"
        )


def _sectors(value: object) -> frozenset[str]:
    return frozenset(s for s in str(value or "").split("|") if s)


def _source_name(outlet: object, url: object) -> str | None:
    if outlet:
        return str(outlet).strip().lower() or None
    if url:
        host = urlsplit(str(url)).hostname or ""
        return host.removeprefix("www.") or None
    return None


def shifted(day: date, days: int) -> date:
    """``day`` moved by ``days``, held at the calendar's ends (a stored event dated 9999-12-31 by an
    older version must not make every later linking run fail)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def to_link_event(row: Mapping[str, Any]) -> LinkEvent:
    """A ``LinkEvent`` from a row of ``eventcoder.store.links`` queries (DuckDB values, typed by the schema)."""
    ptype, pmode = row.get("plover_type"), row.get("plover_mode")
    return LinkEvent(
        event_id=str(row["event_id"]), article_id=str(row["article_id"]),
        event_date=row["event_date"],
        source_key=(row["source_country"] or row["source_code"]),
        target_key=(row["target_country"] or row["target_code"] or
                    (f"?{row['target_text']}" if row.get("target_text") else None)),
        source_code=row["source_code"], target_code=row["target_code"],
        source_sectors=_sectors(row["source_sectors"]), target_sectors=_sectors(row["target_sectors"]),
        cameo_code=str(row["cameo_code"]),
        plover=(str(ptype), str(pmode or "")) if ptype else None,
        country=row["location_country"], lat=row["lat"], lon=row["lon"],
        mentions=int(row["mentions"] or 1), confidence=float(row["confidence"] or 0.0),
        source_name=_source_name(row.get("outlet"), row.get("url")),
        url=row.get("url"), published=row.get("published"), added_at=row.get("added_at"),
    )


# -- compatibility --------------------------------------------------------------------------


def _lineage(code: str) -> set[str]:
    """The code and its generic forms: ``0332`` → {0332, 033, 030}; ``111`` → {111, 110}."""
    forms = {code}
    if len(code) == 4:
        forms.add(code[:3])
    if len(code) >= 3:
        forms.add(code[:2] + "0")
    return forms


def type_strength(a: LinkEvent, b: LinkEvent) -> int:
    """3 same CAMEO code, 2 one is the generic form of the other, 1 same PLOVER type+mode, 0 no."""
    if a.cameo_code == b.cameo_code:
        return 3
    if a.cameo_code in _lineage(b.cameo_code) or b.cameo_code in _lineage(a.cameo_code):
        return 2
    if a.plover is not None and a.plover == b.plover:
        return 1
    return 0


def _sectors_ok(x: frozenset[str], y: frozenset[str]) -> bool:
    return not x or not y or bool(x & y)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def place_ok(a: LinkEvent, b: LinkEvent, max_km: float) -> bool:
    if a.country and b.country and a.country != b.country:
        return False
    if None not in (a.lat, a.lon, b.lat, b.lon):
        return distance_km(a.lat, a.lon, b.lat, b.lon) <= max_km  # type: ignore[arg-type]
    return True


Matcher = Callable[[LinkEvent, LinkEvent], int]


def dyad_matcher(max_km: float) -> Matcher:
    """Match strength (0 = no match) of two events with the same dyad key, for ``dyad``."""

    def match(a: LinkEvent, b: LinkEvent) -> int:
        if not (_sectors_ok(a.source_sectors, b.source_sectors)
                and _sectors_ok(a.target_sectors, b.target_sectors)
                and place_ok(a, b, max_km)):
            return 0
        return type_strength(a, b)

    return match


def one_a_day_match(a: LinkEvent, b: LinkEvent) -> int:
    same = (a.event_date, a.source_code, a.target_code, a.cameo_code) == (
        b.event_date, b.source_code, b.target_code, b.cameo_code)
    return 3 if same else 0


# -- placing events ---------------------------------------------------------------------------


class Linker:
    """Places events into clusters; ``window`` is in days (0 for one-a-day)."""

    def __init__(self, method: str, window: int, match: Matcher) -> None:
        self.method = method
        self.window = window
        self.match = match
        self.clusters: dict[str, Cluster] = {}
        # (dyad key, a member's date) → clusters: candidates are found by date, not by scanning
        self._index: dict[tuple[object, ...], list[Cluster]] = {}
        self.touched: set[str] = set()
        self.created: set[str] = set()

    def _key(self, e: LinkEvent) -> tuple[str | None, str | None]:
        if self.method == LinkMethod.ONE_A_DAY:
            return (e.source_code, e.target_code)
        return (e.source_key, e.target_key)

    def load(self, link_id: str, member: LinkEvent) -> None:
        """Add a stored member to a stored cluster."""
        cluster = self.clusters.get(link_id)
        if cluster is None:
            cluster = self.clusters[link_id] = Cluster(link_id)
        self._add(cluster, member)

    def _add(self, cluster: Cluster, e: LinkEvent) -> None:
        slot = self._index.setdefault((*self._key(e), e.event_date), [])
        if not slot or slot[-1] is not cluster and cluster not in slot:
            slot.append(cluster)
        cluster.add(e)

    def place(self, e: LinkEvent) -> str:
        """Put ``e`` into its best matching cluster, or a new one; returns the link id."""
        best = self._best(e) if self._linkable(e) else None
        if best is None:
            best = Cluster(stable_id("link", self.method, e.event_id))
            self.clusters[best.link_id] = best
            self.created.add(best.link_id)
        self._add(best, e)
        self.touched.add(best.link_id)
        return best.link_id

    def _linkable(self, e: LinkEvent) -> bool:
        return (e.source_code if self.method == LinkMethod.ONE_A_DAY else e.source_key) is not None

    def _best(self, e: LinkEvent) -> Cluster | None:
        scored: list[tuple[int, int, int, str, Cluster]] = []
        key = self._key(e)
        nearby = (self._index.get((*key, shifted(e.event_date, d)), ())
                  for d in range(-self.window, self.window + 1))
        for cluster in dict.fromkeys(c for group in nearby for c in group):
            gap = abs((e.event_date - cluster.rep.event_date).days)
            if gap > self.window:
                continue
            strength = 0
            for m in cluster.kinds.values():
                strength = max(strength, self.match(e, m))
                if strength == 3:
                    break
            if strength:
                scored.append((-strength, gap, -len(cluster.members), cluster.link_id, cluster))
        return min(scored, key=lambda s: s[:4])[4] if scored else None


def summary_row(method: str, cluster: Cluster, now: datetime) -> list[object]:
    """The ``linked_events`` row of a cluster (``eventcoder.store.links.LINKED_EVENT_COLUMNS``)."""
    members = sorted(cluster.members, key=lambda m: (m.published or datetime.min, m.article_id, m.event_id))
    articles = list(dict.fromkeys(m.article_id for m in members))
    first_of = {a: next(m for m in members if m.article_id == a) for a in articles}
    outlets = list(dict.fromkeys(name for a in articles if (name := first_of[a].source_name)))
    anonymous = sum(1 for a in articles if not first_of[a].source_name)
    urls = list(dict.fromkeys(first_of[a].url for a in articles if first_of[a].url))
    added = [m.added_at for m in members if m.added_at is not None]
    dates = [m.event_date for m in members]
    return [
        method, cluster.link_id, cluster.rep.event_id, cluster.rep.event_date, min(dates), max(dates),
        len(members), sum(m.mentions for m in members), len(outlets) + anonymous, len(articles),
        "|".join(articles), "|".join(outlets) or None, "|".join(str(u) for u in urls) or None,
        min(added) if added else None, now,
    ]


def _resolve_params(
    store: EventStore, method: str, window_days: int | None, max_km: float | None
) -> tuple[int, float, bool]:
    """Parameters to use, and whether stored links must be rebuilt because they changed."""
    if method not in METHODS:
        raise ConfigError(f"unknown link method {method!r}; choose one of {', '.join(METHODS)}")
    stored = db.method_params(store, method)
    window = window_days if window_days is not None else (stored[0] if stored else DEFAULT_WINDOW_DAYS)
    km = max_km if max_km is not None else (stored[1] if stored else DEFAULT_MAX_KM)
    if method == LinkMethod.ONE_A_DAY:
        window, km = 0, 0.0
    if window < 0 or km < 0:
        raise ConfigError("the link window and distance must not be negative")
    return window, km, stored is not None and stored != (window, km)


def link_events(
    store: EventStore,
    *,
    method: str = DEFAULT_METHOD,
    window_days: int | None = None,
    max_km: float | None = None,
    rebuild: bool = False,
) -> LinkSummary:
    """Link the store's unlinked events (all of them with ``rebuild``) for ``method``.

    ``window_days``/``max_km`` default to the values the method was last run with (else ±1 day,
    100 km); changing them relinks everything so the dataset stays consistent. One transaction.
    """
    started = time.perf_counter()
    window, km, changed = _resolve_params(store, method, window_days, max_km)
    rebuild = rebuild or changed
    match = one_a_day_match if method == LinkMethod.ONE_A_DAY else dyad_matcher(km)
    linker = Linker(method, window, match)
    with store.transaction():
        if rebuild:
            db.clear_links(store, method)
        db.save_method(store, method, window, km)
        fresh = [to_link_event(r) for r in db.unlinked_events(store, method)]
        if fresh:
            stored = db.cluster_members(store, method, shifted(fresh[0].event_date, -window),
                                        shifted(fresh[-1].event_date, window))
            for row in stored:
                linker.load(str(row["link_id"]), to_link_event(row))
        placed = [(e.event_id, linker.place(e)) for e in fresh]
        now = db.now()
        rows = [summary_row(method, linker.clusters[i], now) for i in sorted(linker.touched)]
        db.write_links(store, method, placed, rows)
        counts = db.link_counts(store, method)
    return LinkSummary(
        method=method, window_days=window, max_km=km, rebuilt=rebuild, events_linked=len(placed),
        new_linked_events=len(linker.created), updated_linked_events=len(linker.touched - linker.created),
        linked_events=counts["linked"], multi_article_events=counts["multi"],
        seconds=time.perf_counter() - started,
    )


def link_pending(store: EventStore) -> list[LinkSummary]:
    """Link new events for ``dyad`` and every other method the store has been linked with.

    The call for after coding (``eventcoder code`` runs it after storing): incremental and
    cheap when nothing is new.
    """
    methods: Iterable[str] = dict.fromkeys([DEFAULT_METHOD, *db.linked_methods(store)])
    return [link_events(store, method=m) for m in methods]


def link_store(
    store: EventStore,
    *,
    method: str | None = None,
    window_days: int | None = None,
    max_km: float | None = None,
    rebuild: bool = False,
) -> list[LinkSummary]:
    """``eventcoder link``: with nothing asked, ``link_pending`` (what a killed run left unlinked,
    for every method); else ``link_events`` for ``method`` (default ``dyad``)."""
    if method is None and window_days is None and max_km is None and not rebuild:
        return link_pending(store)
    return [link_events(store, method=method or DEFAULT_METHOD, window_days=window_days, max_km=max_km,
                        rebuild=rebuild)]
