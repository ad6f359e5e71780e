"""Pause Python's cyclic garbage collector while a bulk step allocates many objects.

Parsing or deduplicating 100,000 comments allocates millions of container objects that all stay
alive, and every few thousand allocations the collector walks them again: about a third of the
time of a large ingest on CPython 3.11. These steps create no reference cycles, so nothing is
lost by collecting once afterwards instead. Reference counting still frees everything else.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Survivors are aged only after a bulk step (a large ingest or dedupe): aging everything after
# every small step (a cache load, a 150-message thread) put short-lived cycles in the oldest
# generation too, and the full collections that followed made a digest's LLM phase twice as
# slow (`python -m bot.bench.digest_bench`: 1.6 s against 0.77 s).
AGE_AFTER_ALLOCATIONS = 200_000


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector for the block; re-enable it after if it was enabled.

    Safe to nest and to use from several threads: only the outermost caller that found it
    enabled turns it back on (a concurrent step may then run with it enabled, which is only
    slower).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_count()[0] > AGE_AFTER_ALLOCATIONS:
                _age_survivors()
            gc.enable()


# The bot's collector thresholds (young, middle, old generation). CPython's default third
# number, 10, allows a full collection every 70,000 net allocations; right after the heap is
# frozen (`DigestBot`: nothing counts as long-lived yet) a burst of large requests then ran
# several full collections, each walking every object the requests hold (thousands of messages
# per thread): 140-640 ms pauses of the event loop on a busy machine (`bot.bench.stalls`).
# At 100 a full collection waits for about ten times the growth. Young collections, which
# free most short cycles, are unchanged.
LATENCY_THRESHOLDS = (700, 10, 100)


@contextmanager
def latency_thresholds(thresholds: tuple[int, int, int] = LATENCY_THRESHOLDS) -> Iterator[None]:
    """Run the block with the collector's `thresholds`; the previous ones are restored after."""
    previous = gc.get_threshold()
    gc.set_threshold(*thresholds)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _age_survivors() -> None:
    """Move every tracked object to the oldest generation without traversing it: re-enabled
    with millions of young survivors, the collector's next young collection would walk them all
    (about 0.1 s per 100,000 comments), only to promote them. Skipped when someone froze objects
    on purpose (`gc.freeze` before a fork), whose frozen set `gc.unfreeze` would release."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
