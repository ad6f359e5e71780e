"""Permission arithmetic, checked against the rules in Discord's documentation."""

from __future__ import annotations

from fakes.discord_server import ChannelType, FakeDiscord, Overwrite, P

from .conftest import World


def perms(fake: FakeDiscord, channel, user) -> int:  # noqa: ANN001 - test helper
    return fake.permissions_for(channel, user)


def test_everyone_base(discord_fake: FakeDiscord, world: World) -> None:
    assert perms(discord_fake, world.general, world.bob) == P.DEFAULT_EVERYONE


def test_role_overwrite_beats_everyone_overwrite(discord_fake: FakeDiscord, world: World) -> None:
    assert not perms(discord_fake, world.secret, world.bob) & P.VIEW_CHANNEL
    assert perms(discord_fake, world.secret, world.alice) & P.VIEW_CHANNEL


def test_member_overwrite_beats_role_overwrite(discord_fake: FakeDiscord, world: World) -> None:
    fake = discord_fake
    channel = fake.add_channel(
        world.guild,
        "c",
        overwrites=[
            Overwrite.role(world.mods, allow=P.SEND_MESSAGES),
            Overwrite.role(world.guild.everyone, deny=P.SEND_MESSAGES),
            Overwrite.member(world.alice, deny=P.SEND_MESSAGES),
        ],
    )
    assert not perms(fake, channel, world.alice) & P.SEND_MESSAGES
    assert not perms(fake, channel, world.bob) & P.SEND_MESSAGES


def test_role_allow_wins_over_role_deny(discord_fake: FakeDiscord, world: World) -> None:
    fake = discord_fake
    other = fake.add_role(world.guild, "other")
    fake.member(world.guild, world.bob).role_ids.extend([world.mods.id, other.id])
    channel = fake.add_channel(
        world.guild,
        "c",
        overwrites=[
            Overwrite.role(world.mods, deny=P.EMBED_LINKS),
            Overwrite.role(other, allow=P.EMBED_LINKS),
        ],
    )
    assert perms(fake, channel, world.bob) & P.EMBED_LINKS


def test_administrator_and_owner_bypass_overwrites(discord_fake: FakeDiscord, world: World) -> None:
    fake = discord_fake
    admin = fake.add_role(world.guild, "admin", P.ADMINISTRATOR)
    fake.member(world.guild, world.bob).role_ids.append(admin.id)
    assert perms(fake, world.secret, world.bob) == P.ALL
    owner = fake.users[world.guild.owner_id]
    assert perms(fake, world.secret, owner) == P.ALL


def test_no_view_channel_means_nothing(discord_fake: FakeDiscord, world: World) -> None:
    assert perms(discord_fake, world.secret, world.bob) == 0


def test_threads_inherit_the_parent(discord_fake: FakeDiscord, world: World) -> None:
    fake = discord_fake
    thread = fake.add_thread(world.secret, "t", owner=world.alice)
    assert perms(fake, thread, world.bob) == 0
    assert perms(fake, thread, world.alice) & P.SEND_MESSAGES_IN_THREADS


def test_private_thread_needs_membership_or_manage_threads(
    discord_fake: FakeDiscord, world: World
) -> None:
    fake = discord_fake
    assert perms(fake, world.private_thread, world.bob) == 0
    assert perms(fake, world.private_thread, world.alice) & P.VIEW_CHANNEL
    assert perms(fake, world.private_thread, fake.bot_user) & P.VIEW_CHANNEL
    keeper = fake.add_role(world.guild, "keeper", P.MANAGE_THREADS)
    fake.member(world.guild, world.bob).role_ids.append(keeper.id)
    assert perms(fake, world.private_thread, world.bob) & P.VIEW_CHANNEL


def test_bot_role_from_invite(discord_fake: FakeDiscord) -> None:
    fake = discord_fake
    guild = fake.add_guild(
        "strict", everyone_permissions=0, bot_permissions=P.VIEW_CHANNEL | P.READ_MESSAGE_HISTORY
    )
    channel = fake.add_channel(guild, "c", ChannelType.text)
    assert fake.permissions_for(channel) == P.VIEW_CHANNEL | P.READ_MESSAGE_HISTORY
    assert any(r.managed for r in guild.roles.values())
