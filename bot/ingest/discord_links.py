"""Discord links: parse them, check who may read them, and read their history as a `Thread`.

    link = parse_discord_link("https://discord.com/channels/1/2/3")
    source = await resolve_source(client, link, user)   # raises Refused / BotCannotRead
    thread = await read_history(source, limit=2000, progress=progress)

The person asking must be a member of the source guild with View Channel and Read Message
History there (a private thread also needs membership or Manage Threads); otherwise the answer
is `Refused`, whose message is the same whatever the reason, so that it reveals nothing of the
source (not even whether it exists), and no history is requested. Only after that are the bot's
own permissions checked (`BotCannotRead` names what to enable).

This module, the embed renderer and `bot.discord` are the only ones that import `discord`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any

import discord

from bot.errors import UserError
from bot.ingest.schema import scrub_thread
from bot.progress import Progress
from bot.thread import Comment, Thread

log = logging.getLogger(__name__)

# https://discord.com/channels/<guild or @me>/<channel>[/<message>], on every host Discord uses.
_LINK = re.compile(
    r"https?://(?:(?:ptb|canary|www)\.)?discord(?:app)?\.com/channels/"
    r"(?P<guild>\d{15,21}|@me)/(?P<channel>\d{15,21})(?:/(?P<message>\d{15,21}))?",
    re.IGNORECASE,
)

REFUSED = (
    "I can't summarize that link: it isn't a channel you can read in a server I'm in. "
    "You need to be a member there with View Channel and Read Message History. "
    "For a private thread, add me to the thread first."
)


class Refused(UserError):
    """The person may not read the source (or it does not exist, or the bot is not there).
    The message is always `REFUSED`, so that a refusal tells nothing about the source."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


class BotCannotRead(UserError):
    """The person may read the source but the bot may not; the message names what to enable."""


@dataclass(frozen=True)
class DiscordLink:
    """A parsed link. `guild_id` is None for a DM (`@me`); `message_id` for a message link."""

    guild_id: int | None
    channel_id: int
    message_id: int | None = None
    url: str = ""


def parse_discord_link(text: str) -> DiscordLink | None:
    """The Discord message, thread or channel link in `text` (the whole of it, trimmed), or
    None when it is not one."""
    match = _LINK.fullmatch(text.strip().strip("<>").rstrip("/"))
    if match is None:
        return None
    guild = match["guild"]
    return DiscordLink(
        guild_id=None if guild == "@me" else int(guild),
        channel_id=int(match["channel"]),
        message_id=int(match["message"]) if match["message"] else None,
        url=match.group(0),
    )


def find_discord_links(text: str) -> list[DiscordLink]:
    """Every Discord link in a message, in order, without repeats."""
    seen: dict[tuple[int | None, int, int | None], DiscordLink] = {}
    for match in _LINK.finditer(text or ""):
        link = parse_discord_link(match.group(0))
        if link is not None:
            seen.setdefault((link.guild_id, link.channel_id, link.message_id), link)
    return list(seen.values())


# --- messages to comments -----------------------------------------------------------------------


def message_to_comment(message: Any) -> Comment | None:
    """One Discord message (a discord.py `Message` or a `RawMessage`) as a `Comment`, or None
    for a system message (joins, pins, thread renames, ...) or a message with no text. Keeps
    the author's display name, the reply reference (when it points into the same channel) and
    the jump URL. Attachments and embeds are named, not read: their text is not the debate."""
    if isinstance(message, RawMessage):
        return message.to_comment()
    if message.is_system():
        return None
    text = (message.content or "").strip()
    extras = [f"[attachment: {a.filename}]" for a in getattr(message, "attachments", ()) or ()]
    if not text and not extras:
        return None
    reply_to = None
    reference = getattr(message, "reference", None)
    if reference is not None and reference.message_id is not None:
        same_channel = reference.channel_id in (None, message.channel.id)
        reply_to = str(reference.message_id) if same_channel else None
    author = message.author
    return Comment(
        id=str(message.id),
        text=text or " ".join(extras),
        author=getattr(author, "display_name", None) or getattr(author, "name", None),
        time=message.created_at,
        reply_to=reply_to,
        url=message.jump_url,
        is_bot=bool(getattr(author, "bot", False)),
    )


# Message types that are conversation rather than notices: discord.py's `Message.is_system`
# (default, reply, slash command, thread starter, context-menu command, poll result).
_CONVERSATION_TYPES = frozenset({0, 19, 20, 21, 23, 46})


