"""The ``visits`` stage (gate path): a meeting held in one party's country is a visit by the other.

The coding conventions code visits visitor → host (CAMEO 042, PLOVER CONSULT mode "visit"), and at
a multilateral meeting each visiting party gets its own 042 toward the host. The parse gives the
meeting in whatever order the sentence names it ("Crown Prince Mohammed bin Salman met with Rubio in
Jeddah"); the event's place, found by the ``events`` stage in the sentence itself, says who hosts:

* a meeting of two parties held in the country of one of them becomes the other's visit to it
  (the pair turned round when the host was named first);
* a meeting of a collective with known members ("top diplomats from the Group of Seven gathered
  in Charlevoix, Quebec") becomes one visit per member from outside the host country.

A place taken from the dateline is not evidence of who hosts: a meeting the dateline city only
reports is left as the sentence gives it. Each changed event says so in ``method``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

from ..records import Actor, Event, Mention, stable_id
from .records import Events

MEETING_CODES = frozenset({"040", "042", "043", "044", "046"})
_AS_VISIT = frozenset({"040", "043", "044"})  # a plain meeting, a hosting, a meeting at a "third" place
VISIT = "042"


@dataclass(frozen=True, slots=True)
class Visits:
    tables: Any  # CodeTables
    lexicon: Any  # Lexicon: the CAMEO code of each member of a collective
    name: ClassVar[str] = "visits"
    takes: ClassVar[type] = Events
    returns: ClassVar[type] = Events

    def __call__(self, events: Events) -> Events:
        out: list[Event] = []
        features: list[tuple[str, ...]] = []
        for i, event in enumerate(events.events):
            for turned in self.as_visits(event):
                out.append(turned)
                if events.features:
                    features.append(events.features[i])
        return replace(events, events=tuple(out), features=tuple(features) if events.features else ())

    def as_visits(self, event: Event) -> list[Event]:
        """The event as visits to the host country of its place, or unchanged."""
        host = _host(event)
        if host is None:
            return [event]
        source, target = event.source, event.target
        members = source.actor.members
        if members and source.actor.country is None and (target is None or target.actor.country in (None, host)):
            visitors = [m for m in members if m != host]
            if host not in members or not visitors:  # a meeting abroad of the whole group: no host among them
                return [event]
            host_mention = target if target is not None and target.actor.country == host else self._member(source, host)
            guests = [g for g in (self._member(source, m) for m in visitors) if g is not None]
            if host_mention is None or not guests:
                return [event]
            return [self._visit(event, guest, host_mention, "member of " + source.actor.name) for guest in guests]
        if target is None or source.actor.country is None or target.actor.country is None:
            return [event]
        if source.actor.country == host and target.actor.country != host:
            return [self._visit(event, target, source, "host named first")]
        if target.actor.country == host and source.actor.country != host:
            return [self._visit(event, source, target, "")]
        return [event]

    def _visit(self, event: Event, visitor: Mention, host: Mention, how: str) -> Event:
        code = VISIT if event.cameo.code in _AS_VISIT else event.cameo.code
        info = self.tables.cameo(code)
        place = event.location.name if event.location else ""
        note = f"visit: host {host.actor.country} by place {place}" + (f", {how}" if how else "")
        return replace(
            event, source=visitor, target=host, cameo=info, method=f"{event.method}; {note}",
            id=stable_id(event.article_id, event.sentence_index, event.trigger_start, visitor.actor.code,
                         host.actor.code, info.code),
        )

    def _member(self, collective: Mention, iso3: str) -> Mention | None:
        """The collective's mention standing for one member country (None for a member that is
        not a country, such as the EU in a list of allies)."""
        country = self.lexicon.by_iso3.get(iso3)
        if country is None:
            return None
        sectors = collective.actor.sectors
        actor = Actor(code=country.cameo + "".join(sectors[:1]), name=country.name, country=iso3, sectors=sectors)
        return replace(collective, actor=actor, resolved_by=f"{collective.resolved_by}+member:{iso3}")


def _host(event: Event) -> str | None:
    """The country of a meeting's place, when the sentence names it."""
    if event.cameo.code not in MEETING_CODES or event.location is None or event.location.country is None:
        return None
    if event.location.how.startswith("dateline"):
        return None
    return event.location.country
