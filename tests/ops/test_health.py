"""The health and metrics port: the real bot (as `main` assembles it) on the loopback Discord,
asked over HTTP as a probe or Prometheus would."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from fakes.discord import FakeDiscord
from prometheus_client.parser import text_string_to_metric_families

from bot.discord.app import assembled
from bot.errors import ConfigError
from bot.ops import metrics
from bot.settings import Settings
from bot.store import NullStore

ROOT = Path(__file__).parents[2]
TEXT = "\n".join(
    [
        "Remote work is better because people skip the commute and get hours back.",
        "I disagree: offices are better because juniors learn faster next to seniors.",
        "I agree, remote work lets people live where they want.",
        "No, collaboration suffers remotely; whiteboard sessions are hard over video.",
    ]
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "cooldown_s": 0,
        "offline_cooldown_s": 0,
        "progress_interval_s": 0,
        "model": "",
        "health_port": free_port(),
    }
    values.update(overrides)
    return Settings(**values)


async def probe(port: int | None) -> tuple[int, str]:
    """`python -m bot.ops.probe` (the image's HEALTHCHECK) with the port in its environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEBATE_DIGEST_")}
    env["PYTHONPATH"] = str(ROOT)
    if port is not None:
        env["DEBATE_DIGEST_HEALTH_PORT"] = str(port)
        env["DEBATE_DIGEST_HEALTH_HOST"] = "0.0.0.0"  # the probe asks 127.0.0.1 then
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.ops.probe", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await process.communicate()
    return process.returncode or 0, out.decode()


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def world(fake: FakeDiscord) -> tuple[Any, Any]:
    guild = fake.add_guild("Debates")
    user = fake.add_user("bob")
    fake.add_member(guild, user)
    fake.add_member(guild, fake.add_user("alice"))
    return user, fake.add_channel(guild, "general")


async def test_healthz_follows_the_gateway_and_metrics_count_a_summary(
    discord_fake: FakeDiscord, tmp_path: Path
) -> None:
    fake = discord_fake
    bob, general = world(fake)
    settings = make_settings(tmp_path, offline_cooldown_s=600)
    base = f"http://127.0.0.1:{settings.health_port}"
    async with assembled(settings) as bot:
        status, body = await get(f"{base}/healthz")
        assert status == 503, body
        assert json.loads(body) == {
            "status": "unavailable",
            "reason": "Discord gateway not ready",
        }
        async with fake.run_client(bot):
            status, body = await get(f"{base}/healthz")
            assert (status, json.loads(body)) == (200, {"status": "ok"})
            assert await probe(settings.health_port) == (0, 'healthy: {"status": "ok"}\n')

            it = await fake.interaction(bob, general, "summarize", {"text": TEXT})
            await fake.wait_for(lambda: it.original and it.original.get("embeds"), timeout=20)
            alice = next(
                m.user for m in fake.guilds[general.guild_id].members.values() if m.user is not bob
            )
            again = await fake.interaction(alice, general, "summarize", {"text": TEXT})
            await fake.wait_for(lambda: again.original and again.original.get("embeds"), 20)

            # A fresh request within the person's cooldown is refused, and counted as such.
            third = await fake.interaction(bob, general, "summarize", {"text": TEXT + "\nmore"})
            # The refusal comes after a public "thinking…" (the cache is asked first): wait for
            # the refusal itself.
            await fake.wait_for(
                lambda: any(
                    s.interaction is third
                    and "another summary in" in (s.payload.get("content") or "")
                    for s in fake.sent_messages()
                ),
                20,
            )

            status, text = await get(f"{base}/metrics")
            assert status == 200
            got = samples(text)
            refused = [
                v
                for (name, labels), v in got.items()
                if name == "debate_digest_errors_total" and ("where", "refused") in labels
            ]
            assert refused == [1], got
            summaries = "debate_digest_summaries_total"
            assert got[(summaries, (("engine", "offline"), ("outcome", "fresh")))] == 1
            assert got[(summaries, (("engine", "offline"), ("outcome", "cached")))] == 1
            assert got[("debate_digest_cache_lookups_total", (("result", "hit"),))] == 1
            assert got[("debate_digest_event_loop_lag_seconds_count", ())] >= 1
            assert ("process_resident_memory_bytes", ()) in got
            # Nothing of the thread is in the metrics.
            assert "commute" not in text and "bob" not in text

            # The store stops answering: unhealthy, whatever the gateway says.
            store, bot.store = bot.store, NullStore("gone")
            status, body = await get(f"{base}/healthz")
            bot.store = store
            assert (status, json.loads(body)["reason"]) == (503, "store unreachable")
        status, body = await get(f"{base}/healthz")
        assert status == 503 and json.loads(body)["reason"] == "Discord client closed"
        code, out = await probe(settings.health_port)
        assert code == 1 and out.startswith("unhealthy: HTTP 503") and "closed" in out
    assert metrics.active() is None  # the port closed with the bot; the hooks are off again
    with pytest.raises(aiohttp.ClientConnectionError):
        await get(f"{base}/healthz")
    code, out = await probe(settings.health_port)
    assert code == 1 and out.startswith("unhealthy: http://127.0.0.1:")


async def test_the_probe_without_a_port() -> None:
    assert await probe(None) == (1, "unhealthy: DEBATE_DIGEST_HEALTH_PORT is not set\n")


async def test_no_port_no_server_no_metrics(discord_fake: FakeDiscord, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, health_port=None)
    async with assembled(settings):
        assert metrics.active() is None


async def test_a_port_in_use_is_one_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = make_settings(tmp_path, health_port=port)
        with pytest.raises(ConfigError, match=f"DEBATE_DIGEST_HEALTH_PORT {port} on 127.0.0.1"):
            async with assembled(settings):
                pass
    assert metrics.active() is None


def test_the_port_setting_is_optional_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().health_port is None and Settings().health_host == "127.0.0.1"
    monkeypatch.setenv("DEBATE_DIGEST_HEALTH_PORT", "70000")
    with pytest.raises(ValueError, match="health_port"):
        Settings()


class Shard:
    def __init__(self, closed: bool) -> None:
        self.closed = closed

    def is_closed(self) -> bool:
        return self.closed


class ShardedBot:
    """What `gateway_problem` reads of an AutoShardedClient."""

    def __init__(self, shards: dict[int, Shard], *, ready: bool = True) -> None:
        self.shards, self.ready = shards, ready

    def is_closed(self) -> bool:
        return False

    def is_ready(self) -> bool:
        return self.ready


def test_every_shard_of_the_process_must_be_connected() -> None:
    from bot.ops.server import gateway_problem

    assert gateway_problem(ShardedBot({0: Shard(False), 1: Shard(False)})) is None
    assert gateway_problem(ShardedBot({0: Shard(False), 2: Shard(True)})) == (
        "Discord shards disconnected: [2]"
    )
    assert gateway_problem(ShardedBot({}, ready=False)) == "Discord gateway not ready"
