"""Layout rules: the store does not import the output layer, the events modules form no import
cycle, no module is over 600 lines and no function over 60."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "eventcoder"


def _imports(path: Path) -> set[str]:
    """Every eventcoder module ``path`` imports, at any depth of the file (absolute names)."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base]) if base else ".".join(parent)
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {name for name in found if name.startswith("eventcoder")}


def test_the_store_does_not_import_the_output_layer() -> None:
    for path in (PACKAGE / "store").glob("*.py"):
        wrong = {m for m in _imports(path) if m.split(".")[:2] in (["eventcoder", "output"], ["eventcoder", "export"],
                                                                    ["eventcoder", "export_formats"])}
        assert not wrong, f"{path.name} imports {sorted(wrong)}"


def test_the_events_modules_form_no_import_cycle() -> None:
    """Not even through an import inside a function (verbdict and verbmatch used to import each other)."""
    modules = {f"eventcoder.events.{p.stem}": p for p in (PACKAGE / "events").glob("*.py") if p.stem != "__init__"}
    graph = {name: _imports(path) & set(modules) for name, path in modules.items()}
    assert "eventcoder.events.verbmatch" in graph

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start] - seen:
            seen.add(nxt)
            if nxt == goal or reaches(nxt, goal, seen):
                return True
        return False

    assert [name for name in graph if reaches(name, name, set())] == []


def test_no_module_is_over_600_lines() -> None:
    sizes = {str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 600} == {}


def test_no_function_is_over_60_lines() -> None:
    """Decorators not counted; the docstring is. List an exception here with its reason."""
    exceptions: dict[str, str] = {}
    long: dict[str, int] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None:
                name = f"{path.relative_to(PACKAGE)}:{node.name}"
                if node.end_lineno - node.lineno + 1 > 60 and name not in exceptions:
                    long[name] = node.end_lineno - node.lineno + 1
    assert long == {}
