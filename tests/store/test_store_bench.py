"""The cache-hit bench runs, serves real hits, and reports its figures."""

from __future__ import annotations

import pytest

from bot.store.bench import TARGET_MS, bench_cache_hit, bench_cache_hit_at_scale, realistic_result

from .conftest import POSTGRES_URL, POSTGRES_URL_ENV


def test_the_bench_result_is_realistic() -> None:
    result = realistic_result()
    assert len(result.summary.sides) == 4
    assert all(len(side.points) == 4 for side in result.summary.sides)
    assert len(result.comments) == 27
    assert 5_000 < len(result.model_dump_json()) < 100_000


async def test_bench_cache_hit_reports_latencies() -> None:
    figures = await bench_cache_hit(n=20)
    assert figures["n"] == 20
    assert figures["target_ms"] == TARGET_MS
    for name in ("hit", "open_get", "open_get_close"):
        median, p95 = figures[f"{name}_median_ms"], figures[f"{name}_p95_ms"]
        assert isinstance(median, float) and isinstance(p95, float)
        assert 0 < median <= p95
    # Generous for a loaded test machine; the target itself is checked by running the bench.
    assert figures["hit_median_ms"] < TARGET_MS


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_bench_at_scale_serves_hits_among_many_rows(backend: str) -> None:
    url = None
    if backend == "postgresql":
        if not POSTGRES_URL:
            pytest.skip(f"{POSTGRES_URL_ENV} is not set: no PostgreSQL to test against")
        url = POSTGRES_URL
    figures = await bench_cache_hit_at_scale(url, stored=300, n=10)
    assert figures["backend"] == backend and figures["stored"] == 300
    assert 0 < figures["hit_median_ms"] <= figures["hit_p95_ms"]  # type: ignore[operator]
