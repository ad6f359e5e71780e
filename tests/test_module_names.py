"""No module binds one top-level name twice: the engine's rule tables are module constants, and a
second `_PROPOSED_BY = ...` further down a 2,000-line module silently replaces the first one for
every function that reads it (ruff's F811 does not see a reassigned constant)."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import bot

ROOT = Path(bot.__file__).parent


def _bound_twice(source: str) -> list[str]:
    seen: Counter[str] = Counter()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            seen.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            seen[node.target.id] += 1
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            seen[node.name] += 1
    return sorted(name for name, n in seen.items() if n > 1)


def test_the_check_sees_a_rebound_constant() -> None:
    assert _bound_twice("_A = 1\ndef f():\n    return _A\n_A = 2\n") == ["_A"]
    assert _bound_twice("_A = 1\n_B: int = 2\n") == []


def test_no_module_binds_a_top_level_name_twice() -> None:
    found = {
        str(path.relative_to(ROOT)): names
        for path in sorted(ROOT.rglob("*.py"))
        if (names := _bound_twice(path.read_text(encoding="utf-8")))
    }
    assert found == {}
