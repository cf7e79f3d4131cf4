"""Build eventcoder/data/formats/ (export column lists and a country-code crosswalk) from ../shared.

Sources (see NOTICE):
- ``data/formats/export_schemas.json``: column lists of GDELT 2.0, ICEWS, Phoenix, POLECAT, ACLED
  and the PLOVER JSON record, compiled from the codebooks named in each entry's ``source``.
- ``data/formats/icews.events.2018.sample.tab`` (andybega/icews, MIT): only its header line, which
  the ICEWS export must reproduce exactly.
- ``data/gazetteer/countryInfo.txt`` (GeoNames, CC BY 4.0): ISO2, ISO3, FIPS 10-4 code, name.
- ``data/countryinfo/cow2iso.txt`` (ahalterman/NGEC-2025, MIT): Correlates of War state numbers.

Run ``python scripts/build_formats.py [--shared ../shared] [--out eventcoder/data/formats]``.
The output is sorted and reproducible; do not edit it by hand.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _schemas(shared: Path) -> dict[str, object]:
    """The column lists, plus the ICEWS sample header taken verbatim from the sample file."""
    formats = shared / "data" / "formats"
    schemas = json.loads((formats / "export_schemas.json").read_text(encoding="utf-8"))
    with (formats / "icews.events.2018.sample.tab").open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\r\n").split("\t")
    names = [c["name"] for c in schemas["icews_dataverse_events"]["columns"]]
    if header != names:
        raise SystemExit(f"ICEWS sample header differs from export_schemas.json: {header} != {names}")
    schemas["icews_dataverse_events"]["sample_header"] = header
    return schemas


def _cow_numbers(shared: Path) -> dict[str, str]:
    """ISO3 -> the COW state number of the row valid today (open-ended), else the latest row."""
    best: dict[str, tuple[str, str]] = {}
    path = shared / "data" / "countryinfo" / "cow2iso.txt"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            iso3, cow = row["iso3"].strip(), row["cow_id"].strip()
            if not iso3 or not cow:
                continue
            until = row["valid_until"].strip() or "9999"
            if iso3 not in best or until > best[iso3][0]:
                best[iso3] = (until, cow)
    return {iso3: cow for iso3, (_, cow) in best.items()}


def _country_rows(shared: Path) -> list[list[str]]:
    cow = _cow_numbers(shared)
    rows: list[list[str]] = []
    path = shared / "data" / "gazetteer" / "countryInfo.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        iso2, iso3, fips, name = cells[0], cells[1], cells[3], cells[4]
        rows.append([iso3, iso2, fips, cow.get(iso3, ""), name])
    return sorted(rows)


def build(shared: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(_schemas(shared), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    (out / "export_schemas.json").write_text(text, encoding="utf-8")
    lines = ["iso3\tiso2\tfips\tcow\tname"] + ["\t".join(r) for r in _country_rows(shared)]
    (out / "country_codes.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    p.add_argument("--out", type=Path, default=ROOT / "eventcoder" / "data" / "formats")
    args = p.parse_args()
    build(args.shared, args.out)


if __name__ == "__main__":
    main()
