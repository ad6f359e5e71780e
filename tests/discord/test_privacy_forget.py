"""Forgetting reaches what was posted (issue 11): a deleted or edited source withdraws the
public answers made from it and leaves the store; the bot purges expired results itself.
Asserted on the REST requests the real discord.py client made to the loopback Discord."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from discord_helpers import World, link, make_settings, running
from privacy_helpers import (
    answer_of,
    answered,
    bulk_delete,
    edit_as_author,
    edits_of,
    eventually,
    posted,
    query,
    remove_bot_from,
)

from bot.discord.jobs import WITHDRAWN
from bot.store import PostedAnswer
from bot.store.bench import realistic_result
from bot.store.sqlite import SQLiteStore

QUOTED = 4  # alice's message, which the offline summary quotes as a point
QUOTED_WORDS = "Async writing makes remote teams document decisions"


def again_id(world: World, channel: object = None) -> str:
    channel = channel or world.thread
    return f"digest:again:{world.guild.id}:{channel.id}:0"


def withdrawn_body(fake, answer, why: str) -> dict:  # noqa: ANN001
    edits = edits_of(fake, answer)
    assert len(edits) == 1, [e.json for e in edits]
    return edits[0].json


async def test_deleting_a_quoted_message_withdraws_the_posted_answer(
    discord_fake, world: World, settings, tmp_path
) -> None:
    fake = discord_fake
    quoted_message = world.thread.messages[QUOTED]
    assert QUOTED_WORDS in quoted_message["content"]
    async with running(fake, settings):
        it = await fake.interaction(world.alice, world.thread, "summarize", {})
        await fake.wait_for(lambda: answered(it), timeout=20)
        answer = answer_of(it)
        assert QUOTED_WORDS in str(answer["embeds"])
        assert query(tmp_path, "SELECT count(*) FROM results") == [(1,)]
        # Recorded just after the answer is sent.
        await posted(tmp_path)

        fake.delete_message(world.thread, quoted_message["id"])
        await fake.wait_for(lambda: edits_of(fake, answer), timeout=10)
        body = withdrawn_body(fake, answer, "deleted")
        # The answer now says why, with a button, and holds no word of the summary.
        assert body["content"] == WITHDRAWN["deleted"]
        assert body["embeds"] == [] and body["attachments"] == []
        assert body["allowed_mentions"]["parse"] == []
        buttons = [c for row in body["components"] for c in row["components"]]
        assert [(b["label"], b["custom_id"]) for b in buttons] == [
            ("Summarize again", again_id(world))
        ]
        shown = fake.find_message(world.thread.id, int(answer["id"]))
        assert shown is not None and shown["embeds"] == [] and shown["attachments"] == []
        assert QUOTED_WORDS not in str(shown)
        # And the cached result made from it is gone.
        assert query(tmp_path, "SELECT count(*) FROM results") == [(0,)]
        await eventually(
            lambda: query(tmp_path, "SELECT withdrawn_at IS NOT NULL FROM posted_answers") == [(1,)]
        )

        # A second delete event from the same source does not edit it again (checked at the
        # end, after the click below was handled: gateway events are handled in order).
        fake.delete_message(world.thread, world.thread.messages[0]["id"])

        # "Summarize again" makes a new summary of what is left, for whoever clicks.
        again = await fake.component(world.bob, shown, again_id(world))
        await fake.wait_for(
            lambda: (
                (again.original and again.original.get("embeds"))
                or any(f.get("embeds") for f in again.followups)
            ),
            timeout=20,
        )
        fresh = str(again.original) + str(again.followups)
        assert QUOTED_WORDS not in fresh
    assert len(edits_of(fake, answer)) == 1


async def test_a_bulk_delete_withdraws_too(discord_fake, world: World, settings, tmp_path) -> None:
    fake = discord_fake
    async with running(fake, settings):
        it = await fake.interaction(world.alice, world.thread, "summarize", {})
        await fake.wait_for(lambda: answered(it), timeout=20)
        answer = answer_of(it)
        await posted(tmp_path)
        bulk_delete(fake, world.thread, world.thread.messages[2:4])
        await fake.wait_for(lambda: edits_of(fake, answer), timeout=10)
        assert withdrawn_body(fake, answer, "deleted")["content"] == WITHDRAWN["deleted"]
        assert query(tmp_path, "SELECT count(*) FROM results") == [(0,)]


async def test_an_edited_source_invalidates_the_summary_and_its_old_text(
    discord_fake, world: World, settings, tmp_path
) -> None:
    fake = discord_fake
    quoted_message = world.thread.messages[QUOTED]
    async with running(fake, settings):
        it = await fake.interaction(world.alice, world.thread, "summarize", {})
        await fake.wait_for(lambda: answered(it), timeout=20)
        answer = answer_of(it)
        await posted(tmp_path)
        stored = query(tmp_path, "SELECT result_json FROM results")
        assert len(stored) == 1 and QUOTED_WORDS in stored[0][0]

        edit_as_author(fake, world.thread, quoted_message, "Actually, video calls work fine.")
        await fake.wait_for(lambda: edits_of(fake, answer), timeout=10)
        assert withdrawn_body(fake, answer, "edited")["content"] == WITHDRAWN["edited"]
        # The pre-edit text is out of the store now, not at expiry.
        assert all(QUOTED_WORDS not in row[0] for row in query(tmp_path, "SELECT * FROM results"))
        assert query(tmp_path, "SELECT count(*) FROM results") == [(0,)]

        # The bot's own edits (progress, withdrawals) invalidate nothing.
        again = await fake.interaction(world.alice, world.thread, "summarize", {})
        await fake.wait_for(lambda: answered(again), timeout=20)
        assert query(tmp_path, "SELECT count(*) FROM results") == [(1,)]
        assert (
            "Actually, video calls work fine."
            in query(tmp_path, "SELECT result_json FROM results")[0][0]
        )


async def test_deleting_the_thread_withdraws_answers_posted_elsewhere(
    discord_fake, world: World, settings, tmp_path
) -> None:
    fake = discord_fake
    async with running(fake, settings):
        # Asked in #general about its public thread: a public answer in #general.
        it = await fake.interaction(
            world.bob, world.general, "summarize", {"link": link(world.thread)}
        )
        await fake.wait_for(lambda: answered(it), timeout=20)
        answer = answer_of(it)
        assert int(answer["channel_id"]) == world.general.id
        await posted(tmp_path)
        fake.delete_channel(world.thread)
        await fake.wait_for(lambda: edits_of(fake, answer), timeout=10)
        assert withdrawn_body(fake, answer, "channel")["content"] == WITHDRAWN["channel"]
        assert query(tmp_path, "SELECT count(*) FROM results") == [(0,)]


async def test_leaving_a_server_forgets_its_results_and_answers(
    discord_fake, world: World, settings, tmp_path
) -> None:
    fake = discord_fake
    async with running(fake, settings) as bot:
        it = await fake.interaction(world.alice, world.thread, "summarize", {})
        await fake.wait_for(lambda: answered(it), timeout=20)
        # Recorded just after the answer is sent.
        await posted(tmp_path)
        remove_bot_from(fake, world.guild)
        await fake.wait_for(lambda: bot.get_guild(world.guild.id) is None, timeout=10)
        await eventually(lambda: query(tmp_path, "SELECT count(*) FROM posted_answers") == [(0,)])
        assert query(tmp_path, "SELECT count(*) FROM results") == [(0,)]
        # The answers were in that server: nothing is edited there any more.
        assert edits_of(fake, answer_of(it)) == []


async def test_private_answers_are_withdrawn_while_their_token_lasts_never_stored(
    discord_fake, world: World, settings, tmp_path
) -> None:
    fake = discord_fake
    secret_message = world.secret.messages[1]
    async with running(fake, settings):
        it = await fake.interaction(
            world.alice, world.general, "summarize", {"link": link(world.secret)}
        )

        # Private from its first "thinking" message, the answer replaces the original.
        def private_answer() -> dict | None:
            shown = [it.original, *it.followups]
            return next((m for m in shown if m and m.get("embeds")), None)

        await fake.wait_for(private_answer, timeout=20)
        private = private_answer()
        assert private is not None and it.ephemeral
        assert "SECRET-PLAN" in str(private)
        assert query(tmp_path, "SELECT count(*) FROM results") == [(1,)]
        # A public answer asked afterwards is recorded: by then the private one would be too.
        public = await fake.interaction(world.alice, world.thread, "summarize", {})
        await fake.wait_for(lambda: answered(public), timeout=20)
        await posted(tmp_path)
        recorded = query(tmp_path, "SELECT message_id FROM posted_answers")
        assert recorded == [(int(answer_of(public)["id"]),)]

        # Its interaction token is alive: the private answer is edited through it.
        paths = (f"/messages/{private['id']}", "/messages/@original")

        def webhook_edits() -> list:
            return [
                r
                for r in fake.requests
                if r.method == "PATCH"
                and r.path.startswith("/webhooks/")
                and it.token in r.path
                and r.path.endswith(paths)
            ]

        before = len(webhook_edits())  # the edit that put the answer there
        fake.delete_message(world.secret, secret_message["id"])
        await fake.wait_for(lambda: len(webhook_edits()) > before, timeout=10)
        body = webhook_edits()[-1].json
        assert body["content"] == WITHDRAWN["deleted"]
        assert body["embeds"] == [] and body["attachments"] == []
        assert "SECRET-PLAN" not in str(body)
        # Only the thread's result is left in the store.
        left = query(tmp_path, "SELECT result_json FROM results")
        assert len(left) == 1 and "SECRET-PLAN" not in left[0][0]
        # The public answer was not made from #secret: untouched.
        assert edits_of(fake, answer_of(public)) == []


async def test_the_bot_purges_expired_results_periodically(discord_fake, tmp_path) -> None:
    fake = discord_fake
    settings = make_settings(tmp_path, purge_interval_minutes=0.005)  # every 0.3 s
    long_ago = datetime.now(UTC) - timedelta(days=60)
    old = await SQLiteStore(tmp_path / "bot.sqlite3", clock=lambda: long_ago).open()
    await old.put("expired", realistic_result(), ttl_seconds=86400)
    await old.put("kept", realistic_result(), ttl_seconds=None)
    await old.close()
    async with running(fake, settings) as bot:
        await eventually(lambda: query(tmp_path, "SELECT key FROM results") == [("kept",)])
        # Not only at start: a result that expires while the bot runs goes too.
        await bot.store.put("short", realistic_result(), ttl_seconds=0.5)
        assert ("short",) in query(tmp_path, "SELECT key FROM results")
        await eventually(lambda: query(tmp_path, "SELECT key FROM results") == [("kept",)])


async def test_a_message_deleted_while_it_is_summarized_is_caught_up(
    discord_fake, world: World, tmp_path, fake_llm
) -> None:
    fake = discord_fake
    fake_llm.latency = 0.3  # the summary is still being made after the history was read
    settings = make_settings(tmp_path, model="openai/fake-model", api_base=fake_llm.url)
    async with running(fake, settings):
        it = await fake.interaction(world.alice, world.thread, "summarize", {})
        await fake.wait_for(lambda: fake_llm.requests, timeout=20)
        fake.delete_message(world.thread, world.thread.messages[QUOTED]["id"])
        await fake.wait_for(lambda: answered(it), timeout=30)
        answer = answer_of(it)
        # Stored and posted after the delete event: forgotten and withdrawn when the run ended.
        await fake.wait_for(lambda: edits_of(fake, answer), timeout=10)
        assert edits_of(fake, answer)[0].json["content"] == WITHDRAWN["deleted"]
        assert query(tmp_path, "SELECT count(*) FROM results") == [(0,)]


async def test_a_withdrawal_left_unfinished_is_finished_at_start(
    discord_fake, world: World, settings, tmp_path
) -> None:
    fake = discord_fake
    old_answer = fake.add_message(world.thread, fake.bot_user, "OLD-SUMMARY: quotes of carol")
    store = await SQLiteStore(tmp_path / "bot.sqlite3").open()
    post = PostedAnswer(
        message_id=int(old_answer["id"]),
        channel_id=world.thread.id,
        guild_id=world.guild.id,
        again_url=link(world.thread),
    )
    await store.record_post(post, [(world.guild.id, world.thread.id, None)])
    await store.mark_to_withdraw([post.message_id], "deleted")  # then the process stopped
    await store.close()
    async with running(fake, settings):
        await fake.wait_for(lambda: edits_of(fake, old_answer), timeout=10)
        assert edits_of(fake, old_answer)[0].json["content"] == WITHDRAWN["deleted"]
        assert "OLD-SUMMARY" not in str(fake.find_message(world.thread.id, post.message_id))
        await eventually(
            lambda: query(tmp_path, "SELECT withdrawn_at IS NOT NULL FROM posted_answers") == [(1,)]
        )
