"""Slash commands, context menus, buttons and modals through INTERACTION_CREATE, answered by
the real discord.py, with the fake enforcing Discord's acknowledgement rules."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands
from discord.webhook.async_ import async_context
from fakes.discord_server import FakeDiscord, FakeInteraction

from .conftest import World


class Recorder:
    """What the command handlers saw and which errors they hit."""

    def __init__(self) -> None:
        self.seen: list[Any] = []
        self.errors: list[BaseException] = []


def make_bot(rec: Recorder, *, defer_delay: float = 0.0) -> commands.Bot:
    intents = discord.Intents.default()
    bot = commands.Bot(command_prefix="!", intents=intents)

    @bot.tree.command(name="summarize", description="Summarize this channel")
    @app_commands.describe(limit="How many messages", private="Only you see it")
    async def summarize(
        interaction: discord.Interaction,
        limit: int = 100,
        private: bool = False,
        focus: str | None = None,
    ) -> None:
        rec.seen.append(
            {
                "limit": limit,
                "private": private,
                "focus": focus,
                "app_permissions": interaction.app_permissions,
                "user_permissions": interaction.permissions,
                "channel": interaction.channel,
                "locale": interaction.locale,
            }
        )
        if defer_delay:
            await asyncio.sleep(defer_delay)
        try:
            await interaction.response.defer(thinking=True, ephemeral=private)
        except discord.NotFound as exc:
            rec.errors.append(exc)
            return
        embed = discord.Embed(title="Summary", description=f"{limit} messages")
        embed.add_field(name="Side A", value="yes").set_footer(text="debate-digest")
        await interaction.followup.send(
            embeds=[embed, discord.Embed(title="Sources")],
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @bot.tree.command(name="twice", description="Answers twice (a bug)")
    async def twice(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("one")
        try:
            # discord.py's own guard stops a second response; its adapter does not
            await async_context.get().create_interaction_response(
                interaction.id,
                interaction.token,
                session=interaction._session,
                params=discord.http.handle_message_parameters(content="two"),
            )
        except discord.HTTPException as exc:
            rec.errors.append(exc)

    @bot.tree.command(name="file", description="Reads an attachment")
    async def file(interaction: discord.Interaction, source: discord.Attachment) -> None:
        rec.seen.append(await source.read())
        await interaction.response.send_message(
            f"read {source.filename}", file=discord.File(__file__, filename="echo.py")
        )

    @bot.tree.command(name="ask", description="Opens a modal")
    async def ask(interaction: discord.Interaction) -> None:
        class Question(discord.ui.Modal, title="Your question"):
            question = discord.ui.TextInput(label="Question", custom_id="question")

            async def on_submit(self, modal_interaction: discord.Interaction) -> None:
                rec.seen.append(self.question.value)
                await modal_interaction.response.send_message("thanks", ephemeral=True)

        await interaction.response.send_modal(Question(custom_id="question-modal"))

    @bot.tree.command(name="vote", description="Posts a button")
    async def vote(interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=30)
        button = discord.ui.Button(label="Agree", custom_id="agree")

        async def pressed(button_interaction: discord.Interaction) -> None:
            rec.seen.append(button_interaction.data["custom_id"])  # type: ignore[index]
            await button_interaction.response.edit_message(content="1 vote", view=None)

        button.callback = pressed  # type: ignore[method-assign]
        view.add_item(button)
        await interaction.response.send_message("Vote:", view=view)

    @bot.tree.context_menu(name="Summarize from here")
    async def from_here(interaction: discord.Interaction, message: discord.Message) -> None:
        rec.seen.append((message.id, message.content))
        await interaction.response.send_message("ok", ephemeral=True)

    @bot.tree.error
    async def on_error(
        interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        rec.errors.append(error)

    return bot


async def sync(fake: FakeDiscord, bot: commands.Bot, world: World) -> None:
    guild = discord.Object(world.guild.id)
    bot.tree.copy_global_to(guild=guild)
    await bot.tree.sync(guild=guild)


async def test_slash_command_defer_and_followup(discord_fake: FakeDiscord, world: World) -> None:
    rec = Recorder()
    bot = make_bot(rec)
    async with discord_fake.run_client(bot):
        await sync(discord_fake, bot, world)
        put = discord_fake.requests_to("PUT", rf"/guilds/{world.guild.id}/commands$")
        assert [c["name"] for c in put[0].json] == [
            "summarize",
            "twice",
            "file",
            "ask",
            "vote",
            "Summarize from here",
        ]
        it = await discord_fake.interaction(
            world.alice, world.general, "summarize", {"limit": 50, "focus": "costs"}
        )
        await discord_fake.wait_for(lambda: it.followups)
    assert rec.errors == []
    seen = rec.seen[0]
    assert seen["limit"] == 50 and seen["private"] is False and seen["focus"] == "costs"
    assert seen["app_permissions"].read_message_history
    assert seen["channel"].id == world.general.id
    assert it.response_type == 5 and not it.ephemeral
    [callback] = it.callbacks
    assert callback.json == {"type": 5, "data": {"flags": 0}} or callback.json["type"] == 5
    [sent] = discord_fake.sent_messages(world.general.id)
    assert sent.kind == "followup" and sent.interaction is it
    assert [e["title"] for e in sent.embeds] == ["Summary", "Sources"]
    assert sent.embeds[0]["fields"] == [{"name": "Side A", "value": "yes", "inline": True}]
    assert sent.allowed_mentions == {"parse": []}
    # the first follow-up replaced the "thinking" message, as on Discord
    assert sent.message["id"] == it.original["id"]
    assert discord_fake.unknown_requests == [] and discord_fake.limit_violations == []
    discord_fake.assert_clean()


async def test_subcommand_options_are_nested(discord_fake: FakeDiscord, world: World) -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())
    got: list[tuple[str, int]] = []
    group = app_commands.Group(name="digest", description="d")

    @group.command(name="run", description="r")
    async def run(interaction: discord.Interaction, topic: str, depth: int = 1) -> None:
        got.append((topic, depth))
        await interaction.response.send_message("ok")

    bot.tree.add_command(group)
    async with discord_fake.run_client(bot):
        await bot.tree.sync()
        it = await discord_fake.interaction(
            world.alice, world.thread, "digest run", {"topic": "x", "depth": 3}
        )
        await discord_fake.wait_for(lambda: it.acknowledged)
    assert got == [("x", 3)]
    assert discord_fake.global_commands[0]["name"] == "digest"


async def test_ephemeral_defer_keeps_the_message_out_of_history(
    discord_fake: FakeDiscord, world: World
) -> None:
    rec = Recorder()
    async with discord_fake.run_client(make_bot(rec)):
        it = await discord_fake.interaction(
            world.alice, world.general, "summarize", {"private": True}
        )
        await discord_fake.wait_for(lambda: it.followups)
    assert it.ephemeral
    [sent] = discord_fake.sent_messages()
    assert sent.ephemeral and world.general.messages == []


async def test_defer_after_the_deadline_is_rejected(
    discord_fake: FakeDiscord, world: World
) -> None:
    discord_fake.ack_deadline = 0.2
    rec = Recorder()
    async with discord_fake.run_client(make_bot(rec, defer_delay=0.4)):
        it = await discord_fake.interaction(world.alice, world.general, "summarize")
        await discord_fake.wait_for(lambda: rec.errors)
    assert isinstance(rec.errors[0], discord.NotFound) and rec.errors[0].code == 10062
    assert not it.acknowledged and len(it.rejections) == 1
    assert it.rejections[0].status == 404


async def test_second_acknowledgement_is_rejected(discord_fake: FakeDiscord, world: World) -> None:
    rec = Recorder()
    async with discord_fake.run_client(make_bot(rec)):
        it = await discord_fake.interaction(world.alice, world.general, "twice")
        await discord_fake.wait_for(lambda: rec.errors)
    assert isinstance(rec.errors[0], discord.HTTPException)
    assert rec.errors[0].status == 400 and rec.errors[0].code == 40060
    assert it.response_type == 4 and len(it.rejections) == 1
    assert discord_fake.problems() == [f"400 (40060) POST {it.rejections[0].path}"]


async def test_expired_token_is_401(discord_fake: FakeDiscord, world: World) -> None:
    rec = Recorder()
    bot = make_bot(rec)
    async with discord_fake.run_client(bot):
        it = await discord_fake.interaction(world.alice, world.general, "vote")
        await discord_fake.wait_for(lambda: it.acknowledged)
        discord_fake.age_interaction(it, discord_fake.token_ttl + 1)  # no waiting
        webhook = discord.Webhook.partial(discord_fake.application_id, it.token, client=bot)
        with pytest.raises(discord.HTTPException) as info:
            await webhook.send("too late", wait=True)
    assert info.value.status == 401 and info.value.code == 50027


async def test_attachment_option_is_readable(discord_fake: FakeDiscord, world: World) -> None:
    rec = Recorder()
    att = discord_fake.add_attachment("thread.txt", "alice: yes\nbob: no\n")
    async with discord_fake.run_client(make_bot(rec)):
        it = await discord_fake.interaction(
            world.alice, world.general, command="file", attachments={"source": att}
        )
        await discord_fake.wait_for(lambda: it.acknowledged)
    assert rec.seen == [b"alice: yes\nbob: no\n"]
    [sent] = discord_fake.sent_messages()
    assert sent.kind == "response" and sent.content == "read thread.txt"
    assert [f.filename for f in sent.files] == ["echo.py"]
    assert sent.files[0].content.startswith(b'"""Slash commands')
    assert sent.message["attachments"][0]["filename"] == "echo.py"


