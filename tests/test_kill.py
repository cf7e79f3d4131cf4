"""``kill -9`` of ``eventcoder code --workers 2`` (issue 16): workers die with the run, and the next
run finishes both the coding and the linking — every article once, every event linked."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import EXAMPLES
from eventcoder.ingest import read_inputs
from eventcoder.records import Article
from eventcoder.settings import Settings
from eventcoder.store import EventStore

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")

INPUTS = [EXAMPLES / "articles", Path(__file__).parent / "fixtures" / "linking" / "wire.jsonl"]
GRACE = 3.0  # seconds a killed run's worker processes may take to go
SEED = 16


def _cmd(db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "eventcoder", "code", *map(str, INPUTS), "--db", str(db), "--quiet", *extra]


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of a process, None when there is none."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), fields[0], int(fields[19])


def _workers(parent: int) -> dict[int, int]:
    """The multiprocessing children of ``parent`` (workers and resource tracker): pid → start time."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        stat = _stat(int(entry.name))
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if stat and stat[0] == parent and b"multiprocessing" in cmdline:
            found[int(entry.name)] = stat[2]
    return found


def _alive(procs: dict[int, int]) -> list[int]:
    """Those of ``procs`` still running (the same process, not a zombie, not a reused pid)."""
    return [pid for pid, started in procs.items() if (s := _stat(pid)) and s[2] == started and s[1] != "Z"]


def _kill(proc: subprocess.Popen, procs: dict[int, int]) -> float:
    """SIGKILL the run; return the seconds until its worker processes are gone (fails after GRACE)."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return _workers_gone(procs)


def _workers_gone(procs: dict[int, int]) -> float:
    """Seconds until ``procs`` of a run just killed are gone (fails after GRACE)."""
    killed = time.monotonic()
    while _alive(procs) and time.monotonic() - killed < GRACE + 5:
        time.sleep(0.05)
    gone = time.monotonic() - killed
    left = _alive(procs)
    for pid in left:  # do not leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert not left and gone <= GRACE, f"worker processes {left} outlived the killed run by {gone:.1f} s"
    return gone


def _start(db: Path) -> subprocess.Popen:
    return subprocess.Popen(_cmd(db, "--workers", "2", "--batch-size", "2"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _await_workers(proc: subprocess.Popen, n: int = 2, timeout: float = 120) -> dict[int, int]:
    deadline = time.monotonic() + timeout
    procs: dict[int, int] = {}
    while sum(1 for p in procs if b"spawn_main" in _cmdline(p)) < n:
        assert proc.poll() is None, "the run ended before its workers started"
        assert time.monotonic() < deadline, "the workers did not start"
        procs.update(_workers(proc.pid))
        time.sleep(0.02)
    return procs


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _article_ids() -> set[str]:
    return {a.id for a in read_inputs([str(p) for p in INPUTS]) if isinstance(a, Article)}


def _check_complete(db: Path) -> None:
    """Every input article stored once, every event stored once and linked, summaries consistent."""
    with EventStore(db, read_only=True) as store:
        (row,) = store.query("SELECT count(*) AS n, count(DISTINCT article_id) AS ids FROM articles")
        assert row == {"n": len(_article_ids()), "ids": len(_article_ids())}
        (ev,) = store.query(
            "SELECT count(*) AS n, count(DISTINCT event_id) AS ids, "
            "count(*) FILTER (WHERE event_id NOT IN (SELECT event_id FROM event_links WHERE method = 'dyad')) AS unlinked, "
            "(SELECT sum(num_events) FROM linked_events WHERE method = 'dyad') AS in_links FROM events")
        assert ev["n"] == ev["ids"] > 0 and ev["unlinked"] == 0 and ev["in_links"] == ev["n"], ev


def _unlinked(db: Path) -> int:
    with EventStore(db, read_only=True) as store:
        return int(store.query("SELECT count(*) AS n FROM events WHERE event_id NOT IN "
                               "(SELECT event_id FROM event_links WHERE method = 'dyad')")[0]["n"])


def test_workers_die_with_a_killed_run(tmp_path):
    """Killed while its workers load their models: before the fix they lived on until loaded."""
    rng = random.Random(SEED)
    proc = _start(tmp_path / "store.duckdb")
    try:
        procs = _await_workers(proc)
        time.sleep(rng.uniform(0.0, 0.5))
        procs.update(_workers(proc.pid))
        _kill(proc, procs)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()


# A process that dies by SIGKILL inside its link transaction: the links are written, not committed.
_DIE_WHILE_LINKING = """
import os, signal, sys
from eventcoder.store import links

write = links.write_links

def write_then_die(*args, **kwargs):
    write(*args, **kwargs)  # the links are written, the transaction not yet committed
    os.kill(os.getpid(), signal.SIGKILL)

