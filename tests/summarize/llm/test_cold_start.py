"""What a command loads before it does anything: `--help` needs no event loop, no rich and no
litellm; `--json` needs no rich; an offline summary loads no litellm."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
from typer.testing import CliRunner
from bot.cli import app
result = CliRunner().invoke(app, sys.argv[1:])
assert result.exit_code == 0, result.output
print("loaded:" + ",".join(m for m in ("asyncio", "rich", "litellm") if m in sys.modules))
"""


def loaded(*args: str, cwd: Path) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=None,
    )
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("loaded:"), proc.stdout
    return set(filter(None, last.removeprefix("loaded:").split(",")))


def test_help_loads_no_event_loop_no_rich_no_litellm(tmp_path: Path) -> None:
    assert loaded("--help", cwd=tmp_path) == set()
    assert loaded("summarize", "--help", cwd=tmp_path) == set()


def test_json_summary_loads_no_rich(seed_path: Path, tmp_path: Path) -> None:
    # CliRunner's stderr is no terminal, as when the output is piped.
    modules = loaded(
        "summarize", str(seed_path), "--json", "--db", str(tmp_path / "c.db"), cwd=tmp_path
    )
    assert "rich" not in modules and "litellm" not in modules
