"""`/summarize` and the message context menus "Summarize from here" and "Summarize linked
discussion". Each callback checks what it was given and hands over to `Summarizer`, which
defers, reads, summarizes and answers once. A whole thread or channel summarized before by the
LLM that has only grown is updated (`Updates`) rather than read again from the start."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.errors import on_interaction_error, reply_for
from bot.discord.jobs import Origin, Request, Summarizer
from bot.discord.languages import language_for, suggestions
from bot.discord.ledger import Account
from bot.discord.views import PasteModal
from bot.errors import UserError
from bot.pipeline import Options
from bot.summarize.schema import DigestResult
from bot.thread import Thread

if TYPE_CHECKING:
    from bot.discord.client import DigestBot

log = logging.getLogger(__name__)

SummarizeFn = Callable[..., Awaitable[DigestResult]]  # `bot.pipeline.summarize_thread`'s shape
REREAD_NOTE = (
    "Messages summarized before were edited or deleted: the thread was read again in full."
)


class Updates:
    """`/summarize` of a whole Discord thread or channel whose last LLM summary (same model,
    fallbacks, points and language) is stored and that has only grown since: the previous
    summary and the new messages go to the model with `prompts/update.v2.md` (far fewer
    tokens than a re-read), quotes are verified against the whole thread, and the answer says
    it was updated. A message edited, deleted or left out in the old part, a thread too long
    for one request, or no previous summary: the ordinary pipeline reads it in full. The last
    summary is kept per channel (`bot.digest.update.latest_key`), linked to its messages,
    authors and channel like any cached summary, so that forgetting one of them forgets it."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot

    def __call__(self, origin: Origin, run: SummarizeFn) -> SummarizeFn:
        async def summarize(thread: Thread, **kwargs: Any) -> DigestResult:
            return await self.summarize(origin, run, thread, **kwargs)

        return summarize

    async def summarize(
        self, origin: Origin, run: SummarizeFn, thread: Thread, **kwargs: Any
    ) -> DigestResult:
        from bot.digest.update import grown_from, latest_key
        from bot.workers import IN_PROCESS

        options: Options = kwargs["options"]
        config = options.llm
        if config is None or not origin.channel_ids or origin.guild_id is None:
            return await run(thread, **kwargs)
        latest = latest_key(
            origin.channel_ids[0], config, options.max_points_per_side, options.language
        )
        previous = await self.bot.store.get(latest)
        note = None
        if previous is not None:
            cpu = kwargs.get("cpu") or IN_PROCESS
            deduped = await cpu.dedupe(thread, options.near_threshold)
            old = grown_from(previous, thread, deduped[0])
            if old is None:
                note = REREAD_NOTE
            elif len(old) == len(thread.comments):
                return previous  # nothing new: the stored summary is this thread's (cached)
            else:
                updated = await self._update(thread, previous, old, deduped, run, kwargs)
                if updated is not None:
                    if updated.engine == "llm":
                        await self._keep(latest, updated, origin, options)
                    return updated
        result = await run(thread, **kwargs)
        if result.engine == "llm" and result.cache_key is not None:
            if previous is None or previous.cache_key != result.cache_key:
                await self._keep(latest, result, origin, options)
        if note is not None:
            result = result.model_copy(update={"notes": [note, *result.notes]})
        return result

    async def _update(
        self,
        thread: Thread,
        previous: DigestResult,
        old: frozenset[str],
        deduped: Any,
        run: SummarizeFn,
        kwargs: dict[str, Any],
    ) -> DigestResult | None:
        """The update, or None to read the thread in full (too long for one request)."""
        from bot.digest.update import TooLong, prepare_digest_llm
        from bot.summarize.llm import LLMError

        options: Options = kwargs["options"]
        assert options.llm is not None
        try:
            call = await prepare_digest_llm(
                thread, old_ids=old, previous=previous, config=options.llm,
                max_points=options.max_points_per_side, language=options.language, focus=None,
                deduped=deduped,
            )  # fmt: skip
        except (TooLong, LLMError):
            return None
        store = kwargs["store"]
        hit = await store.get(call.key)
        if hit is not None:
            return hit  # a cached update is free
        meter = kwargs.get("meter")  # the request's budget account (`bot.discord.ledger`)
        if isinstance(meter, Account):
            await meter.before_call(call)  # this request's estimate; may refuse: nothing sent
        elif meter is not None:
            await meter.before_run(thread, options.llm)
        try:
            result = await call.send()
        except LLMError as err:
            if meter is not None:
                await meter.spent(err.usage)
            log.warning("LLM unavailable for an update, answering offline: %s", err)
            fallback = await run(thread, **{**kwargs, "options": replace(options, llm=None)})
            note = f"The LLM was unavailable ({err}); this is the offline engine's summary."
            return fallback.model_copy(
                update={"notes": [note, *fallback.notes], "usage": err.usage}
            )
        if meter is not None:
            await meter.spent(result.usage)
        await self.bot.store.put(call.key, result, ttl_seconds=options.ttl_seconds)
        return result

    async def _keep(
        self, latest: str, result: DigestResult, origin: Origin, options: Options
    ) -> None:
        store = self.bot.store
        if not await store.put(latest, result, ttl_seconds=options.ttl_seconds):
            return
        await store.link_sources(
            latest,
            guild_id=origin.guild_id,
            channel_ids=origin.channel_ids,
            message_ids=origin.message_ids,
            author_ids=origin.author_ids,
        )


SERVER_OR_BOT_DM = app_commands.AppCommandContext(guild=True, dm_channel=True)


class Summarize(commands.Cog):
    """Summaries on demand: pasted text, a file, this thread, a Discord or web link."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot
        self.jobs = Summarizer(bot)
        self.jobs.incremental = Updates(bot)
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
