"""The dataset view of a store: one row per real-world event (or per article's event), filtered.

Every export and analysis reads rows from ``dataset_query``. A row has every ``events`` column
(``eventcoder.output.EVENT_COLUMNS``; at the linked level they are the coding of the linked
event's representative), the article's ``headline``, ``outlet``, ``url``, ``published``,
``language``, and ``LINK_COLUMNS`` describing the linked event the row belongs to. Events not
linked yet stand for themselves (one event, one article).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import duckdb

from eventcoder.errors import ConfigError
from eventcoder.registry import DEFAULT_LINK_METHOD
from eventcoder.store.eventstore import EventStore

Level = Literal["linked", "article"]
LEVELS: tuple[str, ...] = ("linked", "article")

LINK_COLUMNS: tuple[str, ...] = (
    "link_id", "num_events", "num_mentions", "num_sources", "num_articles", "first_date",
    "last_date", "article_ids", "outlets", "urls",
)
ARTICLE_COLUMNS: tuple[str, ...] = ("headline", "outlet", "url", "published", "language")


@dataclass(frozen=True, slots=True, kw_only=True)
class EventFilter:
    """Which events to keep. Empty fields keep everything; values within a field are OR-ed.

    ``countries`` match the source's, the target's or the place's country (ISO3); ``actors``
    match an actor code by prefix (``IRNMIL`` matches ``IRNMILGOV``) or a name exactly (any
    case), on either side; ``cameo`` are code prefixes; ``text`` is a case-insensitive
    substring of the sentence or headline of any article that reports the event. ``sources``
    and ``targets`` match one side only (country or actor-code prefix).
    """

    since: date | None = None
    until: date | None = None
    countries: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    cameo: tuple[str, ...] = ()
    roots: tuple[str, ...] = ()
    quad_classes: tuple[int, ...] = ()
    penta_classes: tuple[int, ...] = ()
    plover_types: tuple[str, ...] = ()
    text: str | None = None
    # issue 6 (HTTP API): one side of the dyad, and analysts' corrections.
    sources: tuple[str, ...] = ()  # the source's country (ISO3) or actor-code prefix
    targets: tuple[str, ...] = ()  # the target's country (ISO3) or actor-code prefix
    corrections: bool = False  # apply corrections (eventcoder.store.corrections); wrong events left out

    def where(self, method: str) -> tuple[list[str], list[object]]:
        """SQL conditions (on aliases ``e`` events, ``a`` articles, ``k`` linked_events) + params."""
        conds: list[str] = []
        params: list[object] = []
        if self.since is not None:
            conds.append("e.event_date >= ?")
            params.append(self.since)
        if self.until is not None:
            conds.append("e.event_date <= ?")
            params.append(self.until)
        _any_of(conds, params, "list_contains(?::VARCHAR[], {col})",
                ("e.source_country", "e.target_country", "e.location_country"),
                [c.upper() for c in self.countries])
        if self.actors:
            codes = [a.upper() for a in self.actors]
            names = [a.lower() for a in self.actors]
            conds.append(
                f"({_prefix('e.source_code')} OR {_prefix('e.target_code')} OR "
                "list_contains(?::VARCHAR[], lower(e.source_name)) OR "
                "list_contains(?::VARCHAR[], lower(e.target_name)))"
            )
            params += [codes, codes, names, names]
        if self.cameo:
            conds.append(_prefix("e.cameo_code"))
            params.append(list(self.cameo))
        _one_of(conds, params, "e.cameo_root", "VARCHAR", [r.zfill(2) for r in self.roots])
        _one_of(conds, params, "e.quad_class", "INTEGER", list(self.quad_classes))
        _one_of(conds, params, "e.penta_class", "INTEGER", list(self.penta_classes))
        _one_of(conds, params, "e.plover_type", "VARCHAR", [t.upper() for t in self.plover_types])
        for side, values in (("source", self.sources), ("target", self.targets)):
            if values:  # issue 6: country or actor-code prefix on one side
                conds.append(f"(list_contains(?::VARCHAR[], e.{side}_country) OR {_prefix(f'e.{side}_code')})")
                params += [[v.upper() for v in values], [v.upper() for v in values]]
        if self.text:
            conds.append(_TEXT_CONDITION)
            words = self.text.lower()  # issue 6: "%" and "_" in the words are literal
            params += [words, words, method]
        return conds, params


# The rows whose real-world event has a matching report (issue 16). Each event's unit is its
# linked event (``L`` + link id) or, unlinked, itself (``E`` + event id); the matching units are
# found once, with no reference to the outer row, so DuckDB hash-joins them: time and memory grow
# with the store, not with its square (a correlated EXISTS with an OR over the link's members
# crossed every row with every match). ``contains`` on lower case is a literal substring test,
# several times faster than ILIKE with an ESCAPE clause.
_TEXT_CONDITION = """coalesce('L' || k.link_id, 'E' || e.event_id) IN (
    SELECT coalesce('L' || ml.link_id, 'E' || hit.event_id) FROM (
        SELECT event_id FROM events WHERE contains(lower(sentence), ?)
        UNION
        SELECT event_id FROM events WHERE article_id IN (
            SELECT article_id FROM articles WHERE contains(lower(headline), ?))
    ) hit LEFT JOIN event_links ml ON ml.event_id = hit.event_id AND ml.method = ?)"""


def _prefix(column: str) -> str:
    return f"EXISTS (SELECT 1 FROM unnest(?::VARCHAR[]) AS t(p) WHERE starts_with({column}, t.p))"


def _one_of(conds: list[str], params: list[object], column: str, kind: str, values: list[object]) -> None:
    if values:
        conds.append(f"list_contains(?::{kind}[], {column})")
        params.append(values)


def _any_of(conds: list[str], params: list[object], template: str, columns: tuple[str, ...],
            values: list[str]) -> None:
    if values:
        conds.append("(" + " OR ".join(template.format(col=c) for c in columns) + ")")
        params.extend([values] * len(columns))


_SELECT = """
SELECT e.*, a.headline, a.outlet, a.url, a.published, a.language,
       coalesce(k.link_id, e.event_id) AS unit_id,
       k.link_id,
       coalesce(k.num_events, 1) AS num_events,
       coalesce(k.num_mentions, mc.n, 1) AS num_mentions,
       coalesce(k.num_sources, 1) AS num_sources,
       coalesce(k.num_articles, 1) AS num_articles,
       coalesce(k.first_date, e.event_date) AS first_date,
       coalesce(k.last_date, e.event_date) AS last_date,
       coalesce(k.article_ids, e.article_id) AS article_ids,
       CASE WHEN k.link_id IS NULL THEN a.outlet ELSE k.outlets END AS outlets,
       CASE WHEN k.link_id IS NULL THEN a.url ELSE k.urls END AS urls,
       coalesce(k.first_added, a.added_at) AS first_added
