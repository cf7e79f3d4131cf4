"""Aggregates: series per dyad or country, the actor network, change alerts, map points, stats, health."""

from __future__ import annotations

from enum import Enum
from importlib import import_module
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from eventcoder import __version__
from eventcoder.server.errors import ApiError
from eventcoder.server.params import Dataset, Side, dataset_params
from eventcoder.server.rows import clean, frame_records, records
from eventcoder.server.state import ServerState, state_of
from eventcoder.store.schema import latest_version

router = APIRouter(tags=["analysis"])


class Period(str, Enum):
    day = "day"
    week = "week"
    month = "month"
    year = "year"


class Unit(str, Enum):
    dyad = "dyad"
    country = "country"


class Weight(str, Enum):
    COUNT = "count"  # not ``count``: that would hide str.count
    GOLDSTEIN = "goldstein"


class NetworkActors(str, Enum):
    country = "country"
    code = "code"


def _analysis() -> Any:
    try:
        from eventcoder import analysis

        import_module("pandas")  # analysis imports it on first use; check now for a clear 503
    except ImportError as exc:
        raise ApiError(503, "series, network and alerts need pandas: pip install 'eventcoder[analysis]'") from exc
    return analysis


def load_analysis() -> bool:
    """Import the analysis module and pandas now; False when pandas is not installed.

    The server's startup calls it before it listens: imported by the first ``/series`` instead,
    they took 0.35 s of one CPU holding the interpreter lock and the import lock, and every
    request in flight waited (0.5-1.2 s in the first second of benchmarks/abuse.py's round 1)."""
    try:
        _analysis()
    except ApiError:
        return False
    return True


def _frame(state: ServerState, store: Any, ds: Dataset, analysis: Any) -> Any:
    """The dataset's events frame, kept until the next write: series, network and alerts over the
    same filters (a dashboard asks for several) read and build it once."""
    return state.frames.get(f"frame\x00{ds.level}\x00{ds.method}\x00{ds.filters!r}",
                            lambda: analysis.events_frame(store, level=ds.level, method=ds.method, filters=ds.filters),
                            lambda frame: int(frame.memory_usage(deep=True).sum()))


@router.get("/series", response_model=dict[str, Any],
            summary="Time series per dyad or per country (counts, Goldstein, PLOVER score, quad classes)")
def series(
    request: Request,
    ds: Annotated[Dataset, Depends(dataset_params)],
    unit: Annotated[Unit, Query(description="dyad (source, target) or country")] = Unit.dyad,
    by: Annotated[Period, Query(description="period")] = Period.month,
    dyad_source: Annotated[Side | None, Query(description="dyad: the source (country or actor code)")] = None,
    dyad_target: Annotated[Side | None, Query(description="dyad: the target (country or actor code)")] = None,
    only: Annotated[list[Side] | None, Query(description="country unit: keep these countries")] = None,
    undirected: Annotated[bool, Query(description="dyad: merge both directions")] = False,
    fill: Annotated[bool, Query(description="add zero rows for empty periods")] = True,
) -> Response:
    analysis = _analysis()
    state = state_of(request)
    if (dyad_source is None) != (dyad_target is None):
        raise ApiError(422, "give both dyad_source and dyad_target, or neither")
    common = {"by": by.value, "level": ds.level, "method": ds.method, "filters": ds.filters, "fill": fill}

    def compute() -> dict[str, Any]:
        with state.heavy(), state.reading(heavy=True) as store:
            if unit is Unit.dyad:
                dyad = (dyad_source, dyad_target) if dyad_source and dyad_target else None
                frame = analysis.dyad_series(store, dyad=dyad, directed=not undirected,
                                             frame=_frame(state, store, ds, analysis), **common)
            else:
                frame = analysis.country_series(store, countries=list(only or [])[:50],
                                                frame=_frame(state, store, ds, analysis), **common)
            return {"unit": unit.value, "by": by.value, "metrics": list(analysis.METRICS),
                    "rows": frame_records(frame)}
    return state.cache.response(request, compute)


@router.get("/network", response_model=dict[str, Any],
            summary="Directed actor network (edges weighted by events or Goldstein sum)")
def network(
    request: Request,
    ds: Annotated[Dataset, Depends(dataset_params)],
    by: Annotated[Period | None, Query(description="one network per period (default: whole range)")] = None,
    weight: Annotated[Weight, Query()] = Weight.COUNT,
    actors: Annotated[NetworkActors, Query(description="key actors by country or by full actor code")] = NetworkActors.country,
) -> Response:
    analysis = _analysis()
    state = state_of(request)

    def compute() -> dict[str, Any]:
        with state.heavy(), state.reading(heavy=True) as store:
            edges = analysis.actor_network(store, by=by.value if by else None, weight=weight.value,
                                           actors=actors.value, level=ds.level, method=ds.method, filters=ds.filters,
                                           frame=_frame(state, store, ds, analysis))
            return _graph(frame_records(edges))
    return state.cache.response(request, compute)


def _graph(rows: list[dict[str, Any]]) -> dict[str, Any]:
    nodes: dict[str, dict[str, Any]] = {}
    for e in rows:
        for role in ("source", "target"):
            node = nodes.setdefault(e[role], {"id": e[role], "out_events": 0, "in_events": 0})
            node["out_events" if role == "source" else "in_events"] += int(e["events"] or 0)
    return {"nodes": sorted(nodes.values(), key=lambda n: n["id"]), "edges": rows}


