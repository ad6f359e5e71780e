"""`WebClient`: one aiohttp session, bounded concurrency, and the guard on every request.

    async with WebClient.from_settings(settings) as client:
        data = await client.get_json("https://hacker-news.firebaseio.com/v0/item/1.json")

Every source (Hacker News, Reddit, Discourse, any page) fetches through one of these, so every
request is checked by `bot.ingest.web.guard` and counted (`requests`, for the benchmark).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import aiohttp
from yarl import URL

from bot import __version__
from bot.ingest.source import loads_json
from bot.ingest.web.errors import ContentTypeError
from bot.ingest.web.guard import (
    HTML_TYPES,
    JSON_TYPES,
    Fetched,
    Guard,
    Limits,
    PinnedResolver,
    Policy,
    Resolve,
    display_url,
    guarded_get,
    system_resolve,
)

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = (
    f"debate-digest/{__version__} (summarizes linked discussions; "
    f"python-aiohttp/{aiohttp.__version__})"
)


class WebClient:
    """A guarded HTTP client for the web sources.

    At most `concurrency` requests are in flight at once (the semaphore is shared by every
    source using this client). Use it as an async context manager, or call `aclose()`.
    """

    def __init__(
        self,
        *,
        policy: Policy | None = None,
        resolve: Resolve | None = None,
        limits: Limits | None = None,
        concurrency: int = 8,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        self.guard = Guard(policy or Policy(), resolve or system_resolve)
        self.limits = limits or Limits()
        self.concurrency = concurrency
        self.user_agent = user_agent
        self.requests = 0
        self._semaphore = asyncio.Semaphore(concurrency)
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> WebClient:
        """A client configured by the `web_*` settings; `overrides` (e.g. `resolve`, `policy`)
        replace single constructor arguments."""
        arguments: dict[str, Any] = {
            "policy": Policy(allow_private=settings.allow_private_urls),
            "limits": Limits(timeout_s=settings.web_timeout_s, max_bytes=settings.web_max_bytes),
            "concurrency": settings.web_concurrency,
            "user_agent": settings.user_agent or DEFAULT_USER_AGENT,
        }
        arguments.update(overrides)
        return cls(**arguments)

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                resolver=PinnedResolver(self.guard),
                use_dns_cache=False,  # the guard's pins are the cache; every answer is checked
                limit=self.concurrency,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.user_agent},
                cookie_jar=aiohttp.DummyCookieJar(),  # nothing carries from one site to another
                trust_env=False,  # an environment proxy would bypass the address checks
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=self.limits.timeout_s,
                    sock_read=self.limits.timeout_s,
                ),
            )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> WebClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def get(self, url: str | URL, *, accept: Collection[str]) -> Fetched:
        """GET through the guard, waiting for a free slot first."""
        async with self._semaphore:
            self.requests += 1
            return await guarded_get(
                self._open(), self.guard, url, accept=accept, limits=self.limits
            )

    async def get_json(self, url: str | URL) -> Any:
        """GET a JSON document; `InputError` when the answer is not JSON."""
        fetched = await self.get(url, accept=JSON_TYPES)
        try:
            # JSON is UTF-8 (RFC 8259); a charset Python does not know is not a reason to fail.
            return loads_json(fetched.body.decode(fetched.known_charset or "utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as err:
            raise ContentTypeError(f"{display_url(url)}: the answer is not valid JSON") from err

    async def get_html(self, url: str | URL) -> Fetched:
        """GET an HTML page."""
        return await self.get(url, accept=HTML_TYPES)
