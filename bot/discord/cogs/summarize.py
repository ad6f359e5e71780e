"""`/summarize` and the message context menus "Summarize from here" and "Summarize linked
discussion". Each callback checks what it was given and hands over to `Summarizer`, which
defers, reads, summarizes and answers once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.errors import on_interaction_error, reply_for
from bot.discord.jobs import Request, Summarizer
from bot.discord.languages import language_for, suggestions
from bot.discord.views import PasteModal
from bot.errors import UserError

if TYPE_CHECKING:
    from bot.discord.client import DigestBot

SERVER_OR_BOT_DM = app_commands.AppCommandContext(guild=True, dm_channel=True)


class Summarize(commands.Cog):
    """Summaries on demand: pasted text, a file, this thread, a Discord or web link."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot
        self.jobs = Summarizer(bot)
        # Context menus cannot be declared with a decorator inside a cog: build them here and
        # remove them in cog_unload.
        # Offered only where they can work: "from here" reads a server channel (never a DM);
        # a linked discussion can be summarized in a server or in a DM with the bot.
        self.from_here = app_commands.ContextMenu(
            name="Summarize from here",
            callback=self.summarize_from_here,
            allowed_contexts=app_commands.AppCommandContext(guild=True),
        )
        self.from_here.guild_only = True  # dm_permission: false, for clients that read it
        self.linked = app_commands.ContextMenu(
            name="Summarize linked discussion",
            callback=self.summarize_linked,
            allowed_contexts=SERVER_OR_BOT_DM,
        )
        self.bot.tree.add_command(self.from_here)
        self.bot.tree.add_command(self.linked)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.from_here.name, type=self.from_here.type)
        self.bot.tree.remove_command(self.linked.name, type=self.linked.type)

    @app_commands.command(
        name="summarize",
        description="Balanced summary of a debate: each side's points with verified quotes.",
    )
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.describe(
        text="The debate, pasted (one comment per line or copied messages)",
        link="A Discord message/thread/channel link, or Hacker News, Reddit, Discourse, any page",
        file="A text file or a DiscordChatExporter export",
        private="Answer only to me",
        language="Write the summary in this language (LLM engine only; pick from the list)",
        since="Catch up, privately: 24h, 7d, or 'my last message' (here or a linked channel)",
    )
    async def summarize(
        self,
        interaction: discord.Interaction,
        text: app_commands.Range[str, 1, 6000] | None = None,
        link: app_commands.Range[str, 1, 2000] | None = None,
        file: discord.Attachment | None = None,
        private: bool = False,
        language: app_commands.Range[str, 1, 40] | None = None,
        since: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        """With none of text/link/file: this thread inside a thread or forum post, else a
        modal to paste into. `language` must be one of the offered languages. `since`: a
        private catch-up of this channel or thread (or a linked one) from that point on."""
        try:
            language = language_for(language)
        except UserError as err:
            await reply_for(interaction).error(str(err))
            return
        if since is not None:
            # A personal catch-up: this channel or thread (or the linked one), only to the asker.
            request = Request(
                text=text, link=link, attachment=file, here=link is None, private=True,
                language=language, since=since,
            )  # fmt: skip
            await self.jobs.run(interaction, request)
            return
        if text is None and link is None and file is None:
            if isinstance(interaction.channel, discord.Thread):
                request = Request(here=True, private=private, language=language)
                await self.jobs.run(interaction, request)
                return

            async def pasted(modal_interaction: discord.Interaction, value: str) -> None:
                await self.jobs.run(
                    modal_interaction, Request(text=value, private=private, language=language)
                )

            await interaction.response.send_modal(
                PasteModal(pasted, on_error_hook=on_interaction_error)
            )
            return
        request = Request(text=text, link=link, attachment=file, private=private, language=language)
        await self.jobs.run(interaction, request)

    @summarize.autocomplete("language")
    async def language_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The fixed list of languages, the asker's Discord language first."""
        return [
            app_commands.Choice(name=name, value=name)
            for name in suggestions(current, str(interaction.locale))
        ]

    async def summarize_from_here(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        """The conversation from this message on, up to the history limit."""
        await self.jobs.run(interaction, Request(start=message))

    async def summarize_linked(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        """The discussion the message links to: Discord links with the permission checks of
        `/summarize link:`, web links through the URL guard."""
        try:
            request = self.jobs.plan_linked_message(message)
        except UserError as err:
            await reply_for(interaction).error(str(err))
            return
        await self.jobs.run(interaction, request)


async def setup(bot: DigestBot) -> None:
    await bot.add_cog(Summarize(bot))
