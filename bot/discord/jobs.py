"""What one summarize request does, start to end, for every way of asking.

    await Summarizer(bot).run(interaction, Request(link="https://discord.com/channels/…"))

Order matters and is the contract the tests check: cheap checks (cooldown, the input itself),
then the defer (within Discord's 3 s; ephemeral already when the cache shows that the answer
will be private or a refusal, so that nothing public appears and disappears), then who may
read the source (a refusal requests no history), then who would see the answer (private when
not everyone there may read the source), then who opted out (their messages are left out
before they become comments, and counted), then reading, the pipeline
(`bot.pipeline.summarize_thread`, with the bot's one single flight: the cache first, and the
person's pause after their last fresh run refuses only a new run), and one answer. A public
answer is recorded with what it was made from, so that `Forgetting` can withdraw it when one
of those messages is deleted or edited. Concurrent requests for the same Discord source share
one history read and one pipeline run (`bot.singleflight`, whose subscribers all see the
progress). Budgets and cooldowns are kept in the store, so that they hold across processes: a
fresh LLM run is charged through the usage ledger (`bot.discord.ledger`: an estimate reserved
atomically before the run, settled with the real usage after), the person's cooldown through
`SharedCooldowns`. CPU work runs off the loop: parsing a paste or a file,
dedupe and the offline engine in the bot's worker processes (`bot.workers`, each step capped at
`REQUEST_CPU_S` of CPU time: beyond it the person reads "too large to summarize here"), a page
of messages in a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import time
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import discord

from bot.discord.access import (
    ADD_ME_TO_THREAD,
    is_private_thread,
    private_before_reading,
    private_reason,
)
from bot.discord.errors import on_interaction_error, reply_for
from bot.discord.guards import BudgetExhausted, CooldownActive, budget_key, utc_day
from bot.discord.languages import LOCALES
from bot.discord.ledger import BUDGET_UNKNOWN, Account
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
from bot.ops import metrics
from bot.pipeline import Options, summarize_thread
from bot.render.embeds import render_pages
from bot.render.markdown import to_markdown
from bot.singleflight import SingleFlight, Subscriber
from bot.store import PostedAnswer, SourceRef, StoreUnavailable
from bot.summarize.schema import DigestResult
from bot.thread import Thread

if TYPE_CHECKING:
    from bot.discord.client import DigestBot

log = logging.getLogger(__name__)

__all__ = ["BUDGET_UNKNOWN", "Forgetting", "Request", "Summarizer"]

ATTACHMENT_NAME = "debate-digest.md"
# How long a deletion is remembered, for runs that read the message before it went (longer
# than a run may take: the 15-minute interaction token).
RECENT_S = 20 * 60
# Seconds between retries of a withdrawal that could not be done yet (the last one repeats).
RETRY_DELAYS_S: tuple[float, ...] = (1.0, 2.0, 5.0, 15.0, 30.0, 60.0)

# Renders of recent results kept for the other waiters of the same run (`Summarizer._render`).
_RENDERS_KEPT = 8


def _render(result: DigestResult, title: str | None) -> tuple[str, list[list[discord.Embed]]]:
    return to_markdown(result), render_pages(result, title=title, attachment=ATTACHMENT_NAME)


# What stands in a withdrawn answer, by why it was withdrawn. No word of the summary is left.
WITHDRAWN = {
    "deleted": "This summary was withdrawn because a message in it was deleted.",
    "edited": "This summary was withdrawn because a message in it was edited.",
    "channel": "This summary was withdrawn because the channel or thread it came from was deleted.",
    "guild": "This summary was withdrawn because I was removed from the server it came from.",
}
OPT_OUTS_UNKNOWN = (
    "I can't check which members opted out of summaries right now (my database is not "
    "answering), so I won't summarize those messages. Try again in a minute."
)


def left_out_note(messages: int, members: int) -> str:
    """The note that counts, without showing, the messages of members who opted out."""
    if messages == 1:
        return "1 message from a member who opted out was left out."
    who = "a member" if members == 1 else "members"
    return f"{messages:,} messages from {who} who opted out were left out."


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
    since: str | None = None  # a personal catch-up (`bot.digest.since`): always private


@dataclass
class Origin:
    """Where a thread came from, for the store's source links (forget on delete), whose words
    it holds (forget on opt-out), and the link that "Summarize again" asks for."""

    guild_id: int | None = None
    channel_ids: list[int] = field(default_factory=list)
    message_ids: list[int] = field(default_factory=list)
    author_ids: list[int] = field(default_factory=list)
    again_url: str | None = None
    read_at: float = 0.0  # time.monotonic() when reading began (see `Forgetting.catch_up`)
    # Cache keys already linked to these sources: the waiters of one shared read hold the same
    # Origin, and linking thousands of message ids once per waiter stalled the loop.
    linked: set[str] = field(default_factory=set)
    _sources: list[SourceRef] | None = field(default=None, repr=False)

    def sources(self) -> list[SourceRef]:
        """What an answer made from this quotes or links: the channels (and parent), and each
        message (in the channel read, the first of `channel_ids`). Made once: the waiters of
        one shared read hold the same Origin."""
        if self.guild_id is None:
            return []
        if self._sources is None:
            channel = self.channel_ids[0] if self.channel_ids else None
            refs: list[SourceRef] = [(self.guild_id, c, None) for c in self.channel_ids]
            refs += [(self.guild_id, channel, m) for m in self.message_ids]
            self._sources = refs
        return self._sources


# A source read: the thread, where it came from, and its summary when the read already made one.
Prepared = tuple[Thread, "Origin", DigestResult | None]


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


def _someone_elses(err: CooldownActive, account: Account) -> bool:
    """Whether `err` is another person's pause refusing a run this request had joined."""
    return err.user_id is not None and err.user_id != account.user


