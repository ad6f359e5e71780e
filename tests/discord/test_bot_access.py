"""Reading rules against the fake Discord: private threads, forum posts, the bot's own missing
permissions, the Message Content intent; and `run` / `sync-commands` against it."""

from __future__ import annotations

import asyncio

import pytest
from discord_helpers import DEBATE, World, link, make_settings, no_mentions_anywhere, running
from fakes.discord import ChannelType, FakeDiscord, Overwrite, P
from pydantic import SecretStr

from bot.discord.app import main, sync_commands
from bot.errors import ConfigError
from bot.ingest.discord_links import REFUSED

pytestmark = pytest.mark.asyncio


def texts_for(fake, it) -> str:  # noqa: ANN001
    return "\n".join(
        s.payload.get("content") or "" for s in fake.sent_messages() if s.interaction is it
    )


def has_embeds(it) -> bool:  # noqa: ANN001
    return bool(
        (it.original and it.original.get("embeds")) or any(f.get("embeds") for f in it.followups)
    )


async def test_private_thread_needs_membership_or_manage_threads(
    discord_fake, world: World, settings
) -> None:
    fake = discord_fake
    private = fake.add_thread(
        world.general, "mods only", private=True, owner=world.alice, members=[fake.bot_user]
    )
    fake.add_messages(private, [(world.alice, "PRIVATE-THREAD: the plan is X and Y.")])
    async with running(fake, settings):
        refused = await fake.interaction(
            world.bob, world.general, "summarize", {"link": link(private)}
        )
        await fake.wait_for(lambda: texts_for(fake, refused), timeout=10)
        owner = await fake.interaction(
            world.alice, world.general, "summarize", {"link": link(private)}
        )
        await fake.wait_for(lambda: has_embeds(owner), timeout=20)
    assert "can't summarize that link" in texts_for(fake, refused)
    reads = fake.history_requests(private.id)
    assert len(reads) >= 1  # only alice's request read it
    assert "private thread" in texts_for(fake, owner)  # told why it is private
    public = [s for s in fake.sent_messages() if not s.ephemeral]
    assert all("PRIVATE-THREAD" not in str(s.payload) for s in public)


async def test_forum_post_is_a_thread(discord_fake, world: World, settings) -> None:
    fake = discord_fake
    forum = fake.add_channel(world.guild, "ideas", ChannelType.forum)
    post = fake.add_thread(forum, "Should we go remote?", owner=world.alice)
    fake.add_messages(post, [(world.users[name], text) for name, text in DEBATE])
    async with running(fake, settings):
        it = await fake.interaction(world.bob, post, "summarize", {})
        await fake.wait_for(lambda: has_embeds(it), timeout=20)
    assert f"{len(DEBATE)} comments read" in it.original["embeds"][0]["description"]
    assert "Should we go remote?" in it.original["embeds"][0]["title"]


async def test_bot_missing_permissions_are_named(discord_fake, world: World, settings) -> None:
    fake = discord_fake
    locked = fake.add_channel(
        world.guild,
        "no-bot-history",
        overwrites=[Overwrite.member(fake.bot_user, deny=P.READ_MESSAGE_HISTORY)],
    )
    fake.add_messages(locked, [(world.bob, "hello there")])
    async with running(fake, settings):
        it = await fake.interaction(world.bob, world.general, "summarize", {"link": link(locked)})
        await fake.wait_for(lambda: texts_for(fake, it), timeout=10)
        here = await fake.interaction(world.bob, locked, "summarize", {"link": link(locked)})
        await fake.wait_for(lambda: texts_for(fake, here), timeout=10)
    assert "Read Message History" in texts_for(fake, it)
    assert fake.history_requests(locked.id) == []
    no_mentions_anywhere(fake)


async def test_message_content_intent_off_is_explained(tmp_path) -> None:
    async with FakeDiscord(message_content=False) as fake:
        guild = fake.add_guild("Debates")
        bob = fake.add_user("bob")
        fake.add_member(guild, bob)
        general = fake.add_channel(guild, "general")
        thread = fake.add_thread(general, "t", owner=bob)
        fake.add_messages(thread, [(bob, "one two three four five six")])
        settings = make_settings(tmp_path, message_content_intent=False)
        async with running(fake, settings):
            it = await fake.interaction(bob, general, "summarize", {"link": link(thread)})
            await fake.wait_for(lambda: texts_for(fake, it), timeout=10)
            pasted = await fake.interaction(bob, general, "summarize", {"text": "a b c\nd e f"})
            await fake.wait_for(lambda: has_embeds(pasted), timeout=20)
        assert "Message Content intent" in texts_for(fake, it)
        assert fake.history_requests(thread.id) == []
        assert fake.intents is not None and not fake.intents & (1 << 15)


