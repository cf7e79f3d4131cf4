"""The public API: ``import eventcoder`` stays light (no spaCy, no DuckDB), every exported name
resolves, and the version is written once (pyproject reads ``eventcoder.__version__``)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import tomllib
from pathlib import Path

import eventcoder

ROOT = Path(__file__).resolve().parents[1]


def test_import_does_not_load_spacy_or_duckdb() -> None:
    code = ("import sys, eventcoder; eventcoder.Settings(); eventcoder.__version__; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'spacy', 'duckdb', 'onnxruntime', 'numpy'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_every_exported_name_resolves() -> None:
    from eventcoder.ingest import read_inputs
    from eventcoder.pipeline import Pipeline
    from eventcoder.run import code_inputs
    from eventcoder.store import EventStore

    for name in eventcoder.__all__:
        assert getattr(eventcoder, name) is not None, name
    assert (eventcoder.Pipeline, eventcoder.EventStore, eventcoder.read_inputs, eventcoder.code_inputs) == (
        Pipeline, EventStore, read_inputs, code_inputs)
    assert sorted(eventcoder.__all__) == sorted(set(eventcoder.__all__))
    try:
        eventcoder.no_such_name  # type: ignore[attr-defined]  # the point: an unknown name is an AttributeError
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("unknown attribute resolved")


def test_version_is_written_once() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "eventcoder.__version__"}
    assert importlib.metadata.version("eventcoder") == eventcoder.__version__


def test_mypy_runs_on_the_package_without_blanket_ignores() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mypy = project["tool"]["mypy"]
    assert "eventcoder" in mypy["files"] and not mypy.get("ignore_errors") and not mypy.get("ignore_missing_imports")
    for override in mypy.get("overrides", []):
        assert not override.get("ignore_errors"), override
        assert not any(m.startswith("eventcoder") for m in override["module"]), override
    assert any(dep.startswith("mypy==") for dep in project["project"]["optional-dependencies"]["test"])
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\ntest: setup typecheck\n" in makefile and "python -m mypy" in makefile
