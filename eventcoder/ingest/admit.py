"""The last checks before an article is parsed, whoever built it (a reader, the API, a library user).

``admit`` turns an Article into one that is safe to parse and store, or into a Rejection:

- text that cannot be stored (a lone UTF-16 surrogate such as ``\\ud800`` from a JSON escape) is
  rejected with the field and position;
- a publication date outside ``MIN_PUBLISHED`` … today + ``FUTURE_SLACK`` is rejected: such a
  date is a typo or an attack, and one of them would break date arithmetic for the whole store;
- text longer than ``MAX_TEXT_CHARS`` (spaCy's own limit) is refused up front instead of failing
  in the parser;
- control characters (NUL and the other C0 codes except tab, newline, form feed and carriage
  return) become spaces, and so do runs of ``PUNCT_RUN`` or more punctuation marks and tokens of
  more than ``MAX_TOKEN_CHARS`` characters with no whitespace. Such runs carry no words, and
  spaCy's tokenizer takes time quadratic in their length (50 KB of ``(`` took four minutes).
  Spaces of the same length keep every character offset of the rest of the text. A text left
  with nothing else is rejected as ``no-text``.

Misuse (something that is not an Article, a text that is not a string, a date that is not a
date) raises ``InputError``: that is a bug in the caller, not a bad article.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta

from eventcoder.errors import InputError
from eventcoder.ingest.checks import SURROGATE, printable
from eventcoder.records import Article, Rejection

STAGE = "admit"
MIN_PUBLISHED = date(1900, 1, 1)
FUTURE_SLACK = timedelta(days=1)  # time zones: an article can carry tomorrow's date
MAX_TEXT_CHARS = 1_000_000
PUNCT_RUN = 32
MAX_TOKEN_CHARS = 400
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_JUNK = re.compile(rf"(?:[^\w\s]|_){{{PUNCT_RUN},}}|\S{{{MAX_TOKEN_CHARS + 1},}}")


def admit(article: object, *, today: date | None = None) -> Article | Rejection:
    """``article`` ready to parse (text cleaned as above), or the Rejection saying why not."""
    checked = _checked(article)
    if not checked.text.strip():
        return _reject(checked, "no-text", "the article has no text")
    if (problem := _surrogate_problem(checked)) is not None:
        return _reject(checked, "invalid-unicode", problem)
    if (problem := date_problem(checked.published_date, today=today)) is not None:
        return _reject(checked, "bad-date", problem)
    if len(checked.text) > MAX_TEXT_CHARS:
        return _reject(checked, "too-long", f"{len(checked.text)} characters; at most {MAX_TEXT_CHARS} are parsed "
                                            "(split the article)")
    text = clean_text(checked.text)
    if not text.strip():
        return _reject(checked, "no-text", "no words: only control characters, runs of punctuation or tokens of "
                                           f"more than {MAX_TOKEN_CHARS} characters")
    headline = clean_text(checked.headline)
    if text == checked.text and headline == checked.headline:
        return checked
    return dataclasses.replace(checked, text=text, headline=headline)


def date_problem(value: date, *, today: date | None = None) -> str | None:
    """Why ``value`` cannot be a publication date, or None when it can."""
    latest = (today or date.today()) + FUTURE_SLACK
    if value < MIN_PUBLISHED or value > latest:
        return (f"publication date {value.isoformat()} is outside {MIN_PUBLISHED.isoformat()} … "
                f"{latest.isoformat()} (today + {FUTURE_SLACK.days} day)")
    return None


def clean_text(text: str) -> str:
    """Control characters and wordless runs as spaces of the same length (offsets are kept)."""
    text = _CONTROL.sub(" ", text)
    return _JUNK.sub(lambda m: " " * len(m.group()), text)


def _checked(article: object) -> Article:
    if not isinstance(article, Article):
        raise InputError(f"expected an eventcoder Article, got {type(article).__name__} "
                         "(build one with eventcoder.records.Article or read files with read_inputs)")
    if not isinstance(article.text, str) or not isinstance(article.headline, str):
        raise InputError(f"article {article.id}: text and headline must be strings, got "
                         f"{type(article.text).__name__} and {type(article.headline).__name__}")
    if not isinstance(article.published, (date, datetime)):
        raise InputError(f"article {article.id}: published must be a date or datetime, got "
                         f"{type(article.published).__name__} {article.published!r:.40}")
    return article


def _surrogate_problem(article: Article) -> str | None:
    fields = [("headline", article.headline), ("text", article.text), ("outlet", article.outlet),
              ("url", article.url), ("dateline", article.dateline), ("origin", article.origin)]
    fields += [(f"metadata {key!r}", value) for key, value in article.metadata]
    fields += [("metadata key", key) for key, _ in article.metadata]
    for name, value in fields:
        if isinstance(value, str) and (found := SURROGATE.search(value)):
            return f"{name}: lone surrogate U+{ord(found.group()):04X} at character {found.start()} (not valid Unicode text)"
    return None


def _reject(article: Article, reason: str, detail: str) -> Rejection:
    return Rejection(origin=printable(article.origin), stage=STAGE, reason=reason, detail=detail, article_id=article.id)
