"""PETRARCH validation records: read both XML layouts, code each text from scratch, score.

PETRARCH layout: ``<Sentence date id category>`` enclosing ``<EventCoding sourcecode targetcode
eventcode>`` (or ``noevents="True"``), ``<Text>`` and ``<Parse>``. UniversalPetrarch layout: a
self-closing ``<Sentence … />`` followed by sibling ``<EventCoding>``, ``<Text>``, ``<Parse>``
elements. The ``<Parse>`` is ignored: eventcoder parses the raw text itself (so records that
expect PETRARCH's "bad_input_parse" error for a malformed supplied tree cannot pass).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

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


def _date(value: str, where: str) -> date:
    value = value.strip()
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except (ValueError, IndexError) as exc:
        raise InputError(f"{where}: bad date {value!r} (want YYYYMMDD)") from exc


def _finish(p: _Pending, path: str) -> Record:
    rid = p.attrs.get("id", "?")
    category = (p.attrs.get("category") or p.attrs.get("source") or rid.split("-")[0].split("_")[0]).upper()
    text = " ".join(p.text.split())
    return Record(rid, category, _date(p.attrs.get("date", ""), f"{path} record {rid}"), text, tuple(p.codings), p.require_dyad)


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
    """The environment and every record of a validation file, in either layout."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise InputError(f"cannot read validation records {path}: {exc}") from exc
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
            pending = _Pending(dict(child.attrib), require_dyad=options.get("require_dyad") != "false")
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

    include = " ".join(all_of("Include")).split()
    return Environment(
        verbs=next(iter(all_of("Verbfile")), None), actors=all_of("Actorfile"), agents=all_of("Agentfile"),
        discards=next(iter(all_of("Discardfile")), None), include=tuple(i.upper() for i in include if i.lower() != "valid"),
    )


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
