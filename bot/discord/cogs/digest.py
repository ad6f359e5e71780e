"""`/digest setup|now|show|pause|resume|stop`: moderators' scheduled digests (Manage Server).

Settings live in the store (one row per digest, several per server); the scheduler is a
`discord.ext.tasks` loop that runs the due rows (`bot.discord.digests.DigestRunner`), after
resuming, once ready, any run this process left unfinished.
"""

from __future__ import annotations

import logging
import re
import socket
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.digest.config import DigestConfig, SourceRef, describe_budget, parse_budget
from bot.digest.schedule import (
    Schedule,
    parse_time_of_day,
    parse_weekdays,
    zone_choices,
    zone_of,
)
from bot.discord.digests import DigestRunner
from bot.discord.languages import language_for, suggestions
from bot.discord.replies import NO_MENTIONS
from bot.errors import InputError
from bot.store.digests import DigestRow, DigestStoreError

if TYPE_CHECKING:
    from bot.discord.client import DigestBot

log = logging.getLogger(__name__)

_CHANNEL_REF = re.compile(r"<#(\d{15,21})>|\b(\d{15,21})\b")


def process_owner(bot: Any) -> str:
    """This process's name in period claims: the host and its shards, stable across restarts,
    so a restarted process resumes its own unfinished run at once."""
    shards = getattr(bot, "shard_ids", None)
    which = ",".join(map(str, shards)) if shards else "all"
    return f"{socket.gethostname()}:shards={which}"


def parse_sources(text: str | None, guild: discord.Guild) -> tuple[SourceRef, ...]:
    """'all' (the default) or channel/category mentions and ids."""
    if text is None or text.strip().casefold() in ("", "all", "server", "everything"):
        return (SourceRef(kind="guild", id=guild.id),)
    refs = []
    for match in _CHANNEL_REF.finditer(text):
        channel = guild.get_channel(int(match[1] or match[2]))
        if channel is None:
            raise InputError(f"no channel {match[0]} in this server")
        kind = (
            "category"
            if isinstance(channel, discord.CategoryChannel)
            else "forum"
            if isinstance(channel, discord.ForumChannel)
            else "channel"
        )
        refs.append(SourceRef(kind=kind, id=channel.id))
    if not refs:
        raise InputError("sources: mention channels or categories (#name), or say all")
    return tuple(dict.fromkeys(refs))


def parse_exclusions(text: str | None) -> frozenset[int]:
    return frozenset(int(m[1] or m[2]) for m in _CHANNEL_REF.finditer(text or ""))


def _in_zone(moment: datetime, tz: str) -> str:
    """`moment` in the digest's time zone, then in the reader's own (Discord's timestamp)."""
    local = moment.astimezone(zone_of(tz)).strftime("%a %Y-%m-%d %H:%M")
    return f"{local} {tz} ({discord.utils.format_dt(moment, 'F')})"


