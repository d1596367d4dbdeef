"""The sweep's modules import one another in one direction only: spec.py took the default storage
URL from urls.py, which took SweepError from spec.py (a circle, hidden by an import inside a
function). SweepError now lives in a module of its own, which both import, and
`from vae_desktop.core.sweep import SweepError` is still the one class every sweep error is."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import vae_desktop.core.sweep as sweep_package

FOLDER = Path(sweep_package.__file__).parent


def imports_within_the_package() -> dict[str, set[str]]:
    """Module -> the package's modules it imports anywhere in its text (inside functions too)."""
    names = {path.stem for path in FOLDER.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in FOLDER.glob("*.py"):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level == 1 and module in names:
                    found.add(module)
                elif node.level == 1 and not module:  # from . import spec
                    found |= {alias.name for alias in node.names if alias.name in names}
                elif module.startswith("vae_desktop.core.sweep."):
                    found.add(module.rsplit(".", 1)[1])
        graph[path.stem] = found - {path.stem}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each loop of imports, as the modules along it (the package's face, __init__, is left out:
    it imports every module and none imports it)."""
    found = []

    def walk(module: str, trail: list[str]) -> None:
        for imported in sorted(graph.get(module, ())):
            if imported == "__init__":
                continue
            if imported in trail:
                loop = trail[trail.index(imported):]
                if min(loop) == loop[0]:  # each loop once, from its first name
                    found.append([*loop, imported])
            else:
                walk(imported, [*trail, imported])

    for start in sorted(graph):
        if start != "__init__":
            walk(start, [start])
    return found


def test_the_sweep_modules_import_each_other_in_one_direction():
    graph = imports_within_the_package()
    assert "spec" not in graph["urls"], "urls.py imports spec.py"
    assert circles(graph) == []


def test_sweep_error_is_one_class_wherever_it_is_imported_from():
    from vae_desktop.core.sweep import StorageUnusable, StudyNotFound, SweepError, SweepSpec, spec, urls

    assert spec.SweepError is SweepError and urls.SweepError is SweepError
    assert issubclass(StorageUnusable, SweepError) and issubclass(StudyNotFound, SweepError)
    with pytest.raises(SweepError) as refused:
        SweepSpec(trials=0)
    assert refused.value.problems == ["trials must be an integer from 1 to 100,000, got 0"]
