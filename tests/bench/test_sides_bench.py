"""`python -m bot.bench.sides_bench` end to end: every debate runs, the CLI's `--json` path
scores the same as the in-process pipeline, and a missing set is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.bench.sides_bench import (
    SET_DIR,
    _folds_in_json,
    _near_threshold,
    load_debate,
    load_set,
    main,
    run_cli,
    run_gold,
)


def test_every_debate_runs_through_the_pipeline() -> None:
    debates = load_set()
    score, by_format, rows = run_gold(debates, _near_threshold())
    assert score.threads == len(debates) == len(rows)
    # A debate that raised would be listed as "name: SomeError: ..." and have no row.
    assert not [f for f in score.failures if "Error" in f]
    assert score.two_camp_threads == sum(1 for d in debates if set(d.camps) == {"A", "B"})
    assert sum(f["threads"] for f in by_format.values()) == len(debates)


def test_the_cli_json_run_scores_like_the_pipeline() -> None:
    names = ["four-day-week", "dce-json-speed-cameras"]
    debates = [load_debate(SET_DIR / f"{n}.toml") for n in names]
    threshold = _near_threshold()
    in_process, _, _ = run_gold(debates, threshold)
    via_cli = run_cli(debates, threshold)
    assert via_cli.failures == in_process.failures
    assert via_cli.threads == 2
    assert (via_cli.purity, via_cli.coverage, via_cli.separated) == (
        in_process.purity,
        in_process.coverage,
        in_process.separated,
    )


def test_folds_are_read_from_either_json_shape() -> None:
    listed = {"duplicates": [{"id": "c5", "kind": "exact", "duplicate_of": "c1", "author": "L"}]}
    assert _folds_in_json(listed) == {"c5": "c1"}
    named = {"comments": [{"id": "c1", "copies": [{"id": "c5", "kind": "exact"}]}]}
    assert _folds_in_json(named) == {"c5": "c1"}
    assert _folds_in_json({"comments": [{"id": "c1", "text": "x"}]}) == {}


def test_json_and_text_output_and_a_missing_set(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["--json", "--no-argkp", "--cli-runs", "0"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["gold_set"]["debates"] == len(list(SET_DIR.glob("*.toml")))
    assert set(report) == {"gold_set", "per_thread"}

    assert main(["--no-argkp", "--cli-runs", "0"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("gold_set\n") and "  separated: " in text
    assert "  targets_met: separated>=0.95 " in text and "    chat: threads " in text

    assert main(["--set", str(tmp_path / "nowhere"), "--no-argkp"]) == 2
    err = capsys.readouterr().err
    assert "not in the installed package" in err and "nowhere" in err
