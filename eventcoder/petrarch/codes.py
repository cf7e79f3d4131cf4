"""Code tables that accept PETRARCH's own event codes.

PETRARCH dictionaries may use codes that are not CAMEO (the validation dictionaries still carry
WEIS codes such as ``903`` and test codes such as ``075A``); PETRARCH writes them out as they
are. :class:`OpenCodeTables` knows the CAMEO table and describes any other code minimally.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..events.ontology import CodeTables
from ..records import CameoInfo


@dataclass(frozen=True, slots=True)
class OpenCodeTables(CodeTables):
    """CAMEO tables where any non-empty code is valid; unknown codes get an empty description."""

    @classmethod
    def wrap(cls, tables: CodeTables) -> OpenCodeTables:
        return cls(tables.cameo_codes, tables.plover_types, tables.mode_scores)

    def is_valid(self, code: str) -> bool:
        return bool(code.strip())

    def cameo(self, code: str) -> CameoInfo:
        code = code.strip()
        known = self.cameo_codes.get(code)
        if known is not None:
            return known
        return CameoInfo(code, "(dictionary code, not CAMEO)", code[:2], 0.0, 0, 0, None, None, None)
