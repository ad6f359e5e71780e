"""`/digest-admin usage|purge` for server managers. (Forgetting deleted sources lives in
`bot.discord.cogs.privacy`.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.guards import utc_day
from bot.discord.replies import NO_MENTIONS
from bot.store import StoreUnavailable

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
        try:
            usage = await self.bot.store.guild_usage(interaction.guild_id, utc_day())
        except StoreUnavailable:
            await interaction.response.send_message(
                "I can't read today's usage right now (my database is not answering); new LLM "
                "summaries are refused until I can. Please try again in a minute.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        limit = self.bot.settings.guild_daily_tokens
        budget = f"{usage.tokens:,} of {limit:,} tokens" if limit else f"{usage.tokens:,} tokens"
        lines = [
            f"**Today ({usage.day} UTC)**",
            f"Summaries: {usage.requests:,} ({usage.cached:,} from the cache, free)",
            f"LLM calls: {usage.llm_calls:,}",
            f"LLM budget: {budget} (shared by `/summarize` and digests without their own)",
            f"Engine: {self.bot.llm.model if self.bot.llm else 'offline (extractive)'}",
            *await self._own_budgets(interaction.guild_id, usage.day),
        ]
        await interaction.response.send_message(
            "\n".join(lines), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    async def _own_budgets(self, guild_id: int, day: str) -> list[str]:
        """One line per digest of the server that draws on a budget of its own (its usage is
        kept under the digest, not the server: `bot.discord.digests`)."""
        lines: list[str] = []
        digests = getattr(self.bot.store, "digests", None)  # a null store keeps no digests
        if digests is None:
            return lines
        try:
            rows = await digests(guild_id)
            for row in rows:
                own = row.config.own_budget_tokens
                if own is None:
                    continue
                used = await self.bot.store.guild_usage(-row.id, day)
                name = discord.utils.escape_markdown(row.config.name)
                lines.append(f"Digest **{name}**, own budget: {used.tokens:,} of {own:,} tokens")
        except StoreUnavailable:
            lines.append("Digests with their own budget: not readable right now")
        return lines

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


async def setup(bot: DigestBot) -> None:
    await bot.add_cog(Admin(bot))