def _bucket(interaction: discord.Interaction) -> int:
    return budget_key(interaction.guild_id, interaction.user.id)


class Summarizer:
    """Runs requests for one bot. Holds no per-request state."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot
        self.settings = bot.settings
        # Reads of Discord sources in flight, by (channel, start, budget, language): everyone
        # asking about one thread at once shares one history read and one summary.
        self._reads: SingleFlight[Prepared] = SingleFlight()
        # Pagers by the message they page, so that a withdrawn answer's pager stops (its
        # timeout would otherwise edit the withdrawn message again).
        self.pagers: weakref.WeakValueDictionary[int, Pager] = weakref.WeakValueDictionary()
        # Renders in progress or done, by (result, title): the waiters of one run share one.
        self._renders: dict[tuple[int, str | None], tuple[DigestResult, asyncio.Future[Any]]] = {}
        # origin, summarize_thread -> what summarizes that source (`cogs.summarize` updates).
        self.incremental: Callable[[Origin, Any], Any] = lambda _origin, run: run

    # -- entry point ---------------------------------------------------------------------------

    async def run(self, interaction: discord.Interaction, request: Request) -> None:
        """Answer `interaction` once: the summary, or a short ephemeral error."""
        reply = reply_for(interaction, progress_interval_s=self.settings.progress_interval_s)
        user_id = interaction.user.id
        try:
            await self.bot.cooldowns.begin(user_id)
        except UserError as err:
            metrics.error("refused", err)
            await reply.error(str(err))
            return
        # What this request is charged (the server's budget, or in a DM the person's own);
        # a person in their pause is refused only when the request needs a fresh run (a
        # cached answer is served).
        account = self.bot.ledger.account(
            _bucket(interaction), user=user_id, gate=lambda: self.bot.cooldowns.may_run(user_id)
        )
        pause: float = 0
        if request.language is None and self.bot.llm is not None:
            # No language asked for: the asker's Discord language (the LLM engine only; the
            # offline engine quotes, it does not write).
            request = replace(request, language=LOCALES.get(str(interaction.locale)))
        try:
            read = self._plan(interaction, request, account)
            await reply.defer(
                private=request.private
                or request.since is not None
                or self._private_first(interaction, request)
            )
            thread, origin, result = await read(reply)
            if result is None:
                result = await self._summarize(
                    account, interaction.id, reply.progress, thread, request.language
                )
            # Only the request that paid for a fresh run starts the person's cooldown (the
            # LLM's, or the lighter offline one); cached answers, and waiters of a run someone
            # else started, are free.
            if await self._record(interaction, result, origin, account):
                llm = result.engine == "llm"
                pause = self.settings.cooldown_s if llm else self.settings.offline_cooldown_s
            await self._send(interaction, reply, result, thread, origin)
        except UserError as err:
            log.info("request %s refused: %s", interaction.id, type(err).__name__)
            metrics.error("refused", err)  # cooldowns, budgets, access: counted by kind
            await reply.error(str(err))
        except Exception as err:  # the one error policy: log with context, apologise once
            await on_interaction_error(interaction, err)
        finally:
            await self.bot.cooldowns.end(user_id, fresh=pause > 0, seconds=pause)

    # -- which source --------------------------------------------------------------------------

    def _plan(  # noqa: ANN202
        self, interaction: discord.Interaction, request: Request, account: Account
    ):
        """Check the request without I/O and return the coroutine function that reads it
        (a Discord source is summarized as it is read, charged to `account`)."""
        if request.since is not None:
            return self._plan_since(interaction, request, account)
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
            return self._plan_link(interaction, request.link.strip(), request.language, account)
        if request.start is not None or request.here:
            source = self._here(interaction, start=request.start)
            return lambda reply: self._read_discord(
                interaction, reply, source, request.language, account
            )
        raise UserError("Give text, a file or a link to summarize.")

    def _plan_link(  # noqa: ANN202
        self, interaction: discord.Interaction, text: str, language: str | None, account: Account
    ):
        discord_link = parse_discord_link(text)
        if discord_link is None and "discord" in text.lower() and "/channels/" in text:
            raise UserError(
                "That Discord link is not one I can read (a message, thread or channel link)."
            )
        if discord_link is not None:
            return lambda reply: self._read_link(
                interaction, reply, discord_link, language, account
            )
        from bot.ingest.web import classify_url, find_urls

        urls = find_urls(text)
        if len(urls) != 1:
            raise UserError(
                "The link must be one http(s) URL (a Discord link, Hacker News, "
                "Reddit, Discourse or any page with comments)."
            )
        classify_url(urls[0])  # a malformed link fails here, before the defer
        return lambda reply: self._unshared(self._read_web(reply, urls[0]))

    def _plan_since(  # noqa: ANN202
        self, interaction: discord.Interaction, request: Request, account: Account
    ):
        """`since:`: a catch-up of this channel or thread, or a linked one, read through the
        same checks as any Discord source and answered only to the asker."""
        from bot.digest.since import Since, parse_since

        if request.text is not None or request.attachment is not None:
            raise UserError(
                "since catches up on a Discord channel or thread: use it there or with a link "
                "to one, not with text or a file."
            )
        since = Since(parse_since(request.since or ""), interaction.user.id, interaction.created_at)
        if request.link is not None:
            link = parse_discord_link(request.link.strip())
            if link is None:
                raise UserError(
                    "since needs a Discord channel or thread link (or none, to catch up here)."
                )

            async def read_link(reply: Reply) -> Prepared:
                source = await resolve_source(
                    self.bot, link, interaction.user,
                    message_content=self.settings.message_content_intent,
                )  # fmt: skip
                return await self._read_since(reply, source, request.language, since, account)

            return read_link
        source = self._here(interaction, start=None)
        return lambda reply: self._read_since(reply, source, request.language, since, account)

    async def _read_since(
        self,
        reply: Reply,
        source: Source,
        language: str | None,
        since: Any,
        account: Account,
    ) -> Prepared:
        """A personal catch-up is the asker's own: not shared with other requests."""
        reply.progress("Reading messages…")
        return await self._read_and_summarize(
            account, reply.interaction.id, source, language, reply.progress, since=since
        )

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

        sources = [InputSource(name=name, data=data)]
        if self.bot.cpu is None:
            thread = await asyncio.to_thread(load_thread, sources, "auto")
        else:
            thread = await self.bot.cpu.request().parse(sources, "auto")
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
        account: Account,
    ) -> Prepared:
        source = await resolve_source(
            self.bot, link, interaction.user, message_content=self.settings.message_content_intent
        )
        return await self._read_discord(interaction, reply, source, language, account)

    async def _read_discord(
        self,
        interaction: discord.Interaction,
        reply: Reply,
        source: Source,
        language: str | None,
        account: Account,
    ) -> Prepared:
        """Read and summarize a Discord source the asker may read, after deciding who may see
        the answer. Concurrent requests for the same source (and guild and language) share one
        history read and one pipeline run (charged to the first of them): Discord rate-limits
        history, and 50 members asking about one hot thread must not cost 50 reads. Each of
        them was checked on its own."""
        reason = private_reason(
            source.channel, interaction.channel, destination_guild_id=interaction.guild_id
        )
        if reason is not None:
            await reply.go_private(reason)
        start_id = getattr(source.start, "id", None)
        key = (source.channel.id, start_id, account.bucket, language)
        reply.progress("Reading messages…")

        def read() -> Awaitable[Prepared]:
            return self._reads.run(
                key,
                lambda: self._read_and_summarize(
                    account, interaction.id, source, language, self._reads.progress(key)
                ),
                subscriber=reply.progress,
            )

        try:
            return await read()
        except CooldownActive as err:
            if not _someone_elses(err, account):
                raise
            # This request joined a read whose asker's pause refused the run: read again on
            # its own (the refused read has left the single flight).
            return await read()

    async def _read_and_summarize(
        self,
        account: Account,
        request_id: int,
        source: Source,
        language: str | None,
        progress: Subscriber,
        since: Any = None,
    ) -> Prepared:
        read_at = time.monotonic()
        opted_out = await self.opted_out(source.guild_id)
        me = getattr(self.bot.user, "id", None)
        authors: dict[int, None] = {}
        left_out: dict[int, int] = {}

        def keep(message: Any) -> bool:
            author_id = getattr(message.author, "id", None)
            if author_id is not None and author_id == me:
                return False  # our own progress line or answer is not part of the debate
            if author_id in opted_out:
                if not message.is_system():
                    left_out[author_id] = left_out.get(author_id, 0) + 1
                return False
            if author_id is not None:
                authors[author_id] = None
            return True

        try:
            if since is not None:
                from bot.discord.since import read_since

                thread = await read_since(
                    source.channel, since, limit=self.settings.history_limit, keep=keep
                )
            else:
                thread = await read_history(
                    source,
                    limit=self.settings.history_limit,
                    progress=lambda stage, done, total: progress(progress_text(stage, done, total)),
                    keep=keep,
                )
        except discord.Forbidden:
            if is_private_thread(source.channel):
                raise UserError(ADD_ME_TO_THREAD) from None
            raise
        note = left_out_note(sum(left_out.values()), len(left_out)) if left_out else None
        if not thread.comments:
            raise UserError(
                "There are no messages with text to summarize there"
                + (f" ({note[0].lower()}{note[1:-1]})." if note else ".")
            )
        if note is not None:
            thread = thread.model_copy(update={"notes": (*thread.notes, note)})
        channel = source.channel
        channels = [channel.id]
        parent_id = getattr(channel, "parent_id", None)
        if parent_id:
            channels.append(parent_id)
        start_id = getattr(source.start, "id", None)
        again = f"https://discord.com/channels/{source.guild_id}/{channel.id}"
        origin = Origin(
            guild_id=source.guild_id,
            channel_ids=channels,
            message_ids=[int(c.id) for c in thread.comments if c.id.isdigit()],
            author_ids=list(authors),
            again_url=f"{again}/{start_id}" if start_id is not None else again,
            read_at=read_at,
        )
        whole = since is None and start_id is None  # a whole thread: updatable (incremental)
        result = await self._summarize(
            account, request_id, progress, thread, language, origin if whole else None
        )
        return thread, origin, result

    async def opted_out(self, guild_id: int | None) -> frozenset[int]:
        """The members of `guild_id` whose messages are left out. Fails closed: a store that
        cannot tell refuses the summary (`UserError`), it never assumes "nobody"."""
        if guild_id is None:
            return frozenset()
        try:
            return await self.bot.store.opted_out(guild_id)
        except StoreUnavailable as err:
            log.warning("opt-outs of guild %s unknown: %s", guild_id, err)
            raise UserError(OPT_OUTS_UNKNOWN) from None

    # -- the pipeline --------------------------------------------------------------------------

    def _options(self, language: str | None) -> Options:
        return Options.from_settings(self.settings, llm=self.bot.llm, language=language)

    async def _summarize(
        self,
        account: Account,
        request_id: int,
        progress: Subscriber,
        thread: Thread,
        language: str | None,
        origin: Origin | None = None,
    ) -> DigestResult:
        """The pipeline with the bot's single flight; a fresh LLM run is charged to `account`
        (reserved before, settled after: `bot.discord.ledger`), cached answers are free."""
        options = self._options(language)
        progress("Summarizing…")
        # A whole Discord thread summarized before may be updated instead (set by the cog).
        run = summarize_thread if origin is None else self.incremental(origin, summarize_thread)

        async def summarize() -> DigestResult:
            return await run(
                thread,
                store=self.bot.store,
                options=options,
                progress=lambda stage, done, total: progress(progress_text(stage, done, total)),
                flights=self.bot.flights,
                cpu=self.bot.cpu.request() if self.bot.cpu is not None else None,
                meter=account,
            )

        try:
            result = await summarize()
        except BudgetExhausted as err:
            if err.bucket in (None, account.bucket):
                raise
            # This request joined an identical run that another server's budget refused:
            # ask again on its own budget (the refused run has left the single flight).
            result = await summarize()

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
        self,
        interaction: discord.Interaction,
        result: DigestResult,
        origin: Origin,
        account: Account,
    ) -> bool:
        """Count the request in the guild's figures (its tokens were charged by the ledger as
        the run went) and link the result to its sources. True when a run was made for this
        request (not for a cached answer, nor for a waiter of a run another request made)."""
        store = self.bot.store
        charge = account.ran
        if not await store.record_usage(
            account.bucket,
            utc_day(),
            tokens=0,
            llm_calls=account.llm_calls if charge else 0,
            cached=not charge,
        ):
            log.warning("request count of %s not recorded", account.bucket)
        if result.cache_key is None:
            return charge
        if origin.guild_id is not None and result.cache_key not in origin.linked:
            origin.linked.add(result.cache_key)
            await store.link_sources(
                result.cache_key,
                guild_id=origin.guild_id,
                channel_ids=origin.channel_ids,
                message_ids=origin.message_ids,
                author_ids=origin.author_ids,
            )
        if interaction.guild_id is not None and interaction.guild_id != origin.guild_id:
            await store.link_sources(result.cache_key, guild_id=interaction.guild_id)
        forgetting = self._forgetting()
        if forgetting is not None:
            # A source deleted or edited while this run read and summarized it: its forget
            # already ran, before this result was stored and linked. Forget it again now.
            await forgetting.catch_up(origin)
        return charge

    def _forgetting(self) -> Forgetting | None:
        cog: Any = self.bot.get_cog("Forget")
        return getattr(cog, "forgetting", None)

    # -- the answer ----------------------------------------------------------------------------

    async def _send(
        self,
        interaction: discord.Interaction,
        reply: Reply,
        result: DigestResult,
        thread: Thread,
        origin: Origin,
    ) -> None:
        markdown, pages = await self._render(result, thread.title)
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
            if message is not None:
                self.pagers[message.id] = view
        await self._record_post(message, reply, result, origin)

    async def _render(
        self, result: DigestResult, title: str | None
    ) -> tuple[str, list[list[discord.Embed]]]:
        """The Markdown export and the embed pages of `result`: made in a worker thread (a
        2,000-comment result is over 100 ms of CPU, which stalled the loop), and once for all
        the requests answered with the same result object (the waiters of one run); each
        request gets its own copy of the embeds."""
        key = (id(result), title)
        entry = self._renders.get(key)
        if entry is None or entry[0] is not result:
            future = asyncio.ensure_future(asyncio.to_thread(_render, result, title))
            entry = self._renders[key] = (result, future)
            while len(self._renders) > _RENDERS_KEPT:
                self._renders.pop(next(iter(self._renders)))
        try:
            markdown, pages = await asyncio.shield(entry[1])
        except Exception:
            if self._renders.get(key) is entry:
                del self._renders[key]
            raise
        return markdown, [[embed.copy() for embed in page] for page in pages]

    async def _record_post(
        self, message: Any, reply: Reply, result: DigestResult, origin: Origin
    ) -> None:
        """Remember an answer made from Discord messages, so that deleting or editing one of
        them withdraws it: a channel or DM message in the store (it can be edited as long as it
        exists), an ephemeral one in memory while its interaction token lasts (after that it
        cannot be edited, and is left to expire)."""
        sources = origin.sources()
        if message is None or not sources:
            return
        forgetting = self._forgetting()
        flags = getattr(message, "flags", None)
        in_dm = isinstance(getattr(message, "channel", None), discord.DMChannel)
        if (flags is not None and flags.ephemeral) or (reply.private and not in_dm):
            if forgetting is not None:
                forgetting.remember_private(message, reply, origin)
                await forgetting.catch_up(origin)
            return
        channel_id = getattr(message, "channel_id", None) or message.channel.id
        guild = getattr(message, "guild", None)
        post = PostedAnswer(
            message_id=message.id,
            channel_id=channel_id,
            guild_id=None if in_dm else (guild.id if guild else reply.interaction.guild_id),
            key=result.cache_key,
            again_url=origin.again_url,
        )
        if not await self.bot.store.record_post(post, sources):
            log.warning(
                "answer %s could not be recorded; it cannot be withdrawn if a source goes",
                message.id,
            )
        if forgetting is not None:
            await forgetting.catch_up(origin, post=post)


