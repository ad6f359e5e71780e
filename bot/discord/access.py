"""Who would see an answer, and whether they may read its source.

`private_reason(source, destination)` is the audience rule: an answer is shown publicly only
when everyone who can see the destination can also read the source. Otherwise it is sent only
to the person who asked, and they are told why. The rule is conservative: when in doubt
(another server, a private thread, overwrites for single members we cannot check), private.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.ingest.discord_links import can_read

OTHER_SERVER = "the source is in another server"
PRIVATE_THREAD = "the source is a private thread"
NSFW = "the source is age-restricted and this channel is not"
NOT_EVERYONE = "not everyone who can see this channel can read the source"
GROUP_CHAT = "this conversation is not a server channel or a DM with me"


def _permission_channel(channel: Any) -> Any:
    """Threads have no permissions of their own: their parent's apply."""
    return channel.parent if isinstance(channel, discord.Thread) else channel


def _nsfw(channel: Any) -> bool:
    is_nsfw = getattr(channel, "is_nsfw", None)
    return bool(is_nsfw()) if callable(is_nsfw) else False


def private_reason(
    source: Any, destination: Any, *, destination_guild_id: int | None
) -> str | None:
    """Why an answer summarizing `source` (a guild channel or thread) may not be shown in
    `destination` (the channel the command was used in), or None when it may.

    `destination_guild_id` is the guild of the interaction (None in a DM).
    """
    if destination_guild_id is None:
        # A DM with the bot is seen by the asker alone; any other private chat is not.
        if isinstance(destination, discord.DMChannel):
            return None
        return GROUP_CHAT
    source_guild = getattr(source, "guild", None)
    if source_guild is None or source_guild.id != destination_guild_id:
        return OTHER_SERVER
    if destination is not None and getattr(destination, "id", None) == source.id:
        return None  # the very thread or channel that is summarized
    if isinstance(source, discord.Thread) and source.is_private():
        return PRIVATE_THREAD
    if _nsfw(source) and not _nsfw(destination):
        return NSFW
    if destination is None:
        return NOT_EVERYONE
    # A thread is seen by those who see its parent (a private thread by some of them).
    destination_view = _permission_channel(destination)
    source_perm = _permission_channel(source)
    if source_perm is None or destination_view is None:
        return NOT_EVERYONE
    for role in source_guild.roles:  # includes @everyone
        if destination_view.permissions_for(role).view_channel and not can_read(
            source_perm.permissions_for(role)
        ):
            return NOT_EVERYONE
    # Overwrites for single members: check each one that could see the destination.
    for target, overwrite in _member_overwrites(destination_view):
        if overwrite.view_channel is False:
            continue
        member = source_guild.get_member(target.id)
        if member is None or not can_read(source_perm.permissions_for(member)):
            return NOT_EVERYONE
    for target, overwrite in _member_overwrites(source_perm):
        if overwrite.view_channel is False or overwrite.read_message_history is False:
            member = source_guild.get_member(target.id)
            if member is None or destination_view.permissions_for(member).view_channel:
                return NOT_EVERYONE
    return None


def _member_overwrites(channel: Any) -> list[tuple[Any, discord.PermissionOverwrite]]:
    overwrites = getattr(channel, "overwrites", {}) or {}
    return [(t, o) for t, o in overwrites.items() if not isinstance(t, discord.Role)]
