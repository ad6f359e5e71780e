"""Fuzz: every input format, structured mutations of real fixtures (see `mutations`).

The property: parsing ends in a `Thread` that the store, the JSON writer and the terminal can
take, or in the clean `InputError` (one line, naming the input), never in another exception.
Default profile: 100 examples per format; `HYPOTHESIS_PROFILE=fuzz`: 10,000 per format.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .mutations import SEEDS, Seed, check_outcome, mutated

FORMATS = sorted({seed.fmt for seed in SEEDS})


def _cases(fmt: str) -> st.SearchStrategy[tuple[Seed, bytes, str]]:
    seeds = [seed for seed in SEEDS if seed.fmt == fmt]
    return st.sampled_from(seeds).flatmap(
        lambda seed: st.tuples(st.just(seed), mutated(seed), st.sampled_from(("auto", seed.fmt)))
    )


def test_every_format_is_fuzzed() -> None:
    assert set(FORMATS) == {
        "text", "chat", "discord-json", "discord-txt", "discord-csv", "hackernews", "reddit",
        "discourse", "page",
    }  # fmt: skip


@pytest.mark.parametrize("fmt", FORMATS)
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_mutated_input_ends_in_a_thread_or_the_clean_error(fmt: str, data: st.DataObject) -> None:
    seed, raw, how = data.draw(_cases(fmt))
    assert check_outcome(seed, raw, how) in ("thread", "clean")


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
def test_every_seed_itself_is_read(seed: Seed) -> None:
    # A story without text and without its comments is no thread (tests/ingest/web/test_hackernews).
    expected = "clean" if seed.name == "item_8863.json" else "thread"
    assert check_outcome(seed, seed.data, seed.fmt) == expected