async def test_modal_flow(discord_fake: FakeDiscord, world: World) -> None:
    rec = Recorder()
    async with discord_fake.run_client(make_bot(rec)):
        it = await discord_fake.interaction(world.alice, world.general, "ask")
        await discord_fake.wait_for(lambda: it.modal)
        assert it.response_type == 9 and it.modal["custom_id"] == "question-modal"
        submitted = await discord_fake.submit_modal(
            world.alice, it, {"question": "Is it balanced?"}
        )
        await discord_fake.wait_for(lambda: submitted.acknowledged)
    assert rec.seen == ["Is it balanced?"]
    assert submitted.original is not None and submitted.ephemeral


async def test_button_flow(discord_fake: FakeDiscord, world: World) -> None:
    rec = Recorder()
    async with discord_fake.run_client(make_bot(rec)):
        it = await discord_fake.interaction(world.alice, world.general, "vote")
        await discord_fake.wait_for(lambda: it.original)
        button = it.original["components"][0]["components"][0]
        assert button["custom_id"] == "agree"
        press = await discord_fake.component(world.bob, it.original, "agree")
        await discord_fake.wait_for(lambda: press.acknowledged)
    assert rec.seen == ["agree"] and press.response_type == 7
    updated = discord_fake.find_message(world.general.id, int(it.original["id"]))
    assert updated["content"] == "1 vote" and updated["components"] == []
    assert [s.kind for s in discord_fake.sent_messages()] == ["response", "update"]


