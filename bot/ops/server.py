"""The optional HTTP port of the bot: `/healthz` and Prometheus `/metrics`.

    DEBATE_DIGEST_HEALTH_PORT=8080 debate-digest run

`serve_ops(settings, bot)` (entered by `bot.discord.app.assembled`) does nothing when the
port is not set. Otherwise it enables the metrics (`bot.ops.metrics`), starts a task that
measures the event loop's lag, and serves both paths with aiohttp on the bot's own loop, at
`HEALTH_HOST` (default 127.0.0.1: nothing is exposed beyond the machine unless asked).

`/healthz` answers 200 only when the Discord gateway is connected (every shard of this process)
and the store answers a read; otherwise 503 with a short JSON reason. Neither path shows a
guild, a channel, a user or any message text.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.errors import ConfigError
from bot.ops import metrics

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

# A store read slower than this counts as unreachable (the probe must answer in time).
STORE_TIMEOUT_S = 2.0
# How often the loop-lag task wakes up; its lag is how late it wakes.
LAG_INTERVAL_S = 0.25


def gateway_problem(bot: Any) -> str | None:
    """Why the Discord gateway is not usable, or None when every shard of this process is
    connected and the client is ready."""
    if bot.is_closed():
        return "Discord client closed"
    if not bot.is_ready():
        return "Discord gateway not ready"
    shards = getattr(bot, "shards", None)
    if isinstance(shards, dict):  # AutoShardedClient: every shard this process runs
        down = sorted(shard_id for shard_id, shard in shards.items() if shard.is_closed())
        if not shards or down:
            return f"Discord shards disconnected: {down}"
        return None
    ws = getattr(bot, "ws", None)
    if ws is None or not ws.open:
        return "Discord gateway disconnected"
    return None


async def store_problem(store: Any) -> str | None:
    """Why the store cannot answer, or None. A read that guards something (the opt-outs of
    a guild that does not exist) is asked: it raises when the database cannot answer, and the
    null store (no usable database) always raises."""
    from bot.store import StoreUnavailable

    try:
        await asyncio.wait_for(store.opted_out(0), STORE_TIMEOUT_S)
    except TimeoutError:
        return f"store did not answer within {STORE_TIMEOUT_S:g} s"
    except StoreUnavailable:
        return "store unreachable"
    return None


async def health(bot: Any) -> tuple[int, dict[str, object]]:
    """The `/healthz` status code and body."""
    reasons = [r for r in (gateway_problem(bot), await store_problem(bot.store)) if r]
    if reasons:
        return 503, {"status": "unavailable", "reason": "; ".join(reasons)}
    return 200, {"status": "ok"}


async def watch_loop_lag(interval_s: float = LAG_INTERVAL_S) -> None:
    """Forever: sleep `interval_s` and record how much later than asked the loop woke us
    (a stall of the event loop shows as lag)."""
    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        await asyncio.sleep(interval_s)
        metrics.loop_lag(max(0.0, loop.time() - started - interval_s))


@dataclass(frozen=True)
class OpsServer:
    """A running ops port: where it listens and the metrics it serves."""

    host: str
    port: int
    metrics: metrics.Metrics

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


@contextlib.asynccontextmanager
async def serve_ops(settings: Settings, bot: Any) -> AsyncIterator[OpsServer | None]:
    """Serve `/healthz` and `/metrics` for `bot` while the block runs; None (and nothing
    started) when `DEBATE_DIGEST_HEALTH_PORT` is not set. A port that cannot be bound is a
    `ConfigError` naming the setting."""
    if settings.health_port is None:
        yield None
        return
    from aiohttp import web
    from prometheus_client.aiohttp import make_aiohttp_handler

    recorded = metrics.enable()

    async def healthz(request: web.Request) -> web.Response:
        status, body = await health(bot)
        return web.Response(status=status, text=json.dumps(body), content_type="application/json")

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", make_aiohttp_handler(recorded.registry))
    runner = web.AppRunner(app, access_log=None)  # a probe every few seconds is no news
    await runner.setup()
    lag: asyncio.Task[None] | None = None
    try:
        site = web.TCPSite(runner, settings.health_host, settings.health_port)
        try:
            await site.start()
        except OSError as err:
            raise ConfigError(
                f"cannot serve DEBATE_DIGEST_HEALTH_PORT {settings.health_port} on "
                f"{settings.health_host}: {err.strerror or err}"
            ) from None
        server = OpsServer(settings.health_host, settings.health_port, recorded)
        log.info("serving /healthz and /metrics on %s", server.url)
        lag = asyncio.create_task(watch_loop_lag(), name="ops-loop-lag")
        yield server
    finally:
        if lag is not None:
            lag.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await lag
        await runner.cleanup()
        if metrics.active() is recorded:
            metrics.disable()
