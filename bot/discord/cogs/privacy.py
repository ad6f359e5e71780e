"""Members' choice about their own words (`/privacy opt-out|opt-in|status`), forgetting that
reaches the answers the bot posted, and the periodic purge of expired results.

The listeners use raw events only: they fire whatever is cached, and none needs a privileged
intent (message events come with the Guild Messages intent, which is not privileged).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.discord.jobs import Forgetting, SummarizeAgain
from bot.discord.replies import NO_MENTIONS
from bot.store import StoreUnavailable

if TYPE_CHECKING:
    from bot.discord.client import DigestBot

log = logging.getLogger(__name__)

NOT_SAVED = (
    "I could not save that right now (my database is not answering); nothing changed. "
    "Please try again in a minute."
)


class Privacy(commands.Cog):
    """A member's opt-out, per server: from then on their messages are left out of every
    summary the bot makes there (counted, never shown), and cached summaries quoting them are
    dropped. Stored, so it survives restarts."""

    privacy = app_commands.Group(
        name="privacy",
        description="Whether your messages in this server may be summarized by Debate Digest",
        guild_only=True,
    )

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot

    async def _say(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @privacy.command(
        name="opt-out", description="Leave your messages out of every summary in this server"
    )
    async def opt_out(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None  # guild_only
        try:
            changed = await self.bot.store.set_opt_out(
                interaction.guild_id, interaction.user.id, opted_out=True
            )
        except StoreUnavailable as err:
            log.warning("opt-out of %s not saved: %s", interaction.user.id, err)
            await self._say(interaction, NOT_SAVED)
            return
        already = "" if changed else "You had already opted out. "
        await self._say(
            interaction,
            f"{already}From now on your messages in this server are left out of every summary "
            "I make (they are only counted), and cached summaries that quote you were dropped. "
            "Summaries already posted stay until they expire or are withdrawn. "
            "`/privacy opt-in` undoes this.",
        )

    @privacy.command(
        name="opt-in", description="Let summaries in this server include your messages"
    )
    async def opt_in(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        try:
            changed = await self.bot.store.set_opt_out(
                interaction.guild_id, interaction.user.id, opted_out=False
            )
        except StoreUnavailable as err:
            log.warning("opt-in of %s not saved: %s", interaction.user.id, err)
            await self._say(interaction, NOT_SAVED)
            return
        await self._say(
            interaction,
            "Your messages in this server may be included in summaries again."
            if changed
            else "You had not opted out: your messages in this server may be included in "
            "summaries.",
        )

    @privacy.command(name="status", description="Whether your messages here may be summarized")
    async def status(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        try:
            opted_out = await self.bot.store.opted_out(interaction.guild_id)
        except StoreUnavailable as err:
            log.warning("opt-out status unknown: %s", err)
            await self._say(
                interaction,
                "I can't check that right now (my database is not answering). Until I can, I "
                "summarize no messages of this server. Please try again in a minute.",
            )
            return
        if interaction.user.id in opted_out:
            text = (
                "You opted out: your messages in this server are left out of every summary I "
                "make (only counted). `/privacy opt-in` undoes this."
            )
        else:
            text = (
                "Your messages in this server may be included in summaries. `/privacy opt-out` "
                "leaves them out."
            )
        await self._say(interaction, text)


class Forget(commands.Cog):
    """Deleted or edited sources leave the cache and the posted answers (see `Forgetting`);
    expired results are purged every `PURGE_INTERVAL_MINUTES`."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot
        self.forgetting = Forgetting(bot)
        self.purge_expired.change_interval(minutes=bot.settings.purge_interval_minutes)

    async def cog_load(self) -> None:
        # The "Summarize again" button of withdrawn answers works after a restart too.
        self.bot.add_dynamic_items(SummarizeAgain)
        self.purge_expired.start()
        self._resume = asyncio.create_task(self._resume_withdrawals(), name="resume-withdrawals")

    async def _resume_withdrawals(self) -> None:
        await self.bot.wait_until_ready()
        await self.forgetting.resume()

    async def cog_unload(self) -> None:
        self._resume.cancel()
        self.purge_expired.cancel()
        self.bot.remove_dynamic_items(SummarizeAgain)
        await self.forgetting.close()

    @tasks.loop(minutes=60)  # the interval is set from the settings in __init__
    async def purge_expired(self) -> None:
        # `purge` never raises (a failing database removes 0), so the loop never stops.
        removed = await self.bot.store.purge(expired_only=True)
        if removed:
            log.info("purged %d expired cached result(s)", removed)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self.forgetting.messages_deleted([payload.message_id])

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self.forgetting.messages_deleted(sorted(payload.message_ids))

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        data = payload.data
        author = data.get("author") or {}
        me = self.bot.user
        if me is not None and author.get("id") == str(me.id):
            return  # our own progress edits and withdrawals
        # A link preview arriving also sends an update; only a real edit sets the timestamp.
        if not data.get("edited_timestamp"):
            return
        await self.forgetting.message_edited(payload.message_id)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self.forgetting.channels_deleted([channel.id])

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        await self.forgetting.channels_deleted([payload.thread_id])

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.forgetting.guild_left(guild.id)


async def setup(bot: DigestBot) -> None:
    await bot.add_cog(Privacy(bot))
    await bot.add_cog(Forget(bot))
