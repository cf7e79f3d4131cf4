"""Load and abuse on a real `eventcoder serve` over loopback (issue 16), bounded in time and size.

    python benchmarks/abuse.py [--db STORE] [--events 50000] [--clients 20] [--requests 50] [--json]
    python benchmarks/abuse.py --build OUT.duckdb --events 200000      # only build a store
    python benchmarks/abuse.py --db STORE --text Moscow [--limit-gb 16] # one text search, cold
    python benchmarks/abuse.py --db STORE --export csv,jsonl             # exports one after another, cold

Without ``--db`` a store of ``--events`` events is built first: the bundled examples coded by the
real pipeline, then their rows copied in SQL with new ids (copy ``i`` gets ``md5(id:i)[:16]`` and
dates shifted by ``i mod 3650`` days, ten years), plus one event dated 9999-12-31 (the date that
made ``/series?by=day`` fill 2.9 million days). The server runs as a subprocess on a free loopback
port with a token. While ``--clients`` client processes (``--threads``: threads of this one) send ``--requests`` requests each (keep-alive; a mix
of /events pages, /events?text=, /events/{id}, /series and /health), abuse threads send 100 MB
chunked bodies without a token, oversize bodies with one (declared and chunked), series over the
whole span and broad text searches; a second round repeats the load on the now warm server.
Reported: status codes and p50/p95/max per endpoint and its ``SLOWEST`` slowest requests (path, seconds
into the round when asked, milliseconds), what each abuse got and how many bytes it
sent before the answer (the kernel's socket buffers take a few MB before any server reads), the
server's CPU time and RSS sampled every 50 ms (psutil if installed, else /proc/PID/status), and
the machine's load average. Targets: no 5xx, /events p95 < 500 ms, /health p95 < 50 ms, server
RSS < 1 GB throughout. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import select
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "abuse-benchmark-token-0123456789"
MB = 1024 * 1024
WORDS = ("talks", "Moscow", "agreement", "police", "troops", "grain shipments", "e", "Nairobi protesters",
         "x" * 200, "zzz-no-such-word")
COUNTRIES = ("IRN", "SYR", "TUR", "RUS", "UKR", "JPN", "KOR", "KEN", "EGY", "USA")
SPAN = {"since": "2015-01-01", "until": "2035-12-31"}  # the copies' ten years, not the 9999 outlier
SERIES = ({"by": "month", **SPAN}, {"by": "week", "dyad_source": "IRN", "dyad_target": "SYR", **SPAN},
          {"by": "month", "unit": "country", **SPAN})
SLOWEST = 8  # the slowest requests of each endpoint reported (path, when asked, how long)
MIX = (("/events", 30), ("/events?text", 20), ("/events/{id}", 20), ("/series", 10), ("/health", 20))


# -- the store ----------------------------------------------------------------------------------------

def _new_id(column: str) -> str:
    return f"substr(md5({column} || ':' || r.i), 1, 16)"


def _shift(column: str) -> str:
    return f"CAST({column} + to_days(CAST(r.i % 3650 AS INTEGER)) AS DATE)"


_COPIES: dict[str, str] = {
    "articles": f"src.* REPLACE ({_new_id('article_id')} AS article_id)",
    "events": f"src.* REPLACE ({_new_id('event_id')} AS event_id, {_new_id('article_id')} AS article_id, "
              f"{_shift('event_date')} AS event_date)",
    "event_mentions": f"src.* REPLACE ({_new_id('event_id')} AS event_id, {_new_id('article_id')} AS article_id)",
    "event_links": f"src.* REPLACE ({_new_id('event_id')} AS event_id, {_new_id('link_id')} AS link_id)",
    "linked_events": (
        f"src.* REPLACE ({_new_id('link_id')} AS link_id, {_new_id('rep_event_id')} AS rep_event_id, "
        f"{_shift('event_date')} AS event_date, {_shift('first_date')} AS first_date, "
        f"{_shift('last_date')} AS last_date, array_to_string(list_transform(regexp_split_to_array("
        f"article_ids, '[;, ]+'), lambda x: substr(md5(x || ':' || r.i), 1, 16)), ';') AS article_ids)"),
}


def build_store(out: Path, *, events: int, base: Path | None = None, far_date: bool = True) -> int:
    """A store of at least ``events`` events at ``out`` (replaced): ``base`` (default: the bundled
    examples, coded now) copied with new ids; returns the number of events."""
    out.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if base is None:
            base = Path(tmp) / "base.duckdb"
            subprocess.run([sys.executable, "-m", "eventcoder", "code", str(ROOT / "examples" / "articles"),
                            "--db", str(base)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.copyfile(base, out)
    con = duckdb.connect(str(out))
    try:
        per_copy = int(con.execute("SELECT count(*) FROM events").fetchone()[0])  # type: ignore[index]
        con.execute("DELETE FROM corrections")
        for table, columns in _COPIES.items():
            con.execute(f"CREATE TEMP TABLE src AS SELECT * FROM {table}")
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} SELECT {columns} FROM src, (SELECT range AS i FROM range(?)) r",
                        [-(-events // max(per_copy, 1))])
            con.execute("DROP TABLE src")
        if far_date:
            con.execute("UPDATE events SET event_date = DATE '9999-12-31' WHERE event_id = (SELECT min(event_id) FROM events)")
        con.execute("CHECKPOINT")
        return int(con.execute("SELECT count(*) FROM events").fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


# -- the server ---------------------------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (/proc/PID/stat, Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _status_mb(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _rss_mb(pid: int) -> float:
    try:
        import psutil  # type: ignore[import-untyped]

        return float(psutil.Process(pid).memory_info().rss) / MB
    except ImportError:
        return _status_mb(pid, "VmRSS")


def _limit_memory(gb: float | None) -> Callable[[], None] | None:
    if gb is None:
        return None
    import resource

    def limit() -> None:  # in the server process: its address space, so a runaway query fails there
        resource.setrlimit(resource.RLIMIT_AS, (int(gb * 1024 * MB), int(gb * 1024 * MB)))
    return limit


@dataclass
class Server:
    db: Path
    limit_gb: float | None = None
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    rss: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Server:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "eventcoder", "serve", "--db", str(self.db), "--port", str(self.port),
             "--token-env", "ABUSE_TOKEN", "--no-access-log", "--log-level", "error"],
            env={**os.environ, "ABUSE_TOKEN": TOKEN}, cwd=ROOT, stderr=subprocess.PIPE,
            preexec_fn=_limit_memory(self.limit_gb))
        deadline = time.monotonic() + 60
        while True:
            try:
                if request(self.port, "/health")[0] == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start: {self.proc.stderr.read().decode() if self.proc.stderr else ''}")
            time.sleep(0.2)
        threading.Thread(target=self._sample, daemon=True).start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set() and self.proc is not None and self.proc.poll() is None:
            self.rss.append(_rss_mb(self.proc.pid))
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def request(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if own:
            conn.close()


# -- the load -----------------------------------------------------------------------------------------

def _path(kind: str, rng: random.Random, ids: list[str]) -> str:
    if kind == "/events":
        query = {"page": rng.randint(1, 10), "sort": rng.choice(["-date", "goldstein", "-mentions", "source"])}
        if rng.random() < 0.5:
            query["country"] = rng.choice(COUNTRIES)
    elif kind == "/events?text":
        query = {"text": rng.choice(WORDS), "page": rng.randint(1, 3)}
    elif kind == "/events/{id}":
        return f"/events/{rng.choice(ids)}"
    elif kind == "/series":
        query = dict(rng.choice(SERIES))
    else:
        return "/health"
    return kind.split("?")[0] + "?" + urllib.parse.urlencode(query)


Result = tuple[str, int, float, str, float]  # kind, status, ms, path, seconds from the round's start to the ask


def _client(port: int, ids: list[str], per_client: int, seed: int, zero: float) -> list[Result]:
    """One client: ``per_client`` requests of the mix on one keep-alive connection (``zero``:
    the round's start, ``time.time()``)."""
    rng = random.Random(seed)
    kinds = [k for k, w in MIX for _ in range(w)]
    out: list[Result] = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(per_client):
        kind = rng.choice(kinds)
        path = _path(kind, rng, ids)
        at, started = time.time() - zero, time.perf_counter()
        try:
            status = request(port, path, conn)[0]
        except (OSError, http.client.HTTPException):
            status, conn = 599, http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        out.append((kind, status, (time.perf_counter() - started) * 1000, path, at))
    conn.close()
    return out


def load(port: int, ids: list[str], clients: int, per_client: int, seed: int,
         threads: bool = False) -> list[Result]:
    """``clients`` clients at once, each a process of its own (as real clients are), or with
    ``threads`` a thread of this process (their timings then include waiting for this
    process's interpreter lock)."""
    zero = time.time()
    jobs = [(port, ids, per_client, seed + n, zero) for n in range(clients)]
    if threads:
        results: list[Result] = []
        workers = [threading.Thread(target=lambda job=job: results.extend(_client(*job))) for job in jobs]
        for t in workers:
            t.start()
        for t in workers:
            t.join()
        return results
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        return [row for rows in pool.starmap(_client, jobs) for row in rows]


# -- the abuse ----------------------------------------------------------------------------------------

def upload(port: int, path: str, total: int, *, token: bool, declare: bool = False) -> dict[str, object]:
    """POST ``total`` bytes (chunked, or with a declared Content-Length and a short body) as fast as
    the socket takes them, stopping when the server answers; what it answered and when."""
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            + (f"Authorization: Bearer {TOKEN}\r\n" if token else "")
            + (f"Content-Length: {total}\r\n" if declare else "Transfer-Encoding: chunked\r\n") + "\r\n")
    sent, reply, started = 0, b"", time.perf_counter()
    chunk = b"x" * (256 * 1024)
    frame = chunk if declare else f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode())
        try:
            while sent < total and not select.select([sock], [], [], 0)[0]:  # stop once it answers
                sock.sendall(frame)
                sent += len(chunk)
            if not declare and sent >= total:
                sock.sendall(b"0\r\n\r\n")
        except OSError:  # the server closed the connection (after its answer, if any)
            pass
        try:
            while b"\r\n\r\n" not in reply:
                more = sock.recv(65536)
                if not more:
                    break
                reply += more
        except OSError:
            pass
    status = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else 0
    return {"status": status, "sent_mb": round(sent / MB, 1), "seconds": round(time.perf_counter() - started, 2)}


