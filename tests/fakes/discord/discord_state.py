"""The fake Discord's world: users, guilds, roles, members, channels, threads and messages.

Plain mutable dataclasses (the fake edits them as requests arrive) with `payload()` methods that
build the JSON shapes Discord sends, and the permission arithmetic Discord documents:
base permissions from @everyone and the member's roles (administrator grants everything, the
owner too), then the channel's overwrites in the order @everyone → roles (allow and deny merged)
→ member. Threads take their parent channel's permissions. Lacking View Channel removes every
other channel permission, as on Discord.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000


class P:
    """Permission bits (https://discord.com/developers/docs/topics/permissions)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38
    ALL = (1 << 51) - 1
    DM = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY
    # What a new guild's @everyone role gets on Discord today (a fair default for tests).
    DEFAULT_EVERYONE = (
        CREATE_INSTANT_INVITE
        | ADD_REACTIONS
        | VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | USE_EXTERNAL_EMOJIS
        | CONNECT
        | SPEAK
        | USE_APPLICATION_COMMANDS
        | CREATE_PUBLIC_THREADS
        | CREATE_PRIVATE_THREADS
        | SEND_MESSAGES_IN_THREADS
    )


class ChannelType(IntEnum):
    """Discord channel types (the ones the fake models)."""

    text = 0
    dm = 1
    voice = 2
    category = 4
    news = 5
    news_thread = 10
    public_thread = 11
    private_thread = 12
    stage = 13
    forum = 15


THREAD_TYPES = {ChannelType.news_thread, ChannelType.public_thread, ChannelType.private_thread}


class MessageType(IntEnum):
    """Discord message types the fake generates (system messages included)."""

    default = 0
    pins_add = 6
    new_member = 7
    thread_created = 18
    reply = 19
    chat_input_command = 20
    thread_starter_message = 21
    context_menu_command = 23


class Snowflakes:
    """Increasing snowflakes whose timestamps follow a clock that the caller may move on."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        self._inc = itertools.count()
        self._last = 0

    def next(self, at: dt.datetime | None = None) -> int:
        when = at or self._now
        ms = int(when.timestamp() * 1000) - DISCORD_EPOCH_MS
        value = (ms << 22) | (next(self._inc) & 0xFFF)
        value = max(value, self._last + 1)  # strictly increasing even within one millisecond
        self._last = value
        return value

    def tick(self, seconds: float = 60.0) -> dt.datetime:
        """Move the clock on and return the new time (message timestamps use it)."""
        self._now += dt.timedelta(seconds=seconds)
        return self._now

    @property
    def now(self) -> dt.datetime:
        return self._now


def snowflake_time(snowflake: int) -> dt.datetime:
    """When a snowflake was made (UTC)."""
    return dt.datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=dt.UTC)


def iso(when: dt.datetime) -> str:
    """Discord's ISO 8601 timestamp text."""
    return when.isoformat()


@dataclass
class User:
    """A Discord user (`bot=True` for bot accounts)."""

    id: int
    username: str
    bot: bool = False
    global_name: str | None = None
    dms_open: bool = True  # False: the user does not accept DMs from this bot (50007)

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.global_name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass
class Role:
    """A guild role; the @everyone role has the guild's id."""

    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    managed: bool = False

    @property
    def is_everyone(self) -> bool:
        return self.id == self.guild_id

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }


@dataclass(frozen=True)
class Overwrite:
    """A permission overwrite: `type` 0 for a role (or @everyone), 1 for a member."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    @classmethod
    def role(cls, role: Role | int, *, allow: int = 0, deny: int = 0) -> Overwrite:
        return cls(getattr(role, "id", role), 0, allow, deny)

    @classmethod
    def member(cls, user: User | Member | int, *, allow: int = 0, deny: int = 0) -> Overwrite:
        user_id = user.user.id if isinstance(user, Member) else getattr(user, "id", user)
        return cls(user_id, 1, allow, deny)

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass
class Member:
    """A user's membership of a guild, with role ids (without @everyone)."""

    user: User
    guild_id: int
    role_ids: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: dt.datetime = field(default_factory=lambda: dt.datetime(2025, 1, 1, tzinfo=dt.UTC))

    def payload(self, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.role_ids],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": iso(self.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        return data


@dataclass
class Attachment:
    """A file the fake serves at `url`, so that `discord.Attachment.read()` works."""

    id: int
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"
    url: str = ""

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
        }


