"""Shared fixtures: one real Pipeline per test session (spaCy + shipped dictionaries)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"
SEED_ARTICLE = EXAMPLES / "articles" / "tehran-times-2020-07-08.txt"
SEED_GOLD = EXAMPLES / "gold" / "tehran-times-2020-07-08.expected.json"


def pytest_configure(config: pytest.Config) -> None:
    """Most suites pin the exact events of the rule path (``extractor = "rules"``) on the bundled
    examples; the learned gate (the default) has its own tests (test_extract, test_seed,
    test_eval_articles), which build gate pipelines explicitly. CLI runs in tests read this."""
    import os

    os.environ.setdefault("EVENTCODER_EXTRACTOR", "rules")


@pytest.fixture(scope="session")
def pipeline():
    from eventcoder.pipeline import Pipeline
    from eventcoder.settings import Settings

    return Pipeline(Settings(extractor="rules"))


@pytest.fixture(scope="session")
def gate_pipeline():
    """The default pipeline: candidates decided by the shipped extraction gate."""
    from eventcoder.pipeline import Pipeline
    from eventcoder.settings import Settings

    return Pipeline(Settings(extractor="gate"))


@pytest.fixture(scope="session")
def code(pipeline):
    """code(text, published) -> list[Event], using the session's pipeline."""
    from eventcoder.pipeline import code_text

    def run(text: str, published: str):
        return code_text(text, published=published, pipeline=pipeline)

    return run


def candidates_before_gate(pipeline, text: str, published: date = date(2025, 3, 12)) -> list:
    """Every candidate event of ``text`` before the gate (``Pipeline.collector``), so a test of a
    reading holds whatever the shipped gate weights are."""
    from eventcoder.pipeline import code_text

    pipeline.collector = []
    try:
        code_text(text, published=published, pipeline=pipeline)
        return [event for event, _ in pipeline.collector]
    finally:
        pipeline.collector = None


def dyads(events) -> set[tuple[str | None, str | None, str]]:
    """(source country/code, target country/code, CAMEO code) of each event."""
    out = set()
    for e in events:
        src = e.source.actor.country or e.source.actor.code
        tgt = (e.target.actor.country or e.target.actor.code) if e.target else None
        out.add((src, tgt, e.cameo.code))
    return out


@pytest.fixture(scope="session")
def nlp(pipeline):
    """The pipeline's spaCy model (loaded once per session)."""
    return pipeline.nlp


def cameo_path() -> Path:
    """The shipped PETRARCH-2 verb dictionary (falls back to ../shared)."""
    shipped = ROOT / "eventcoder" / "data" / "dictionaries" / "CAMEO.2.0.txt"
    if shipped.exists():
        return shipped
    shared = SHARED / "data" / "dictionaries" / "petrarch2" / "CAMEO.2.0.txt"
    if not shared.exists():
        pytest.skip(f"CAMEO.2.0.txt not found ({shipped} nor {shared})")
    return shared


@pytest.fixture(scope="session")
def cameo():
    from eventcoder.events.verbdict import VerbDictionary

    return VerbDictionary.load(cameo_path())


def build_examples_store(directory: Path, pipeline, inputs: Path = EXAMPLES / "articles") -> Path:
    """A store with ``inputs`` (default examples/articles/) coded by the real pipeline and linked."""
    from eventcoder.link import link_pending
    from eventcoder.run import code_inputs
    from eventcoder.settings import Settings
    from eventcoder.store import EventStore

    path = directory / "events.duckdb"
    with EventStore(path) as store:
        code_inputs([str(inputs)], settings=Settings(db=str(path)), store=store, pipeline=pipeline)
        link_pending(store)
    return path
