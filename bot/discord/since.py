"""`/summarize since:` on Discord: reading a channel's messages after the catch-up point.

The span parsing and the catch-up point (`Since`) are plain data in `bot.digest.since`; reading
history is Discord's business and lives here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import discord

from bot.digest.since import Since
from bot.errors import UserError
from bot.ingest.discord_links import RawMessage, history_pages, messages_to_thread
from bot.thread import Thread


async def read_since(
    channel: Any,
    since: Since,
    *,
    limit: int,
    keep: Callable[[Any], bool] | None = None,
    url: str | None = None,
) -> Thread:
    """The messages of `channel` after the catch-up point, oldest first, as a thread.

    History is read newest first (100 a request), so a cut by `limit` drops the oldest, never
    the newest. For "my last message" reading stops at the asker's latest message; when none is
    within `limit` messages, a clean error says so. Nothing new is an error too (nothing to
    summarize), said in the asker's terms.
    """
    newest_first: list[dict[str, Any]] = []
    found_own = False
    own = str(since.user_id)
    after = None if since.after is None else discord.utils.time_snowflake(since.after, high=True)
    # Raw pages (`history_pages`): on the loop only the author check that ends the reading.
    async for page in history_pages(channel, limit=limit, after=after):
        for data in page:
            if since.span is None and str((data.get("author") or {}).get("id")) == own:
                found_own = True
                break
            newest_first.append(data)
        if found_own:
            break
    if since.span is None and not found_own:
        raise UserError(
            f"You have no message in the last {limit:,} messages here; "
            "use a span instead, like since: 24h or 7d."
        )
    name = getattr(channel, "name", None)

    def build() -> Thread:
        every = [RawMessage(data, channel) for data in newest_first]
        every = [m for m in every if not m.is_system()]
        cut = since.span is not None and len(every) >= limit
        messages = every[::-1]
        if keep is not None:
            messages = [m for m in messages if keep(m)]
        if not messages:
            raise UserError(f"Nothing new to catch up on here {since.describe()}.")
        notes = [f"A catch-up of the messages {since.describe()} ({len(messages):,} read)."]
        if cut:
            notes.append(
                f"Only the latest {limit:,} messages were read (DEBATE_DIGEST_HISTORY_LIMIT); "
                "earlier ones in that span are not in this summary."
            )
        return messages_to_thread(
            messages, title=name, url=url or getattr(channel, "jump_url", None), notes=notes
        )

    # The messages become comments in a worker thread, off the event loop (`keep` runs there).
    return await asyncio.to_thread(build)
