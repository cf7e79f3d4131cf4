"""Score one article's events against a gold file in the shape of the seed's expected.json.

Events match gold on (source country, target country, PLOVER type, date); a reciprocal gold event
matches in either direction. A *required* event is found only if, in addition, the CAMEO code is
the gold code or a listed alternative and, where the gold gives a place, the event's location is
in that country and within ``max_km`` of the gold place's coordinates. Every coded event that
matches no required or acceptable gold event is a false positive.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .errors import EventcoderError
from .gazetteer import Gazetteer
from .records import Event


@dataclass(frozen=True, slots=True)
class GoldMatch:
    gold: dict[str, Any]
    kind: str  # required | acceptable
    found: Event | None
    why_not: str = ""


@dataclass(frozen=True, slots=True)
class ArticleScore:
    required: tuple[GoldMatch, ...]
    false_positives: tuple[Event, ...]
    matched_acceptable: tuple[GoldMatch, ...] = field(default=())

    @property
    def found(self) -> int:
        return sum(1 for m in self.required if m.found is not None)

    @property
    def passed(self) -> bool:
        return self.found == len(self.required) and not self.false_positives


def load_gold(path: str | Path) -> dict[str, Any]:
    try:
        gold = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise EventcoderError(f"cannot read gold file {path}: {exc}") from exc
    if "required" not in gold:
        raise EventcoderError(f"{path}: a gold file needs a 'required' list (see the seed's expected.json)")
    return gold


def _dyad_ok(event: Event, gold: dict[str, Any]) -> bool:
    src = event.source.actor.country
    tgt = event.target.actor.country if event.target else None
    g_src = (gold.get("source") or {}).get("country")
    g_tgt = (gold.get("target") or {}).get("country")
    if (src, tgt) == (g_src, g_tgt):
        return True
    return bool(gold.get("reciprocal")) and (tgt, src) == (g_src, g_tgt)


def _loose_match(event: Event, gold: dict[str, Any]) -> bool:
    g_type = (gold.get("plover") or {}).get("type")
    return _dyad_ok(event, gold) and event.cameo.plover_type == g_type and event.date.value.isoformat() == gold.get("date")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _strict_problem(event: Event, gold: dict[str, Any], gazetteer: Gazetteer, max_km: float) -> str:
    codes = [gold.get("cameo"), *gold.get("cameo_alternatives", [])]
    if event.cameo.code not in codes:
        return f"CAMEO {event.cameo.code} not in {codes}"
    place = gold.get("location")
    if not place:
        return ""
    loc = event.location
    if loc is None or loc.lat is None or loc.lon is None:
        return "no location"
    if place.get("country") and loc.country != place["country"]:
        return f"location country {loc.country} != {place['country']}"
    ref = gazetteer.lookup(place["name"], (place.get("country"),) if place.get("country") else ())
    if ref is None or ref.lat is None or ref.lon is None:
        return ""
    distance = _km(loc.lat, loc.lon, ref.lat, ref.lon)
    return "" if distance <= max_km else f"location {loc.name} is {distance:.0f} km from {place['name']}"


def score_article(events: Sequence[Event], gold: dict[str, Any], gazetteer: Gazetteer, *, max_km: float = 25.0) -> ArticleScore:
    required: list[GoldMatch] = []
    for g in gold.get("required", []):
        loose = [e for e in events if _loose_match(e, g)]
        problems = [(e, _strict_problem(e, g, gazetteer, max_km)) for e in loose]
        good = [e for e, p in problems if not p]
        why = "; ".join(p for _, p in problems) or "no event with this dyad, PLOVER type and date"
        required.append(GoldMatch(g, "required", good[0] if good else None, "" if good else why))
    acceptable = [GoldMatch(g, "acceptable", next((e for e in events if _loose_match(e, g)), None)) for g in gold.get("acceptable", [])]
    golds = [*gold.get("required", []), *gold.get("acceptable", [])]
    fps = tuple(e for e in events if not any(_loose_match(e, g) for g in golds))
    return ArticleScore(tuple(required), fps, tuple(m for m in acceptable if m.found is not None))


def describe_event(e: Event) -> str:
    tgt = e.target.actor if e.target else None
    where = f" @ {e.location.name} ({e.location.country})" if e.location else ""
    return (
        f"{e.source.actor.code or '?'}→{(tgt.code or '?') if tgt else '-'} CAMEO {e.cameo.code} "
        f"PLOVER {e.cameo.plover_type or '-'}{'/' + e.cameo.plover_mode if e.cameo.plover_mode else ''} "
        f"{e.date.value} [{e.date.how}]{where} «{e.trigger}» s{e.sentence_index}"
    )


def report_lines(score: ArticleScore) -> list[str]:
    lines = [f"required events found: {score.found}/{len(score.required)}"]
    for m in score.required:
        mark = "FOUND " if m.found else "MISSED"
        lines.append(f"  {mark} {m.gold.get('what', '')}")
        lines.append(f"         {describe_event(m.found)}" if m.found else f"         why: {m.why_not}")
    lines.append(f"acceptable events also found: {len(score.matched_acceptable)}")
    for m in score.matched_acceptable:
        lines.append(f"  ok     {m.gold.get('what', '')}: {describe_event(m.found)}" if m.found else "")
    lines.append(f"false positives: {len(score.false_positives)}")
    for e in score.false_positives:
        lines.append(f"  FP     {describe_event(e)}")
        lines.append(f"         {e.sentence[:160]}")
    lines.append("PASS" if score.passed else "FAIL")
    return lines


def evaluate_article_file(gold_path: str | Path, article_path: str, *, settings: Any = None,
                          max_km: float = 25.0) -> ArticleScore:
    """Read one article file, code it with a ``Pipeline(settings)`` and score it against ``gold_path``."""
    from .ingest import IngestOptions, read_inputs
    from .pipeline import Pipeline
    from .records import Rejection

    gold = load_gold(gold_path)
    items = list(read_inputs([article_path], IngestOptions()))
    articles = [i for i in items if not isinstance(i, Rejection)]
    if not articles:
        reasons = "; ".join(f"{r.reason} {r.detail}" for r in items if isinstance(r, Rejection))
        raise EventcoderError(f"{article_path}: no article could be read ({reasons})")
    pipeline = Pipeline(settings)
    result = pipeline.code_article(articles[0])
    if result.rejection is not None:
        raise EventcoderError(f"{article_path}: {result.rejection.stage}: {result.rejection.detail}")
    return score_article(result.events, gold, pipeline.gazetteer, max_km=max_km)  # type: ignore[arg-type]
