"""End to end: hostile thread text through `summarize` to stdout, in every output format."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .hostile import COMMONMARK, control_characters

CLIPBOARD = "\x1b]52;c;SGVsbG8=\x1b\\"
CLEAR = "\x1b[2J"
THREAD = (
    f"ana: I think nuclear power is safe and {CLIPBOARD} we should build more reactors"
    f" now.{CLEAR}\n"
    "ben: I disagree, nuclear power is not safe, see [docs](https://ok.example) and "
    "[Free Nitro](https://evil.example/gift) for the waste problem.\n"
    "ana: The waste problem is solved by deep storage, @everyone knows that \u202e reversed.\n"
    "ben: Deep storage is not solved at all, it leaks over decades\n"
    "# and this is no heading\n"
)


def summarize(path: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "summarize", str(path), "--no-cache", *args],
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.decode("utf-8")


@pytest.fixture
def thread(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.txt"
    path.write_text(THREAD, "utf-8")
    return path


@pytest.mark.parametrize(
    "env", [{}, {"FORCE_COLOR": "1", "COLUMNS": "120"}], ids=["pipe", "colour"]
)
def test_terminal_output_carries_no_injected_sequence(thread: Path, env: dict[str, str]) -> None:
    out = summarize(thread, env=env)
    assert "quotes verified" in out
    assert "\x1b]" not in out and CLEAR not in out and "\u202e" not in out
    if not env:  # without colour, rich writes no escape sequence of its own either
        assert not control_characters(out)


def test_markdown_output_is_text_only(thread: Path) -> None:
    out = summarize(thread, "--markdown")
    assert not control_characters(out)
    tokens = [t for block in COMMONMARK.parse(out) for t in [block, *(block.children or [])]]
    assert not [t for t in tokens if t.type in ("link_open", "image", "html_inline")]
    headings = [t for t in tokens if t.type == "heading_open"]
    assert len(headings) == 3  # "Debate digest" and the two sides: none from the thread
    assert "@everyone" not in out


def test_json_output_is_valid_and_keeps_the_data(thread: Path, tmp_path: Path) -> None:
    out = summarize(thread, "--json")
    data = json.loads(out)
    assert "\x1b" not in out and "\u202e" not in out  # written as \u escapes
    texts = [c["text"] for c in data["comments"]]
    assert any(CLIPBOARD in t for t in texts)  # the data is kept, escaped by JSON


def test_json_output_survives_a_lone_surrogate(tmp_path: Path) -> None:
    # A JSON escape of half an emoji in a DiscordChatExporter export (issue 14).
    messages = [
        {
            "id": str(1000 + i),
            "type": "Default",
            "timestamp": f"2024-05-01T12:0{i}:00+00:00",
            "content": text,
            "author": {"id": str(i % 2), "name": f"u{i % 2}", "isBot": False},
            "attachments": [],
            "embeds": [],
            "reactions": [],
            "mentions": [],
        }
        for i, text in enumerate(
            [
                "I think nuclear power is safe and we should build more reactors now.",
                "I disagree, nuclear power is not safe at all because of the waste.",
                "The waste problem is solved by deep storage in stable rock.",
                "Deep storage is not solved at all, it leaks over decades.",
            ]
        )
    ]
    document = json.dumps(
        {
            "guild": {"id": "1", "name": "g"},
            "channel": {"id": "2", "name": "c", "type": "GuildTextChat"},
            "dateRange": {},
            "messages": messages,
            "messageCount": len(messages),
        }
    ).replace("now.", "now \\ud83d.")
    path = tmp_path / "export.json"
    path.write_text(document, "utf-8")
    data = json.loads(summarize(path, "--json"))
    assert any("now \ufffd." in c["text"] for c in data["comments"])
