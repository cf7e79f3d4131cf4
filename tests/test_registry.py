"""The value lists (link methods, export formats, coders) are written once, in eventcoder.registry;
the library, the CLI, the HTTP API and the docs all list exactly the registry's values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eventcoder import registry
from eventcoder.registry import CODERS, EXPORT_FORMATS, EXTRACTORS, LINK_METHODS, PLV_CODERS

ROOT = Path(__file__).resolve().parents[1]
DATASETS = (ROOT / "docs" / "datasets.md").read_text(encoding="utf-8")
SERVER = (ROOT / "docs" / "server.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_library_reads_the_registry() -> None:
    from eventcoder import export, link
    from eventcoder.export_formats import FIELD_FORMATS

    assert link.METHODS == LINK_METHODS and link.DEFAULT_METHOD == "dyad"
    assert export.FORMATS == EXPORT_FORMATS
    assert tuple(FIELD_FORMATS) == registry.FIELD_EXPORT_FORMATS
    assert set(registry.EXPORT_SUFFIXES) == set(EXPORT_FORMATS)
    assert (*registry.FIELD_EXPORT_FORMATS, *registry.OWN_EXPORT_FORMATS) == EXPORT_FORMATS


def test_settings_refuse_values_outside_the_registry() -> None:
    from eventcoder.errors import ConfigError
    from eventcoder.settings import Settings

    for coder in CODERS:
        assert Settings(coder=coder).coder == coder
    for extractor in EXTRACTORS:
        assert Settings(extractor=extractor).extractor == extractor
    with pytest.raises(ConfigError, match="dictionary, combined"):
        Settings(coder="neural")
    with pytest.raises(ConfigError, match="gate, rules"):
        Settings(extractor="nonsense")
    help_text = dict((name, doc) for name, _, doc in Settings.describe())
    assert set(re.findall(r"`(\w+)`", help_text["coder"])) == set(CODERS)
    assert set(re.findall(r"`(\w+)`", help_text["extractor"])) == set(EXTRACTORS)


def _choices(capsys: pytest.CaptureFixture[str], *argv: str) -> list[tuple[str, ...]]:
    from eventcoder.cli import main

    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    return [tuple(c.split(",")) for c in re.findall(r"\{([^}]+)\}", capsys.readouterr().out)]


def test_cli_choices_are_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert LINK_METHODS in _choices(capsys, "link")
    export = _choices(capsys, "export")
    assert EXPORT_FORMATS in export and LINK_METHODS in export
    assert LINK_METHODS in _choices(capsys, "series")
    assert PLV_CODERS in _choices(capsys, "eval", "plv")


def test_http_api_enums_are_the_registry(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from eventcoder.server import create_app
    from eventcoder.store import EventStore

    EventStore(tmp_path / "empty.duckdb").close()
    with TestClient(create_app(tmp_path / "empty.duckdb")) as client:
        spec = client.get("/openapi.json").json()
    params = {p["name"]: p["schema"] for p in spec["paths"]["/export"]["get"]["parameters"]}

    def enum(schema: dict) -> tuple[str, ...]:
        if "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return tuple(schema["enum"])

    assert enum(params["format"]) == EXPORT_FORMATS
    assert enum(params["method"]) == LINK_METHODS


def test_docs_list_exactly_the_registry() -> None:
    for flags in re.findall(r"\[--method ([\w|-]+)\]", DATASETS):
        assert tuple(flags.split("|")) == LINK_METHODS
    assert re.findall(r"^- \*\*`([\w-]+)`\*\*", DATASETS, re.M) == list(LINK_METHODS)
    table = DATASETS.split("| format | what | header |", 1)[1].split("\n\n", 1)[0]
    listed = [name for row in table.splitlines()[2:] for name in re.findall(r"`([\w-]+)`", row.split("|")[1])]
    assert listed == list(EXPORT_FORMATS)
    server_formats = re.search(r"`format=([\w\\|]+)`", SERVER)
    assert server_formats and set(server_formats.group(1).split("\\|")) == set(EXPORT_FORMATS)
    server_methods = re.search(r"`method` \(([^)]*)\)", SERVER)
    assert server_methods and server_methods.group(1) == "/".join(f"`{m}`" for m in LINK_METHODS)
    assert "(" + " | ".join(f"`{e}`" for e in EXTRACTORS) + ")" in README
    assert "[--coder " + "|".join(PLV_CODERS) + "]" in README
