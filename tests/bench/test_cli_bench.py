"""The raw-input cache benchmark measures what it says: hits, through the CLI."""

from __future__ import annotations

import pytest

from bot.bench.cli_bench import bench_raw_hit, raw_input


def test_the_raw_input_is_within_its_size_and_has_copies() -> None:
    data = raw_input(0.05)
    assert 0.04 * 1048576 < len(data) <= 0.05 * 1048576
    lines = data.splitlines()
    assert len(set(lines)) < len(lines)  # exact copies for dedupe to fold
    assert data.isascii() and raw_input(0.05) == data  # deterministic


@pytest.mark.slow
def test_the_bench_times_cache_hits_in_process_and_as_processes() -> None:
    figures = bench_raw_hit(0.02, repeats=1)
    assert figures["megabytes"] == 0.0  # rounded: 20 KB
    for name in ("hit_in_process_s", "hit_process_s", "seed_hit_process_json_s", "help_process_s"):
        assert isinstance(figures[name], float) and figures[name] > 0
    assert figures["read_hash_s"] <= figures["hit_in_process_s"]  # type: ignore[operator]
