"""The audience rule, decided on plain data: may everyone who sees one channel read another?

    guild = GuildAccess.from_discord(discord_guild, (source, destination))  # at the edge
    leak = guild.leak(source.id, destination.id, member_roles=lambda member_id: None)
    if leak is not None: ...  # answer privately (`bot.discord.access.private_reason`)

No Discord here: frozen models of a guild's roles and channels (each with its overwrites, its
parent, and for a channel in a category whether it is synced) and the permission algorithm of
https://discord.com/developers/docs/topics/permissions (base from @everyone and the roles,
Administrator grants all, then the channel's @everyone overwrite, then all role overwrites
combined (every deny, then every allow), then the member's own overwrite; a thread has no
overwrites of its own and follows its parent).

`leak` asks: is there any member (any set of roles, with or without a member overwrite) who can
view the destination but cannot view the source or read its history? It answers without
enumerating role sets: each permission bit's value, for a set of roles, is decided by a few
cases, each a conjunction of "some role in the set has property X" and "no role in the set has
property Y"; such a conjunction is satisfiable when every X has a witness role that has none of
the Y. A member overwrite target is checked with every role set too, and then with the roles we
know they hold (when the caller has them); when it cannot be decided, there is a leak: a false
"private" is acceptable, a false "public" never is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

VIEW_CHANNEL = 1 << 10
READ_MESSAGE_HISTORY = 1 << 16
ADMINISTRATOR = 1 << 3
CONNECT = 1 << 20
# The only bits the rule depends on: an overwrite that touches neither View Channel nor Read
# Message History (one member denied Send Messages) changes nothing about who may read. (A
# voice or stage channel's text chat is taken to need Connect too: one more way to be unable to
# read a source, so only ever more private.)
AUDIENCE_BITS = VIEW_CHANNEL | READ_MESSAGE_HISTORY


@dataclass(frozen=True)
class Overwrite:
    """A channel's allow/deny bits for one role (`is_member=False`) or one member."""

    target_id: int
    allow: int = 0
    deny: int = 0
    is_member: bool = False


@dataclass(frozen=True)
class Role:
    id: int
    permissions: int


@dataclass(frozen=True)
class Channel:
    """A guild channel, category or thread. A thread's overwrites are its parent's; a channel
    whose own overwrites are unknown (`overwrites=None`) and that is synced with its category
    has the category's."""

    id: int
    overwrites: tuple[Overwrite, ...] | None = ()
    parent_id: int | None = None
    is_thread: bool = False
    synced: bool = False
    voice: bool = False  # a voice or stage channel


@dataclass(frozen=True)
class Leak:
    """Someone could see the destination and not read the source: `member_id` when it is one
    member with an overwrite (None: members by their roles), `role_ids` a witness role set."""

    role_ids: frozenset[int]
    member_id: int | None = None