# -- forgetting reaches what was posted ----------------------------------------------------------


class SummarizeAgain(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"digest:again:(?P<guild>[0-9]{1,20}):(?P<channel>[0-9]{1,20}):(?P<message>[0-9]{1,20})",
):
    """The button of a withdrawn answer: summarize the same conversation again, as it is now,
    with the permission checks of `/summarize link:` for whoever clicks. Persistent (its
    custom id carries the source), so it works after a restart."""

    def __init__(self, guild_id: int, channel_id: int, message_id: int = 0) -> None:
        self.source = (guild_id, channel_id, message_id)
        super().__init__(
            discord.ui.Button(
                label="Summarize again",
                style=discord.ButtonStyle.primary,
                custom_id=f"digest:again:{guild_id}:{channel_id}:{message_id}",
            )
        )

    @classmethod
    def for_url(cls, url: str | None) -> SummarizeAgain | None:
        link = parse_discord_link(url or "")
        if link is None or link.guild_id is None:
            return None
        return cls(link.guild_id, link.channel_id, link.message_id or 0)

    @property
    def url(self) -> str:
        guild, channel, message = self.source
        base = f"https://discord.com/channels/{guild}/{channel}"
        return f"{base}/{message}" if message else base

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: Any,
    ) -> SummarizeAgain:
        return cls(int(match["guild"]), int(match["channel"]), int(match["message"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        cog: Any = interaction.client.get_cog("Summarize")  # type: ignore[attr-defined]
        if cog is None:
            await reply_for(interaction).error("Summaries are not available right now.")
            return
        await cog.jobs.run(interaction, Request(link=self.url))


@dataclass
class _PrivateAnswer:
    """An ephemeral answer that can be edited while its interaction token lasts."""

    message: Any
    reply: Reply
    ids: set[int]  # the message and channel ids it was made from
    guild_id: int | None
    origin: Origin


class Forgetting:
    """What a deleted or edited source message, a deleted channel or thread, or leaving a
    server does: the cached results made from it are forgotten (the store retries a forget
    until it is written), and the answers that quote or link it are edited to say they were
    withdrawn, with a "Summarize again" button and no word of the summary left: channel and DM
    answers found in the store, ephemeral ones kept in memory while their token lasts. An answer
    is marked in the store before its edit, so that `resume` finishes it after a restart; an edit
    that cannot be made yet (the store cannot say which answers, Discord fails) is retried with
    back-off in memory. Answers whose message is gone are forgotten. `catch_up` handles a source
    that went while a run was reading it."""

    def __init__(self, bot: DigestBot, *, retry_delays_s: Sequence[float] = RETRY_DELAYS_S) -> None:
        self.bot = bot
        self._delays = tuple(retry_delays_s) or RETRY_DELAYS_S
        self._retries: set[asyncio.Task[None]] = set()
        # Message and channel ids deleted or edited lately, with when and why, so that a run
        # that read one of them before the event is forgotten or withdrawn when it finishes.
        self._recent: dict[int, tuple[float, str]] = {}
        self._claimed: dict[int, None] = {}  # answers withdrawn (or being withdrawn) by us
        # Ephemeral answers, editable only through their interaction token (15 minutes).
        self._private: dict[int, _PrivateAnswer] = {}

    def remember_private(self, message: Any, reply: Reply, origin: Origin) -> None:
        """Keep an ephemeral answer while it can still be edited."""
        self._private = {k: v for k, v in self._private.items() if not v.reply.expired}
        ids = {*origin.message_ids, *origin.channel_ids}
        self._private[message.id] = _PrivateAnswer(message, reply, ids, origin.guild_id, origin)

    async def _withdraw_private(
        self, why: str, message_ids: Sequence[int], channel_ids: Sequence[int], guild_id: int | None
    ) -> int:
        wanted = {*message_ids, *channel_ids}
        done = 0
        for key, answer in list(self._private.items()):
            if answer.reply.expired:
                self._private.pop(key, None)
                continue
            if not (answer.ids & wanted or (guild_id is not None and answer.guild_id == guild_id)):
                continue
            self._private.pop(key, None)
            view = None
            button = SummarizeAgain.for_url(answer.origin.again_url)
            if button is not None:
                view = discord.ui.View(timeout=None)
                view.add_item(button)
            try:
                await answer.message.edit(
                    content=WITHDRAWN[why],
                    embeds=[],
                    attachments=[],
                    view=view,
                    allowed_mentions=discord.AllowedMentions.none(),
                )
            except discord.HTTPException as err:
                # The token ran out early or the message was dismissed: it expires by itself.
                log.info("private answer %s not withdrawn: %s", key, err)
                continue
            done += 1
        return done

    def _note(self, ids: Sequence[int], why: str) -> None:
        now = time.monotonic()
        if len(self._recent) > 50_000 or (
            self._recent and now - next(iter(self._recent.values()))[0] > RECENT_S
        ):
            self._recent = {i: v for i, v in self._recent.items() if now - v[0] <= RECENT_S}
        for i in ids:
            self._recent.pop(i, None)
            self._recent[i] = (now, why)

    async def catch_up(self, origin: Origin, *, post: PostedAnswer | None = None) -> None:
        """After a run stored (or posted) what it made from `origin`: if a source went while
        it ran, forget the result now (and withdraw the answer just posted)."""
        if not self._recent or not origin.read_at:
            return

        def went(i: int) -> bool:
            event = self._recent.get(i)
            return event is not None and event[0] >= origin.read_at

        messages = [i for i in origin.message_ids if went(i)]
        channels = [i for i in origin.channel_ids if went(i)]
        if not messages and not channels:
            return
        if messages:
            await self.bot.store.forget_messages(messages)
        if channels:
            await self.bot.store.forget_channels(channels)
        why = self._recent[(messages or channels)[0]][1]
        await self._withdraw_private(why, messages, channels, None)
        if post is not None:
            await self._withdraw_post(post, why, 0)

    async def messages_deleted(self, message_ids: Sequence[int]) -> None:
        ids = list(message_ids)
        self._note(ids, "deleted")
        store = self.bot.store
        await store.drop_posts(message_ids=ids)  # an answer of ours that was deleted
        await store.forget_messages(ids)
        await self.withdraw("deleted", message_ids=ids)

    async def message_edited(self, message_id: int) -> None:
        """The pre-edit text leaves the store now, not at expiry; answers quoting it go."""
        self._note([message_id], "edited")
        await self.bot.store.forget_messages([message_id])
        await self.withdraw("edited", message_ids=[message_id])

    async def channels_deleted(self, channel_ids: Sequence[int]) -> None:
        ids = list(channel_ids)
        self._note(ids, "channel")
        await self.bot.store.drop_posts(channel_ids=ids)  # answers posted there are gone too
        await self.bot.store.forget_channels(ids)
        await self.withdraw("channel", channel_ids=ids)

    async def guild_left(self, guild_id: int) -> None:
        # Answers posted in that server can no longer be edited (nor seen by the bot).
        await self.bot.store.drop_posts(guild_id=guild_id)
        await self.bot.store.purge_guild(guild_id)
        await self.withdraw("guild", guild_id=guild_id)

    async def withdraw(
        self,
        why: str,
        *,
        message_ids: Sequence[int] = (),
        channel_ids: Sequence[int] = (),
        guild_id: int | None = None,
        attempt: int = 0,
    ) -> int:
        """Edit every answer quoting these messages, made from these channels, or (with
        `guild_id`) from that server; the number withdrawn now. Ephemeral ones first: they
        need no store, only a live token."""
        done = 0
        if attempt == 0:
            done += await self._withdraw_private(why, message_ids, channel_ids, guild_id)
        try:
            posts = await self.bot.store.posts_quoting(
                message_ids=message_ids, channel_ids=channel_ids, guild_id=guild_id
            )
        except StoreUnavailable as err:
            log.warning("cannot look up answers to withdraw (%s); retrying", err)
            self._retry(
                attempt,
                lambda n: self.withdraw(
                    why,
                    message_ids=message_ids,
                    channel_ids=channel_ids,
                    guild_id=guild_id,
                    attempt=n,
                ),
            )
            return done
        for post in posts:
            done += await self._withdraw_post(post, why, attempt)
        return done

    async def _withdraw_post(self, post: PostedAnswer, why: str, attempt: int) -> int:
        # Claimed first: a delete event and a run's `catch_up` may both reach one answer.
        if post.message_id in self._claimed:
            return 0
        self._claimed[post.message_id] = None
        if len(self._claimed) > 10_000:
            self._claimed.pop(next(iter(self._claimed)))
        done = 0
        try:
            done = await self._edit_withdrawn(post, why, attempt)
        finally:
            if not done:
                self._claimed.pop(post.message_id, None)  # a retry may claim it again
        return done

    async def _edit_withdrawn(self, post: PostedAnswer, why: str, attempt: int) -> int:
        if attempt == 0:  # marked first, so that a restart finishes the job (`resume`)
            await self.bot.store.mark_to_withdraw([post.message_id], why)
        summarizer = self._summarizer()
        if summarizer is not None:
            pager = summarizer.pagers.pop(post.message_id, None)
            if pager is not None:
                pager.stop()  # its timeout must not edit the withdrawn answer again
        view = None
        button = SummarizeAgain.for_url(post.again_url)
        if button is not None:
            view = discord.ui.View(timeout=None)
            view.add_item(button)
        channel = self.bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id)
        message = channel.get_partial_message(post.message_id)
        try:
            await message.edit(
                content=WITHDRAWN[why],
                embeds=[],
                attachments=[],
                view=view,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.NotFound:
            await self.bot.store.drop_posts(message_ids=[post.message_id])
            return 0
        except discord.Forbidden as err:
            # No access any more: nobody the bot could edit for; keep nothing to retry.
            log.warning("cannot withdraw answer %s: %s", post.message_id, err)
            await self.bot.store.drop_posts(message_ids=[post.message_id])
            return 0
        except discord.HTTPException as err:
            log.warning("withdrawing answer %s failed (%s); retrying", post.message_id, err)
            self._retry(attempt, lambda n: self._withdraw_post(post, why, n))
            return 0
        await self.bot.store.mark_withdrawn([post.message_id])
        log.info("withdrew answer %s (%s)", post.message_id, why)
        return 1

    async def resume(self) -> int:
        """Withdraw the answers an earlier run marked and could not edit (it stopped, Discord
        failed); the number withdrawn now."""
        try:
            pending = await self.bot.store.pending_withdrawals()
        except StoreUnavailable as err:
            log.warning("cannot look up answers left to withdraw: %s", err)
            return 0
        if pending:
            log.info("withdrawing %d answer(s) an earlier run could not", len(pending))
        done = 0
        for post, why in pending:
            done += await self._withdraw_post(post, why if why in WITHDRAWN else "deleted", 1)
        return done

    def _summarizer(self) -> Summarizer | None:
        cog: Any = self.bot.get_cog("Summarize")
        return getattr(cog, "jobs", None)

    def _retry(self, attempt: int, again: Callable[[int], Awaitable[int]]) -> None:
        delay = self._delays[min(attempt, len(self._delays) - 1)]

        async def later() -> None:
            await asyncio.sleep(delay)
            await again(attempt + 1)

        task = asyncio.get_running_loop().create_task(later(), name="withdraw-retry")
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)

    async def close(self) -> None:
        """Cancel the retries still waiting (the store keeps its own queued forgets)."""
        tasks, self._retries = list(self._retries), set()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