def abuse(port: int, body_mb: int) -> list[tuple[str, dict[str, object]]]:
    out: list[tuple[str, dict[str, object]]] = []
    big = body_mb * MB
    for label, kwargs in (("chunked 100 MB, no token", {"token": False}),
                          ("chunked 100 MB, no token, corrections", {"token": False, "path": "/events/x/corrections"}),
                          ("chunked 100 MB, token", {"token": True}),
                          ("Content-Length 100 MB, token", {"token": True, "declare": True}),
                          ("chunked 100 MB, no token", {"token": False})):
        path = str(kwargs.pop("path", "/articles"))
        out.append((label.replace("100", str(body_mb)), upload(port, path, big, **kwargs)))  # type: ignore[arg-type]
    for path in ("/series?by=day", "/series?by=week&unit=country", "/series?by=month", "/alerts?by=day",
                 "/series?by=year&fill=true", "/series?by=day&since=2010-01-01&until=2030-12-31",
                 "/events?text=e&page_size=500", "/events?text=" + "a" * 200, "/events?page=1000000"):
        started = time.perf_counter()
        status, body = request(port, path)
        out.append((path, {"status": status, "seconds": round(time.perf_counter() - started, 2),
                           "bytes": len(body)}))
    return out


# -- the report ---------------------------------------------------------------------------------------