class Digests(commands.Cog):
    """Scheduled digests of the server's live debates, posted once per period."""

    digest = app_commands.Group(
        name="digest",
        description="Scheduled digests of this server's active debates",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot
        self.runner = DigestRunner(bot, owner=process_owner(bot))
        interval = bot.settings.digest_tick_s
        self.scheduler = tasks.loop(seconds=interval or 60)(self._tick)
        self.scheduler.before_loop(self._before)
        self._recovered = False

    async def cog_load(self) -> None:
        if self.bot.settings.digest_tick_s > 0:
            self.scheduler.start()

    async def cog_unload(self) -> None:
        self.scheduler.cancel()

    async def _before(self) -> None:
        await self.bot.wait_until_ready()

    async def _tick(self) -> None:
        try:
            if not self._recovered:
                await self.runner.recover()
                self._recovered = True
            await self.runner.tick()
        except DigestStoreError:
            log.warning("digest scheduler: the store cannot answer; retrying next tick")
        except Exception:  # the loop must survive one bad run
            log.exception("digest scheduler tick failed")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None or not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    async def _row(self, guild_id: int, name: str) -> DigestRow:
        rows = await self.runner.store.digests(guild_id)
        for row in rows:
            if row.config.name.casefold() == " ".join(name.split()).casefold():
                return row
        names = ", ".join(r.config.name for r in rows) or "none yet (use /digest setup)"
        raise InputError(f"no digest named {name[:40]!r} here; digests: {names}")

    async def _names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        rows = await self.runner.store.digests(interaction.guild_id)
        return [
            app_commands.Choice(name=r.config.name, value=r.config.name)
            for r in rows
            if current.casefold() in r.config.name.casefold()
        ][:25]

    @digest.command(name="setup", description="Create or change a scheduled digest")
    @app_commands.describe(
        destination="Where the digest is posted (a channel, forum or thread)",
        time="Time of day, like 09:00 or 6pm",
        timezone="IANA time zone, like Europe/Berlin",
        days="daily, weekdays, weekends, or days like mon,thu",
        name="A name, if the server has several digests",
        sources="Channels or categories to cover (#mentions), or all",
        exclude="Channels or categories to leave out (#mentions)",
        debates="How many debates to show (1-10)",
        focus="A short focus line for the summaries (treated as data, not instructions)",
        quiet_day="Post a short 'quiet day' line when nothing moved",
        language="Write the summaries in this language (LLM engine only; pick from the list)",
        budget="LLM tokens a day: shared (the server's, with /summarize) or its own, like 50k",
    )
    async def setup(
        self,
        interaction: discord.Interaction,
        destination: discord.TextChannel | discord.ForumChannel | discord.Thread,
        time: app_commands.Range[str, 1, 12],
        timezone: app_commands.Range[str, 1, 64],
        days: app_commands.Range[str, 1, 60] = "daily",
        name: app_commands.Range[str, 1, 40] = "digest",
        sources: app_commands.Range[str, 1, 1000] | None = None,
        exclude: app_commands.Range[str, 1, 1000] | None = None,
        debates: app_commands.Range[int, 1, 10] = 5,
        focus: app_commands.Range[str, 1, 200] | None = None,
        quiet_day: bool = False,
        language: app_commands.Range[str, 1, 40] | None = None,
        budget: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        zone_of(timezone)
        schedule = Schedule(weekdays=parse_weekdays(days), at=parse_time_of_day(time), tz=timezone)
        config = DigestConfig(
            guild_id=guild.id,
            name=name,
            destination_id=destination.id,
            sources=parse_sources(sources, guild),
            exclude=parse_exclusions(exclude),
            schedule=schedule,
            max_debates=debates,
            focus=focus,
            quiet_day=quiet_day,
            language=language_for(language),
            own_budget_tokens=parse_budget(budget),
        )
        now = self.runner.clock()
        next_run = schedule.next_after(now)
        await self.runner.store.save_digest(
            config, created_by=interaction.user.id, next_run=next_run
        )
        stamp = discord.utils.format_dt(next_run, "F")
        await interaction.response.send_message(
            f"Digest **{discord.utils.escape_markdown(config.name)}** set: "
            f"{schedule.describe()}, {debates} debates, in {destination.mention}. "
            f"LLM budget: {describe_budget(config.own_budget_tokens)}. First run {stamp}.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @setup.autocomplete("language")
    async def _languages(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=name, value=name)
            for name in suggestions(current, str(interaction.locale))
        ]

    @setup.autocomplete("timezone")
    async def _zones(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in zone_choices(current)]

    @digest.command(name="now", description="Post a digest of the period so far, now")
    async def now(self, interaction: discord.Interaction, name: str = "digest") -> None:
        assert interaction.guild_id is not None
        row = await self._row(interaction.guild_id, name)
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await self.runner.run_now(row)
        await interaction.followup.send(outcome.text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @digest.command(name="show", description="A digest's settings, next and last run")
    async def show(self, interaction: discord.Interaction, name: str = "digest") -> None:
        guild = interaction.guild
        assert guild is not None
        row = await self._row(guild.id, name)
        config = row.config
        destination = guild.get_channel_or_thread(config.destination_id)
        lines = [
            f"**{discord.utils.escape_markdown(config.name)}** · "
            + ("active" if row.enabled else "paused"),
            f"Schedule: {config.schedule.describe()}",
            f"Posts in: {destination.mention if destination else 'a channel that is gone'}",
            f"Debates per digest: {config.max_debates}",
        ]
        if config.language:
            lines.append(f"Language: {config.language}")
        if config.focus:
            lines.append(f"Focus: {discord.utils.escape_markdown(config.focus)}")
        lines.append(f"LLM budget: {describe_budget(config.own_budget_tokens)}")
        tz = config.schedule.tz
        if row.enabled and row.next_run:
            lines.append(f"Next run: {_in_zone(row.next_run, tz)}")
        if row.last_end:
            lines.append(
                f"Last run: covered up to {_in_zone(row.last_end, tz)}; "
                f"{row.last_outcome or 'no outcome recorded'}"
            )
        if destination is not None:
            sources, left_out = self.runner.readable_sources(guild, destination, row)
            lines.append(f"Sources it may read: {len(sources)} channels")
            if left_out:
                shown = left_out[:10]
                more = f" and {len(left_out) - 10} more" if len(left_out) > 10 else ""
                lines.append("Left out: " + "; ".join(shown) + more)
        await interaction.response.send_message(
            "\n".join(lines)[:2000], ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @digest.command(name="pause", description="Stop posting a digest until resumed")
    async def pause(self, interaction: discord.Interaction, name: str = "digest") -> None:
        assert interaction.guild_id is not None
        row = await self._row(interaction.guild_id, name)
        await self.runner.store.set_digest_enabled(row.id, False)
        await self._ok(interaction, f"Digest **{row.config.name}** paused.")

    @digest.command(name="resume", description="Post a paused digest again")
    async def resume(self, interaction: discord.Interaction, name: str = "digest") -> None:
        assert interaction.guild_id is not None
        row = await self._row(interaction.guild_id, name)
        next_run = row.config.schedule.next_after(self.runner.clock())
        await self.runner.store.set_digest_enabled(row.id, True, next_run=next_run)
        when = discord.utils.format_dt(next_run, "F")
        await self._ok(interaction, f"Digest **{row.config.name}** resumed; next run {when}.")

    @digest.command(name="stop", description="Delete a digest and its schedule")
    async def stop(self, interaction: discord.Interaction, name: str = "digest") -> None:
        assert interaction.guild_id is not None
        row = await self._row(interaction.guild_id, name)
        await self.runner.store.delete_digest(row.id)
        await self._ok(interaction, f"Digest **{row.config.name}** deleted.")

    for _command in (now, show, pause, resume, stop):
        _command.autocomplete("name")(_names)
    del _command

    async def _ok(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def setup(bot: DigestBot) -> None:
    await bot.add_cog(Digests(bot))
