"""Copy the seed article and its gold coding from ../shared/seed into examples/articles/ and examples/gold/.

The project's own example articles in examples/ are written for the project; the seed (a
Tehran Times article, 8 July 2020, and its gold coding) is copied here so `make demo` and the
acceptance test run on a machine without ../shared. Source and terms: see NOTICE.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# (file in ../shared/seed, where it goes under examples/)
FILES = (("tehran-times-2020-07-08.txt", "articles/tehran-times-2020-07-08.txt"), ("expected.json", "gold/tehran-times-2020-07-08.expected.json"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default=str(ROOT / "examples"))
    args = ap.parse_args()
    out = Path(args.out)
    for name, dest in FILES:
        target = out / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(args.shared) / "seed" / name, target)
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
