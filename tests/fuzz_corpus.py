"""A corpus of bad inputs (issue 16): each is a file that must become a rejection or a coded article.

``write_corpus(directory)`` writes every case and returns their paths. The cases cover what an
attacker or a careless user feeds a coder: broken bytes and encodings, hostile JSON, dates out of
range, pathological text, markup that is not what it says, and files that are not files.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable
from pathlib import Path

GOOD = ("Iran and Syria signed a military agreement in Damascus on Wednesday, officials said. "
        "The Iranian defence minister met the Syrian president to discuss the deal.")
HEAD = "Iran, Syria sign military pact\nJuly 8, 2020\n\nTEHRAN - "
FEED_ITEM = "<item><title>t</title><description>{body}</description><pubDate>Wed, 08 Jul 2020 10:00:00 GMT</pubDate></item>"


def _jsonl(*records: object) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def _record(**fields: object) -> dict[str, object]:
    return {"title": "Iran, Syria sign pact", "text": GOOD, "date": "2020-07-08", **fields}


def _text(body: str) -> bytes:
    return (HEAD + body + "\n").encode()


CASES: dict[str, bytes] = {
    # bytes and encodings
    "empty.txt": b"",
    "whitespace.txt": b" \n\t\r\n   \n",
    "png.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
    "nul-bytes.txt": _text(GOOD) + b"\x00\x00abc",
    "utf16-bom.txt": _text(GOOD).decode().encode("utf-16"),
    "utf16-no-bom.txt": _text(GOOD).decode().encode("utf-16-le"),
    "latin1.txt": _text(GOOD + " Caf\u00e9 d\u00e9j\u00e0 vu.").decode().encode("latin-1"),
    "invalid-utf8-middle.txt": _text(GOOD) + b"\xff\xfe\xfd more text",
    "raw-surrogate-bytes.txt": _text(GOOD) + b"\xed\xa0\x80",
    "controls.txt": _text(GOOD + "\x01\x02\x03\x1b[31m red \x1b[0m\x7f"),
    "many-controls.txt": bytes(i % 32 for i in range(4000)),
    # layout
    "one-line.txt": b"Iran signed a pact.",
    "headline-only.txt": b"Iran, Syria sign military pact\nJuly 8, 2020\n",
    "dateline-only.txt": _text(""),
    "no-date.txt": b"Iran, Syria sign military pact\n\nTEHRAN - " + GOOD.encode() + b"\n",
    "blank-lines.txt": _text(GOOD) + b"\n" * 20000,
    "one-long-line.txt": _text((GOOD + " ") * 150),
    "crlf-only.txt": b"\r\n" * 100,
    # language
    "french.txt": _text("Le pr\u00e9sident de la R\u00e9publique a annonc\u00e9 mardi une nouvelle s\u00e9rie de mesures "
                        "pour soutenir les entreprises touch\u00e9es par la crise, a indiqu\u00e9 le minist\u00e8re."),
    "arabic.txt": _text("\u0623\u0639\u0644\u0646 \u0627\u0644\u0631\u0626\u064a\u0633 " * 30),
    "emoji.txt": _text(GOOD + " \U0001f600\U0001f4a5" * 50),
    "zero-width-and-rtl.txt": _text(GOOD.replace(" ", " \u200b") + " \u202eevil\u202c"),
    # dates
    "date-9999.txt": b"Iran, Syria sign military pact\nDecember 31, 9999\n\nTEHRAN - " + GOOD.encode() + b"\n",
    "date-1899.txt": b"Iran, Syria sign military pact\nJuly 8, 1899\n\nTEHRAN - " + GOOD.encode() + b"\n",
    "date-31-february.txt": b"Iran, Syria sign military pact\n31/02/2020\n\nTEHRAN - " + GOOD.encode() + b"\n",
    "event-date-9999.txt": _text(GOOD.replace("on Wednesday", "on December 31, 9999")),
    "date-0001.jsonl": _jsonl(_record(date="0001-01-01")),
    "date-far-future.jsonl": _jsonl(_record(date="2999-01-01")),
    "date-hour-25.jsonl": _jsonl(_record(date="2020-07-08T25:00:00")),
    "date-object.jsonl": _jsonl(_record(date={"y": 2020})),
    "date-number.jsonl": _jsonl(_record(date=20200708)),
    # pathological text
    "brackets-50k.txt": _text(GOOD + " " + "(" * 50_000),
    "paren-pairs.txt": _text(GOOD + " " + "()" * 20_000),
    "mixed-affixes.txt": _text(GOOD + " " + ("(" * 31 + "a" + ")" * 31) * 3000),
    "quotes-run.txt": _text(GOOD + " " + "'\"" * 20_000),
    "long-token.txt": _text(GOOD + " " + "a" * 300_000),
    "too-many-chars.txt": _text((GOOD + " ") * 7000),  # over 1,000,000 characters
    "dense-sentences.txt": _text("Iran said that it was attacked by Iraq. " * 400),
    "deep-underscores.txt": _text(GOOD + " " + "_" * 40_000),
    # JSON lines
    "bad-json.jsonl": b'{"text": "unterminated\n' + _jsonl(_record()),
    "surrogate-escape.jsonl": b'{"text": "Iran and Syria signed \\ud800 a pact in Damascus on Wednesday, officials said.", "date": "2020-07-08"}\n',
    "surrogate-key.jsonl": b'{"text": "' + GOOD.encode() + b'", "date": "2020-07-08", "\\udfff": 1}\n',
    "deep-nesting.jsonl": b"[" * 5000 + b"]" * 5000 + b"\n",
    "deep-metadata.jsonl": _jsonl(_record()).replace(b"}\n", b', "x": ' + b"[" * 990 + b"]" * 990 + b"}\n"),
    "big-integer.jsonl": b'{"text": "x", "n": ' + b"9" * 5000 + b"}\n",
    "array-line.jsonl": b"[1, 2, 3]\n",
    "scalar-line.jsonl": b"42\n",
    "text-number.jsonl": _jsonl(_record(text=12345)),
    "text-null.jsonl": _jsonl(_record(text=None)),
    "text-list.jsonl": _jsonl(_record(text=["a", "b"])),
    "url-list.jsonl": _jsonl(_record(url=["http://a", "http://b"], source={"name": "x"})),
    "duplicate-keys.jsonl": b'{"text": "short", "text": "' + GOOD.encode() + b'", "date": "2020-07-08"}\n',
    "bom.jsonl": b"\xef\xbb\xbf" + _jsonl(_record()),
    "crlf.jsonl": _jsonl(_record(), _record(text=GOOD + " Again.")).replace(b"\n", b"\r\n"),
    "same-id-other-text.jsonl": _jsonl(_record(id="a1", source="VOA"), _record(id="a1", source="VOA", text=GOOD + " Changed.")),
    "nul-escape.jsonl": _jsonl(_record(text=GOOD + "\u0000 end")),
    "empty-array.json": b"[]",
    "truncated.json": b'[{"text": "' + GOOD.encode() + b'", "date": "2020',
    "scalar.json": b'"just a string"',
    "nan.jsonl": b'{"text": "' + GOOD.encode() + b'", "date": "2020-07-08", "score": NaN}\n',
    # markup
    "empty.html": b"<html></html>",
    "script-only.html": b"<html><body><script>alert(1)</script></body></html>",
    "unclosed.html": b"<html><body><p>" + GOOD.encode() + b"<div><div><span>",
    "deep-divs.html": b"<html><body>" + b"<div>" * 20000 + GOOD.encode() + b"</div>" * 20000 + b"</body></html>",
    "bad.rss": b"<?xml version='1.0'?><rss><channel><item><title>x</broken>",
    "no-items.rss": b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>",
    "entity-bomb.rss": (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                        + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                                   for i in range(1, 10))
                        + b']><rss version="2.0"><channel><title>t</title>'
                        + FEED_ITEM.format(body="&lol9;").encode() + b"</channel></rss>"),
    "garbage.warc": b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999999\r\n\r\nshort",
    "garbage.warc.gz": gzip.compress(b"not a warc at all"),
    "not-gzip.warc.gz": b"plain bytes pretending",
}


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _broken_link(path: Path) -> None:
    path.symlink_to(path.parent / "does-not-exist")


def _link_loop(path: Path) -> None:
    path.symlink_to(path)


SPECIAL: dict[str, Callable[[Path], None]] = {
    "fifo.txt": _fifo,
    "broken-link.txt": _broken_link,
    "link-loop.txt": _link_loop,
}


def write_corpus(directory: Path) -> list[Path]:
    """Write every case into ``directory``; returns the paths (special files included)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in CASES.items():
        path = directory / name
        path.write_bytes(data)
        paths.append(path)
    for name, make in SPECIAL.items():
        make(directory / name)
        paths.append(directory / name)
    return paths
