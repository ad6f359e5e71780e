"""The wheel ships the product only: built for real (`python -m build`), then read as a zip.

Test doubles (the loopback Discord, OpenAI and web servers), the benchmark modules that drive
them and the benchmark data live in the checkout (`tests/fakes`, `tests/fixtures`), never in the
installed package; what the product needs at run time (prompts, migrations, the demo's seed
thread) must be there. A user of the wheel who runs the benchmarks gets one line and exit 2.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow  # a subprocess build of the wheel (about a second)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this checkout, built without network (`--no-isolation`: the build backend
    comes from the test extra)."""
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=out,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_wheel_holds_no_test_doubles_benchmarks_or_data(names: set[str]) -> None:
    shipped = sorted(name for name in names if not name.startswith("debate_digest-"))
    assert not [name for name in shipped if not name.startswith("bot/")], shipped
    forbidden = [
        name
        for name in shipped
        if name.startswith(("bot/testing/", "bot/data/argkp/"))
        or "fake" in name.rsplit("/", 1)[-1]
        or name.endswith(".csv")
        or "/tests/" in name
        or (name.startswith("bot/bench/") and name != "bot/bench/__init__.py")
    ]
    assert forbidden == []


def test_wheel_holds_every_product_module(names: set[str]) -> None:
    """Nothing the product imports was excluded by mistake: every module of `bot/` except the
    benchmark modules is in the wheel."""
    expected = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "bot").rglob("*.py")
        if "__pycache__" not in path.parts
        and not (path.parent.name == "bench" and path.name != "__init__.py")
    }
    assert expected - names == set()


def test_wheel_holds_prompts_migrations_and_seed(names: set[str]) -> None:
    prompts = {p.name for p in (ROOT / "prompts").glob("*.md")}
    assert prompts, "no prompt files in the checkout"
    assert {f"bot/_prompts/{name}" for name in prompts} <= names
    migrations = {p.name for p in (ROOT / "bot" / "store" / "migrations").glob("*.sql")}
    assert migrations
    assert {f"bot/store/migrations/{name}" for name in migrations} <= names
    assert "bot/data/seed-thread.txt" in names  # `debate-digest demo` reads it
    assert any(name.endswith(".dist-info/entry_points.txt") for name in names)


def _installed(wheel: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The wheel unpacked as pip would install it (a pure wheel is a zip of site-packages),
    and an environment where only it, not this checkout, provides `bot`."""
    site = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    return site, env


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


def test_installed_wheel_explains_that_bench_needs_a_checkout(wheel: Path, tmp_path: Path) -> None:
    site, env = _installed(wheel, tmp_path)
    done = _run(["-m", "bot", "bench", "--quick"], env, tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "source checkout" in lines[0] and "Traceback" not in done.stderr
    assert str(site) in lines[0]  # says where it looked

    # A part run alone says the same, in one line, rather than a traceback.
    done = _run(["-m", "bot.bench.dedupe_bench"], env, tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "source checkout" in done.stderr


def test_installed_wheel_runs_the_product(wheel: Path, tmp_path: Path) -> None:
    """The shipped package works without the checkout: the offline demo reads its seed thread,
    and the prompts load from the package's own copy."""
    site, env = _installed(wheel, tmp_path)
    done = _run(["-m", "bot", "demo", "--json", "--no-cache"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["input"]["comments"] == 53 and result["summary"]["question"]
    script = (
        "from bot.summarize.prompts import prompts_dir\n"
        "print(prompts_dir())\n"
        "print(len([e for e in prompts_dir().iterdir() if e.name.endswith('.md')]))\n"
    )
    done = _run(["-c", script], env, tmp_path)
    assert done.returncode == 0, done.stderr
    folder, count = done.stdout.split()
    assert Path(folder).is_relative_to(site)
    assert int(count) == len(list((ROOT / "prompts").glob("*.v*.md")))
