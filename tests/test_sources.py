"""HTML pages (trafilatura), RSS/Atom feeds (feedparser) and WARC crawls (warcio) as inputs."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest

from conftest import dyads
from eventcoder.ingest import IngestOptions, read_inputs, read_stream
from eventcoder.ingest.feeds import html_to_text, looks_like_feed, parse_feed
from eventcoder.records import Article, Rejection

pytest.importorskip("trafilatura", reason="needs the sources extra: pip install 'eventcoder[sources]'")
pytest.importorskip("feedparser", reason="needs the sources extra")
pytest.importorskip("warcio", reason="needs the sources extra")

SOURCES = Path(__file__).resolve().parent / "fixtures" / "sources"


def _read(name: str, options: IngestOptions = IngestOptions()) -> list[Article | Rejection]:
    return list(read_inputs([str(SOURCES / name)], options))


def test_html_page_gives_main_text_and_metadata():
    (article,) = _read("tehran-pact.html")
    assert isinstance(article, Article)
    assert article.headline == "Iran and Syria sign military pact"
    assert article.published == date(2020, 7, 8)
    assert article.outlet == "Gulf Wire"
    assert article.url == "https://gulfwire.example/world/2020/07/08/iran-syria-pact"
    assert article.dateline == "DAMASCUS"
    assert article.text.startswith("Iran and Syria signed a comprehensive military and security agreement")
    for boilerplate in ("Most read", "Copyright", "Weather", "Football"):
        assert boilerplate not in article.text
    assert dict(article.metadata)["date_source"] == "page"


def test_html_page_codes_into_events(pipeline):
    (article,) = _read("tehran-pact.html")
    result = pipeline.code_article(article)
    found = dyads(result.events)
    assert ("IRN", "SYR", "057") in found
    signed = next(e for e in result.events if e.cameo.code == "057")
    assert signed.date.value == date(2020, 7, 8)
    assert signed.location is not None and signed.location.name == "Damascus"


def test_undated_html_is_rejected_unless_a_default_date_is_given():
    (rejection,) = _read("undated.html")
    assert isinstance(rejection, Rejection) and rejection.reason == "no-date"
    assert rejection.article_id  # the text was read; only the date is missing
    (article,) = _read("undated.html", IngestOptions(default_date=date(2022, 8, 10)))
    assert isinstance(article, Article)
    assert article.published == date(2022, 8, 10)
    assert dict(article.metadata)["date_source"] == "default"


def test_rss_entries_become_articles_with_feed_metadata():
    items = _read("wire.rss")
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Rejection"]
    china, kenya, short = items
    assert china.origin.endswith("wire.rss:1") and kenya.origin.endswith("wire.rss:2")
    assert china.outlet == "Example World Wire"
    assert china.published == datetime(2021, 3, 2, 9, 15)
    assert china.dateline == "BEIJING"
    assert china.text == ("China criticized Japan on Monday over the disputed islands in the East China Sea.\n\n"
                          "The foreign ministry said the two governments would hold talks next month.")
    assert dict(china.metadata)["feed_entry"] == "wire-2021-0302-001"
    assert kenya.text.startswith("Kenyan police fired tear gas")  # summary used when there is no content
    assert short.reason == "too-short"


def test_atom_feed_and_entry_keys():
    (article,) = _read("updates.atom")
    assert article.outlet == "Atom Desk"
    assert article.url == "https://atom.example/2020/03/05/moscow-talks"
    assert article.published == datetime(2020, 3, 5, 12, 0)
    feed = parse_feed((SOURCES / "updates.atom").read_bytes())
    assert [e.key for e in feed.entries] == ["urn:example:atom-desk:moscow-talks"]


def test_warc_reads_only_html_responses_and_falls_back_to_the_crawl_date():
    items = _read("crawl.warc.gz")
    assert all(isinstance(i, Article) for i in items)
    assert [i.origin.rsplit(":", 1)[1] for i in items] == ["2", "5"]  # request, image and 404 passed over
    tehran, undated = items
    assert tehran.url == "https://gulfwire.example/world/2020/07/08/iran-syria-pact"
    assert tehran.published == date(2020, 7, 8)  # the page's own date wins over the crawl date
    assert undated.url == "https://gulfwire.example/europe/zaporizhzhia"
    assert undated.published == datetime(2022, 8, 10, 7, 30)
    meta = dict(undated.metadata)
    assert meta["date_source"] == "warc-date" and meta["warc_record_id"].startswith("<urn:uuid:")
    # the same page read from HTML and from the WARC is the same article
    (html,) = _read("tehran-pact.html")
    assert html.id == tehran.id


def test_broken_warc_is_a_rejection_not_a_crash(tmp_path):
    bad = tmp_path / "broken.warc.gz"
    bad.write_bytes((SOURCES / "crawl.warc.gz").read_bytes()[:700])
    items = list(read_inputs([str(bad)]))
    assert items and all(isinstance(i, Rejection) for i in items)
    assert {i.reason for i in items} <= {"unreadable", "empty", "no-text"}
    not_warc = tmp_path / "not.warc"
    not_warc.write_bytes(b"this is not a WARC file at all\n" * 10)
    (rejection,) = list(read_inputs([str(not_warc)]))
    assert rejection.reason == "unreadable" and "WARC" in rejection.detail


def test_stdin_html_and_feed_are_sniffed():
    (article,) = list(read_stream(io.BytesIO((SOURCES / "tehran-pact.html").read_bytes())))
    assert isinstance(article, Article) and article.outlet == "Gulf Wire"
    items = list(read_stream(io.BytesIO((SOURCES / "wire.rss").read_bytes())))
    assert sum(isinstance(i, Article) for i in items) == 2


def test_xml_that_is_not_a_feed_stays_plain_text(tmp_path):
    path = tmp_path / "note.xml"
    path.write_text("Talks in Geneva\n\n2021-03-02\n\nGENEVA - Iran and France held talks in Geneva on Tuesday.\n")
    (article,) = list(read_inputs([str(path)]))
    assert isinstance(article, Article) and article.dateline == "GENEVA"
    assert not looks_like_feed(path.read_bytes())


def test_html_to_text_keeps_paragraphs_and_entities():
    assert html_to_text("<p>A &amp; B met.</p><p>They <b>agreed</b>.</p>") == "A & B met.\n\nThey agreed."
