"""Server limits under abuse (issue 16): text search stays linear, bodies are refused before they
are read (chunked or not), series have a bounded number of periods, the Host header is checked,
and readers neither queue behind one lock nor behind a writer.

Real stores (examples/articles/ coded by the real pipeline, copied with new ids for size), the
real app in process (TestClient) and uvicorn on a loopback port for raw HTTP.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("pandas")
uvicorn = pytest.importorskip("uvicorn")
import duckdb  # noqa: E402
from conftest import build_examples_store  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from serving import running  # noqa: E402

TOKEN = "limits-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LIMIT = 64 * 1024  # max_body_bytes of the servers here
LOOPBACK = ("localhost", "127.0.0.1", "::1")


@pytest.fixture(scope="module")
def db(tmp_path_factory, pipeline) -> Path:
    return build_examples_store(tmp_path_factory.mktemp("limits"), pipeline)


def _copy(db: Path, directory: Path, name: str) -> Path:
    target = directory / name
    shutil.copyfile(db, target)
    return target


def _sql(path: Path, *statements: str) -> None:
    con = duckdb.connect(str(path))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


def _client(path: Path, **options) -> TestClient:
    from eventcoder.server import create_app

    return TestClient(create_app(path, **options), raise_server_exceptions=False)


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    assert set(body["error"]) == {"status", "code", "message", "details"}
    return body["error"]


# -- 1. text search --------------------------------------------------------------------------------


def _operators(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> set[str]:
    plan = json.loads(con.execute("EXPLAIN (FORMAT JSON) " + sql, params).fetchall()[0][1])
    names: set[str] = set()
    todo = list(plan)
    while todo:
        node = todo.pop()
        names.add(str(node.get("name", "")))
        todo.extend(node.get("children", []))
    return names


def test_text_search_is_joined_once_not_per_row(db, tmp_path) -> None:
    """The text filter must not be a correlated subquery: DuckDB planned the old one as a cross
    product of every row with every match (10k events: 12 s and 3.8 GB; 50k: out of memory)."""
    from eventcoder.store.datasets import EventFilter, dataset_query

    con = duckdb.connect(str(db), read_only=True)
    try:
        for corrections in (False, True):
            for level in ("linked", "article"):
                sql, params = dataset_query(level=level, filters=EventFilter(text="moscow", corrections=corrections))
                ops = _operators(con, sql, params)
                assert not {o for o in ops if "CROSS_PRODUCT" in o or "NESTED_LOOP" in o or "DELIM" in o}, ops
    finally:
        con.close()


def test_text_search_matches_any_report_of_a_linked_event(db, tmp_path) -> None:
    """A row is kept when any report of its real-world event matches (here Nairobi's arrest is
    linked into Egypt's deployment, so the Egyptian event is reported with 'Nairobi')."""
    path = _copy(db, tmp_path, "linked.duckdb")
    kenya = "(SELECT event_id FROM events WHERE sentence LIKE 'Kenyan police arrested%')"
    egypt_link = ("(SELECT link_id FROM event_links WHERE method = 'dyad' AND event_id = "
                  "(SELECT event_id FROM events WHERE sentence LIKE 'Egypt%'))")
    _sql(path,
         f"DELETE FROM linked_events WHERE link_id = (SELECT link_id FROM event_links WHERE event_id = {kenya})",
         f"UPDATE event_links SET link_id = {egypt_link} WHERE event_id = {kenya}")
    with _client(path) as client:
        linked = client.get("/events", params={"text": "NAIROBI"}).json()
        article = client.get("/events", params={"text": "nairobi", "level": "article"}).json()
        percent = client.get("/events", params={"text": "100%"}).json()
    assert sorted(e["source_country"] or "-" for e in linked["items"]) == ["-", "EGY"]
    assert sorted(e["source_country"] or "-" for e in article["items"]) == ["-", "EGY", "KEN"]
    assert percent["total"] == 0  # "%" is a character, not a wildcard


# -- 2. bodies: auth and size before the body is read --------------------------------------------


class Chunks:
    """A request body sent chunked (no Content-Length), counting the chunks taken."""

    def __init__(self, count: int, size: int) -> None:
        self.count, self.size, self.taken = count, size, 0

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.count):
            self.taken += 1
            yield b"x" * self.size


