"""What one summarize request does, start to end, for every way of asking.

    await Summarizer(bot).run(interaction, Request(link="https://discord.com/channels/…"))

Order matters and is the contract the tests check: cheap checks (cooldown, the input itself),
then the defer (within Discord's 3 s; ephemeral already when the cache shows that the answer
will be private or a refusal, so that nothing public appears and disappears), then who may
read the source (a refusal requests no history), then who would see the answer (private when
not everyone there may read the source), then reading, the pipeline
(`bot.pipeline.summarize_thread`, with the bot's one single flight), and one answer.
Concurrent requests for the same Discord source share one history read and one pipeline run.
CPU work (parsing a paste, a file or a page of messages) runs in a worker thread; dedupe and
the engines already do inside the pipeline.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import discord

from bot.discord.access import (
    ADD_ME_TO_THREAD,
    is_private_thread,
    private_before_reading,
    private_reason,
)
from bot.discord.errors import on_interaction_error, reply_for
from bot.discord.guards import BudgetExhausted, budget_key, budget_message, utc_day
from bot.discord.replies import Reply
from bot.discord.views import Pager
from bot.errors import UserError
from bot.ingest.discord_links import (
    DiscordLink,
    Refused,
    Source,
    can_read,
    find_discord_links,
    missing_bot_permissions,
    parse_discord_link,
    read_history,
    resolve_source,
)
from bot.pipeline import Options, summarize_thread
from bot.render.embeds import render_pages
from bot.render.markdown import to_markdown
from bot.store import Store
from bot.summarize.schema import DigestResult
from bot.thread import Thread

if TYPE_CHECKING:
    from bot.discord.client import DigestBot

log = logging.getLogger(__name__)

ATTACHMENT_NAME = "debate-digest.md"
# Charges already counted, by (cache key, creation time): waiters of one single-flight run get
# the same result object and must not pay for it again.
_CHARGED_MAX = 4096


@dataclass(frozen=True)
class Request:
    """What the person asked for. At most one source: `text`, `attachment`, `link`,
    `start` (a message: "from here"), or `here` (the thread the command was used in)."""

    text: str | None = None
    attachment: discord.Attachment | None = None
    link: str | None = None
    start: discord.Message | None = None
    here: bool = False
    private: bool = False
    language: str | None = None


@dataclass
class Origin:
    """Where a thread came from, for the store's source links (forget on delete)."""

    guild_id: int | None = None
    channel_ids: list[int] = field(default_factory=list)
    message_ids: list[int] = field(default_factory=list)


# A source read: the thread, where it came from, and its summary when the read already made one.
Prepared = tuple[Thread, "Origin", DigestResult | None]


