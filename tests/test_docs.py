"""The docs are tested: every command and subcommand has help text and is named in the README or
docs/*.md; every setting is in docs/settings.md with its current default; the README's layout
section names every module of the CLI package."""

from __future__ import annotations

import argparse
import re
from dataclasses import fields
from pathlib import Path

import pytest

from eventcoder.cli import COMMAND_MODULES, build_parser
from eventcoder.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = {path.name: path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md"))}
EVERYTHING = "\n".join([README, *DOCS.values()])


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    """(command path, help text) of every command and subcommand, depth first."""
    found: list[tuple[tuple[str, ...], str]] = []
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
        for name, sub in action.choices.items():
            found.append(((*prefix, name), helps.get(name, "")))
            found.extend(_commands(sub, (*prefix, name)))
    return found


COMMANDS = _commands(build_parser())


def test_the_parser_has_every_command() -> None:
    names = {path for path, _ in COMMANDS}
    assert {("code",), ("eval", "plv"), ("plot", "network"), ("watch",), ("serve",), ("settings",)} <= names
    assert len(names) == len(COMMANDS) >= 23


@pytest.mark.parametrize("path,help_text", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_and_is_documented(path: tuple[str, ...], help_text: str) -> None:
    assert help_text.strip(), f"`eventcoder {' '.join(path)}` has no help text"
    pattern = r"eventcoder(?: --config \S+)? " + r"\s+".join(re.escape(word) for word in path) + r"(?![\w-])"
    assert re.search(pattern, EVERYTHING), f"`eventcoder {' '.join(path)}` is named in neither README.md nor docs/"


def test_every_setting_is_documented_with_its_default() -> None:
    table = DOCS["settings.md"]
    for field in fields(Settings):
        row = re.search(rf"^\| `{field.name}` \| `([^`]*)` \| `EVENTCODER_{field.name.upper()}` \|(.*)\|$", table, re.M)
        assert row, f"setting {field.name!r} is missing from docs/settings.md"
        assert row.group(1) == repr(field.default), f"docs/settings.md gives {field.name!r} the default {row.group(1)}"
        assert row.group(2).split("|")[-1].strip(), f"setting {field.name!r} has no meaning in docs/settings.md"
    documented = re.findall(r"^\| `(\w+)` \|", table, re.M)
    assert documented == [f.name for f in fields(Settings)], "docs/settings.md lists settings that do not exist"


def test_every_setting_has_help_text() -> None:
    assert all(doc.strip() for _, _, doc in Settings.describe())


def test_the_readme_layout_names_every_cli_module() -> None:
    for module in COMMAND_MODULES:
        name = module.__name__.replace(".", "/") + ".py"
        assert f"`{name.removeprefix('eventcoder/')}`" in README or f"`{name}`" in README, name
