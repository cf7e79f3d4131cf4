"""Analysis: dyad and country series, actor networks and change alerts, as pandas DataFrames.

Every function reads the store's dataset (``eventcoder.store.datasets``): by default one row per
real-world event (``level="linked"``), so an event reported by forty outlets counts once; its
``mentions`` column sums how often it was reported. Actors are keyed by country (ISO3), or by
actor code when they have none (``IGOUNO``). Periods are labelled by their first day: ``day``,
``week`` (ISO weeks, starting Monday), ``month`` or ``year``.

Needs the ``analysis`` extra (pandas): ``pip install 'eventcoder[analysis]'``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from eventcoder.errors import ConfigError, EventcoderError, InputError
from eventcoder.export_formats import Tables
from eventcoder.registry import DEFAULT_LINK_METHOD
from eventcoder.store import EventStore
from eventcoder.store.datasets import EventFilter, dataset_query

if TYPE_CHECKING:
    import pandas as pd

PERIODS: dict[str, str] = {"day": "D", "week": "W-MON", "month": "MS", "year": "YS"}
# A filled series has a row per period from the first to the last (issue 16: one event dated
# 9999 made ``by=day`` build 2.9 million days per dyad). 20,000 periods is 55 years of days.
MAX_PERIODS = 20_000
# ... and at most this many rows once every group has every period (2,000 dyads × 10 years of days
# would be 7.3 million rows held in pandas).
MAX_FILLED_ROWS = 2_000_000
QUAD_COLUMNS = tuple(f"quad_{q}" for q in range(1, 5))
PENTA_COLUMNS = tuple(f"penta_{p}" for p in range(5))
METRICS: tuple[str, ...] = (
    "events", "mentions", "goldstein_sum", "goldstein_mean", "plover_score_sum",
    "plover_score_mean", *QUAD_COLUMNS, *PENTA_COLUMNS,
)
_FRAME_COLUMNS = (
    "unit_id", "event_date", "source", "target", "source_code", "target_code", "source_country",
    "target_country", "cameo_code", "cameo_root", "quad_class", "penta_class", "goldstein",
    "plover_type", "plover_mode", "plover_score", "mentions", "articles",
)
# The dataset columns behind ``_FRAME_COLUMNS`` (plover_score is computed); actor key = the
# country, else the code, else "".
_FRAME_SQL = (
    "unit_id, event_date, coalesce(nullif(source_country, ''), nullif(source_code, ''), '') AS source, "
    "coalesce(nullif(target_country, ''), nullif(target_code, ''), '') AS target, source_code, target_code, "
    "source_country, target_country, cameo_code, cameo_root, quad_class, penta_class, goldstein, "
    "plover_type, plover_mode, num_mentions, num_articles"
)


def _pandas() -> Any:  # the pandas module (untyped here: no pandas-stubs)
    try:
        import pandas
    except ImportError as exc:
        raise EventcoderError("analysis needs pandas: pip install 'eventcoder[analysis]'") from exc
    return pandas


def events_frame(
    store: EventStore, *, level: str = "linked", method: str = DEFAULT_LINK_METHOD, filters: EventFilter | None = None
) -> pd.DataFrame:
    """One row per event with the columns analysis uses (``source``/``target`` = actor keys).

    Read as tuples on a separate cursor (no dict per row: a 50k-event series spent most of its
    time, and the server's GIL, building them)."""
    pd = _pandas()
    tables = Tables.default()
    sql, params = dataset_query(level=level, method=method, filters=filters)
    cursor = store.connection.cursor()
    try:
        rows = cursor.execute(f"SELECT {_FRAME_SQL} FROM ({sql}) d", params).fetchall()
    finally:
        cursor.close()
    columns = [c for c in _FRAME_COLUMNS if c != "plover_score"]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    frame.insert(_FRAME_COLUMNS.index("plover_score"), "plover_score",
                 [tables.plover_score(t, m) for t, m in zip(frame["plover_type"], frame["plover_mode"])])
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    return frame


def _events(store: EventStore, frame: pd.DataFrame | None, *, level: str, method: str,
            filters: EventFilter | None) -> pd.DataFrame:
    """``events_frame``, or a copy of the one the caller keeps (the analyses change theirs)."""
    return events_frame(store, level=level, method=method, filters=filters) if frame is None else frame.copy()


def _period(frame: pd.DataFrame, by: str) -> pd.Series:
    if by not in PERIODS:
        raise ConfigError(f"unknown period {by!r}; choose one of {', '.join(PERIODS)}")
    dates = frame["event_date"]
    if by == "day":
        return dates.dt.normalize()
    if by == "week":
        return (dates - pd_timedelta_days(dates.dt.day_of_week)).dt.normalize()
    return dates.dt.to_period("M" if by == "month" else "Y").dt.start_time


def pd_timedelta_days(days: pd.Series) -> pd.Series:
    return _pandas().to_timedelta(days, unit="D")


def _aggregate(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The standard metrics per group of ``keys`` (``frame`` has a ``period`` column)."""
    pd = _pandas()
    work = frame.assign(
        **{c: (frame["quad_class"] == int(c[-1])).astype(int) for c in QUAD_COLUMNS},
        **{c: (frame["penta_class"] == int(c[-1])).astype(int) for c in PENTA_COLUMNS},
    )
    grouped = work.groupby(keys, sort=True, dropna=False)
    out = grouped.agg(
        events=("unit_id", "size"), mentions=("mentions", "sum"),
        goldstein_sum=("goldstein", "sum"), goldstein_mean=("goldstein", "mean"),
        plover_score_sum=("plover_score", "sum"), plover_score_mean=("plover_score", "mean"),
        **{c: (c, "sum") for c in (*QUAD_COLUMNS, *PENTA_COLUMNS)},
    )
    return pd.DataFrame(out).reset_index()


def _fill(table: pd.DataFrame, keys: list[str], by: str) -> pd.DataFrame:
    """Add zero rows for periods without events, for each group, over the whole period range."""
    pd = _pandas()
    if table.empty:
        return table
    first, last = table["period"].min(), table["period"].max()
    check_periods(first, last, by)
    periods = pd.date_range(first, last, freq=PERIODS[by])
    groups = table[keys].drop_duplicates()
    if len(groups) * len(periods) > MAX_FILLED_ROWS:
        raise InputError(
            f"the filled series would have {len(groups):,} groups × {len(periods):,} {by}s = "
            f"{len(groups) * len(periods):,} rows, over the limit of {MAX_FILLED_ROWS:,}: choose one dyad or "
            "country, a coarser period, narrower dates (since/until), or leave out the empty periods (no fill)")
    grid = groups.merge(pd.DataFrame({"period": periods}), how="cross")
    full = grid.merge(table, on=[*keys, "period"], how="left")
    counts = ["events", "mentions", "goldstein_sum", "plover_score_sum", *QUAD_COLUMNS, *PENTA_COLUMNS]
    full[counts] = full[counts].fillna(0)
    full[["events", "mentions", *QUAD_COLUMNS, *PENTA_COLUMNS]] = full[
        ["events", "mentions", *QUAD_COLUMNS, *PENTA_COLUMNS]].astype(int)
    return full[["period", *keys, *METRICS]]


def period_count(first: date, last: date, by: str) -> int:
    """How many ``by`` periods a filled series from ``first``'s period to ``last``'s has."""
    if by == "year":
        return last.year - first.year + 1
    if by == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    days = (last.toordinal() - first.toordinal())
    return days // 7 + 1 if by == "week" else days + 1


def check_periods(first: date, last: date, by: str, *, limit: int = MAX_PERIODS) -> None:
    """Refuse a filled series of more than ``limit`` periods (an InputError naming the span)."""
    count = period_count(first, last, by)
    if count > limit:
        raise InputError(
            f"the series would have {count:,} {by}s, from {first:%Y-%m-%d} to {last:%Y-%m-%d}, over the "
            f"limit of {limit:,} periods: choose a coarser period (by month or year), narrow the dates "
            "(since/until), or leave out the empty periods (no fill)")


def dyad_series(
    store: EventStore, *, dyad: Sequence[str] | None = None, by: str = "month", directed: bool = True,
    level: str = "linked", method: str = DEFAULT_LINK_METHOD, filters: EventFilter | None = None, fill: bool = True,
    frame: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Dyad × period: ``period, source, target`` and ``METRICS``; events without a target left out.

    ``dyad=("IRN", "SYR")`` keeps one dyad (both directions, merged, when not ``directed``).
    ``fill`` adds zero rows for empty periods between the first and last period. ``frame``: the
    ``events_frame`` of this store, level, method and filters, when the caller keeps it (not changed).
    """
    frame = _events(store, frame, level=level, method=method, filters=filters)
    frame = frame[frame["target"] != ""].copy()
    if not directed:
        swap = frame["source"] > frame["target"]
        frame.loc[swap, ["source", "target"]] = frame.loc[swap, ["target", "source"]].to_numpy()
    if dyad is not None:
        a, b = (x.upper() for x in dyad)
        if not directed:
            a, b = sorted((a, b))
        frame = frame[(frame["source"] == a) & (frame["target"] == b)]
    frame["period"] = _period(frame, by)
    table = _aggregate(frame, ["period", "source", "target"])
    if dyad is not None and table.empty:
        table = _empty(["period", "source", "target"])
    return _fill(table, ["source", "target"], by) if fill else table[["period", "source", "target", *METRICS]]


def _empty(keys: list[str]) -> pd.DataFrame:
    return _pandas().DataFrame({c: [] for c in [*keys, *METRICS]})


def country_series(
    store: EventStore, *, countries: Sequence[str] = (), by: str = "month", level: str = "linked",
    method: str = DEFAULT_LINK_METHOD, filters: EventFilter | None = None, fill: bool = True,
    frame: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Country × period: ``period, country, as_source, as_target`` and ``METRICS``.

    An event counts once for each country taking part in it (as source or target). ``frame`` as
    in ``dyad_series``.
    """
    pd = _pandas()
    frame = _events(store, frame, level=level, method=method, filters=filters)
    frame["period"] = _period(frame, by)
    has_src = frame["source_country"].notna()
    src = frame[has_src].assign(country=frame["source_country"], as_source=1,
                                as_target=(frame["target_country"] == frame["source_country"]).astype(int))
    tgt = frame[frame["target_country"].notna() & (frame["target_country"] != frame["source_country"])]
    tgt = tgt.assign(country=tgt["target_country"], as_source=0, as_target=1)
    both = pd.concat([src, tgt], ignore_index=True)
    wanted = [c.upper() for c in countries]
    if wanted:
        both = both[both["country"].isin(wanted)]
    if both.empty:
        return _pandas().DataFrame({c: [] for c in ["period", "country", "as_source", "as_target", *METRICS]})
    table = _aggregate(both, ["period", "country"])
    extra = both.groupby(["period", "country"])[["as_source", "as_target"]].sum().reset_index()
    if fill:
        table = _fill(table, ["country"], by)
    table = table.merge(extra, on=["period", "country"], how="left").fillna({"as_source": 0, "as_target": 0})
    table[["as_source", "as_target"]] = table[["as_source", "as_target"]].astype(int)
    return table[["period", "country", "as_source", "as_target", *METRICS]]


def actor_network(
    store: EventStore, *, by: str | None = None, weight: str = "count", actors: str = "country",
    level: str = "linked", method: str = DEFAULT_LINK_METHOD, filters: EventFilter | None = None,
    frame: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Directed edges ``period, source, target, events, goldstein_sum, goldstein_mean, weight``.

    ``actors="country"`` keys actors by country (else code); ``"code"`` by full actor code
    (``IRNMILGOV``). ``weight`` is ``count`` (events) or ``goldstein`` (sum of Goldstein scores).
    ``by=None`` gives one network over the whole range (``period`` empty). ``frame`` as in
    ``dyad_series``.
    """
    if weight not in ("count", "goldstein"):
        raise ConfigError("network weight must be count or goldstein")
    if actors not in ("country", "code"):
        raise ConfigError("network actors must be country or code")
    frame = _events(store, frame, level=level, method=method, filters=filters)
    if actors == "code":
        frame["source"], frame["target"] = frame["source_code"].fillna(""), frame["target_code"].fillna("")
    frame = frame[(frame["source"] != "") & (frame["target"] != "")].copy()
    frame["period"] = _period(frame, by) if by else None
    keys = ["period", "source", "target"] if by else ["source", "target"]
    grouped = frame.groupby(keys, sort=True).agg(
        events=("unit_id", "size"), goldstein_sum=("goldstein", "sum"), goldstein_mean=("goldstein", "mean"))
    edges = grouped.reset_index()
    if not by:
        edges.insert(0, "period", None)
    edges["weight"] = edges["events"] if weight == "count" else edges["goldstein_sum"]
    return edges[["period", "source", "target", "events", "goldstein_sum", "goldstein_mean", "weight"]]


def write_network(edges: pd.DataFrame, path: str | Path, *, format: str | None = None) -> int:
    """Write edges as GraphML (``.graphml``) or CSV (``.csv``); returns the number of edges.

    GraphML holds one directed graph; with several periods the edges carry a ``period``
    attribute (a multigraph), so tools can filter by it.
    """
    target = Path(path).expanduser()
    fmt = format or ("graphml" if target.suffix.lower() in (".graphml", ".xml") else "csv")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        if fmt == "csv":
            edges.to_csv(target, index=False, date_format="%Y-%m-%d")
        elif fmt == "graphml":
            target.write_text(_graphml(edges), encoding="utf-8")
        else:
            raise ConfigError(f"unknown network format {fmt!r}; use graphml or csv")
    except OSError as exc:
        raise EventcoderError(f"cannot write {path}: {exc}") from exc
    return len(edges)


def _graphml(edges: pd.DataFrame) -> str:
    keys = [("period", "string"), ("events", "int"), ("goldstein_sum", "double"),
            ("goldstein_mean", "double"), ("weight", "double")]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
             '  <key id="label" for="node" attr.name="label" attr.type="string"/>']
    lines += [f'  <key id="{k}" for="edge" attr.name="{k}" attr.type="{t}"/>' for k, t in keys]
    lines.append('  <graph id="eventcoder" edgedefault="directed">')
    nodes = sorted(set(edges["source"]) | set(edges["target"]))
    lines += [f'    <node id={quoteattr(n)}><data key="label">{escape(n)}</data></node>' for n in nodes]
    for i, e in enumerate(edges.itertuples(index=False)):
        period = "" if e.period is None or e.period != e.period else f"{e.period:%Y-%m-%d}"
        data = {"period": period, "events": e.events, "goldstein_sum": e.goldstein_sum,
                "goldstein_mean": e.goldstein_mean, "weight": e.weight}
        cells = "".join(f'<data key="{k}">{escape(str(v))}</data>' for k, v in data.items())
        lines.append(f'    <edge id="e{i}" source={quoteattr(e.source)} target={quoteattr(e.target)}>{cells}</edge>')
    lines += ["  </graph>", "</graphml>", ""]
    return "\n".join(lines)


def change_alerts(
    store: EventStore, *, unit: str = "country", by: str = "week", baseline: int = 4,
    threshold: float = 2.0, min_count: int = 3, level: str = "linked", method: str = DEFAULT_LINK_METHOD,
    filters: EventFilter | None = None, flagged_only: bool = False, frame: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each key's event count per period against the mean of its previous ``baseline`` periods.

    ``score = (count - mean) / max(sd, 1)``; a period is ``flagged`` when the score is at least
    ``threshold`` and the count at least ``min_count`` (ACLED's early-warning idea: a surge above
    the recent normal). Periods with fewer than ``baseline`` earlier periods in the data are not
    scored. ``unit`` is ``country`` or ``dyad`` (directed, "SRC->TGT"). ``frame`` as in ``dyad_series``.
    """
    if baseline < 1:
        raise ConfigError("the baseline must be at least one period")
    if unit == "country":
        table = country_series(store, by=by, level=level, method=method, filters=filters, frame=frame)
        table = table.rename(columns={"country": "key"})
    elif unit == "dyad":
        table = dyad_series(store, by=by, level=level, method=method, filters=filters, frame=frame)
        table["key"] = table["source"] + "->" + table["target"]
    else:
        raise ConfigError("alert unit must be country or dyad")
    table = table[["period", "key", "events"]].rename(columns={"events": "count"})
    table = table.sort_values(["key", "period"]).reset_index(drop=True)
    past = table.groupby("key")["count"].transform(
        lambda s: s.shift(1).rolling(baseline, min_periods=baseline).mean())
    spread = table.groupby("key")["count"].transform(
        lambda s: s.shift(1).rolling(baseline, min_periods=baseline).std(ddof=0))
    table["baseline_mean"] = past
    table["baseline_sd"] = spread
    table["score"] = (table["count"] - past) / spread.clip(lower=1.0)
    table["flagged"] = (table["score"] >= threshold) & (table["count"] >= min_count)
    table = table[table["baseline_mean"].notna()]
    if flagged_only:
        table = table[table["flagged"]]
    return table.sort_values(["period", "key"]).reset_index(drop=True)
