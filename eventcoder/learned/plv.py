"""Read PLV benchmark files: one sentence per row with a marked source and target.

Columns used: ``sentence``, ``marked_sentence`` (source in ``<s>…</s>``, target in ``<t>…</t>``),
``source``, ``target``, ``gold_root`` and ``gold_penta``; any others are ignored. YIELD stands for
PLOVER's CONCEDE and RETREAT.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from eventcoder.errors import InputError

REQUIRED_COLUMNS = ("sentence", "marked_sentence", "source", "target", "gold_root")
MERGED_ROOTS = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}
# PLV's five-way class of each root (1 verbal cooperation, 2 material cooperation, 3 verbal
# conflict, 4 material conflict), the majority value in PLV_train.
ROOT_PENTA = {
    "AGREE": "1", "CONSULT": "1", "SUPPORT": "1",
    "AID": "2", "COOPERATE": "2", "YIELD": "2",
    "ACCUSE": "3", "REJECT": "3", "REQUEST": "3", "THREATEN": "3",
    "ASSAULT": "4", "COERCE": "4", "MOBILIZE": "4", "PROTEST": "4", "SANCTION": "4",
}
TAG = re.compile(r"</?[st]>")  # the <s>, </s>, <t>, </t> tags of a marked sentence


@dataclass(frozen=True, slots=True)
class PlvPair:
    """One benchmark row: the plain sentence, its marked copy and the gold labels."""

    sentence: str
    marked_sentence: str
    source: str
    target: str
    gold_root: str
    gold_penta: str


def plv_root(name: str) -> str:
    """PLV's root for a PLOVER type name (CONCEDE and RETREAT are YIELD)."""
    upper = name.strip().upper()
    return MERGED_ROOTS.get(upper, upper)


def read_plv(path: str | Path) -> list[PlvPair]:
    """All rows of a PLV-format TSV file."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"{path}: not a PLV file, missing columns {', '.join(missing)}")
            return [_pair(row) for row in reader]
    except OSError as exc:
        raise InputError(f"cannot read PLV file {path}: {exc}") from exc


def _pair(row: dict[str, str]) -> PlvPair:
    root = plv_root(row.get("gold_root") or "")
    penta = (row.get("gold_penta") or "").strip() or ROOT_PENTA.get(root, "")
    return PlvPair(
        sentence=row["sentence"].strip(), marked_sentence=row["marked_sentence"].strip(),
        source=row["source"].strip(), target=row["target"].strip(), gold_root=root, gold_penta=penta,
    )


def marked_spans(pair: PlvPair) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """Character spans of the (first marked) source and target in ``pair.marked_sentence`` with
    its tags removed."""
    sources, targets = marked_occurrences(pair)
    return (sources[0] if sources else None), (targets[0] if targets else None)


def marked_occurrences(pair: PlvPair) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """Every marked span of the source and of the target, in order: an annotator marks each
    mention of the party ("… reduced aid to <t>Liberia</t> due to fighting in <t>Liberia</t>")."""
    points: dict[str, list[int]] = {}
    pos = 0
    last = 0
    for match in TAG.finditer(pair.marked_sentence):
        piece = pair.marked_sentence[last:match.start()]
        pos += len(piece)
        points.setdefault(match.group().strip("</>"), []).append(pos)
        last = match.end()
    return _spans(points.get("s")), _spans(points.get("t"))


def unmarked(marked: str) -> str:
    """The marked sentence with its ``<s>``/``<t>`` tags removed."""
    return TAG.sub("", marked)


def _spans(points: list[int] | None) -> tuple[tuple[int, int], ...]:
    """(open, close) pairs of tag positions; a pair out of order or left open is no span."""
    points = points or []
    pairs = zip(points[0::2], points[1::2])
    return tuple((start, end) for start, end in pairs if end > start)
