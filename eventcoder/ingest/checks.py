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
# Function words of other languages written in Latin script (French, Spanish, German, Italian,
# Portuguese, Dutch, Indonesian, Turkish), leaving out every one that is also an English word.
_FOREIGN_WORDS = frozenset(
    "le la les des du et est une un pour dans que qui sur par pas au aux avec il elle ont été sont ce cette "
    "ses leur el los las del y es una por para con se su sus fue ha han al lo como más pero der das und ist "
    "ein eine nicht mit von zu den dem im auf sich für wird wurde sind auch di che è gli della non sono alla "
    "anche os da dos das em um uma não com foi são het een niet zijn werd ook yang dan ini itu dengan untuk "
    "dari tidak akan pada ve bir bu için ile olarak".split()
) - frozenset("die do as con son a in on is it per come am an".split())
_MIN_ENGLISH_SHARE = 0.05
_LANGUAGE_WINDOW = 300
_MIN_WORDS_TO_JUDGE = 20
_LONG_ENOUGH = 60  # below this many words a low English share alone is not evidence (headlines, captions)
_NON_LATIN_SHARE = 0.5
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Problem:
    """Why an input cannot become an article (``reason`` is the Rejection reason)."""

    reason: str
    detail: str = ""


SURROGATE = re.compile("[\ud800-\udfff]")  # a lone UTF-16 surrogate: not storable text


def reject(origin: str, problem: Problem, article_id: str | None = None) -> Rejection:
    """A Rejection whose texts can be stored (a lone surrogate quoted from the input becomes U+FFFD)."""
    return Rejection(origin=printable(origin), stage=STAGE, reason=problem.reason,
                     detail=printable(problem.detail), article_id=article_id)


def printable(text: str) -> str:
    return SURROGATE.sub("\ufffd", text)


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
    """Not English when under 5 % of the words are English function words and either the text is
    long enough to judge that way, another language's function words outnumber English ones, or
    most words are not in Latin script. Short English (a headline, a caption, a terse sentence
    such as "A suicide bomber in Mogadishu killed at least six people near the palace") passes."""
    words = _WORD.findall(text[: _LANGUAGE_WINDOW * 20].lower())[:_LANGUAGE_WINDOW]
    if len(words) < _MIN_WORDS_TO_JUDGE:
        return None
    english = sum(1 for w in words if w in _ENGLISH_WORDS) / len(words)
    if english >= _MIN_ENGLISH_SHARE:
        return None
    foreign = sum(1 for w in words if w in _FOREIGN_WORDS) / len(words)
    non_latin = sum(1 for w in words if not _LATIN.match(w)) / len(words)
    if len(words) >= _LONG_ENOUGH or foreign > english or non_latin >= _NON_LATIN_SHARE:
        return Problem("not-english", f"{english:.1%} English function words (needs {_MIN_ENGLISH_SHARE:.0%}); "
                                      f"{foreign:.1%} of other languages'; {non_latin:.0%} of words not in Latin script")
    return None
