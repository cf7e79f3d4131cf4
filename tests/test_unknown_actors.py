"""Unknown actors (issue 15): counted in the store, listed, written as a PETRARCH stub that loads
back as a user actor file once filled in; user actor files in CSV and PETRARCH format."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from eventcoder.actors.stub import petrarch_name
from eventcoder.actors.userfiles import load_user_actors, read_user_actors, split_paths
from eventcoder.errors import DictionaryFormatError
from eventcoder.pipeline import Pipeline
from eventcoder.records import Article, stable_id
from eventcoder.settings import Settings
from eventcoder.store import EventStore
from eventcoder.store.queries import unknown_actors

# Voice of America, 2020-02-14, "Experts: U.S. Shifts Focus Away From North Korea" (public domain).
VOA_TEXT = (
    "In January, Mark Lambert, who was the special envoy for North Korea, took up a role at the "
    "U.N. to contain Chinese influence at the international body."
)
PUBLISHED = date(2020, 2, 14)


def voa_article(n: int = 0) -> Article:
    return Article(id=stable_id("voa", 6184244, n), headline="Experts: U.S. Shifts Focus Away From North Korea",
                   text=VOA_TEXT, published=PUBLISHED, origin=f"voa:{n}")


def with_actors(pipeline: Pipeline, files: str) -> Pipeline:
    """The session pipeline's models and tables, with user actor files."""
    return Pipeline(Settings(extractor="rules", user_actors=files), nlp=pipeline.nlp, tables=pipeline.tables,
                    verbs=pipeline.verbs, gazetteer=pipeline.gazetteer)


def _cli(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "eventcoder", *map(str, args)], capture_output=True, text=True, timeout=600)


def test_an_unknown_person_acting_in_a_news_sentence_is_counted(pipeline) -> None:
    result = pipeline.code_article(voa_article())
    lambert = [u for u in result.unknown if u.text == "Mark Lambert"]
    assert lambert and lambert[0].kind == "PERSON" and lambert[0].role == "source"
    assert VOA_TEXT[lambert[0].start:lambert[0].end] == "Mark Lambert"
    assert not any(e.source.text.endswith("Lambert") for e in result.events)  # no event made of it

    with EventStore(":memory:") as store:
        run_id = store.start_run({}, "test")
        for n in range(2):
            r = pipeline.code_article(voa_article(n))
            store.add_article(r.article, r.events, run_id=run_id, unknown=r.unknown)
        store.add_article(result.article, result.events, run_id=run_id, unknown=result.unknown)  # stored: adds nothing
        (row,) = [r for r in unknown_actors(store) if r.text == "Mark Lambert"]
    assert (row.kind, row.count, row.articles, row.as_source, row.as_target) == ("PERSON", 2, 2, 2, 0)
    assert row.first_published == row.last_published == PUBLISHED
    assert row.example_sentence == VOA_TEXT and row.first_article_id == voa_article(0).id


def test_a_filled_in_stub_resolves_the_actor_with_its_code(pipeline, tmp_path: Path) -> None:
    from eventcoder.actors.stub import UnknownActor, stub_text

    with EventStore(":memory:") as store:
        r = pipeline.code_article(voa_article())
        store.add_article(r.article, r.events, run_id=store.start_run({}, "test"), unknown=r.unknown)
        rows = unknown_actors(store)
    assert all(isinstance(row, UnknownActor) for row in rows)
    stub = tmp_path / "unknown.actors.txt"
    stub.write_text(stub_text(rows), encoding="utf-8")
    assert "MARK_LAMBERT_\n    [---]" in stub.read_text(encoding="utf-8")
    assert read_user_actors(stub) == []  # placeholders only: nothing, and no error

    filled = stub.read_text(encoding="utf-8").replace("MARK_LAMBERT_\n    [---]", "MARK_LAMBERT_\n    [USAGOV]")
    stub.write_text(filled, encoding="utf-8")
    (entry,) = read_user_actors(stub)
    assert entry.words == ("MARK", "LAMBERT") and entry.code_on(PUBLISHED) == "USAGOV"

    again = with_actors(pipeline, str(stub)).code_article(voa_article())
    sources = {(e.source.actor.code, e.source.actor.name, e.source.resolved_by) for e in again.events}
    assert ("USAGOV", "Mark Lambert", "user-actor") in sources
    assert {e.target.actor.code for e in again.events if e.target} >= {"IGOUNO"}
    assert "Mark Lambert" not in {u.text for u in again.unknown}


def test_csv_user_actors_apply_only_in_their_dates(pipeline, tmp_path: Path) -> None:
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("name,code,start,end\n# envoys\nMark Lambert,USAGOV,2015-01-01,2019-12-31\n", encoding="utf-8")
    before = with_actors(pipeline, str(csv_file)).code_article(voa_article())  # 2020-02-14: out of office
    assert "Mark Lambert" in {u.text for u in before.unknown}
    csv_file.write_text("Mark Lambert,USAGOV,20150101,\n", encoding="utf-8")  # no header, open end
    after = with_actors(pipeline, str(csv_file)).code_article(voa_article())
    assert "USAGOV" in {e.source.actor.code for e in after.events}


