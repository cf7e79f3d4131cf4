"""Readers for PETRARCH actor and agent dictionaries.

Actor file: ``NAME [CODE]`` lines (words joined by ``_`` or spaces; a trailing ``_`` means the
last word must match exactly, otherwise it is a stem), ``+SYNONYM`` lines naming the same actor,
and code lines — on the entry's line or indented below it — with optional date restrictions:
``[HOB < 950601]``, ``[HOBGOV 19950601 - 19990815]``, ``[HOBREB > 990816]``,
``[ORCHOB 20100109-20100112]``; a code without dates is the default. ``#`` starts a comment;
``<!-- … -->`` lines are comments.

Agent file: ``ROLE_WORDS {PLURALS} [~SUFFIX]`` (``~GOV`` follows the actor's code, ``NGO~``
precedes it), and macros ``!PERSON! = MAN, MEN, …`` expanded where ``!PERSON!`` appears.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Mapping

from ..errors import DictionaryFormatError, ResourceError

_CODE_RE = re.compile(r"\[([^\]]*)\]")
_AGENT_CODE_RE = re.compile(r"\[([^\]}]*)[\]}]")  # Phoenix.agents has a "[~ENV}" that PETRARCH reads
_RANGE_RE = re.compile(r"^(\S+)\s*(?:(\d+)\s*-\s*(\d+)|(<|>)?\s*(\d+))?$")


@dataclass(frozen=True, slots=True)
class DatedCode:
    code: str
    start: date | None = None  # inclusive
    end: date | None = None  # exclusive (an "A-B" range is stored with end B + 1 day)

    def applies(self, when: date) -> bool:
        return (self.start is None or when >= self.start) and (self.end is None or when < self.end)


@dataclass(frozen=True, slots=True)
class ActorEntry:
    name: str  # as written, e.g. "GOLLUM"
    words: tuple[str, ...]  # upper-case words
    exact: bool  # trailing "_": no stem match on the last word
    codes: tuple[DatedCode, ...]
    line_no: int

    def code_on(self, when: date | None) -> str | None:
        dated = [c for c in self.codes if c.start or c.end]
        if when is not None:
            fits = [c for c in dated if c.applies(when)]
            if fits:  # an interval embedded in another overrides it: the narrowest applies
                return min(fits, key=lambda c: (c.end - c.start).days if c.start and c.end else float("inf")).code
        plain = [c.code for c in self.codes if not (c.start or c.end)]
        return plain[0] if plain else None


@dataclass(frozen=True, slots=True)
class AgentEntry:
    words: tuple[str, ...]
    code: str  # e.g. "GOV", "GOVMED"
    prefix: bool  # "NGO~": the agent code goes before the actor's
    line_no: int
    exact: bool = True  # False: the last word is a stem ("MINISTR")


def parse_date(text: str) -> date:
    """YYMMDD (TABARI; 19xx for YY > 30, as PETRARCH reads them) or YYYYMMDD; anything else is a ValueError."""
    if len(text) not in (6, 8):
        raise ValueError(f"{text} is neither YYMMDD nor YYYYMMDD")
    if len(text) == 6:
        yy = int(text[:2])
        return date(1900 + yy if yy > 30 else 2000 + yy, int(text[2:4]), int(text[4:6]))
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def parse_code(text: str, path: str, line_no: int, line: str) -> DatedCode | None:
    """One ``[CODE dates]`` block; None (skipped) when its date is not a calendar date."""
    m = _RANGE_RE.match(text.strip())
    if not m:
        raise DictionaryFormatError(path, line_no, line, "unreadable code block")
    code, start, end, op, one = m.groups()
    try:
        if op == "<":
            return DatedCode(code, None, parse_date(one))
        if one:  # "> date", or a bare date (read as a start date)
            return DatedCode(code, parse_date(one), None)
        if start:
            return DatedCode(code, parse_date(start), parse_date(end) + timedelta(days=1))  # "A-B" holds B
    except ValueError:  # e.g. "9008223" in Phoenix.Countries: PETRARCH skips such blocks too
        return None
    return DatedCode(code)


def _strip(line: str) -> str:
    return line.split("#", 1)[0].rstrip()


def _words(name: str) -> tuple[tuple[str, ...], bool]:
    exact = name.endswith("_")
    words = tuple(w for w in re.split(r"[_\s]+", name.strip("_ ").upper()) if w)
    return words, exact


def read_actors(path: str | Path) -> list[ActorEntry]:
    """Every actor phrase (entries and their synonyms) with its dated codes."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise ResourceError(f"cannot read actor dictionary {path}: {exc}") from exc
    entries: list[ActorEntry] = []
    group: list[tuple[str, int]] = []  # (name, line_no) of the entry being read and its synonyms
    codes: list[DatedCode] = []

    def flush() -> None:
        if group and codes:
            for name, no in group:
                words, exact = _words(name)
                if words:
                    entries.append(ActorEntry(name, words, exact, tuple(codes), no))

    for no, raw in enumerate(lines, start=1):
        line = _strip(raw)
        if not line.strip() or line.lstrip().startswith("<"):
            continue
        body = line.strip()
        parsed = (parse_code(c, str(path), no, raw) for c in _CODE_RE.findall(body))
        found = [c for c in parsed if c is not None]
        name = _CODE_RE.sub("", body).strip()
        if body.startswith("+"):
            group.append((name[1:], no))
            codes.extend(found)
        elif raw[:1].isspace() and not name:
            codes.extend(found)
        elif name:
            flush()
            group, codes = [(name, no)], list(found)
        else:
            raise DictionaryFormatError(str(path), no, raw, "a code line with no actor before it")
    flush()
    return entries