class _Shared:
    """One in-flight read + summary of a Discord source, and the replies waiting for it."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.future: asyncio.Future[Prepared] | None = None

    def progress(self, text: str) -> None:
        for reply in list(self.replies):
            reply.progress(text)


def progress_text(stage: str, done: int, total: int) -> str:
    """The progress line for an ingest or pipeline stage ("history" is Discord's, "fetching"
    the web's; the rest come from the pipeline and its engines)."""
    if stage == "history":
        if total and total > done:
            return f"Read {done:,} of ~{total:,} messages…"
        return f"Read {done:,} messages…"
    if stage == "fetching":
        if total and total > done:
            return f"Fetched {done:,} of ~{total:,} comments…"
        return f"Fetched {done:,} comments…"
    if stage == "deduplicating":
        return "Removing duplicates…"
    if stage == "merging":
        return "Summarizing… (merging the parts)"
    return "Summarizing…"


class _BudgetGate:
    """The store, except that a miss is refused: used when the guild's LLM budget is spent,
    so that cached answers stay free and nothing new is computed."""

    def __init__(self, store: Store, message: str) -> None:
        self._store = store
        self._message = message

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    async def get(self, key: str) -> DigestResult | None:
        hit = await self._store.get(key)
        if hit is None:
            raise BudgetExhausted(self._message)
        return hit


def _bucket(interaction: discord.Interaction) -> int:
    return budget_key(interaction.guild_id, interaction.user.id)


class Summarizer:
    """Runs requests for one bot. Holds no per-request state."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot
        self.settings = bot.settings
        self._charged: dict[tuple[str, str], None] = {}
        self._reads: dict[tuple[int, int | None, int, str | None], _Shared] = {}

    # -- entry point ---------------------------------------------------------------------------

    async def run(self, interaction: discord.Interaction, request: Request) -> None:
        """Answer `interaction` once: the summary, or a short ephemeral error."""
        reply = reply_for(interaction, progress_interval_s=self.settings.progress_interval_s)
        user_id = interaction.user.id
        try:
            self.bot.cooldowns.begin(user_id)
        except UserError as err:
            await reply.error(str(err))
            return
        pause: float = 0
        try:
            read = self._plan(interaction, request)
            await reply.defer(private=request.private or self._private_first(interaction, request))
            thread, origin, result = await read(reply)
            if result is None:
                result = await self._summarize(
                    _bucket(interaction), interaction.id, reply.progress, thread, request.language
                )
            # Only the request that paid for a fresh run starts the person's cooldown (the
            # LLM's, or the lighter offline one); cached answers, and waiters of a run someone
            # else started, are free.
            if await self._record(interaction, result, thread, origin):
                llm = result.engine == "llm"
                pause = self.settings.cooldown_s if llm else self.settings.offline_cooldown_s
            await self._send(interaction, reply, result, thread)
        except UserError as err:
            log.info("request %s refused: %s", interaction.id, type(err).__name__)
            await reply.error(str(err))
        except Exception as err:  # the one error policy: log with context, apologise once
            await on_interaction_error(interaction, err)
        finally:
            self.bot.cooldowns.end(user_id, fresh=pause > 0, seconds=pause)

    # -- which source --------------------------------------------------------------------------

    def _plan(self, interaction: discord.Interaction, request: Request):  # noqa: ANN202
        """Check the request without I/O and return the coroutine function that reads it."""
        given = [
            name
            for name, value in (
                ("text", request.text),
                ("file", request.attachment),
                ("link", request.link),
            )
            if value
        ]
        if len(given) > 1:
            raise UserError(f"Give one of text, file or link, not {' and '.join(given)}.")
        limit = self.settings.max_input_bytes
        if request.text is not None:
            text = request.text
            if not text.strip():
                raise UserError("There is no text to summarize.")
            if len(text.encode()) > limit:
                raise UserError(f"That text is over the {self.settings.max_input_mb:g} MB limit.")
            return lambda reply: self._unshared(self._read_text("pasted text", text.encode()))
        if request.attachment is not None:
            attachment = request.attachment
            if attachment.size > limit:
                raise UserError(
                    f"{attachment.filename} is {attachment.size / 1048576:.1f} MB, over the "
                    f"{self.settings.max_input_mb:g} MB limit."
                )
            return lambda reply: self._unshared(self._read_file(attachment))
        if request.link is not None:
            return self._plan_link(interaction, request.link.strip(), request.language)
        if request.start is not None or request.here:
            source = self._here(interaction, start=request.start)
            return lambda reply: self._read_discord(interaction, reply, source, request.language)
        raise UserError("Give text, a file or a link to summarize.")

    def _plan_link(  # noqa: ANN202
        self, interaction: discord.Interaction, text: str, language: str | None
    ):
        discord_link = parse_discord_link(text)
        if discord_link is None and "discord" in text.lower() and "/channels/" in text:
            raise UserError(
                "That Discord link is not one I can read (a message, thread or channel link)."
            )
        if discord_link is not None:
            return lambda reply: self._read_link(interaction, reply, discord_link, language)
        from bot.ingest.web import classify_url, find_urls

        urls = find_urls(text)
        if len(urls) != 1:
            raise UserError(
                "The link must be one http(s) URL (a Discord link, Hacker News, "
                "Reddit, Discourse or any page with comments)."
            )
        classify_url(urls[0])  # a malformed link fails here, before the defer
        return lambda reply: self._unshared(self._read_web(reply, urls[0]))

    def _private_first(self, interaction: discord.Interaction, request: Request) -> bool:
        """Defer ephemerally when the answer will be private or a refusal (from the cache)."""
        if request.link is not None:
            link = parse_discord_link(request.link.strip())
            return link is not None and private_before_reading(self.bot, interaction, link=link)
        if request.start is not None or request.here:
            return private_before_reading(self.bot, interaction)
        return False

    def plan_linked_message(self, message: discord.Message) -> Request:
        """ "Summarize linked discussion": the first Discord link in a message, else its first
        web link."""
        links = find_discord_links(message.content or "")
        if links:
            return Request(link=links[0].url)
        from bot.ingest.web import find_urls

        urls = find_urls(message.content or "")
        if not urls:
            raise UserError("That message has no link to summarize.")
        return Request(link=urls[0])

    def _here(self, interaction: discord.Interaction, *, start: discord.Message | None) -> Source:
        """The channel the command was used in, checked with the permissions Discord resolved
        for this interaction (the asker's and the bot's)."""
        channel = interaction.channel
        if channel is None or not hasattr(channel, "history") or interaction.guild is None:
            raise UserError("I can only read conversations in server channels and threads.")
        if not can_read(interaction.permissions):
            raise Refused()
        missing = missing_bot_permissions(interaction.app_permissions)
        if missing and is_private_thread(channel):
            raise UserError(ADD_ME_TO_THREAD)
        if missing:
            raise UserError(
                f"I need {' and '.join(missing)} in this channel to read it. Ask a server "
                "admin to give my role those permissions here."
            )
        if not self.settings.message_content_intent:
            raise UserError(
                "Reading Discord messages needs the Message Content intent: enable it in the "
                "Developer Portal (Bot > Privileged Gateway Intents) and set "
                "DEBATE_DIGEST_MESSAGE_CONTENT_INTENT=true."
            )
        return Source(channel=channel, start=start)

    # -- readers -------------------------------------------------------------------------------

    @staticmethod
    async def _unshared(read: Awaitable[tuple[Thread, Origin]]) -> Prepared:
        thread, origin = await read
        return thread, origin, None

    async def _read_text(self, name: str, data: bytes) -> tuple[Thread, Origin]:
        from bot.ingest import InputSource, load_thread

        thread = await asyncio.to_thread(load_thread, [InputSource(name=name, data=data)], "auto")
        return thread, Origin()

    async def _read_file(self, attachment: discord.Attachment) -> tuple[Thread, Origin]:
        try:
            data = await attachment.read()
        except discord.HTTPException as err:
            raise UserError(f"I could not download {attachment.filename} ({err.status}).") from None
        return await self._read_text(attachment.filename, data)

    async def _read_web(self, reply: Reply, url: str) -> tuple[Thread, Origin]:
        from bot.ingest.web import fetch_thread

        thread = await fetch_thread(
            url,
            settings=self.settings,
            client=self.bot.web,
            progress=lambda stage, done, total: reply.progress(progress_text(stage, done, total)),
        )
        return thread, Origin()

    async def _read_link(
        self,
        interaction: discord.Interaction,
        reply: Reply,
        link: DiscordLink,
        language: str | None,
    ) -> Prepared:
        source = await resolve_source(
            self.bot, link, interaction.user, message_content=self.settings.message_content_intent
        )
        return await self._read_discord(interaction, reply, source, language)

    async def _read_discord(
        self,
        interaction: discord.Interaction,
        reply: Reply,
        source: Source,
        language: str | None,
    ) -> Prepared:
        """Read and summarize a Discord source the asker may read, after deciding who may see
        the answer. Concurrent requests for the same source (and guild and language) share one
        history read and one pipeline run: Discord rate-limits history, and 50 members asking
        about one hot thread must not cost 50 reads. Each of them was checked on its own."""
        reason = private_reason(
            source.channel, interaction.channel, destination_guild_id=interaction.guild_id
        )
        if reason is not None:
            await reply.go_private(reason)
        start_id = getattr(source.start, "id", None)
        key = (source.channel.id, start_id, _bucket(interaction), language)
        shared = self._reads.get(key)
        if shared is None:
            shared = _Shared()
            shared.future = asyncio.ensure_future(
                self._read_and_summarize(
                    _bucket(interaction), interaction.id, source, language, shared
                )
            )
            # Retrieved here too, so that a run whose waiters all went away logs no warning.
            shared.future.add_done_callback(lambda f: f.cancelled() or f.exception())
            shared.future.add_done_callback(lambda _f: self._reads.pop(key, None))
            self._reads[key] = shared
        shared.replies.append(reply)
        reply.progress("Reading messages…")
        try:
            return await asyncio.shield(shared.future)
        finally:
            shared.replies.remove(reply)

    async def _read_and_summarize(
        self,
        bucket: int,
        request_id: int,
        source: Source,
        language: str | None,
        shared: _Shared,
    ) -> Prepared:
        try:
            thread = await read_history(
                source,
                limit=self.settings.history_limit,
                progress=lambda stage, done, total: shared.progress(
                    progress_text(stage, done, total)
                ),
            )
        except discord.Forbidden:
            if is_private_thread(source.channel):
                raise UserError(ADD_ME_TO_THREAD) from None
            raise
        if not thread.comments:
            raise UserError("There are no messages with text to summarize there.")
        channel = source.channel
        channels = [channel.id]
        parent_id = getattr(channel, "parent_id", None)
        if parent_id:
            channels.append(parent_id)
        origin = Origin(
            guild_id=source.guild_id,
            channel_ids=channels,
            message_ids=[int(c.id) for c in thread.comments if c.id.isdigit()],
        )
        result = await self._summarize(bucket, request_id, shared.progress, thread, language)
        return thread, origin, result

    # -- the pipeline --------------------------------------------------------------------------

    def _options(self, language: str | None) -> Options:
        settings = self.settings
        llm = self.bot.llm
        if llm is not None and language:
            llm = dataclasses.replace(llm, language=language)
        return Options(
            llm=llm,
            max_points_per_side=settings.max_points_per_side,
            near_threshold=settings.near_duplicate_threshold,
            use_cache=True,
            ttl_seconds=settings.cache_ttl_days * 86400 or None,
        )

    async def _summarize(
        self,
        bucket: int,
        request_id: int,
        progress: Callable[[str], None],
        thread: Thread,
        language: str | None,
    ) -> DigestResult:
        options = self._options(language)
        store: Any = self.bot.store
        # A server's budget, or in a DM the person's own (`budget_key`).
        dm = bucket < 0
        limit = self.settings.dm_daily_tokens if dm else self.settings.guild_daily_tokens
        if options.llm is not None and limit:
            used = (await self.bot.store.guild_usage(bucket, utc_day())).tokens
            if used >= limit:
                store = _BudgetGate(self.bot.store, budget_message(used, limit, dm=dm))
        progress("Summarizing…")
        result = await summarize_thread(
            thread,
            store=store,
            options=options,
            progress=lambda stage, done, total: progress(progress_text(stage, done, total)),
            flights=self.bot.flights,
        )
        if thread.notes:
            notes = [*thread.notes, *(n for n in result.notes if n not in thread.notes)]
            result = result.model_copy(update={"notes": notes})
        log.info(
            "summary for interaction %s: engine=%s model=%s cached=%s comments=%d tokens=%d",
            request_id,
            result.engine,
            result.model,
            result.cached,
            result.input.comments,
            result.usage.prompt_tokens + result.usage.completion_tokens,
        )
        return result

    async def _record(
        self, interaction: discord.Interaction, result: DigestResult, thread: Thread, origin: Origin
    ) -> bool:
        """Count the request in the guild's usage and link the result to its sources. True
        when this request paid for a fresh run (the first of the waiters of one run)."""
        store = self.bot.store
        charge = not result.cached
        if charge and result.cache_key and result.created_at is not None:
            mark = (result.cache_key, result.created_at.isoformat())
            if mark in self._charged:
                charge = False  # another waiter of the same run already paid
            else:
                self._charged[mark] = None
                if len(self._charged) > _CHARGED_MAX:
                    self._charged.pop(next(iter(self._charged)))
        tokens = result.usage.prompt_tokens + result.usage.completion_tokens if charge else 0
        await store.record_usage(
            _bucket(interaction),
            utc_day(),
            tokens=tokens,
            llm_calls=result.usage.llm_calls if charge else 0,
            cached=not charge,
        )
        if result.cache_key is None:
            return charge
        if origin.guild_id is not None:
            await store.link_sources(
                result.cache_key,
                guild_id=origin.guild_id,
                channel_ids=origin.channel_ids,
                message_ids=origin.message_ids,
            )
        if interaction.guild_id is not None and interaction.guild_id != origin.guild_id:
            await store.link_sources(result.cache_key, guild_id=interaction.guild_id)
        return charge

    # -- the answer ----------------------------------------------------------------------------

    async def _send(
        self,
        interaction: discord.Interaction,
        reply: Reply,
        result: DigestResult,
        thread: Thread,
    ) -> None:
        markdown = to_markdown(result)
        pages = render_pages(result, title=thread.title, attachment=ATTACHMENT_NAME)
        file = discord.File(io.BytesIO(markdown.encode("utf-8")), filename=ATTACHMENT_NAME)
        view = None
        if len(pages) > 1:
            view = Pager(
                pages,
                owner_id=interaction.user.id,
                token_left=None if reply.expired else reply.token_left,
                on_error_hook=on_interaction_error,
            )
        message = await reply.answer(embeds=pages[0], files=[file], view=view)
        if view is not None:
            view.message = message
