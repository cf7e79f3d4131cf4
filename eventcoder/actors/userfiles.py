"""User actor files: an analyst's own actors, loaded on top of the shipped ones.

Two formats, told apart by the file name:

* ``*.csv``: ``name,code[,start,end]`` per line (a ``name,code,start,end`` header is allowed;
  ``#`` lines and blank lines are skipped); dates ``YYYY-MM-DD`` or ``YYYYMMDD``, both ends
  inclusive, either may be empty. Several lines with the same name give one actor with dated codes.
* anything else: a PETRARCH actor dictionary, read by :func:`eventcoder.petrarch.actorsdict.read_actors`
  (``NAME_`` lines, ``+SYNONYM`` lines, ``[CODE]`` / ``[CODE 20200101-20241231]`` lines, ``#`` comments).

A code left as a placeholder (``[---]``, as ``eventcoder actors --unknown --stub`` writes them)
is skipped, and so is an entry with no other code. Any other line that cannot be read raises
:class:`~eventcoder.errors.DictionaryFormatError` naming the file and line.
"""

from __future__ import annotations

import csv
import os
import re
from datetime import date, timedelta
from pathlib import Path

from ..errors import DictionaryFormatError, ResourceError
from ..petrarch.actorsdict import ActorEntry, DatedCode, parse_date, read_actors

_CODE = re.compile(r"^[A-Z0-9]{3,}$")


def split_paths(value: str) -> list[Path]:
    """The files named by a ``user_actors`` setting: separated by commas or ``os.pathsep``."""
    parts = re.split(f"[,{re.escape(os.pathsep)}]", value or "")
    return [Path(p.strip()).expanduser() for p in parts if p.strip()]


def is_placeholder(code: str) -> bool:
    """``---`` (or any run of dashes or question marks): a code still to be filled in."""
    return not code.strip("-?")


def read_user_actors(path: str | Path) -> list[ActorEntry]:
    """The actor entries of one user file (CSV or PETRARCH format), placeholders left out."""
    path = Path(path)
    if not path.is_file():
        raise ResourceError(f"user actor file {path} does not exist (setting user_actors / --actors)")
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    out: list[ActorEntry] = []
    for entry in read_actors(path):
        codes = tuple(c for c in entry.codes if not is_placeholder(c.code))
        for c in codes:
            _check_code(c.code, path, entry.line_no, entry.name)
        if codes:
            out.append(ActorEntry(entry.name, entry.words, entry.exact, codes, entry.line_no))
    return out


def load_user_actors(value: str) -> list[ActorEntry]:
    """Every entry of every file a ``user_actors`` setting names, in file order."""
    return [entry for path in split_paths(value) for entry in read_user_actors(path)]


def _check_code(code: str, path: Path, line_no: int, line: str) -> None:
    if not _CODE.match(code):
        raise DictionaryFormatError(str(path), line_no, line, f"{code!r} is not a CAMEO actor code "
                                    "(capital letters and digits, e.g. USAGOV; [---] to leave it out)")


def _read_csv(path: Path) -> list[ActorEntry]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"cannot read user actor file {path}: {exc}") from exc
    lines = text.splitlines()
    names: dict[str, tuple[int, list[DatedCode]]] = {}
    reader = csv.reader(lines)
    for row in reader:
        no = reader.line_num
        raw = lines[no - 1] if no - 1 < len(lines) else ",".join(row)
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if [c.lower() for c in cells[:2]] == ["name", "code"]:
            continue  # header
        if not 2 <= len(cells) <= 4:
            raise DictionaryFormatError(str(path), no, raw, f"expected name,code[,start,end], found {len(cells)} fields")
        name, code = cells[0], cells[1].upper()
        if not name:
            raise DictionaryFormatError(str(path), no, raw, "no name")
        if is_placeholder(code):
            continue
        _check_code(code, path, no, raw)
        start = _csv_date(cells[2] if len(cells) > 2 else "", path, no, raw)
        end = _csv_date(cells[3] if len(cells) > 3 else "", path, no, raw)
        if start and end and end < start:
            raise DictionaryFormatError(str(path), no, raw, "the end date is before the start date")
        dated = DatedCode(code, start, end + timedelta(days=1) if end else None)  # end inclusive
        names.setdefault(name, (no, []))[1].append(dated)
    out: list[ActorEntry] = []
    for name, (no, codes) in names.items():
        words = tuple(w for w in re.split(r"[_\s]+", name.upper()) if w)
        out.append(ActorEntry(name, words, True, tuple(codes), no))
    return out


def _csv_date(text: str, path: Path, no: int, raw: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text) if "-" in text else parse_date(text)
    except ValueError:
        raise DictionaryFormatError(str(path), no, raw, f"{text!r} is not a date (YYYY-MM-DD or YYYYMMDD)") from None
