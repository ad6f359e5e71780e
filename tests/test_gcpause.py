"""The collector pause: survivors of a bulk step are aged, those of a small step are not."""

from __future__ import annotations

import gc

import pytest

from bot import gcpause


@pytest.fixture
def no_automatic_collection():
    previous = gc.get_threshold()
    gc.collect()
    gc.set_threshold(10_000_000)  # nothing runs by itself while the test counts
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def test_a_small_step_leaves_its_objects_young(no_automatic_collection: None) -> None:
    with gcpause.paused_gc():
        kept = [[] for _ in range(2_000)]
    # Not moved to the oldest generation: the next young collection frees their cycles cheaply.
    assert gc.get_count()[0] >= 2_000 and len(kept) == 2_000


def test_a_bulk_step_ages_its_survivors(
    no_automatic_collection: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gcpause, "AGE_AFTER_ALLOCATIONS", 1_000)
    with gcpause.paused_gc():
        kept = [[] for _ in range(2_000)]
    assert gc.get_count()[0] < 1_000 and len(kept) == 2_000  # aged without a traversal