@dataclass(frozen=True)
class GuildAccess:
    """What the audience rule needs of a guild: its @everyone role (id = the guild id), the other
    roles, and the channels by id (including categories and the parents of threads)."""

    id: int
    everyone_permissions: int
    roles: tuple[Role, ...]
    channels: Mapping[int, Channel] = field(default_factory=dict)

    # -- the channels whose overwrites apply -------------------------------------------------

    def permission_channel(self, channel_id: int) -> Channel | None:
        """The channel whose overwrites Discord applies in `channel_id` (a thread's parent, an
        unknown synced channel's category), or None when unknown."""
        seen: set[int] = set()
        current = self.channels.get(channel_id)
        while current is not None and current.id not in seen:
            seen.add(current.id)
            if current.is_thread or (current.overwrites is None and current.synced):
                current = (
                    self.channels.get(current.parent_id) if current.parent_id is not None else None
                )
                continue
            return current
        return None

    def overwrites_of(self, channel_id: int) -> tuple[Overwrite, ...] | None:
        """The overwrites Discord applies in `channel_id`, or None when unknown."""
        channel = self.permission_channel(channel_id)
        return None if channel is None else channel.overwrites

    def read_bits(self, channel_id: int) -> int:
        """What a member needs to read the history of `channel_id`."""
        channel = self.permission_channel(channel_id)
        voice = channel is not None and channel.voice
        return AUDIENCE_BITS | (CONNECT if voice else 0)

    # -- the rule -------------------------------------------------------------------------------

    def leak(
        self,
        source_id: int,
        destination_id: int,
        *,
        member_roles: Callable[[int], Iterable[int] | None] = lambda member_id: None,
    ) -> Leak | None:
        """A member who may view `destination_id` but not view and read the history of
        `source_id`, or None when there is none. `member_roles(id)` gives the roles of a member
        with an overwrite when known (else None: any roles are assumed)."""
        if self.everyone_permissions & ADMINISTRATOR:
            return None  # everyone sees everything
        source = self.overwrites_of(source_id)
        destination = self.overwrites_of(destination_id)
        if source is None or destination is None:
            return Leak(frozenset())  # cannot be decided: private
        src = _ChannelBits(self, source)
        dst = _ChannelBits(self, destination)
        needed = self.read_bits(source_id)
        witness = _leak_roles(self, src, dst, needed, member=None)
        if witness is not None:
            return Leak(witness)
        members = {o.target_id for o in (*source, *destination) if o.is_member} - {self.id}
        # Members whose overwrites set the same audience bits are decided once; those whose
        # overwrites touch neither bit are the member without overwrites, decided above.
        decided: dict[tuple[int, ...], bool] = {(0, 0, 0, 0): False}
        for member_id in sorted(members):
            shape = (*_audience_pair(src, member_id), *_audience_pair(dst, member_id))
            if shape not in decided:
                decided[shape] = _leak_roles(self, src, dst, needed, member=member_id) is not None
            if not decided[shape]:
                continue  # no role set makes this member a leak
            known = member_roles(member_id)
            if known is None:
                return Leak(frozenset(), member_id)
            roles = frozenset(known) - {self.id}
            if self.member_leaks(source_id, destination_id, member_id, roles):
                return Leak(roles, member_id)
        return None

    def member_leaks(
        self, source_id: int, destination_id: int, member_id: int | None, role_ids: Iterable[int]
    ) -> bool:
        """True when a member with exactly `role_ids` (and their overwrites) may view the
        destination but not read the source: the direct computation for one member."""
        roles = set(role_ids)
        source = self.overwrites_of(source_id)
        destination = self.overwrites_of(destination_id)
        if source is None or destination is None:
            return True
        dst = self.permissions(destination, roles, member_id)
        src = self.permissions(source, roles, member_id)
        needed = self.read_bits(source_id)
        return bool(dst & VIEW_CHANNEL) and (src & needed) != needed

    def permissions(
        self, overwrites: Iterable[Overwrite], role_ids: set[int], member_id: int | None
    ) -> int:
        """Discord's permission algorithm for a member with `role_ids` (not the owner)."""
        base = self.everyone_permissions
        for role in self.roles:
            if role.id in role_ids:
                base |= role.permissions
        if base & ADMINISTRATOR:
            return -1  # every bit
        perms = base
        overwrites = list(overwrites)
        for o in overwrites:
            if not o.is_member and o.target_id == self.id:
                perms = (perms & ~o.deny) | o.allow
        allow = deny = 0
        for o in overwrites:
            if not o.is_member and o.target_id != self.id and o.target_id in role_ids:
                allow |= o.allow
                deny |= o.deny
        perms = (perms & ~deny) | allow
        for o in overwrites:
            if o.is_member and o.target_id == member_id:
                perms = (perms & ~o.deny) | o.allow
        if not perms & VIEW_CHANNEL:
            return 0
        return perms

    # -- the edge -------------------------------------------------------------------------------

    @classmethod
    def from_discord(cls, guild: Any, channels: Iterable[Any] = ()) -> GuildAccess:
        """From a `discord.Guild` and the channels or threads that matter (their parents and
        categories are added). Uses the cached roles and overwrites only: no requests."""
        everyone = guild.default_role
        roles = tuple(Role(r.id, r.permissions.value) for r in guild.roles if r.id != everyone.id)
        found: dict[int, Channel] = {}
        pending = list(channels)
        while pending:
            channel = pending.pop()
            if channel is None or channel.id in found:
                continue
            found[channel.id] = channel_from_discord(channel)
            parent = getattr(channel, "parent", None) if _is_thread(channel) else None
            if parent is None:
                parent = getattr(channel, "category", None)
            if parent is not None:
                pending.append(parent)
        return cls(guild.id, everyone.permissions.value, roles, found)


def _is_thread(channel: Any) -> bool:
    import discord

    return isinstance(channel, discord.Thread)


def channel_from_discord(channel: Any) -> Channel:
    """A discord.py channel, category or thread as a `Channel` (its overwrites as cached)."""
    import discord

    if isinstance(channel, discord.Thread):
        return Channel(channel.id, (), channel.parent_id, is_thread=True)
    if not isinstance(channel, discord.abc.GuildChannel):
        return Channel(channel.id, None)  # a partial channel: its overwrites are unknown
    overwrites = []
    for target, overwrite in getattr(channel, "overwrites", {}).items():
        allow, deny = overwrite.pair()
        is_member = not isinstance(target, discord.Role) and not (
            isinstance(target, discord.Object) and target.type is discord.Role
        )
        overwrites.append(Overwrite(target.id, allow.value, deny.value, is_member))
    category_id = getattr(channel, "category_id", None)
    voice = isinstance(channel, discord.VoiceChannel | discord.StageChannel)
    return Channel(channel.id, tuple(overwrites), category_id, voice=voice)


