"""Analysts' corrections of coded events: record them, read them, apply them to the dataset.

A correction is one row of the ``corrections`` table (migration 7): who (``author``), when
(``created_at``, UTC) and what — an ``action`` and, for ``change``, the corrected columns:

==========  ==========================================================================
wrong       the event should not be in the data (not an event, or not this one)
change      the type and/or the actors were wrong; ``fields`` lists the columns set
confirm     an analyst checked the event and it is right (a positive training example)
retract     withdraw the earlier corrections of the event (the coder's version stands)
==========  ==========================================================================

Corrections are never edited or deleted; the latest one of an event is in force (the
``corrections_current`` view). A change of the CAMEO code also sets the columns that follow
from it (name, root, Goldstein, quad and penta class, PLOVER type/mode/context); a change of an
actor code sets the country (the code's first three letters, when they are a country) and the
sectors (the rest, in three-letter groups).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from eventcoder.errors import ConfigError, StoreError
from eventcoder.events.ontology import CodeTables
from eventcoder.store.eventstore import EventStore

ACTIONS: tuple[str, ...] = ("wrong", "change", "confirm", "retract")
ACTOR_FIELDS: tuple[str, ...] = ("text", "name", "code", "country", "sectors")
CODING_FIELDS: tuple[str, ...] = (
    "cameo_code", "cameo_name", "cameo_root", "goldstein", "quad_class", "penta_class",
    "plover_type", "plover_mode", "plover_context",
)
CORRECTABLE: tuple[str, ...] = (
    *(f"{side}_{f}" for side in ("source", "target") for f in ACTOR_FIELDS), *CODING_FIELDS,
)
# What a client may send; the rest of ``CORRECTABLE`` follows from these.
EDITABLE: tuple[str, ...] = (
    "cameo_code", "source_code", "source_name", "source_text", "target_code", "target_name", "target_text",
)
_COLUMNS: tuple[str, ...] = (
    "correction_id", "event_id", "action", "author", "created_at", "note", "fields", *CORRECTABLE, "original",
)
_MAX_TEXT = 2000


@dataclass(frozen=True, slots=True)
class CorrectionRules:
    """What a correction is checked against: the CAMEO tables and the CAMEO country codes."""

    tables: CodeTables
    countries: Mapping[str, str]  # CAMEO country code -> ISO3

    @classmethod
    def load(cls) -> CorrectionRules:
        from eventcoder.lexicon import default_data_dir, read_tsv

        cameo_of = {r["iso3"]: r["cameo"] for r in read_tsv(default_data_dir() / "countries.tsv")}
        countries = {cameo: iso3 for iso3, cameo in cameo_of.items() if cameo}
        return cls(CodeTables.load(), countries)

    def actor(self, side: str, code: str | None, name: str | None) -> dict[str, object]:
        """The ``<side>_code/name/country/sectors`` columns for an actor code (None clears)."""
        if code is None:
            return {f"{side}_{f}": None for f in ("code", "name", "country", "sectors")}
        code = code.strip().upper()
        if not code.isalnum() or not 3 <= len(code) <= 30:
            raise ConfigError(f"{side} actor code {code!r} is not a CAMEO actor code (letters, e.g. IRNGOV)")
        country = self.countries.get(code[:3])
        rest = code[3:] if country else ""
        sectors = "|".join(rest[i:i + 3] for i in range(0, len(rest), 3)) or None
        return {f"{side}_code": code, f"{side}_name": (name or "").strip() or code,
                f"{side}_country": country, f"{side}_sectors": sectors}

    def coding(self, cameo_code: str) -> dict[str, object]:
        code = cameo_code.strip()
        if not self.tables.is_valid(code):
            raise ConfigError(f"unknown CAMEO code {cameo_code!r} (codes keep leading zeros: '057')")
        info = self.tables.cameo(code)
        return {"cameo_code": info.code, "cameo_name": info.name, "cameo_root": info.root,
                "goldstein": info.goldstein, "quad_class": info.quad_class, "penta_class": info.penta_class,
                "plover_type": info.plover_type, "plover_mode": info.plover_mode,
                "plover_context": info.plover_context}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _json_default(value: object) -> object:
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)


def _resolve_changes(event: Mapping[str, object], changes: Mapping[str, object],
                     rules: CorrectionRules) -> dict[str, object]:
    """Every column a ``change`` sets, derived from the edited ones; checks texts against the sentence."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ConfigError(f"cannot correct {', '.join(unknown)}; correctable: {', '.join(EDITABLE)}")
    values: dict[str, object] = {}
    if "cameo_code" in changes:
        if not isinstance(changes["cameo_code"], str) or not changes["cameo_code"].strip():
            raise ConfigError("cameo_code must be a CAMEO code such as '112'")
        values.update(rules.coding(changes["cameo_code"]))
    for side in ("source", "target"):
        if f"{side}_code" in changes:
            code = changes[f"{side}_code"]
            if code is None and side == "source":
                raise ConfigError("an event needs a source actor; mark it wrong instead")
            name = changes.get(f"{side}_name")
            values.update(rules.actor(side, None if code is None else str(code), None if name is None else str(name)))
            if code is None:
                values[f"{side}_text"] = None
        elif f"{side}_name" in changes:
            values[f"{side}_name"] = changes[f"{side}_name"]
        if f"{side}_text" in changes and changes[f"{side}_text"] is not None:
            text = str(changes[f"{side}_text"]).strip()
            if text and text not in str(event.get("sentence") or ""):
                raise ConfigError(f"{side}_text {text[:80]!r} does not occur in the event's sentence")
            values[f"{side}_text"] = text or None
    for key, value in values.items():
        if isinstance(value, str) and len(value) > _MAX_TEXT:
            raise ConfigError(f"{key} is longer than {_MAX_TEXT} characters")
    if not values:
        raise ConfigError(f"a change needs at least one of {', '.join(EDITABLE)}")
    return values


