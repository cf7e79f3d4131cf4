"""``kill -9`` of ``eventcoder code --workers 2`` (issue 16): workers die with the run, and the next
run finishes both the coding and the linking — every article once, every event linked."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLES

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
