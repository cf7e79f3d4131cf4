"""Exports stream in bounded memory (issue 16): ``/export`` and ``eventcoder export`` read the
dataset in queries of at most ``DATASET_BATCH_ROWS`` rows and send it in chunks as it is read
(chunked transfer encoding), so the server's peak memory does not grow with the store; the bytes
are those of one sorted query; exports run one at a time, without blocking readers or analyses,
and a client that leaves or stops reading gives its export slot back.

Real stores (examples/articles/ coded by the real pipeline, copied with new ids for size, as
benchmarks/abuse.py builds them), real DuckDB, uvicorn on a loopback port for real HTTP.
"""

from __future__ import annotations

import http.client
import importlib.util
import io
import json
import shutil
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("pandas")
uvicorn = pytest.importorskip("uvicorn")
pq = pytest.importorskip("pyarrow.parquet")
from conftest import build_examples_store  # noqa: E402
from serving import running  # noqa: E402

from eventcoder.export import export_events  # noqa: E402
from eventcoder.store import EventStore  # noqa: E402
from eventcoder.store.datasets import EventFilter, dataset_query  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "export-token-0123456789"
EVENTS = 3000  # events in the copied store
BATCH = 400  # rows per query in these tests (DATASET_BATCH_ROWS is 10,000)
TEXT_FORMATS = ("csv", "jsonl", "phoenix", "icews", "gdelt", "polecat", "plover")


@pytest.fixture(scope="module")
def db(tmp_path_factory, pipeline) -> Path:
    return build_examples_store(tmp_path_factory.mktemp("export-base"), pipeline)


@pytest.fixture(scope="module")
def big(db, tmp_path_factory) -> Path:
    """About ``EVENTS`` events: the examples copied with new ids and dates over ten years (and
    one event dated 9999-12-31), by benchmarks/abuse.py's ``build_store``."""
    spec = importlib.util.spec_from_file_location("abuse_bench", ROOT / "benchmarks" / "abuse.py")
    assert spec is not None and spec.loader is not None
    abuse = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = abuse  # its dataclasses look their module up
    spec.loader.exec_module(abuse)
    path = tmp_path_factory.mktemp("export-big") / "big.duckdb"
    assert abuse.build_store(path, events=EVENTS, base=db) >= EVENTS
    return path


def _single_query_rows(store: EventStore, level: str, filters: EventFilter | None = None) -> list[dict]:
    """The dataset as the export read it before: one sorted query."""
    sql, params = dataset_query(level=level, filters=filters)
    cursor = store.connection.cursor()
    try:
        cursor.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        cursor.close()


def test_the_dataset_is_read_in_queries_of_bounded_rows_in_the_same_order(big) -> None:
    from eventcoder.store.datasets import DatasetReader

    with EventStore.open_reader(big) as store:
        for level in ("linked", "article"):
            reference = _single_query_rows(store, level)
            assert len(reference) > 5 * BATCH
            with DatasetReader(store, level=level, batch_rows=BATCH) as reader:
                assert reader.rows == len(reference)
                assert len(reader.batches) >= len(reference) / BATCH
                cursor = store.connection.cursor()
                fetched = [len(cursor.execute(sql, params).fetchall()) for sql, params in reader.queries()]
                cursor.close()
                assert fetched == [b.rows for b in reader.batches] and max(fetched) <= BATCH
                assert list(reader.iter_rows(fetch=97)) == reference