async def test_sync_commands_and_run(discord_fake, world: World, tmp_path) -> None:
    fake = discord_fake
    settings = make_settings(tmp_path, discord_token=SecretStr(fake.token))
    with fake.patched():
        names = await sync_commands(settings, world.guild.id)
        assert sorted(names) == [
            "Summarize from here",
            "Summarize linked discussion",
            "digest",
            "digest-admin",
            "privacy",
            "summarize",
        ]
        registered = {c["name"]: c for c in fake.guild_commands[world.guild.id]}
        assert {o["name"] for o in registered["summarize"]["options"]} == {
            "text", "link", "file", "private", "language", "since",
        }  # fmt: skip
        assert registered["Summarize from here"]["type"] == 3
        assert fake.global_commands == []

        bots = []

        async def ready(bot) -> None:  # noqa: ANN001
            bots.append(bot)

        task = asyncio.create_task(main(settings, ready=ready))
        await fake.wait_for(lambda: fake.connected and bots and bots[0].is_ready(), timeout=10)
        it = await fake.interaction(world.bob, world.general, "summarize", {"text": "x y z\na b c"})
        await fake.wait_for(lambda: has_embeds(it), timeout=20)
        await bots[0].close()
        await asyncio.wait_for(task, 10)

        bad = make_settings(tmp_path, discord_token=SecretStr("wrong.token.here"))
        with pytest.raises(ConfigError, match="rejected"):
            await main(bad)


async def test_auto_sharded_bot(discord_fake, world: World, settings) -> None:
    from bot.discord.app import build_bot
    from bot.discord.client import AutoShardedDigestBot
    from bot.store import open_store

    fake = discord_fake
    async with open_store(settings.database_url) as store:
        bot = build_bot(settings, store=store, shards="auto")
        assert isinstance(bot, AutoShardedDigestBot)
        async with fake.run_client(bot):
            it = await fake.interaction(world.bob, world.thread, "summarize", {})
            await fake.wait_for(lambda: has_embeds(it), timeout=20)
    assert f"{len(DEBATE)} comments read" in it.original["embeds"][0]["description"]


async def test_intent_not_granted_by_the_portal_is_one_clear_error(tmp_path) -> None:
    async with FakeDiscord(message_content=False) as fake:
        fake.add_guild("Debates")
        settings = make_settings(tmp_path, discord_token=SecretStr(fake.token))
        with fake.patched(), pytest.raises(ConfigError, match="Message Content intent"):
            await asyncio.wait_for(main(settings), 20)


@pytest.mark.parametrize(
    "deny", [P.VIEW_CHANNEL, P.READ_MESSAGE_HISTORY], ids=["view-channel", "read-history"]
)
async def test_role_combination_server_answers_privately(discord_fake, settings, deny: int) -> None:
    """A verification gate (@everyone may view nothing, `Member` may) and `Muted`, denied View
    Channel (or Read Message History) on #serious: a member with both sees #lobby, not
    #serious. A #serious summary asked in #lobby by someone who may read it is private."""
    fake = discord_fake
    guild = fake.add_guild("Gated", everyone_permissions=P.DEFAULT_EVERYONE & ~P.VIEW_CHANNEL)
    member_role = fake.add_role(guild, "Member", P.DEFAULT_EVERYONE)
    muted = fake.add_role(guild, "Muted")
    fake.bot_member(guild).role_ids.append(member_role.id)
    asker, silenced = fake.add_user("asker"), fake.add_user("silenced")
    fake.add_member(guild, asker, [member_role])
    fake.add_member(guild, silenced, [member_role, muted])
    lobby = fake.add_channel(guild, "lobby")
    serious = fake.add_channel(guild, "serious", overwrites=[Overwrite.role(muted, deny=deny)])
    fake.add_messages(serious, [(asker, "SERIOUS-TALK: the moderators will vote on Friday.")])
    # The setting the issue describes, as Discord computes it.
    assert fake.permissions_for(lobby, silenced) & P.VIEW_CHANNEL
    assert not fake.permissions_for(serious, silenced) & deny
    async with running(fake, settings):
        it = await fake.interaction(asker, lobby, "summarize", {"link": link(serious)})
        await fake.wait_for(lambda: has_embeds(it), timeout=20)
    assert "Sent only to you" in texts_for(fake, it)
    answers = [s for s in fake.sent_messages() if s.interaction is it and s.embeds]
    assert answers and all(s.ephemeral for s in answers)
    # Nothing public was shown, not even a "thinking" message that later disappeared.
    assert it.ephemeral
    public = [s for s in fake.sent_messages() if not s.ephemeral]
    assert all("SERIOUS-TALK" not in str(s.payload) for s in public)


