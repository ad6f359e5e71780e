"""`python -m bot.bench.edge_bench`: the shipped edge weights are what the labelled sets measure,
and the command's output and errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bot.bench.edge_bench import (
    BLIND_SETS,
    SCALE,
    Tally,
    calibration_sets,
    main,
    measure,
    report,
)
from bot.bench.sides_bench import SET_DIR, load_set
from bot.summarize.offline.sides import EDGE_WEIGHTS, VOTE_WEIGHT


def test_the_shipped_weights_are_what_the_calibration_sets_measure() -> None:
    # A change to the cue rules that moves these counts must come with the weights re-measured
    # (`python -m bot.bench.edge_bench`, then paste its table over EDGE_WEIGHTS).
    debates = [d for folder in calibration_sets() for d in load_set(folder)]
    figures = report(measure(debates))
    measured = {
        (row["kind"], row["sign"], row["link"]): row["weight"]
        for row in figures["cues"]
        if row["weight"] is not None
    }
    drift = {
        key: (EDGE_WEIGHTS.get(key), measured.get(key))
        for key in {*measured, *EDGE_WEIGHTS}
        if EDGE_WEIGHTS.get(key) != measured.get(key)
    }
    assert not drift, (
        f"re-measure with `python -m bot.bench.edge_bench` (shipped, measured): {drift}"
    )
    assert figures["votes"]["weight"] == VOTE_WEIGHT
    assert figures["debates"] > 1000


def test_no_blind_set_is_measured() -> None:
    measured = {folder.name for folder in calibration_sets()}
    assert all((SET_DIR / name).is_dir() for name in BLIND_SETS)
    assert not measured & set(BLIND_SETS)
    assert {"heldout", "heldout-2", "heldout-40"} <= measured and SET_DIR.name in measured
    assert len(measured) + len(BLIND_SETS) == 1 + len(list(SET_DIR.glob("heldout*")))


def test_the_weight_is_the_scaled_smoothed_log_odds() -> None:
    assert Tally(430, 11).weight == round(math.log(431 / 12) / SCALE, 3)
    assert Tally(0, 0).weight == 0.0
    assert Tally(1, 6).weight == 0.0  # more often wrong than right: a rule to fix, not a sign
    assert Tally(9, 1).precision == 0.9


def test_text_json_and_a_missing_set(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    gold = str(SET_DIR)
    assert main(["--set", gold, "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["debates"] == sum(1 for d in load_set(SET_DIR) if set(d.camps) == {"A", "B"})
    top = figures["cues"][0]
    assert (
        top["right"] + top["wrong"] >= figures["cues"][-1]["right"] + figures["cues"][-1]["wrong"]
    )

    assert main(["--set", gold, "--min", "1"]) == 0
    text = capsys.readouterr().out
    assert "two-camp debates" in text and "bare votes: right" in text
    assert "disagree" in text and "root" in text

    assert main(["--set", str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err
