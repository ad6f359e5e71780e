"""`python -m bot.bench.evidence_bench`: the sides check scored on answers made from labels."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.bench.evidence_bench import main
from bot.bench.sides_bench import SET_DIR


@pytest.fixture
def two_debates(tmp_path: Path) -> Path:
    # Four-day week: c2 "I disagree" (to c1), c3 "I agree with Alice", c4 "No way" (to c3).
    for name in ("four-day-week", "garden-rota-no-disagreement"):
        shutil.copy(SET_DIR / f"{name}.toml", tmp_path)
    return tmp_path


def test_counts_worked_out_by_hand(two_debates: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--set", str(two_debates), "--json"]) == 0
    f = json.loads(capsys.readouterr().out)["sets"]
    # The right sides: three strong cues checked, none against them.
    assert (f["debates"], f["checked"], f["false_alarms"], f["right_flagged"]) == (1, 3, 0, 0)
    # Each of the four comments moved alone to the other side breaks a cue that names it.
    assert (f["moves"], f["caught"], f["caught_share"]) == (4, 4, 1.0)
    # Following the recheck without reading: each move is undone by flipping the one comment
    # that clears every contradiction (c1 back clears Bob's and Carol's; c2, c3, c4 likewise);
    # the right answer has nothing to recheck.
    assert (f["moves_rechecked"], f["moves_fixed"], f["moves_misplaced_after"]) == (4, 4, 0)
    assert (f["right_spoiled"], f["right_misplaced_after"]) == (0, 0)
    # One side: the four-day week holds disagreement; the garden rota holds none.
    assert (f["one_side_told"], f["one_side_two_camps"]) == (1, 1)
    assert (f["calm_told_none"], f["calm_debates"]) == (1, 1)


def test_text_report_and_a_bad_set(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    shutil.copy(SET_DIR / "four-day-week.toml", tmp_path)
    assert main(["--set", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "one comment misplaced: caught 4 of 4 (1.0)" in out
    (tmp_path / "broken.toml").write_text("title = 'x'\n", "utf-8")
    assert main(["--set", str(tmp_path)]) == 2
    assert "evidence_bench: error:" in capsys.readouterr().err
