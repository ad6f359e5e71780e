"""A fake Discord on 127.0.0.1: REST API v10 and the gateway, for the real discord.py client.

discord.py runs unmodified; only its base URLs point here (`patched_urls`). Every REST request is
recorded so that tests assert on what the bot actually sent; the fake enforces the Discord rules a
bot most often breaks (the 3-second acknowledgement deadline, acknowledging twice, the 15-minute
interaction token, message and embed limits, channel permissions) and answers the way Discord
does, with the same status and JSON error codes.

The server runs on the test's own event loop:

    async with FakeDiscord() as fake:
        guild = fake.add_guild("Debates")
        channel = fake.add_channel(guild, "general")
        alice = fake.add_user("alice")
        fake.add_member(guild, alice)
        fake.add_messages(channel, [(alice, "first"), (alice, "second")])
        async with fake.run_client(bot):
            it = await fake.interaction(alice, channel, "summarize", options={"limit": 50})
            await fake.wait_for(lambda: it.followups)
        assert fake.sent_messages(channel.id)[0].embeds[0]["title"] == "…"
        assert fake.unknown_requests == [] and fake.limit_violations == []
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from fakes.discord import discord_rest
from fakes.discord.discord_state import (
    Attachment,
    Channel,
    ChannelType,
    Guild,
    Member,
    MessageType,
    Overwrite,
    P,
    Role,
    Snowflakes,
    User,
    channel_permissions,
    iso,
)

if TYPE_CHECKING:
    import discord

log = logging.getLogger(__name__)

__all__ = [
    "ChannelType",
    "FakeDiscord",
    "FakeInteraction",
    "MessageType",
    "Overwrite",
    "P",
    "RecordedFile",
    "RecordedRequest",
    "SentMessage",
    "patched_urls",
]

# Gateway opcodes.
OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_RESUME = 0, 1, 2, 6
OP_RECONNECT, OP_REQUEST_MEMBERS, OP_INVALID_SESSION, OP_HELLO, OP_HEARTBEAT_ACK = 7, 8, 9, 10, 11

INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
MESSAGE_EVENTS = {"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE"}
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


@dataclass(frozen=True)
class RecordedFile:
    """One file part of a multipart request (`field` is e.g. "files[0]")."""

    field: str
    filename: str
    content: bytes
    content_type: str | None = None


@dataclass
class RecordedRequest:
    """One REST request as the fake received it, and what it answered.

    `path` is relative to the API base ("/channels/1/messages"); `json` is the JSON body, or the
    parsed `payload_json` part of a multipart body.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    files: list[RecordedFile]
    status: int = 0
    response: Any = None
    at: float = 0.0

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"