class _RawAuthor:
    __slots__ = ("bot", "id")

    def __init__(self, data: dict[str, Any]) -> None:
        self.id = int(data["id"]) if data.get("id") is not None else None
        self.bot = bool(data.get("bot", False))


class RawMessage:
    """A message as Discord's REST API sends it (a history page's dict), read without building
    discord.py's `Message` (about 0.25 ms of CPU each, which for a 2,000-message thread ran on
    the event loop). It answers what the readers' filters ask of a `Message` (`id`,
    `author.id`, `is_system()`) and becomes the same `Comment` as `message_to_comment` makes of
    the `Message` discord.py would build from it: the author's name is the guild member's
    (the message's member data, else the cached member) nickname, global name or username."""

    __slots__ = ("author", "channel", "data", "id")

    def __init__(self, data: dict[str, Any], channel: Any) -> None:
        self.data = data
        self.channel = channel
        self.id = int(data["id"])
        self.author = _RawAuthor(data.get("author") or {})

    def is_system(self) -> bool:
        return int(self.data.get("type", 0)) not in _CONVERSATION_TYPES

    def _name_and_bot(self) -> tuple[str | None, bool]:
        author = self.data.get("author") or {}
        guild = getattr(self.channel, "guild", None)
        member = None
        if guild is not None and self.author.id is not None:
            member = guild.get_member(self.author.id)  # a dict lookup: safe off the loop
        if "member" in self.data:  # discord.py updates the member's nickname from it
            nick = (self.data["member"] or {}).get("nick")
        else:
            nick = getattr(member, "nick", None)
        if member is not None:
            name = nick or member.global_name or member.name
            return name, bool(member.bot)
        return nick or author.get("global_name") or author.get("username"), self.author.bot

    def to_comment(self) -> Comment | None:
        """The comment `message_to_comment` makes of this message (None for a notice or a
        message with no text)."""
        if self.is_system():
            return None
        data = self.data
        text = (data.get("content") or "").strip()
        extras = [f"[attachment: {a.get('filename')}]" for a in data.get("attachments") or ()]
        if not text and not extras:
            return None
        reply_to = None
        reference = data.get("message_reference")
        if reference and reference.get("message_id") is not None:
            channel_id = reference.get("channel_id")
            same_channel = channel_id is None or int(channel_id) == self.channel.id
            reply_to = str(int(reference["message_id"])) if same_channel else None
        guild = getattr(self.channel, "guild", None)
        name, bot = self._name_and_bot()
        return Comment(
            id=str(self.id),
            text=text or " ".join(extras),
            author=name,
            time=discord.utils.snowflake_time(self.id),
            reply_to=reply_to,
            url=f"https://discord.com/channels/{getattr(guild, 'id', '@me')}/"
            f"{self.channel.id}/{self.id}",
            is_bot=bot,
        )


async def history_pages(
    channel: Any,
    *,
    limit: int,
    after: int | None = None,
    oldest_first: bool = False,
) -> AsyncIterator[list[dict[str, Any]]]:
    """The raw pages of `channel.history(limit=, after=, oldest_first=)` (up to 100 messages a
    request, through discord.py's HTTP client and its rate limits), each page in reading order:
    the same requests and messages, without building a `Message` of each. `after` is a message
    id (exclusive); oldest first starts after it (0: the channel's start), newest first stops
    at it."""
    http = channel._state.http
    if oldest_first:
        position = after or 0
        while limit > 0:
            data = await http.logs_from(channel.id, min(limit, 100), after=position)
            if not data:
                return
            limit -= len(data)
            position = int(data[0]["id"])  # Discord sends a page newest first
            yield data[::-1]
            if len(data) < 100:
                return
    else:
        before: int | None = None
        while limit > 0:
            data = await http.logs_from(channel.id, min(limit, 100), before=before)
            if not data:
                return
            limit -= len(data)
            before = int(data[-1]["id"])
            page = data if after is None else [m for m in data if int(m["id"]) > after]
            yield page
            if len(page) < 100:
                return


