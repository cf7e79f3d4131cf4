"""Readers for PETRARCH discard and issue dictionaries, and their matchers.

Discards: a phrase per line; ``+PHRASE`` voids the whole story, a plain phrase the sentence.
Issues (``Phoenix.IssueCoding.txt``): ``<ISSUE CATEGORY=… TYPE=…>`` sections of keyword lines
``words [ISSUE_CODE]`` where ``n:word`` also matches the plural, ``a+b`` matches "a b" and
"a-b", and ``~phrase`` lines name phrases that must not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..errors import DictionaryFormatError, ResourceError


@dataclass(frozen=True, slots=True)
class Discards:
    sentence: tuple[tuple[str, ...], ...]
    story: tuple[tuple[str, ...], ...]

    def voids(self, words: list[str], *, story: bool = False) -> str | None:
        """The discard phrase found in the (upper-case) words, if any."""
        for phrase in self.story if story else self.sentence:
            n = len(phrase)
            for i in range(len(words) - n + 1):
                if tuple(words[i : i + n]) == phrase:
                    return " ".join(phrase)
        return None


def _read_lines(path: Path, what: str) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise ResourceError(f"cannot read {what} {path}: {exc}") from exc


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(w for w in re.split(r"[\s_]+", text.strip().upper()) if w)


def read_discards(path: str | Path) -> Discards:
    sentence: list[tuple[str, ...]] = []
    story: list[tuple[str, ...]] = []
    for raw in _read_lines(Path(path), "discard dictionary"):
        line = raw.split("#", 1)[0].split(";", 1)[0].strip()
        if not line or line.startswith("<"):
            continue
        (story if line.startswith("+") else sentence).append(_phrase(line.lstrip("+")))
    return Discards(tuple(p for p in sentence if p), tuple(p for p in story if p))


@dataclass(frozen=True, slots=True)
class IssueKeyword:
    words: tuple[tuple[str, ...], ...]  # alternatives for each position
    code: str
    category: str


@dataclass(frozen=True, slots=True)
class IssueDictionary:
    keywords: tuple[IssueKeyword, ...]
    exclusions: tuple[tuple[str, ...], ...]
    by_first: dict[str, tuple[int, ...]] = field(default_factory=dict)  # first word → keyword indexes

    @classmethod
    def of(cls, keywords: Sequence[IssueKeyword], exclusions: Sequence[tuple[str, ...]]) -> "IssueDictionary":
        index: dict[str, list[int]] = {}
        for n, kw in enumerate(keywords):
            for first in kw.words[0]:
                index.setdefault(first, []).append(n)
        return cls(tuple(keywords), tuple(exclusions), {k: tuple(v) for k, v in index.items()})

    def issues_in(self, text: str) -> tuple[str, ...]:
        """Issue codes whose keywords occur in ``text`` (not inside an excluded phrase), in
        dictionary order. One pass over the words, looking keywords up by their first word."""
        words = re.findall(r"[a-z0-9']+", text.lower())
        present = set(words)
        blocked: set[int] = set()
        for phrase in self.exclusions:
            if phrase and phrase[0] in present:
                for i in _positions(words, tuple((w,) for w in phrase)):
                    blocked.update(range(i, i + len(phrase)))
        hits: dict[str, int] = {}
        for i, word in enumerate(words):
            if i in blocked:
                continue
            for n in self.by_first.get(word, ()):
                kw = self.keywords[n]
                if kw.code in hits and hits[kw.code] <= n:
                    continue
                size = len(kw.words)
                if i + size <= len(words) and all(words[i + k] in kw.words[k] for k in range(1, size)):
                    hits[kw.code] = n
        return tuple(sorted(hits, key=hits.__getitem__))


def _positions(words: list[str], pattern: tuple[tuple[str, ...], ...]) -> list[int]:
    n = len(pattern)
    return [i for i in range(len(words) - n + 1) if all(words[i + k] in pattern[k] for k in range(n))]


def _keyword_words(text: str) -> tuple[tuple[str, ...], ...]:
    out: list[tuple[str, ...]] = []
    for token in text.lower().replace("-", "+").split():
        for part in token.split("+"):
            if part.startswith("n:"):
                base = part[2:]
                out.append((base, base + "s", base + "es", base[:-1] + "ies" if base.endswith("y") else base + "s"))
            elif part:
                out.append((part,))
    return tuple(out)


def read_issues(path: str | Path) -> IssueDictionary:
    path = Path(path)
    keywords: list[IssueKeyword] = []
    exclusions: list[tuple[str, ...]] = []
    category = ""
    for no, raw in enumerate(_read_lines(path, "issue dictionary"), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("</"):
            continue
        if line.startswith("<ISSUE"):
            m = re.search(r'CATEGORY="([^"]+)"', line)
            category = m.group(1) if m else ""
            continue
        if line.startswith("~"):
            exclusions.append(tuple(w for part in _keyword_words(line[1:]) for w in part[:1]))
            continue
        m = re.match(r"^(.*?)\s*\[([^\]]+)\]", line)  # text after the code (e.g. "*****") is ignored
        if m:
            keywords.append(IssueKeyword(_keyword_words(m.group(1)), m.group(2).strip(), category))
        elif category and "[" not in line:  # a bare keyword codes as its section's category
            keywords.append(IssueKeyword(_keyword_words(line), category, category))
        else:
            raise DictionaryFormatError(str(path), no, raw, "issue keyword outside an <ISSUE> section or with a broken [CODE]")
    return IssueDictionary.of(keywords, exclusions)
