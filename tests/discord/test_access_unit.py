"""Who may read a source and who would see the answer, on real discord.py objects built from
gateway payloads (no network)."""

from __future__ import annotations

import discord
import pytest
from discord.state import ConnectionState

from bot.discord.access import (
    NOT_EVERYONE,
    NSFW,
    OTHER_SERVER,
    PRIVATE_THREAD,
    private_reason,
)
from bot.ingest.discord_links import REFUSED, Refused, check_reader

G, MOD = 1000, 2000
VIEW = discord.Permissions(view_channel=True).value
READ = discord.Permissions(read_message_history=True).value


def role(rid: int, name: str, permissions: int, position: int) -> dict:
    return {
        "id": str(rid),
        "name": name,
        "permissions": str(permissions),
        "position": position,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
    }


def channel(cid: int, name: str, *, overwrites: list | None = None, nsfw: bool = False) -> dict:
    return {
        "id": str(cid),
        "type": 0,
        "name": name,
        "position": cid,
        "nsfw": nsfw,
        "permission_overwrites": overwrites or [],
    }


@pytest.fixture
def guild() -> discord.Guild:
    state = ConnectionState(
        dispatch=lambda *a, **k: None,
        handlers={},
        hooks={},
        http=None,  # type: ignore[arg-type]
        intents=discord.Intents.default(),
    )
    everyone = discord.Permissions(view_channel=True, read_message_history=True).value
    hidden = [
        {"id": str(G), "type": 0, "allow": "0", "deny": str(VIEW)},
        {"id": str(MOD), "type": 0, "allow": str(VIEW), "deny": "0"},
    ]
    no_history = [{"id": str(G), "type": 0, "allow": "0", "deny": str(READ)}]
    thread = {
        "id": "20",
        "type": 12,
        "name": "private thread",
        "parent_id": "10",
        "owner_id": "7",
        "guild_id": str(G),
        "message_count": 3,
        "member_count": 1,
        "rate_limit_per_user": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 60,
            "locked": False,
            "archive_timestamp": "2025-01-01T00:00:00+00:00",
        },
    }
    public_thread = {**thread, "id": "21", "type": 11, "name": "public thread"}
    data = {
        "id": str(G),
        "name": "g",
        "owner_id": "1",
        "emojis": [],
        "features": [],
        "roles": [role(G, "@everyone", everyone, 0), role(MOD, "mod", 0, 1)],
        "channels": [
            channel(10, "public"),
            channel(11, "mods", overwrites=hidden),
            channel(12, "nsfw", nsfw=True),
            channel(13, "no-history", overwrites=no_history),
            channel(14, "mods-2", overwrites=hidden),
        ],
        "threads": [thread, public_thread],
        "members": [],
        "member_count": 2,
    }
    return discord.Guild(data=data, state=state)


def member(guild: discord.Guild, uid: int, roles: list[int] = ()) -> discord.Member:  # type: ignore[assignment]
    data = {
        "user": {"id": str(uid), "username": f"u{uid}", "discriminator": "0", "avatar": None},
        "roles": [str(r) for r in roles],
        "joined_at": "2025-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
    }
    return discord.Member(data=data, guild=guild, state=guild._state)  # type: ignore[arg-type]


def test_private_channel_into_public_is_private(guild: discord.Guild) -> None:
    public, mods = guild.get_channel(10), guild.get_channel(11)
    assert private_reason(mods, public, destination_guild_id=G) == NOT_EVERYONE
    # The other way round everyone in #mods can read #public.
    assert private_reason(public, mods, destination_guild_id=G) is None
    # Two channels with the same audience.
    assert private_reason(mods, guild.get_channel(14), destination_guild_id=G) is None


def test_nsfw_private_thread_other_server_and_history(guild: discord.Guild) -> None:
    public = guild.get_channel(10)
    assert private_reason(guild.get_channel(12), public, destination_guild_id=G) == NSFW
    assert private_reason(guild.get_thread(20), public, destination_guild_id=G) == PRIVATE_THREAD
    assert private_reason(public, public, destination_guild_id=G + 1) == OTHER_SERVER
    # Everyone sees #no-history but cannot read its history.
    assert private_reason(guild.get_channel(13), public, destination_guild_id=G) == NOT_EVERYONE
    # A public thread answers in its parent publicly; a thread answers in itself.
    assert private_reason(guild.get_thread(21), public, destination_guild_id=G) is None
    thread = guild.get_thread(20)
    assert private_reason(thread, thread, destination_guild_id=G) is None


async def test_reader_needs_view_and_history(guild: discord.Guild) -> None:
    plain, mod, owner = member(guild, 5), member(guild, 6, [MOD]), member(guild, 7)
    await check_reader(guild.get_channel(10), plain)
    await check_reader(guild.get_channel(11), mod)
    with pytest.raises(Refused) as refused:
        await check_reader(guild.get_channel(11), plain)
    assert str(refused.value) == REFUSED
    with pytest.raises(Refused):
        await check_reader(guild.get_channel(13), plain)
    await check_reader(guild.get_thread(20), owner)  # the private thread's owner


