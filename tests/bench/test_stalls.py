"""The stall sampler (a dev tool) finds the code that held the event loop, and only that."""

from __future__ import annotations

import asyncio
import gc
import time

from bot.bench.stalls import StallSampler, format_summary
from bot.gcpause import LATENCY_THRESHOLDS, latency_thresholds


def _hog_the_loop(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def test_a_blocking_call_on_the_loop_is_found() -> None:
    sampler = StallSampler(threshold_s=0.03)
    sampler.start()
    await asyncio.sleep(0.05)  # a quiet loop first: no stall
    quiet = len(sampler.stalls)
    _hog_the_loop(0.25)
    await asyncio.sleep(0.05)  # the heartbeat runs again and closes the stall
    sampler.stop()
    summary = sampler.summary()
    assert quiet == 0
    assert summary["stalls"] >= 1
    assert summary["worst_ms"][0] >= 200
    frames = [where for where, _ms in summary["loop_innermost"]]
    assert frames and "_hog_the_loop" in frames[0]
    hog_ms = dict(summary["loop_innermost"])[frames[0]]
    assert hog_ms >= 100  # about the time it held the loop, less the threshold
    assert "_hog_the_loop" in format_summary(summary)


async def test_work_in_a_thread_is_not_charged_to_the_loop() -> None:
    sampler = StallSampler(threshold_s=0.001)  # every late tick sampled (a busy machine)
    sampler.start()
    await asyncio.to_thread(_hog_the_loop, 0.3)  # the same work, in a worker thread
    sampler.stop()
    summary = sampler.summary(top=1000)
    on_loop = [where for where, _ms in summary["loop_innermost"] + summary["loop_stacks"]]
    assert not any("_hog_the_loop" in where for where in on_loop)


def test_latency_thresholds_are_set_and_restored() -> None:
    before = gc.get_threshold()
    with latency_thresholds():
        assert gc.get_threshold() == LATENCY_THRESHOLDS
    assert gc.get_threshold() == before
