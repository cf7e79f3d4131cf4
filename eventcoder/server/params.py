"""Query parameters shared by the read endpoints: the dataset filters, level, method, corrections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Annotated

from fastapi import Query
from pydantic import StringConstraints

from eventcoder.registry import LinkMethod
from eventcoder.server.errors import ApiError
from eventcoder.store.datasets import EventFilter, dataset_query

MAX_VALUES = 20  # values of one repeatable filter

Iso3 = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")]
Side = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{2,30}$")]
ActorQuery = Annotated[str, StringConstraints(pattern=r"^[\w .,'’()&-]{1,80}$")]
CameoPrefix = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,4}$")]
Root = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,2}$")]
PloverType = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_]{2,30}$")]
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]{1,200}$")]


class Level(str, Enum):
    linked = "linked"
    article = "article"


class Corrections(str, Enum):
    apply = "apply"
    ignore = "ignore"


@dataclass(frozen=True, slots=True)
class Dataset:
    """Which rows: the filter plus the level and linking method."""

    filters: EventFilter
    level: str
    method: str

    def sql(self) -> tuple[str, list[object]]:
        """The dataset's rows as SQL and parameters, in no particular order (for aggregates)."""
        return dataset_query(level=self.level, method=self.method, filters=self.filters, ordered=False)


def _many(name: str, values: list[str] | None) -> tuple[str, ...]:
    values = values or []
    if len(values) > MAX_VALUES:
        raise ApiError(422, f"at most {MAX_VALUES} values of {name}",
                       details=[{"location": "query", "field": name, "problem": "too many values"}])
    return tuple(values)


def dataset_params(
    since: Annotated[date | None, Query(description="first event date (YYYY-MM-DD)")] = None,
    until: Annotated[date | None, Query(description="last event date (YYYY-MM-DD)")] = None,
    country: Annotated[list[Iso3] | None, Query(description="ISO3 of the source, target or place (repeat for OR)")] = None,
    source: Annotated[list[Side] | None, Query(description="source country (ISO3) or actor-code prefix")] = None,
    target: Annotated[list[Side] | None, Query(description="target country (ISO3) or actor-code prefix")] = None,
    actor: Annotated[list[ActorQuery] | None, Query(description="actor code prefix or exact name, either side")] = None,
    cameo: Annotated[list[CameoPrefix] | None, Query(description="CAMEO code prefix (11, 112)")] = None,
    root: Annotated[list[Root] | None, Query(description="CAMEO root (01-20)")] = None,
    quad: Annotated[list[int] | None, Query(description="quad class 1-4")] = None,
    penta: Annotated[list[int] | None, Query(description="penta class 0-4")] = None,
    plover: Annotated[list[PloverType] | None, Query(description="PLOVER event type (ACCUSE, ...)")] = None,
    text: Annotated[Text | None, Query(description="words in a reporting sentence or headline")] = None,
    level: Annotated[Level, Query(description="linked (one row per real-world event) or article")] = Level.linked,
    method: Annotated[LinkMethod, Query(description="linking method")] = LinkMethod.DYAD,
    corrections: Annotated[Corrections, Query(
        description="apply analysts' corrections (events marked wrong left out) or ignore them")] = Corrections.apply,
) -> Dataset:
    for name, values in (("quad", quad), ("penta", penta)):
        for v in values or []:
            if not 0 <= v <= 4 or (name == "quad" and v == 0):
                raise ApiError(422, f"{name} {v} is out of range",
                               details=[{"location": "query", "field": name, "problem": "out of range"}])
    filters = EventFilter(
        since=since, until=until, countries=_many("country", country), actors=_many("actor", actor),
        cameo=_many("cameo", cameo), roots=_many("root", root), quad_classes=tuple(_many("quad", quad)),  # type: ignore[arg-type]
        penta_classes=tuple(_many("penta", penta)), plover_types=_many("plover", plover),  # type: ignore[arg-type]
        text=text, sources=_many("source", source), targets=_many("target", target),
        corrections=corrections is Corrections.apply,
    )
    return Dataset(filters=filters, level=level.value, method=method.value)