FROM events e
JOIN articles a ON a.article_id = e.article_id
LEFT JOIN event_links l ON l.event_id = e.event_id AND l.method = ?
LEFT JOIN linked_events k ON k.method = l.method AND k.link_id = l.link_id
LEFT JOIN (SELECT event_id, count(*) AS n FROM event_mentions GROUP BY event_id) mc
       ON mc.event_id = e.event_id
"""


def dataset_query(
    *, level: str = "linked", method: str = DEFAULT_LINK_METHOD, filters: EventFilter | None = None, ordered: bool = True,
) -> tuple[str, list[object]]:
    """SQL and parameters for the dataset rows, ordered by date then id (unless not ``ordered``:
    for a query that counts, groups or sorts them again, which then need not sort twice).

    With ``filters.corrections`` analysts' corrections (``eventcoder.store.corrections``) are
    applied: changed types and actors replace the coded ones, events marked wrong are left out.
    """
    if level not in LEVELS:
        raise ConfigError(f"unknown level {level!r}; choose linked or article")
    conds, params = (filters or EventFilter()).where(method)
    if level == "linked":
        conds.insert(0, "(k.link_id IS NULL OR k.rep_event_id = e.event_id)")
    where = (" WHERE " + " AND ".join(conds)) if conds else ""
    order = " ORDER BY e.event_date, unit_id, e.event_id" if ordered else ""
    select = _SELECT
    if filters is not None and filters.corrections:  # issue 6: corrections applied in place of the raw events table
        from eventcoder.store.corrections import CORRECTED_EVENTS_SQL

        select = _SELECT.replace("FROM events e\n", f"FROM {CORRECTED_EVENTS_SQL} e\n", 1)
    return select + where + order, [method, *params]


# -- reading a dataset in bounded memory ------------------------------------------------------------

DATASET_BATCH_ROWS = 10_000  # rows one query of ``DatasetReader`` sorts and returns: with the whole
# dataset in one ORDER BY, DuckDB sorted every wide row at once (200k events: +580 MB in the server).
# Each batch still joins the whole tables (200k events: 17 batches, about 0.25 s each), so fewer,
# larger batches are faster and hold more
_ORDER = " ORDER BY d.event_date, d.unit_id, d.event_id"  # dataset_query's order, on its rows ``d``
_AFTER = "(d.unit_id > ? OR (d.unit_id = ? AND d.event_id > ?))"
_UP_TO = "(d.unit_id < ? OR (d.unit_id = ? AND d.event_id <= ?))"


@dataclass(frozen=True, slots=True)
class DatasetBatch:
    """One bounded query of a dataset read: a condition on the dataset's rows ``d``, its
    parameters, and how many rows it selects."""

    where: str
    params: tuple[object, ...]
    rows: int


class DatasetReader:
    """The rows of one dataset in ``dataset_query``'s order (date, unit, event), read by queries
    of at most ``batch_rows`` rows each, so neither DuckDB nor Python holds the whole dataset.

    Opening counts the rows per event date (one small query) and cuts the dates into runs of at
    most ``batch_rows`` rows; a date with more rows than that is cut by its (unit, event) keys.
    Each batch is then one query that sorts only its own rows, and the batches in turn give
    exactly the rows, in exactly the order, of the single sorted query. All queries run in one
    transaction on a cursor of their own: ``rows`` (known on opening) is the number the batches
    give even while the store is written. A context manager; ``close`` ends the transaction.
    Rows come from ``iter_rows``, other projections from ``queries`` or ``record_batches``."""

    def __init__(self, store: EventStore, *, level: str = "linked", method: str = DEFAULT_LINK_METHOD,
                 filters: EventFilter | None = None, batch_rows: int = DATASET_BATCH_ROWS) -> None:
        if batch_rows < 1:
            raise ConfigError(f"batch_rows must be at least 1, not {batch_rows}")
        self._sql, self._params = dataset_query(level=level, method=method, filters=filters, ordered=False)
        self._cursor: duckdb.DuckDBPyConnection | None = store.connection.cursor()
        try:
            self._cursor.begin()  # one snapshot for the counts and every batch
            self.batches: tuple[DatasetBatch, ...] = tuple(self._plan(batch_rows))
        except BaseException:
            self.close()
            raise
        self.rows = sum(b.rows for b in self.batches)

    def __enter__(self) -> DatasetReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End the read (idempotent)."""
        cursor, self._cursor = self._cursor, None
        if cursor is not None:
            try:
                cursor.rollback()
            except duckdb.Error:  # no transaction left to end
                pass
            cursor.close()

    def _run(self, sql: str, params: list[object]) -> duckdb.DuckDBPyConnection:
        if self._cursor is None:
            raise ConfigError("this dataset reader is closed")
        return self._cursor.execute(sql, params)

    def _plan(self, most: int) -> Iterator[DatasetBatch]:
        days = self._run(f"SELECT d.event_date, count(*) FROM ({self._sql}) d GROUP BY 1 ORDER BY 1 NULLS LAST",
                         self._params).fetchall()
        run: list[tuple[date, int]] = []
        for day, count in days:
            if run and (day is None or count > most or sum(n for _, n in run) + count > most):
                yield DatasetBatch("d.event_date BETWEEN ? AND ?", (run[0][0], run[-1][0]), sum(n for _, n in run))
                run = []
            if count > most:
                yield from self._split(day, int(count), most)
            elif day is None:
                yield DatasetBatch("d.event_date IS NULL", (), int(count))
            else:
                run.append((day, int(count)))
        if run:
            yield DatasetBatch("d.event_date BETWEEN ? AND ?", (run[0][0], run[-1][0]), sum(n for _, n in run))

    def _split(self, day: date | None, count: int, most: int) -> Iterator[DatasetBatch]:
        """The rows of one date with more than ``most`` rows, cut every ``most`` rows by their
        (unit, event) keys (a window over the narrow keys of that date only)."""
        on_day, day_params = ("d.event_date IS NULL", ()) if day is None else ("d.event_date = ?", (day,))
        cuts = self._run(
            "SELECT unit_id, event_id FROM (SELECT d.unit_id, d.event_id, row_number() OVER "
            f"(ORDER BY d.unit_id, d.event_id) AS n FROM ({self._sql}) d WHERE {on_day}) WHERE n % ? = 0 ORDER BY n",
            [*self._params, *day_params, most]).fetchall()
        bounds: list[tuple[object, object] | None] = [(unit, event) for unit, event in cuts]
        after: tuple[object, object] | None = None
        for upto in [*bounds, None]:  # the rows after the last cut: the rest
            left = most if upto is not None else count - most * len(cuts)
            if left <= 0:
                break
            where, params = [on_day], [*day_params]
            if after is not None:
                where.append(_AFTER)
                params += [after[0], after[0], after[1]]
            if upto is not None:
                where.append(_UP_TO)
                params += [upto[0], upto[0], upto[1]]
            yield DatasetBatch(" AND ".join(where), tuple(params), left)
            after = upto

    def queries(self, select: str = "*") -> Iterator[tuple[str, list[object]]]:
        """SQL and parameters of each batch in turn: ``select`` (columns of the dataset rows
        ``d``) of the batch's rows, in the dataset's order."""
        for batch in self.batches:
            yield (f"SELECT {select} FROM ({self._sql}) d WHERE {batch.where}{_ORDER}",
                   [*self._params, *batch.params])

    def iter_rows(self, *, fetch: int = 2000) -> Iterator[dict[str, object]]:
        """Every row as a dict, batch after batch, fetched ``fetch`` rows at a time."""
        for sql, params in self.queries():
            cursor = self._run(sql, params)
            names = [d[0] for d in cursor.description or ()]
            while chunk := cursor.fetchmany(fetch):
                for row in chunk:
                    yield dict(zip(names, row, strict=True))

    def record_batches(self, select: str, *, rows_per_batch: int) -> Iterator[Any]:
        """Every batch's rows (``select`` of them) as Arrow record batches of at most
        ``rows_per_batch`` rows (needs pyarrow)."""
        for sql, params in self.queries(select):
            yield from _arrow_reader(self._run(sql, params), rows_per_batch)

    def arrow_schema(self, select: str) -> Any:
        """The Arrow schema of ``select`` of the dataset rows (needs pyarrow)."""
        return _arrow_reader(self._run(f"SELECT {select} FROM ({self._sql}) d LIMIT 0", self._params), 1).schema


def _arrow_reader(result: duckdb.DuckDBPyConnection, rows_per_batch: int) -> Any:
    # DuckDB >= 2 names it to_arrow_reader; 1.x fetch_record_batch (not in 2.x's type stubs).
    reader = getattr(result, "to_arrow_reader", None) or getattr(result, "fetch_record_batch")
    with warnings.catch_warnings():  # DuckDB notes the copy an execute() result makes
        warnings.simplefilter("ignore", UserWarning)
        return reader(rows_per_batch)
