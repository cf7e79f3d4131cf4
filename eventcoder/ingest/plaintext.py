"""Plain-text articles in the seed's shape: headline, date line, ``CITY -`` dateline, body,
author initials.

Only the layout is read here; bytes, sizes and encodings are checked before (``checks``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from eventcoder.ingest.checks import Problem, language_problem, length_problem, reject
from eventcoder.ingest.options import IngestOptions
from eventcoder.ingest.pubdate import parse_published
from eventcoder.records import Article, Rejection, stable_id

HEADER_LINES = 4  # the date line must be among the first four non-blank lines

# A wire dateline: one or more all-caps places joined by "/" ("ANKARA/LESBOS", "WASHINGTON/MOSCOW"),
# up to three ", Qualifier" parts (", Greece", ", D.C.", ", Ukraine, March 3", ", March 3, 2022"),
# an optional "(Agency)", then a dash. A place is 2-3 all-caps words ("NEW DELHI", "ST LOUIS",
# "UNITED NATIONS") or one of at least three letters, and not bare initials, so that sentences
# such as "US - China talks ...", "EU - Turkey deal ..." or "U.S. - China talks ..." stay text.
_PLACE = r"(?!(?:[A-Z]\.)+[^A-Z])(?:[A-Z][A-Z'.\-]+(?: [A-Z][A-Z'.\-]*){1,2}|[A-Z][A-Z'.\-]{2,})"
_DATELINE = re.compile(
    rf"(?P<place>{_PLACE}(?: ?/ ?{_PLACE})*)"
    r"(?:, ?[A-Z0-9][A-Za-z0-9.]*(?: [A-Za-z0-9.]+){0,2}){0,3}"
    r" *(?:\((?P<agency>[^()\n]{1,40})\) *)?"
    r"(?:-{1,2}|[\u2013\u2014]) +"
)
_PLACE_SEPARATOR = re.compile(r" ?/ ?")
_INITIALS = re.compile(r"\(?[A-Z]{1,5}(?: ?/ ?[A-Z]{1,5}){0,3}\)?")
_MAX_INITIALS = 20


@dataclass(frozen=True, slots=True)
class Body:
    """Body paragraphs with the dateline and trailing initials taken off."""

    text: str
    dateline: str | None = None
    agency: str | None = None
    initials: str | None = None


def normalise(text: str) -> str:
    """LF line ends, no trailing whitespace on any line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def paragraphs_of(text: str) -> list[list[str]]:
    """Runs of non-blank lines (each paragraph keeps its own line breaks)."""
    blocks: list[list[str]] = [[]]
    for line in normalise(text).split("\n"):
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def clean_body(paragraphs: list[list[str]]) -> Body:
    """Take the dateline off the first paragraph and an initials line off the end.

    ``Body.dateline`` is the first place of the dateline, without its qualifiers: "DAMASCUS" for
    "DAMASCUS, Syria (Reuters) -", "KYIV" for "KYIV, Ukraine, March 3 (Reuters) -", and "ANKARA"
    for the multi-bureau "ANKARA/LESBOS, Greece (Reuters) -" (the reporting places after the
    slash, and a qualifier that belongs to the last of them, are dropped so that the dateline
    names one place that ``where.dateline_location`` can look up).
    """
    paras = [list(p) for p in paragraphs]
    initials = None
    last = paras[-1] if paras else []
    if len(paras) > 1 and len(last) == 1 and len(last[0].strip()) <= _MAX_INITIALS:
        if _INITIALS.fullmatch(last[0].strip()):
            initials = paras.pop()[0].strip()
    dateline = agency = None
    if paras:
        first = paras[0][0]
        match = _DATELINE.match(first.lstrip())
        if match and first.lstrip()[match.end():].strip():
            dateline, agency = _PLACE_SEPARATOR.split(match["place"])[0], match["agency"]
            paras[0][0] = first.lstrip()[match.end():]
    text = "\n\n".join("\n".join(p) for p in paras)
    return Body(text=text, dateline=dateline, agency=agency, initials=initials)


def parse_plaintext(text: str, *, origin: str, name: str, options: IngestOptions) -> Article | Rejection:
    """One decoded plain-text file (or stdin) as an Article, or why it is not one."""
    paras = paragraphs_of(text)
    if not paras:
        return reject(origin, Problem("empty", "only whitespace"))
    headline, published, extra, body_paras = _split_header(paras, day_first=options.day_first)
    body = clean_body(body_paras)
    problem = length_problem(body.text, options.min_chars)
    if problem is None and options.require_english:
        problem = language_problem(f"{headline}\n{body.text}")
    if problem is None and published is None:
        published = options.default_date
        if published is None:
            problem = Problem("no-date", f"no date line in the first {HEADER_LINES} lines "
                                         "(set IngestOptions.default_date to accept undated text)")
    article_id = stable_id("", name, body.text)
    if problem is not None or published is None:
        return reject(origin, problem or Problem("no-date"), article_id)
    metadata = _metadata(extra, body)
    return Article(id=article_id, headline=headline, text=body.text, published=published,
                   dateline=body.dateline, origin=origin, metadata=metadata)


def _split_header(
    paras: list[list[str]], *, day_first: bool
) -> tuple[str, date | datetime | None, list[str], list[list[str]]]:
    """(headline, date, lines between them, body paragraphs)."""
    lines = [(i, j, line.strip()) for i, p in enumerate(paras) for j, line in enumerate(p)]
    head = lines[:HEADER_LINES]
    first_date = parse_published(head[0][2], day_first=day_first)
    extra: list[str]
    if first_date is not None and len(head) > 1:  # date line above the headline
        headline, published, used, extra = head[1][2], first_date, 1, []
    else:
        headline, published, used, extra = head[0][2], None, 0, []
        for k in range(1, len(head)):
            published = parse_published(head[k][2], day_first=day_first)
            if published is not None:
                used, extra = k, [h[2] for h in head[1:k]]
                break
    i, j, _ = lines[used]
    rest_of_block = paras[i][j + 1:]
    body = ([rest_of_block] if rest_of_block else []) + paras[i + 1:]
    return headline, published, extra, body


def _metadata(extra: list[str], body: Body) -> tuple[tuple[str, str], ...]:
    pairs = [("agency", body.agency), ("author_initials", body.initials),
             ("subheading", " / ".join(extra) if extra else None)]
    return tuple(sorted((k, v) for k, v in pairs if v))
