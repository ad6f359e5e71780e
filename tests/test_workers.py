"""The CPU worker processes (`bot.workers`): the same results as in this process, a clean error
past the per-request CPU allowance, and a worker that runs over killed and replaced."""

from __future__ import annotations

import asyncio
import os
import sys
from concurrent.futures.process import BrokenProcessPool

import pytest

from bot.bench.synth import build_thread
from bot.errors import UserError
from bot.ingest import InputSource
from bot.workers import IN_PROCESS, CpuPool, TooLarge

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "discord"))
from cpu_helpers import EXIT, HANG, SPIN, hostile  # noqa: E402

pytestmark = pytest.mark.asyncio


async def test_pool_gives_what_the_process_gives() -> None:
    thread, _ = build_thread(300, seed=3)
    async with CpuPool(1, 60) as pool:
        request = pool.request()
        unique, report = await request.dedupe(thread, 0.85)
        summary, verification, notes = await request.offline(unique, max_points_per_side=3)
        parsed = await request.parse([InputSource(name="a.txt", data=b"Alice: yes\nBob: no")])
        assert 0 < request.used_s < 60
    local_unique, local_report = await IN_PROCESS.dedupe(thread, 0.85)
    assert (unique, report) == (local_unique, local_report)
    assert (summary, verification, notes) == await IN_PROCESS.offline(
        local_unique, max_points_per_side=3
    )
    assert parsed == await IN_PROCESS.parse(
        [InputSource(name="a.txt", data=b"Alice: yes\nBob: no")]
    )


async def test_bad_input_is_the_input_error_and_keeps_the_worker() -> None:
    async with CpuPool(1, 60) as pool:
        with pytest.raises(UserError) as caught:
            await pool.request().parse([InputSource(name="empty.txt", data=b"")])
        assert not isinstance(caught.value, TooLarge)
        assert pool.replaced == 0
        thread = await pool.request().parse([InputSource(name="a.txt", data=b"one\ntwo")])
    assert len(thread.comments) == 2


async def test_cpu_cap_stops_the_task_and_keeps_the_worker() -> None:
    spin = await IN_PROCESS.parse([InputSource(name="s.txt", data=f"a {SPIN}\nb".encode())])
    # A generous wall-clock limit: on a loaded machine 0.5 s of CPU can take seconds.
    async with CpuPool(1, 0.5, initializer=hostile, hard_factor=60) as pool:
        request = pool.request()
        with pytest.raises(TooLarge, match="too large to summarize here"):
            await request.dedupe(spin)
        assert pool.replaced == 0
        # The allowance is the request's: spent, the next step is refused at once.
        with pytest.raises(TooLarge):
            await request.dedupe(spin)
        ok = await IN_PROCESS.parse([InputSource(name="o.txt", data=b"yes\nno")])
        unique, _ = await pool.request().dedupe(ok)
    assert len(unique.comments) == 2


async def test_a_worker_past_the_wall_clock_limit_is_killed_and_replaced() -> None:
    hang = await IN_PROCESS.parse([InputSource(name="h.txt", data=f"a {HANG}\nb".encode())])
    ok = await IN_PROCESS.parse([InputSource(name="o.txt", data=b"yes\nno")])
    async with CpuPool(2, 0.3, initializer=hostile, hard_factor=2.0) as pool:
        pids = {w.pid for w in pool._all}
        with pytest.raises(TooLarge):
            await pool.request().dedupe(hang)
        assert pool.replaced == 1
        # Meanwhile and after, the other worker and the replacement answer.
        results = await asyncio.gather(*(pool.request().dedupe(ok) for _ in range(4)))
        assert all(len(unique.comments) == 2 for unique, _ in results)
        await asyncio.wait_for(_until(lambda: pool._idle.qsize() == 2), 10)
        assert len({w.pid for w in pool._all} - pids) == 1


async def test_a_cancelled_request_does_not_leave_its_worker_busy() -> None:
    hang = await IN_PROCESS.parse([InputSource(name="h.txt", data=f"a {HANG}\nb".encode())])
    async with CpuPool(1, 60, initializer=hostile) as pool:
        task = asyncio.create_task(pool.request().dedupe(hang))
        await asyncio.wait_for(_until(lambda: pool._idle.qsize() == 0), 10)  # it is running
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert pool.replaced == 1
        ok = await IN_PROCESS.parse([InputSource(name="o.txt", data=b"yes\nno")])
        unique, _ = await asyncio.wait_for(pool.request().dedupe(ok), 20)
    assert len(unique.comments) == 2


async def test_a_worker_that_dies_is_replaced() -> None:
    dies = await IN_PROCESS.parse([InputSource(name="x.txt", data=f"a {EXIT}\nb".encode())])
    ok = await IN_PROCESS.parse([InputSource(name="o.txt", data=b"yes\nno")])
    async with CpuPool(1, 60, initializer=hostile) as pool:
        with pytest.raises(BrokenProcessPool):
            await pool.request().dedupe(dies)
        assert pool.replaced == 1
        unique, _ = await asyncio.wait_for(pool.request().dedupe(ok), 20)
    assert len(unique.comments) == 2


async def _until(predicate) -> None:  # noqa: ANN001
    while not predicate():
        await asyncio.sleep(0.02)


async def test_pool_dedupe_prepares_the_cache_key() -> None:
    """The worker serialises the deduplicated comments for the cache key: the key is the one
    made from scratch, and a different thread never gets another's bytes."""
    from bot.store import keys

    thread, _ = build_thread(300, seed=5)
    async with CpuPool(1, 60) as pool:
        unique, _report = await pool.request().dedupe(thread, 0.85)
    assert keys._prepared_for(unique) == keys.comments_bytes(unique)
    fields = {"engine": "offline", "model": None, "prompt_version": "1", "options": {"n": 4}}
    fresh = unique.model_copy()  # equal comments, another object: serialised from scratch
    assert keys._prepared_for(fresh) is None
    assert keys.cache_key(unique, **fields) == keys.cache_key(fresh, **fields)
    changed = unique.model_copy(
        update={"comments": (unique.comments[0].model_copy(update={"text": "changed"}),)}
    )
    assert keys.cache_key(changed, **fields) != keys.cache_key(unique, **fields)


async def test_workers_run_below_the_bots_priority() -> None:
    """On a busy machine the event loop's process gets a core before its own workers."""
    from bot.workers import WORKER_NICE

    async with CpuPool(1, 60) as pool:
        _used, niceness = await pool.run(10, os.nice, 0)
    assert niceness == min(19, os.nice(0) + WORKER_NICE)