# -- the per-bit reasoning -----------------------------------------------------------------------

# A literal over a role set R: ("some", p) = some role in R has property p; ("none", p) = no
# role in R has it. A property is a predicate on one role (not @everyone).
_Literal = tuple[str, Callable[[int], bool]]
# A case: a conjunction of literals; None in a list of cases stands for "always false".
_Case = tuple[_Literal, ...]


class _ChannelBits:
    """One channel's overwrites, split for the per-bit cases."""

    def __init__(self, guild: GuildAccess, overwrites: Iterable[Overwrite]) -> None:
        self.everyone = Overwrite(guild.id)
        self.roles: dict[int, Overwrite] = {}
        self.members: dict[int, Overwrite] = {}
        for o in overwrites:
            if o.is_member:
                self.members[o.target_id] = o
            elif o.target_id == guild.id:
                self.everyone = o
            else:
                previous = self.roles.get(o.target_id, Overwrite(o.target_id))
                self.roles[o.target_id] = Overwrite(
                    o.target_id, previous.allow | o.allow, previous.deny | o.deny
                )


def _audience_pair(bits: _ChannelBits, member_id: int) -> tuple[int, int]:
    own = bits.members.get(member_id)
    if own is None:
        return (0, 0)
    return (own.allow & (AUDIENCE_BITS | CONNECT), own.deny & (AUDIENCE_BITS | CONNECT))


def _cases(
    guild: GuildAccess, bits: _ChannelBits, bit: int, value: bool, member: int | None
) -> list[_Case]:
    """The conjunctions under which `bit` ends up `value` in a channel, before the View Channel
    rule (a member with no View Channel has no permissions at all)."""
    own = bits.members.get(member) if member is not None else None
    if own is not None and own.allow & bit:
        return [()] if value else []
    if own is not None and own.deny & bit:
        return [] if value else [()]
    role_perms = {r.id: r.permissions for r in guild.roles}

    def allows(role_id: int) -> bool:
        o = bits.roles.get(role_id)
        return o is not None and bool(o.allow & bit)

    def denies(role_id: int) -> bool:
        o = bits.roles.get(role_id)
        return o is not None and bool(o.deny & bit)

    def grants(role_id: int) -> bool:
        return bool(role_perms.get(role_id, 0) & bit)

    neither: _Case = (("none", allows), ("none", denies))
    cases: list[_Case] = []
    if value:
        cases.append((("some", allows),))
    else:
        cases.append((("none", allows), ("some", denies)))
    if bits.everyone.allow & bit:
        if value:
            cases.append(neither)
    elif bits.everyone.deny & bit:
        if not value:
            cases.append(neither)
    elif guild.everyone_permissions & bit:
        if value:
            cases.append(neither)
    elif value:
        cases.append((*neither, ("some", grants)))
    else:
        cases.append((*neither, ("none", grants)))
    return cases


def _satisfiable(guild: GuildAccess, case: _Case) -> frozenset[int] | None:
    """A role set that makes every literal of `case` true, or None."""
    forbidden = [p for kind, p in case if kind == "none"]
    witnesses: set[int] = set()
    for kind, needed in case:
        if kind != "some":
            continue
        role = next(
            (r.id for r in guild.roles if needed(r.id) and not any(p(r.id) for p in forbidden)),
            None,
        )
        if role is None:
            return None
        witnesses.add(role)
    return frozenset(witnesses)


def _is_admin(role_id: int, perms: dict[int, int]) -> bool:
    return bool(perms.get(role_id, 0) & ADMINISTRATOR)


def _leak_roles(
    guild: GuildAccess, src: _ChannelBits, dst: _ChannelBits, needed: int, *, member: int | None
) -> frozenset[int] | None:
    """A role set with which `member` (None: a member without overwrites) views the destination
    and lacks one of the `needed` bits in the source, or None when there is none."""
    perms = {r.id: r.permissions for r in guild.roles}
    no_admin: _Literal = ("none", lambda role_id: _is_admin(role_id, perms))
    sees = _cases(guild, dst, VIEW_CHANNEL, True, member)
    blind: list[_Case] = []
    for bit in (VIEW_CHANNEL, READ_MESSAGE_HISTORY, CONNECT):
        if needed & bit:
            blind += _cases(guild, src, bit, False, member)
    for see in sees:
        for miss in blind:
            witness = _satisfiable(guild, (no_admin, *see, *miss))
            if witness is not None:
                return witness
    return None
