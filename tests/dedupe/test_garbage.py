"""dedupe and ingest run with the cyclic garbage collector paused (`bot.gcpause`), and the pause
ages what survives straight into the oldest generation: so they must leave no reference cycle
behind, or a long-running bot would keep each large index alive until a full collection."""

from __future__ import annotations

import gc

import pytest

from bot.bench.synth import build_thread
from bot.dedupe import BULK_MIN_COMMENTS, dedupe
from bot.gcpause import paused_gc
from bot.ingest import InputSource, parse_source


def _cycles_left(run) -> int:
    run()  # imports and caches once, outside the count
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        run()
        return gc.collect()
    finally:
        if enabled:
            gc.enable()


@pytest.mark.parametrize("n", [300, BULK_MIN_COMMENTS + 500])
def test_dedupe_leaves_no_reference_cycles(n: int) -> None:
    thread, truth = build_thread(n, seed=3)
    assert truth.by_kind().get("repeated_block")  # pasted blocks: the recursive split runs
    assert _cycles_left(lambda: dedupe(thread)) == 0


def test_parse_leaves_no_reference_cycles() -> None:
    thread, _ = build_thread(BULK_MIN_COMMENTS + 500, seed=3)
    data = "\n".join(" ".join(c.text.split()) for c in thread.comments).encode()
    assert _cycles_left(lambda: parse_source(InputSource(name="t", data=data), "text")) == 0


def test_paused_gc_ages_survivors_and_restores_the_collector() -> None:
    gc.collect()
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        kept = [[i] for i in range(50_000)]
    assert gc.isenabled()
    assert gc.get_count()[0] < 1000  # not 50,000 young objects left for the next collection
    assert gc.get_freeze_count() == 0  # nothing left frozen
    del kept


def test_paused_gc_leaves_a_frozen_set_alone() -> None:
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with paused_gc():
            kept = [[i] for i in range(1000)]
        # Someone else's freeze (before a fork) stays: paused_gc neither thaws it (the count
        # would fall to 0) nor freezes what it made (the count would grow by the 2,000 lists).
        # A frozen object may still die meanwhile in another thread (the LLM engine's loop, if an
        # earlier test in this process ran it), so the count may fall by a few.
        assert 0.99 * frozen <= gc.get_freeze_count() <= frozen
        del kept
    finally:
        gc.unfreeze()
