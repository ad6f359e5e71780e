"""The command line on hostile inputs and bad usage, in a real subprocess: exit 2 and one line
on stderr for whatever cannot be read, a normal result for whatever can."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        errors="strict",  # stdout and stderr must be valid UTF-8
        env=dict(os.environ),
        cwd=cwd,
        timeout=120,
    )


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("debate-digest: error: ")
    return lines[0]


def dce(*messages: dict) -> str:
    export = {"guild": {"id": "1"}, "channel": {"id": "2"}, "messages": list(messages)}
    return json.dumps(export)


CRASHERS = {
    "hn-type-list.json": (
        '[{"id": 1, "type": "story", "by": "a", "time": 1, "text": "x", "kids": [2]},'
        ' {"id": 2, "type": "comment", "by": "b", "time": 2, "text": "y", "parent": "1"}]',
        "hn-type-list.json: not a valid Hacker News API item: [1].parent: should be an integer",
    ),
    "algolia.json": (
        '{"id": 1, "created_at_i": 1, "author": "a", "text": "x", "children": '
        '[{"id": 2, "author": "b", "text": "y", "children": 5}]}',
        "algolia.json: not a valid Hacker News Algolia item tree: item 1: children[0].children: "
        "should be an array",
    ),
    "reddit.json": (
        '[{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {"id": "a"}}]}},'
        ' {"kind": "Listing", "data": {"children": 5}}]',
        "reddit.json: not a valid Reddit thread listing: [1].data.children: should be an array",
    ),
}


@pytest.mark.parametrize("name", sorted(CRASHERS))
def test_crashers_end_in_one_line_and_exit_2(name: str, tmp_path: Path) -> None:
    text, expected = CRASHERS[name]
    (tmp_path / name).write_text(text, "utf-8")
    line = one_line_error(run("summarize", name, "--db", "c.db", cwd=tmp_path))
    assert line == f"debate-digest: error: {expected}"


def test_what_used_to_crash_and_can_be_read_is_summarized(tmp_path: Path) -> None:
    export = dce(
        {"id": "1", "content": "Buses\ud83d should be free for everyone in the city.",
         "timestamp": "0001-01-01T00:00:00+01:00", "author": {"name": "ann\udc00"}},
        {"id": "2", "content": "", "attachments": [{"url": "http://[x/plan.pdf"}],
         "timestamp": "9999-12-31T23:59:59-01:00", "author": {"name": "bob"}},
        {"id": "3", "content": "No, free buses would cost the city far too much money.",
         "author": {"name": "cy"}, "reference": {"messageId": "1"}},
    )  # fmt: skip
    assert "\\ud83d" in export
    (tmp_path / "export.json").write_text(export, "utf-8")
    proc = run("summarize", "export.json", "--json", "--db", "c.db", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    texts = {c["id"]: c["text"] for c in result["comments"]}
    assert texts["2"] == "[attachment: plan.pdf]"
    assert "Buses\ufffd should" in texts["1"]
    # The terminal render of the same input also works (the cached result this time).
    proc = run("summarize", "export.json", "--db", "c.db", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["summarize", "--format", "foo", "x.txt"],
            "Invalid value for '--format' / '-f': 'foo' is not one of 'auto', 'text', 'chat', "
            "'discord-json', 'discord-txt', 'discord-csv', 'hackernews', 'reddit', 'discourse'. "
            "(see 'debate-digest summarize --help')",
        ),
        (
            ["summarize", "--max-points", "0", "x.txt"],
            "Invalid value for '--max-points': Input should be greater than or equal to 1 "
            "(see 'debate-digest summarize --help')",
        ),
        (
            ["summarize"],
            "no input given: name a file, - for standard input, or a link "
            "(see 'debate-digest summarize --help')",
        ),
        (["frobnicate"], "No such command 'frobnicate'. (see 'debate-digest --help')"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], expected: str, tmp_path: Path) -> None:
    assert one_line_error(run(*args, cwd=tmp_path)) == f"debate-digest: error: {expected}"


def test_help_still_works(tmp_path: Path) -> None:
    proc = run("summarize", "--help", cwd=tmp_path)
    assert proc.returncode == 0 and "Usage: debate-digest summarize" in proc.stdout
    proc = run(cwd=tmp_path)  # no arguments at all: the help, as before
    assert "Usage: debate-digest" in proc.stdout + proc.stderr and "error" not in proc.stderr
