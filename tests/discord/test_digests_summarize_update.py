"""`/summarize` of a thread summarized before that has grown: an update, not a re-read."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from discord_helpers import DEBATE, World, make_settings, running
from fakes.discord import FakeDiscord


def _said(fake: FakeDiscord, it: Any) -> str:
    sent = [s for s in fake.sent_messages() if s.interaction is it]
    files = [f.content.decode("utf-8", "replace") for s in sent for f in s.files]
    return "\n".join([str(s.embeds) + (s.content or "") for s in sent] + files)


def _answered(fake: FakeDiscord, it: Any) -> bool:
    return any(s.interaction is it and (s.embeds or s.files) for s in fake.sent_messages())


def _block(request: dict[str, Any], kind: str) -> str | None:
    user = request["messages"][-1]["content"]
    match = re.search(rf"<<<{kind} ([0-9a-f]+)>>>\n(.*?)\n<<<END {kind} \1>>>", user, re.S)
    return match.group(2) if match else None


def _comment_lines(request: dict[str, Any]) -> list[str]:
    block = _block(request, "THREAD") or ""
    return [line for line in block.split("\n") if re.match(r"\d+ ", line)]  # `7 bob: text`


GROWN = [
    ("alice", "GROWN-1: the commute alone costs people an hour every single day."),
    ("bob", "GROWN-2: I disagree, teams in one room settle arguments much faster."),
    ("carol", "GROWN-3: I agree with alice, writing things down scales better."),
]


async def test_a_grown_thread_is_updated_and_an_edit_in_the_old_part_forces_a_full_read(
    discord_fake: FakeDiscord, world: World, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fakes.fake_openai import FakeOpenAI, debate_responder

    monkeypatch.setenv("OPENAI_API_KEY", "test")
    fake = discord_fake
    for n in range(3):  # a debate of some length
        for name, text in DEBATE:
            fake.add_message(world.thread, world.users[name], f"{text} (round {n})")
    old_count = len(DEBATE) * 4
    with FakeOpenAI(responder=debate_responder) as llm:
        settings = make_settings(tmp_path, model="openai/fake-model", api_base=llm.url)
        async with running(fake, settings):
            first = await fake.interaction(world.alice, world.thread, "summarize", {})
            await fake.wait_for(lambda: _answered(fake, first), timeout=20)
            assert len(llm.requests) == 1
            full = llm.requests[0]
            assert _block(full, "SUMMARY") is None and len(_comment_lines(full)) == old_count

            for name, text in GROWN:
                fake.add_message(world.thread, world.users[name], text)
            second = await fake.interaction(world.bob, world.thread, "summarize", {})
            await fake.wait_for(lambda: _answered(fake, second), timeout=20)
            assert len(llm.requests) == 2
            update = llm.requests[1]
            # The previous summary as context and only the three new messages as data.
            assert (_block(update, "SUMMARY") or "").count("summary: {") == 1
            assert [line.split(": ", 1)[1][:7] for line in _comment_lines(update)] == [
                "GROWN-1", "GROWN-2", "GROWN-3",
            ]  # fmt: skip
            said = _said(fake, second)
            assert "updated from the previous summary with 3 new comments" in said
            assert f"{old_count + 3} comments" in said or str(old_count + 3) in said

            # Nothing new since: the updated summary is served as it is, with no request.
            again = await fake.interaction(world.dave, world.thread, "summarize", {})
            await fake.wait_for(lambda: _answered(fake, again), timeout=20)
            assert len(llm.requests) == 2
            assert "updated from the previous summary" in _said(fake, again)

            # An old message edited (while the bot was away: no event), then one more message:
            # the old part changed, so the thread is read again in full.
            old = world.thread.messages[0]
            old["content"] = old["content"].replace("is better", "is worse")
            assert "is worse" in old["content"]
            old["edited_timestamp"] = fake.ids.now.isoformat()
            fake.add_message(world.thread, world.dave, "GROWN-4: no, offices cost too much rent.")
            third = await fake.interaction(world.carol, world.thread, "summarize", {})
            await fake.wait_for(lambda: _answered(fake, third), timeout=20)
            assert len(llm.requests) == 3
            reread = llm.requests[2]
            assert _block(reread, "SUMMARY") is None
            assert len(_comment_lines(reread)) == old_count + 4
            assert "read again in full" in _said(fake, third)

    def size(request: dict[str, Any]) -> int:
        return sum(len(m["content"]) for m in request["messages"])

    # The update sent fewer tokens than reading the thread (the fixed prompt is most of it
    # here): assert on what was sent; its data is a fraction of the re-read's.
    assert size(update) < size(full) < size(reread)
    data = len(_block(update, "SUMMARY") or "") + len(_block(update, "THREAD") or "")
    assert data < 0.6 * len(_block(reread, "THREAD") or "")


async def test_deleting_a_message_forgets_the_kept_summary_so_the_next_one_reads_in_full(
    discord_fake: FakeDiscord, world: World, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fakes.fake_openai import FakeOpenAI, debate_responder

    monkeypatch.setenv("OPENAI_API_KEY", "test")
    fake = discord_fake
    with FakeOpenAI(responder=debate_responder) as llm:
        settings = make_settings(tmp_path, model="openai/fake-model", api_base=llm.url)
        async with running(fake, settings) as bot:
            first = await fake.interaction(world.alice, world.thread, "summarize", {})
            await fake.wait_for(lambda: _answered(fake, first), timeout=20)
            assert (await bot.store.stats()).entries == 2  # the summary and the kept copy
            gone = world.thread.messages[3]
            fake.delete_message(world.thread, gone["id"])
            async with asyncio.timeout(10):  # the bot forgets in its event handler
                while (await bot.store.stats()).entries:
                    await asyncio.sleep(0.02)
            for name, text in GROWN:
                fake.add_message(world.thread, world.users[name], text)
            second = await fake.interaction(world.bob, world.thread, "summarize", {})
            await fake.wait_for(lambda: _answered(fake, second), timeout=20)
    assert len(llm.requests) == 2
    assert _block(llm.requests[1], "SUMMARY") is None  # a full read, not an update
    assert len(_comment_lines(llm.requests[1])) == len(DEBATE) - 1 + len(GROWN)
    assert gone["content"][:30] not in str(llm.requests[1])