links.write_links = write_then_die
"""
_KILL_WHILE_LINKING = _DIE_WHILE_LINKING + """
from eventcoder.link import link_pending
from eventcoder.store import EventStore
with EventStore(sys.argv[1]) as store:
    link_pending(store)
"""


@pytest.fixture(scope="module")
def coded(tmp_path_factory, pipeline) -> Path:
    """A store with the inputs coded and nothing linked."""
    from eventcoder.run import code_inputs

    path = tmp_path_factory.mktemp("kill") / "coded.duckdb"
    with EventStore(path) as store:
        code_inputs([str(p) for p in INPUTS], settings=Settings(db=str(path), extractor="rules"),
                    store=store, pipeline=pipeline, link=False)
    return path


@pytest.mark.parametrize("finish", ["code", "link"])
def test_a_run_killed_while_linking_is_linked_by_the_next_run(coded, tmp_path, finish):
    db = tmp_path / "store.duckdb"
    db.write_bytes(coded.read_bytes())
    died = subprocess.run([sys.executable, "-c", _KILL_WHILE_LINKING, str(db)], capture_output=True, text=True)
    assert died.returncode == -signal.SIGKILL, died.stderr
    assert _unlinked(db) > 0  # the killed link transaction left nothing behind
    if finish == "code":  # nothing new to code: the run must still link what is pending
        done = subprocess.run(_cmd(db), capture_output=True, text=True, timeout=600)
        assert "0 articles coded" in done.stderr
    else:
        done = subprocess.run([sys.executable, "-m", "eventcoder", "link", "--db", str(db)],
                              capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "events placed" in done.stderr + done.stdout
    _check_complete(db)


@pytest.mark.slow
def test_kill9_at_seeded_points_then_rerun_stores_and_links_everything_once(tmp_path):
    """Kill ``--workers 2`` runs of one store while workers start, while batches are stored and
    while the run closes (after its summary line, printed once it has linked); after each kill the
    workers go, and one more run completes the store. (Inside the link transaction: the next test.)"""
    rng = random.Random(SEED)
    db = tmp_path / "store.duckdb"
    timings = {phase: _kill_at(phase, db, rng) for phase in ("starting", "storing", "closing")}
    done = subprocess.run(_cmd(db, "--workers", "2", "--batch-size", "2"), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    _check_complete(db)
    print(f"seconds until the killed runs' workers were gone: {timings}")


_CODE_KILLED_WHILE_LINKING = _DIE_WHILE_LINKING + """
from eventcoder.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_kill9_of_a_two_worker_run_inside_its_link_transaction(tmp_path):
    """``eventcoder code --workers 2`` killed inside the link transaction (its workers still
    running): the workers go, the events are left unlinked, and the next run links them."""
    db = tmp_path / "store.duckdb"
    code_args = _cmd(db, "--workers", "2", "--batch-size", "2")[3:]  # after "python -m eventcoder"
    proc = subprocess.Popen([sys.executable, "-c", _CODE_KILLED_WHILE_LINKING, *code_args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        procs = _await_workers(proc)
        while proc.poll() is None:
            procs.update(_workers(proc.pid))
            time.sleep(0.02)
        assert proc.returncode == -signal.SIGKILL, proc.stderr.read()[-2000:]
        _workers_gone(procs)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    assert _unlinked(db) > 0  # killed while linking, not after
    done = subprocess.run(_cmd(db, "--workers", "2", "--batch-size", "2"), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "0 articles coded" in done.stderr, done.stderr
    _check_complete(db)


def _kill_at(phase: str, db: Path, rng: random.Random) -> float:
    """Start a run and SIGKILL it in ``phase``; returns the seconds its workers took to go."""
    wal = Path(f"{db}.wal")
    size = lambda: wal.stat().st_size if wal.exists() else 0  # noqa: E731
    proc = _start(db)
    summary = threading.Event()  # the run prints its summary line after it has linked, as it closes

    def read() -> None:
        for line in proc.stderr:
            if "articles coded" in line:
                summary.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        procs: dict[int, int] = {}
        if phase != "closing":  # (the rest may be too little for two workers)
            procs = _await_workers(proc)
        baseline = size()
        while proc.poll() is None:
            procs.update(_workers(proc.pid))
            if phase == "starting" or (phase == "storing" and size() > baseline) or summary.is_set():
                break
            time.sleep(0.01)
        if phase != "closing":
            time.sleep(rng.uniform(0.0, 1.0 if phase == "starting" else 0.3))
            procs.update(_workers(proc.pid))
        assert proc.poll() is None, f"the run ended before the kill ({phase})"
        return _kill(proc, procs)
    finally:
        if proc.poll() is None:
            proc.kill()
        reader.join(timeout=10)
        proc.stderr.close()