async def test_message_context_menu(discord_fake: FakeDiscord, world: World) -> None:
    rec = Recorder()
    [target] = discord_fake.add_messages(world.general, [(world.bob, "a claim")])
    async with discord_fake.run_client(make_bot(rec)):
        it = await discord_fake.message_command(
            world.alice, world.general, "Summarize from here", target
        )
        await discord_fake.wait_for(lambda: it.acknowledged)
    assert rec.seen == [(int(target["id"]), "a claim")]
    assert it.payload["data"]["target_id"] == target["id"]


async def test_interaction_payload_shape(discord_fake: FakeDiscord, world: World) -> None:
    rec = Recorder()
    async with discord_fake.run_client(make_bot(rec)):
        it: FakeInteraction = await discord_fake.interaction(
            world.bob, world.secret, "summarize", locale="de"
        )
        await discord_fake.wait_for(lambda: rec.seen)
    payload = it.payload
    assert payload["guild_id"] == str(world.guild.id) and payload["locale"] == "de"
    assert payload["app_permissions"] == "0"  # the bot cannot see #secret
    assert rec.seen[0]["app_permissions"].view_channel is False
    assert rec.seen[0]["user_permissions"].view_channel is False
    assert rec.seen[0]["locale"] is discord.Locale.german


async def test_modal_with_labels_mirrors_the_layout_and_checks_input(
    discord_fake: FakeDiscord, world: World
) -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())
    got: list[str] = []

    class Feedback(discord.ui.Modal, title="Feedback"):
        text = discord.ui.Label(
            text="What was missing?",
            component=discord.ui.TextInput(custom_id="missing", min_length=3, max_length=20),
        )

        async def on_submit(self, interaction: discord.Interaction) -> None:
            got.append(self.text.component.value)  # type: ignore[attr-defined]
            await interaction.response.send_message("noted", ephemeral=True)

    @bot.tree.command(name="feedback", description="d")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Feedback())

    async with discord_fake.run_client(bot):
        it = await discord_fake.interaction(world.alice, world.general, "feedback")
        await discord_fake.wait_for(lambda: it.modal)
        assert it.modal["components"][0]["type"] == 18
        for bad in ({"missing": "no"}, {"missing": ""}, {"other": "x"}, {"missing": "x" * 21}):
            with pytest.raises(ValueError):
                await discord_fake.submit_modal(world.alice, it, bad)
        sub = await discord_fake.submit_modal(world.alice, it, {"missing": "sources"})
        await discord_fake.wait_for(lambda: sub.acknowledged)
    assert got == ["sources"]
    assert sub.payload["data"]["components"][0]["type"] == 18