def read_agents(path: str | Path, notes: list[str] | None = None) -> list[AgentEntry]:
    """Agent entries; lines with no code (a few in Phoenix.agents.txt) are skipped with a note."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise ResourceError(f"cannot read agent dictionary {path}: {exc}") from exc
    macros: dict[str, list[str]] = {}
    out: list[AgentEntry] = []
    for no, raw in enumerate(lines, start=1):
        line = _strip(raw).strip()
        if not line or line.startswith("<"):
            continue
        if line.startswith("!") and "=" in line:
            name, values = line.split("=", 1)
            macros[name.strip()] = [v.strip() for v in values.split(",") if v.strip()]
            continue
        m = _AGENT_CODE_RE.search(line)
        if not m:
            if notes is not None:
                notes.append(f"{path}:{no}: agent line without a [code], skipped: {raw.strip()[:80]}")
            continue
        tag = m.group(1).strip()
        prefix = tag.endswith("~") and not tag.startswith("~")
        code = tag.strip("~ ")
        head = line[: m.start()].strip()
        plural_forms: list[str] | None = None  # "{}" or "{GEESE}": these plurals only, none generated
        if "{" in head:
            head, _, rest = head.partition("{")
            plural_forms = rest.rstrip("}").split()
        for phrase in _expand(head.strip(), macros):
            plurals = [_plural(phrase)] if plural_forms is None else plural_forms
            for form in sorted({phrase, *plurals}):
                words, _ = _words(form)
                if words:  # PETRARCH matches agents as whole words: "DIPLOMAT" is not "DIPLOMATIC"
                    out.append(AgentEntry(words, code, prefix, no, True))
    return out


def _expand(phrase: str, macros: Mapping[str, list[str]]) -> Iterable[str]:
    for name, values in macros.items():
        if name in phrase:
            return [phrase.replace(name, value) for value in values]
    return [phrase]


def _plural(phrase: str) -> str:
    word = phrase.rstrip("_")
    if word.endswith("Y") and word[-2:-1] not in "AEIOU":
        return word[:-1] + "IES"
    if word.endswith(("S", "X", "CH", "SH")):
        return word + "ES"
    return word + "S"