@router.get("/alerts", response_model=dict[str, Any],
            summary="Change alerts: a period's count against the mean of the previous ones")
def alerts(
    request: Request,
    ds: Annotated[Dataset, Depends(dataset_params)],
    unit: Annotated[Unit, Query()] = Unit.country,
    by: Annotated[Period, Query()] = Period.week,
    baseline: Annotated[int, Query(ge=1, le=104, description="previous periods in the baseline")] = 4,
    threshold: Annotated[float, Query(ge=-1000, le=1000, description="score that flags an alert")] = 2.0,
    min_count: Annotated[int, Query(ge=0, le=1_000_000)] = 3,
    all: Annotated[bool, Query(description="every scored period, not only flagged ones")] = False,
) -> Response:
    analysis = _analysis()
    state = state_of(request)

    def compute() -> dict[str, Any]:
        with state.heavy(), state.reading(heavy=True) as store:
            table = analysis.change_alerts(store, unit=unit.value, by=by.value, baseline=baseline,
                                           threshold=threshold, min_count=min_count, level=ds.level,
                                           method=ds.method, filters=ds.filters, flagged_only=not all,
                                           frame=_frame(state, store, ds, analysis))
            return {"unit": unit.value, "by": by.value, "baseline": baseline, "threshold": threshold,
                    "alerts": frame_records(table)}
    return state.cache.response(request, compute)


@router.get("/map", response_model=dict[str, Any],
            summary="Event locations (points with counts) and events per country, for a map")
def map_points(request: Request, ds: Annotated[Dataset, Depends(dataset_params)]) -> Response:
    state = state_of(request)
    return state.cache.response(request, lambda: _map(state, ds))


def _map(state: ServerState, ds: Dataset) -> dict[str, Any]:
    sql, params = ds.sql()
    with state.reading() as store:
        points = store.query(
            f"SELECT location_name AS name, location_country AS country, round(lat, 4) AS lat, round(lon, 4) AS lon, "
            f"count(*) AS events, avg(goldstein) AS goldstein_mean, list(event_id ORDER BY event_date DESC)[1:20] AS event_ids "
            f"FROM ({sql}) d WHERE lat IS NOT NULL AND lon IS NOT NULL GROUP BY ALL ORDER BY events DESC LIMIT 5000",
            params)
        countries = store.query(
            f"SELECT country, count(*) AS events FROM (SELECT unnest(list_distinct(list_filter("
            f"[source_country, target_country, location_country], lambda x: x IS NOT NULL))) AS country FROM ({sql}) d) "
            f"GROUP BY country ORDER BY events DESC", params)
        unplaced = store.query(f"SELECT count(*) AS n FROM ({sql}) d WHERE lat IS NULL OR lon IS NULL", params)
    return {"points": records(points), "countries": records(countries),
            "unplaced": int(unplaced[0]["n"]) if unplaced else 0}  # type: ignore[call-overload]


@router.get("/stats", response_model=dict[str, Any],
            summary="What the store holds: counts, date range, types, countries, actors, corrections")
def stats(request: Request, ds: Annotated[Dataset, Depends(dataset_params)]) -> Response:
    state = state_of(request)
    return state.cache.response(request, lambda: _stats(state, ds))


def _stats(state: ServerState, ds: Dataset) -> dict[str, Any]:
    sql, params = ds.sql()
    with state.reading() as store:
        counts = store.counts()
        overview = store.query(
            f"SELECT count(*) AS events, min(event_date) AS first_date, max(event_date) AS last_date, "
            f"sum(num_mentions) AS mentions, avg(goldstein) AS goldstein_mean FROM ({sql}) d", params)[0]
        by_type = store.query(f"SELECT plover_type, count(*) AS events FROM ({sql}) d GROUP BY ALL "
                              f"ORDER BY events DESC, plover_type NULLS LAST", params)
        by_quad = store.query(f"SELECT quad_class, count(*) AS events FROM ({sql}) d GROUP BY ALL ORDER BY quad_class", params)
        actors = store.query(
            f"SELECT actor, count(*) AS events FROM (SELECT unnest([coalesce(source_country, source_code), "
            f"coalesce(target_country, target_code)]) AS actor FROM ({sql}) d) WHERE actor IS NOT NULL "
            f"GROUP BY actor ORDER BY events DESC, actor LIMIT 50", params)
        corrections = store.query("SELECT action, count(*) AS n FROM corrections_current GROUP BY action ORDER BY action")
    return {"tables": counts, "dataset": clean(overview), "plover_types": records(by_type),
            "quad_classes": records(by_quad), "actors": records(actors),
            "corrections": {str(r["action"]): int(r["n"]) for r in corrections}}  # type: ignore[call-overload]


@router.get("/health", summary="Liveness and what this server allows")
async def health(request: Request) -> dict[str, Any]:
    """Answered on the event loop from what the server holds: no store access, no lock, no thread."""
    state = state_of(request)
    return {"status": "ok", "version": __version__, "schema_version": state.schema_version,
            "schema_current": latest_version(), "read_only": state.read_only, "max_page_size": state.max_page_size,
            "store": Path(state.db_path).name}