@dataclass
class Channel:
    """A guild channel, thread or DM, with its messages (oldest first)."""

    id: int
    guild_id: int
    name: str
    type: ChannelType = ChannelType.text
    position: int = 0
    parent_id: int | None = None
    nsfw: bool = False
    topic: str | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    # threads only
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    thread_member_ids: list[int] = field(default_factory=list)
    created_at: dt.datetime | None = None
    recipient: User | None = None  # DM channels only (their guild_id is 0)
    # messages, oldest first (ids increase); pinned message id -> when it was pinned
    messages: list[dict[str, Any]] = field(default_factory=list)
    pins: dict[str, dt.datetime] = field(default_factory=dict)

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def last_message_id(self) -> str | None:
        return self.messages[-1]["id"] if self.messages else None

    def where(self) -> dict[str, str]:
        """`channel_id` and (outside DMs) `guild_id`, as message events carry them."""
        if not self.guild_id:
            return {"channel_id": str(self.id)}
        return {"channel_id": str(self.id), "guild_id": str(self.guild_id)}

    def payload(self) -> dict[str, Any]:
        if self.type == ChannelType.dm:
            return {
                "id": str(self.id),
                "type": 1,
                "last_message_id": self.last_message_id,
                "recipients": [self.recipient.payload()] if self.recipient else [],
                "flags": 0,
            }
        data: dict[str, Any] = {
            "id": str(self.id),
            "guild_id": str(self.guild_id),
            "name": self.name,
            "type": int(self.type),
            "position": self.position,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "nsfw": self.nsfw,
            "flags": 0,
        }
        if self.is_thread:
            created = self.created_at or snowflake_time(self.id)
            data.pop("position")
            data.update(
                owner_id=str(self.owner_id) if self.owner_id else None,
                last_message_id=self.last_message_id,
                message_count=len(self.messages),
                member_count=len(self.thread_member_ids),
                rate_limit_per_user=0,
                total_message_sent=len(self.messages),
                thread_metadata={
                    "archived": self.archived,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": iso(created),
                    "locked": self.locked,
                    "create_timestamp": iso(created),
                    **({"invitable": True} if self.type == ChannelType.private_thread else {}),
                },
                applied_tags=[],
            )
            return data
        data["permission_overwrites"] = [o.payload() for o in self.overwrites]
        if self.type in (ChannelType.text, ChannelType.news, ChannelType.forum):
            data.update(
                topic=self.topic,
                last_message_id=self.last_message_id,
                rate_limit_per_user=0,
                default_auto_archive_duration=1440,
            )
        if self.type == ChannelType.forum:
            data.update(
                available_tags=[],
                default_reaction_emoji=None,
                default_sort_order=None,
                default_forum_layout=0,
                default_thread_rate_limit_per_user=0,
            )
        if self.type in (ChannelType.voice, ChannelType.stage):
            data.update(
                bitrate=64000,
                user_limit=0,
                rtc_region=None,
                last_message_id=None,
                rate_limit_per_user=0,
            )
        return data


@dataclass
class Guild:
    """A guild with roles, members and channels (threads included) by id."""

    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)  # threads included

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def threads(self) -> list[Channel]:
        return [c for c in self.channels.values() if c.is_thread]

    def payload(self) -> dict[str, Any]:
        """The guild object of GET /guilds/{id} (no channels or members)."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
        }

    def create_payload(self, bot_user_id: int, *, all_members: bool = True) -> dict[str, Any]:
        """The GUILD_CREATE dispatch: the guild with channels, active threads and members.

        Without the Guild Members intent Discord sends only the bot's own member; threads are
        the active ones the bot can view.
        """
        data = self.payload()
        channels = [c.payload() for c in self.channels.values() if not c.is_thread]
        threads = []
        for thread in self.threads():
            bot_member = self.members.get(bot_user_id)
            if thread.archived or bot_member is None:
                continue  # GUILD_CREATE carries active threads only
            if not channel_permissions(self, thread, bot_member) & P.VIEW_CHANNEL:
                continue
            t = thread.payload()
            if bot_user_id in thread.thread_member_ids:
                t["member"] = {
                    "id": str(thread.id),
                    "user_id": str(bot_user_id),
                    "join_timestamp": iso(snowflake_time(thread.id)),
                    "flags": 0,
                }
            threads.append(t)
        data.update(
            unavailable=False,
            large=False,
            joined_at=iso(snowflake_time(self.id)),
            member_count=len(self.members),  # equal to len(members): discord.py sees it chunked
            members=[
                m.payload()
                for m in self.members.values()
                if all_members or m.user.id == bot_user_id
            ],
            channels=channels,
            threads=threads,
            voice_states=[],
            presences=[],
            stage_instances=[],
            guild_scheduled_events=[],
            soundboard_sounds=[],
        )
        return data


def base_permissions(guild: Guild, member: Member) -> int:
    """Guild-wide permissions: owner and administrator get everything."""
    if member.user.id == guild.owner_id:
        return P.ALL
    perms = guild.everyone.permissions
    for role_id in member.role_ids:
        role = guild.roles.get(role_id)
        if role is not None:
            perms |= role.permissions
    if perms & P.ADMINISTRATOR:
        return P.ALL
    return perms


def channel_permissions(guild: Guild, channel: Channel, member: Member) -> int:
    """Permissions of `member` in `channel` the way Discord computes them.

    Threads use their parent's overwrites; a private thread also needs the member to be in it
    (or to have Manage Threads) to be seen.
    """
    base = base_permissions(guild, member)
    if base & P.ADMINISTRATOR or member.user.id == guild.owner_id:
        return P.ALL
    source = channel
    if channel.is_thread and channel.parent_id is not None:
        source = guild.channels[channel.parent_id]
    perms = base
    by_id = {(o.type, o.id): o for o in source.overwrites}
    everyone = by_id.get((0, guild.id))
    if everyone:
        perms = (perms & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in member.role_ids:
        o = by_id.get((0, role_id))
        if o:
            allow |= o.allow
            deny |= o.deny
    perms = (perms & ~deny) | allow
    own = by_id.get((1, member.user.id))
    if own:
        perms = (perms & ~own.deny) | own.allow
    if (
        channel.type == ChannelType.private_thread
        and member.user.id not in (channel.thread_member_ids)
        and not perms & P.MANAGE_THREADS
    ):
        perms &= ~P.VIEW_CHANNEL
    if not perms & P.VIEW_CHANNEL:
        return 0
    return perms