def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]  # type: ignore[index]


def summarise(results: list[Result], abuses: list[tuple[str, dict[str, object]]],
              rss: list[float], events: int, seconds: float) -> dict[str, object]:
    endpoints = {}
    for kind, _ in MIX:
        times = [r[2] for r in results if r[0] == kind]
        codes: dict[str, int] = {}
        for r in results:
            if r[0] == kind:
                codes[str(r[1])] = codes.get(str(r[1]), 0) + 1
        if times:
            slowest = sorted((r for r in results if r[0] == kind), key=lambda r: -r[2])[:SLOWEST]
            endpoints[kind] = {"n": len(times), "statuses": codes, "p50_ms": round(_pct(times, 50), 1),
                               "p95_ms": round(_pct(times, 95), 1), "max_ms": round(max(times), 1),
                               "slowest": [{"ms": round(r[2], 1), "at_s": round(r[4], 2), "path": r[3]} for r in slowest]}
    errors = sum(1 for r in results if r[1] >= 500) + sum(1 for _, a in abuses if int(a["status"]) >= 500)  # type: ignore[call-overload]
    events_p95 = max(float(endpoints[k]["p95_ms"]) for k in ("/events", "/events?text") if k in endpoints)  # type: ignore[arg-type]
    peak = max(rss) if rss else 0.0
    targets = {"no 5xx": errors == 0, "/events p95 < 500 ms": events_p95 < 500,
               "/health p95 < 50 ms": float(endpoints["/health"]["p95_ms"]) < 50, "RSS < 1 GB": peak < 1024}  # type: ignore[arg-type]
    return {"events": events, "requests": len(results), "seconds": round(seconds, 1), "endpoints": endpoints,
            "abuse": [{"what": w, **a} for w, a in abuses], "rss_mb": {"start": round(rss[0], 0) if rss else 0,
                                                                     "peak": round(peak, 0), "samples": len(rss)},
            "server_errors": errors, "targets": targets}


