"""Who would see an answer, and whether they may read its source.

`private_reason(source, destination)` is the audience rule: an answer is shown publicly only
when everyone who can see the destination can also read the source. Otherwise it is sent only
to the person who asked, and they are told why. The rule is conservative: when in doubt
(another server, a private thread, a member overwrite that could matter for a member whose
roles we do not know), private. Who may view and read is decided in `bot.discord.audience`
over every combination of roles, not role by role.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.discord.audience import GuildAccess
from bot.ingest.discord_links import can_read

OTHER_SERVER = "the source is in another server"
PRIVATE_THREAD = "the source is a private thread"
NSFW = "the source is age-restricted and this channel is not"
NOT_EVERYONE = "not everyone who can see this channel can read the source"
GROUP_CHAT = "this conversation is not a server channel or a DM with me"
# What to do about a private thread the bot is not in: no role permission helps there.
ADD_ME_TO_THREAD = (
    "I'm not in that private thread, so I can't read it. Add me to the thread (mention me in "
    "it, or use Add Members), then ask again."
)


def is_private_thread(channel: Any) -> bool:
    return isinstance(channel, discord.Thread) and channel.is_private()


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
    # In the very thread or channel that is summarized its members are its audience, but
    # someone there may still lack Read Message History: the rule below decides that too.
    same = destination is not None and getattr(destination, "id", None) == source.id
    if not same and isinstance(source, discord.Thread) and source.is_private():
        return PRIVATE_THREAD
    if not same and _nsfw(source) and not _nsfw(destination):
        return NSFW
    if destination is None:
        return NOT_EVERYONE
    # Everyone who may view the destination (a thread: its parent, a superset) must view and
    # read the history of the source, whatever roles and member overwrites they have.
    if _permission_channel(source) is None or _permission_channel(destination) is None:
        return NOT_EVERYONE
    guild = GuildAccess.from_discord(source_guild, (source, destination))
    leak = guild.leak(source.id, destination.id, member_roles=_member_roles(source_guild))
    return None if leak is None else NOT_EVERYONE


def _member_roles(guild: Any):  # noqa: ANN202
    """The roles of a cached member (more precise for a member overwrite), else None."""

    def roles(member_id: int) -> list[int] | None:
        member = guild.get_member(member_id)
        return None if member is None else [r.id for r in member.roles]

    return roles


def private_before_reading(client: Any, interaction: Any, *, link: Any = None) -> bool:
    """Whether the first response should already be ephemeral, decided from the cache alone
    (no request: it comes before the 3-second defer). True when the answer is sure or likely to
    be private or a refusal: the source is another server's, unknown to the cache, not readable
    by the asker, or fails `private_reason`. False only when it will be public, so that nothing
    public appears and then disappears. `link` is a `DiscordLink`; without it the source is the
    channel the command was used in."""
    if link is None:
        source = interaction.channel
    else:
        guild = client.get_guild(link.guild_id) if link.guild_id is not None else None
        if guild is None:
            return True
        source = guild.get_channel_or_thread(link.channel_id)
        if source is None:
            return True  # unknown (a refusal) or an archived thread: private is safe
        asker = interaction.user
        if isinstance(asker, discord.Member) and asker.guild.id == guild.id:
            try:
                if not can_read(source.permissions_for(asker)):
                    return True  # a refusal
            except discord.ClientException:
                return True
    if source is None:
        return True
    return (
        private_reason(source, interaction.channel, destination_guild_id=interaction.guild_id)
        is not None
    )