@pytest.mark.parametrize("line, why", [
    ("Mark Lambert", "expected name,code"),
    ("Mark Lambert,usa gov", "not a CAMEO actor code"),
    ("Mark Lambert,USAGOV,2020-13-01", "not a date"),
    ("Mark Lambert,USAGOV,2020-01-01,2019-01-01", "before the start"),
    (",USAGOV", "no name"),
])
def test_a_bad_csv_line_names_the_file_and_line(tmp_path: Path, line: str, why: str) -> None:
    bad = tmp_path / "mine.csv"
    bad.write_text(f"name,code\nKim Jong Un,PRKGOV\n{line}\n", encoding="utf-8")
    with pytest.raises(DictionaryFormatError) as caught:
        read_user_actors(bad)
    assert f"{bad}:3:" in str(caught.value) and why in str(caught.value) and caught.value.line_no == 3


def test_a_bad_petrarch_actor_file_names_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "mine.actors.txt"
    bad.write_text("# mine\nMARK_LAMBERT_\n    [---]\nKIM_JONG_UN_ [prk gov]\n", encoding="utf-8")
    with pytest.raises(DictionaryFormatError, match=r"mine\.actors\.txt:4:"):
        load_user_actors(str(bad))
    bad.write_text("# mine\nMARK_LAMBERT_\n    [---]\nKIM_JONG_UN_ [prkgov]\n", encoding="utf-8")
    with pytest.raises(DictionaryFormatError, match=r"mine\.actors\.txt:4: 'prkgov' is not a CAMEO actor code"):
        load_user_actors(str(bad))


def test_several_user_files_separated_by_commas_or_pathsep(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.actors.txt"
    a.write_text("Mark Lambert,USAGOV\n", encoding="utf-8")
    b.write_text("KIM_JONG_UN_\n+KIM_\n    [PRKGOV]\n", encoding="utf-8")
    assert split_paths(f"{a},{b}") == split_paths(f"{a}{os.pathsep}{b}") == [a, b]
    assert [e.name for e in load_user_actors(f"{a}, {b}")] == ["Mark Lambert", "KIM_JONG_UN_", "KIM_"]


def test_petrarch_names_for_the_stub() -> None:
    assert petrarch_name("Mark Lambert") == "MARK_LAMBERT_"
    assert petrarch_name("S-400") == "S-400_"
    assert petrarch_name("+[#]") == ""


def test_cli_lists_unknown_actors_and_writes_a_stub_that_loads(tmp_path: Path) -> None:
    article = tmp_path / "voa.jsonl"
    article.write_text(json.dumps({"id": "6184244", "title": "Experts", "text": VOA_TEXT, "date": "2020-02-14"}) + "\n",
                       encoding="utf-8")
    db = tmp_path / "ev.duckdb"
    assert _cli("code", article, "--db", db, "--quiet").returncode == 0
    listed = _cli("actors", "--unknown", "--db", db)
    assert listed.returncode == 0 and "Mark Lambert" in listed.stdout and "PERSON" in listed.stdout
    assert _cli("actors", "--unresolved", "--db", db).stdout == listed.stdout
    rows = json.loads(_cli("actors", "--unknown", "--json", "--db", db).stdout)
    assert {"text": "Mark Lambert", "kind": "PERSON", "count": 1}.items() <= next(r for r in rows if r["text"] == "Mark Lambert").items()
    assert json.loads(_cli("actors", "--unknown", "--json", "--min-count", "2", "--db", db).stdout) == []

    stub = tmp_path / "stub.actors.txt"
    wrote = _cli("actors", "--unknown", "--stub", stub, "--db", db)
    assert wrote.returncode == 0, wrote.stderr
    text = stub.read_text(encoding="utf-8")
    assert "# PERSON: 1 mention (1 as source) in 1 article, 2020-02-14" in text and "MARK_LAMBERT_\n    [---]" in text
    assert _cli("actors", "--unknown", "--stub", stub, "--db", db).returncode == 2  # never written over

    stub.write_text(text.replace("MARK_LAMBERT_\n    [---]", "MARK_LAMBERT_\n    [USAGOV]"), encoding="utf-8")
    db2 = tmp_path / "ev2.duckdb"
    assert _cli("code", article, "--db", db2, "--quiet", "--actors", stub).returncode == 0
    again = _cli("actors", "--json", "--db", db2)
    assert "USAGOV" in {r["actor_key"] for r in json.loads(again.stdout)}
    assert "Mark Lambert" not in _cli("actors", "--unknown", "--db", db2).stdout

    bad = tmp_path / "bad.csv"
    bad.write_text("name,code\nMark Lambert\n", encoding="utf-8")
    refused = _cli("code", article, "--db", tmp_path / "ev3.duckdb", "--actors", bad)
    assert refused.returncode == 2 and f"{bad}:2:" in refused.stderr and "Traceback" not in refused.stderr
