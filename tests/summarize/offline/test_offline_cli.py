"""The two commands at the top of issue 9, through the real CLI, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FOUR_DAY_WEEK = (
    "Alice: We should switch the office to a four-day work week.\n"
    "Bob: I disagree, customers expect us to answer the phone on Fridays.\n"
    "Carol: I agree with Alice, people would be more rested and productive.\n"
    "Dan: No way, the workload would just get squeezed into four longer days.\n"
)
REMOTE_WORK = (
    "Alice: I think remote work should be allowed for all our engineers\n"
    "Bob: I think remote work should not be allowed for all our engineers\n"
)


def summarize(text: str, tmp_path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "summarize", "-", "--no-cache", *flags],
        input=text,
        capture_output=True,
        text=True,
        env={**os.environ, "DEBATE_DIGEST_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"},
        timeout=120,
    )


def test_four_day_week_chat_gives_alice_and_carol_against_bob_and_dan(tmp_path: Path) -> None:
    proc = summarize(FOUR_DAY_WEEK, tmp_path, "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    summary = result["summary"]
    assert [set(s["participants"]) for s in summary["sides"]] == [
        {"Alice", "Carol"},
        {"Bob", "Dan"},
    ]
    assert [s["comment_ids"] for s in summary["sides"]] == [["c1", "c3"], ["c2", "c4"]]
    assert summary["question"] == "We should switch the office to a four-day work week."
    assert [s["label"].split(":")[0] for s in summary["sides"]] == ["For", "Against"]
    assert not any("No disagreement" in n for n in result["notes"])
    for side in summary["sides"]:
        # The position is not repeated as the first point.
        assert all(p["text"] != side["position"] for p in side["points"])


def test_four_day_week_terminal_says_what_counts_count(tmp_path: Path) -> None:
    proc = summarize(FOUR_DAY_WEEK, tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = " ".join(proc.stdout.split())
    assert "2 comments take this side" in out
    assert "No disagreement found" not in out
    assert "For: We should switch" in out and "Against: We should switch" in out


def test_remote_work_negation_keeps_bob_on_his_own_side(tmp_path: Path) -> None:
    proc = summarize(REMOTE_WORK, tmp_path, "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    ids = {c["id"] for c in result["comments"]}
    sides = result["summary"]["sides"]
    assert "c2" in ids  # Bob's negation is his own comment, not a copy of Alice's
    assert result["duplicates"] == []
    assert len(sides) == 2
    assert [s["participants"] for s in sides] == [["Alice"], ["Bob"]]
