"""Logs: one JSON object a line when asked, and never message text at INFO or above."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.discord import FakeDiscord
from fakes.openai_server import FakeOpenAI, debate_responder

from bot.discord.app import assembled
from bot.ops.logs import JsonFormatter
from bot.settings import Settings

ROOT = Path(__file__).parents[2]
MARK = "ZEBRAWHISPER"  # in every message: it must never reach a log line at INFO or above
DEBATE = [
    ("alice", f"{MARK} remote work is better because people skip the commute and get hours back."),
    ("bob", f"I disagree {MARK}: offices are better because juniors learn faster next to seniors."),
    ("carol", f"I agree with alice {MARK}, remote work lets people live where they want."),
    (
        "dave",
        f"No, collaboration suffers remotely {MARK}; whiteboard sessions are hard over video.",
    ),
    ("alice", f"Async writing {MARK} makes remote teams document decisions, which helps everyone."),
    ("bob", f"Wrong {MARK}: offices build trust, and new hires feel isolated when all are remote."),
]


def test_json_lines_hold_time_level_logger_message_extras_and_the_traceback() -> None:
    logger = logging.getLogger("debate_digest.test")
    record = logger.makeRecord(
        logger.name, logging.WARNING, __file__, 1, "summary %s in %d ms\nnext", ("x", 12), None,
        extra={"guild_id": 42, "engine": "offline"},
    )  # fmt: skip
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "WARNING" and data["logger"] == "debate_digest.test"
    assert data["message"] == "summary x in 12 ms\nnext"
    assert data["guild_id"] == 42 and data["engine"] == "offline"
    assert data["time"].endswith("+00:00") and "T" in data["time"]
    assert "ValueError: boom" in data["exception"]
    assert "args" not in data and "msg" not in data and "levelno" not in data


def test_the_cli_logs_json_when_the_setting_says_so(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DEBATE_DIGEST_LOG_FORMAT=json\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEBATE_DIGEST_")}
    env.update(PYTHONPATH=str(ROOT), DEBATE_DIGEST_DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}")
    run = [sys.executable, "-m", "bot", "demo", "--json", "--verbose"]
    for _ in range(2):  # the second answer is a cache hit, logged at INFO
        done = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert any(line["message"].startswith("cache hit sha256:") for line in lines), lines
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    json.loads(done.stdout)  # stdout is still the result alone

    (tmp_path / ".env").write_text("DEBATE_DIGEST_LOG_FORMAT=yaml\n")
    done = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith("debate-digest: error: invalid setting DEBATE_DIGEST_LOG_FORMAT")


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("fakes"):  # the test doubles' own logs
            return
        self.lines.append(self.format(record))


@pytest.fixture
def captured() -> Iterator[Captured]:
    """Every record at INFO and above, of every logger (discord.py, litellm, aiohttp, ours),
    formatted as the JSON log would write it, extras and tracebacks included."""
    handler = Captured()
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)  # as `debate-digest run` does: DEBUG off
    root.addHandler(handler)
    # Loggers that do not propagate to the root get the handler themselves.
    extra = [
        logging.getLogger(name)
        for name, logger in list(logging.Logger.manager.loggerDict.items())
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    for logger in extra:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        for logger in extra:
            logger.removeHandler(handler)


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "cooldown_s": 0,
        "offline_cooldown_s": 0,
        "progress_interval_s": 0,
        "model": "",
    }
    values.update(overrides)
    return Settings(**values)


def answered(it: Any) -> bool:
    """The deferred reply was replaced by the answer (embeds)."""
    if it.original and it.original.get("embeds"):
        return True
    return any(f.get("embeds") for f in it.followups)


async def test_no_message_text_in_the_logs_of_summaries(
    discord_fake: FakeDiscord,
    tmp_path: Path,
    captured: Captured,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = discord_fake
    guild = fake.add_guild("Debates")
    users = {name: fake.add_user(name) for name in ("alice", "bob", "carol", "dave")}
    for user in users.values():
        fake.add_member(guild, user)
    general = fake.add_channel(guild, "general")
    thread = fake.add_thread(general, "remote vs office", owner=users["alice"])
    posted: list[dict[str, Any]] = []
    for number, (name, text) in enumerate(DEBATE):
        reply_to = posted[-1] if number % 2 else None
        posted.append(fake.add_message(thread, users[name], text, reply_to=reply_to))
    link = f"https://discord.com/channels/{guild.id}/{thread.id}"
    paste = "\n".join(text for _, text in DEBATE)

    # The offline engine: pasted text and a thread link (its history read from Discord).
    async with assembled(make_settings(tmp_path)) as bot, fake.run_client(bot):
        for options in ({"text": paste}, {"link": link}):
            it = await fake.interaction(users["bob"], general, "summarize", options)
            await fake.wait_for(lambda it=it: answered(it), timeout=20)

    # The LLM engine (litellm against the loopback server), then a message deleted (forget).
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    with FakeOpenAI(responder=debate_responder) as server:
        settings = make_settings(
            tmp_path / "llm", model="openai/fake-model", api_base=server.url, cooldown_s=0
        )
        async with assembled(settings) as bot, fake.run_client(bot):
            it = await fake.interaction(users["carol"], general, "summarize", {"link": link})
            await fake.wait_for(lambda: answered(it), timeout=30)
            assert server.requests, "the LLM was asked"
            assert any(MARK in json.dumps(r) for r in server.requests)  # the text was there
    sent = "\n".join(str(s.payload) for s in fake.sent_messages())
    assert MARK in sent  # the answers quote the thread: the text went through the bot

    text = "\n".join(captured.lines)
    assert any("summary for interaction" in line for line in captured.lines), text[:2000]
    assert any("llm call model=openai/fake-model" in line for line in captured.lines)
    assert MARK not in text
    for _, message in DEBATE:  # not even a fragment of a message
        for fragment in message.replace(MARK, " ").split(", "):
            if len(fragment.strip()) > 20:
                assert fragment.strip() not in text, fragment
