"""Every fold reported: `--json` lists them, the terminal says so in one line and lists them with
`--show-duplicates`, the Markdown export has an appendix. Through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.render.common import fold_account, id_ranges
from bot.summarize.schema import DigestResult, Duplicate, InputStats, Summary

ISSUE = (
    "Alice: I think remote work should be allowed for all our engineers\n"
    "Bob: I think remote work should not be allowed for all our engineers\n"
)
COPIES = (
    "Alice: Four-day weeks would leave people more rested and more productive at work\n"
    "Bob: Customers expect us to answer the phone on Fridays, so no.\n"
    "Carol: four-day weeks would leave people MORE rested and more productive at work!!\n"
    "Dan: Four-day weeks would leave people more rested and more productive at wrok\n"
)


def cli(*args: str, stdin: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "summarize", "-", *args, "--db", str(tmp_path / "c.db")],
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(os.environ, COLUMNS="120"),
        timeout=120,
    )


def test_the_issue_command_keeps_bob(tmp_path: Path) -> None:
    proc = cli("--json", "--no-cache", stdin=ISSUE, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [(c["id"], c["author"]) for c in data["comments"]] == [("c1", "Alice"), ("c2", "Bob")]
    assert data["duplicates"] == []
    assert data["input"]["participants"] == 2


def test_json_lists_every_fold_with_its_author(tmp_path: Path) -> None:
    proc = cli("--json", "--no-cache", stdin=COPIES, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["duplicates"] == [
        {"id": "c3", "kind": "normalized", "duplicate_of": "c1", "author": "Carol"},
        {"id": "c4", "kind": "near", "duplicate_of": "c1", "author": "Dan"},
    ]
    assert data["input"]["participants"] == 4  # Carol and Dan still count
    # A cached answer reports the folds too.
    again = json.loads(cli("--json", stdin=COPIES, tmp_path=tmp_path).stdout)
    again2 = json.loads(cli("--json", stdin=COPIES, tmp_path=tmp_path).stdout)
    assert again2["cached"] and again2["duplicates"] == data["duplicates"] == again["duplicates"]


def test_terminal_says_it_in_one_line_and_lists_on_request(tmp_path: Path) -> None:
    plain = cli("--no-cache", stdin=COPIES, tmp_path=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert "2 copies folded: c3–c4 repeat c1" in plain.stdout
    assert "(normalized, by Carol) repeats c1" not in plain.stdout
    listed = cli("--no-cache", "--show-duplicates", stdin=COPIES, tmp_path=tmp_path)
    assert "c3 (normalized, by Carol) repeats c1" in listed.stdout
    assert "c4 (near, by Dan) repeats c1" in listed.stdout


def test_markdown_has_an_appendix(tmp_path: Path) -> None:
    proc = cli("--markdown", "--no-cache", stdin=COPIES, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    appendix = proc.stdout.split("## Appendix: copies folded", 1)[1]
    assert "2 copies folded: c3–c4 repeat c1." in appendix
    assert "- c4 (near, by Dan) repeats c1" in appendix


def test_id_ranges_compress_runs() -> None:
    assert id_ranges(["c28", "c29", "c30", "c35", "x", "c36"]) == "c28–c30, c35, x, c36"
    assert id_ranges([f"m{i}" for i in range(0, 20, 2)], limit=3) == "m0, m2, m4 … and 7 more"


def test_fold_account_wording() -> None:
    def result(*folds: Duplicate) -> DigestResult:
        return DigestResult(
            engine="offline",
            input=InputStats(comments=3, unique_comments=2, duplicates_removed=len(folds)),
            summary=Summary(question="q"),
            duplicates=list(folds),
        )

    assert fold_account(result()) is None
    one = Duplicate(id="c3", kind="exact", duplicate_of="c1", author="Bob")
    assert fold_account(result(one)) == "1 copy folded: c3 repeats c1"
