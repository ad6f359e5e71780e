"""@original and follow-up messages through discord.py's own webhook helpers."""

from __future__ import annotations

import discord
from discord.ext import commands
from fakes.discord_server import FakeDiscord

from .conftest import World


async def test_original_and_followup_round_trip(discord_fake: FakeDiscord, world: World) -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())
    log: list[str] = []

    @bot.tree.command(name="go", description="d")
    async def go(interaction: discord.Interaction) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="working…")
        original = await interaction.original_response()
        log.append(original.content)
        extra = await interaction.followup.send("part 2", wait=True)
        await extra.edit(content="part 2 (edited)")
        fetched = await interaction.followup.fetch_message(extra.id)
        log.append(fetched.content)
        await extra.delete()
        await interaction.delete_original_response()
        log.append("done")

    async with discord_fake.run_client(bot):
        it = await discord_fake.interaction(world.alice, world.thread, "go")
        await discord_fake.wait_for(lambda: "done" in log)
    assert log == ["working…", "part 2 (edited)", "done"]
    assert [s.kind for s in discord_fake.sent_messages(world.thread.id)] == [
        "original",
        "followup",
        "edit",
    ]
    assert it.original is None and it.followups == []
    assert world.thread.messages == []
    assert discord_fake.unknown_requests == []


async def test_deferred_component_update_edits_the_clicked_message(
    discord_fake: FakeDiscord, world: World
) -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())
    done: list[bool] = []

    class Pager(discord.ui.View):
        @discord.ui.button(label="Next", custom_id="next")
        async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            await interaction.response.defer()  # type 6 for a component
            await interaction.edit_original_response(content="page 2")
            done.append(True)

    @bot.tree.command(name="pages", description="d")
    async def pages(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("page 1", view=Pager())

    async with discord_fake.run_client(bot):
        it = await discord_fake.interaction(world.alice, world.general, "pages")
        await discord_fake.wait_for(lambda: it.original)
        press = await discord_fake.component(world.alice, it.original, "next")
        await discord_fake.wait_for(lambda: done)
    assert press.response_type == 6
    stored = discord_fake.find_message(world.general.id, int(it.original["id"]))
    assert stored["content"] == "page 2" and stored["edited_timestamp"] is not None


async def test_followup_before_any_response_is_refused(
    discord_fake: FakeDiscord, world: World
) -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())
    errors: list[discord.HTTPException] = []

    @bot.tree.command(name="rude", description="d")
    async def rude(interaction: discord.Interaction) -> None:
        try:
            await interaction.followup.send("no ack first")
        except discord.HTTPException as exc:
            errors.append(exc)
        await interaction.response.send_message("now")

    async with discord_fake.run_client(bot):
        it = await discord_fake.interaction(world.alice, world.general, "rude")
        await discord_fake.wait_for(lambda: it.acknowledged)
    assert errors and errors[0].status == 404 and errors[0].code == 10015


async def test_unsynced_command_can_be_refused(discord_fake: FakeDiscord, world: World) -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())

    @bot.tree.command(name="real", description="d")
    async def real(interaction: discord.Interaction, topic: str) -> None:
        await interaction.response.send_message(topic)

    discord_fake.require_synced = True
    async with discord_fake.run_client(bot):
        try:
            await discord_fake.interaction(world.alice, world.general, "real")
        except LookupError:
            pass
        else:
            raise AssertionError("an unsynced command was dispatched")
        await bot.tree.sync()
        for bad in ({}, {"topic": "x", "extra": 1}):
            try:
                await discord_fake.interaction(world.alice, world.general, "real", bad)
            except LookupError:
                pass
            else:
                raise AssertionError(f"options {bad} were dispatched")
        it = await discord_fake.interaction(world.alice, world.general, "real", {"topic": "x"})
        await discord_fake.wait_for(lambda: it.acknowledged)
    assert it.payload["data"]["id"] == discord_fake.global_commands[0]["id"]
