"""Unknown actors as the store counts them, and the PETRARCH actor-dictionary stub made of them.

The stub has one entry per unknown actor, its code a ``[---]`` placeholder under a comment with
the entity kind, the counts and an example sentence::

    # PERSON: 6 mentions (2 as source, 4 as target) in 1 article, 2020-02-14
    # e.g. "Trump met with Kim for the first time at the Singapore summit."
    KIM_
        [---]

An analyst replaces ``---`` with a CAMEO actor code (``[PRKGOV]``, or dated:
``[PRKGOV 20111217-20301231]``), may add ``+SYNONYM_`` lines, and loads the file with
``eventcoder code --actors FILE`` (setting ``user_actors``); entries still at ``[---]`` are skipped.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..errors import InputError

PLACEHOLDER = "---"
_NOT_IN_NAME = re.compile(r"[\[\]#{}~<>]")


@dataclass(frozen=True, slots=True)
class UnknownActor:
    """One row of the store's ``actors_unknown`` table."""

    text: str
    kind: str | None  # PERSON, ORG, NORP; None for an event party coded elsewhere
    count: int  # mentions, each span of each article once
    articles: int | None
    as_source: int | None
    as_target: int | None
    first_article_id: str | None
    first_seen: datetime | None  # when first stored (UTC)
    last_seen: datetime | None
    first_published: date | None  # publication dates of the first and last article naming it
    last_published: date | None
    example_sentence: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> UnknownActor:
        values: dict[str, Any] = {f.name: row.get(f.name) for f in fields(cls)}  # the table's columns
        return cls(**values)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (dates and times as ISO strings)."""
        return {k: v.isoformat() if isinstance(v, (date, datetime)) else v for k, v in asdict(self).items()}


def petrarch_name(text: str) -> str:
    """The PETRARCH dictionary name for a text: upper case, words joined by ``_``, a final ``_``
    (the last word matches whole, not as a stem). Empty when nothing usable is left."""
    words = _NOT_IN_NAME.sub(" ", text).replace("_", " ").upper().split()
    words = [w.lstrip("+") for w in words if w.lstrip("+")]
    return "_".join(words) + "_" if words else ""


def stub_text(actors: Sequence[UnknownActor], *, source: str = "") -> str:
    """The stub dictionary for ``actors`` (see the module docstring)."""
    lines = [
        f"# eventcoder actor dictionary stub: {len(actors)} unknown actor(s){' from ' + source if source else ''}",
        "# Replace each [---] with a CAMEO actor code, e.g. [USAGOV] or [SDNGOV 20190821-20251231] (dated,",
        "# both ends included); add synonyms as +NAME_ lines. Entries left at [---] are skipped.",
        "# Load it with: eventcoder code --actors THIS_FILE ... (or the user_actors setting).",
        "",
    ]
    seen: set[str] = set()
    for actor in actors:
        name = petrarch_name(actor.text)
        if not name or name in seen:
            continue
        seen.add(name)
        lines.append(f"# {_summary(actor)}")
        if actor.example_sentence:
            example = " ".join(actor.example_sentence.split())
            lines.append(f"# e.g. \"{example[:300]}{'…' if len(example) > 300 else ''}\"")
        lines += [name, f"    [{PLACEHOLDER}]", ""]
    return "\n".join(lines)


def write_stub(actors: Sequence[UnknownActor], path: str | Path, *, source: str = "") -> Path:
    """Write the stub to ``path`` (refuses to overwrite an existing file); returns the path."""
    path = Path(path)
    if path.exists():
        raise InputError(f"{path} exists; the stub is not written over a file (choose another name)")
    try:
        path.write_text(stub_text(actors, source=source), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the stub to {path}: {exc}") from exc
    return path


def _summary(actor: UnknownActor) -> str:
    roles = []
    if actor.as_source:
        roles.append(f"{actor.as_source} as source")
    if actor.as_target:
        roles.append(f"{actor.as_target} as target")
    articles = f" in {actor.articles} article{'s' if actor.articles != 1 else ''}" if actor.articles else ""
    span = ""
    if actor.first_published:
        span = f", {actor.first_published}"
        if actor.last_published and actor.last_published != actor.first_published:
            span += f" to {actor.last_published}"
    mentions = f"{actor.count} mention{'s' if actor.count != 1 else ''}"
    return f"{actor.kind or 'unknown kind'}: {mentions}{' (' + ', '.join(roles) + ')' if roles else ''}{articles}{span}"