@dataclass
class SentMessage:
    """A message the bot created or edited, by any route (channel, response, follow-up, edit).

    `kind` is one of "channel", "response" (callback 4/7), "original" (PATCH @original),
    "followup", "edit" (PATCH of a channel message or follow-up). `message` is the resulting
    message object as the fake stores it; `payload` is what the bot sent.
    """

    kind: str
    channel_id: int
    payload: dict[str, Any]
    message: dict[str, Any]
    files: list[RecordedFile] = field(default_factory=list)
    interaction: FakeInteraction | None = None
    ephemeral: bool = False

    @property
    def content(self) -> str:
        """The message content after this request."""
        return self.message.get("content", "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        """The message embeds after this request (Discord's JSON shape)."""
        return self.message.get("embeds", [])

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        """`allowed_mentions` exactly as the bot sent it (None if it sent none)."""
        return self.payload.get("allowed_mentions")

    @property
    def components(self) -> list[dict[str, Any]]:
        """The message components (action rows, buttons) after this request."""
        return self.message.get("components", [])


@dataclass
class FakeInteraction:
    """An interaction the fake dispatched, and everything the bot answered to it."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    channel_id: int
    dispatched_at: float
    response_type: int | None = None  # the accepted callback type
    response_flags: int = 0
    callbacks: list[RecordedRequest] = field(default_factory=list)  # accepted and rejected
    rejections: list[RecordedRequest] = field(default_factory=list)
    original: dict[str, Any] | None = None  # the original response message, once there is one
    followups: list[dict[str, Any]] = field(default_factory=list)
    modal: dict[str, Any] | None = None  # callback type 9 data
    choices: list[dict[str, Any]] | None = None  # callback type 8 (autocomplete result)
    source_message_id: int | None = None  # component interactions: the message clicked

    @property
    def acknowledged(self) -> bool:
        """Whether a callback was accepted."""
        return self.response_type is not None

    @property
    def deferred(self) -> bool:
        """Whether the accepted callback was a deferral (5 or 6)."""
        return self.response_type in (5, 6)

    @property
    def ephemeral(self) -> bool:
        """Whether the accepted callback carried the ephemeral flag (64)."""
        return bool(self.response_flags & 64)


@contextlib.contextmanager
def patched_urls(api_base: str, gateway_url: str, cdn_base: str | None = None) -> Iterator[None]:
    """Point discord.py's REST base, default gateway and CDN base here; restore them after.

    Only these class attributes change: discord.py's client logic runs as shipped.
    """
    import discord
    import yarl
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY, discord.Asset.BASE)
    Route.BASE = api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    if cdn_base is not None:
        discord.Asset.BASE = cdn_base
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY, discord.Asset.BASE = saved


class _Session:
    """One gateway connection."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.seq = 0
        self.session_id = secrets.token_hex(16)
        self.identified = False
        self.intents = 0
        self.closed = False
        self.shard = (0, 1)  # [shard_id, num_shards] of its IDENTIFY

    def serves(self, guild_id: int | None) -> bool:
        """Whether Discord routes this guild's events to this connection: shard
        (guild_id >> 22) % num_shards; direct messages (no guild) go to shard 0."""
        shard_id, count = self.shard
        if guild_id is None:
            return shard_id == 0
        return (guild_id >> 22) % count == shard_id


class FakeDiscord:
    """The fake: state builders, a REST server and a gateway, and what the bot did.

    Knobs (attributes, change them any time): `ack_deadline` (seconds between dispatching an
    interaction and its callback, default 3), `token_ttl` (interaction token lifetime, default
    15 min), `latency` (seconds added to every REST answer), `rate_limit_next` (answer the next
    N REST requests with 429), `server_errors` (path regex -> answer the next N requests to it
    with 503), `require_synced` (refuse to dispatch a command the bot has not
    synced, or options its definition lacks or requires, with LookupError, as Discord would
    never send them), `message_content` (whether the
    application has the Message Content intent enabled; without it Discord blanks other users'
    message content over REST and closes the gateway with 4014 when the bot asks for it).
    """

    def __init__(
        self,
        *,
        ack_deadline: float = 3.0,
        token_ttl: float = 15 * 60,
        latency: float = 0.0,
        heartbeat_interval_ms: int = 30_000,
        message_content: bool = True,
        bot_name: str = "Debate Digest",
    ) -> None:
        self.ack_deadline = ack_deadline
        self.token_ttl = token_ttl
        self.latency = latency
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.message_content = message_content
        self.rate_limit_next = 0
        # path regex -> how many more requests to it are answered 503 (Discord having trouble)
        self.server_errors: dict[str, int] = {}
        self.require_synced = False
        # The shard count that GET /gateway/bot recommends (what an auto-sharded client uses).
        self.shard_count = 1
        self.token = "fake-bot-token." + secrets.token_hex(8)

        self.ids = Snowflakes()
        self.application_id = self.ids.next()
        self.bot_user = User(self.application_id, bot_name, bot=True)
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.attachments: dict[int, Attachment] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}

        self.requests: list[RecordedRequest] = []
        self.unknown_requests: list[RecordedRequest] = []
        self.limit_violations: list[dict[str, Any]] = []
        self.sent: list[SentMessage] = []
        self.identify_payloads: list[dict[str, Any]] = []
        self.resume_payloads: list[dict[str, Any]] = []
        self.gateway_received: list[dict[str, Any]] = []
        self.interactions: dict[int, FakeInteraction] = {}
        self._by_token: dict[str, FakeInteraction] = {}

        self._sessions: list[_Session] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._rest = discord_rest.Router(self)

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT (attachments are served under it)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """What discord.py's `Route.BASE` is set to."""
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        """The websocket URL (READY's resume_gateway_url and GET /gateway's url)."""
        return f"ws://127.0.0.1:{self.port}/gateway/"

    async def start(self) -> FakeDiscord:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway/", self._gateway_handler)
        app.router.add_get("/gateway", self._gateway_handler)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._attachment_handler)
        app.router.add_route("*", "/api/v{version:\\d+}{path:.*}", self._rest.handle)
        app.router.add_route("*", "/{path:.*}", self._rest.handle_unrouted)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        """Close gateway connections and the server."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=1)
        for session in list(self._sessions):
            if not session.ws.closed:
                await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def patched(self) -> contextlib.AbstractContextManager[None]:
        """`patched_urls` for this server (the CDN too: asset fetches land in
        `unknown_requests` instead of the internet)."""
        return patched_urls(self.api_base, self.gateway_url, f"{self.base_url}/cdn")

    @contextlib.asynccontextmanager
    async def run_client(
        self,
        client: discord.Client,
        *,
        ready_timeout: float = 10.0,
        guild_ready_timeout: float | None = 0.05,
    ) -> AsyncIterator[discord.Client]:
        """Start `client` against the fake, wait until it is ready, close it cleanly on exit.

        discord.py waits `guild_ready_timeout` (2 s by default) after the last GUILD_CREATE
        before `on_ready`; unless None, this sets that option (the same one the Client
        constructor takes) to a short value so tests stay fast.
        """
        if guild_ready_timeout is not None:
            client._connection.guild_ready_timeout = guild_ready_timeout
        with self.patched():
            task = asyncio.create_task(client.start(self.token), name="fake-discord-client")
            ready = asyncio.create_task(client.wait_until_ready())
            try:
                done, _ = await asyncio.wait(
                    {task, ready}, timeout=ready_timeout, return_when=asyncio.FIRST_COMPLETED
                )
                if task in done:
                    task.result()  # raises the client's error
                    raise RuntimeError("the client stopped before it was ready")
                if ready not in done:
                    raise TimeoutError(f"the client was not ready within {ready_timeout} s")
                yield client
            finally:
                ready.cancel()
                await client.close()
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait_for(task, timeout=5)

    # ------------------------------------------------------------------ state builders

    def add_user(
        self, username: str, *, bot: bool = False, id: int | None = None, dms_open: bool = True
    ) -> User:
        """A user; `dms_open=False` makes DMs to them fail with 50007, as with closed DMs."""
        user = User(id or self.ids.next(), username, bot=bot, dms_open=dms_open)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str = "Test Guild",
        *,
        owner: User | None = None,
        everyone_permissions: int = P.DEFAULT_EVERYONE,
        bot_permissions: int | None = None,
    ) -> Guild:
        """A guild with its @everyone role and the bot as a member.

        `bot_permissions` (if given) becomes a managed "bot role" the bot member holds, like the
        role Discord creates from an invite link's permissions.
        """
        guild_id = self.ids.next()
        owner = owner or self.add_user(f"{name} owner")
        guild = Guild(guild_id, name, owner.id)
        guild.roles[guild_id] = Role(guild_id, guild_id, "@everyone", everyone_permissions, 0)
        self.guilds[guild_id] = guild
        self.add_member(guild, owner)
        bot_member = self.add_member(guild, self.bot_user)
        if bot_permissions is not None:
            role = self.add_role(guild, self.bot_user.username, bot_permissions)
            role.managed = True
            bot_member.role_ids.append(role.id)
        self._dispatch_soon("GUILD_CREATE", guild)
        return guild

    def add_role(
        self, guild: Guild, name: str, permissions: int = 0, *, position: int | None = None
    ) -> Role:
        """A role (`permissions`: a bitfield of `P` flags); position defaults to the next."""
        role = Role(
            self.ids.next(),
            guild.id,
            name,
            permissions,
            position if position is not None else len(guild.roles),
        )
        guild.roles[role.id] = role
        return role

    def add_member(
        self, guild: Guild, user: User, roles: Iterable[Role] = (), *, nick: str | None = None
    ) -> Member:
        """Make `user` a member of `guild` with `roles` (@everyone is implied)."""
        member = Member(user, guild.id, [r.id for r in roles], nick=nick)
        guild.members[user.id] = member
        return member

    def member(self, guild: Guild, user: User) -> Member:
        """`user`'s member in `guild` (KeyError if not a member)."""
        return guild.members[user.id]

    def bot_member(self, guild: Guild) -> Member:
        """The bot's member in `guild` (add roles to it to change what the bot may do)."""
        return guild.members[self.bot_user.id]

    def add_channel(
        self,
        guild: Guild,
        name: str,
        type: ChannelType = ChannelType.text,
        *,
        overwrites: Iterable[Overwrite] = (),
        nsfw: bool = False,
        parent: Channel | None = None,
        topic: str | None = None,
    ) -> Channel:
        """A guild channel: text, voice, category, news or forum (`parent` is a category)."""
        channel = Channel(
            self.ids.next(),
            guild.id,
            name,
            ChannelType(type),
            position=len(guild.channels),
            parent_id=parent.id if parent else None,
            nsfw=nsfw,
            topic=topic,
            overwrites=list(overwrites),
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_thread(
        self,
        parent: Channel,
        name: str,
        *,
        private: bool = False,
        owner: User | None = None,
        members: Iterable[User] = (),
        archived: bool = False,
        locked: bool = False,
        id: int | None = None,
    ) -> Channel:
        """A thread in `parent` (its permissions are the parent's). The bot is a member only if
        listed in `members`."""
        guild = self.guilds[parent.guild_id]
        kind = (
            ChannelType.private_thread
            if private
            else (
                ChannelType.news_thread
                if parent.type == ChannelType.news
                else ChannelType.public_thread
            )
        )
        owner = owner or guild.members[guild.owner_id].user
        member_ids = [owner.id] + [u.id for u in members if u.id != owner.id]
        thread = Channel(
            id or self.ids.next(),
            guild.id,
            name,
            kind,
            parent_id=parent.id,
            nsfw=parent.nsfw,
            owner_id=owner.id,
            archived=archived,
            locked=locked,
            thread_member_ids=member_ids,
            created_at=self.ids.now,
        )
        guild.channels[thread.id] = thread
        self.channels[thread.id] = thread
        return thread

    def add_attachment(
        self, filename: str, data: bytes | str, content_type: str = "text/plain"
    ) -> Attachment:
        """A file served by the fake (for messages and attachment options)."""
        if isinstance(data, str):
            data = data.encode()
        att_id = self.ids.next()
        att = Attachment(
            att_id,
            filename,
            data,
            content_type,
            url=f"{self.base_url}/attachments/{att_id}/{filename}",
        )
        self.attachments[att_id] = att
        return att

    def add_message(
        self,
        channel: Channel,
        author: User,
        content: str = "",
        *,
        reply_to: dict[str, Any] | int | None = None,
        type: MessageType | int = MessageType.default,
        embeds: Iterable[dict[str, Any]] = (),
        attachments: Iterable[Attachment] = (),
        at: dt.datetime | None = None,
        dispatch: bool = False,
        pinned: bool = False,
    ) -> dict[str, Any]:
        """Append a message (timestamps one minute apart unless `at`). Returns its payload.

        `dispatch=True` also sends MESSAGE_CREATE to connected clients; `pinned=True` pins it.
        """
        when = at or self.ids.tick(60)
        msg_type = int(type)
        if reply_to is not None and msg_type == MessageType.default:
            msg_type = MessageType.reply
        message = self._message_payload(
            channel,
            author,
            content,
            msg_type=msg_type,
            embeds=list(embeds),
            attachments=[a.payload() for a in attachments],
            when=when,
        )
        if reply_to is not None:
            ref_id = int(reply_to["id"]) if isinstance(reply_to, dict) else int(reply_to)
            referenced = self.find_message(channel.id, ref_id)
            message["message_reference"] = {
                "type": 0,
                "message_id": str(ref_id),
                **channel.where(),
            }
            message["referenced_message"] = referenced
        channel.messages.append(message)
        if pinned:
            message["pinned"] = True
            channel.pins[message["id"]] = when
        if dispatch:
            self.dispatch("MESSAGE_CREATE", dict(message))
        return message

    def add_messages(
        self,
        channel: Channel,
        items: Iterable[tuple[Any, ...] | dict[str, Any] | str],
        *,
        author: User | None = None,
    ) -> list[dict[str, Any]]:
        """Many messages at once. Each item is `(author, content)`, `(author, content,
        reply_to)`, a dict of `add_message` keyword arguments (with "author"), or a string (then
        `author` is used)."""
        out = []
        for item in items:
            if isinstance(item, str):
                if author is None:
                    raise ValueError("a plain string item needs author=")
                out.append(self.add_message(channel, author, item))
            elif isinstance(item, dict):
                kwargs = dict(item)
                out.append(self.add_message(channel, kwargs.pop("author", author), **kwargs))
            else:
                who, content, *rest = item
                out.append(
                    self.add_message(channel, who, content, reply_to=rest[0] if rest else None)
                )
        return out

    def find_message(self, channel_id: int, message_id: int) -> dict[str, Any] | None:
        """The stored message (the same dict the fake serves and edits), or None."""
        channel = self.channels.get(channel_id)
        if channel is None:
            return None
        for message in channel.messages:
            if int(message["id"]) == message_id:
                return message
        return None

    def dm_channel(self, user: User) -> Channel:
        """The bot's DM channel with `user` (made on first use, like POST /users/@me/channels)."""
        for channel in self.channels.values():
            if channel.type == ChannelType.dm and channel.recipient is user:
                return channel
        channel = Channel(self.ids.next(), 0, "", ChannelType.dm, recipient=user)
        self.channels[channel.id] = channel
        return channel

    def permissions_for(self, channel: Channel, user: User | None = None) -> int:
        """`user`'s (default: the bot's) permissions in `channel`, as Discord computes them."""
        if channel.type == ChannelType.dm:
            return P.DM
        guild = self.guilds[channel.guild_id]
        member = guild.members.get((user or self.bot_user).id)
        if member is None:
            return 0
        return channel_permissions(guild, channel, member)

    # ------------------------------------------------------------------ payload helpers

    def _message_payload(
        self,
        channel: Channel,
        author: User,
        content: str,
        *,
        msg_type: int = 0,
        embeds: list[dict[str, Any]] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        components: list[dict[str, Any]] | None = None,
        flags: int = 0,
        when: dt.datetime | None = None,
        webhook_id: int | None = None,
    ) -> dict[str, Any]:
        when = when or self.ids.now
        msg_id = self.ids.next(when)
        message: dict[str, Any] = {
            "id": str(msg_id),
            "channel_id": str(channel.id),
            "author": author.payload(),
            "content": content,
            "timestamp": iso(when),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments or [],
            "embeds": embeds or [],
            "pinned": False,
            "type": msg_type,
            "flags": flags,
            "components": components or [],
        }
        if channel.guild_id:
            message["guild_id"] = str(channel.guild_id)
        if webhook_id is not None:
            message["webhook_id"] = str(webhook_id)
            message["application_id"] = str(self.application_id)
        guild = self.guilds.get(channel.guild_id)
        if guild and author.id in guild.members:
            message["member"] = guild.members[author.id].payload(with_user=False)
        return message

    def visible_message(self, message: dict[str, Any]) -> dict[str, Any]:
        """The message as the bot may read it (content blanked without Message Content)."""
        if (
            self.message_content
            or message["author"]["id"] == str(self.bot_user.id)
            or "guild_id" not in message  # DMs are exempt
        ):
            return message
        return {**message, "content": "", "embeds": [], "attachments": [], "components": []}

    # ------------------------------------------------------------------ recording helpers

    def requests_to(self, method: str | None = None, path_regex: str = "") -> list[RecordedRequest]:
        """Recorded requests whose method matches (any if None) and path matches the regex."""
        pattern = re.compile(path_regex)
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper()) and pattern.search(r.path)
        ]

    def history_requests(self, channel_id: int) -> list[RecordedRequest]:
        """GET /channels/{id}/messages requests (message history pages) for one channel."""
        return self.requests_to("GET", rf"^/channels/{channel_id}/messages$")

    def sent_messages(
        self, channel_id: int | None = None, *, kind: str | None = None
    ) -> list[SentMessage]:
        """Messages the bot created or edited (all routes), optionally for one channel/kind."""
        return [
            s
            for s in self.sent
            if (channel_id is None or s.channel_id == channel_id)
            and (kind is None or s.kind == kind)
        ]

    def problems(self) -> list[str]:
        """Everything Discord would have refused: unknown routes, limit violations, rejected
        interaction callbacks, and other 4xx answers (429s excepted)."""
        out = [f"unknown route {r.method} {r.path}" for r in self.unknown_requests]
        out += [f"limits {v['path']}: {'; '.join(v['problems'])}" for v in self.limit_violations]
        seen = {id(r) for r in self.unknown_requests}
        for r in self.requests:
            if 400 <= r.status < 500 and r.status != 429 and id(r) not in seen:
                code = r.response.get("code") if isinstance(r.response, dict) else None
                out.append(f"{r.status} ({code}) {r.method} {r.path}")
        return out

    def assert_clean(self) -> None:
        """Fail (AssertionError listing them) if `problems()` is not empty."""
        problems = self.problems()
        assert not problems, "the bot did things Discord refuses:\n" + "\n".join(problems)

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until `predicate()` is truthy and return its value; TimeoutError otherwise.

        It is checked after every request and gateway event, and every 10 ms (for conditions
        the client's own handlers make true).
        """
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"condition not met within {timeout} s")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 0.01))

    async def wait_for_request(
        self, method: str, path_regex: str, timeout: float = 5.0, count: int = 1
    ) -> RecordedRequest:
        """Wait until at least `count` matching requests were recorded; return the last."""
        found = await self.wait_for(
            lambda: (m := self.requests_to(method, path_regex)) and len(m) >= count and m,
            timeout,
        )
        return found[-1]

    async def _notify(self) -> None:
        self._changed.set()

    # ------------------------------------------------------------------ gateway

    def _guild_create(
        self, session: _Session, guild: Guild, *, joined: bool = False
    ) -> dict[str, Any]:
        data = guild.create_payload(
            self.bot_user.id, all_members=bool(session.intents & INTENT_GUILD_MEMBERS)
        )
        if joined:
            del data["unavailable"]  # a guild joined just now, not one coming back online
        return data

    def _dispatch_soon(self, event: str, guild: Guild) -> None:
        """GUILD_CREATE for a guild added while clients are connected (sent on the next tick,
        once the caller has added its channels and members)."""

        async def send() -> None:
            for session in list(self._sessions):
                if session.identified and not session.closed and session.serves(guild.id):
                    await self._send_dispatch(
                        session, event, self._guild_create(session, guild, joined=True)
                    )
            await self._notify()

        if self.connected:
            self._spawn(send())

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch event to every identified connection (scheduled on the loop)."""
        self._spawn(self.dispatch_async(event, data))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        # keep a reference: the loop holds tasks only weakly
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def dispatch_async(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch event to every identified connection of the shard that serves its
        guild (all of them when unsharded) and wait until it is sent."""
        guild_id = int(data["guild_id"]) if data.get("guild_id") else None
        for session in list(self._sessions):
            if session.identified and not session.closed and session.serves(guild_id):
                await self._send_dispatch(session, event, data)
        await self._notify()

    async def _send_dispatch(self, session: _Session, event: str, data: dict[str, Any]) -> None:
        if event in MESSAGE_EVENTS:
            needed = INTENT_GUILD_MESSAGES if data.get("guild_id") else INTENT_DIRECT_MESSAGES
            if not session.intents & needed:
                return  # Discord sends message events only with the matching intent
            if (
                event != "MESSAGE_DELETE"
                and data.get("guild_id")  # DMs are exempt
                and not session.intents & INTENT_MESSAGE_CONTENT
                and data.get("author", {}).get("id") != str(self.bot_user.id)
                and not any(u.get("id") == str(self.bot_user.id) for u in data.get("mentions", []))
            ):
                data = {**data, "content": "", "embeds": [], "attachments": [], "components": []}
        session.seq += 1
        with contextlib.suppress(ConnectionError, RuntimeError):
            await session.ws.send_str(
                json.dumps({"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data})
            )

    @property
    def connected(self) -> bool:
        """Whether a client has identified (or resumed) and is still connected."""
        return any(s.identified and not s.closed for s in self._sessions)

    @property
    def intents(self) -> int | None:
        """The intents of the last IDENTIFY (None before any)."""
        return self.identify_payloads[-1]["intents"] if self.identify_payloads else None

    @property
    def shards_connected(self) -> list[tuple[int, int]]:
        """[shard_id, num_shards] of every identified connection, sorted."""
        return sorted(s.shard for s in self._sessions if s.identified and not s.closed)

    async def disconnect_clients(self, code: int = 4000) -> None:
        """Close every gateway connection with `code` (4000: the client should resume)."""
        for session in list(self._sessions):
            await session.ws.close(code=code)

    async def _gateway_handler(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        session = _Session(ws)
        self._sessions.append(session)
        await ws.send_str(
            json.dumps(
                {
                    "op": OP_HELLO,
                    "s": None,
                    "t": None,
                    "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                }
            )
        )
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                self.gateway_received.append(payload)
                await self._gateway_op(session, payload)
        finally:
            session.closed = True
            self._sessions.remove(session)
            await self._notify()
        return ws

    async def _gateway_op(self, session: _Session, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == OP_HEARTBEAT:
            await session.ws.send_str(json.dumps({"op": OP_HEARTBEAT_ACK, "d": None}))
        elif op == OP_IDENTIFY:
            self.identify_payloads.append(data)
            if data.get("token") != self.token:
                await session.ws.close(code=4004, message=b"Authentication failed.")
                return
            intents = int(data.get("intents", 0))
            if intents & INTENT_MESSAGE_CONTENT and not self.message_content:
                await session.ws.close(code=4014, message=b"Disallowed intent(s).")
                return
            shard = data.get("shard") or [0, 1]
            if not (len(shard) == 2 and 0 <= int(shard[0]) < int(shard[1])):
                await session.ws.close(code=4010, message=b"Invalid shard.")
                return
            session.shard = (int(shard[0]), int(shard[1]))
            session.intents = intents
            session.identified = True
            await self._send_dispatch(session, "READY", self._ready_payload(session))
            for guild in list(self.guilds.values()):
                if session.serves(guild.id):
                    await self._send_dispatch(
                        session, "GUILD_CREATE", self._guild_create(session, guild)
                    )
            await self._notify()
        elif op == OP_RESUME:
            self.resume_payloads.append(data)
            old = data.get("session_id")
            if data.get("token") != self.token or not old:
                await session.ws.send_str(json.dumps({"op": OP_INVALID_SESSION, "d": False}))
                return
            # Nothing is replayed: events dispatched while the client was away are lost.
            session.session_id = old
            session.seq = int(data.get("seq") or 0)
            session.identified = True
            await self._send_dispatch(session, "RESUMED", {})
            await self._notify()
        elif op == OP_REQUEST_MEMBERS:
            guild = self.guilds.get(int(data["guild_id"]))
            members = list(guild.members.values()) if guild else []
            user_ids = data.get("user_ids")
            if user_ids:
                wanted = {
                    int(u) for u in ([user_ids] if isinstance(user_ids, str | int) else user_ids)
                }
                members = [m for m in members if m.user.id in wanted]
            chunk = {
                "guild_id": data["guild_id"],
                "members": [m.payload() for m in members],
                "chunk_index": 0,
                "chunk_count": 1,
            }
            if data.get("nonce"):
                chunk["nonce"] = data["nonce"]
            await self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)

    def _ready_payload(self, session: _Session) -> dict[str, Any]:
        return {
            "v": 10,
            "user": {**self.bot_user.payload(), "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [
                {"id": str(g), "unavailable": True} for g in self.guilds if session.serves(g)
            ],
            "session_id": session.session_id,
            "resume_gateway_url": self.gateway_url,
            "shard": list(session.shard),
            "application": {"id": str(self.application_id), "flags": self.application_flags},
            "private_channels": [],
            "relationships": [],
        }

    @property
    def application_flags(self) -> int:
        """The application flags of READY and GET /applications/@me."""
        # GATEWAY_GUILD_MEMBERS_LIMITED | GATEWAY_MESSAGE_CONTENT_LIMITED (if enabled)
        return (1 << 15) | ((1 << 19) if self.message_content else 0)

    # ------------------------------------------------------------------ dispatch helpers

    def delete_message(self, channel: Channel, message_id: int | str) -> None:
        """Remove a message and dispatch MESSAGE_DELETE."""
        mid = str(message_id)
        channel.messages[:] = [m for m in channel.messages if m["id"] != mid]
        self.dispatch(
            "MESSAGE_DELETE",
            {"id": mid, **channel.where()},
        )

    def delete_channel(self, channel: Channel) -> None:
        """Remove a channel or thread and dispatch CHANNEL_DELETE / THREAD_DELETE."""
        guild = self.guilds[channel.guild_id]
        guild.channels.pop(channel.id, None)
        self.channels.pop(channel.id, None)
        if channel.is_thread:
            self.dispatch(
                "THREAD_DELETE",
                {
                    "id": str(channel.id),
                    "guild_id": str(guild.id),
                    "parent_id": str(channel.parent_id),
                    "type": int(channel.type),
                },
            )
        else:
            self.dispatch("CHANNEL_DELETE", channel.payload())

    def post_message(
        self, channel: Channel, author: User, content: str, **kwargs: Any
    ) -> dict[str, Any]:
        """`add_message` that also dispatches MESSAGE_CREATE (a user speaking live)."""
        return self.add_message(channel, author, content, dispatch=True, **kwargs)

    # ------------------------------------------------------------------ interactions

    def _interaction_base(
        self, itype: int, user: User, channel: Channel, locale: str = "en-US"
    ) -> tuple[dict[str, Any], FakeInteraction]:
        if channel.type == ChannelType.dm:
            return self._dm_interaction_base(itype, user, channel, locale)
        guild = self.guilds[channel.guild_id]
        member = guild.members.get(user.id)
        if member is None:
            raise ValueError(f"{user.username} is not a member of {guild.name}")
        interaction_id = self.ids.next()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        bot_perms = self.permissions_for(channel)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": itype,
            "token": token,
            "version": 1,
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "channel_id": str(channel.id),
            "channel": channel.payload(),
            "member": {
                **member.payload(),
                "permissions": str(channel_permissions(guild, channel, member)),
            },
            "app_permissions": str(bot_perms),
            "locale": locale,
            "guild_locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        handle = FakeInteraction(interaction_id, token, itype, payload, channel.id, 0.0)
        return payload, handle

    def _dm_interaction_base(
        self, itype: int, user: User, channel: Channel, locale: str
    ) -> tuple[dict[str, Any], FakeInteraction]:
        """An interaction in the bot's DM with `user` (context 1, BOT_DM): no guild, a `user`
        instead of a `member`, and DM permissions, as Discord sends it."""
        if channel.recipient is not user:
            raise ValueError(f"{user.username} is not the recipient of DM channel {channel.id}")
        interaction_id = self.ids.next()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": itype,
            "token": token,
            "version": 1,
            "channel_id": str(channel.id),
            "channel": channel.payload(),
            "user": user.payload(),
            "app_permissions": str(P.DM),
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": "0"},
            "context": 1,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        handle = FakeInteraction(interaction_id, token, itype, payload, channel.id, 0.0)
        return payload, handle

    def _check_context(self, command: dict[str, Any] | None, channel: Channel) -> None:
        """Discord offers a command only in its contexts (0 guild, 1 bot DM, 2 private channel);
        `dm_permission: false` hides it from DMs too."""
        if command is None:
            return
        context = 1 if channel.type == ChannelType.dm else 0
        contexts = command.get("contexts")
        if contexts is not None and context not in contexts:
            raise LookupError(f"{command['name']!r} is not offered in context {context}")
        if context == 1 and command.get("dm_permission") is False:
            raise LookupError(f"{command['name']!r} is not offered in DMs")

    def age_interaction(self, interaction: FakeInteraction, seconds: float) -> None:
        """Pretend `interaction` was dispatched `seconds` earlier (past `ack_deadline`, or
        past `token_ttl` to expire its token) without waiting."""
        interaction.dispatched_at -= seconds

    async def _send_interaction(self, handle: FakeInteraction) -> FakeInteraction:
        if not self.connected:
            raise RuntimeError("no client is connected to the fake gateway")
        self.interactions[handle.id] = handle
        self._by_token[handle.token] = handle
        handle.dispatched_at = time.monotonic()
        await self.dispatch_async("INTERACTION_CREATE", handle.payload)
        return handle

    def _command(self, guild_id: int, name: str, ctype: int) -> dict[str, Any] | None:
        for cmd in self.guild_commands.get(guild_id, []) + self.global_commands:
            if cmd["name"] == name and cmd.get("type", 1) == ctype:
                return cmd
        return None

    async def interaction(
        self,
        user: User,
        channel: Channel,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        locale: str = "en-US",
        attachments: dict[str, Attachment] | None = None,
        focused: str | None = None,
    ) -> FakeInteraction:
        """Dispatch a slash command. `command` may name a subcommand ("digest summarize").
        In `dm_channel(user)` it is a DM interaction (no guild, context 1).

        `attachments` is a convenience: attachment options by name, merged into `options`.

        Option values: str, bool, int, float, an `Attachment` (from `add_attachment`), a
        `User` or a `Channel`. When the command was synced, option types come from its
        definition (so an int for a NUMBER option is sent as type 10).
        """
        options = {**(options or {}), **(attachments or {})}
        payload, handle = self._interaction_base(4 if focused else 2, user, channel, locale)
        guild = self.guilds.get(channel.guild_id) or Guild(0, "DM", 0)
        parts = command.split()
        registered = self._command(guild.id, parts[0], 1)
        if registered is None and self.require_synced:
            raise LookupError(f"/{parts[0]} was not synced (globally or to {guild.name})")
        self._check_context(registered, channel)
        definitions = {o["name"]: o for o in (registered or {}).get("options", [])}
        for sub in parts[1:]:
            sub_def = definitions.get(sub, {})
            definitions = {o["name"]: o for o in sub_def.get("options", [])}
        if registered is not None and self.require_synced:
            unknown = set(options or {}) - set(definitions)
            missing = {n for n, o in definitions.items() if o.get("required")} - set(options or {})
            if unknown or missing:
                raise LookupError(
                    f"/{command}: options {sorted(unknown)} are not defined, "
                    f"required {sorted(missing)} are missing"
                )
        resolved: dict[str, dict[str, Any]] = {}
        opts = [
            self._option(name, value, definitions.get(name), guild, resolved)
            for name, value in (options or {}).items()
        ]
        for option in opts:
            if option["name"] == focused:
                option["focused"] = True
        for depth, sub in reversed(list(enumerate(parts[1:], 1))):
            # the innermost name is a subcommand (1), any outer one a group (2)
            opts = [{"name": sub, "type": 1 if depth == len(parts) - 1 else 2, "options": opts}]
        data: dict[str, Any] = {
            "id": str(registered["id"]) if registered else str(self.ids.next()),
            "name": parts[0],
            "type": 1,
            "options": opts,
        }
        if registered and registered.get("guild_id"):
            data["guild_id"] = registered["guild_id"]
        if resolved:
            data["resolved"] = resolved
        payload["data"] = data
        return await self._send_interaction(handle)

    async def autocomplete(
        self,
        user: User,
        channel: Channel,
        command: str,
        options: dict[str, Any],
        focused: str,
        *,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """Dispatch an autocomplete interaction (type 4): `options` as typed so far, `focused`
        the one being typed. The bot's choices land in `.choices` (callback type 8)."""
        return await self.interaction(
            user, channel, command, options, locale=locale, focused=focused
        )

    def _option(
        self,
        name: str,
        value: Any,
        definition: dict[str, Any] | None,
        guild: Guild,
        resolved: dict[str, dict[str, Any]],
    ) -> dict[str, Any]:
        if isinstance(value, Attachment):
            resolved.setdefault("attachments", {})[str(value.id)] = value.payload()
            return {"name": name, "type": 11, "value": str(value.id)}
        if isinstance(value, User):
            resolved.setdefault("users", {})[str(value.id)] = value.payload()
            if value.id in guild.members:
                resolved.setdefault("members", {})[str(value.id)] = {
                    **guild.members[value.id].payload(with_user=False),
                    "permissions": "0",
                }
            return {"name": name, "type": 6, "value": str(value.id)}
        if isinstance(value, Channel):
            resolved.setdefault("channels", {})[str(value.id)] = {
                **value.payload(),
                "permissions": str(self.permissions_for(value)),
            }
            return {"name": name, "type": 7, "value": str(value.id)}
        if definition is not None:
            return {"name": name, "type": definition["type"], "value": value}
        if isinstance(value, bool):
            kind = 5
        elif isinstance(value, int):
            kind = 4
        elif isinstance(value, float):
            kind = 10
        else:
            kind = 3
        return {"name": name, "type": kind, "value": value}

    async def message_command(
        self,
        user: User,
        channel: Channel,
        name: str,
        target: dict[str, Any] | int,
        *,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """Dispatch a message context-menu command on `target` (a message in `channel`)."""
        message = target if isinstance(target, dict) else self.find_message(channel.id, target)
        if message is None:
            raise ValueError(f"no message {target} in channel {channel.id}")
        payload, handle = self._interaction_base(2, user, channel, locale)
        registered = self._command(channel.guild_id, name, 3)
        if registered is None and self.require_synced:
            raise LookupError(f"message command {name!r} was not synced")
        self._check_context(registered, channel)
        payload["data"] = {
            "id": str(registered["id"]) if registered else str(self.ids.next()),
            "name": name,
            "type": 3,
            "target_id": message["id"],
            "resolved": {"messages": {message["id"]: self.visible_message(message)}},
        }
        return await self._send_interaction(handle)

    async def component(
        self,
        user: User,
        message: dict[str, Any] | SentMessage,
        custom_id: str,
        *,
        component_type: int = 2,
        values: list[str] | None = None,
    ) -> FakeInteraction:
        """Dispatch a component interaction (a button press by default) on a bot message."""
        if isinstance(message, SentMessage):
            message = message.message
        channel = self.channels[int(message["channel_id"])]
        payload, handle = self._interaction_base(3, user, channel)
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        payload["data"] = data
        payload["message"] = message
        handle.source_message_id = int(message["id"])
        return await self._send_interaction(handle)

    async def modal_submit(
        self,
        user: User,
        channel: Channel,
        custom_id: str,
        values: dict[str, str | list[str]],
        *,
        message: dict[str, Any] | None = None,
        components: list[dict[str, Any]] | None = None,
    ) -> FakeInteraction:
        """Dispatch a modal submission: `values` maps an input's custom_id to the text typed
        (or to the chosen values of a select). `components` (the modal as the bot sent it)
        makes the submission mirror its layout (action rows or labels), as Discord does."""
        payload, handle = self._interaction_base(5, user, channel)
        if components is None:
            submitted = [
                {"type": 1, "components": [_submitted_input(4, k, v)]} for k, v in values.items()
            ]
        else:
            submitted = _mirror_modal(components, values)
        payload["data"] = {"custom_id": custom_id, "components": submitted}
        if message is not None:
            payload["message"] = message
        return await self._send_interaction(handle)

    async def submit_modal(
        self, user: User, after: FakeInteraction, values: dict[str, str | list[str]]
    ) -> FakeInteraction:
        """Submit the modal that the bot opened in answer to `after` (callback type 9).

        Like Discord's client, it refuses (ValueError) a submission that leaves a required
        text input empty, breaks its length bounds, or names an input the modal lacks.
        """
        if after.modal is None:
            raise ValueError("the bot did not answer this interaction with a modal")
        channel = self.channels[after.channel_id]
        message = after.payload.get("message")
        return await self.modal_submit(
            user,
            channel,
            after.modal["custom_id"],
            values,
            components=after.modal.get("components") or [],
            message=message,
        )

    # ------------------------------------------------------------------ attachments

    async def _attachment_handler(self, request: web.Request) -> web.Response:
        att = self.attachments.get(int(request.match_info["attachment_id"]))
        if att is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=att.data, content_type=att.content_type.split(";")[0])


def _submitted_input(ctype: int, custom_id: str, value: str | list[str]) -> dict[str, Any]:
    if isinstance(value, list):
        return {"type": ctype, "custom_id": custom_id, "values": value}
    return {"type": ctype, "custom_id": custom_id, "value": value}


def _check_input(component: dict[str, Any], value: str | list[str] | None) -> None:
    custom_id = component.get("custom_id")
    if component.get("type") != 4:
        return
    text = value if isinstance(value, str) else ""
    if component.get("required", True) and not text:
        raise ValueError(f"modal input {custom_id!r} is required")
    if text and len(text) < int(component.get("min_length") or 0):
        raise ValueError(f"modal input {custom_id!r} is shorter than min_length")
    if len(text) > int(component.get("max_length") or 4000):
        raise ValueError(f"modal input {custom_id!r} is longer than max_length")


def _mirror_modal(
    components: list[dict[str, Any]], values: dict[str, str | list[str]]
) -> list[dict[str, Any]]:
    """The modal-submit components for the modal the bot sent, filled with `values`."""
    known: set[str] = set()
    out: list[dict[str, Any]] = []

    def fill(component: dict[str, Any]) -> dict[str, Any] | None:
        custom_id = component.get("custom_id")
        if custom_id is None:
            return None
        known.add(custom_id)
        value = values.get(custom_id)
        _check_input(component, value)
        if value is None:
            value = [] if component["type"] != 4 else ""
        return _submitted_input(component["type"], custom_id, value)

    for top in components:
        if top.get("type") == 1:
            children = [c for c in map(fill, top.get("components", [])) if c is not None]
            out.append({"type": 1, "components": children})
        elif top.get("type") == 18 and "component" in top:
            child = fill(top["component"])
            if child is not None:
                out.append({"type": 18, "id": top.get("id"), "component": child})
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"the modal has no inputs {sorted(unknown)}")
    return out
