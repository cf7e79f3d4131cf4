"""Row builders for the field's exchange formats: Phoenix, ICEWS, GDELT 2.0, POLECAT, PLOVER JSON.

Each builder maps one dataset row (``eventcoder.store.datasets``) to a dict keyed by the
format's own column names (``eventcoder/data/formats/export_schemas.json``). A column the
builder does not fill stays empty: eventcoder never invents a value it did not code (tone,
ethnicity, religion, casualties, admin-2 districts, feature ids of other gazetteers …).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from eventcoder import __version__
from eventcoder.lexicon import default_data_dir, read_tsv
from eventcoder.registry import ExportFormat

Row = Mapping[str, Any]  # a dataset row (eventcoder.store.datasets): DuckDB values, typed by the schema
Builder = Callable[[Row, "Tables"], dict[str, object]]
_QUADS = {"VERBAL COOPERATION": 1, "MATERIAL COOPERATION": 2, "VERBAL CONFLICT": 3, "MATERIAL CONFLICT": 4}


@dataclass(frozen=True)
class Tables:
    """Shipped reference tables the builders need, read on first use (one per export)."""

    data_dir: Path

    @classmethod
    def default(cls) -> Tables:
        return cls(default_data_dir())

    @cached_property
    def schemas(self) -> dict[str, dict[str, Any]]:
        """Format key → its schema entry (parsed JSON: ``columns`` or ``fields`` lists)."""
        text = (self.data_dir / "formats" / "export_schemas.json").read_text(encoding="utf-8")
        schemas: dict[str, dict[str, Any]] = json.loads(text)
        return schemas

    @cached_property
    def countries(self) -> dict[str, dict[str, str]]:
        """ISO3 → iso2, fips, cow, name (GeoNames + COW crosswalk)."""
        return {r["iso3"]: r for r in read_tsv(self.data_dir / "formats" / "country_codes.tsv")}

    @cached_property
    def cameo_country(self) -> dict[str, str]:
        return {r["iso3"]: r["cameo"] for r in read_tsv(self.data_dir / "countries.tsv")}

    @cached_property
    def plover_scores(self) -> dict[tuple[str, str], float]:
        """(type, mode) → score; (type, "") is the type's own score."""
        scores = {(r["type"], ""): float(r["score"]) for r in read_tsv(self.data_dir / "plover_types.tsv")}
        for r in read_tsv(self.data_dir / "plover_modes.tsv"):
            if r["score"]:
                scores[(r["type"], r["mode"])] = float(r["score"])
        return scores

    @cached_property
    def plover_quads(self) -> dict[str, int]:
        return {r["type"]: _QUADS[r["quad_category"]] for r in read_tsv(self.data_dir / "plover_types.tsv")}

    def columns(self, key: str) -> list[str]:
        schema = self.schemas[key]
        if "columns" in schema:
            return [str(c["name"]) for c in schema["columns"]]
        return [plover_field_name(str(f)) for f in schema["fields"]]

    def country_name(self, iso3: object) -> str | None:
        return self.countries.get(str(iso3), {}).get("name") if iso3 else None

    def plover_score(self, ptype: object, mode: object) -> float | None:
        if not ptype:
            return None
        scores = self.plover_scores
        return scores.get((str(ptype), str(mode or "")), scores.get((str(ptype), "")))


def plover_field_name(spec: str) -> str:
    """``"source[{actorText,code,sector}] (…)"`` → ``"source"``."""
    for stop in ("[", "{", " "):
        spec = spec.split(stop, 1)[0]
    return spec


def _int_id(hex_id: object) -> int | None:
    """An integer id from a hex id: 13 hex digits = 52 bits, exact in R and JavaScript doubles."""
    return int(str(hex_id)[:13], 16) if hex_id else None


def _sectors(value: object) -> list[str]:
    return [s for s in str(value or "").split("|") if s]


def _day(row: Row) -> date:
    return row["event_date"]


def _kind(row: Row, t: Tables) -> str | None:
    """``city`` / ``country`` / ``state``: the gazetteer kind the place was resolved to.

    ``eventcoder.where`` writes the kind into ``location_how`` for places other than cities;
    a dateline place is a country when its name is the country's name.
    """
    name = row.get("location_name")
    if not name:
        return None
    how = str(row.get("location_how") or "")
    if "(state" in how:
        return "state"
    if "(country" in how or name == t.country_name(row.get("location_country")):
        return "country"
    return "city"


def clean_text(value: object) -> str | None:
    return " ".join(str(value).split()) if value is not None else None


