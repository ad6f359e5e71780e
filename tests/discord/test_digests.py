"""Moderator digests through the real bot on the loopback Discord: what is posted, where, once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from discord_helpers import DEBATE, World, make_settings, running
from fakes.discord import FakeDiscord, Overwrite, P

from bot.digest.config import DigestConfig, SourceRef
from bot.digest.schedule import Schedule
from bot.discord.digests import DigestRunner

START = datetime(2026, 1, 1, tzinfo=UTC)  # the fake's clock starts here


@pytest.fixture
def digest_settings(tmp_path: Any):
    return make_settings(tmp_path, digest_tick_s=0)


def mod_log(fake: FakeDiscord, world: World) -> Any:
    return fake.add_channel(
        world.guild,
        "mod-log",
        overwrites=[
            Overwrite.role(world.guild.everyone, deny=P.VIEW_CHANNEL),
            Overwrite.role(world.mods, allow=P.VIEW_CHANNEL),
            Overwrite.member(fake.bot_user, allow=P.VIEW_CHANNEL),
        ],
    )


def secret_debate(fake: FakeDiscord, world: World) -> Any:
    thread = fake.add_thread(world.secret, "launch date", owner=world.alice)
    lines = [
        ("alice", "SECRET-DEBATE: we should move the launch to March."),
        ("bob", "SECRET-DEBATE: I disagree, March is too late for the partners."),
        ("carol", "SECRET-DEBATE: I agree with alice, the beta needs more time."),
        ("dave", "SECRET-DEBATE: No way, the partners signed for February."),
    ]
    for name, text in lines:
        fake.add_message(thread, world.users[name], text)
    return thread


def config(world: World, destination: Any, **changes: Any) -> DigestConfig:
    base = DigestConfig(
        guild_id=world.guild.id,
        name="daily",
        destination_id=destination.id,
        sources=(SourceRef(kind="guild", id=world.guild.id),),
        schedule=Schedule(at=time(0, 0), tz="UTC"),
    )
    return base.model_copy(update=changes)


def runner_of(bot: Any, now: datetime) -> DigestRunner:
    cog = bot.get_cog("Digests")  # load_extension imports the cog module anew: no isinstance
    assert cog is not None
    cog.runner.clock = lambda: now
    return cog.runner


def posts(fake: FakeDiscord, channel_id: int) -> list[Any]:
    return [s for s in fake.sent_messages() if s.channel_id == channel_id]


def requests(fake: FakeDiscord, method: str, fragment: str) -> list[Any]:
    return [r for r in fake.requests if r.method == method and fragment in r.path]


async def test_digest_now_posts_a_header_and_entries_in_a_thread_once(
    discord_fake: FakeDiscord, world: World, digest_settings: Any
) -> None:
    fake = discord_fake
    log = mod_log(fake, world)
    async with running(fake, digest_settings) as bot:
        row_id = await bot.store.save_digest(
            config(world, log), created_by=None, next_run=START + timedelta(days=1)
        )
        row = await bot.store.digest(row_id)
        runner = runner_of(bot, START + timedelta(hours=1))
        outcome = await runner.run_now(row)
        assert outcome.state == "posted", outcome.text

        header, *rest = posts(fake, log.id)
        assert rest == []  # entries go into the thread under the header
        content = header.payload["content"]
        # The debate thread, and #secret (mods may read it; one person, so not a debate).
        assert "2 threads with activity · 10 messages" in content
        assert "1 debate shown" in content
        assert "4 people" in content
        assert header.payload.get("enforce_nonce") is True and header.payload.get("nonce")
        assert [f.filename for f in header.files] == ["debate-digest.md"]
        assert header.payload["allowed_mentions"]["parse"] == []

        (made,) = requests(
            fake, "POST", f"/channels/{log.id}/messages/{header.message['id']}/threads"
        )
        entries = posts(fake, int(header.message["id"]))
        assert len(entries) == 1
        entry = entries[0].payload["content"]
        assert entry.startswith("**1. ")
        said = {text for _, text in DEBATE}
        assert any(text[:40] in entry for text in said), entry
        assert f"https://discord.com/channels/{world.guild.id}/{world.thread.id}" in entry

        # The same moment again: claimed already, nothing posted twice.
        again = await runner.run_now(await bot.store.digest(row_id))
        assert again.state == "busy"
        assert len(posts(fake, log.id)) == 1 and made


async def test_a_public_digest_never_shows_a_private_channel_a_mod_digest_does(
    discord_fake: FakeDiscord, world: World, digest_settings: Any
) -> None:
    fake = discord_fake
    log = mod_log(fake, world)
    secret = secret_debate(fake, world)
    async with running(fake, digest_settings) as bot:
        runner = runner_of(bot, START + timedelta(hours=1))
        public = await bot.store.save_digest(
            config(world, world.general, name="public"), created_by=None, next_run=START
        )
        mods = await bot.store.save_digest(
            config(world, log, name="mods"), created_by=None, next_run=START
        )
        out_public = await runner.run_now(await bot.store.digest(public))
        out_mods = await runner.run_now(await bot.store.digest(mods))

    def text_of(channel_id: int) -> str:
        header = posts(fake, channel_id)[0]
        thread_id = int(header.message["id"])
        return " ".join(
            [str(header.payload)] + [str(s.payload) for s in posts(fake, thread_id)]
            + [f.content.decode() for f in header.files]
        )  # fmt: skip

    assert "SECRET" not in text_of(world.general.id)
    assert any("#secret" in reason for reason in out_public.left_out)
    assert "SECRET-DEBATE" in text_of(log.id)
    assert out_mods.state == "posted" and not any("#secret" in r for r in out_mods.left_out)
    assert secret.id


async def test_a_crash_after_the_header_resumes_without_a_second_header(
    discord_fake: FakeDiscord, world: World, digest_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = discord_fake
    log = mod_log(fake, world)
    async with running(fake, digest_settings) as bot:
        row_id = await bot.store.save_digest(config(world, log), created_by=None, next_run=START)
        runner = runner_of(bot, START + timedelta(hours=1))

        async def crash(*args: Any, **kwargs: Any) -> Any:
            raise SystemExit("killed between the header and the entries")

        monkeypatch.setattr(runner, "_entries_target", crash)
        with pytest.raises(SystemExit):
            await runner.run_now(await bot.store.digest(row_id))
        assert len(posts(fake, log.id)) == 1
        monkeypatch.undo()

        # The process restarts under the same name: the unfinished run resumes.
        (outcome,) = await runner.recover()
        assert outcome.state == "posted", outcome.text
        headers = posts(fake, log.id)
        assert len(headers) == 1
        entries = posts(fake, int(headers[0].message["id"]))
        assert len(entries) == 1
        assert await runner.recover() == []


async def test_a_retried_post_with_the_same_nonce_is_not_posted_twice(
    discord_fake: FakeDiscord, world: World, digest_settings: Any
) -> None:
    fake = discord_fake
    log = mod_log(fake, world)
    async with running(fake, digest_settings) as bot:
        channel = bot.get_channel(log.id)
        first = await channel.send("hello", nonce="n-1")
        second = await channel.send("hello", nonce="n-1")
        assert first.id == second.id
        assert len(posts(fake, log.id)) == 1


async def test_three_missed_days_post_one_catch_up_digest(
    discord_fake: FakeDiscord, world: World, digest_settings: Any
) -> None:
    fake = discord_fake
    log = mod_log(fake, world)
    async with running(fake, digest_settings) as bot:
        bot.store._clock = lambda: START - timedelta(days=5)  # set up five days earlier
        row_id = await bot.store.save_digest(
            config(world, log, schedule=Schedule(at=time(0, 30), tz="UTC")),
            created_by=None,
            next_run=START - timedelta(days=3),
        )
        # It last posted four days before the debate; the bot was down since.
        from bot.digest.schedule import Period

        last = Period(
            start=START - timedelta(days=5), end=START - timedelta(days=3, hours=23, minutes=30)
        )
        assert await bot.store.claim_period(row_id, last, owner="old")
        await bot.store.finish_period(
            row_id, last, state="done", outcome="posted", next_run=START - timedelta(days=3)
        )
        runner = runner_of(bot, START + timedelta(days=1, hours=1))
        (outcome,) = await runner.tick()
        assert outcome.state == "posted"
        assert await runner.tick() == []  # nothing more is due: one digest, not a burst
        (header,) = posts(fake, log.id)
        assert "Catch-up: 4 scheduled digests missed" in header.payload["content"]
        row = await bot.store.digest(row_id)
        assert row is not None and row.next_run == START + timedelta(days=2, minutes=30)


async def test_an_empty_period_posts_nothing_and_a_skipped_one_says_why(
    discord_fake: FakeDiscord, world: World, digest_settings: Any
) -> None:
    fake = discord_fake
    quiet = fake.add_channel(world.guild, "quiet")
    async with running(fake, digest_settings) as bot:
        runner = runner_of(bot, START + timedelta(hours=1))
        empty = await bot.store.save_digest(
            config(
                world, world.general, name="quiet",
                sources=(SourceRef(kind="channel", id=quiet.id),),
            ),
            created_by=None, next_run=START,
        )  # fmt: skip
        outcome = await runner.run_now(await bot.store.digest(empty))
        assert outcome.state == "quiet" and posts(fake, world.general.id) == []

        skipped = await bot.store.save_digest(
            config(
                world, world.general, name="secret only",
                sources=(SourceRef(kind="channel", id=world.secret.id),),
            ),
            created_by=None, next_run=START,
        )  # fmt: skip
        outcome = await runner.run_now(await bot.store.digest(skipped))
        assert outcome.state == "skipped"
        (line,) = posts(fake, world.general.id)
        assert "skipped: no source channel is readable by everyone here" in line.payload["content"]
        assert "SECRET" not in str(line.payload)


def said(fake: FakeDiscord, it: Any) -> str:
    return "\n".join(
        s.payload.get("content") or "" for s in fake.sent_messages() if s.interaction is it
    )


async def test_digest_commands_set_up_show_pause_and_refuse_bad_input(
    discord_fake: FakeDiscord, world: World, digest_settings: Any
) -> None:
    fake = discord_fake
    log = mod_log(fake, world)
    admins = fake.add_role(world.guild, "admins", P.MANAGE_GUILD)
    boss = fake.add_user("boss")
    fake.add_member(world.guild, boss, [admins])
    async with running(fake, digest_settings) as bot:
        setup = await fake.interaction(
            boss, world.general, "digest setup",
            {"destination": log, "time": "9:00", "timezone": "Europe/Berlin",
             "days": "mon,thu", "debates": 3},
        )  # fmt: skip
        await fake.wait_for(lambda: said(fake, setup), timeout=10)
        assert setup.ephemeral
        assert "Mon, Thu at 09:00 Europe/Berlin, 3 debates" in said(fake, setup)
        (row,) = await bot.store.digests(world.guild.id)
        assert row.config.destination_id == log.id and row.config.max_debates == 3
        assert row.next_run is not None and row.next_run.weekday() in (0, 3)

        bad = await fake.interaction(
            boss, world.general, "digest setup",
            {"destination": log, "time": "9:00", "timezone": "Mars/Olympus"},
        )  # fmt: skip
        await fake.wait_for(lambda: said(fake, bad), timeout=10)
        assert bad.ephemeral and "unknown time zone" in said(fake, bad)

        show = await fake.interaction(boss, world.general, "digest show", {})
        await fake.wait_for(lambda: said(fake, show), timeout=10)
        assert "Next run:" in said(fake, show) and show.ephemeral

        pause = await fake.interaction(boss, world.general, "digest pause", {})
        await fake.wait_for(lambda: said(fake, pause), timeout=10)
        (row,) = await bot.store.digests(world.guild.id)
        assert not row.enabled

        refused = await fake.interaction(world.bob, world.general, "digest show", {})
        await fake.wait_for(lambda: said(fake, refused), timeout=10)
        assert refused.ephemeral and "Next run" not in said(fake, refused)


async def test_the_llm_summarizes_only_the_debates_shown(
    discord_fake: FakeDiscord, world: World, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fakes.fake_openai import FakeOpenAI, debate_responder

    monkeypatch.setenv("OPENAI_API_KEY", "test")
    fake = discord_fake
    log = mod_log(fake, world)
    # Two more debates beside the world's: three candidates, one shown.
    for n in range(2):
        thread = fake.add_thread(world.general, f"debate {n}", owner=world.bob)
        for name, text in DEBATE:
            fake.add_message(thread, world.users[name], f"{text} ({n})")
    with FakeOpenAI(responder=debate_responder) as llm:
        settings = make_settings(
            tmp_path, model="openai/fake-model", api_base=llm.url, digest_tick_s=0
        )
        async with running(fake, settings) as bot:
            row_id = await bot.store.save_digest(
                config(world, log, max_debates=1), created_by=None, next_run=START
            )
            runner = runner_of(bot, START + timedelta(hours=2))
            outcome = await runner.run_now(await bot.store.digest(row_id))
        assert outcome.state == "posted", outcome.text
        # Ranked offline (no tokens); one LLM summary, of the one debate shown.
        prompts = [str(r) for r in llm.requests]
        assert len(prompts) == 1
    header = posts(fake, log.id)[0]
    assert (
        "3 debate" not in header.payload["content"]
        and "1 debate shown" in header.payload["content"]
    )
    more = posts(fake, int(header.message["id"]))[-1].payload["content"]
    assert more.startswith("2 more active threads")


async def test_opted_out_members_are_left_out_and_counted_and_deletion_withdraws_the_entry(
    discord_fake: FakeDiscord, world: World, digest_settings: Any
) -> None:
    fake = discord_fake
    log = mod_log(fake, world)
    async with running(fake, digest_settings) as bot:
        assert await bot.store.set_opt_out(world.guild.id, world.dave.id, opted_out=True)
        row_id = await bot.store.save_digest(config(world, log), created_by=None, next_run=START)
        runner = runner_of(bot, START + timedelta(hours=1))
        outcome = await runner.run_now(await bot.store.digest(row_id))
        assert outcome.state == "posted", outcome.text
        header = posts(fake, log.id)[0]
        (entry,) = posts(fake, int(header.message["id"]))
        everything = str(header.payload) + str(entry.payload) + header.files[0].content.decode()
        daves = [text for name, text in DEBATE if name == "dave"]
        assert not any(text[:30] in everything for text in daves)
        assert "2 messages from a member who opted out were left out" in everything

        # A message the entry was made from is deleted: the entry (and the header, whose
        # attachment quotes it) are withdrawn, with no word of them left.
        alices = [m for m in world.thread.messages if m["author"]["id"] == str(world.alice.id)]
        fake.delete_message(world.thread, alices[0]["id"])

        def withdrawn(message_id: str) -> list[Any]:
            return [
                r for r in fake.requests
                if r.method == "PATCH" and r.path.endswith(f"/messages/{message_id}")
            ]  # fmt: skip

        await fake.wait_for(
            lambda: withdrawn(entry.message["id"]) and withdrawn(header.message["id"]), timeout=10
        )
        body = withdrawn(entry.message["id"])[-1].json
        assert body["content"].startswith("This summary was withdrawn")
        assert alices[0]["content"][:30] not in str(body)
