"""`eventcoder serve` as a real process (uvicorn) on a loopback port: read, write with the token, stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import build_examples_store

pytest.importorskip("uvicorn")
pytest.importorskip("pandas")

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "process-token-0123456789"


@pytest.fixture(scope="module")
def db(tmp_path_factory, pipeline) -> Path:
    return build_examples_store(tmp_path_factory.mktemp("process"), pipeline)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, headers: dict[str, str] | None = None, data: bytes | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)


def _serve(db: Path, port: int) -> tuple[subprocess.Popen[bytes], int, bytes]:
    """``eventcoder serve`` on ``port`` with a token: the process and its first /health answer."""
    env = {**os.environ, "EC_TEST_TOKEN": TOKEN}
    proc = subprocess.Popen(
        [sys.executable, "-m", "eventcoder", "serve", "--db", str(db), "--port", str(port), "--token-env",
         "EC_TEST_TOKEN", "--no-access-log", "--log-level", "warning"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    deadline = time.monotonic() + 30
    while True:
        try:
            status, body, _ = _get(f"http://127.0.0.1:{port}/health")
            return proc, status, body
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(f"server did not start: {proc.stderr.read().decode() if proc.poll() is not None else 'timeout'}") from None
            time.sleep(0.2)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_serve_runs_a_real_server_on_loopback(db) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc, status, body = _serve(db, port)
    try:
        assert status == 200 and json.loads(body)["read_only"] is False
        status, body, _ = _get(f"{base}/events?source=IRN&target=SYR")
        assert status == 200 and json.loads(body)["total"] == 3
        status, page, headers = _get(f"{base}/")
        assert status == 200 and b"/static/js/app.js" in page and "default-src 'self'" in headers["content-security-policy"]
        assert _get(f"{base}/static/vendor/world-atlas/countries-110m.json")[0] == 200
        event_id = json.loads(_get(f"{base}/events?source=JPN")[1])["items"][0]["event_id"]
        payload = json.dumps({"action": "confirm", "author": "process test"}).encode()
        url = f"{base}/events/{event_id}/corrections"
        assert _get(url, {"Content-Type": "application/json"}, payload)[0] == 401
        status, body, _ = _get(url, {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}, payload)
        assert status == 201 and json.loads(body)["author"] == "process test"
        status, body, _ = _get(f"{base}/nope")
        assert status == 404 and json.loads(body)["error"]["code"] == "not_found"
    finally:
        _stop(proc)
    assert proc.returncode in (0, -signal.SIGINT)
    log = proc.stderr.read().decode() if proc.stderr else ""
    assert "default page table built before serving" in log, log  # before it listened
    from eventcoder.store import EventStore

    with EventStore.open_reader(db) as store:  # the server let go of the file
        assert store.query("SELECT action, author FROM corrections") == [{"action": "confirm", "author": "process test"}]


@pytest.mark.skipif(not Path("/proc/self/maps").is_file(), reason="reads the process's memory map (Linux)")
def test_serve_loads_the_analysis_libraries_before_it_listens(db) -> None:
    """Loaded by the first /series instead, pandas held the interpreter lock for 0.35 s of CPU
    while every request in flight waited: the server has it in memory when it first answers."""
    proc, status, _ = _serve(db, _free_port())
    try:
        assert status == 200  # the first request it answers
        maps = Path(f"/proc/{proc.pid}/maps").read_text()
        assert f"pandas{os.sep}_libs" in maps, "pandas was not loaded before the server listened"
    finally:
        _stop(proc)