def phoenix(row: Row, t: Tables) -> dict[str, object]:
    d = _day(row)
    out: dict[str, object] = {
        "EventID": row["unit_id"], "Date": f"{d:%Y%m%d}", "Year": d.year, "Month": d.month, "Day": d.day,
        "EventCode": row["cameo_code"], "EventRootCode": row["cameo_root"],
        "QuadClass (aka PentaClass)": row["penta_class"], "GoldsteinScore": row["goldstein"],
        "Issues": ";".join(_sectors(row.get("issues"))),
        "Lat": row["lat"], "Lon": row["lon"], "LocationName": row["location_name"],
        "CountryCode": row["location_country"],
        "SentenceID": f"{row['article_id']}_{row['sentence_index']}",
        "URLs": ";".join(_sectors(row["urls"])), "NewsSources": ";".join(_sectors(row["outlets"])),
    }
    for side, prefix in (("source", "SourceActor"), ("target", "TargetActor")):
        code = str(row[f"{side}_code"] or "")
        out.update({f"{prefix}Full": code, f"{prefix}Entity": code[:3],
                    f"{prefix}Role": code[3:6], f"{prefix}Attribute": code[6:]})
    return out


def icews(row: Row, t: Tables) -> dict[str, object]:
    out: dict[str, object] = {
        "Event ID": _int_id(row["unit_id"]), "Event Date": _day(row).isoformat(),
        "Event Text": row["cameo_name"], "CAMEO Code": row["cameo_code"], "Intensity": row["goldstein"],
        "Story ID": _int_id(row["article_id"]), "Sentence Number": int(row["sentence_index"]) + 1,
        "Publisher": row["outlet"], "City": row["location_name"] if _kind(row, t) == "city" else None,
        "Country": t.country_name(row["location_country"]), "Latitude": row["lat"], "Longitude": row["lon"],
    }
    for side, prefix in (("source", "Source"), ("target", "Target")):
        out.update({f"{prefix} Name": row[f"{side}_name"],
                    f"{prefix} Sectors": ",".join(_sectors(row[f"{side}_sectors"])),
                    f"{prefix} Country": t.country_name(row[f"{side}_country"])})
    return out


def _gdelt_actor(row: Row, side: str, prefix: str, t: Tables) -> dict[str, object]:
    code = str(row[f"{side}_code"] or "")
    country = row[f"{side}_country"]
    sectors = _sectors(row[f"{side}_sectors"])
    out: dict[str, object] = {
        f"{prefix}Code": code, f"{prefix}Name": row[f"{side}_name"],
        f"{prefix}CountryCode": t.cameo_country.get(str(country), str(country))[:3] if country else None,
        f"{prefix}KnownGroupCode": code[3:6] if code.startswith("IGO") else None,
    }
    for n, sector in enumerate(sectors[:3], start=1):
        out[f"{prefix}Type{n}Code"] = sector
    return out


def _gdelt_geo(row: Row, t: Tables) -> dict[str, object]:
    kind, country = _kind(row, t), row["location_country"]
    if kind is None:
        return {}
    geo_type = {"country": 1, "state": 2}.get(kind, 3 if country == "USA" else 4)
    name = str(row["location_name"])
    country_name = t.country_name(country)
    full = name if kind == "country" or not country_name else f"{name}, {country_name}"
    fips = t.countries.get(str(country), {}).get("fips") if country else None
    return {"ActionGeo_Type": geo_type, "ActionGeo_FullName": full, "ActionGeo_CountryCode": fips,
            "ActionGeo_Lat": row["lat"], "ActionGeo_Long": row["lon"]}


def gdelt(row: Row, t: Tables) -> dict[str, object]:
    d = _day(row)
    code = str(row["cameo_code"])
    added = row.get("first_added")
    out: dict[str, object] = {
        "GLOBALEVENTID": _int_id(row["unit_id"]), "SQLDATE": int(f"{d:%Y%m%d}"),
        "MonthYear": int(f"{d:%Y%m}"), "Year": d.year,
        "FractionDate": round(d.year + d.timetuple().tm_yday / 365.0, 4),
        "EventCode": code, "EventBaseCode": code[:3], "EventRootCode": row["cameo_root"],
        "QuadClass": row["quad_class"], "GoldsteinScale": row["goldstein"],
        "NumMentions": row["num_mentions"], "NumSources": row["num_sources"],
        "NumArticles": row["num_articles"],
        "DATEADDED": int(f"{added:%Y%m%d%H%M%S}") if isinstance(added, datetime) else None,
        "SOURCEURL": next(iter(_sectors(row["urls"])), None),
        **_gdelt_actor(row, "source", "Actor1", t), **_gdelt_actor(row, "target", "Actor2", t),
        **_gdelt_geo(row, t),
    }
    return out