def add_correction(
    store: EventStore, *, event_id: str, action: str, author: str, rules: CorrectionRules,
    changes: Mapping[str, object] | None = None, note: str | None = None,
) -> dict[str, object]:
    """Record one correction of a stored event and return it (as ``corrections`` row dict)."""
    if action not in ACTIONS:
        raise ConfigError(f"unknown correction action {action!r}; choose one of {', '.join(ACTIONS)}")
    author = " ".join((author or "").split())
    if not author or len(author) > 200:
        raise ConfigError("a correction needs an author (who made it), at most 200 characters")
    if note is not None and len(note) > _MAX_TEXT:
        raise ConfigError(f"the note is longer than {_MAX_TEXT} characters")
    events = store.query("SELECT * FROM events WHERE event_id = ?", [event_id])
    if not events:
        raise ConfigError(f"no event {event_id!r} in the store")
    event = events[0]
    values: dict[str, object] = {}
    if action == "change":
        values = _resolve_changes(event, changes or {}, rules)
    elif changes:
        raise ConfigError(f"a {action!r} correction takes no changes; use action 'change'")
    original = {k: event.get(k) for k in ("sentence", "trigger", *CORRECTABLE)}
    row: dict[str, object] = {
        "correction_id": uuid.uuid4().hex[:16], "event_id": event_id, "action": action, "author": author,
        "created_at": _now(), "note": note, "fields": sorted(values),
        **{k: values.get(k) for k in CORRECTABLE},
        "original": json.dumps(original, ensure_ascii=False, default=_json_default),
    }
    store.insert_rows("corrections", _COLUMNS, [[row[c] for c in _COLUMNS]])
    return row


def corrections_for_event(store: EventStore, event_id: str) -> list[dict[str, object]]:
    """Every correction of one event, oldest first (its history)."""
    return store.query(
        "SELECT * FROM corrections WHERE event_id = ? ORDER BY created_at, correction_id", [event_id]
    )


def in_force(history: list[dict[str, object]]) -> dict[str, object] | None:
    """The correction in force in one event's ``history`` (oldest first, as
    :func:`corrections_for_event` gives it): the latest, unless it retracts the earlier ones — the
    rule of the store's ``corrections_current`` view, for a caller that already holds the history."""
    return history[-1] if history and history[-1]["action"] != "retract" else None


def current_corrections(store: EventStore, event_ids: Iterable[str]) -> dict[str, dict[str, object]]:
    """The correction in force for each of ``event_ids`` that has one."""
    ids = list(event_ids)
    if not ids:
        return {}
    rows = store.query(
        "SELECT * EXCLUDE (_rank) FROM corrections_current WHERE list_contains(?::VARCHAR[], event_id)", [ids]
    )
    return {str(r["event_id"]): r for r in rows}


def list_corrections(
    store: EventStore, *, current_only: bool = True, actions: Iterable[str] = (), limit: int = 1000, offset: int = 0,
) -> list[dict[str, object]]:
    """Corrections (the ones in force, or the whole log), newest first, with the event's sentence."""
    table = "(SELECT * EXCLUDE (_rank) FROM corrections_current)" if current_only else "corrections"
    wanted = list(actions)
    where = " WHERE list_contains(?::VARCHAR[], c.action)" if wanted else ""
    params: list[object] = [wanted] if wanted else []
    try:
        return store.query(
            f"SELECT c.*, e.article_id, e.sentence, e.trigger, e.trigger_start, e.trigger_end "
            f"FROM {table} c LEFT JOIN events e ON e.event_id = c.event_id{where} "
            "ORDER BY c.created_at DESC, c.correction_id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    except Exception as exc:  # duckdb.Error: the store predates corrections and is read-only
        raise StoreError(f"cannot read corrections from {store.path}: {exc}") from exc


def _replacement(column: str) -> str:
    return (f"CASE WHEN list_contains(c.fields, '{column}') THEN c.{column} ELSE ev.{column} END AS {column}")


# ``events`` with the corrections in force applied; events marked wrong are left out. Used in
# place of ``events`` by ``eventcoder.store.datasets`` when corrections are applied.
CORRECTED_EVENTS_SQL = (
    "(SELECT ev.* REPLACE (" + ", ".join(_replacement(c) for c in CORRECTABLE) + ") "
    "FROM events ev LEFT JOIN corrections_current c ON c.event_id = ev.event_id "
    "WHERE c.action IS DISTINCT FROM 'wrong')"
)