def messages_to_thread(
    messages: Iterable[Any],
    *,
    title: str | None = None,
    url: str | None = None,
    notes: Iterable[str] = (),
) -> Thread:
    """Messages (oldest first) as a thread; replies to messages outside it lose their link."""
    comments = [c for c in map(message_to_comment, messages) if c is not None]
    ids = {c.id for c in comments}
    comments = [
        c if c.reply_to is None or c.reply_to in ids else c.model_copy(update={"reply_to": None})
        for c in comments
    ]
    # Like every ingest path: no lone surrogate (from a JSON escape) goes further.
    return scrub_thread(
        Thread(comments=tuple(comments), title=title, source="discord", url=url, notes=tuple(notes))
    )


# --- who may read what --------------------------------------------------------------------------


def can_read(permissions: discord.Permissions) -> bool:
    """View Channel and Read Message History: what reading a channel's history takes."""
    return permissions.view_channel and permissions.read_message_history


def missing_bot_permissions(permissions: discord.Permissions) -> list[str]:
    """The permissions the bot lacks to read a channel's history, by their names in Discord."""
    missing = []
    if not permissions.view_channel:
        missing.append("View Channel")
    if not permissions.read_message_history:
        missing.append("Read Message History")
    return missing


@dataclass(frozen=True)
class Source:
    """A channel or thread the asker may read, and where to start reading in it."""

    channel: Any  # discord.TextChannel | discord.Thread | discord.VoiceChannel ...
    start: Any | None = None  # discord.Message to read from (inclusive)
    link: DiscordLink | None = None

    @property
    def guild_id(self) -> int | None:
        guild = getattr(self.channel, "guild", None)
        return guild.id if guild is not None else None


class _Lookups:
    """Which lookups a link check requested. A refusal makes the ones it skipped too, so that
    every refusal costs the same requests (a member, the channel, a thread member) whether the
    channel exists, whether the bot is in that server, or why it was refused."""

    def __init__(self) -> None:
        self.member = self.channel = self.thread_member = False

    async def even_out(self, client: discord.Client, link: DiscordLink, user_id: int) -> None:
        http = client.http
        pending: list[Coroutine[Any, Any, object]] = []
        if not self.member:
            pending.append(http.get_member(link.guild_id or 0, user_id))
        if not self.channel:
            pending.append(http.get_channel(link.channel_id))
        if not self.thread_member:
            pending.append(http.get_thread_member(link.channel_id, user_id))
        for request in pending:
            try:
                await request
            except (discord.HTTPException, discord.InvalidData):
                pass  # the answer does not matter, only that it was asked


async def _member(
    guild: discord.Guild, user: discord.abc.User, lookups: _Lookups | None = None
) -> discord.Member | None:
    if isinstance(user, discord.Member) and user.guild.id == guild.id:
        return user
    member = guild.get_member(user.id)
    if member is not None:
        return member
    if lookups is not None:
        lookups.member = True
    try:
        return await guild.fetch_member(user.id)
    except (discord.NotFound, discord.Forbidden):
        return None


async def _channel(
    client: discord.Client, guild: discord.Guild, channel_id: int, lookups: _Lookups | None = None
) -> Any | None:
    channel: Any = guild.get_channel_or_thread(channel_id)
    if channel is not None:
        return channel
    if lookups is not None:
        lookups.channel = True
    try:  # an archived thread is not in the cache
        channel = await client.fetch_channel(channel_id)
    except (discord.NotFound, discord.Forbidden, discord.InvalidData):
        return None
    return (
        channel if getattr(channel, "guild", None) is not None and channel.guild == guild else None
    )


async def check_reader(
    channel: Any, member: discord.Member, lookups: _Lookups | None = None
) -> None:
    """Raise `Refused` unless `member` may read the history of `channel`."""
    try:
        permissions = channel.permissions_for(member)
    except discord.ClientException:  # a thread whose parent is not cached
        raise Refused() from None
    if not can_read(permissions):
        raise Refused()
    if isinstance(channel, discord.Thread) and channel.is_private():
        if permissions.manage_threads or channel.owner_id == member.id:
            return
        if any(m.id == member.id for m in channel.members):  # the cached thread members
            return
        if lookups is not None:
            lookups.thread_member = True
        try:
            await channel.fetch_member(member.id)
        except (discord.NotFound, discord.Forbidden):
            raise Refused() from None


