"""Cheap checks on raw bytes and decoded text; each returns a ``Problem`` or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from eventcoder.records import Rejection

STAGE = "ingest"
SNIFF_BYTES = 8192
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_TEXT_CONTROLS = frozenset({9, 10, 12, 13})  # tab, LF, FF, CR
_MAX_CONTROL_SHARE = 0.10
_ENGLISH_WORDS = frozenset(
    "the of and to is that for with was by it at from his her he she they be has have had "
    "were are said not an this which will or but its their after who been would than also "
    "about into over when what there these those we our more".split()
)
_MIN_ENGLISH_SHARE = 0.05
_LANGUAGE_WINDOW = 300
_MIN_WORDS_TO_JUDGE = 20
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Problem:
    """Why an input cannot become an article (``reason`` is the Rejection reason)."""

    reason: str
    detail: str = ""


def reject(origin: str, problem: Problem, article_id: str | None = None) -> Rejection:
    return Rejection(origin=origin, stage=STAGE, reason=problem.reason, detail=problem.detail,
                     article_id=article_id)


def size_problem(size: int, max_bytes: int) -> Problem | None:
    if size == 0:
        return Problem("empty", "0 bytes")
    if size > max_bytes:
        return Problem("too-large", f"{size} bytes; the limit is {max_bytes} (IngestOptions.max_bytes)")
    return None


def binary_problem(head: bytes) -> Problem | None:
    """NUL bytes or many control characters in the first 8 KB mean it is not text."""
    sample = head[:SNIFF_BYTES]
    if not sample or sample.startswith(_UTF16_BOMS):
        return None
    nul = sample.find(b"\x00")
    if nul >= 0:
        return Problem("binary", f"NUL byte at offset {nul}")
    controls = sum(1 for b in sample if (b < 32 and b not in _TEXT_CONTROLS) or b == 127)
    share = controls / len(sample)
    if share > _MAX_CONTROL_SHARE:
        return Problem("binary", f"{share:.0%} control characters in the first {len(sample)} bytes")
    return None


def decode_text(data: bytes) -> str | Problem:
    """Strict UTF-8 (a BOM is allowed and dropped); UTF-16 only when it starts with its BOM."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            return Problem("invalid-utf8", f"bad UTF-16 at byte {err.start}: {err.reason}")
    skip = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as err:
        offset = err.start + skip
        bad = data[offset:offset + 4].hex(" ")
        return Problem("invalid-utf8", f"byte offset {offset}: {err.reason} (bytes {bad})")


def length_problem(text: str, min_chars: int) -> Problem | None:
    size = len(text.strip())
    if size == 0:
        return Problem("no-text", "no body text")
    if size < min_chars:
        return Problem("too-short", f"{size} characters; the minimum is {min_chars} (IngestOptions.min_chars)")
    return None


def english_share(text: str, *, window: int = _LANGUAGE_WINDOW) -> float | None:
    """Share of common English function words among the first ``window`` words.

    None when there are too few words to judge. Words shared with French or Spanish
    ("a", "on", "in", "as", "de") are left out of the list on purpose.
    """
    words = _WORD.findall(text[: window * 20].lower())[:window]
    if len(words) < _MIN_WORDS_TO_JUDGE:
        return None
    return sum(1 for w in words if w in _ENGLISH_WORDS) / len(words)


def language_problem(text: str) -> Problem | None:
    share = english_share(text)
    if share is not None and share < _MIN_ENGLISH_SHARE:
        return Problem("not-english", f"{share:.1%} English function words (needs {_MIN_ENGLISH_SHARE:.0%})")
    return None
