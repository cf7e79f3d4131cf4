"""A run killed with SIGKILL finishes when started again: no article lost, none stored twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventcoder.store import EventStore

N_ARTICLES = 60
_COUNTRIES = ["Iran", "Syria", "Turkey", "Russia", "China", "Japan", "France", "Egypt", "Kenya", "India"]


def _corpus(path: Path) -> Path:
    """60 short distinct articles, each with a codable event sentence."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(N_ARTICLES):
            a, b = _COUNTRIES[i % 10], _COUNTRIES[(i * 3 + 1) % 10]
            text = (f"{a} criticized {b} on Monday over the border dispute, officials said in report {i}. "
                    f"The foreign ministry of {a} said talks with {b} would continue next week. "
                    f"Diplomats from both countries met in Geneva on Sunday to discuss trade and security.")
            out.write(json.dumps({"id": f"r{i}", "title": f"Report {i}", "date": "2021-03-02", "text": text}) + "\n")
    return path


def _cmd(corpus: Path, db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "eventcoder", "code", str(corpus), "--db", str(db), "--batch-size", "4", "--quiet", *extra]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _kill_mid_run(cmd: list[str], db: Path, *, workers: bool = False) -> set[int]:
    """Start ``cmd``, SIGKILL it right after its first stored batch; returns its children's pids."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wal = Path(f"{db}.wal")
    deadline = time.monotonic() + 300
    children: set[int] = set()
    baseline, last, steady_since = None, -1, time.monotonic()
    try:  # the WAL grows with the migrations and the run record, stays put while the model loads,
        # then grows with each stored batch: kill at the first growth after the quiet spell
        while time.monotonic() < deadline and proc.poll() is None:
            if workers:
                children.update(_children(proc.pid))
            size = wal.stat().st_size if wal.exists() else -1
            if size != last:
                if baseline is not None and size > baseline:
                    break
                last, steady_since = size, time.monotonic()
            elif size > 0 and baseline is None and time.monotonic() - steady_since > 1.0:
                baseline = size
            time.sleep(0.01)
        if workers:
            children.update(_children(proc.pid))
        assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read().decode()}"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    return children


def _check_complete(db: Path, reference: set[tuple]) -> None:
    with EventStore(db, read_only=True) as store:
        counts = store.query("SELECT count(*) AS n, count(DISTINCT article_id) AS ids FROM articles")[0]
        assert counts == {"n": N_ARTICLES, "ids": N_ARTICLES}
        assert _events(store) == reference
        assert store.query("SELECT count(*) - count(DISTINCT event_id) AS dup FROM events")[0]["dup"] == 0


def _events(store: EventStore) -> set[tuple]:
    rows = store.query("SELECT event_id, article_id, cameo_code, source_code, target_code FROM events")
    return {tuple(r.values()) for r in rows}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The events of one uninterrupted run."""
    base = tmp_path_factory.mktemp("resume-ref")
    corpus = _corpus(base / "wire.jsonl")
    db = base / "ref.duckdb"
    done = subprocess.run(_cmd(corpus, db), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with EventStore(db, read_only=True) as store:
        events = _events(store)
    assert len(events) >= N_ARTICLES
    return corpus, events


def test_sigkilled_run_finishes_on_rerun_without_duplicates(reference, tmp_path):
    corpus, events = reference
    db = tmp_path / "killed.duckdb"
    for attempt in range(1, 4):  # on a busy machine the kill may come before the first batch: kill again
        _kill_mid_run(_cmd(corpus, db), db)
        with EventStore(db) as store:  # reopening replays the WAL: the committed batches are there
            stored = store.counts()["articles"]
            runs = [r["status"] for r in store.runs()]
        if stored:
            break
    assert 0 < stored < N_ARTICLES and stored % 4 == 0  # whole batches only
    assert runs == ["interrupted"] * attempt  # killed runs never finished; a writer opening the file marks them
    rerun = subprocess.run(_cmd(corpus, db), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{N_ARTICLES - stored} articles coded, {stored} already stored" in rerun.stderr
    _check_complete(db, events)
    with EventStore(db, read_only=True) as store:
        assert sorted(r["status"] for r in store.runs()) == ["interrupted"] * attempt + ["ok"]


@pytest.mark.slow
def test_sigkilled_run_with_worker_processes_finishes_and_leaves_no_workers(reference, tmp_path):
    corpus, events = reference
    db = tmp_path / "killed2.duckdb"
    children = _kill_mid_run(_cmd(corpus, db, "--workers", "2"), db, workers=True)
    assert len(children) >= 2  # two workers (and multiprocessing's resource tracker)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in children), "orphaned workers kept running"
    rerun = subprocess.run(_cmd(corpus, db, "--workers", "2"), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    _check_complete(db, events)