def test_a_date_with_more_rows_than_a_batch_and_undated_rows_are_cut_by_their_keys(big, tmp_path) -> None:
    import duckdb

    from eventcoder.store.datasets import DatasetReader

    path = tmp_path / "days.duckdb"
    shutil.copyfile(big, path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE events SET event_date = DATE '2020-01-01' WHERE event_id < '6'")
    con.execute("UPDATE events SET event_date = NULL WHERE event_id >= 'd'")
    con.close()
    with EventStore.open_reader(path) as store:
        for level in ("linked", "article"):
            reference = _single_query_rows(store, level)
            with DatasetReader(store, level=level, batch_rows=BATCH) as reader:
                assert max(b.rows for b in reader.batches) <= BATCH
                assert any("unit_id" in b.where and "IS NULL" in b.where for b in reader.batches)
                assert any("unit_id" in b.where and "= ?" in b.where for b in reader.batches)
                assert list(reader.iter_rows()) == reference


def test_an_export_is_many_bounded_chunks_with_the_bytes_of_one_sorted_query(big, tmp_path) -> None:
    from eventcoder.export import export_text, stream_export

    with EventStore.open_reader(big) as store:
        for fmt in TEXT_FORMATS:
            for level in ("linked", "article"):
                whole = "".join(export_text(_single_query_rows(store, level), format=fmt)).encode("utf-8")
                with stream_export(store, format=fmt, level=level, batch_rows=BATCH, chunk_bytes=16_384) as stream:
                    chunks = list(stream.chunks())
                assert b"".join(chunks) == whole, (fmt, level)
                assert len(chunks) >= len(whole) // 20_000 and len(chunks) > 5
                assert all(16_384 <= len(c) < 16_384 + 8_192 for c in chunks[:-1]), (fmt, [len(c) for c in chunks])
                out = tmp_path / f"{fmt}-{level}.out"
                export_events(store, format=fmt, out=str(out), level=level)
                assert out.read_bytes() == whole, (fmt, level)


@contextmanager
def running_store(path: Path, **options) -> Iterator[int]:
    """The server of the store at ``path`` on a free loopback port (``serving.running``)."""
    from eventcoder.server import create_app

    with running(create_app(path, **options)) as (port, _):
        yield port



def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes, int]:
    """(status, headers, body, reads): the body read as it comes, in pieces of up to 64 KB."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        pieces = []
        while piece := response.read1(65536):
            pieces.append(piece)
        return response.status, {k.lower(): v for k, v in response.getheaders()}, b"".join(pieces), len(pieces)
    finally:
        conn.close()


def test_export_over_http_streams_chunked_with_the_bytes_of_one_sorted_query(big, tmp_path, monkeypatch) -> None:
    import eventcoder.store.datasets as datasets

    monkeypatch.setattr(datasets, "DATASET_BATCH_ROWS", BATCH, raising=False)  # (none before: one query)
    path = tmp_path / "http.duckdb"
    shutil.copyfile(big, path)
    cases = [(fmt, level, False) for fmt in TEXT_FORMATS for level in ("linked", "article")]
    cases += [("plover", "linked", True), ("csv", "linked", "corrected"), ("icews", "article", "corrected")]
    got = {}
    with running_store(path, token=TOKEN) as port:
        status, headers, body, _ = _get(port, "/events?page_size=1")
        first = json.loads(body)["items"][0]["event_id"]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", f"/events/{first}/corrections", body=b'{"action": "wrong", "author": "t"}',
                     headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
        assert conn.getresponse().status == 201
        conn.close()
        for fmt, level, extra in cases:
            query = f"/export?format={fmt}&level={level}"  # corrections applied by default
            if extra != "corrected":
                query += "&corrections=ignore"
            if extra is True:
                query += "&plover_lines=true"
            got[fmt, level, extra] = _get(port, query)
        parquet = _get(port, "/export?format=parquet&corrections=ignore")
    with EventStore.open_reader(path) as store:  # the server has let go of it
        for (fmt, level, extra), (status, headers, body, reads) in got.items():
            filters = EventFilter(corrections=True) if extra == "corrected" else None
            out = tmp_path / f"{fmt}-{level}-{extra}{'.jsonl' if extra is True else '.out'}"
            summary = export_events(store, format=fmt, out=str(out), level=level, filters=filters)
            assert status == 200, body[:300]
            assert headers["x-eventcoder-rows"] == str(summary.rows) == str(len(_single_query_rows(store, level, filters)))
            assert body == out.read_bytes(), (fmt, level, extra)
            assert headers.get("transfer-encoding") == "chunked" and "content-length" not in headers
            assert reads > 3, reads  # the body arrived in pieces, not as one buffer
        status, headers, body, _ = parquet
        rows = len(_single_query_rows(store, "linked"))
        assert status == 200 and headers["x-eventcoder-rows"] == str(rows)
        table = pq.read_table(io.BytesIO(body))
        out = tmp_path / "e.parquet"
        export_events(store, format="parquet", out=str(out))
        assert table.equals(pq.read_table(out)) and table.num_rows == rows


def _stalled(port: int, path: str) -> socket.socket:
    """A client that asks for ``path`` and then reads nothing (a small receive buffer)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    return sock


def test_exports_run_one_at_a_time_without_blocking_readers_and_a_stalled_client_lets_go(big, tmp_path,
                                                                                          monkeypatch) -> None:
    monkeypatch.setattr("eventcoder.server.state.HEAVY_WAIT", 0.5)
    monkeypatch.setattr("eventcoder.server.download.STALL_SECONDS", 3.0)
    path = tmp_path / "stall.duckdb"
    shutil.copyfile(big, path)
    with running_store(path) as port:
        held = _stalled(port, "/export?format=jsonl&level=article")  # MBs: more than the socket buffers take
        try:
            time.sleep(0.5)
            status, _, body, _ = _get(port, "/export?format=csv")
            assert status == 503 and b'"busy"' in body  # one export at a time
            assert _get(port, "/events?page_size=5")[0] == 200  # readers go on
            assert _get(port, "/series?by=year")[0] == 200  # and analyses: an export holds no analysis slot
            time.sleep(4.0)  # the stalled download is ended after STALL_SECONDS
            status, headers, body, _ = _get(port, "/export?format=csv")
            assert status == 200 and body.count(b"\n") == int(headers["x-eventcoder-rows"]) + 1
        finally:
            held.close()
        gone = socket.create_connection(("127.0.0.1", port))  # a client that leaves after the headers
        gone.sendall(f"GET /export?format=jsonl HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        assert gone.recv(65536).startswith(b"HTTP/1.1 200")
        gone.close()
        deadline = time.monotonic() + 10
        while (status := _get(port, "/export?format=phoenix")[0]) == 503 and time.monotonic() < deadline:
            pass
        assert status == 200
