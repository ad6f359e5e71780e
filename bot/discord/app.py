"""The composition root: settings in, resources opened, the bot built and run.

    debate-digest run              → run(settings)
    debate-digest sync-commands    → sync_commands(settings, guild_id)
    debate-digest invite-url       → invite_url(settings, client_id)

`main` opens the store and the guarded web client with `async with`, warms litellm in a worker
thread when a model is configured (so that the first request does not stall the event loop on
the import), and injects everything into the bot. Nothing is set up in `on_ready`.

Several processes: `shard_plan` turns `--shard-count`/`--shard-ids` (or the settings
`SHARD_COUNT`/`SHARD_IDS`) into the shards this process runs, on discord.py's
`AutoShardedBot` (`shard_ids`); the default stays one connection for everything.
`DISCORD_API_BASE` points every REST call (interaction responses and follow-up webhooks too)
at a proxy shared by the processes (`bot.discord.client.rest_base`).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import discord

from bot.discord.client import AutoShardedDigestBot, DigestBot, api_base
from bot.errors import ConfigError
from bot.gcpause import latency_thresholds
from bot.ops.server import serve_ops
from bot.store import NullStore, open_store
from bot.workers import CpuPool

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.summarize.llm import LLMConfig

log = logging.getLogger(__name__)

# What the bot needs, and nothing more: read history, answer in channels and threads, embeds,
# the Markdown attachment, and a thread under each moderator digest's header. (Interaction
# replies need none of these; posting after the 15-minute token and reading linked channels do.)
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    create_public_threads=True,
)
INVITE_SCOPES = ("bot", "applications.commands")


def token_of(settings: Settings) -> str:
    """The bot token, or `ConfigError` naming the setting."""
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        raise ConfigError(
            "DEBATE_DIGEST_DISCORD_TOKEN is not set (Developer Portal > your application > "
            "Bot > Reset Token)"
        )
    return token


def client_id_from_token(token: str) -> int:
    """A bot token starts with the bot's user id (= the application id) in base64."""
    first = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(first + "=" * (-len(first) % 4), validate=False).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if not decoded.isdigit():
        raise ConfigError(
            "DEBATE_DIGEST_DISCORD_TOKEN does not look like a bot token (cannot read the "
            "application id from it); pass --client-id"
        )
    return int(decoded)


def invite_url(settings: Settings, client_id: int | None = None) -> tuple[str, int]:
    """The OAuth2 URL that adds the bot with only the permissions it needs, and the
    permissions integer."""
    if client_id is None:
        client_id = settings.discord_client_id or client_id_from_token(token_of(settings))
    url = discord.utils.oauth_url(client_id, permissions=INVITE_PERMISSIONS, scopes=INVITE_SCOPES)
    return url, INVITE_PERMISSIONS.value


def llm_config(settings: Settings) -> LLMConfig | None:
    """The LLM engine's configuration, or None for the offline engine."""
    if not settings.model.strip():
        return None
    from bot.summarize.llm import LLMConfig

    return LLMConfig.from_settings(settings)


def warm_litellm(model: str | None = None) -> None:
    """Import litellm, load its tokenizer and take `model`'s provider through one call with a
    mock answer (litellm's `mock_response`: nothing is sent): seconds of CPU at start, and about
    0.15 s that the first real request would otherwise pay, off the event loop."""
    from bot.summarize.llm import _litellm
    from bot.summarize.llm.transport import _CallLoop

    llm = _litellm()
    try:
        llm.token_counter(model="gpt-4o-mini", text="warm up")
        if model:
            # On the loop where the real calls run (`_CallLoop`), as litellm binds its
            # logging worker to the loop of its calls.
            _CallLoop.run_blocking(
                llm.acompletion(
                    model=model,
                    messages=[{"role": "user", "content": "warm up"}],
                    mock_response="ok",
                ),
                timeout=60,
            )
    except Exception as err:  # a warm-up failure only costs the first request some time
        log.info("litellm warm-up incomplete: %s", err)


