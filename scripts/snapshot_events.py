"""Write (or check) the event rows the pipeline codes from fixed inputs: the behaviour snapshot.

A refactor must leave these rows unchanged (``tests/test_snapshot.py`` compares them); a change
meant to alter coding regenerates them with this script and says so in its commit::

    python scripts/snapshot_events.py            # rewrite tests/fixtures/snapshots/*.jsonl
    python scripts/snapshot_events.py --check    # exit 1 and show the first differences

The pair model's 8-bit products are not bit-identical on every CPU (``PairModel.kernel_signature``),
so the rows hold on machines whose signature is the one recorded in ``kernels.txt`` beside them;
elsewhere the test is skipped, and ``--check`` says so.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = ROOT / "tests" / "fixtures" / "snapshots"
KERNELS = SNAPSHOTS / "kernels.txt"
INPUTS = {"examples": ROOT / "examples" / "articles", "voa": ROOT / "training" / "voa" / "articles"}
EXTRACTORS = ("gate", "rules")


def snapshot_rows(extractor: str, inputs: Path, pipeline=None) -> list[str]:
    """Sorted JSON lines of every event coded from ``inputs`` (confidence rounded to 4 places)."""
    from eventcoder.ingest.sources import read_inputs
    from eventcoder.output import event_row
    from eventcoder.pipeline import Pipeline
    from eventcoder.records import Article
    from eventcoder.settings import Settings

    pipeline = pipeline or Pipeline(Settings(extractor=extractor))
    rows = []
    articles = [a for a in read_inputs([str(inputs)]) if isinstance(a, Article)]
    for result in pipeline.code_articles(articles):
        for event in result.events:
            row = event_row(event)
            row["confidence"] = round(float(row["confidence"]), 4)
            rows.append(json.dumps(row, sort_keys=True, ensure_ascii=False))
    return sorted(rows)


def path_for(extractor: str, name: str) -> Path:
    return SNAPSHOTS / f"{extractor}-{name}.jsonl"


def recorded_signature() -> str | None:
    """The signature of the machine the snapshots were written on (None if not recorded)."""
    return KERNELS.read_text(encoding="utf-8").split()[0] if KERNELS.exists() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--inputs", choices=sorted(INPUTS), nargs="*", default=sorted(INPUTS))
    args = parser.parse_args(argv)
    from eventcoder.pipeline import Pipeline
    from eventcoder.settings import Settings

    failed = False
    pipelines = {extractor: Pipeline(Settings(extractor=extractor)) for extractor in EXTRACTORS}  # each loaded once
    here = pipelines["gate"].combined.model.kernel_signature()
    if not args.check:
        note = "# PairModel.kernel_signature() of the machine these snapshots were written on"
        KERNELS.write_text(f"{here}\n{note}\n", encoding="utf-8")
    elif recorded_signature() != here:
        print(f"the snapshots were written with pair-model kernels {recorded_signature()}, this machine has {here}: "
              "its 8-bit products differ, so its rows may too (see PairModel.kernel_signature)")
    for extractor in EXTRACTORS:
        for name in args.inputs:
            rows = snapshot_rows(extractor, INPUTS[name], pipeline=pipelines[extractor])
            target = path_for(extractor, name)
            if not args.check:
                target.write_text("".join(r + "\n" for r in rows), encoding="utf-8")
                print(f"{target.relative_to(ROOT)}: {len(rows)} events")
                continue
            old = target.read_text(encoding="utf-8").splitlines()
            if old != rows:
                failed = True
                gone, new = sorted(set(old) - set(rows)), sorted(set(rows) - set(old))
                print(f"{target.relative_to(ROOT)}: {len(gone)} rows gone, {len(new)} new")
                for row in gone[:3]:
                    print("  - " + row[:300])
                for row in new[:3]:
                    print("  + " + row[:300])
            else:
                print(f"{target.relative_to(ROOT)}: same {len(rows)} events")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