def _polecat_side(row: Row, side: str, prefix: str, t: Tables) -> dict[str, object]:
    sectors = _sectors(row[f"{side}_sectors"])
    country = row[f"{side}_country"]
    return {
        f"{prefix} Name": row[f"{side}_name"], f"{prefix} Country": country,
        f"{prefix} COW": t.countries.get(str(country), {}).get("cow") or None,
        f"Primary {prefix} Sector": sectors[0] if sectors else None,
        f"{prefix} Sectors": ";".join(sectors), f"{prefix} Name Raw": clean_text(row[f"{side}_text"]),
    }


def polecat(row: Row, t: Tables) -> dict[str, object]:
    published = row.get("published")
    ptype = row["plover_type"]
    return {
        "Event ID": row["unit_id"], "Event Date": _day(row).isoformat(), "Event Type": ptype,
        "Event Mode": row["plover_mode"], "Intensity": t.plover_score(ptype, row["plover_mode"]),
        "Quad Code": t.plover_quads.get(str(ptype)) if ptype else None, "Contexts": row["plover_context"],
        **_polecat_side(row, "source", "Actor", t), **_polecat_side(row, "target", "Recipient", t),
        "Placename": row["location_name"], "City": row["location_name"] if _kind(row, t) == "city" else None,
        "Country": t.country_name(row["location_country"]), "Latitude": row["lat"],
        "Longitude": row["lon"], "GeoNames ID": row["geonames_id"], "Source": row["outlet"],
        "Publication Date": published.date().isoformat() if isinstance(published, datetime) else None,
        "Language": row["language"], "Version": f"eventcoder {__version__}",
    }


def markup(row: Row) -> str | None:
    """The sentence with ``(SRC: …)``, ``(TAR: …)`` and ``(EVT: …)`` marks, as in PLOVER's GSR."""
    sentence = clean_text(row["sentence"])
    if not sentence:
        return None
    marks: list[tuple[int, int, str]] = []
    for tag, column in (("SRC", "source_text"), ("TAR", "target_text"), ("EVT", "trigger")):
        text = clean_text(row.get(column))
        at = sentence.find(text) if text else -1
        if text and at >= 0 and not any(s < at + len(text) and at < e for s, e, _ in marks):
            marks.append((at, at + len(text), tag))
    for start, end, tag in sorted(marks, reverse=True):
        sentence = f"{sentence[:start]}({tag}: {sentence[start:end]}){sentence[end:]}"
    return sentence


def _plover_actor(row: Row, side: str) -> list[dict[str, object]]:
    if not row[f"{side}_text"] and not row[f"{side}_code"]:
        return []
    sectors = _sectors(row[f"{side}_sectors"])
    return [{"actorText": clean_text(row[f"{side}_text"]), "code": row[f"{side}_code"],
             "sector": sectors[0] if sectors else None}]


def plover(row: Row, t: Tables) -> dict[str, object]:
    loc = None
    if row["location_name"]:
        loc = {"name": row["location_name"], "country": row["location_country"], "lat": row["lat"],
               "lon": row["lon"], "geonamesID": row["geonames_id"]}
    added = row.get("first_added")
    return {
        "id": row["unit_id"], "date": _day(row).isoformat(),
        "source": _plover_actor(row, "source"), "target": _plover_actor(row, "target"),
        "event": row["plover_type"], "mode": row["plover_mode"], "context": row["plover_context"],
        "eventText": clean_text(row["trigger"]), "text": clean_text(row["sentence"]),
        "textInfo": {"markup": markup(row)}, "eventLoc": loc, "size": None, "dead": None,
        "injured": None, "language": row["language"], "publication": row["outlet"],
        "coder": "eventcoder", "version": __version__,
        "dateCoded": added.date().isoformat() if isinstance(added, datetime) else None, "comment": None,
    }


@dataclass(frozen=True, slots=True)
class FieldFormat:
    """One of the field's formats: its schema entry, delimiter, header default and builder."""

    schema: str
    builder: Builder
    delimiter: str = "\t"
    header: bool = False


FIELD_FORMATS: dict[str, FieldFormat] = {  # the registry's FIELD_EXPORT_FORMATS (a test checks)
    ExportFormat.PHOENIX: FieldFormat("phoenix_oeda_daily", phoenix),
    ExportFormat.ICEWS: FieldFormat("icews_dataverse_events", icews, header=True),
    ExportFormat.GDELT: FieldFormat("gdelt2_events", gdelt),
    ExportFormat.POLECAT: FieldFormat("polecat_dataverse", polecat, header=True),
    ExportFormat.PLOVER: FieldFormat("plover_json_record", plover),
}
