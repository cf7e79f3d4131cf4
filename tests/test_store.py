"""The DuckDB event store: migrations, idempotent writes, runs, queries and the one-writer rule."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from eventcoder.errors import StoreError
from eventcoder.output import EVENT_COLUMNS
from eventcoder.records import (
    Actor, Article, CameoInfo, Event, Location, Mention, Rejection, ResolvedDate, stable_id,
)
from eventcoder.store import MIGRATIONS, TABLES, EventStore

REPO_ROOT = Path(__file__).resolve().parents[1]
CAMEO_111 = CameoInfo("111", "Criticize or denounce", "11", -2.0, 3, 3, "ACCUSE", "criticize", None)


def make_article(n: int = 0) -> Article:
    text = f"TEHRAN - Iran condemned the attack number {n}. A spokesman said so on Tuesday."
    return Article(
        id=stable_id("test", n), headline=f"Iran condemns attack {n}", text=text,
        published=datetime(2020, 7, 8, 9, 30), dateline="TEHRAN", outlet="Tehran Times",
        url=f"https://example.org/{n}", origin=f"articles.jsonl:{n + 1}",
        metadata=(("author", "MR"), ("section", "politics")),
    )


def make_event(article: Article, k: int = 0, *, unknown_target: str | None = None) -> Event:
    source = Mention("Iran", 9, 13, Actor("IRN", "Iran", "IRN", ("GOV",)), "country-name")
    if unknown_target is None:
        target = Mention("the United States", 30, 47, Actor("USA", "United States", "USA"), "country-name")
    else:
        target = Mention(unknown_target, 30, 30 + len(unknown_target), Actor(None, unknown_target), "unknown")
    return Event(
        id=stable_id(article.id, k), article_id=article.id, sentence_index=k,
        sentence=f"Iran condemned the attack, sentence {k}.", trigger="condemned",
        trigger_start=14, trigger_end=23, source=source, target=target, cameo=CAMEO_111,
        modality="asserted", date=ResolvedDate(date(2020, 7, 7), "day", "weekday:on Tuesday"),
        location=Location("Tehran", "IRN", "Tehran", 35.69, 51.42, 112931, "dateline"),
        attribution=None, quote=None, confidence=0.9, method="pattern:CONDEMN",
        mentions=(k, k + 3),
    )


@pytest.fixture()
def store() -> EventStore:
    with EventStore(":memory:") as s:
        yield s


def test_migrations_are_applied_in_order_and_recorded(store: EventStore) -> None:
    applied = store.applied_migrations()
    assert [(v, n) for v, n, _ in applied] == [(v, n) for v, n, _ in MIGRATIONS]
    assert all(isinstance(at, datetime) for _, _, at in applied)
    assert store.counts() == {table: 0 for table in TABLES}


def test_events_table_columns_follow_event_columns(store: EventStore) -> None:
    rows = store._db.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = 'events' ORDER BY ordinal_position"
    ).fetchall()
    names = tuple(r[0] for r in rows)
    assert names == ("event_id", "article_id", "run_id", *EVENT_COLUMNS[2:])
    types = dict(rows)
    assert types["event_date"] == "DATE"
    assert types["lat"] == types["goldstein"] == types["confidence"] == "DOUBLE"
    assert types["quad_class"] == types["sentence_index"] == "INTEGER"


def test_add_article_stores_everything_and_second_time_adds_nothing(store: EventStore) -> None:
    run_id = store.start_run({"dictionary": "default"}, "0.1.0")
    article = make_article()
    events = [make_event(article, 0), make_event(article, 1, unknown_target="the gunmen")]
    assert store.add_article(article, events, run_id=run_id) == 2
    counts = store.counts()
    assert counts["articles"] == 1 and counts["events"] == 2
    assert counts["event_mentions"] == 4  # sentences (0, 3) and (1, 4)
    assert counts["actors_unknown"] == 1

    assert store.add_article(article, events, run_id=run_id) == 0
    assert store.counts() == counts
    assert store.has_article(article.id)
    assert store.known_article_ids() == {article.id}


def test_stored_values_read_back(store: EventStore) -> None:
    run_id = store.start_run({}, "0.1.0")
    article = make_article()
    store.add_article(article, [make_event(article, 2)], run_id=run_id)
    stored = store.article(article.id)
    assert stored is not None
    assert stored["published"] == datetime(2020, 7, 8, 9, 30)
    assert stored["published_date"] == date(2020, 7, 8)
    assert stored["metadata"] == {"author": "MR", "section": "politics"}
    assert stored["first_run_id"] == run_id
    (event,) = store.events_for_article(article.id)
    assert event["run_id"] == run_id
    assert event["cameo_code"] == "111" and event["goldstein"] == -2.0
    assert event["event_date"] == date(2020, 7, 7)
    assert event["source_sectors"] == "GOV" and event["target_code"] == "USA"
    assert event["geonames_id"] == 112931 and event["mention_sentences"] == "2|5"
    mentions = store.mentions_for_event(str(event["event_id"]))
    assert [(m["sentence_index"], m["trigger"]) for m in mentions] == [(2, "condemned"), (5, None)]
    assert store.article("nope") is None and store.events_for_article("nope") == []


def test_unknown_actors_are_counted_across_articles(store: EventStore) -> None:
    run_id = store.start_run({}, "0.1.0")
    for n in range(3):
        article = make_article(n)
        store.add_article(article, [make_event(article, 0, unknown_target="the gunmen")], run_id=run_id)
    (row,) = store.unknown_actors()
    assert row["text"] == "the gunmen" and row["count"] == 3
    assert row["first_article_id"] == make_article(0).id


def test_rejections_are_idempotent(store: EventStore) -> None:
    run_id = store.start_run({}, "0.1.0")
    rejection = Rejection("bad.html", "ingest", "no-text", "empty body")
    assert store.add_rejection(rejection, run_id=run_id) is True
    assert store.add_rejection(rejection, run_id=run_id) is False
    assert store.counts()["rejections"] == 1
    other = Rejection("bad.html", "parse", "too-long")
    assert store.add_rejection(other, run_id=run_id) is True
    assert [r["reason"] for r in store.iter_rejections()] == ["no-text", "too-long"]


def test_run_rows(store: EventStore) -> None:
    run_id = store.start_run({"workers": 2, "path": Path("/x")}, "0.1.0")
    started = store.run(run_id)
    assert started is not None and started["status"] == "running"
    assert started["config"] == {"path": "/x", "workers": 2}
    assert started["finished_at"] is None
    store.finish_run(run_id, articles=10, sentences=120, events=31, rejections=2, seconds=1.5)
    done = store.run(run_id)
    assert done is not None
    assert (done["status"], done["articles"], done["events"], done["seconds"]) == ("ok", 10, 31, 1.5)
    assert isinstance(done["finished_at"], datetime)
    with pytest.raises(StoreError, match="no run"):
        store.finish_run("missing", articles=0, sentences=0, events=0, rejections=0, seconds=0)
    assert [r["run_id"] for r in store.runs()] == [run_id]


def test_find_articles_by_prefix_and_iter_events(store: EventStore) -> None:
    run_id = store.start_run({}, "0.1.0")
    articles = [make_article(n) for n in range(5)]
    for article in articles:
        store.add_article(article, [make_event(article, 0), make_event(article, 1)], run_id=run_id)
    target = articles[3].id
    assert target in store.find_articles(target[:6])
    assert store.find_articles(target) == [target]
    assert store.find_articles("zz_not_hex") == []
    assert store.find_articles("%") == []  # no LIKE wildcards
    events = list(store.iter_events())
    assert len(events) == 10
    later = make_article(7)
    store.add_article(later, [replace(make_event(later), date=ResolvedDate(date(2021, 1, 2), "day", "x"))],
                      run_id=run_id)
    assert next(store.iter_events(newest_first=True))["event_date"] == date(2021, 1, 2)
    assert next(store.iter_events())["event_date"] == date(2020, 7, 7)
    assert tuple(events[0])[:3] == ("event_id", "article_id", "run_id")


def test_file_store_keeps_data_and_does_not_reapply_migrations(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "events.duckdb"
    article = make_article()
    with EventStore(path) as first:
        run_id = first.start_run({}, "0.1.0")
        first.add_article(article, [make_event(article)], run_id=run_id)
        applied = first.applied_migrations()
    assert path.exists()
    with EventStore(path) as again:
        assert again.applied_migrations() == applied  # same rows, same timestamps
        assert again.counts()["events"] == 1
        assert again.add_article(article, [make_event(article)], run_id=run_id) == 0
    with EventStore(path, read_only=True) as reader:
        assert reader.has_article(article.id)
        with pytest.raises(StoreError, match="read-only"):
            reader.add_article(make_article(9), [], run_id=run_id)


def test_store_from_a_newer_eventcoder_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.duckdb"
    with EventStore(path) as s:
        s._db.execute("INSERT INTO schema_version VALUES (99, 'from the future', now()::TIMESTAMP)")
    with pytest.raises(StoreError, match="newer than this eventcoder"):
        EventStore(path)


def test_second_writer_process_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "events.duckdb"
    code = (
        "import sys\n"
        "from eventcoder.errors import StoreError\n"
        "from eventcoder.store import EventStore\n"
        "try:\n"
        f"    EventStore({str(path)!r})\n"
        "except StoreError as exc:\n"
        "    print(exc)\n"
        "    sys.exit(3)\n"
    )
    with EventStore(path):
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60
        )
    assert result.returncode == 3, result.stderr
    assert "is open by another eventcoder process; wait for it or use another --db" in result.stdout
    assert str(path) in result.stdout


def test_corrupt_file_and_missing_read_only_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_text("this is not a database\n" * 200, encoding="utf-8")
    with pytest.raises(StoreError, match="bad.duckdb"):
        EventStore(bad)
    with pytest.raises(StoreError, match="does not exist"):
        EventStore(tmp_path / "missing.duckdb", read_only=True)


def test_closed_store_raises_store_error() -> None:
    s = EventStore(":memory:")
    s.close()
    s.close()
    with pytest.raises(StoreError, match="closed"):
        s.counts()


def test_add_articles_batch_is_idempotent_and_skips_known_articles(store: EventStore) -> None:
    run_id = store.start_run({}, "0.1.0")
    first = make_article(1)
    store.add_article(first, [make_event(first)], run_id=run_id)
    batch = [(make_article(n), [make_event(make_article(n), 0), make_event(make_article(n), 1)])
             for n in range(4)]
    batch.append(batch[2])  # repeated inside the batch
    assert store.add_articles(batch, run_id=run_id) == 6  # articles 0, 2, 3; 1 was stored
    assert store.counts()["articles"] == 4 and store.counts()["events"] == 7
    assert store.add_articles(batch, run_id=run_id) == 0
    assert store.add_articles([], run_id=run_id) == 0


def test_failed_batch_stores_nothing(store: EventStore) -> None:
    run_id = store.start_run({}, "0.1.0")
    a, b = make_article(1), make_article(2)
    clash = make_event(a, 0)
    stolen = replace(clash, article_id=b.id)  # same event id as one already stored
    store.add_article(a, [clash], run_id=run_id)
    with pytest.raises(StoreError, match="could not store"):
        store.add_articles([(make_article(3), [make_event(make_article(3))]), (b, [stolen])],
                           run_id=run_id)
    assert store.counts()["articles"] == 1 and not store.has_article(make_article(3).id)
    store.add_article(make_article(4), [make_event(make_article(4))], run_id=run_id)  # still usable
    assert store.counts()["articles"] == 2


def test_bulk_store_is_fast(tmp_path: Path) -> None:
    articles = [make_article(n) for n in range(1000)]
    batch = [(article, [make_event(article, k) for k in range(5)]) for article in articles]
    with EventStore(tmp_path / "bulk.duckdb") as s:
        run_id = s.start_run({}, "0.1.0")
        began = time.perf_counter()
        for start in range(0, len(batch), 100):
            s.add_articles(batch[start:start + 100], run_id=run_id)
        elapsed = time.perf_counter() - began
        assert s.counts()["events"] == 5000
        assert s.counts()["event_mentions"] == 10000
        assert s.add_articles(batch, run_id=run_id) == 0
    assert elapsed < 3.0, f"storing 1,000 articles x 5 events took {elapsed:.1f}s"