async def test_aged_interaction_token_expires(discord_fake: FakeDiscord, world: World) -> None:
    rec = Recorder()
    bot = make_bot(rec)
    async with discord_fake.run_client(bot):
        it = await discord_fake.interaction(world.alice, world.general, "vote")
        await discord_fake.wait_for(lambda: it.acknowledged)
        discord_fake.age_interaction(it, 15 * 60 + 1)
        webhook = discord.Webhook.partial(discord_fake.application_id, it.token, client=bot)
        with pytest.raises(discord.HTTPException) as info:
            await webhook.fetch_message(int(it.original["id"]))
    assert info.value.status == 401 and info.value.code == 50027


async def test_refused_response_leaves_the_interaction_open(
    discord_fake: FakeDiscord, world: World
) -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())
    errors: list[discord.HTTPException] = []

    @bot.tree.command(name="long", description="d")
    async def long(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message(embed=discord.Embed(title="x" * 300))
        except discord.HTTPException as exc:
            errors.append(exc)
            await interaction.response.send_message("The summary was too long.", ephemeral=True)

    async with discord_fake.run_client(bot):
        it = await discord_fake.interaction(world.alice, world.general, "long")
        await discord_fake.wait_for(lambda: it.acknowledged)
    assert errors[0].code == 50035 and it.response_type == 4 and it.ephemeral
    assert discord_fake.limit_violations[0]["problems"] == ["embeds[0].title: 300 > 256"]
    assert len(it.rejections) == 1 and it.original["content"] == "The summary was too long."


async def test_dm_interaction(discord_fake: FakeDiscord, world: World) -> None:
    """A slash command in the bot's DM: no guild, a user not a member, DM permissions, and the
    answer lands in the DM channel."""
    rec = Recorder()
    dm = discord_fake.dm_channel(world.bob)
    async with discord_fake.run_client(make_bot(rec)):
        it = await discord_fake.interaction(world.bob, dm, "summarize", {"limit": 5}, locale="fr")
        await discord_fake.wait_for(lambda: it.followups)
    assert rec.errors == []
    seen = rec.seen[0]
    assert isinstance(seen["channel"], discord.DMChannel)
    assert seen["locale"] is discord.Locale.french
    assert seen["app_permissions"].read_message_history
    assert "guild_id" not in it.payload and it.payload["context"] == 1
    assert it.payload["user"]["id"] == str(world.bob.id) and "member" not in it.payload
    [sent] = discord_fake.sent_messages(dm.id)
    assert sent.interaction is it and sent.embeds[0]["title"] == "Summary"
    with pytest.raises(ValueError, match="not the recipient"):
        await discord_fake.interaction(world.alice, dm, "summarize")


async def test_commands_are_offered_only_in_their_contexts(
    discord_fake: FakeDiscord, world: World
) -> None:
    """Discord does not offer a command outside its `contexts` (or in DMs with
    `dm_permission: false`): the fake refuses to dispatch it."""
    rec = Recorder()
    bot = make_bot(rec)
    bot.tree.get_command("summarize").allowed_contexts = app_commands.AppCommandContext(
        guild=True, dm_channel=False
    )
    dm = discord_fake.dm_channel(world.bob)
    async with discord_fake.run_client(bot):
        await bot.tree.sync()  # globally: guild commands are never offered in DMs
        with pytest.raises(LookupError, match="context 1"):
            await discord_fake.interaction(world.bob, dm, "summarize")
        it = await discord_fake.interaction(world.bob, world.general, "summarize")
        await discord_fake.wait_for(lambda: it.followups)