@dataclass(frozen=True)
class ShardPlan:
    """The shards this process runs: `ids` of `count` (None: all of them)."""

    count: int
    ids: tuple[int, ...] | None = None

    def owns(self, guild_id: int) -> bool:
        """Whether this process's shards receive `guild_id`'s events (Discord's rule)."""
        return self.ids is None or (guild_id >> 22) % self.count in self.ids


Shards = ShardPlan | Literal["auto"] | None


def shard_plan(
    settings: Settings,
    *,
    count: int | None = None,
    ids: str | Sequence[int] | None = None,
    auto: bool = False,
) -> Shards:
    """What `run` connects: the options (`count`, `ids` as "0,1,…") over the settings
    (`SHARD_COUNT`, `SHARD_IDS`); "auto" for `--auto-shard` (discord.py asks Discord for the
    count and runs all shards here); None for one unsharded connection. `ConfigError`, in one
    line, for anything inconsistent."""
    if isinstance(ids, str):
        try:
            ids = [int(part) for part in ids.split(",") if part.strip()]
        except ValueError:
            raise ConfigError(
                f"--shard-ids must be comma-separated shard numbers (e.g. 0,1), not {ids!r}"
            ) from None
    count = count if count is not None else settings.shard_count
    chosen = list(ids) if ids is not None else list(settings.shard_ids)
    if auto:
        if count is not None or chosen:
            raise ConfigError(
                "--auto-shard runs every shard Discord recommends: give it without "
                "--shard-count/--shard-ids (or DEBATE_DIGEST_SHARD_COUNT/SHARD_IDS)"
            )
        return "auto"
    if count is None:
        if chosen:
            raise ConfigError(
                "shard ids need the total shard count: give --shard-count "
                "(or DEBATE_DIGEST_SHARD_COUNT) with --shard-ids"
            )
        return None
    if count < 1:
        raise ConfigError(f"the shard count must be at least 1, not {count}")
    wrong = [i for i in chosen if not 0 <= i < count]
    if wrong:
        raise ConfigError(
            f"shard ids run from 0 to {count - 1} for a shard count of {count}; "
            f"not {', '.join(map(str, wrong))}"
        )
    if len(set(chosen)) != len(chosen):
        raise ConfigError(f"shard ids must not repeat: {','.join(map(str, chosen))}")
    return ShardPlan(count, tuple(sorted(chosen)) if chosen else None)


def build_bot(settings: Settings, **resources: Any) -> DigestBot:
    """The bot with its resources: on one connection, or on the shards of `shards` (a
    `ShardPlan`, or "auto" for discord.py's automatic sharding)."""
    # The bot has no voice: discord.py's "PyNaCl is not installed, voice will NOT be
    # supported" warning (logged when a client is made) would only alarm the operator.
    discord.VoiceClient.warn_nacl = False
    shards = resources.pop("shards", None)
    if shards == "auto":
        return AutoShardedDigestBot(settings=settings, **resources)
    if isinstance(shards, ShardPlan):
        ids = list(shards.ids) if shards.ids is not None else None
        bot = AutoShardedDigestBot(
            settings=settings, shard_count=shards.count, shard_ids=ids, **resources
        )
        bot.shard_plan = shards
        return bot
    return DigestBot(settings=settings, **resources)