def check_bot(channel: Any, me: discord.Member, *, message_content: bool) -> None:
    """Raise `BotCannotRead` naming what to enable when the bot cannot read `channel`."""
    missing = missing_bot_permissions(channel.permissions_for(me))
    if missing:
        raise BotCannotRead(
            f"I need {' and '.join(missing)} in <#{channel.id}> to read it. Ask a server "
            "admin to give my role those permissions there."
        )
    if not message_content:
        raise BotCannotRead(
            "Reading Discord messages needs the Message Content intent: enable it in the "
            "Developer Portal (Bot > Privileged Gateway Intents) and set "
            "DEBATE_DIGEST_MESSAGE_CONTENT_INTENT=true."
        )


async def resolve_source(
    client: discord.Client,
    link: DiscordLink,
    user: discord.abc.User,
    *,
    message_content: bool = True,
) -> Source:
    """The source a link names, once the asker is known to be allowed to read it.

    Makes no history request. Raises `Refused` (the asker is not a member of the guild, the
    channel does not exist or they may not read it, the bot is not in the guild, or the link is
    to a DM) and then `BotCannotRead`.
    """
    lookups = _Lookups()
    try:
        if link.guild_id is None:
            raise Refused()
        guild = client.get_guild(link.guild_id)
        if guild is None:
            raise Refused()
        member = await _member(guild, user, lookups)
        if member is None:
            raise Refused()
        channel = await _channel(client, guild, link.channel_id, lookups)
        if channel is None or not hasattr(channel, "history"):
            raise Refused()
        await check_reader(channel, member, lookups)
    except Refused:
        await lookups.even_out(client, link, user.id)
        raise
    check_bot(channel, guild.me, message_content=message_content)
    start = None
    if link.message_id is not None:
        try:
            start = await channel.fetch_message(link.message_id)
        except discord.NotFound:
            raise UserError("That message was deleted, or is not in that channel.") from None
    return Source(channel=channel, start=start, link=link)


# --- reading history ----------------------------------------------------------------------------


def estimated_total(channel: Any, limit: int) -> int | None:
    """About how many messages will be read (a thread knows its count; a channel does not)."""
    count = getattr(channel, "message_count", None)
    if isinstance(count, int) and count > 0:
        return min(count + 1, limit)  # + the starter message of a forum post
    return None


async def read_history(
    source: Source,
    *,
    limit: int,
    progress: Progress | None = None,
    keep: Callable[[Any], bool] | None = None,
) -> Thread:
    """Read up to `limit` messages of `source` (100 a request) into a thread, oldest first.

    A thread (or forum post) is read from its start; a message link or "from here" from that
    message on; a channel, which has no start that matters, as its latest `limit` messages.
    System messages are skipped. A note says when the limit cut the conversation.
    `progress("history", read, estimated total or 0)` is called every 100 messages.
    `keep(message)` False leaves a message out before it becomes a comment.
    """
    channel = source.channel
    notify = progress or (lambda stage, done, total: None)
    total = estimated_total(channel, limit) if source.start is None else None
    messages: list[Any] = []
    if source.start is not None:
        messages.append(source.start)
        pages = history_pages(channel, limit=limit - 1, after=source.start.id, oldest_first=True)
    else:
        # A thread from its start; a channel, newest first (its latest `limit`), reversed below.
        pages = history_pages(
            channel, limit=limit, oldest_first=isinstance(channel, discord.Thread)
        )
    # Only the raw pages on the loop: the messages are made into comments in a worker thread.
    raw: list[dict[str, Any]] = []
    async for page in pages:
        raw.extend(page)
        notify("history", len(messages) + len(raw), total or 0)
    count = len(messages) + len(raw)
    notify("history", count, count)
    newest_first = source.start is None and not isinstance(channel, discord.Thread)
    name = getattr(channel, "name", None)
    url = source.link.url if source.link else getattr(channel, "jump_url", None)
    log.info("read %d messages of channel %s", count, channel.id)

    def build() -> Thread:
        every = messages + [RawMessage(data, channel) for data in raw]
        if newest_first:
            every.reverse()
        if keep is not None:  # e.g. members who opted out (bot.discord.jobs): never converted
            every = [message for message in every if keep(message)]
        notes = []
        if len(every) >= limit:
            notes.append(
                f"Only {limit:,} messages were read (DEBATE_DIGEST_HISTORY_LIMIT); the "
                "conversation goes on past them."
            )
        return messages_to_thread(every, title=name, url=url, notes=notes)

    # Thousands of messages and pydantic models: built in a worker thread, off the event loop
    # (`keep` runs there too).
    return await asyncio.to_thread(build)
