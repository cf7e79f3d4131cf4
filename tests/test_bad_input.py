"""Bad input and misuse (issue 16): every bad input is a rejection with a reason or a coded
article, the run goes on, time per input is bounded, and misuse raises EventcoderError."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from eventcoder.errors import ConfigError, EventcoderError, InputError
from eventcoder.ingest import IngestOptions, read_inputs
from eventcoder.ingest.admit import MAX_TEXT_CHARS, admit
from eventcoder.ingest.checks import language_problem
from eventcoder.pipeline import code_text
from eventcoder.records import Article, Rejection, stable_id
from eventcoder.settings import Settings
from fuzz_corpus import CASES, GOOD, SPECIAL, write_corpus

EVENTCODER = Path(sys.executable).with_name("eventcoder")


def _article(text: str = GOOD, published: date = date(2020, 7, 8), **more: object) -> Article:
    return Article(id=stable_id("t", text), headline="Iran, Syria sign pact", text=text, published=published,
                   origin="<test>", **more)  # type: ignore[arg-type]


def _code(paths: list[str], db: Path, *more: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EVENTCODER), "code", *paths, "--db", str(db), "--quiet", *more],
                          input=stdin.decode("latin-1") if stdin is not None else None, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "EVENTCODER_EXTRACTOR": "rules"})


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_fuzz_corpus_has_every_kind() -> None:
    assert len(CASES) + len(SPECIAL) >= 60


def test_fuzz_corpus_in_one_run_every_input_accounted_for(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    good = tmp_path / "good.txt"
    good.write_text(f"Iran, Syria sign pact\nJuly 8, 2020\n\nTEHRAN - {GOOD}\n")
    db = tmp_path / "fuzz.duckdb"
    started = time.perf_counter()
    done = _code([str(tmp_path / "corpus"), str(good)], db)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.returncode == 1, done.stderr[-2000:]  # 1: the run finished with rejections
    assert time.perf_counter() - started < 300
    origins = [str(o) for (o,) in _rows(db, "SELECT origin FROM articles UNION ALL SELECT origin FROM rejections")]
    for path in corpus:
        assert any(o == str(path) or o.startswith(f"{path}:") for o in origins), f"{path.name} left no trace"
    assert _rows(db, f"SELECT count(*) FROM articles WHERE origin = '{good}'") == [(1,)]
    reasons = dict(_rows(db, "SELECT origin, reason FROM rejections"))
    assert all(reasons.values())
    expected = {"empty.txt": "empty", "png.txt": "binary", "date-9999.txt": "bad-date", "date-0001.jsonl:1": "bad-date",
                "too-many-chars.txt": "too-long", "deep-nesting.jsonl:1": "bad-json", "big-integer.jsonl:1": "bad-json",
                "surrogate-escape.jsonl:1": "invalid-unicode", "fifo.txt": "not-a-file", "link-loop.txt": "unreadable",
                "same-id-other-text.jsonl:2": "duplicate-id", "french.txt": "not-english"}
    for name, reason in expected.items():
        assert reasons.get(str(tmp_path / "corpus" / name)) == reason, name
    assert _rows(db, "SELECT count(*) FROM articles WHERE strpos(text, chr(0)) > 0") == [(0,)]
    again = _code([str(tmp_path / "corpus"), str(good)], db)  # a re-run adds nothing
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert _rows(db, "SELECT count(*) FROM articles")[0][0] == len(set(o for (o,) in _rows(db, "SELECT article_id FROM articles")))


def test_fuzz_corpus_bounded_time_per_input(tmp_path: Path, pipeline) -> None:
    for path in write_corpus(tmp_path / "corpus"):
        started = time.perf_counter()
        items = list(read_inputs([str(path)]))
        results = list(pipeline.code_articles(i for i in items if isinstance(i, Article)))
        took = time.perf_counter() - started
        assert took < 20, f"{path.name}: {took:.1f} s"
        assert items, path.name
        for item in items:
            assert isinstance(item, Article) or (item.reason and item.origin), path.name
        for result in results:
            assert result.rejection is None or result.rejection.reason, path.name


@pytest.mark.parametrize("published, ok", [
    (date(9999, 12, 31), False), (date(1, 1, 1), False), (date(1899, 12, 31), False),
    (date.today() + timedelta(days=2), False), (date.today() + timedelta(days=1), True), (date(1900, 1, 1), True),
])
def test_publication_dates_outside_1900_to_tomorrow_are_rejected(published: date, ok: bool) -> None:
    result = admit(_article(published=published))
    assert isinstance(result, Article) is ok
    if not ok:
        assert isinstance(result, Rejection) and result.reason == "bad-date" and published.isoformat() in result.detail


def test_an_event_date_out_of_range_falls_back_to_publication(code) -> None:
    events = code("Iran and Syria signed a military agreement in Damascus on December 31, 9999.", "2020-07-08")
    assert events and all(e.date.value == date(2020, 7, 8) and e.date.how == "publication-date" for e in events)


def test_hostile_json_lines_are_rejections_and_the_next_line_is_read(tmp_path: Path) -> None:
    good = json.dumps({"text": GOOD, "date": "2020-07-08"}).encode()
    hostile = [b'{"text": "Iran and Syria signed \\ud800 a military pact in Damascus.", "date": "2020-07-08"}', b"[" * 5000 + b"]" * 5000,
               b'{"n": ' + b"9" * 5000 + b"}", b'{"\\udfff": "' + GOOD.encode() + b'", "text": "' + GOOD.encode() + b'"}']
    for line in hostile:
        path = tmp_path / "hostile.jsonl"
        path.write_bytes(line + b"\n" + good + b"\n")
        items = list(read_inputs([str(path)], IngestOptions(default_date=date(2020, 7, 8))))
        assert isinstance(items[-1], Article) and items[-1].text.startswith("Iran and Syria")
        first = items[0] if isinstance(items[0], Rejection) else admit(items[0])
        assert isinstance(first, Rejection) and first.reason in ("bad-json", "invalid-unicode", "no-text"), line[:40]


def test_stdin_with_a_lone_surrogate_is_a_rejection(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    line = b'{"text": "Iran and Syria signed \\ud800 a military agreement in Damascus.", "date": "2020-07-08"}\n'
    done = _code(["-"], db, stdin=line)
    assert "Traceback" not in done.stderr
    assert _rows(db, "SELECT reason FROM rejections") == [("invalid-unicode",)]


def test_runs_of_brackets_tokenise_in_linear_time_and_keep_offsets(pipeline) -> None:
    text = GOOD + " " + "(" * 50_000 + " " + "()" * 20_000 + " The army said it."
    started = time.perf_counter()
    [result] = list(pipeline.code_articles([_article(text)]))
    assert time.perf_counter() - started < 5
    assert result.rejection is None and len(result.article.text) == len(text)
    assert "(((" not in result.article.text and result.article.text.endswith("The army said it.")


def test_nul_and_control_characters_become_spaces() -> None:
    cleaned = admit(_article(GOOD + "\x00\x01 end\x7f"))
    assert isinstance(cleaned, Article)
    assert cleaned.text == GOOD + "   end "


@pytest.mark.parametrize("text", ["\x00" * 80, "(" * 5000, "-" * 100 + "\n" + "_" * 40, "x" * 1000, "\x01 \x02 " * 30],
                         ids=["nul", "brackets", "dashes", "long-token", "controls"])
def test_text_left_without_words_after_cleaning_is_a_rejection(text: str, tmp_path: Path) -> None:
    """Control characters and wordless runs become spaces; an article that is nothing else must be
    refused, not stored (and coded) as an article of blanks."""
    result = admit(_article(text))
    assert isinstance(result, Rejection) and result.reason == "no-text" and "no words" in result.detail
    path = tmp_path / "wordless.jsonl"
    path.write_text("".join(json.dumps({"text": t, "date": "2020-07-08"}) + "\n" for t in (text, GOOD)))
    db = tmp_path / "w.duckdb"
    assert _code([str(path)], db).returncode == 1
    assert _rows(db, "SELECT origin, reason FROM rejections") == [(f"{path}:1", "no-text")]
    assert _rows(db, "SELECT origin FROM articles") == [(f"{path}:2",)]


def test_text_over_the_parser_limit_is_refused_up_front() -> None:
    result = admit(_article("word " * (MAX_TEXT_CHARS // 5 + 1)))
    assert isinstance(result, Rejection) and result.reason == "too-long"


def test_time_limit_per_article(pipeline) -> None:
    from dataclasses import replace

    slow = replace(pipeline, settings=replace(pipeline.settings, article_seconds=1e-9))
    [result] = list(slow.code_articles([_article(" ".join([GOOD] * 5))]))
    assert result.rejection is not None and result.rejection.reason == "time-limit"
    assert "article_seconds" in result.rejection.detail


def test_same_source_id_with_other_text_is_a_rejection_not_a_second_article(tmp_path: Path) -> None:
    path = tmp_path / "ids.jsonl"
    rows = [{"id": "a1", "source": "VOA", "text": GOOD, "date": "2020-07-08"},
            {"id": "a1", "source": "VOA", "text": GOOD + " It was revised.", "date": "2020-07-08"},
            {"id": "a1", "source": "AFP", "text": GOOD + " Another outlet.", "date": "2020-07-08"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    db = tmp_path / "ids.duckdb"
    assert _code([str(path)], db).returncode == 1
    assert sorted(_rows(db, "SELECT outlet, source_id FROM articles")) == [("AFP", "a1"), ("VOA", "a1")]
    [(origin, reason, detail)] = _rows(db, "SELECT origin, reason, detail FROM rejections")
    assert origin == f"{path}:2" and reason == "duplicate-id" and "'a1'" in detail


def _too_deep(top: Path, levels: int = 24) -> Path:
    """Directories nested past PATH_MAX (4,096 bytes): nobody, root included, can list the deepest."""
    name = "d" * 200
    fd = os.open(top, os.O_RDONLY)
    try:
        for _ in range(levels):
            os.mkdir(name, dir_fd=fd)
            deeper = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = deeper
    finally:
        os.close(fd)
    return top.joinpath(*[name] * levels)


def test_an_unreadable_directory_is_a_rejection_and_the_rest_is_read(tmp_path: Path) -> None:
    top = tmp_path / "in"
    (top / "deep").mkdir(parents=True)
    (top / "b.txt").write_text(f"Headline\nJuly 8, 2020\n\n{GOOD}\n")
    _too_deep(top / "deep")
    found = [(type(i).__name__, getattr(i, "reason", ""), i.origin, getattr(i, "detail", "")) for i in read_inputs([str(top)])]
    unreadable = [f for f in found if f[1] == "unreadable"]
    assert unreadable and unreadable[0][2].startswith(str(top / "deep")) and "directory" in unreadable[0][3]
    assert ("Article", "", str(top / "b.txt"), "") in found
    if os.geteuid() != 0:  # a directory without read permission (root reads it anyway)
        locked = top / "locked"
        locked.mkdir()
        os.chmod(locked, 0)
        try:
            assert any(i.origin == str(locked) and getattr(i, "reason", "") == "unreadable"
                       for i in read_inputs([str(top)]))
        finally:
            os.chmod(locked, 0o755)


REAL_SHORT_ENGLISH = [  # real news sentences (PLV) that the old check called not English
    "Uttar Pradesh Chief Minister Yogi Adityanath on Sunday launched a scathing attack on West Bengal's "
    "Trinamool Congress (TMC) government calling it anti-people.",
    "A suicide bomber in Mogadishu killed at least six people in a deadly blast near Somalia's presidential "
    "palace on Saturday morning.",
    "Russian President Vladimir Putin, second left, and Russian Prime Minister Dmitry Medvedev, left, attended "
    "a cabinet meeting in Moscow, Russia, Wednesday, Jan. 15, 2020.",
    "Furious Theresa May gives Putin a midnight deadline over brazen attack on former spy using Russian-made "
    "military nerve agent on British soil.",
]
SHORT_FOREIGN = [
    "Le président de la République a annoncé mardi une nouvelle série de mesures pour soutenir les entreprises "
    "touchées par la crise.",
    "El presidente del Gobierno anunció el martes un nuevo paquete de medidas para apoyar a las empresas "
    "afectadas por la crisis económica.",
    "Der Bundeskanzler hat am Dienstag ein neues Paket von Maßnahmen angekündigt, um die von der Krise "
    "betroffenen Unternehmen zu unterstützen.",
    "أعلن الرئيس يوم الثلاثاء عن حزمة جديدة من الإجراءات لدعم الشركات المتضررة من الأزمة الاقتصادية في البلاد "
    "هذا العام كما قال المسؤولون",
]


@pytest.mark.parametrize("text", REAL_SHORT_ENGLISH)
def test_short_english_is_english(text: str) -> None:
    assert language_problem(text) is None


@pytest.mark.parametrize("text", SHORT_FOREIGN)
def test_short_foreign_text_is_still_refused(text: str) -> None:
    problem = language_problem(text)
    assert problem is not None and problem.reason == "not-english"


MISUSE = [
    ("code_text(None)", lambda p: code_text(None, pipeline=p), InputError),  # type: ignore[arg-type]
    ("code_text(bytes)", lambda p: code_text(b"Iran attacked Iraq.", pipeline=p), InputError),  # type: ignore[arg-type]
    ("published=123", lambda p: code_text(GOOD, published=123, pipeline=p), InputError),  # type: ignore[arg-type]
    ("published='soon'", lambda p: code_text(GOOD, published="soon", pipeline=p), InputError),
    ("published=date.max", lambda p: code_text(GOOD, published=date.max, pipeline=p), EventcoderError),
    ("published=date.min", lambda p: code_text(GOOD, published=date.min, pipeline=p), EventcoderError),
    ("headline=None", lambda p: code_text(GOOD, headline=None, pipeline=p), InputError),  # type: ignore[arg-type]
    ("pipeline='x'", lambda p: code_text(GOOD, pipeline="x"), InputError),  # type: ignore[arg-type]
    ("code_articles(str)", lambda p: list(p.code_articles("some text")), InputError),
    ("code_articles([None])", lambda p: list(p.code_articles([None])), InputError),
    ("code_articles([dict])", lambda p: list(p.code_articles([{"text": GOOD}])), InputError),
    ("Article text None", lambda p: list(p.code_articles([_article(None)])), InputError),  # type: ignore[arg-type]
    ("Article published str", lambda p: list(p.code_articles([_article(published="2020")])), InputError),  # type: ignore[arg-type]
    ("read_inputs(str)", lambda p: list(read_inputs("examples/articles")), InputError),  # type: ignore[arg-type]
    ("read_inputs options", lambda p: list(read_inputs(["x"], {"max_bytes": 5})), InputError),  # type: ignore[arg-type]
    ("read_inputs([None])", lambda p: list(read_inputs([None])), InputError),  # type: ignore[list-item]
    ("read_inputs([123])", lambda p: list(read_inputs([123])), InputError),  # type: ignore[list-item]
    ("read_inputs(None)", lambda p: list(read_inputs(None)), InputError),  # type: ignore[arg-type]
    ("Settings(batch_size=0)", lambda p: Settings(batch_size=0), ConfigError),
    ("Settings(max_bytes=-1)", lambda p: Settings(max_bytes=-1), ConfigError),
    ("Settings(article_seconds=0)", lambda p: Settings(article_seconds=0), ConfigError),
    ("IngestOptions(max_bytes=0)", lambda p: IngestOptions(max_bytes=0), ConfigError),
    ("IngestOptions(text_field='')", lambda p: IngestOptions(text_field=""), ConfigError),
    ("empty text", lambda p: code_text("", pipeline=p), EventcoderError),
]


@pytest.mark.parametrize("name, call, error", MISUSE, ids=[m[0] for m in MISUSE])
def test_library_misuse_raises_a_clear_eventcoder_error(name, call, error, pipeline) -> None:
    with pytest.raises(error) as raised:
        call(pipeline)
    assert isinstance(raised.value, EventcoderError) and str(raised.value)
