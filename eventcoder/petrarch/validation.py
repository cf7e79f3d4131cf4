"""PETRARCH validation records: read both XML layouts, code each text from scratch, score.

PETRARCH layout: ``<Sentence date id category>`` enclosing ``<EventCoding sourcecode targetcode
eventcode>`` (or ``noevents="True"``), ``<Text>`` and ``<Parse>``. UniversalPetrarch layout: a
self-closing ``<Sentence … />`` followed by sibling ``<EventCoding>``, ``<Text>``, ``<Parse>``
elements. The ``<Parse>`` is ignored: eventcoder parses the raw text itself (so records that
expect PETRARCH's "bad_input_parse" error for a malformed supplied tree cannot pass).

Files in the wild are read as PETRARCH's line reader reads them, not as strict XML: ``#`` comment
lines outside ``<Text>``/``<Parse>`` are skipped even when they hold markup, a ``</Sentence>`` after a
self-closing ``<Sentence … />`` is dropped, both layouts may be mixed, ``<Actorfile>`` and
``<Agentfile>`` may list several files separated by commas, and a date may be YYMMDD. Anything else
that is not well-formed is an :class:`InputError` naming the file, line and reason.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence
from xml.parsers import expat

from ..errors import InputError

Coding = tuple[str, str, str]  # (source, target, CAMEO code)


def error_coding(marker: str) -> Coding:
    """An expected or produced error marker ("storydiscard", "sentencediscard", …) as a coding,
    so records that expect one are scored like any other."""
    return ("ERROR", marker.strip().lower(), "")


@dataclass(frozen=True, slots=True)
class Record:
    id: str
    category: str
    date: date
    text: str
    expected: tuple[Coding, ...]  # empty with noevents
    require_dyad: bool = True  # PETRARCH option in force for this record (<Config option="require_dyad">)


@dataclass(frozen=True, slots=True)
class Environment:
    verbs: str | None = None
    actors: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    discards: str | None = None
    include: tuple[str, ...] = ()


@dataclass
class _Pending:
    attrs: dict[str, str]
    codings: list[Coding] = field(default_factory=list)
    noevents: bool = False
    text: str = ""
    require_dyad: bool = True
    line: int = 0  # of the <Sentence> start tag, for error messages


def _record_date(value: str) -> date:
    """A record's ``date`` attribute: YYYYMMDD (characters after the eighth are ignored, as in
    PETRARCH) or YYMMDD with PETRARCH's century rule (from KEDS/TABARI): YY 00-30 is 20YY, 31-99
    is 19YY, so ``121108`` is 2012-11-08. Anything else is a ValueError."""
    value = value.strip()
    if len(value) == 6 and value.isdigit():
        yy = int(value[:2])
        return date(2000 + yy if yy <= 30 else 1900 + yy, int(value[2:4]), int(value[4:6]))
    if len(value) >= 8 and value[:8].isdigit():
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    raise ValueError("not 8 or 6 digits")


def _finish(p: _Pending, path: str) -> Record:
    rid = p.attrs.get("id", "?")
    category = (p.attrs.get("category") or p.attrs.get("source") or rid.split("-")[0].split("_")[0]).upper()
    text = " ".join(p.text.split())
    value = p.attrs.get("date", "")
    try:
        when = _record_date(value)
    except ValueError as exc:
        raise InputError(f"{path}:{p.line}: record {rid}: bad date {value!r} ({exc}); want YYYYMMDD or YYMMDD") from exc
    return Record(rid, category, when, text, tuple(p.codings), p.require_dyad)


def _absorb(p: _Pending, child: ET.Element) -> None:
    if child.tag == "EventCoding":
        if child.get("noevents", "").strip().lower() == "true":
            p.noevents = True
        elif child.get("error"):  # PETRARCH's expected outcome is an error marker, e.g. "storydiscard"
            p.codings.append(error_coding(child.get("error", "")))
        else:
            p.codings.append((child.get("sourcecode", "").strip(), child.get("targetcode", "").strip(), child.get("eventcode", "").strip()))
    elif child.tag == "Text":
        p.text = child.text or ""


def read_records(path: str | Path) -> tuple[Environment, list[Record]]:
    """The environment and every record of a validation file, in either layout or both, with
    the quirks of files in the wild (see the module docstring)."""
    root, sentence_lines = _parse(Path(path))
    lines = dict(zip(root.iter("Sentence"), sentence_lines))
    env = _environment(root.find("Environment"))
    sentences = root.find("Sentences")
    container = sentences if sentences is not None else root
    records: list[Record] = []
    pending: _Pending | None = None
    options = {"require_dyad": "true"}  # <Config> elements between records change options from there on
    for child in container:
        if child.tag == "Config" and child.get("option"):
            options[child.get("option", "").strip().lower()] = child.get("value", "").strip().lower()
        elif child.tag == "Sentence":
            if pending is not None:
                records.append(_finish(pending, str(path)))
            pending = _Pending(dict(child.attrib), require_dyad=options.get("require_dyad") != "false", line=lines.get(child, 0))
            for inner in child:
                _absorb(pending, inner)
        elif pending is not None and child.tag in {"EventCoding", "Text", "Parse"}:
            _absorb(pending, child)
    if pending is not None:
        records.append(_finish(pending, str(path)))
    return env, [r for r in records if r.text]


def _environment(node: ET.Element | None) -> Environment:
    if node is None:
        return Environment()

    def all_of(tag: str) -> tuple[str, ...]:
        return tuple((e.text or "").strip() for e in node.findall(tag) if (e.text or "").strip())

    def files(tag: str) -> tuple[str, ...]:  # PETRARCH reads "A.actors.txt,B.actors.txt" as two files
        return tuple(name.strip() for text in all_of(tag) for name in text.split(",") if name.strip())

    include = " ".join(all_of("Include")).split()
    return Environment(
        verbs=next(iter(all_of("Verbfile")), None), actors=files("Actorfile"), agents=files("Agentfile"),
        discards=next(iter(all_of("Discardfile")), None), include=tuple(i.upper() for i in include if i.lower() != "valid"),
    )


# One token of a validation file, in document order: markup passed through untouched, the XML
# declaration, a tag (attribute values may hold '>'), or text. Outside <Text> and <Parse>, a line
# whose first non-blank character is '#' is one more kind of token: a comment line.
_MARKUP = (
    r"(?P<skip><!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>)"
    r"|(?P<decl><\?.*?\?>)"
)
_REST = (
    r"|(?P<tag><(?P<end>/?)(?P<name>[A-Za-z_][\w.:-]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>)"
    r"|(?P<text>[^<\n]+|\n|<)"
)
_TOKEN = re.compile(_MARKUP + r"|(?P<hash>^[ \t]*#[^\n]*)" + _REST, re.S | re.M)
_VERBATIM_TOKEN = re.compile(_MARKUP + _REST, re.S | re.M)
_VERBATIM = {"Text", "Parse"}  # a '#' line inside these is content, not a comment


def _repair(text: str) -> tuple[str, list[int]]:
    """The file with PETRARCH's tolerated quirks blanked out (lines and columns unchanged), and
    the line of every ``<Sentence`` start tag in document order. Blanked: ``#`` lines outside
    ``<Text>`` and ``<Parse>``, a ``</Sentence>`` when no ``<Sentence>`` is open (it followed a
    self-closing one), and the XML declaration (the text is already decoded)."""
    out: list[str] = []
    open_tags: list[str] = []
    sentence_lines: list[int] = []
    line, pos = 1, 0
    while pos < len(text):
        verbatim = bool(open_tags) and open_tags[-1] in _VERBATIM
        m = (_VERBATIM_TOKEN if verbatim else _TOKEN).match(text, pos)
        assert m is not None  # the text alternative matches any character
        token, kind = m.group(), m.lastgroup
        keep = kind not in {"decl", "hash"}
        if kind == "tag":
            name = m.group("name")
            if m.group("end"):
                if name in open_tags:
                    while open_tags.pop() != name:  # close it and anything left open inside it
                        pass
                elif name == "Sentence":
                    keep = False  # stray: its <Sentence … /> closed itself
            else:
                if name == "Sentence":
                    sentence_lines.append(line)
                if not token.endswith("/>"):
                    open_tags.append(name)
        out.append(token if keep else re.sub(r"[^\n]", " ", token))
        line += token.count("\n")
        pos = m.end()
    return "".join(out), sentence_lines


def _decode(raw: bytes, path: Path) -> str:
    declared = re.match(rb"\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)", raw)
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return raw.decode("utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding)
    except LookupError as exc:
        raise InputError(f"{path}:1: unknown encoding {encoding!r} in the XML declaration; re-save the file as UTF-8") from exc
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{path}:{line}: not {encoding} text ({exc.reason}); re-save the file as {encoding}") from exc


def _parse(path: Path) -> tuple[ET.Element, list[int]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read validation records {path}: {exc.strerror or exc}") from exc
    text = _decode(raw, path)
    repaired, sentence_lines = _repair(text)
    try:
        return ET.fromstring(repaired), sentence_lines
    except ET.ParseError as exc:
        line_no, column = exc.position
        lines = text.split("\n")
        source = lines[line_no - 1].strip() if 0 < line_no <= len(lines) else ""
        raise InputError(
            f"{path}:{line_no}: {expat.ErrorString(exc.code)} (column {column + 1}): {source[:120]!r}; "
            "fix the markup on that line"
        ) from exc


@dataclass(frozen=True, slots=True)
class RecordResult:
    record: Record
    produced: tuple[Coding, ...]

    @property
    def matched(self) -> int:
        want, got = Counter(self.record.expected), Counter(self.produced)
        return sum((want & got).values())

    @property
    def missing(self) -> tuple[Coding, ...]:
        return tuple((Counter(self.record.expected) - Counter(self.produced)).elements())

    @property
    def extra(self) -> tuple[Coding, ...]:
        return tuple((Counter(self.produced) - Counter(self.record.expected)).elements())

    @property
    def passed(self) -> bool:
        return not self.missing and not self.extra


@dataclass(frozen=True, slots=True)
class CategoryScore:
    records: int
    expected: int
    matched: int
    missing: int
    extra: int
    passed_records: int


def score(results: Sequence[RecordResult]) -> dict[str, CategoryScore]:
    """Per category and "ALL": expected codings, exact matches, missing, extra, records passed."""
    table: dict[str, list[int]] = {}
    for r in results:
        for key in (r.record.category, "ALL"):
            row = table.setdefault(key, [0, 0, 0, 0, 0, 0])
            row[0] += 1
            row[1] += len(r.record.expected)
            row[2] += r.matched
            row[3] += len(r.missing)
            row[4] += len(r.extra)
            row[5] += int(r.passed)
    return {k: CategoryScore(*v) for k, v in sorted(table.items(), key=lambda kv: (kv[0] == "ALL", kv[0]))}


def report_lines(results: Sequence[RecordResult], *, show_failures: bool = False) -> list[str]:
    table = score(results)
    total = table.get("ALL", CategoryScore(0, 0, 0, 0, 0, 0))
    rate = total.matched / total.expected if total.expected else 0.0
    extra_rate = total.extra / total.expected if total.expected else 0.0
    lines = [
        f"records: {total.records}  codings expected: {total.expected}  exact matches: {total.matched}  "
        f"missing: {total.missing}  extra: {total.extra}",
        f"pass rate: {rate:.1%}  extra rate: {extra_rate:.1%}  records fully correct: {total.passed_records}/{total.records}",
        "",
        f"{'category':10} {'records':>7} {'expected':>8} {'exact':>6} {'missing':>7} {'extra':>6} {'pass':>7}",
    ]
    for cat, s in table.items():
        pct = f"{s.matched / s.expected:.0%}" if s.expected else "-"
        lines.append(f"{cat:10} {s.records:>7} {s.expected:>8} {s.matched:>6} {s.missing:>7} {s.extra:>6} {pct:>7}")
    if show_failures:
        for r in results:
            if r.passed:
                continue
            lines += ["", f"{r.record.id} [{r.record.category}] {r.record.text}",
                      f"   expected: {list(r.record.expected) or 'noevents'}", f"   produced: {list(r.produced) or 'nothing'}"]
    return lines


def pass_rate(results: Iterable[RecordResult]) -> float:
    total = score(list(results)).get("ALL")
    return total.matched / total.expected if total and total.expected else 0.0


def evaluate_records(path: str | Path, *, dictionaries: str | Path | None = None,
                     all_categories: bool = False) -> list[RecordResult]:
    """Code the validation records of ``path`` from their raw text and compare with their gold.

    Only the categories the file's ``<Include>`` lists, unless ``all_categories``; the pipeline
    uses the dictionaries its ``<Environment>`` names (found in ``dictionaries``).
    """
    from .runner import code_records, petrarch_pipeline

    env, records = read_records(path)
    if env.include and not all_categories:
        records = [r for r in records if r.category in env.include]
    return list(code_records(records, petrarch_pipeline(env, dictionaries=dictionaries)))
