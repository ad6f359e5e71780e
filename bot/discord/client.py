"""The Bot subclass: it only wires. Resources come in from `bot.discord.app.main`.

Ready for sharding: `DigestBot` takes the shard arguments of `commands.Bot`, and
`AutoShardedDigestBot` is the same bot on `commands.AutoShardedBot`. Cogs are loaded in
`setup_hook`; commands are synced on purpose (`debate-digest sync-commands`), never on ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import discord
from discord.ext import commands

from bot.discord.errors import on_interaction_error
from bot.discord.guards import SharedCooldowns
from bot.discord.ledger import Ledger
from bot.errors import ConfigError
from bot.singleflight import SingleFlight
from bot.store import Store
from bot.summarize.schema import DigestResult

if TYPE_CHECKING:
    from bot.discord.app import ShardPlan
    from bot.ingest.web.client import WebClient
    from bot.settings import Settings
    from bot.summarize.llm import LLMConfig
    from bot.workers import CpuPool

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.discord.cogs.summarize",
    "bot.discord.cogs.admin",
    "bot.discord.cogs.privacy",
    "bot.discord.cogs.digest",
)


def api_base(settings: Settings) -> str | None:
    """`DISCORD_API_BASE` without a trailing slash, or None (Discord's own); `ConfigError`
    when it is not an http(s) URL."""
    base = (settings.discord_api_base or "").strip().rstrip("/")
    if not base:
        return None
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            "DEBATE_DIGEST_DISCORD_API_BASE must be an http(s) URL such as "
            f"http://proxy:3000/api/v10, not {base!r}"
        )
    return base


@contextlib.contextmanager
def rest_base(base: str | None) -> Iterator[None]:
    """Send discord.py's REST calls to `base` until exit (None: leave them be). discord.py
    builds every REST URL from `discord.http.Route.BASE`, the interaction callbacks and
    follow-up webhooks of `discord.webhook.async_` too; it has no per-client setting, so this
    is process-wide (one bot per process)."""
    if base is None:
        yield
        return
    from discord.http import Route

    saved = Route.BASE
    Route.BASE = base
    try:
        yield
    finally:
        Route.BASE = saved


def intents_for(settings: Settings) -> discord.Intents:
    """Guilds and guild messages (for history and delete events); Message Content when set."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = settings.message_content_intent
    return intents


class _DigestMixin:
    """What the bot holds: injected resources and the per-process shared state."""

    # The CPU worker processes (`bot.discord.app.assembled` sets them); None = worker threads.
    cpu: CpuPool | None = None
    # Holds `DISCORD_API_BASE` in place from login to close (`rest_base`).
    _rest: contextlib.ExitStack[bool | None] | None = None
    # The shards this process runs when several processes share the bot (`app.shard_plan`);
    # None: every guild's events come here.
    shard_plan: ShardPlan | None = None

    def owns_guild(self, guild_id: int) -> bool:
        """Whether this process receives `guild_id`'s events, so runs its scheduled work (a
        guild on another process's shard is that process's: `get_guild` is None here)."""
        return self.shard_plan is None or self.shard_plan.owns(guild_id)

    def _wire(
        self,
        *,
        settings: Settings,
        store: Store,
        web: WebClient | None,
        llm: LLMConfig | None,
        flights: SingleFlight[DigestResult] | None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.web = web
        self.llm = llm
        # One single flight for the whole bot: identical requests cost one engine run.
        self.flights: SingleFlight[DigestResult] = flights or SingleFlight()
        # Cooldowns and budgets are kept in the store: they hold across processes sharing it.
        self.cooldowns = SharedCooldowns(store, settings.cooldown_s)
        self.ledger = Ledger(store, settings)


class DigestBot(_DigestMixin, commands.Bot):
    """Debate Digest on one connection (or the shards given)."""

    def __init__(
        self,
        *,
        settings: Settings,
        store: Store,
        web: WebClient | None = None,
        llm: LLMConfig | None = None,
        flights: SingleFlight[DigestResult] | None = None,
        **options: Any,
    ) -> None:
        options.setdefault("intents", intents_for(settings))
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self._wire(settings=settings, store=store, web=web, llm=llm, flights=flights)
        self.tree.error(on_interaction_error)

    async def login(self, token: str) -> None:
        """Log in, through `DISCORD_API_BASE` when it is set (from here until `close`)."""
        base = api_base(self.settings)
        if base is not None and self._rest is None:
            self._rest = contextlib.ExitStack()
            self._rest.enter_context(rest_base(base))
            log.info("Discord REST calls go to %s", base)
        await super().login(token)

    async def setup_hook(self) -> None:
        for name in EXTENSIONS:
            await self.load_extension(name)
        self._freezer = asyncio.create_task(self._freeze_heap_when_ready(), name="gc-freeze")

    async def _freeze_heap_when_ready(self) -> None:
        """Once the guild caches are filled, move everything alive into the collector's
        permanent generation: a full collection then walks only what requests allocate, and
        does not stall the event loop for 100+ ms on a big cache (measured in the benchmark)."""
        await self.wait_until_ready()
        gc.freeze()  # no gc.collect() first: a full collection here would itself stall
        log.info("heap frozen after ready: %d objects", gc.get_freeze_count())

    async def close(self) -> None:
        freezer = getattr(self, "_freezer", None)
        if freezer is not None and not freezer.done():
            freezer.cancel()
        gc.unfreeze()  # a closed bot's caches may be collected again
        try:
            await super().close()
        finally:
            rest, self._rest = self._rest, None
            if rest is not None:
                rest.close()

    async def on_ready(self) -> None:
        log.info(
            "logged in as %s (%s) in %d guilds",
            self.user,
            getattr(self.user, "id", None),
            len(self.guilds),
        )


class AutoShardedDigestBot(DigestBot, commands.AutoShardedBot):
    """The same bot on several shards: all that Discord recommends (`--auto-shard`), or the
    `shard_ids` of `shard_count` (one process of several, `--shard-count/--shard-ids`)."""