async def test_every_refusal_costs_the_same_requests(discord_fake, world: World, settings) -> None:
    """Whether the channel exists, whether the bot is in that server, whether the asker is a
    member there or the source is a private thread: the same refusal, deferred privately, after
    the same lookups (nothing to tell them apart by), and no history read."""
    import re

    fake = discord_fake
    elsewhere = fake.add_guild("Elsewhere")  # the bot is there, bob is not
    elsewhere_channel = fake.add_channel(elsewhere, "talk")
    hidden = fake.add_thread(
        world.general, "hidden", private=True, owner=world.alice, members=[fake.bot_user]
    )
    fake.add_messages(hidden, [(world.alice, "HIDDEN: a private thread bob is not in.")])
    ghost_id = 123456789012345678
    links = {
        "exists, unreadable": link(world.secret),
        "no such channel": f"https://discord.com/channels/{world.guild.id}/{ghost_id}",
        "bot not in server": f"https://discord.com/channels/{ghost_id}/{ghost_id + 1}",
        "asker not a member": link(elsewhere_channel),
        "private thread": link(hidden),
    }
    costs: dict[str, list[str]] = {}
    async with running(fake, settings):
        for name, url in links.items():
            before = len(fake.requests)
            it = await fake.interaction(world.bob, world.general, "summarize", {"link": url})
            await fake.wait_for(lambda it=it: texts_for(fake, it), timeout=10)
            lookups = [
                f"{r.method} {re.sub(r'[0-9]{15,21}', '#', r.path)}"
                for r in fake.requests[before:]
                if not r.path.startswith(("/interactions/", "/webhooks/"))
            ]
            costs[name] = sorted(lookups)
            assert texts_for(fake, it) == REFUSED, name
            assert it.ephemeral, name  # deferred privately: nothing public came and went
    first = next(iter(costs.values()))
    assert first and all(cost == first for cost in costs.values()), costs
    assert not any("/messages" in c for cost in costs.values() for c in cost)


async def test_send_messages_overwrite_does_not_make_answers_private(
    discord_fake, world: World, settings
) -> None:
    """One member denied Send Messages in #lobby (the bot has no members intent, so it cannot
    look them up) does not make a public channel's summary there private; one member allowed
    View Channel in #lobby but denied it on the source does."""
    fake = discord_fake
    lobby = fake.add_channel(
        world.guild, "lobby", overwrites=[Overwrite.member(world.dave, deny=P.SEND_MESSAGES)]
    )
    public = fake.add_channel(world.guild, "public")
    fake.add_messages(public, [(world.bob, "PUBLIC-NEWS: the picnic is on Sunday.")])
    hiding = fake.add_channel(
        world.guild, "hiding", overwrites=[Overwrite.member(world.dave, deny=P.VIEW_CHANNEL)]
    )
    fake.add_messages(hiding, [(world.bob, "NOT-FOR-DAVE: the gift is a bike.")])
    async with running(fake, settings) as bot:
        shown = await fake.interaction(world.bob, lobby, "summarize", {"link": link(public)})
        # Done means answered and recorded: only then may bob ask again.
        await fake.wait_for(
            lambda: has_embeds(shown) and not bot.cooldowns.busy(world.bob.id), timeout=20
        )
        hidden = await fake.interaction(world.bob, lobby, "summarize", {"link": link(hiding)})
        await fake.wait_for(lambda: has_embeds(hidden), timeout=20)
    assert not shown.ephemeral and "Sent only to you" not in texts_for(fake, shown)
    assert hidden.ephemeral and "Sent only to you" in texts_for(fake, hidden)