def gated_guild(*, source_deny: int, extra: list | None = None) -> discord.Guild:
    """A verification gate: @everyone may view nothing, the `Member` role (3000) may view and
    read everything, and `Muted` (4000) is denied `source_deny` on #serious (31) by an
    overwrite. #lobby is 30."""
    state = ConnectionState(
        dispatch=lambda *a, **k: None,
        handlers={},
        hooks={},
        http=None,  # type: ignore[arg-type]
        intents=discord.Intents.default(),
    )
    muted = [{"id": "4000", "type": 0, "allow": "0", "deny": str(source_deny)}]
    data = {
        "id": str(G),
        "name": "g",
        "owner_id": "1",
        "emojis": [],
        "features": [],
        "roles": [
            role(G, "@everyone", 0, 0),
            role(3000, "Member", VIEW | READ, 1),
            role(4000, "Muted", 0, 2),
        ],
        "channels": [
            channel(30, "lobby", overwrites=extra or []),
            channel(31, "serious", overwrites=muted),
        ],
        "members": [],
        "member_count": 3,
    }
    return discord.Guild(data=data, state=state)


@pytest.mark.parametrize("deny", [VIEW, READ], ids=["view-channel", "read-message-history"])
def test_member_plus_muted_is_private(deny: int) -> None:
    """Member + Muted sees #lobby and not #serious: a #serious answer in #lobby is private,
    although each role on its own would allow it (the role-by-role check missed this)."""
    guild = gated_guild(source_deny=deny)
    lobby, serious = guild.get_channel(30), guild.get_channel(31)
    assert private_reason(serious, lobby, destination_guild_id=G) == NOT_EVERYONE
    assert private_reason(lobby, serious, destination_guild_id=G) is None


def test_member_overwrites_that_do_not_touch_reading_do_not_count() -> None:
    """One member denied Send Messages in #lobby (not cached: no members intent) changes nothing;
    one member allowed View Channel in #lobby but not #serious makes answers there private."""
    send_only = [{"id": "555", "type": 1, "allow": "0", "deny": str(1 << 11)}]
    guild = gated_guild(source_deny=0, extra=send_only)
    assert guild.get_member(555) is None
    lobby, serious = guild.get_channel(30), guild.get_channel(31)
    assert private_reason(serious, lobby, destination_guild_id=G) is None
    guest = [{"id": "556", "type": 1, "allow": str(VIEW), "deny": "0"}]
    guild = gated_guild(source_deny=0, extra=guest)
    lobby, serious = guild.get_channel(30), guild.get_channel(31)
    assert private_reason(serious, lobby, destination_guild_id=G) == NOT_EVERYONE


def test_same_channel_without_history_is_private() -> None:
    """Those who see a channel but may not read its history must not get its summary there."""
    guild = gated_guild(source_deny=READ)
    serious = guild.get_channel(31)
    assert private_reason(serious, serious, destination_guild_id=G) == NOT_EVERYONE
    lobby = guild.get_channel(30)
    assert private_reason(lobby, lobby, destination_guild_id=G) is None


def test_a_partial_channel_is_undecided_so_private() -> None:
    """A destination known only by id (not cached): its overwrites are unknown, so private."""
    guild = gated_guild(source_deny=0)
    lobby = guild.get_channel(30)
    partial = discord.PartialMessageable(state=guild._state, id=32, guild_id=G)
    assert private_reason(lobby, partial, destination_guild_id=G) == NOT_EVERYONE


def test_voice_chat_needs_connect_too() -> None:
    """A voice channel's text chat: a role denied Connect there is taken to be unable to read
    it (only ever more private)."""
    connect = 1 << 20
    guild = gated_guild(source_deny=0)
    voice = {
        **channel(33, "voice"),
        "type": 2,
        "bitrate": 64000,
        "user_limit": 0,
        "permission_overwrites": [
            {"id": "4000", "type": 0, "allow": "0", "deny": str(connect)},
        ],
    }
    guild._add_channel(discord.VoiceChannel(state=guild._state, guild=guild, data=voice))
    guild._roles[3000]._permissions = VIEW | READ | connect
    lobby = guild.get_channel(30)
    assert private_reason(guild.get_channel(33), lobby, destination_guild_id=G) == NOT_EVERYONE
    # Without the Connect deny, everyone with Member may read it: public.
    voice["permission_overwrites"] = []
    guild._add_channel(discord.VoiceChannel(state=guild._state, guild=guild, data=voice))
    assert private_reason(guild.get_channel(33), lobby, destination_guild_id=G) is None
