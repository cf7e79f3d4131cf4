"""``EventStore``: the DuckDB file that holds articles, events, rejections and runs.

One process writes at a time (DuckDB locks the file); readers open it with ``read_only=True``.
Every value goes into SQL as a parameter; only fixed table and column names are spliced in.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType

import duckdb

from eventcoder.actors.unknown import UnknownMention
from eventcoder.errors import StoreError
from eventcoder.records import Article, Event, Rejection
from eventcoder.store.rows import (
    ARTICLE_TABLE_COLUMNS,
    EVENT_TABLE_COLUMNS,
    MENTION_TABLE_COLUMNS,
    UNKNOWN_TABLE_COLUMNS,
    UNKNOWN_UPSERT,
    article_values,
    event_values,
    mention_values,
    unknown_actor_rows,
    utc_now,
)
from eventcoder.store.schema import MIGRATIONS, SCHEMA_VERSION_DDL, TABLES, latest_version

DEFAULT_DB_PATH = "eventcoder.duckdb"
MEMORY = ":memory:"
_EVENT_ORDER = "event_date, article_id, sentence_index, trigger_start, event_id"
_FETCH_BATCH = 1000


def _open_error(path: str, exc: duckdb.Error) -> StoreError:
    message = str(exc)
    lowered = message.lower()
    if "could not set lock" in lowered or "conflicting lock" in lowered:
        return StoreError(
            f"{path} is open by another eventcoder process; wait for it or use another --db"
        )
    if "not a valid duckdb database" in lowered:
        return StoreError(f"{path} is not an eventcoder store (not a DuckDB file, or corrupt)")
    return StoreError(f"cannot open store {path}: {message}")


class EventStore:
    """The DuckDB event store. Use as a context manager, or call ``close()``.

    ``path`` may be ``":memory:"`` (tests). Opening read-write creates missing parent
    directories and applies any pending migrations; ``read_only=True`` requires an existing,
    fully migrated file and never writes.
    """

    def __init__(self, path: str | Path = DEFAULT_DB_PATH, *, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        self._con: duckdb.DuckDBPyConnection | None = None
        self._types: dict[str, dict[str, str]] = {}
        target = self.path if self.path == MEMORY else str(Path(self.path).expanduser())
        if target != MEMORY:
            if read_only and not Path(target).exists():
                raise StoreError(f"store {self.path} does not exist; code some articles into it first")
            try:
                Path(target).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create directory for store {self.path}: {exc}") from exc
        try:
            self._con = duckdb.connect(target, read_only=read_only)
        except duckdb.Error as exc:
            raise _open_error(self.path, exc) from exc
        try:
            self._migrate()
            if not read_only:
                self._end_interrupted_runs()
        except BaseException:
            self.close()
            raise

    def _end_interrupted_runs(self) -> None:
        """Runs still "running" when a writer opens the file were killed: DuckDB lets one process
        write a file at a time, so none of them can still be going. They become "interrupted"."""
        self._db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> EventStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (safe to call twice)."""
        if self._con is not None:
            self._con.close()
            self._con = None

    @classmethod
    def open_reader(cls, path: str | Path = DEFAULT_DB_PATH) -> EventStore:
        """Open an existing store for reading; an older file is migrated first (one short write).

        Many readers may hold the same file at once; they fail with a clear error while a
        writer holds it.
        """
        try:
            return cls(path, read_only=True)
        except StoreError as exc:
            if "needs schema migrations" not in str(exc):
                raise
        cls(path).close()
        return cls(path, read_only=True)

    def reader(self) -> EventStore:
        """A read-only store on its own DuckDB cursor (a duplicate connection to the same
        database), for use by one other thread while this one reads or writes; close it after."""
        view = object.__new__(EventStore)
        view.path, view.read_only, view._types = self.path, True, {}
        view._con = self._db.cursor()
        return view

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The open DuckDB connection (for the store's query modules; values go in as parameters)."""
        return self._db

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction: everything inside is stored, or nothing (the error is re-raised)."""
        self._require_writable()
        try:
            with self._transaction():
                yield
        except duckdb.Error as exc:
            raise StoreError(f"write to store {self.path} failed: {exc}") from exc

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        """Insert ``rows`` (values in ``columns`` order) into one of the store's own tables."""
        self._require_writable()
        if table not in TABLES:
            raise StoreError(f"unknown table {table!r}")
        self._insert_rows(table, columns, rows)

    def query(self, sql: str, params: Sequence[object] = ()) -> list[dict[str, object]]:
        """Rows of a read query as dicts (values are bound as parameters, never spliced in)."""
        return self._dicts(sql, params)

    @property
    def _db(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise StoreError(f"store {self.path} is closed")
        return self._con

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"store {self.path} was opened read-only")

    # -- migrations ------------------------------------------------------------------------

    def applied_migrations(self) -> list[tuple[int, str, datetime]]:
        """``(version, name, applied_at)`` of every migration recorded in the file, in order."""
        rows = self._db.execute(
            "SELECT version, name, applied_at FROM schema_version ORDER BY version"
        ).fetchall()
        return [(int(v), str(n), a) for v, n, a in rows]

    def _current_version(self) -> int:
        exists = self._db.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()
        if not exists or not exists[0]:
            return 0
        row = self._db.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        try:
            current = self._current_version()
        except duckdb.Error as exc:
            raise StoreError(f"cannot read schema of store {self.path}: {exc}") from exc
        newest = latest_version()
        if current > newest:
            raise StoreError(
                f"store {self.path} has schema version {current}, newer than this eventcoder "
                f"understands ({newest}); upgrade eventcoder"
            )
        if current == newest:
            return
        if self.read_only:
            raise StoreError(
                f"store {self.path} needs schema migrations (at {current}, want {newest}); "
                "open it once without read-only to upgrade it"
            )
        for version, name, sql in MIGRATIONS:
            if version > current:
                self._apply(version, name, sql)

    def _apply(self, version: int, name: str, sql: str) -> None:
        try:
            with self._transaction():
                self._db.execute(SCHEMA_VERSION_DDL)
                self._db.execute(sql)
                self._db.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    [version, name, utc_now()],
                )
        except duckdb.Error as exc:
            raise StoreError(
                f"migration {version} ({name}) failed on store {self.path}: {exc}"
            ) from exc

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN ... COMMIT, rolling back on any exception (which is re-raised)."""
        db = self._db
        db.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            try:
                db.execute("ROLLBACK")
            except duckdb.Error:
                pass  # the transaction is already gone; the original error matters more
            raise
        db.execute("COMMIT")

    # -- runs ------------------------------------------------------------------------------

    def start_run(self, config: Mapping[str, object], version: str) -> str:
        """Record a new run (status "running") and return its id."""
        self._require_writable()
        started = utc_now()
        run_id = f"{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        config_json = json.dumps(dict(config), sort_keys=True, default=str, ensure_ascii=False)
        self._write(
            "INSERT INTO runs (run_id, version, config, started_at, status) VALUES (?, ?, ?, ?, ?)",
            [run_id, version, config_json, started, "running"],
        )
        return run_id

    def finish_run(
        self,
        run_id: str,
        *,
        articles: int,
        sentences: int,
        events: int,
        rejections: int,
        seconds: float,
        status: str = "ok",
    ) -> None:
        """Record a run's totals, its end time and final status."""
        self._require_writable()
        if self.run(run_id) is None:
            raise StoreError(f"no run {run_id!r} in store {self.path}")
        self._write(
            "UPDATE runs SET finished_at = ?, articles = ?, sentences = ?, events = ?, "
            "rejections = ?, seconds = ?, status = ? WHERE run_id = ?",
            [utc_now(), articles, sentences, events, rejections, seconds, status, run_id],
        )

    def run(self, run_id: str) -> dict[str, object] | None:
        """One run as a dict (``config`` parsed back from JSON), or None."""
        rows = self._dicts("SELECT * FROM runs WHERE run_id = ?", [run_id])
        if not rows:
            return None
        row = rows[0]
        row["config"] = json.loads(str(row["config"])) if row["config"] is not None else {}
        return row

    def runs(self) -> list[dict[str, object]]:
        """Every run, oldest first (``config`` left as JSON text)."""
        return self._dicts("SELECT * FROM runs ORDER BY started_at, run_id")

    # -- writes ----------------------------------------------------------------------------

    def _write(self, sql: str, params: Sequence[object]) -> None:
        try:
            self._db.execute(sql, params)
        except duckdb.Error as exc:
            raise StoreError(f"write to store {self.path} failed: {exc}") from exc

    def has_article(self, article_id: str) -> bool:
        row = self._db.execute(
            "SELECT count(*) FROM articles WHERE article_id = ?", [article_id]
        ).fetchone()
        return bool(row and row[0])

    def known_article_ids(self) -> set[str]:
        return {str(r[0]) for r in self._db.execute("SELECT article_id FROM articles").fetchall()}

    def add_article(
        self, article: Article, events: Sequence[Event], *, run_id: str, unknown: Iterable[UnknownMention] = (),
    ) -> int:
        """Store an article with its events, mentions and unknown actors in one transaction.

        Returns the number of events inserted; 0 (and nothing written) if the article is
        already stored, so re-running the same input adds nothing. For many articles use
        ``add_articles``, which does the same for a whole batch with a few statements.
        """
        return self.add_articles([(article, events)], run_id=run_id, unknown=unknown)

    def add_articles(
        self, batch: Iterable[tuple[Article, Sequence[Event]]], *, run_id: str,
        conflicts: list[Rejection] | None = None, unknown: Iterable[UnknownMention] = (),
    ) -> int:
        """Store many ``(article, events)`` pairs in one transaction; returns events inserted.

        Articles already in the store (or repeated in ``batch``) are skipped with their events;
        events repeated by id are stored once. An article whose outlet and ``source_id`` are
        already stored (or earlier in ``batch``) with another text is not stored: it becomes a
        ``duplicate-id`` rejection, recorded here and appended to ``conflicts`` when given.
        ``unknown``: the pipeline's unknown actors (``ArticleResult.unknown``) of these articles;
        those of the articles stored are counted in ``actors_unknown``. Either the whole batch is
        stored or nothing.
        """
        self._require_writable()
        pairs: dict[str, tuple[Article, Sequence[Event]]] = {}
        for article, events in batch:
            pairs.setdefault(article.id, (article, events))
        if not pairs:
            return 0
        try:
            with self._transaction():
                existing = self._existing_article_ids(list(pairs))
                fresh = [pair for article_id, pair in pairs.items() if article_id not in existing]
                fresh, refused = self._without_source_conflicts(fresh)
                for rejection in refused:
                    self._insert_rejection(rejection, run_id)
                if conflicts is not None:
                    conflicts.extend(refused)
                return self._insert_batch(fresh, run_id, unknown) if fresh else 0
        except duckdb.Error as exc:
            first = next(iter(pairs))
            raise StoreError(
                f"could not store {len(pairs)} article(s) (first {first}) in {self.path}: {exc}"
            ) from exc

    def _existing_article_ids(self, article_ids: list[str]) -> set[str]:
        rows = self._db.execute(
            "SELECT article_id FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
            [article_ids],
        ).fetchall()
        return {str(r[0]) for r in rows}

    def _without_source_conflicts(
        self, pairs: list[tuple[Article, Sequence[Event]]]
    ) -> tuple[list[tuple[Article, Sequence[Event]]], list[Rejection]]:
        """The pairs whose (outlet, source id) is new, and a rejection for each of the others."""
        keyed = [(a.outlet or "", a.source_id) for a, _ in pairs if a.source_id]
        if not keyed:
            return pairs, []
        rows = self._db.execute(
            "SELECT coalesce(outlet, ''), source_id, min(article_id) FROM articles "
            "WHERE source_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY ALL",
            [sorted({sid for _, sid in keyed})],
        ).fetchall()
        owner: dict[tuple[str, str], str] = {(str(o), str(sid)): str(aid) for o, sid, aid in rows}
        kept: list[tuple[Article, Sequence[Event]]] = []
        refused: list[Rejection] = []
        for article, events in pairs:
            key = (article.outlet or "", article.source_id or "")
            first = owner.get(key) if article.source_id else None
            if first is None or first == article.id:
                if article.source_id:
                    owner[key] = article.id
                kept.append((article, events))
                continue
            refused.append(Rejection(
                origin=article.origin, stage="store", reason="duplicate-id", article_id=article.id,
                detail=f"id {article.source_id!r}{' from ' + repr(article.outlet) if article.outlet else ''} "
                       f"is already stored as article {first} with another text; give a revised "
                       "article its own id (or delete the old one) to store it"))
        return kept, refused

    def _insert_batch(
        self, pairs: Sequence[tuple[Article, Sequence[Event]]], run_id: str, unknown: Iterable[UnknownMention] = (),
    ) -> int:
        now = utc_now()
        self._insert_rows("articles", ARTICLE_TABLE_COLUMNS,
                          [article_values(article, run_id, now) for article, _ in pairs])
        events = list({e.id: e for _, evs in pairs for e in evs}.values())
        self._insert_rows("events", EVENT_TABLE_COLUMNS, [event_values(e, run_id) for e in events])
        self._insert_rows("event_mentions", MENTION_TABLE_COLUMNS,
                          [row for e in events for row in mention_values(e)])
        self._insert_rows("actors_unknown", UNKNOWN_TABLE_COLUMNS, unknown_actor_rows(pairs, unknown, now), UNKNOWN_UPSERT)
        return len(events)

    def _insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]], suffix: str = ""
    ) -> None:
        """Insert ``rows`` with one statement: each column is bound as one typed list parameter.

        (DuckDB binds a few list parameters far faster than thousands of scalar ones.)
        """
        if not rows:
            return
        types = self._column_types(table)
        select = ", ".join(f"unnest(?::{types[name]}[])" for name in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} {suffix}"
        self._db.execute(sql, [list(column) for column in zip(*rows, strict=True)])

    def _column_types(self, table: str) -> dict[str, str]:
        if table not in self._types:
            rows = self._db.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
                [table],
            ).fetchall()
            self._types[table] = {str(name): str(kind) for name, kind in rows}
        return self._types[table]

    def add_rejection(self, rejection: Rejection, *, run_id: str) -> bool:
        """Record a rejection; returns False (and writes nothing) if its id is already stored."""
        self._require_writable()
        try:
            return self._insert_rejection(rejection, run_id)
        except duckdb.Error as exc:
            raise StoreError(f"could not store rejection in {self.path}: {exc}") from exc

    def _insert_rejection(self, rejection: Rejection, run_id: str) -> bool:
        inserted = self._db.execute(
            "INSERT INTO rejections (rejection_id, run_id, origin, stage, reason, detail, "
            "article_id, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING RETURNING rejection_id",
            [rejection.id, run_id, rejection.origin, rejection.stage, rejection.reason,
             rejection.detail, rejection.article_id, utc_now()],
        ).fetchall()
        return bool(inserted)

    # -- queries ---------------------------------------------------------------------------

    def _dicts(self, sql: str, params: Sequence[object] = ()) -> list[dict[str, object]]:
        cursor = self._db.execute(sql, list(params))
        names = [d[0] for d in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def counts(self) -> dict[str, int]:
        """Number of rows in each table."""
        result: dict[str, int] = {}
        for table in TABLES:
            row = self._db.execute(f"SELECT count(*) FROM {table}").fetchone()
            result[table] = int(row[0]) if row else 0
        return result

    def article(self, article_id: str) -> dict[str, object] | None:
        """One article as a dict (``metadata`` parsed back to a dict), or None."""
        rows = self._dicts("SELECT * FROM articles WHERE article_id = ?", [article_id])
        if not rows:
            return None
        row = rows[0]
        row["metadata"] = json.loads(str(row["metadata"])) if row["metadata"] is not None else {}
        return row

    def find_articles(self, prefix: str) -> list[str]:
        """Ids of stored articles that start with ``prefix`` (so users can type short ids)."""
        rows = self._db.execute(
            "SELECT article_id FROM articles WHERE starts_with(article_id, ?) ORDER BY article_id",
            [prefix],
        ).fetchall()
        return [str(r[0]) for r in rows]

    def events_for_article(self, article_id: str) -> list[dict[str, object]]:
        """The article's events as dicts (``events`` columns; ``event_date`` is a ``date``)."""
        return self._dicts(
            f"SELECT * FROM events WHERE article_id = ? ORDER BY {_EVENT_ORDER}", [article_id]
        )

    def mentions_for_event(self, event_id: str) -> list[dict[str, object]]:
        return self._dicts(
            "SELECT * FROM event_mentions WHERE event_id = ? ORDER BY article_id, sentence_index",
            [event_id],
        )

    def unknown_actors(self, *, limit: int | None = 50, min_count: int = 1) -> list[dict[str, object]]:
        """Names that acted but no dictionary resolved, seen at least ``min_count`` times, most
        frequent first (``limit`` None: all of them)."""
        return self._dicts(
            "SELECT * FROM actors_unknown WHERE count >= ? ORDER BY count DESC, text LIMIT ?",
            [min_count, limit if limit is not None else 2**62],
        )

    def iter_events(self, *, newest_first: bool = False) -> Iterator[dict[str, object]]:
        """Every stored event as a dict, streamed in batches.

        Ordered by event date (oldest first, or newest first), then article, sentence, trigger.
        """
        order = _EVENT_ORDER.replace("event_date", "event_date DESC") if newest_first else _EVENT_ORDER
        cursor = self._db.cursor()
        try:
            cursor.execute(f"SELECT * FROM events ORDER BY {order}")
            names = [d[0] for d in cursor.description or ()]
            while batch := cursor.fetchmany(_FETCH_BATCH):
                for row in batch:
                    yield dict(zip(names, row, strict=True))
        finally:
            cursor.close()

    def iter_rejections(self) -> Iterator[dict[str, object]]:
        """Every stored rejection as a dict, oldest first."""
        yield from self._dicts("SELECT * FROM rejections ORDER BY added_at, rejection_id")