def test_writes_are_refused_before_the_body_is_read(db, tmp_path) -> None:
    path = _copy(db, tmp_path, "writes.duckdb")
    with _client(path, token=TOKEN, max_body_bytes=LIMIT) as client:
        for headers in ({}, {"Authorization": "Bearer wrong-token-000"}):
            body = Chunks(100, 1024 * 1024)
            r = client.post("/articles", content=body, headers={**headers, "Content-Type": "application/json"})
            assert _error(r, 401)["code"] in ("unauthorized", "invalid_token") and body.taken == 0
            body = Chunks(100, 1024 * 1024)
            r = client.post("/events/abc/corrections", content=body, headers=headers)
            assert r.status_code == 401 and body.taken == 0
        body = Chunks(4, LIMIT // 2)  # over the limit, chunked: no Content-Length to refuse it by
        r = client.post("/articles", content=body, headers={**AUTH, "Content-Type": "application/json"})
        assert _error(r, 413)["code"] == "payload_too_large"
        r = client.post("/articles", content=b"{}", headers={**AUTH, "Content-Length": str(LIMIT + 1)})
        assert _error(r, 413)["code"] == "payload_too_large"
        ok = client.post("/articles", json={"articles": [{"text": "Egypt's army deployed troops near the border."}]},
                         headers=AUTH)
        assert ok.status_code == 200 and ok.json()["results"][0]["status"] in ("coded", "rejected"), ok.text
        assert _error(client.delete("/events"), 405)["code"] == "method_not_allowed"  # not an endpoint: no auth
    with _client(path) as read_only:
        body = Chunks(10, 1024)
        r = read_only.post("/articles", content=body, headers=AUTH)
        assert _error(r, 403)["code"] == "read_only" and body.taken == 0


@pytest.fixture(scope="module")
def live(db, tmp_path_factory, pipeline) -> Iterator[tuple[str, int]]:
    """uvicorn on a loopback port in this process: token, small body limit, loopback hosts."""
    from eventcoder.server import create_app

    path = _copy(db, tmp_path_factory.mktemp("live"), "live.duckdb")
    app = create_app(path, token=TOKEN, max_body_bytes=LIMIT, allowed_hosts=LOOPBACK,
                     pipeline_factory=lambda: pipeline)
    with running(app) as (port, _):
        yield "127.0.0.1", port


def _raw(address: tuple[str, int], head: str, chunks: Iterator[bytes], *, wait: float = 5.0) -> tuple[int, dict, int]:
    """Send ``head`` then chunks (chunked encoding) until the server answers or closes; returns
    (status, JSON body, bytes of body sent)."""
    sent = 0
    with socket.create_connection(address, timeout=wait) as sock:
        sock.sendall(head.encode("latin-1"))
        sock.setblocking(False)
        reply = b""
        for chunk in chunks:
            try:
                reply += sock.recv(65536)
            except BlockingIOError:
                pass
            if reply:
                break
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                break
        sock.setblocking(True)
        sock.settimeout(wait)
        try:
            while b"\r\n\r\n" not in reply or len(reply.split(b"\r\n\r\n", 1)[1]) < _length(reply):
                more = sock.recv(65536)
                if not more:
                    break
                reply += more
        except (TimeoutError, ConnectionResetError):
            pass
    status_line, _, rest = reply.partition(b"\r\n")
    assert status_line, f"no answer after {sent} body bytes"
    body = rest.split(b"\r\n\r\n", 1)[1]
    return int(status_line.split()[1]), json.loads(body[: _length(reply)]), sent


def _length(reply: bytes) -> int:
    for line in reply.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 10**9


def _chunked(host: str, path: str, headers: str = "") -> str:
    return (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Transfer-Encoding: chunked\r\n{headers}\r\n")


def _slow_chunks(count: int, size: int) -> Iterator[bytes]:
    for _ in range(count):
        yield b"x" * size
        time.sleep(0.01)


def test_a_chunked_upload_is_answered_before_it_is_sent_over_http(live) -> None:
    host = f"127.0.0.1:{live[1]}"
    status, body, sent = _raw(live, _chunked(host, "/articles"), _slow_chunks(400, 64 * 1024))
    assert (status, body["error"]["code"]) == (401, "unauthorized") and sent < 2 * 1024 * 1024
    status, body, sent = _raw(live, _chunked(host, "/articles", f"Authorization: Bearer {TOKEN}\r\n"),
                              _slow_chunks(400, 16 * 1024))
    assert (status, body["error"]["code"]) == (413, "payload_too_large") and sent < 2 * 1024 * 1024


# -- 3. series periods ------------------------------------------------------------------------------


def test_series_periods_are_capped_in_the_library_the_api_and_the_cli(db, tmp_path, capsys) -> None:
    from eventcoder import analysis
    from eventcoder.cli import main
    from eventcoder.errors import InputError
    from eventcoder.store import EventStore

    path = _copy(db, tmp_path, "far.duckdb")
    _sql(path, "UPDATE events SET event_date = DATE '2100-01-01' WHERE sentence LIKE 'Bagheri visited%'")
    one_dyad = {"dyad_source": "IRN", "dyad_target": "SYR"}
    with _client(path) as client:
        refused = _error(client.get("/series", params={"by": "day", **one_dyad}), 422)
        assert "29," in refused["message"] and "2020-07-08 to 2100-01-01" in refused["message"]
        assert "coarser period" in refused["message"] and "since/until" in refused["message"]
        assert client.get("/series", params={"by": "week", **one_dyad}).status_code == 200  # 4,147 weeks
        assert client.get("/series", params={"by": "day", "until": "2030-01-01", **one_dyad}).status_code == 200
        assert client.get("/series", params={"by": "day", "fill": "false", **one_dyad}).status_code == 200
        _error(client.get("/series", params={"by": "day", "unit": "country"}), 422)
        _error(client.get("/alerts", params={"by": "day"}), 422)
    _sql(path, "UPDATE events SET event_date = DATE '9999-12-31' WHERE sentence LIKE 'Bagheri visited%'")
    with EventStore.open_reader(path) as store:
        for by in ("day", "week", "month"):
            with pytest.raises(InputError, match=f"{by}s, from"):
                analysis.dyad_series(store, by=by)
        assert len(analysis.dyad_series(store, by="year", dyad=("IRN", "SYR"))) == 9999 - 2020 + 1
    assert main(["series", "--db", str(path), "--by", "month"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("eventcoder: error: the series would have 95,") and "over the limit of 20,000" in err


# -- 4. the Host header -----------------------------------------------------------------------------


def test_the_host_header_must_name_the_server(db, tmp_path) -> None:
    path = _copy(db, tmp_path, "hosts.duckdb")
    with _client(path, allowed_hosts=LOOPBACK) as client:
        for host in ("localhost", "localhost:8000", "127.0.0.1:9", "[::1]:8000", "LOCALHOST"):
            assert client.get("/health", headers={"Host": host}).status_code == 200, host
        for host in ("evil.example", "evil.example:8000", "localhost.evil.example", "127.0.0.2", "", "[::2]"):
            refused = _error(client.get("/events", headers={"Host": host}), 400)
            assert refused["code"] == "host_not_allowed", host
        r = client.get("/", headers={"Host": "attacker.example"})
        assert r.status_code == 400 and "default-src 'self'" in r.headers["content-security-policy"]
    with _client(path, allowed_hosts=["*.example.org", "api.test"]) as client:
        assert client.get("/health", headers={"Host": "a.example.org"}).status_code == 200
        assert client.get("/health", headers={"Host": "api.test:443"}).status_code == 200
        assert client.get("/health", headers={"Host": "example.org.evil"}).status_code == 400
    with _client(path) as client:  # the library default: no check (in-process clients)
        assert client.get("/health").status_code == 200


def test_serve_defaults_to_loopback_hosts_and_requires_a_list_elsewhere(db, tmp_path, monkeypatch, capsys) -> None:
    from eventcoder.cli import main

    served = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append((app, options)))
    path = _copy(db, tmp_path, "serve.duckdb")
    assert main(["serve", "--db", str(path), "--allowed-hosts", "events.example.org,[::1]"]) == 0
    assert served[-1][0].state.eventcoder.allowed_hosts == ("events.example.org", "::1")
    assert main(["serve", "--db", str(path)]) == 0
    app = served[-1][0]
    assert app.state.eventcoder.allowed_hosts == ("localhost", "127.0.0.1", "::1")
    with TestClient(app, raise_server_exceptions=False) as client:
        assert _error(client.get("/health", headers={"Host": "rebind.attacker.example"}), 400)
        assert client.get("/health", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert main(["serve", "--db", str(path), "--host", "0.0.0.0"]) == 2
    assert "--allowed-hosts" in capsys.readouterr().err
    assert main(["serve", "--db", str(path), "--host", "0.0.0.0", "--allowed-hosts", "*"]) == 0
    assert served[-1][0].state.eventcoder.allowed_hosts == ("*",)
    assert len(served) == 3


# -- 5. readers run in parallel -------------------------------------------------------------------


def _held(context, seconds: float) -> threading.Thread:
    """A thread that enters ``context`` and stays inside for ``seconds``."""
    entered = threading.Event()

    def hold() -> None:
        with context:
            entered.set()
            time.sleep(seconds)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert entered.wait(5)
    return thread


def test_readers_do_not_wait_for_a_writer_or_each_other(db, tmp_path) -> None:
    path = _copy(db, tmp_path, "parallel.duckdb")
    with _client(path, token=TOKEN) as client:
        state = client.app.state.eventcoder
        event_id = client.get("/events", params={"page_size": 1}).json()["items"][0]["event_id"]
        for context in (state.writing(), state.reading()):
            holder = _held(context, 3.0)
            started = time.perf_counter()
            assert client.get("/health").status_code == 200
            assert client.get("/events", params={"text": "talks"}).json()["total"] >= 1
            assert client.get(f"/events/{event_id}").status_code == 200
            assert time.perf_counter() - started < 1.5
            holder.join()


def test_short_reads_are_bounded_and_analyses_do_not_take_their_slots(db, tmp_path) -> None:
    from eventcoder.server.state import READ_SLOTS

    path = _copy(db, tmp_path, "slots.duckdb")
    with _client(path, token=TOKEN) as client:
        state = client.app.state.eventcoder
        holders = [_held(state.reading(), 2.0) for _ in range(READ_SLOTS)]  # every short-read slot taken
        with state.reading(heavy=True) as store:  # an analysis still reads at once
            assert store.counts()["events"] >= 1
        assert client.get("/health").status_code == 200  # no store read, no slot
        started = time.perf_counter()
        assert client.get("/events", params={"page_size": 1}).status_code == 200  # waits for a slot
        assert time.perf_counter() - started > 0.5
        for holder in holders:
            holder.join()


def test_concurrent_reads_and_writes_over_http_give_no_server_error(live) -> None:
    import urllib.request

    base = f"http://127.0.0.1:{live[1]}"
    event_id = json.loads(urllib.request.urlopen(f"{base}/events?page_size=1", timeout=10).read())["items"][0]["event_id"]
    paths = ["/health", "/events", "/events?text=agreement", f"/events/{event_id}", "/stats", "/series?by=month"]
    statuses: list[int] = []

    def client(n: int) -> None:
        for i in range(12):
            if n == 0 and i % 4 == 0:
                request = urllib.request.Request(
                    f"{base}/events/{event_id}/corrections", method="POST", headers={**AUTH, "Content-Type": "application/json"},
                    data=json.dumps({"action": "confirm", "author": f"load {i}"}).encode())
            else:
                request = urllib.request.Request(base + paths[(n + i) % len(paths)])
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses.append(response.status)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(statuses) == 96 and set(statuses) <= {200, 201}


# -- answers kept between requests, analyses one at a time --------------------------------------


def test_kept_answers_are_dropped_on_write_and_computed_once_for_concurrent_asks() -> None:
    from eventcoder.server.cache import AnswerCache

    cache = AnswerCache(max_bytes=10, max_entry=6)
    calls: list[str] = []

    def slow(value: str) -> str:
        calls.append(value)
        time.sleep(0.2)
        return value

    threads = [threading.Thread(target=cache.get, args=("k", lambda: slow("v1"), len)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["v1"] and cache.get("k", lambda: "other", len) == "v1"
    cache.invalidate()
    assert cache.get("k", lambda: "v2", len) == "v2"
    assert cache.get("big", lambda: "x" * 7, len) == "x" * 7 and cache.get("big", lambda: "fresh", len) == "fresh"
    cache.get("a", lambda: "aaaaa", len)  # over the 10-byte budget: the least recently used goes
    assert cache.get("k", lambda: "gone", len) == "gone"

    def racing() -> str:  # a write lands while this answer is computed: it must not be kept
        cache.invalidate()
        return "stale"

    assert cache.get("r", racing, len) == "stale" and cache.get("r", lambda: "new", len) == "new"


def test_answers_follow_writes_and_analyses_wait_for_a_slot(db, tmp_path, monkeypatch) -> None:
    import eventcoder.server.state as server_state

    path = _copy(db, tmp_path, "kept.duckdb")
    with _client(path, token=TOKEN) as client:
        state = client.app.state.eventcoder
        first = client.get("/events", params={"page_size": 1}).json()["items"][0]
        assert first["correction"] is None
        r = client.post(f"/events/{first['event_id']}/corrections", json={"action": "wrong", "author": "t"}, headers=AUTH)
        assert r.status_code == 201, r.text
        again = client.get("/events", params={"page_size": 1, "corrections": "ignore"}).json()["items"][0]
        assert again["event_id"] == first["event_id"] and again["correction"]["action"] == "wrong"
        assert client.get(f"/events/{first['event_id']}").json()["corrected"] is None  # marked wrong
        monkeypatch.setattr(server_state, "HEAVY_WAIT", 0.2)
        holder = _held(state.heavy(), 2.0)
        busy = client.get("/series", params={"by": "year"})
        assert _error(busy, 503)["code"] == "busy" and busy.headers["retry-after"] == "5"
        assert client.get("/events", params={"text": "talks"}).status_code == 200  # reads go on
        holder.join()
        assert client.get("/series", params={"by": "year"}).status_code == 200


def test_pages_from_the_kept_id_order_equal_pages_read_with_limit(db) -> None:
    from eventcoder.server.cache import AnswerCache
    from eventcoder.server.params import Dataset
    from eventcoder.server.routes_events import Sort, query_events
    from eventcoder.store import EventStore
    from eventcoder.store.datasets import EventFilter

    cache = AnswerCache()
    with EventStore.open_reader(db) as store:
        for filters in (EventFilter(), EventFilter(text="Iran")):
            ds = Dataset(level="linked", method="dyad", filters=filters)
            for sort in (Sort.date_desc, Sort.goldstein, Sort.source, Sort.mentions_desc):
                for page in (1, 2, 3):
                    plain = query_events(store, ds, sort=sort, page=page, page_size=4)
                    kept = query_events(store, ds, sort=sort, page=page, page_size=4, cache=cache)
                    assert kept == plain, (filters, sort, page)
    assert any(key.startswith("order\x00") for key in cache._entries)  # the order was kept and reused


def test_kept_rows_serve_later_pages_sorts_and_filters_without_reading_the_store(db, monkeypatch) -> None:
    """A page that misses reads its rows and those of the pages after it in one query; the rows
    are kept per level, method and corrections, so other pages, sorts and filters read no rows."""
    import eventcoder.server.pages as pages
    from eventcoder.server.cache import AnswerCache
    from eventcoder.server.params import Dataset
    from eventcoder.server.routes_events import Sort, query_events
    from eventcoder.store import EventStore
    from eventcoder.store.datasets import EventFilter

    everything = Dataset(level="linked", method="dyad", filters=EventFilter())
    iran = Dataset(level="linked", method="dyad", filters=EventFilter(text="Iran"))
    cache = AnswerCache()
    with EventStore.open_reader(db) as store:
        plain = {(ds, sort, page): query_events(store, ds, sort=sort, page=page, page_size=2)
                 for ds in (everything, iran) for sort in (Sort.date_desc, Sort.goldstein) for page in (1, 2, 3)}
        first = query_events(store, everything, sort=Sort.date_desc, page=1, page_size=2, cache=cache)
        assert first == plain[(everything, Sort.date_desc, 1)] and first["total"] > 6
        kept = [k for k in cache._entries if k.startswith("row\x00")]
        assert len(kept) == first["total"]  # the whole result (under READ_AHEAD) in the first read

        def no_read(*args: object) -> None:
            raise AssertionError("rows read again")

        monkeypatch.setattr(pages, "_read_items", no_read)
        for (ds, sort, page), expected in plain.items():
            assert query_events(store, ds, sort=sort, page=page, page_size=2, cache=cache) == expected
        assert not any(k.startswith("count\x00") for k in cache._entries)  # totals are the kept orders' lengths


def test_pages_past_a_cut_order_are_read_with_limit_and_counted(db, monkeypatch) -> None:
    """Only the first ORDER_CACHE_MAX ids of an order are kept: a page inside them is a slice, a
    page past them is read with LIMIT, and the total is counted."""
    import eventcoder.server.pages as pages
    from eventcoder.server.cache import AnswerCache
    from eventcoder.server.params import Dataset
    from eventcoder.server.routes_events import Sort, query_events
    from eventcoder.store import EventStore
    from eventcoder.store.datasets import EventFilter

    monkeypatch.setattr(pages, "ORDER_CACHE_MAX", 3)
    ds = Dataset(level="article", method="dyad", filters=EventFilter())
    cache = AnswerCache()
    with EventStore.open_reader(db) as store:
        for sort in (Sort.date, Sort.source):
            for page in (1, 2, 3, 4, 5):
                plain = query_events(store, ds, sort=sort, page=page, page_size=2)
                assert query_events(store, ds, sort=sort, page=page, page_size=2, cache=cache) == plain, (sort, page)
    assert plain["total"] > 6 and any(k.startswith("count\x00") for k in cache._entries)


def _corrected(db: Path, tmp_path: Path) -> Path:
    """A copy of ``db`` with corrections in force: one event marked wrong, two changed (CAMEO code,
    so its Goldstein score and root too, and the source actor)."""
    path = _copy(db, tmp_path, "corrected.duckdb")
    with _client(path, token=TOKEN) as client:
        first = client.get("/events", params={"page_size": 3, "sort": "goldstein"}).json()["items"]
        ids = [e["event_id"] for e in first]
        for event_id, body in zip(ids, ({"action": "wrong"}, {"action": "change", "changes": {"cameo_code": "040"}},
                                        {"action": "change", "changes": {"source_code": "ZZZ", "source_name": "Z"}}),
                                  strict=True):
            r = client.post(f"/events/{event_id}/corrections", json={"author": "t", **body}, headers=AUTH)
            assert r.status_code == 201, r.text
    return path


@pytest.mark.parametrize("rows_table_max", [100_000, 0])
def test_orders_and_rows_from_the_dataset_table_equal_those_of_the_joined_dataset(db, tmp_path, monkeypatch,
                                                                                  rows_table_max) -> None:
    """With the cache, a new order is sorted from the dataset's table (one per level, method and
    corrections, in an in-memory database) and rows are read from it: every page of every sort
    and filter (text, actor, country, CAMEO, dates, corrections applied or ignored, both levels)
    equals the page read from the joined dataset with LIMIT and no cache. Over ROWS_TABLE_MAX
    events the table holds the sort keys alone and rows come from the store, equal too."""
    from datetime import date

    import eventcoder.server.pages as pages
    from eventcoder.server.cache import AnswerCache
    from eventcoder.server.params import Dataset
    from eventcoder.server.routes_events import Sort, query_events
    from eventcoder.store import EventStore
    from eventcoder.store.datasets import EventFilter

    monkeypatch.setattr(pages, "ROWS_TABLE_MAX", rows_table_max)
    filters = [EventFilter(corrections=True), EventFilter(), EventFilter(text="Iran", corrections=True),
               EventFilter(actors=("IRN",), corrections=True), EventFilter(countries=("SYR", "TUR"), corrections=True),
               EventFilter(cameo=("04", "19"), since=date(2020, 1, 1)),
               EventFilter(sources=("IRN",), text="talks")]
    datasets = [Dataset(level=level, method="dyad", filters=f) for f in filters for level in ("linked", "article")]
    cache = AnswerCache()
    with EventStore.open_reader(_corrected(db, tmp_path)) as store:
        plain = {(ds, sort, page): query_events(store, ds, sort=sort, page=page, page_size=3)
                 for ds in datasets for sort in Sort for page in (1, 2, 5)}
        for ds in datasets:  # the tables, built before the store's own order and row reads are refused
            assert pages.dataset_table(store, ds, cache).rows is (rows_table_max > 0)

        def refused(*args: object, **kwargs: object) -> None:
            raise AssertionError("read from the joined dataset")

        monkeypatch.setattr(pages, "_ordered_ids", refused)
        if rows_table_max:
            monkeypatch.setattr(pages, "dataset_query", refused)
        for (ds, sort, page), expected in plain.items():
            assert query_events(store, ds, sort=sort, page=page, page_size=3, cache=cache) == expected, (ds, sort, page)
    assert sum(p["total"] for (_, _, page), p in plain.items() if page == 1) > 100
    assert any(p["items"] and p["items"][0]["correction"] for p in plain.values())  # corrections shown


def test_the_dataset_table_follows_writes_and_pages_need_no_reader_when_kept(db, tmp_path, monkeypatch) -> None:
    """A write drops the kept tables: the next page sorts the corrected values, and the table it
    builds replaces those of earlier writes. A page whose order and rows are kept is answered
    without a reader (no slot taken, no store read)."""
    from eventcoder.server.pages import SCRATCH

    path = _copy(db, tmp_path, "table.duckdb")
    with _client(path, token=TOKEN) as client:
        state = client.app.state.eventcoder

        def tables() -> list[str]:
            return [r[0] for r in state.store.connection.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [SCRATCH]).fetchall()]

        lowest = client.get("/events", params={"sort": "goldstein", "page_size": 1}).json()["items"][0]
        built = tables()
        assert len(built) == 1
        r = client.post(f"/events/{lowest['event_id']}/corrections", headers=AUTH,
                        json={"action": "change", "author": "t", "changes": {"cameo_code": "057"}})  # Goldstein 8
        assert r.status_code == 201, r.text
        top = client.get("/events", params={"sort": "-goldstein", "page_size": 1}).json()["items"][0]
        assert top["event_id"] == lowest["event_id"] and top["goldstein"] > lowest["goldstein"]
        assert len(tables()) == 1 and tables() != built  # rebuilt after the write, the old one dropped
        read = client.get("/events", params={"sort": "-goldstein", "page": 3, "page_size": 7}).json()

        after = client.get("/events", params={"sort": "-goldstein", "page": 4, "page_size": 7}).json()

        def no_reader(self: object, **kwargs: object) -> None:
            raise AssertionError("a reader was taken")

        monkeypatch.setattr(type(state), "reading", no_reader)
        for page, expected in ((3, read), (4, after)):  # new answers (another query string), kept order and rows
            again = client.get("/events", params={"sort": "-goldstein", "page": page, "page_size": 7,
                                                  "level": "linked"})
            assert again.status_code == 200 and again.json() == expected


def test_the_default_page_table_is_built_before_serving_and_pages_equal_the_joined_dataset(db, tmp_path,
                                                                                         monkeypatch) -> None:
    """``eventcoder serve`` builds the default dataset's table, its order and first rows in every
    sort before it listens (``warm_default_page``; by date only over ``WARM_SORTS_MAX_EVENTS``):
    the first /events pages then read no joined dataset and equal the pages read from it without
    a cache; a write still rebuilds the table. An empty store, or one over the bound, starts
    without it and answers."""
    import eventcoder.server.pages as pages
    from eventcoder.server.params import dataset_params
    from eventcoder.server.routes_events import Sort, query_events
    from eventcoder.store import EventStore

    path = _copy(db, tmp_path, "warm.duckdb")
    ds = dataset_params()
    with EventStore.open_reader(path) as store:
        expected = {(sort, page): query_events(store, ds, sort=sort, page=page, page_size=4)
                    for sort in Sort for page in (1, 3)}
    with _client(path, token=TOKEN) as client:
        state = client.app.state.eventcoder
        note = pages.warm_default_page(state.store, state.cache)
        assert note.startswith("default page table built before serving") and f"{len(Sort)} sorts" in note
        for sort in Sort:  # the first page of every sort is kept
            assert pages.kept_page(ds, sort=sort, page=1, page_size=50, cache=state.cache) is not None, sort

        def tables() -> list[str]:
            return [r[0] for r in state.store.connection.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [pages.SCRATCH]).fetchall()]

        built = tables()
        assert len(built) == 1
        assert pages.kept_page(ds, sort=Sort.date_desc, page=1, page_size=50, cache=state.cache) is not None

        def refused(*args: object, **kwargs: object) -> None:
            raise AssertionError("read from the joined dataset")

        with monkeypatch.context() as m:
            m.setattr(pages, "_ordered_ids", refused)
            m.setattr(pages, "dataset_query", refused)
            for (sort, page), want in expected.items():
                got = client.get("/events", params={"sort": sort.value, "page": page, "page_size": 4})
                assert got.status_code == 200 and got.json() == want, (sort, page)
        assert tables() == built  # the same table served them all
        event_id = expected[(Sort.date_desc, 1)]["items"][0]["event_id"]
        r = client.post(f"/events/{event_id}/corrections", headers=AUTH, json={"action": "wrong", "author": "t"})
        assert r.status_code == 201, r.text
        after = client.get("/events").json()
        assert after["total"] == expected[(Sort.date_desc, 1)]["total"] - 1
        assert event_id not in {e["event_id"] for e in after["items"]}
        assert len(tables()) == 1 and tables() != built  # rebuilt after the write, the warmed one dropped
        assert pages.warm_default_page(state.store, state.cache, max_events=1).startswith(
            "default page table not built before serving")  # over the bound: nothing built
        state.cache.invalidate()
        assert "1 sort in" in pages.warm_default_page(state.store, state.cache, all_sorts_max=1)
        assert pages.kept_page(ds, sort=Sort.date_desc, page=1, page_size=50, cache=state.cache) is not None
        assert pages.kept_page(ds, sort=Sort.goldstein, page=1, page_size=50, cache=state.cache) is None
    empty = tmp_path / "empty.duckdb"
    EventStore(empty).close()
    with _client(empty) as client:
        state = client.app.state.eventcoder
        assert "empty store" in pages.warm_default_page(state.store, state.cache)
        assert client.get("/health").status_code == 200
        assert client.get("/events").json()["total"] == 0


_ONE = "(SELECT min(event_id) FROM event_links WHERE method = 'dyad')"  # the first dyad-linked event


def _grow_linked_event(path: Path, *more: str) -> None:
    """The first dyad-linked event's link gets 250 more members (dates spread over a week) and a
    second linking method, "other", with that event and 10 of them; then the ``more`` statements."""
    one = _ONE
    _sql(path,
         f"INSERT INTO events SELECT e.* REPLACE (e.event_id || '-' || lpad(r.i::VARCHAR, 3, '0') AS event_id, "
         f"e.event_date + CAST(r.i % 7 AS INTEGER) AS event_date) FROM events e, range(250) r(i) WHERE e.event_id = {one}",
         f"INSERT INTO event_links SELECT 'dyad', e.event_id, (SELECT link_id FROM event_links WHERE event_id = {one}) "
         f"FROM events e WHERE starts_with(e.event_id, {one} || '-')",
         f"INSERT INTO linked_events SELECT k.* REPLACE ('other' AS method) FROM linked_events k JOIN event_links l "
         f"USING (method, link_id) WHERE l.event_id = {one}",
         f"INSERT INTO event_links SELECT 'other', e.event_id, l.link_id FROM events e, event_links l "
         f"WHERE l.event_id = {one} AND (e.event_id = {one} OR e.event_id LIKE {one} || '-00%') AND l.method = 'dyad'",
         *more)


def test_an_event_lists_each_of_its_linked_events_with_its_first_200_members(db, tmp_path) -> None:
    """/events/{id} reads every method's linked event and members in one query: members in date
    then id order, at most 200 a linked event, methods in name order."""
    path = _copy(db, tmp_path, "members.duckdb")
    one = _ONE
    _grow_linked_event(path)
    con = duckdb.connect(str(path), read_only=True)
    try:
        event_id = str(con.execute(f"SELECT {one}").fetchone()[0])  # type: ignore[index]
        expected = {}
        for method in ("dyad", "other"):
            rows = con.execute(
                "SELECT e.event_id, e.event_date FROM event_links l JOIN events e USING (event_id) "
                "WHERE l.method = ? AND l.link_id = (SELECT link_id FROM event_links WHERE method = ? AND event_id = ?) "
                "ORDER BY e.event_date, e.event_id LIMIT 200", [method, method, event_id]).fetchall()
            expected[method] = [(i, d.isoformat()) for i, d in rows]
    finally:
        con.close()
    with _client(path) as client:
        linked = client.get(f"/events/{event_id}").json()["linked"]
    assert [k["method"] for k in linked] == ["dyad", "other"]
    for k in linked:
        assert [(m["event_id"], m["event_date"]) for m in k["members"]] == expected[k["method"]]
        assert set(k) == {"method", "link_id", "rep_event_id", "num_events", "num_mentions", "num_sources",
                          "num_articles", "first_date", "last_date", "members"}
        assert set(k["members"][0]) == {"event_id", "article_id", "event_date", "cameo_code", "trigger",
                                        "headline", "outlet", "url"}
    assert len(expected["dyad"]) == 200 and len(expected["other"]) == 11


def test_an_events_answer_is_read_by_index_and_equals_the_answer_from_the_store_tables(db, tmp_path,
                                                                                     monkeypatch) -> None:
    """/events/{id} reads an event's mentions, linked events and members from lookup tables with
    one-column indexes (``detail.event_lookups``, built at the server's startup; DuckDB reads the
    store's two- and three-column keys by scanning), and the correction in force from the event's
    history. Every event's answer
    equals the one read from the store's tables: corrections changed, retracted, confirmed and
    wrong, a linked event of 250 members, a second linking method, a member and a mention whose
    article is gone. A correction keeps the tables, any other write has them rebuilt; over the
    bound there are none."""
    import eventcoder.server.detail as detail
    from eventcoder.server.rows import correction_full
    from eventcoder.store import EventStore
    from eventcoder.store.corrections import current_corrections

    path = _copy(db, tmp_path, "detail.duckdb")
    one = _ONE
    _grow_linked_event(path,
         # a member and a mention whose article is not stored: left out by both reads
         f"INSERT INTO events SELECT e.* REPLACE ('gone-1' AS event_id, 'no-such-article' AS article_id, "
         f"DATE '1990-01-01' AS event_date) FROM events e WHERE e.event_id = {one}",
         f"INSERT INTO event_links SELECT 'other', 'gone-1', link_id FROM event_links WHERE method = 'other' "
         f"AND event_id = {one}",
         f"INSERT INTO event_mentions SELECT m.* REPLACE ('no-such-article' AS article_id) FROM event_mentions m "
         f"WHERE m.event_id = {one}")
    with EventStore.open_reader(path) as store:
        event_ids = [str(r["event_id"]) for r in store.query("SELECT event_id FROM events ORDER BY event_id")]
        linked = str(store.query(f"SELECT {one} AS e")[0]["e"])
    corrections = {event_ids[1]: [{"action": "change", "changes": {"cameo_code": "040"}}, {"action": "retract"}],
                   event_ids[2]: [{"action": "wrong"}],
                   event_ids[3]: [{"action": "change", "changes": {"source_code": "ZZZ", "source_name": "Z"}}],
                   event_ids[4]: [{"action": "change", "changes": {"cameo_code": "040"}}, {"action": "confirm"}]}
    with _client(path, token=TOKEN) as client:
        for event_id, bodies in corrections.items():
            for body in bodies:
                assert client.post(f"/events/{event_id}/corrections", json={"author": "t", **body},
                                   headers=AUTH).status_code == 201
    with monkeypatch.context() as m:
        m.setattr(detail, "event_lookups", lambda *args, **kwargs: None)
        with _client(path) as client:
            expected = {i: client.get(f"/events/{i}").json() for i in event_ids}
    with EventStore.open_reader(path) as store:
        in_force = current_corrections(store, list(corrections))
    members = {k["method"]: k["members"] for k in expected[linked]["linked"]}
    assert len(members["dyad"]) == 200 and len(members["other"]) == 11
    assert "gone-1" not in {e["event_id"] for e in members["other"]}
    assert expected[linked]["mentions"] and "no-such-article" not in {x["article_id"] for x in expected[linked]["mentions"]}

    with _client(path, token=TOKEN) as client:
        state = client.app.state.eventcoder
        lookups = state.cache.peek("lookups")
        assert isinstance(lookups, detail.EventLookups)  # built at startup, before any request
        with monkeypatch.context() as m:  # the store's tables are not read
            m.setattr(detail, "_LINKED_SQL", "SELECT error('read the store tables')")
            m.setattr(detail, "_MENTIONS_SQL", "SELECT error('read the store tables')")
            for event_id, want in expected.items():
                got = client.get(f"/events/{event_id}")
                assert got.status_code == 200 and got.json() == want, event_id
            for event_id in corrections:
                row = in_force.get(event_id)
                assert expected[event_id]["correction"] == (json.loads(json.dumps(correction_full(row), default=str))
                                                             if row else None)
            assert client.get("/events/no-such-event").status_code == 404
        assert state.cache.peek("lookups") is lookups

        def tables() -> set[str]:
            return {f"{detail.LOOKUPS}.{r[0]}" for r in state.store.connection.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [detail.LOOKUPS]).fetchall()}

        assert tables() == {lookups.heads, lookups.members, lookups.mentions}
        target = event_ids[5]
        assert client.post(f"/events/{target}/corrections", json={"author": "t", "action": "wrong"},
                           headers=AUTH).status_code == 201
        after = client.get(f"/events/{target}").json()
        assert after["correction"]["action"] == "wrong" and after["history"][-1]["action"] == "wrong"
        assert after["linked"] == expected[target]["linked"] and after["mentions"] == expected[target]["mentions"]
        assert state.cache.peek("lookups") is lookups  # a correction changes none of the tables they copy
        with state.writing():  # any other write (as POST /articles) drops them
            pass
        assert state.cache.peek("lookups") is None
        assert client.get(f"/events/{linked}").json() == expected[linked]
        rebuilt = state.cache.peek("lookups")
        assert rebuilt != lookups and tables() == {rebuilt.heads, rebuilt.members, rebuilt.mentions}  # old dropped
        with state.reading() as store:
            assert detail.event_lookups(store, state.cache, max_events=1) is rebuilt  # kept until a write
        state.cache.invalidate()
        with state.reading() as store:
            assert detail.event_lookups(store, state.cache, max_events=1) is None  # over the bound
        assert client.get(f"/events/{linked}").json() == expected[linked]


def test_analyses_over_the_same_filters_build_one_events_frame_until_a_write(db, tmp_path, monkeypatch) -> None:
    from eventcoder import analysis

    built: list[object] = []
    real = analysis.events_frame

    def counting(store, **kwargs):
        built.append(kwargs["filters"])
        return real(store, **kwargs)

    monkeypatch.setattr(analysis, "events_frame", counting)
    path = _copy(db, tmp_path, "frames.duckdb")
    with _client(path, token=TOKEN) as client:
        plain = [client.get("/series", params={"by": "month"}).json(),
                 client.get("/series", params={"by": "year", "unit": "country"}).json(),
                 client.get("/network").json(), client.get("/alerts", params={"by": "day", "all": "true"}).json()]
        assert len(built) == 1  # one frame for the four analyses
        client.get("/series", params={"by": "month", "country": "IRN"})
        assert len(built) == 2  # other filters, another frame
        event_id = client.get("/events", params={"page_size": 1}).json()["items"][0]["event_id"]
        r = client.post(f"/events/{event_id}/corrections", json={"action": "wrong", "author": "t"}, headers=AUTH)
        assert r.status_code == 201, r.text
        after = client.get("/series", params={"by": "month"}).json()
        assert len(built) == 3  # the write dropped the kept frame
    assert sum(r["events"] for r in after["rows"]) == sum(r["events"] for r in plain[0]["rows"]) - 1


def _nice(tid: int) -> int:
    return int(Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()[16])


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="per-thread priorities are Linux's")
def test_serve_lowers_the_priority_of_store_readers_and_not_the_event_loop(db, tmp_path) -> None:
    """With ``reader_nice`` (``eventcoder serve``: READER_NICE) the threads that read the store
    run below the event loop, and DuckDB runs each query in the thread that asks."""
    from eventcoder.server import create_app
    from eventcoder.server.state import lower_priority

    base = _nice(threading.get_native_id())
    app = create_app(_copy(db, tmp_path, "nice.duckdb"), allowed_hosts=LOOPBACK, reader_nice=5)
    with running(app) as (port, loop):
        before = {int(t.name): _nice(int(t.name)) for t in Path("/proc/self/task").iterdir()}
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for path in ("/health", "/events?page_size=3", "/series?by=year", "/health"):
            conn.request("GET", path)
            response = conn.getresponse()
            assert response.status == 200 and response.read()
        conn.close()
        after = {int(t.name): _nice(int(t.name)) for t in Path("/proc/self/task").iterdir()}
        lowered = {tid for tid, nice in after.items() if nice == min(19, base + 5)}
        assert lowered and not lowered & {tid for tid, nice in before.items() if nice == min(19, base + 5)}
        assert _nice(loop.native_id) == base and _nice(threading.get_native_id()) == base  # the loop, this test
        assert app.state.eventcoder.store.connection.execute("SELECT current_setting('threads')").fetchone()[0] == 1

    seen: list[int] = []

    def worker() -> None:
        lower_priority(3)
        lower_priority(1)  # never raised again
        lower_priority(0)
        seen.append(_nice(threading.get_native_id()))

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen == [min(19, base + 3)]


def test_the_load_benchmark_reports_the_slowest_requests_of_each_endpoint(db, tmp_path) -> None:
    """benchmarks/abuse.py on a real server (a small load and abuse): per endpoint, its slowest
    requests with their path, when in the round they were asked and how long they took."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "abuse.py"), "--db", str(_copy(db, tmp_path, "bench.duckdb")),
         "--clients", "2", "--requests", "10", "--body-mb", "1", "--rounds", "1", "--json"],
        capture_output=True, text=True, timeout=300, cwd=root)
    assert done.returncode in (0, 1), done.stderr  # 1: a target missed on a busy machine
    (report,) = json.loads(done.stdout)
    assert sum(e["n"] for e in report["endpoints"].values()) == 20
    for kind, endpoint in report["endpoints"].items():
        slowest = endpoint["slowest"]
        assert 1 <= len(slowest) <= min(8, endpoint["n"])
        assert [s["ms"] for s in slowest] == sorted((s["ms"] for s in slowest), reverse=True)
        assert slowest[0]["ms"] == endpoint["max_ms"]  # both to 0.1 ms
        prefix = {"/events": "/events?page=", "/events?text": "/events?text=", "/events/{id}": "/events/"}.get(kind, kind)
        assert all(s["path"].startswith(prefix) and 0 <= s["at_s"] < report["seconds"] + 1 for s in slowest), slowest