def print_table(report: dict[str, object]) -> None:
    print(f"{report['events']} events, {report['requests']} requests in {report['seconds']} s; server CPU "
          f"{report.get('server_cpu_s', '?')} s; machine load average {report.get('load_average', '?')} "
          f"({os.cpu_count()} CPUs)")
    print(f"{'endpoint':<16} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  statuses")
    for kind, e in report["endpoints"].items():  # type: ignore[attr-defined]
        print(f"{kind:<16} {e['n']:>4} {e['p50_ms']:>8} {e['p95_ms']:>8} {e['max_ms']:>8}  {e['statuses']}")
    for kind in ("/events", "/events?text"):
        slow = report["endpoints"].get(kind, {}).get("slowest", [])[:3]  # type: ignore[attr-defined]
        if slow:
            print(f"slowest {kind}: " + "; ".join(f"{s['ms']} ms at {s['at_s']} s {s['path'][:60]}" for s in slow))
    print(f"\n{'abuse':<52} {'status':>6} {'seconds':>8}  sent / answer")
    for a in report["abuse"]:  # type: ignore[attr-defined]
        size = f"{a['sent_mb']} MB sent" if "sent_mb" in a else f"{a['bytes']:,} bytes back"
        print(f"{a['what'][:52]:<52} {a['status']:>6} {a['seconds']:>8}  {size}")
    rss = report["rss_mb"]
    print(f"\nserver RSS: {rss['start']:.0f} MB at start, peak {rss['peak']:.0f} MB ({rss['samples']} samples)")  # type: ignore[index]
    for name, ok in report["targets"].items():  # type: ignore[attr-defined]
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")


def text_search(db: Path, words: str, limit_gb: float | None) -> list[dict[str, object]]:
    """One cold server; ``/events?text=WORDS`` then ``/events``, once each: status, seconds and the
    server's peak RSS so far (VmHWM: the true peak, not a sample)."""
    out: list[dict[str, object]] = []
    with Server(db, limit_gb=limit_gb) as server:
        pid = server.proc.pid  # type: ignore[union-attr]
        for path in ("/events?" + urllib.parse.urlencode({"text": words}), "/events"):
            started = time.perf_counter()
            try:
                status = request(server.port, path)[0]
            except (OSError, http.client.HTTPException):
                status = 0  # the server died (out of its memory limit)
            out.append({"path": path, "status": status, "seconds": round(time.perf_counter() - started, 2),
                        "peak_rss_mb": round(_status_mb(pid, "VmHWM"))})
    return out


