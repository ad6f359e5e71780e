"""Import rules, checked statically on the sources (`ast`), transitively through `bot`.

- The core (engines `bot.summarize`, store `bot.store`, ingest `bot.ingest` but its Discord part
  `discord_links`, dedupe `bot.dedupe`, digest core `bot.digest`) never imports `discord`, the
  Discord layer (`bot.discord`) or the renderers (`bot.render`), not even through another module
  of `bot`: it is plain Python that tests and the CLI call without discord.py (DESIGN.md: only
  ingest of Discord links, the Discord renderer and the command layer import `discord`).
- Nothing that ships in the wheel imports test code (`tests`, the loopback `fakes`, pytest,
  hypothesis). The benchmark modules (`bot/bench/*.py` but `__init__`) are not shipped: they
  drive the checkout's fakes (and nothing else of the test tree), and `bot.bench` is the one
  door to them (it finds the checkout or raises `CheckoutMissing`), so the walk stops there.

Every import counts, at module level or inside a function (a lazy import still runs), except
those under `if TYPE_CHECKING:`, which never run.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"

CORE = ("bot.summarize", "bot.store", "bot.ingest", "bot.dedupe", "bot.digest")
CORE_EXCEPT = {"bot.ingest.discord_links"}  # the one ingest module that reads Discord
NOT_FOR_CORE = ("discord", "bot.discord", "bot.render")
TEST_CODE = ("tests", "fakes", "pytest", "_pytest", "pytest_asyncio", "hypothesis", "bot.testing")
BENCH_DOOR = "bot.bench"  # the one shipped module that imports the benchmark modules


def _within(name: str, prefixes: tuple[str, ...] | str) -> bool:
    prefixes = (prefixes,) if isinstance(prefixes, str) else prefixes
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(BOT.rglob("*.py"))}


def shipped(name: str) -> bool:
    """Mirrors the wheel's exclude in pyproject.toml (checked by tests/test_packaging.py)."""
    return not (_within(name, BENCH_DOOR) and name != BENCH_DOOR)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@dataclass(frozen=True)
class Import:
    target: str
    line: int


def imports_of(name: str) -> list[Import]:
    """Every module `name` imports when it runs: `import a.b` and `from a import b` (and `b`
    itself when it is a module of `bot`), relative imports resolved, parents included."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []

    def add(target: str, line: int) -> None:
        parts = target.split(".")
        found.extend(Import(".".join(parts[:i]), line) for i in range(1, len(parts) + 1))

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            add(module, node.lineno)
            for alias in node.names:
                if f"{module}.{alias.name}" in MODULES:
                    add(f"{module}.{alias.name}", node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def chain(
    start: str, bad: tuple[str, ...], *, follow: Callable[[str], bool] = lambda name: True
) -> list[str] | None:
    """The first import chain from `start` to a module in `bad` (as "module:line" steps), or
    None. The walk follows the modules of `bot` for which `follow` is true."""
    seen = {start}
    queue: list[tuple[str, list[str]]] = [(start, [start])]
    while queue:
        name, path = queue.pop(0)
        for imp in GRAPH[name]:
            step = path[:-1] + [f"{path[-1]}:{imp.line}", imp.target]
            if _within(imp.target, bad):
                return step
            if imp.target in seen or imp.target not in MODULES:
                continue
            seen.add(imp.target)
            if not follow(imp.target):
                continue
            queue.append((imp.target, step))
    return None


def test_the_walk_sees_every_kind_of_import() -> None:
    """The checker itself: lazy, relative and `from package import module` imports are seen,
    TYPE_CHECKING-only imports are not."""
    cli = {imp.target for imp in GRAPH["bot.cli"]}
    assert BENCH_DOOR in cli  # `from bot.bench import run_all`, inside the bench command
    assert "bot.ingest.discord_links" in {imp.target for imp in GRAPH["bot.discord.digests"]}
    safe = {imp.target for imp in GRAPH["bot.render.safe"]}
    assert "bot.summarize.schema" not in safe  # only under TYPE_CHECKING
    assert chain("bot.discord.app", ("discord",)) is not None
    assert chain("bot.cli", TEST_CODE) is not None  # through the benchmark modules...
    assert chain("bot.cli", TEST_CODE, follow=shipped) is None  # ...which do not ship


CORE_MODULES = sorted(n for n in MODULES if _within(n, CORE) and n not in CORE_EXCEPT)


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_imports_no_discord_and_no_renderer(module: str) -> None:
    found = chain(module, NOT_FOR_CORE)
    assert found is None, " -> ".join(found)


SHIPPED = sorted(n for n in MODULES if shipped(n))


@pytest.mark.parametrize("module", SHIPPED)
def test_product_imports_no_test_code(module: str) -> None:
    found = chain(module, TEST_CODE, follow=shipped)
    assert found is None, " -> ".join(found)


def test_only_the_bench_door_imports_what_does_not_ship() -> None:
    """A shipped module importing a benchmark module would fail in the wheel; only `bot.bench`
    does, after it has found the checkout."""
    bad = [
        f"{name}:{imp.line} {imp.target}"
        for name in SHIPPED
        if name != BENCH_DOOR
        for imp in GRAPH[name]
        if imp.target in MODULES and not shipped(imp.target)
    ]
    assert bad == []


def test_benchmarks_take_only_the_fakes_from_the_test_tree() -> None:
    """The benchmark modules may drive the loopback fakes, never pytest or the tests."""
    for name in MODULES:
        if shipped(name):
            continue
        bad = [
            f"{name}:{imp.line} {imp.target}"
            for imp in GRAPH[name]
            if _within(imp.target, TEST_CODE) and not _within(imp.target, "fakes")
        ]
        assert bad == []
