"""`bot.dedupe.bulk._first_of_hash`: each value's first position, however the buckets collide."""

from __future__ import annotations

import numpy as np
import pytest

from bot.dedupe.bulk import _first_of_hash


def first_positions(values: np.ndarray) -> list[int]:
    seen: dict[int, int] = {}
    return [seen.setdefault(v, i) for i, v in enumerate(values.tolist())]


@pytest.mark.parametrize("distinct", [1, 7, 300, 5000])
def test_each_value_maps_to_its_first_position(distinct: int) -> None:
    rng = np.random.default_rng(distinct)
    pool = rng.integers(0, 2**63, size=distinct, dtype=np.uint64)
    values = pool[rng.integers(0, distinct, size=20_000)]
    got = _first_of_hash(values)
    assert got is not None
    assert got.tolist() == first_positions(values)


def test_values_sharing_a_first_round_bucket_are_placed_in_a_later_round() -> None:
    # Values that differ only in their low bits share every first-round bucket (the top bits).
    values = np.array([5, 3, 5, 1, 3, 9, 1, 5], dtype=np.uint64)
    got = _first_of_hash(values)
    assert got is not None
    assert got.tolist() == first_positions(values)


def test_nothing_in_nothing_out() -> None:
    got = _first_of_hash(np.zeros(0, dtype=np.uint64))
    assert got is not None
    assert got.tolist() == []
