"""CPU work in worker processes, capped per request (`bot.workers`, `REQUEST_CPU_S`): two hostile
requests are told "too large to summarize here" and cannot stall everyone; a worker that runs
over is killed and replaced, and the bot keeps answering."""

from __future__ import annotations

import pytest
from cpu_helpers import HANG, SPIN, hostile
from discord_helpers import DEBATE, PASTE, World, make_settings

from bot.discord.app import assembled
from bot.workers import CpuPool

pytestmark = pytest.mark.asyncio


def has_embeds(it) -> bool:  # noqa: ANN001
    return bool(
        (it.original and it.original.get("embeds")) or any(f.get("embeds") for f in it.followups)
    )


def texts_for(fake, it) -> str:  # noqa: ANN001
    return "\n".join(
        s.payload.get("content") or "" for s in fake.sent_messages() if s.interaction is it
    )


async def test_two_hostile_requests_do_not_stall_a_third(discord_fake, world: World, tmp_path):
    fake = discord_fake
    settings = make_settings(tmp_path, cpu_workers=2, request_cpu_s=1.0)
    pool = CpuPool(2, settings.request_cpu_s, initializer=hostile, hard_factor=3.0)
    async with assembled(settings, cpu=pool) as bot, fake.run_client(bot):
        assert bot.cpu is pool
        spin = await fake.interaction(world.bob, world.general, "summarize",
                                      {"text": f"{PASTE}\nAnd one more thing. {SPIN}"})  # fmt: skip
        hang = await fake.interaction(world.carol, world.general, "summarize",
                                      {"text": f"{PASTE}\nThe last word. {HANG}"})  # fmt: skip
        # Both workers are busy with hostile work when the third person asks.
        third = await fake.interaction(world.dave, world.thread, "summarize", {})
        await fake.wait_for(lambda: has_embeds(third), timeout=30)
        await fake.wait_for(lambda: texts_for(fake, spin) and texts_for(fake, hang), timeout=30)
        # The hanging worker was killed and replaced (on a loaded machine the spinning one may
        # reach the wall-clock limit before its CPU timer, and be replaced too): the pool is
        # whole again and answers a fourth request.
        await fake.wait_for(lambda: pool.replaced >= 1 and pool._idle.qsize() == 2, timeout=30)
        fourth = await fake.interaction(world.alice, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: has_embeds(fourth), timeout=30)
    for refused in (spin, hang):
        text = texts_for(fake, refused)
        assert "This thread is too large to summarize here" in text, text
        assert "1 s of computing time" in text
        assert not has_embeds(refused)
    assert f"{len(DEBATE)} comments read" in third.original["embeds"][0]["description"]
    for handle in fake.interactions.values():
        assert handle.rejections == [], handle.rejections