def exports(db: Path, formats: list[str], limit_gb: float | None) -> list[dict[str, object]]:
    """One cold server; ``/export?format=F`` for each format in turn, each body read in 64 KB
    pieces and thrown away: status, seconds, bytes, rows, the body's SHA-256 and the server's
    peak RSS so far (VmHWM); the first row is the server's peak RSS after starting."""
    import hashlib

    with Server(db, limit_gb=limit_gb) as server:
        pid = server.proc.pid  # type: ignore[union-attr]
        out: list[dict[str, object]] = [{"path": "(started)", "peak_rss_mb": round(_status_mb(pid, "VmHWM"))}]
        for fmt in formats:
            path = "/export?" + urllib.parse.urlencode({"format": fmt})
            started, size, digest, status, rows = time.perf_counter(), 0, hashlib.sha256(), 0, ""
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                status, rows = response.status, response.getheader("X-Eventcoder-Rows") or ""
                while piece := response.read(65536):
                    size += len(piece)
                    digest.update(piece)
            except (OSError, http.client.HTTPException):
                status = 0  # the server died (out of its memory limit)
            finally:
                conn.close()
            out.append({"path": path, "status": status, "seconds": round(time.perf_counter() - started, 2),
                        "bytes": size, "rows": rows, "sha256": digest.hexdigest()[:16],
                        "peak_rss_mb": round(_status_mb(pid, "VmHWM"))})
    return out


def run_load(server: Server, args: argparse.Namespace) -> list[dict[str, object]]:
    page = json.loads(request(server.port, "/events?page_size=500")[1])
    ids = [e["event_id"] for e in page["items"]]
    events = int(json.loads(request(server.port, "/stats")[1])["tables"]["events"])
    reports = []
    for n in range(args.rounds):
        started, first_sample = time.perf_counter(), len(server.rss)
        cpu, load_before = cpu_seconds(server.proc.pid), os.getloadavg()[0]  # type: ignore[union-attr]
        abuses: list[tuple[str, dict[str, object]]] = []
        attacker = threading.Thread(target=lambda: abuses.extend(abuse(server.port, args.body_mb)))
        if n == 0:
            attacker.start()
        results = load(server.port, ids, args.clients, args.requests, args.seed + 1000 * n, threads=args.threads)
        if n == 0:
            attacker.join()
        report = summarise(results, abuses, server.rss[first_sample:], events, time.perf_counter() - started)
        report["server_cpu_s"] = round(cpu_seconds(server.proc.pid) - cpu, 1)  # type: ignore[union-attr]
        report["load_average"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
        reports.append(report)
    return reports


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing store (default: build one of --events events)")
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=50, help="requests per client")
    parser.add_argument("--threads", action="store_true", help="clients as threads of this process, not processes")
    parser.add_argument("--body-mb", type=int, default=100, help="size of the abusive uploads")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2, help="load rounds: the first on a cold server with the "
                                                              "abuse, the others warm (answers kept)")
    parser.add_argument("--text", metavar="WORDS", help="only time /events?text=WORDS and /events on a cold server")
    parser.add_argument("--export", metavar="FORMATS", help="only download /export?format=F for each of the "
                                                             "comma-separated FORMATS in turn on a cold server")
    parser.add_argument("--limit-gb", type=float, help="address-space limit of the server process")
    parser.add_argument("--build", type=Path, metavar="OUT", help="only build the store at OUT")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    if args.build:
        print(f"{args.build}: {build_store(args.build, events=args.events)} events")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "abuse.duckdb"
        if args.db is None:
            build_store(db, events=args.events)
        if args.text:
            found = text_search(db, args.text, args.limit_gb)
            for row in found:
                print(json.dumps(row) if args.json else
                      f"{row['path'][:40]:<40} {row['status']:>4} {row['seconds']:>7} s  peak RSS {row['peak_rss_mb']} MB")
            return 0 if all(r["status"] == 200 for r in found) else 1
        if args.export:
            done = exports(db, args.export.split(","), args.limit_gb)
            for row in done:
                print(json.dumps(row) if args.json else
                      f"{row['path'][:40]:<40} {row.get('status', ''):>4} {row.get('seconds', ''):>7} s  "
                      f"{row.get('bytes', ''):>12} bytes  peak RSS {row['peak_rss_mb']} MB")
            return 0 if all(r.get("status", 200) == 200 for r in done) else 1
        with Server(db, limit_gb=args.limit_gb) as server:
            reports = run_load(server, args)
    if args.json:
        print(json.dumps(reports, indent=2))
    for n, report in enumerate(reports):
        if not args.json:
            print(f"\n== round {n + 1}: {'cold server, with the abuse' if n == 0 else 'warm server, load only'}")
            print_table(report)
    return 0 if all(all(r["targets"].values()) for r in reports) else 1  # type: ignore[attr-defined]


if __name__ == "__main__":
    sys.exit(main())
