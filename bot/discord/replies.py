"""One helper that answers an interaction exactly once, however far it got.

    reply = Reply(interaction, progress_interval_s=1.5)
    await reply.defer(private=False)        # within 3 s, before any slow work
    reply.progress("Read 800 of ~2,300 messages…")   # throttled edits of the deferred reply
    await reply.go_private("the source is a private thread")   # before anything is shown
    await reply.answer(embeds=..., files=..., view=...)        # or: await reply.error("…")

Errors are ephemeral: before the defer they are the response itself; after a public defer the
"thinking" message is deleted and the error follows privately. An answer that outlives the
interaction token (15 minutes) is posted in the channel instead (or sent by DM when private).
Every send and edit allows no mentions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import discord

from bot.render.embeds import clip_content

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
# Discord keeps an interaction token for 15 minutes; leave room for the last request.
TOKEN_LIFETIME_S = 14.5 * 60
INVALID_WEBHOOK_TOKEN = 50027


class Reply:
    """The answer to one interaction. Not shared between interactions."""

    def __init__(
        self,
        interaction: discord.Interaction,
        *,
        progress_interval_s: float = 1.5,
        clock: Callable[[], float] = time.monotonic,
        token_lifetime_s: float | None = None,
    ) -> None:
        self.interaction = interaction
        self.private = False
        self.deferred = False
        self.answered = False
        self.private_reason: str | None = None
        self._interval = progress_interval_s
        self._clock = clock
        # Timed from when we got the interaction (a Reply is made first thing), not from its
        # snowflake: a skewed clock must not make a fresh token look expired.
        self._received = clock()
        self._token_lifetime_s = TOKEN_LIFETIME_S if token_lifetime_s is None else token_lifetime_s
        self._status: discord.WebhookMessage | None = None  # the private status message
        self._pending: str | None = None
        self._last_edit = float("-inf")
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self.sent_progress: list[str] = []

    # -- state ---------------------------------------------------------------------------------

    @property
    def token_left(self) -> float:
        """Seconds the interaction token has left by our clock (negative once expired)."""
        return self._token_lifetime_s - (self._clock() - self._received)

    @property
    def expired(self) -> bool:
        """True when the interaction token can no longer be used (follow-ups, edits)."""
        return self._clock() - self._received > self._token_lifetime_s

    # -- the first response --------------------------------------------------------------------

    async def defer(self, *, private: bool) -> None:
        """Acknowledge within Discord's 3 s; the answer comes later. Idempotent."""
        if self.deferred or self.interaction.response.is_done():
            self.deferred = True
            return
        await self.interaction.response.defer(ephemeral=private, thinking=True)
        self.deferred = True
        self.private = private

    async def go_private(self, reason: str) -> None:
        """Make the rest of the answer visible only to the person who asked, and tell them why
        (`reason` completes "Sent only to you: …"). Nothing was shown publicly before. When
        the reply is already private (deferred ephemerally), the reason is still told."""
        if self.private:
            if self.private_reason is None:
                self.private_reason = reason
            return
        self.private_reason = reason
        notice = f"Sent only to you: {reason}."
        if not self.deferred:
            await self.interaction.response.defer(ephemeral=True, thinking=True)
            self.deferred = True
            self.private = True
            await self._edit_original(content=notice)
            return
        async with self._lock:
            with contextlib.suppress(discord.NotFound):
                await self.interaction.delete_original_response()
            self.private = True
            self._status = await self.interaction.followup.send(
                notice, ephemeral=True, wait=True, allowed_mentions=NO_MENTIONS
            )

    # -- progress ------------------------------------------------------------------------------

    def progress(self, text: str) -> None:
        """Show `text` in place of the reply, at most once per interval (the latest wins).
        Safe to call from worker threads."""
        if threading.get_ident() != self._loop_thread:
            self._loop.call_soon_threadsafe(self.progress, text)
            return
        if self.answered or not self.deferred:
            return
        self._pending = text
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush(), name="reply-progress")

    async def _flush(self) -> None:
        while self._pending is not None and not self.answered:
            wait = self._last_edit + self._interval - self._clock()
            if wait > 0:
                await asyncio.sleep(wait)
            async with self._lock:
                text, self._pending = self._pending, None
                if self.answered or text is None or self.expired:
                    return
                content = (
                    text
                    if not self.private_reason
                    else (f"{text}\n-# Sent only to you: {self.private_reason}.")
                )
                try:
                    await self._edit_status(content=content)
                except discord.HTTPException as err:
                    log.info("progress edit failed: %s", err)
                self.sent_progress.append(text)
                self._last_edit = self._clock()

    async def _stop_progress(self) -> None:
        self.answered = True
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- the answer ----------------------------------------------------------------------------

    async def answer(
        self,
        *,
        content: str | None = None,
        embeds: Sequence[discord.Embed] = (),
        files: Sequence[discord.File] = (),
        view: discord.ui.View | None = None,
    ) -> Any:
        """Send the answer (once). Returns the message it is in, for a view to edit later."""
        if self.answered:
            log.warning(
                "interaction %s answered twice; the second answer is dropped", self.interaction.id
            )
            return None
        await self._stop_progress()
        if content is None and self.private_reason:
            content = f"-# Sent only to you: {self.private_reason}."
        content = clip_content(content) if content is not None else None
        async with self._lock:
            if self.expired:
                return await self._post_late(content=content, embeds=embeds, files=files, view=view)
            if not self.deferred:
                return await self._respond(content=content, embeds=embeds, files=files, view=view)
            try:
                return await self._edit_status(
                    content=content, embeds=list(embeds), attachments=list(files), view=view
                )
            except discord.HTTPException as err:
                if err.code != INVALID_WEBHOOK_TOKEN:
                    raise
                # Our clock said the token was alive, Discord's did not: post it anyway.
                log.info(
                    "interaction %s token expired early; posting the answer", self.interaction.id
                )
                for file in files:
                    file.reset()
                return await self._post_late(content=content, embeds=embeds, files=files, view=view)

    async def _respond(
        self,
        *,
        content: str | None,
        embeds: Sequence[discord.Embed],
        files: Sequence[discord.File],
        view: discord.ui.View | None,
    ) -> Any:
        """The answer as the first response itself (when no defer was needed)."""
        await self.interaction.response.send_message(
            content=content,
            embeds=list(embeds),
            files=list(files),
            view=view if view is not None else discord.utils.MISSING,
            ephemeral=self.private,
            allowed_mentions=NO_MENTIONS,
        )
        return await self.interaction.original_response()

    async def error(self, text: str) -> None:
        """A short, specific error, seen only by the person who asked (once)."""
        if self.answered:
            log.info("error after the answer was sent (not shown): %s", text)
            return
        await self._stop_progress()
        text = clip_content(text)
        async with self._lock:
            try:
                if not self.deferred and not self.interaction.response.is_done():
                    await self.interaction.response.send_message(
                        text, ephemeral=True, allowed_mentions=NO_MENTIONS
                    )
                elif self.expired:
                    await self._dm(text)
                elif self.private:
                    await self._edit_status(content=text, embeds=[], attachments=[], view=None)
                else:
                    with contextlib.suppress(discord.NotFound):
                        await self.interaction.delete_original_response()
                    await self.interaction.followup.send(
                        text, ephemeral=True, allowed_mentions=NO_MENTIONS
                    )
            except discord.HTTPException as err:
                log.warning(
                    "could not deliver an error to interaction %s: %s", self.interaction.id, err
                )

    # -- helpers -------------------------------------------------------------------------------

    async def _edit_original(self, **fields: Any) -> Any:
        return await self.interaction.edit_original_response(allowed_mentions=NO_MENTIONS, **fields)

    async def _edit_status(self, **fields: Any) -> Any:
        if self._status is not None:
            return await self._status.edit(allowed_mentions=NO_MENTIONS, **fields)
        return await self._edit_original(**fields)

    async def _post_late(self, **fields: Any) -> Any:
        """After the token expired: the channel for a public answer, a DM for a private one."""
        kwargs = {
            "content": fields["content"],
            "embeds": list(fields["embeds"]),
            "files": list(fields["files"]),
            "allowed_mentions": NO_MENTIONS,
        }
        if fields["view"] is not None:
            kwargs["view"] = fields["view"]
        channel = self.interaction.channel
        if self.private or channel is None or not hasattr(channel, "send"):
            return await self.interaction.user.send(**kwargs)
        mention_free = f"Summary for {self.interaction.user.display_name}"
        kwargs["content"] = clip_content(
            mention_free + (f"\n{fields['content']}" if fields["content"] else "")
        )
        return await channel.send(**kwargs)

    async def _dm(self, text: str) -> None:
        with contextlib.suppress(discord.HTTPException):
            await self.interaction.user.send(text, allowed_mentions=NO_MENTIONS)
