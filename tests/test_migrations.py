"""Schema migrations: a file made by schema version 1 opens, migrates and links under the current one."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from eventcoder.errors import StoreError
from eventcoder.link import link_events
from eventcoder.store import MIGRATIONS, TABLES, EventStore
from eventcoder.store.schema import SCHEMA_VERSION_DDL, latest_version

ROOT = Path(__file__).resolve().parents[1]

# The columns of schema version 1's ``events`` table (before later migrations added any).
_V1_EVENT = {
    "event_id": "ev1", "article_id": "art1", "run_id": "run1", "sentence_index": 0,
    "sentence": "Russia accused Ukraine of shelling civilians.", "trigger": "accused",
    "trigger_start": 7, "trigger_end": 14, "source_text": "Russia", "source_name": "Russia",
    "source_code": "RUS", "source_country": "RUS", "source_sectors": "", "source_resolved_by": "country-name",
    "target_text": "Ukraine", "target_name": "Ukraine", "target_code": "UKR", "target_country": "UKR",
    "target_sectors": "", "target_resolved_by": "country-name", "cameo_code": "112",
    "cameo_name": "Accuse, not specified below", "cameo_root": "11", "goldstein": -2.0, "quad_class": 3,
    "penta_class": 3, "plover_type": "ACCUSE", "plover_mode": "disapprove", "plover_context": None,
    "modality": "asserted", "event_date": date(2022, 3, 10), "date_precision": "day",
    "date_how": "publication-date", "confidence": 0.9, "method": "test", "mention_sentences": "0",
}


def make_v1_file(path: Path, *, articles: int = 2) -> None:
    """A store exactly as schema version 1 left it, with a few rows in it."""
    con = duckdb.connect(str(path))
    con.execute(SCHEMA_VERSION_DDL)
    version, name, sql = MIGRATIONS[0]
    con.execute(sql)
    con.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [version, name, datetime(2026, 1, 1)])
    for n in range(articles):
        con.execute(
            "INSERT INTO articles (article_id, headline, text, published, published_date, outlet, metadata, added_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [f"art{n}", "h", _V1_EVENT["sentence"], datetime(2022, 3, 10), date(2022, 3, 10),
             f"outlet{n}", f'{{"id": "src{n}"}}' if n % 2 == 0 else None, datetime(2026, 1, 1)])
        row = {**_V1_EVENT, "event_id": f"ev{n}", "article_id": f"art{n}"}
        con.execute(f"INSERT INTO events ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
        con.execute("INSERT INTO event_mentions VALUES (?, ?, 0, ?, 'accused')", [f"ev{n}", f"art{n}", row["sentence"]])
    con.close()


def test_a_version_1_file_migrates_to_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "v1.duckdb"
    make_v1_file(path)
    with EventStore(path) as store:
        applied = [v for v, _, _ in store.applied_migrations()]
        assert applied == list(range(1, latest_version() + 1))
        counts = store.counts()
        assert set(counts) == set(TABLES) and (counts["articles"], counts["events"]) == (2, 2)
        assert store.query("SELECT article_id, source_id FROM articles ORDER BY article_id") == [
            {"article_id": "art0", "source_id": "src0"}, {"article_id": "art1", "source_id": None}]
        summary = link_events(store)
        assert (summary.linked_events, summary.multi_article_events) == (1, 1)
        linked = store.query("SELECT num_articles, num_sources, num_mentions FROM linked_events")
        assert linked == [{"num_articles": 2, "num_sources": 2, "num_mentions": 2}]
        actors = store.query("SELECT actor_key, roles FROM actors ORDER BY actor_key")
        assert actors == [{"actor_key": "RUS", "roles": 2}, {"actor_key": "UKR", "roles": 2}]


def test_readers_migrate_an_old_file_once_then_read_only(tmp_path: Path) -> None:
    path = tmp_path / "v1.duckdb"
    make_v1_file(path)
    with pytest.raises(StoreError, match="needs schema migrations"):
        EventStore(path, read_only=True)
    with EventStore.open_reader(path) as reader, EventStore.open_reader(path) as second:
        assert reader.read_only and second.read_only
        assert reader.applied_migrations()[-1][0] == latest_version()
        with pytest.raises(StoreError, match="read-only"):
            link_events(reader)


def test_migrations_are_numbered_in_order_and_named() -> None:
    assert [v for v, _, _ in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert all(name.strip() for _, name, _ in MIGRATIONS)


def test_the_events_table_matches_the_flat_row_layout(tmp_path: Path) -> None:
    from eventcoder.output import EVENT_COLUMNS

    with EventStore(tmp_path / "new.duckdb") as store:
        names = [r["column_name"] for r in store.query(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'events' ORDER BY ordinal_position")]
    assert names == ["event_id", "article_id", "run_id", *EVENT_COLUMNS[2:]]


def test_a_second_writer_gets_a_clear_error_while_readers_share(tmp_path: Path) -> None:
    path = tmp_path / "locked.duckdb"
    make_v1_file(path)
    EventStore(path).close()
    script = (
        "import sys\nfrom eventcoder.store import EventStore\nfrom eventcoder.errors import StoreError\n"
        f"try:\n    EventStore({str(path)!r}).close()\nexcept StoreError as e:\n    print(e); sys.exit(3)\n"
    )
    with EventStore(path):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 3 and "open by another eventcoder process" in done.stdout
    with EventStore.open_reader(path):
        done = subprocess.run([sys.executable, "-m", "eventcoder", "db", "--db", str(path)],
                              capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert f"schema version {latest_version()}" in done.stdout
