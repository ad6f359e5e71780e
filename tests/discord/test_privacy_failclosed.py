"""The store fails closed where it guards something (issue 14), through the real bot: an LLM
run is refused when the budget cannot be read (cached answers and the offline engine still
work), a Discord conversation is not summarized when opt-outs cannot be read, and a forget the
database refused is retried until it is written."""

from __future__ import annotations

from discord_helpers import PASTE, World, make_settings, running
from privacy_helpers import (
    answer_of,
    answered,
    db_file,
    edits_of,
    eventually,
    posted,
    query,
    run_sql,
)

from bot.discord.jobs import BUDGET_UNKNOWN, OPT_OUTS_UNKNOWN, WITHDRAWN

BLOCK_USAGE = (
    "CREATE TRIGGER block_usage BEFORE INSERT ON guild_usage "
    "BEGIN SELECT RAISE(ABORT, 'read-only'); END"
)
BLOCK_DELETES = (
    "CREATE TRIGGER block_deletes BEFORE DELETE ON results "
    "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
)


def said(fake, it) -> str:  # noqa: ANN001
    return "\n".join(
        s.payload.get("content") or "" for s in fake.sent_messages() if s.interaction is it
    )


def has_answer(it) -> bool:  # noqa: ANN001
    return answered(it) or any(f.get("embeds") for f in it.followups)


async def test_an_unreadable_budget_refuses_llm_runs_only(
    discord_fake, world: World, tmp_path, fake_llm
) -> None:
    fake = discord_fake
    settings = make_settings(
        tmp_path, model="openai/fake-model", api_base=fake_llm.url, guild_daily_tokens=100_000
    )
    other = PASTE.replace("Remote work", "Working from home")
    async with running(fake, settings):
        first = await fake.interaction(world.alice, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: has_answer(first), timeout=30)
        calls = len(fake_llm.requests)
        assert calls > 0

        run_sql(tmp_path, "DROP TABLE guild_usage")  # the day's figures cannot be read
        refused = await fake.interaction(world.bob, world.general, "summarize", {"text": other})
        await fake.wait_for(lambda: BUDGET_UNKNOWN in said(fake, refused), timeout=10)
        assert len(fake_llm.requests) == calls  # never "0 used": no LLM call was made
        assert not has_answer(refused)

        # What was already made is still served, free.
        cached = await fake.interaction(world.carol, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: has_answer(cached), timeout=30)
        assert len(fake_llm.requests) == calls

    # The offline engine does not spend a budget: it still answers on the same database.
    async with running(fake, make_settings(tmp_path)):
        offline = await fake.interaction(world.bob, world.general, "summarize", {"text": other})
        await fake.wait_for(lambda: has_answer(offline), timeout=30)


async def test_unreadable_opt_outs_refuse_discord_sources(
    discord_fake, world: World, settings, tmp_path
) -> None:
    fake = discord_fake
    async with running(fake, settings):
        run_sql(tmp_path, "DROP TABLE opt_outs")
        it = await fake.interaction(world.alice, world.thread, "summarize", {})
        await fake.wait_for(lambda: OPT_OUTS_UNKNOWN in said(fake, it), timeout=10)
        assert not has_answer(it)
        assert fake.history_requests(world.thread.id) == []  # nothing was read
        status = await fake.interaction(world.bob, world.general, "privacy status", {})
        await fake.wait_for(lambda: "can't check" in said(fake, status), timeout=10)
        opt_out = await fake.interaction(world.bob, world.general, "privacy opt-out", {})
        await fake.wait_for(lambda: "nothing changed" in said(fake, opt_out), timeout=10)


async def test_a_forget_the_database_refused_is_retried_until_written(
    discord_fake, world: World, settings, tmp_path
) -> None:
    fake = discord_fake
    journal = db_file(tmp_path).with_name("bot.sqlite3-forget.jsonl")
    async with running(fake, settings) as bot:
        it = await fake.interaction(world.alice, world.thread, "summarize", {})
        await fake.wait_for(lambda: answered(it), timeout=20)
        answer = answer_of(it)
        await posted(tmp_path)
        run_sql(tmp_path, BLOCK_DELETES)
        fake.delete_message(world.thread, world.thread.messages[2]["id"])
        # The posted answer is withdrawn at once; the cached result waits for the database.
        await fake.wait_for(lambda: edits_of(fake, answer), timeout=10)
        assert edits_of(fake, answer)[0].json["content"] == WITHDRAWN["deleted"]
        await eventually(lambda: journal.exists())
        assert query(tmp_path, "SELECT count(*) FROM results") == [(1,)]
        assert bot.store.pending_forgets >= 1  # (a finishing run may queue the same forget)
        # Meanwhile nothing is served from the cache.
        assert await bot.store.get(query(tmp_path, "SELECT key FROM results")[0][0]) is None

        run_sql(tmp_path, "DROP TRIGGER block_deletes")
        await eventually(lambda: query(tmp_path, "SELECT count(*) FROM results") == [(0,)])
        await eventually(lambda: not journal.exists())
        assert bot.store.pending_forgets == 0


async def test_a_budget_that_cannot_be_charged_refuses_llm_runs(
    discord_fake, world: World, tmp_path, fake_llm
) -> None:
    """The ledger reserves before a run: a day's figures that cannot be written refuse the
    run (never "0 used"); once they can, the run is charged what it used."""
    fake = discord_fake
    settings = make_settings(
        tmp_path, model="openai/fake-model", api_base=fake_llm.url, guild_daily_tokens=100_000
    )
    async with running(fake, settings):
        run_sql(tmp_path, BLOCK_USAGE)  # reads work, writes of the day's figures fail
        first = await fake.interaction(world.alice, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: BUDGET_UNKNOWN in said(fake, first), timeout=10)
        assert fake_llm.requests == [] and not has_answer(first)

        run_sql(tmp_path, "DROP TRIGGER block_usage")
        again = await fake.interaction(world.bob, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: has_answer(again), timeout=30)
        assert fake_llm.requests
        await eventually(
            lambda: (
                query(tmp_path, "SELECT tokens FROM guild_usage")
                == query(tmp_path, "SELECT prompt_tokens + completion_tokens FROM results")
            )
        )
