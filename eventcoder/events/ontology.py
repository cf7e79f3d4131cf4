"""CAMEO and PLOVER code tables, read from the shipped ``cameo.tsv`` and ``plover_*.tsv``.

The PLOVER columns of ``cameo.tsv`` come from the official CAMEO2PLOVER conversion table; a
code with no PLOVER equivalent (the 01x statements) has ``plover_type`` None.

Where the PLOVER manual's prose disagrees with the mechanical conversion table, the prose wins
(:data:`PLOVER_CHOICES`, the same choices as the article gold's coding conventions): CAMEO 02x
appeals are REQUEST, apologies (055) and declared ceasefires (0871) CONCEDE, intents to yield
(035x) CONCEDE, resignations (0831) RETREAT ``resign``, sanctions and broken ties (160, 161,
163, 164, 165) SANCTION, expelling aid agencies (1663) SANCTION ``expel``, violent repression
(175) ASSAULT ``crowd-control``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from eventcoder.errors import ResourceError
from eventcoder.lexicon import default_data_dir, read_rows
from eventcoder.records import CameoInfo

CAMEO_COLUMNS = ("code", "name", "root", "goldstein", "quad_class", "penta_class",
                 "plover_type", "plover_mode", "plover_context")
TYPE_COLUMNS = ("type", "quad_category", "requires_recipient", "score", "default_cameo")
MODE_COLUMNS = ("type", "mode", "score")


# code prefix → (PLOVER type, mode); the longest matching prefix wins. See the module docstring.
PLOVER_CHOICES: Mapping[str, tuple[str, str | None]] = MappingProxyType({
    "02": ("REQUEST", None), "035": ("CONCEDE", None), "055": ("CONCEDE", None), "0871": ("CONCEDE", "ceasefire"),
    "0831": ("RETREAT", "resign"), "160": ("SANCTION", None), "161": ("SANCTION", None), "163": ("SANCTION", None),
    "164": ("SANCTION", None), "165": ("SANCTION", None), "1663": ("SANCTION", "expel"), "175": ("ASSAULT", "crowd-control"),
})


@dataclass(frozen=True, slots=True)
class PloverType:
    name: str
    quad_category: str  # "VERBAL COOPERATION", "MATERIAL CONFLICT", ...
    requires_recipient: bool
    score: float  # cooperation (+) / conflict (-) score of the type with no mode
    default_cameo: str  # the most general CAMEO code that maps to this type


@dataclass(frozen=True, slots=True)
class CodeTables:
    """Look-ups over CAMEO codes and PLOVER types and modes. Build with :meth:`load`."""

    cameo_codes: Mapping[str, CameoInfo]
    plover_types: Mapping[str, PloverType]
    mode_scores: Mapping[tuple[str, str], float]

    @classmethod
    def load(cls, data_dir: Path | None = None) -> CodeTables:
        root = Path(data_dir) if data_dir is not None else default_data_dir()
        codes = {row[0]: _cameo_info(row) for row in read_rows(root / "cameo.tsv", CAMEO_COLUMNS)}
        types = {
            name: PloverType(name, quad, recipient == "1", float(score), default)
            for name, quad, recipient, score, default in read_rows(root / "plover_types.tsv", TYPE_COLUMNS)
        }
        modes = {
            (event, mode): float(score)
            for event, mode, score in read_rows(root / "plover_modes.tsv", MODE_COLUMNS)
            if score
        }
        return cls(MappingProxyType(codes), MappingProxyType(types), MappingProxyType(modes))

    def cameo(self, code: str) -> CameoInfo:
        """The CAMEO code's record: ``"057"``, a root such as ``"10"``, or a 4-digit code.

        Codes are strings with their leading zeros; ``"57"`` is not ``"057"``."""
        try:
            return self.cameo_codes[code.strip()]
        except KeyError:
            raise ResourceError(f"unknown CAMEO code {code!r} (codes keep leading zeros: '057')") from None

    def is_valid(self, code: str) -> bool:
        return code.strip() in self.cameo_codes

    def plover_type(self, name: str) -> PloverType:
        try:
            return self.plover_types[name.strip().upper()]
        except KeyError:
            known = ", ".join(sorted(self.plover_types))
            raise ResourceError(f"unknown PLOVER event type {name!r}; known: {known}") from None

    def plover_score(self, type: str, mode: str | None = None) -> float:
        """Score of a PLOVER type and mode; a mode without its own score gets the type's."""
        event = self.plover_type(type)
        if mode:
            return self.mode_scores.get((event.name, mode.strip().lower()), event.score)
        return event.score


def _cameo_info(row: list[str]) -> CameoInfo:
    code, name, root, goldstein, quad, penta, event, mode, context = row
    choice = next((PLOVER_CHOICES[code[:n]] for n in range(len(code), 1, -1) if code[:n] in PLOVER_CHOICES), None)
    if choice is not None:
        event, mode = choice[0], choice[1] or ""
    return CameoInfo(
        code=code,
        name=name,
        root=root,
        goldstein=float(goldstein),
        quad_class=int(quad),
        penta_class=int(penta),
        plover_type=event or None,
        plover_mode=mode or None,
        plover_context=context or None,
    )
