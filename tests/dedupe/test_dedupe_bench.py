"""The dedupe benchmark on small sizes: its figures are computed and consistent."""

from __future__ import annotations

from bot.bench import dedupe_bench


def test_small_run_reports_consistent_figures() -> None:
    result = dedupe_bench.run(n=3000, repeats=1, quick=True)
    large = result["large"]
    assert large["comments"] == 3000
    assert 0.95 * 3000 < large["pasted_comments"] <= 3000
    assert 0 < large["kept"] < large["pasted_comments"]
    # The combined figure is the one held to the target; it is the sum of its two parts.
    total = large["parse_source_seconds"] + large["dedupe_seconds"]
    assert abs(large["ingest_dedupe_seconds"] - total) < 0.01
    assert 0 < large["ingest_dedupe_cpu_seconds"] == large["ingest_dedupe_cpu_seconds_all"][0]
    assert result["edits"]["copy_recall"] >= 0.99
    assert result["edits"]["meaning_merges"] == 0
    assert result["edits"]["originals_merged"] == 0
    assert result["shapes"]["within_targets"] is True
    assert result["quality"]["false_merges"] == 0
    assert result["argkp"]["removed_at_threshold"] == []
    text = dedupe_bench.format_result(result)
    assert "ingest + dedupe, s (median)" in text
