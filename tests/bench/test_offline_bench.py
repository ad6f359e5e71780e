"""The offline engine benchmark's large run, on a small thread: it times the real engine on the
thread it says and reports its memory."""

from __future__ import annotations

from bot.bench import offline_bench


def test_run_large_times_the_engine_on_the_thread_it_names() -> None:
    result = offline_bench.run_large(n=300, repeats=2)
    assert result["large_comments"] == 300
    assert len(result["large_timings_s"]) == len(result["large_cpu_s"]) == 2
    assert (
        min(result["large_timings_s"]) <= result["large_median_s"] <= max(result["large_timings_s"])
    )
    assert 0 < result["large_peak_rss_mb"] < 10_000
    assert result["large_within_target"] is (
        result["large_median_s"] <= offline_bench.TARGET_LARGE_SECONDS
        and result["large_peak_rss_mb"] < offline_bench.TARGET_LARGE_PEAK_MB
    )
