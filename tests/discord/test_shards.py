"""Several processes: each runs some shards of the bot (`run --shard-count N --shard-ids …`),
answers only its guilds and runs only their digests; `DISCORD_API_BASE` sends every REST call
(interaction callbacks and follow-ups too) through a proxy. Against the loopback Discord, which
routes each guild's events to the shard (guild_id >> 22) % num_shards of its IDENTIFY."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from discord_helpers import PASTE, World, make_settings, running
from fakes.discord import FakeDiscord, Overwrite, P
from typer.testing import CliRunner

from bot.cli import app
from bot.digest.config import DigestConfig, SourceRef
from bot.digest.schedule import Schedule
from bot.discord.app import ShardPlan, assembled, shard_plan
from bot.errors import ConfigError

TOKEN = base64.b64encode(b"1234567890123456789").decode().rstrip("=") + ".GhIjKl.abcdefgh"


def has_embeds(it: Any) -> bool:
    return bool(
        (it.original and it.original.get("embeds")) or any(f.get("embeds") for f in it.followups)
    )


def shard_of(guild_id: int, count: int = 2) -> int:
    return (guild_id >> 22) % count


def guild_on_other_shard(fake: FakeDiscord, world: World) -> Any:
    """A second guild whose events go to the other of two shards: snowflakes made in the
    next millisecond land on the next shard."""
    while shard_of(fake.ids.next()) == shard_of(world.guild.id):
        fake.ids.tick(0.001)
    guild = fake.add_guild("Elsewhere")  # in the same millisecond as the id just drawn
    assert shard_of(guild.id) != shard_of(world.guild.id)
    fake.add_member(guild, world.bob)
    fake.add_channel(guild, "general")
    return guild


# --- the plan ------------------------------------------------------------------------------


def test_the_shard_plan_comes_from_options_over_settings(tmp_path: Any) -> None:
    settings = make_settings(tmp_path)
    assert shard_plan(settings) is None  # one process for everything, as before
    assert shard_plan(settings, auto=True) == "auto"
    assert shard_plan(settings, count=4) == ShardPlan(4, None)
    assert shard_plan(settings, count=4, ids="2, 0") == ShardPlan(4, (0, 2))
    configured = make_settings(tmp_path, shard_count=4, shard_ids="1,3")
    assert configured.shard_ids == [1, 3]
    assert shard_plan(configured) == ShardPlan(4, (1, 3))
    assert shard_plan(configured, ids="0") == ShardPlan(4, (0,))
    plan = ShardPlan(2, (1,))
    assert plan.owns(1 << 22) and not plan.owns(2 << 22) and ShardPlan(2).owns(2 << 22)


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"count": 2, "ids": "2"}, "run from 0 to 1"),
        ({"count": 2, "ids": "0,-1"}, "not -1"),
        ({"count": 2, "ids": "0,0"}, "must not repeat"),
        ({"count": 2, "ids": "a,b"}, "comma-separated"),
        ({"ids": "0"}, "--shard-count"),
        ({"count": 2, "auto": True}, "--auto-shard"),
    ],
)
def test_a_bad_shard_plan_is_one_clear_error(
    tmp_path: Any, options: dict[str, Any], words: str
) -> None:
    with pytest.raises(ConfigError, match=words):
        shard_plan(make_settings(tmp_path), **options)


@pytest.mark.parametrize(
    ("args", "env", "words"),
    [
        (["--shard-count", "2", "--shard-ids", "0,2"], {}, "shard ids run from 0 to 1"),
        (["--shard-ids", "1"], {}, "shard count"),
        (["--shard-count", "0"], {}, "--shard-count"),
        ([], {"DEBATE_DIGEST_DISCORD_API_BASE": "proxy:3000"}, "DISCORD_API_BASE"),
        ([], {"DEBATE_DIGEST_SHARD_COUNT": "3", "DEBATE_DIGEST_SHARD_IDS": "3"}, "0 to 2"),
    ],
)
def test_run_refuses_bad_shards_in_one_line(
    monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str], words: str
) -> None:
    monkeypatch.setenv("DEBATE_DIGEST_DISCORD_TOKEN", TOKEN)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["run", *args])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and words in lines[0], lines


def test_run_help_names_the_shard_options() -> None:
    result = CliRunner().invoke(app, ["run", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--shard-count", "--shard-ids", "--auto-shard"):
        assert option in result.stdout


# --- two processes against one Discord -------------------------------------------------------


async def test_two_processes_each_serve_and_schedule_only_their_shards(
    discord_fake: FakeDiscord, world: World, tmp_path: Any
) -> None:
    fake = discord_fake
    other = guild_on_other_shard(fake, world)
    home = shard_of(world.guild.id)
    mod_log = fake.add_channel(
        world.guild,
        "mod-log",
        overwrites=[
            Overwrite.role(world.guild.everyone, deny=P.VIEW_CHANNEL),
            Overwrite.member(fake.bot_user, allow=P.VIEW_CHANNEL),
        ],
    )
    settings = make_settings(tmp_path, digest_tick_s=0)  # one database, two processes
    async with (
        assembled(settings, shards=ShardPlan(2, (home,))) as mine,
        fake.run_client(mine),
        assembled(settings, shards=ShardPlan(2, (1 - home,))) as theirs,
        fake.run_client(theirs),
    ):
        assert fake.shards_connected == [(0, 2), (1, 2)]
        assert sorted(p["shard"] for p in fake.identify_payloads) == [[0, 2], [1, 2]]
        assert [g.id for g in mine.guilds] == [world.guild.id]
        assert [g.id for g in theirs.guilds] == [other.id]

        # An interaction reaches only the process of its guild's shard: answered once.
        it = await fake.interaction(world.bob, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: has_embeds(it), timeout=30)
        assert it.rejections == []

        # A due digest of this guild: the other process passes it by (it cannot see the
        # guild, and must not skip the period for it); this one claims and runs it.
        now = datetime.now(UTC)
        mine.store._clock = lambda: now - timedelta(days=3)  # type: ignore[attr-defined]
        await mine.store.save_digest(  # type: ignore[attr-defined]
            DigestConfig(
                guild_id=world.guild.id,
                name="daily",
                destination_id=mod_log.id,
                sources=(SourceRef(kind="guild", id=world.guild.id),),
                schedule=Schedule(at=time(0, 0), tz="UTC"),
            ),
            created_by=None,
            next_run=now - timedelta(days=1),
        )
        mine.store._clock = lambda: now  # type: ignore[attr-defined]
        assert await runner_of(theirs, now).tick() == []
        outcomes = await runner_of(mine, now).tick()
        assert len(outcomes) == 1
    for handle in fake.interactions.values():
        assert handle.rejections == []


def runner_of(bot: Any, now: datetime) -> Any:
    cog = bot.get_cog("Digests")
    assert cog is not None
    cog.runner.clock = lambda: now
    return cog.runner


# --- a REST proxy ----------------------------------------------------------------------------


class RecordingProxy:
    """A loopback HTTP proxy in front of the fake Discord (as twilight-http-proxy is in front
    of Discord): it forwards `/proxy/<path>` to `<fake>/<path>` and records what it forwarded."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.seen: list[tuple[str, str]] = []
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url = ""

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        self.seen.append((request.method, request.path))
        headers = {
            k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")
        }
        async with self._session.request(
            request.method,
            self.upstream + request.path_qs.removeprefix("/proxy"),
            data=await request.read(),
            headers=headers,
        ) as answer:
            body = await answer.read()
            keep = {
                k: v
                for k, v in answer.headers.items()
                if k.lower() not in ("content-length", "transfer-encoding", "content-encoding")
            }
            return web.Response(status=answer.status, body=body, headers=keep)

    async def __aenter__(self) -> RecordingProxy:
        self._session = aiohttp.ClientSession()
        application = web.Application(client_max_size=64 * 1024 * 1024)
        application.router.add_route("*", "/proxy/{tail:.*}", self._forward)
        self._runner = web.AppRunner(application, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/proxy"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()


@pytest.fixture
async def proxy(discord_fake: FakeDiscord) -> AsyncIterator[RecordingProxy]:
    async with RecordingProxy(discord_fake.base_url) as started:
        yield started


async def test_rest_calls_go_through_the_configured_api_base(
    discord_fake: FakeDiscord, world: World, tmp_path: Any, proxy: RecordingProxy
) -> None:
    from discord.http import Route

    fake = discord_fake
    settings = make_settings(tmp_path, discord_api_base=f"{proxy.url}/api/v10/")
    async with running(fake, settings):
        assert Route.BASE == f"{proxy.url}/api/v10"
        it = await fake.interaction(world.bob, world.thread, "summarize", {})
        await fake.wait_for(lambda: has_embeds(it), timeout=30)
    assert Route.BASE != f"{proxy.url}/api/v10"  # given back when the bot closed
    paths = [path for _, path in proxy.seen]
    callback = f"/proxy/api/v10/interactions/{it.id}/{it.token}/callback"
    assert ("POST", callback) in proxy.seen  # the interaction's first response
    assert any(p.startswith(f"/proxy/api/v10/webhooks/{fake.application_id}/") for p in paths)
    assert any("/messages" in p and "/channels/" in p for p in paths)  # history read
    # Everything the fake received came through the proxy.
    assert len(fake.requests) == len(proxy.seen)