@contextmanager
def _latency_tuned(workers: int) -> Iterator[None]:
    """Keep the event loop responsive while worker threads do CPU work (what is left in
    threads: discord.py's history pages, the LLM engine's token counting; parse, dedupe and the
    offline engine run in worker processes, `bot.workers`).

    Threads share one interpreter lock with the loop: every CPU-bound worker is one more
    thread the loop may wait behind each time it needs the lock back. So the loop's default
    executor (what `asyncio.to_thread` uses: parse, dedupe, the engines) gets only `workers`
    threads, and a thread holds the lock for at most 1 ms before a waiting one may take it
    (CPython's default is 5 ms). Measured in `bot.bench.discord_bench`: worst loop stall with
    50 requests over five 2,000-message threads 117-181 ms before, 59-69 ms after.
    """
    loop = asyncio.get_running_loop()
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="digest-cpu")
    loop.set_default_executor(executor)
    previous = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    try:
        with latency_thresholds():  # fewer full garbage collections (`bot.gcpause`)
            yield
    finally:
        sys.setswitchinterval(previous)


def cpu_pool(settings: Settings, **options: Any) -> CpuPool:
    """The bot's worker processes for parse, dedupe and the offline engine: `CPU_WORKERS` of
    them, each request capped at `REQUEST_CPU_S` seconds of CPU time (`bot.workers`)."""
    return CpuPool(settings.cpu_workers, settings.request_cpu_s, **options)


@asynccontextmanager
async def assembled(
    settings: Settings, *, cpu: CpuPool | None = None, **bot_options: Any
) -> AsyncIterator[DigestBot]:
    """The bot with its resources open: the store, the guarded web client, the LLM
    configuration (litellm imported and warmed in a worker thread first), the CPU worker
    processes (`cpu`, or `cpu_pool(settings)`; started here either way). Everything is closed
    on exit. `main`, the tests and the benchmark all build the bot here."""
    from bot.ingest.web.client import WebClient

    llm = llm_config(settings)
    api_base(settings)  # a malformed DISCORD_API_BASE fails here, before anything opens
    async with AsyncExitStack() as stack:
        stack.enter_context(_latency_tuned(settings.cpu_workers))
        pool = await stack.enter_async_context(cpu or cpu_pool(settings))
        store = await stack.enter_async_context(open_store(settings.database_url))
        web = await stack.enter_async_context(WebClient.from_settings(settings))
        if llm is not None:
            await asyncio.to_thread(warm_litellm, llm.model)
        bot = build_bot(settings, store=store, web=web, llm=llm, **bot_options)
        bot.cpu = pool
        await stack.enter_async_context(serve_ops(settings, bot))  # HEALTH_PORT: off by default
        yield bot


async def main(
    settings: Settings,
    *,
    ready: Callable[[DigestBot], Awaitable[None]] | None = None,
    shards: Shards = None,
) -> None:
    """Open the resources, build the bot, run it until it is closed; everything is closed on
    the way out. `ready(bot)` is awaited after login, before the gateway connects. `shards`:
    see `shard_plan`."""
    token = token_of(settings)
    async with assembled(settings, shards=shards) as bot, bot:
        try:
            await bot.login(token)
        except discord.LoginFailure:
            raise ConfigError(
                "Discord rejected DEBATE_DIGEST_DISCORD_TOKEN (reset it in the Developer "
                "Portal and set it again)"
            ) from None
        if ready is not None:
            await ready(bot)
        try:
            await bot.connect(reconnect=True)
        except discord.PrivilegedIntentsRequired:
            raise ConfigError(
                "the Message Content intent is not enabled for this bot: enable it in the "
                "Developer Portal (Bot > Privileged Gateway Intents), or set "
                "DEBATE_DIGEST_MESSAGE_CONTENT_INTENT=false (Discord links will not work)"
            ) from None


async def sync_commands(settings: Settings, guild_id: int | None) -> list[str]:
    """Register the commands with Discord: in one guild (instant) or globally (up to an hour).
    Returns the names synced."""
    token = token_of(settings)
    bot = build_bot(settings, store=NullStore())
    async with bot:
        try:
            await bot.login(token)  # runs setup_hook: the cogs add their commands
        except discord.LoginFailure:
            raise ConfigError("Discord rejected DEBATE_DIGEST_DISCORD_TOKEN") from None
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
        else:
            synced = await bot.tree.sync()
    return [command.name for command in synced]
