"""Engines: local worker processes and Ray give the same events as one process; shards and spool."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import EXAMPLES
from eventcoder.engines import LocalEngine, make_engine
from eventcoder.engines.shards import fingerprint, plan_shards, read_shard
from eventcoder.engines.spool import Spool
from eventcoder.errors import ConfigError
from eventcoder.ingest import IngestOptions, read_inputs
from eventcoder.records import Rejection
from eventcoder.run import code_inputs
from eventcoder.settings import Settings
from eventcoder.store import EventStore

ARTICLES = EXAMPLES / "articles"


def _event_rows(store: EventStore) -> set[tuple]:
    rows = store.query("SELECT * EXCLUDE (run_id) FROM events ORDER BY event_id")
    return {tuple(sorted((k, str(v)) for k, v in row.items())) for row in rows}


def _jsonl_corpus(path: Path, n: int) -> Path:
    lines = []
    for i in range(n):
        if i == 7:
            lines.append("{not json")
        elif i == 11:
            lines.append("")
        else:
            lines.append(json.dumps({"id": f"a{i}", "title": f"Story {i}", "date": "2021-03-02",
                                     "text": f"China criticized Japan on Monday over the islands, report number {i} said."}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_shards_read_exactly_what_one_reader_reads(tmp_path):
    corpus = _jsonl_corpus(tmp_path / "wire.jsonl", 25)
    (tmp_path / "one.txt").write_text("Talks\n\n2021-03-02\n\nIran and France held talks in Geneva on Tuesday.\n")
    paths = [str(tmp_path), str(tmp_path / "missing.txt")]
    options = IngestOptions()
    shards = list(plan_shards(paths, settings=Settings(), options=options, shard_size=4))
    planned = [s for s in shards if not isinstance(s, Rejection)]
    assert [r.reason for r in shards if isinstance(r, Rejection)] == ["not-found"]
    assert len(planned) == 8  # 25 lines in runs of 4 → 7 shards, plus one for the text file
    assert [s.parts[0].first_line for s in planned[1:4]] == [1, 5, 9]
    from_shards = [item for shard in planned for item in read_shard(shard, options)]
    single = [i for i in read_inputs(paths, options) if not (isinstance(i, Rejection) and i.reason == "not-found")]
    assert from_shards == single  # same records, same origins (wire.jsonl:8 is the bad line), same details
    bad = [i for i in from_shards if isinstance(i, Rejection)]
    assert [(r.origin, r.reason) for r in bad] == [(f"{corpus}:8", "bad-json")]
    assert "line 8" in bad[0].detail


def test_shard_ids_are_stable_and_follow_input_and_settings(tmp_path):
    corpus = _jsonl_corpus(tmp_path / "wire.jsonl", 10)
    plan = lambda settings: [s.id for s in plan_shards([str(corpus)], settings=settings, options=IngestOptions(), shard_size=4)]  # noqa: E731
    first = plan(Settings())
    assert first == plan(Settings()) and len(set(first)) == 3
    assert plan(Settings(max_sentence_chars=500)) != first  # other settings, other results
    assert plan(Settings(db="elsewhere.duckdb")) == first  # where results go does not matter
    os.utime(corpus, ns=(1, 1))
    assert plan(Settings()) != first  # a changed file is never taken for the old one
    assert fingerprint(Settings(), IngestOptions()) != fingerprint(Settings(), IngestOptions(min_chars=5))


def test_spool_round_trip_is_exact_and_atomic(tmp_path, pipeline):
    items = list(read_inputs([str(ARTICLES)]))
    results = list(pipeline.code_articles(items))
    spool = Spool(str(tmp_path / "spool"))
    spool.write("abc", [*results, Rejection("x.txt", "ingest", "empty", "0 bytes")])
    spool.write("abc", results)  # a retried task: same name, replaced, never added to
    assert os.listdir(tmp_path / "spool") == ["shard-abc.parquet"]
    back = list(spool.read("abc"))
    assert back == results
    assert spool.leftovers() == ["abc"]
    import pyarrow.parquet as pq

    table = pq.read_table(spool.path("abc"))
    assert table.column("kind").to_pylist() == ["article"] * len(results)
    assert sum(table.column("events").to_pylist()) == sum(len(r.events) for r in results) > 0
    spool.remove("abc")
    spool.remove_if_empty()
    assert not (tmp_path / "spool").exists()


def test_two_local_workers_match_one_process(tmp_path, pipeline):
    settings = Settings(batch_size=2, extractor="rules")  # the session pipeline is the rule path
    outputs = {}
    stores = {}
    for workers in (1, 2):
        store = EventStore(":memory:")
        out = io.StringIO()
        engine = LocalEngine(workers=workers, pipeline=pipeline if workers == 1 else None)
        with engine:
            summary = code_inputs([str(ARTICLES)], settings=settings, store=store, out=out, engine=engine)
            stats = engine.worker_stats()
        assert summary.articles == 6 and summary.rejections == 0
        assert len(stats) == engine.workers and sum(s.articles for s in stats) == 6  # (capped at the CPUs)
        assert all(0 < s.peak_rss_mb < 1024 for s in stats)
        outputs[workers], stores[workers] = out.getvalue(), store
    assert outputs[1] == outputs[2]  # same events in the same order
    assert _event_rows(stores[1]) == _event_rows(stores[2])
    assert len(_event_rows(stores[1])) >= 10


def test_make_engine_checks_its_options():
    with pytest.raises(ConfigError, match="unknown engine"):
        make_engine("spark")
    with pytest.raises(ConfigError, match="--address is for the ray engine"):
        make_engine("local", address="auto")
    assert make_engine("local").workers == 1


# -- Ray ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray", reason="needs the distributed extra: pip install 'eventcoder[distributed]'")
    import logging

    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
    yield ray
    if started:
        ray.shutdown()


def test_ray_and_local_engines_store_identical_events_and_resume_from_shards(ray_local, tmp_path, pipeline):
    from eventcoder.engines.rayengine import RayEngine

    settings = Settings(batch_size=2, extractor="rules")  # the session pipeline is the rule path
    local = EventStore(":memory:")
    code_inputs([str(ARTICLES)], settings=settings, store=local, pipeline=pipeline)

    shards_dir = tmp_path / "shards"
    first = EventStore(":memory:")
    engine = RayEngine(workers=2, shards_dir=str(shards_dir), shard_size=2, keep_shards=True)
    summary = code_inputs([str(ARTICLES)], settings=settings, store=first, engine=engine)
    assert summary.articles == 6 and summary.rejections == 0
    assert _event_rows(first) == _event_rows(local)
    rows = engine.shard_rows()
    assert len(rows) == 4 and not any(r["reused"] for r in rows)  # 3 texts in 2 shards, wire.jsonl in 2
    assert 1 <= len({r["worker"] for r in rows}) <= 2  # which worker takes a shard is up to Ray
    assert all(s.peak_rss_mb < 1024 for s in engine.worker_stats())
    assert len(os.listdir(shards_dir)) == 4  # kept: as if the run had died before storing them

    again = EventStore(":memory:")
    engine = RayEngine(workers=2, shards_dir=str(shards_dir), shard_size=2)
    summary = code_inputs([str(ARTICLES)], settings=settings, store=again, engine=engine)
    assert all(r["reused"] for r in engine.shard_rows())  # nothing coded twice
    assert summary.articles == 6
    assert _event_rows(again) == _event_rows(local)
    assert not shards_dir.exists()  # stored, so removed


@pytest.mark.slow
def test_ray_skips_articles_already_in_the_store(ray_local, tmp_path, pipeline):
    from eventcoder.engines.rayengine import RayEngine

    store = EventStore(":memory:")
    code_inputs([str(ARTICLES)], settings=Settings(), store=store, pipeline=pipeline)
    summary = code_inputs([str(ARTICLES)], settings=Settings(), store=store,
                          engine=RayEngine(workers=2, shards_dir=str(tmp_path / "s")))
    assert (summary.articles, summary.skipped, summary.events) == (0, 6, 0)


@pytest.mark.slow
def test_cli_ray_engine_matches_local(tmp_path):
    pytest.importorskip("ray")
    dbs = {}
    for engine in ("local", "ray"):
        db = tmp_path / f"{engine}.duckdb"
        done = subprocess.run([sys.executable, "-m", "eventcoder", "code", str(ARTICLES), "--db", str(db), "--quiet",
                               "--engine", engine, "--workers", "2"], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        with EventStore(db, read_only=True) as store:
            dbs[engine] = _event_rows(store)
    assert dbs["local"] == dbs["ray"] and dbs["local"]
    assert not (tmp_path / "ray.duckdb.shards").exists()


def test_ray_engine_refuses_stdin():
    from eventcoder.errors import InputError

    with pytest.raises(InputError, match="not standard input"):
        list(plan_shards(["-"], settings=Settings(), options=IngestOptions(), shard_size=4))


def test_settings_copy_for_workers_keeps_results(pipeline):
    # worker processes run with n_process=1 whatever the parent asked for; the fingerprint ignores it
    assert fingerprint(replace(Settings(), n_process=4), IngestOptions()) == fingerprint(Settings(), IngestOptions())
    # nor whether the parse runs ahead in its own thread (workers never do: the others have the cores)
    assert fingerprint(Settings().for_worker(), IngestOptions()) == fingerprint(replace(Settings(), learned_threads=1), IngestOptions())
    assert Settings().for_worker().parse_ahead == 0 and Settings().parse_ahead > 0


# -- worker and batch limits (issue 16) -------------------------------------------------------------

def test_code_refuses_a_batch_size_below_one(tmp_path, capsys):
    from eventcoder.cli import main

    db = tmp_path / "store.duckdb"
    assert main(["code", str(ARTICLES), "--db", str(db), "--batch-size", "0", "--quiet"]) == 2
    # (the Settings check refuses it when the settings are built)
    assert re.search(r"batch.size\b.*at least 1", capsys.readouterr().err)
    assert not db.exists()  # refused before the store was touched


def test_code_refuses_negative_workers(tmp_path, capsys):
    from eventcoder.cli import main

    assert main(["code", str(ARTICLES), "--db", str(tmp_path / "s.duckdb"), "--workers", "-1", "--quiet"]) == 2
    assert "workers must be 0 (one per CPU) or more, not -1" in capsys.readouterr().err
    with pytest.raises(ConfigError, match="not -3"):
        make_engine("ray", workers=-3)


def test_local_workers_are_capped_at_the_cpus_and_the_batches(pipeline):
    from eventcoder.engines import default_workers

    engine = LocalEngine(workers=500, pipeline=pipeline)
    assert engine.workers == default_workers() and "500 workers asked for" in (engine.note or "")
    assert LocalEngine(workers=0).note is None and LocalEngine(workers=0).workers == default_workers()
    with engine:  # six articles are one batch: coded in this process, no worker process started
        summary = code_inputs([str(ARTICLES)], settings=Settings(extractor="rules"), store=EventStore(":memory:"),
                              engine=engine)
        assert summary.articles == 6
        assert [s.worker for s in engine.worker_stats()] == [str(os.getpid())]


def test_code_notes_when_it_starts_fewer_workers_than_asked(tmp_path):
    from eventcoder.engines import default_workers

    asked = default_workers() + 1
    done = subprocess.run([sys.executable, "-m", "eventcoder", "code", str(ARTICLES), "--db", str(tmp_path / "s.duckdb"),
                           "--workers", str(asked), "--quiet"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"note: {asked} workers asked for" in done.stderr and "6 articles coded" in done.stderr


def test_one_process_codes_all_chunks_in_one_stream_with_rejections_in_place(tmp_path, pipeline, monkeypatch):
    # one code_articles call for the whole job (so the parse runs ahead across chunks), yet the
    # chunks' results and the reader's rejection (line 8; the blank line 12 is no record) come out
    # as chunk by chunk
    from eventcoder.engines import Job
    from eventcoder.pipeline import ArticleResult, Pipeline

    corpus = _jsonl_corpus(tmp_path / "wire.jsonl", 25)
    calls: list[int] = []
    code = Pipeline.code_articles
    monkeypatch.setattr(Pipeline, "code_articles", lambda self, articles: calls.append(1) or code(self, articles))
    runs = {}
    for ahead in (0, 3):
        settings = Settings(batch_size=4, extractor="rules", parse_ahead=ahead)
        job = Job(paths=[str(corpus)], settings=settings, options=IngestOptions())
        here = replace(pipeline, settings=replace(pipeline.settings, parse_ahead=ahead))
        calls.clear()
        with LocalEngine(workers=1, pipeline=here) as engine:
            out = list(engine.run(job))
            stats = engine.worker_stats()
        assert len(calls) == 1  # six chunks of up to 4 articles, one stream
        runs[ahead] = [(r.article.origin, r.events) if isinstance(r, ArticleResult) else (type(r).__name__, r.origin) for r in out]
        assert sum(s.articles for s in stats) == 23 and stats[0].seconds > 0 and stats[0].peak_rss_mb > 0
    assert runs[3] == runs[0]
    rejected = [row[1] for row in runs[3] if row[0] == "Rejection"]
    assert rejected == [f"{corpus}:8"]
    coded = [row[0] for row in runs[3] if row[0] != "Rejection"]
    assert coded == [f"{corpus}:{n}" for n in range(1, 26) if n not in (8, 12)]
    assert sum(len(row[1]) for row in runs[3] if row[0] != "Rejection") > 0
