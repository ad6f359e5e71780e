"""`/digest-admin usage|purge` for server managers, and forgetting cached summaries whose
source messages or channels are deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.guards import utc_day
from bot.discord.replies import NO_MENTIONS

if TYPE_CHECKING:
    from bot.discord.client import DigestBot


class Admin(commands.Cog):
    """The guild's usage today and a purge of its cached summaries (Manage Server)."""

    admin = app_commands.Group(
        name="digest-admin",
        description="Debate Digest usage and cache for this server",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # Default permissions can be changed by server admins; Manage Server is still needed.
        if interaction.guild_id is None or not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    @admin.command(name="usage", description="Today's summaries and LLM tokens in this server")
    async def usage(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        usage = await self.bot.store.guild_usage(interaction.guild_id, utc_day())
        limit = self.bot.settings.guild_daily_tokens
        budget = f"{usage.tokens:,} of {limit:,} tokens" if limit else f"{usage.tokens:,} tokens"
        lines = [
            f"**Today ({usage.day} UTC)**",
            f"Summaries: {usage.requests:,} ({usage.cached:,} from the cache, free)",
            f"LLM calls: {usage.llm_calls:,}",
            f"LLM budget: {budget}",
            f"Engine: {self.bot.llm.model if self.bot.llm else 'offline (extractive)'}",
        ]
        await interaction.response.send_message(
            "\n".join(lines), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @admin.command(
        name="purge", description="Delete every cached summary made in or from this server"
    )
    async def purge(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        removed = await self.bot.store.purge_guild(interaction.guild_id)
        await interaction.response.send_message(
            f"Removed {removed:,} cached summar{'y' if removed == 1 else 'ies'} of this server.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


class Forget(commands.Cog):
    """Cached content of a deleted message, thread or channel is not served again."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self.bot.store.forget_messages([payload.message_id])

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self.bot.store.forget_messages(list(payload.message_ids))

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self.bot.store.forget_channels([channel.id])

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        await self.bot.store.forget_channels([payload.thread_id])

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.bot.store.purge_guild(guild.id)


async def setup(bot: DigestBot) -> None:
    await bot.add_cog(Admin(bot))
    await bot.add_cog(Forget(bot))
