"""The `code` job through the real CLI: bad inputs become rejections, re-runs add nothing."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import duckdb
import pytest

from conftest import EXAMPLES, SEED_ARTICLE


def _cli(*args, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "eventcoder", *map(str, args)], capture_output=True, text=True, timeout=600, input=stdin
    )


@pytest.fixture()
def messy_dir(tmp_path):
    d = tmp_path / "inputs"
    d.mkdir()
    shutil.copy(SEED_ARTICLE, d / "seed.txt")
    (d / "good.txt").write_text(
        "China, Japan hold talks\n\n2021-03-02\n\nBEIJING - China criticized Japan on Monday over the disputed islands.\n",
        encoding="utf-8",
    )
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 200)
    with open(d / "huge.txt", "wb") as f:
        f.truncate(60_000_000)
    (d / "latin1.txt").write_bytes("Headline\n\n2020-01-01\n\nCaf\xe9 au lait in Paris.".encode("latin-1"))
    (d / "wire.jsonl").write_text(
        json.dumps({"id": "a1", "title": "t", "text": "Russia accused Ukraine of shelling the plant on Monday.", "date": "2022-08-10"})
        + "\n{broken json\n"
        + json.dumps({"id": "a2", "title": "t", "text": "Iran and Syria signed a security agreement on Wednesday.", "date": "2020-07-08"})
        + "\n[1, 2\n",
        encoding="utf-8",
    )
    return d


def test_messy_directory_codes_good_articles_and_records_rejections(messy_dir, tmp_path):
    db = tmp_path / "ev.duckdb"
    first = _cli("code", messy_dir, "--db", db, "--quiet")
    assert first.returncode == 1, first.stderr  # some inputs were rejected
    assert "Traceback" not in first.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from articles").fetchone()[0] == 4
    reasons = dict(con.execute("select reason, count(*) from rejections group by reason").fetchall())
    assert reasons == {"empty": 1, "binary": 1, "too-large": 1, "invalid-utf8": 1, "bad-json": 2}
    assert all(r for (r,) in con.execute("select detail from rejections").fetchall())
    counts = [con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("articles", "events", "rejections")]
    assert counts[1] >= 6
    con.close()

    second = _cli("code", messy_dir, "--db", db, "--quiet")
    assert second.returncode == 1
    assert "0 articles coded, 4 already stored" in second.stderr
    con = duckdb.connect(str(db), read_only=True)
    again = [con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("articles", "events", "rejections")]
    assert again == counts
    assert con.execute("select count(*) from runs").fetchone()[0] == 2
    con.close()


def test_clean_run_exits_zero_and_writes_csv_and_show(tmp_path):
    db, out = tmp_path / "ev.duckdb", tmp_path / "events.csv"
    proc = _cli("code", SEED_ARTICLE, "--db", db, "--out", out, "--format", "csv", "--quiet")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["cameo_code"] for r in rows} >= {"057", "0332", "111", "042"}
    visit = next(r for r in rows if r["cameo_code"] == "042")
    assert visit["event_date"] == "2020-07-07" and visit["location_name"] == "Damascus"
    article_id = rows[0]["article_id"]
    shown = _cli("show", article_id[:8], "--db", db)
    assert shown.returncode == 0, shown.stderr
    assert "CAMEO 057" in shown.stdout and "Bagheri" in shown.stdout and "method: dictionary:" in shown.stdout


def test_stdin_and_errors(tmp_path):
    db = tmp_path / "ev.duckdb"
    text = "Kyiv criticizes Moscow\n\n2022-06-08\n\nUkraine's foreign minister criticized Russia on Tuesday.\n"
    proc = _cli("code", "-", "--db", db, "--out", "-", "--quiet", stdin=text)
    assert proc.returncode == 0, proc.stderr
    (event,) = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert (event["source_country"], event["target_country"], event["event_date"]) == ("UKR", "RUS", "2022-06-07")
    missing = _cli("show", "doesnotexist", "--db", db)
    assert missing.returncode == 2 and "no article" in missing.stderr and "Traceback" not in missing.stderr


def test_examples_directory_codes_without_rejections(tmp_path):
    proc = _cli("code", EXAMPLES / "articles", "--db", tmp_path / "ex.duckdb", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "0 rejections" in proc.stderr


def test_export_applies_corrections_only_when_asked(tmp_path):
    from eventcoder.store import EventStore
    from eventcoder.store.corrections import CorrectionRules, add_correction

    db = tmp_path / "ev.duckdb"
    assert _cli("code", SEED_ARTICLE, "--db", db, "--quiet").returncode == 0
    with EventStore(db) as store:
        (visit,) = store.query("SELECT event_id FROM events WHERE cameo_code = '042'")
        add_correction(store, event_id=visit["event_id"], action="wrong", author="Test Analyst", rules=CorrectionRules.load())

    def codes(*flags):
        out = tmp_path / f"export{len(flags)}{flags[:1]}.csv"
        proc = _cli("export", "--format", "csv", "--out", out, "--level", "article", "--db", db, *flags)
        assert proc.returncode == 0, proc.stderr
        return {row["cameo_code"] for row in csv.DictReader(out.open(encoding="utf-8"))}

    assert "042" in codes() and "042" in codes("--no-corrections")
    assert "042" not in codes("--corrections") and "057" in codes("--corrections")
