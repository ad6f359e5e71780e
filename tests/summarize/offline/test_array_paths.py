"""The array paths of the offline stages (from `SUM_IN_ARRAYS` items on) against the plain
loops they stand for: the same floats, the same ranking (issue 13)."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from bot.summarize.offline import extraction, reading
from bot.summarize.text import SUM_IN_ARRAYS


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_relevance_in_arrays_is_the_loop(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    overlaps = [rng.choice([0.0, 1.0, rng.random(), rng.uniform(0.5, 3.0)]) for _ in range(3000)]
    total_sq = rng.uniform(0.5, 4.0)
    overlaps += [(total_sq + 1.0) / 2]  # nothing left once the comment is left out
    in_arrays = reading._relevance(overlaps, total_sq)
    monkeypatch.setattr(reading, "SUM_IN_ARRAYS", 10**9)
    assert len(overlaps) >= SUM_IN_ARRAYS
    assert reading._relevance(overlaps, total_sq) == in_arrays


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_most_central_in_arrays_is_the_sort(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    size = SUM_IN_ARRAYS + 500
    members = [
        SimpleNamespace(index=i * 2, replies=rng.choice([0, 0, 1, 3, 9])) for i in range(size)
    ]
    # Ties in score are common (equal dot products): they go by index.
    nears = [rng.choice([0.0, 0.25, 0.5, rng.random()]) for _ in range(size)]
    fars = [rng.choice([0.0, 0.5, rng.random()]) for _ in range(size)]
    in_arrays = extraction._most_central(members, nears, fars, 40)  # type: ignore[arg-type]
    monkeypatch.setattr(extraction, "SUM_IN_ARRAYS", 10**9)
    assert extraction._most_central(members, nears, fars, 40) == in_arrays  # type: ignore[arg-type]
    assert len(in_arrays) == 40
