"""The side metrics on tiny cases computed by hand, so that the yardstick itself can fail."""

from __future__ import annotations

import pytest

from bot.bench.sides_bench import placement, score_result
from bot.bench.sides_metrics import (
    best_matching,
    claims_no_disagreement,
    one_side_purity,
    score_set,
    score_thread,
    side_camp_counts,
)

# Six labelled comments (a1-a3 camp A, b1-b3 camp B) and two with no camp.
GOLD = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "b3": "B", "n1": None, "n2": None}


def test_perfect_split() -> None:
    placed = {"a1": 0, "a2": 0, "a3": 0, "b1": 1, "b2": 1, "b3": 1}
    score = score_thread(GOLD, placed, sides=2, claims_none=False)
    assert (score.purity, score.coverage, score.separated) == (1.0, 1.0, True)
    assert score.forced == 0 and not score.false_no_disagreement


def test_swapped_sides_are_still_pure() -> None:
    # Which side is "first" does not matter: the matching pairs side 0 with camp B.
    placed = {"a1": 1, "a2": 1, "a3": 1, "b1": 0, "b2": 0, "b3": 0}
    assert score_thread(GOLD, placed, sides=2, claims_none=False).purity == 1.0


def test_one_side_holding_everything_scores_the_majority_share() -> None:
    placed = {cid: 0 for cid in GOLD}
    score = score_thread(GOLD, placed, sides=1, claims_none=True)
    # 6 labelled placed on one side; the best matching takes one camp: 3 of 6.
    assert score.purity == 0.5
    assert score.coverage == 1.0
    assert score.separated is False
    assert score.forced == 2 and score.unlabelled == 2
    assert score.false_no_disagreement


def test_mixed_sides_by_hand() -> None:
    # side 0: a1 a2 b1; side 1: b2 a3; b3 on no side.
    placed = {"a1": 0, "a2": 0, "b1": 0, "b2": 1, "a3": 1, "n1": 1}
    score = score_thread(GOLD, placed, sides=2, claims_none=False)
    # best: side0→A (2) + side1→B (1) = 3, against side0→B (1) + side1→A (1) = 2.
    assert score.matched == 3 and score.placed == 5
    assert score.purity == pytest.approx(3 / 5)
    assert score.coverage == pytest.approx(5 / 6)
    # A: 2 of 3 placed on side 0 (majority); B: 1 on side 0, 1 on side 1 (no majority).
    assert score.separated is False
    assert score.forced == 1


def test_unplaced_comments_do_not_lower_purity() -> None:
    placed = {"a1": 0, "b1": 1}
    score = score_thread(GOLD, placed, sides=2, claims_none=False)
    assert score.purity == 1.0
    assert score.coverage == pytest.approx(2 / 6)
    assert score.separated is True


def test_both_camps_on_the_same_side_are_not_separated() -> None:
    placed = {"a1": 0, "a2": 0, "b1": 0, "b2": 0, "a3": 1}
    score = score_thread(GOLD, placed, sides=2, claims_none=False)
    assert score.separated is False
    assert score.matched == 3  # side0→B (2) + side1→A (1), or side0→A (2) + side1→none
    assert score.purity == pytest.approx(3 / 5)


def test_a_third_side_matched_to_no_camp_is_impure() -> None:
    placed = {"a1": 0, "a2": 0, "b1": 1, "b2": 1, "a3": 2, "b3": 2}
    counts = side_camp_counts(GOLD, placed)
    matched, mapping = best_matching(counts)
    assert matched == 4 and len(mapping) == 2
    assert score_thread(GOLD, placed, sides=3, claims_none=False).purity == pytest.approx(4 / 6)


def test_one_camp_threads_are_not_separable_and_two_sides_are_spurious() -> None:
    gold = {"c1": "A", "c2": "A", "c3": None}
    split = score_thread(gold, {"c1": 0, "c2": 1}, sides=2, claims_none=False)
    assert split.separated is None and split.spurious_sides
    assert split.purity == 0.5
    whole = score_thread(gold, {"c1": 0, "c2": 0}, sides=1, claims_none=True)
    assert not whole.spurious_sides and not whole.false_no_disagreement


def test_the_no_disagreement_claim_is_read_from_notes_and_labels() -> None:
    assert claims_no_disagreement(["No disagreement found: no reply says it disagrees"])
    assert claims_no_disagreement([], ["Main points (no disagreement)"])
    assert not claims_no_disagreement(
        ["Sides could not be told apart without a model; main points below"], ["Main points"]
    )


def test_pooled_set_figures() -> None:
    a = score_thread(GOLD, {"a1": 0, "b1": 1}, sides=2, claims_none=False)  # 2 of 2, pure
    b = score_thread(GOLD, {cid: 0 for cid in GOLD}, sides=1, claims_none=True)  # 3 of 6
    c = score_thread({"x": None}, {}, sides=1, claims_none=True)  # nothing to score
    pooled = score_set([a, b, c])
    assert pooled.purity == pytest.approx(5 / 8)
    assert pooled.mean_purity == pytest.approx((1.0 + 0.5) / 2)
    assert pooled.coverage == pytest.approx(8 / 12)
    assert pooled.forced == pytest.approx(2 / 5)
    assert (pooled.two_camp_threads, pooled.separated, pooled.false_no_disagreement) == (2, 1, 1)
    assert pooled.as_dict()["separated_share"] == 0.5


def test_a_folded_copy_counts_on_the_side_of_what_it_repeats() -> None:
    gold = {"c1": "A", "c2": "B", "c3": "A", "c4": "A"}
    # c3 repeats c1 and c4 repeats c3: both land where c1 is.
    placed = placement(gold, [["c1"], ["c2"]], {"c3": "c1", "c4": "c3"})
    assert placed == {"c1": 0, "c2": 1, "c3": 0, "c4": 0}
    sides = [{"label": "For", "comment_ids": ["c1"]}, {"label": "Against", "comment_ids": ["c2"]}]
    score = score_result(gold, sides, ["Sides come from 2 replies"], {"c3": "c1", "c4": "c3"})
    assert (score.purity, score.coverage, score.separated) == (1.0, 1.0, True)


def test_the_one_side_baseline_is_each_threads_larger_camp() -> None:
    # GOLD: 3 A and 3 B → 3 of 6; a second thread of 3 A and 1 B → 3 of 4; none-only: nothing.
    second = {"x1": "A", "x2": "A", "x3": "A", "y1": "B", "n": None}
    assert one_side_purity([GOLD, second, {"z": None}]) == pytest.approx(6 / 10)
    assert one_side_purity([{"z": None}]) is None


def test_an_other_points_side_is_no_side() -> None:
    gold = {"c1": "A", "c2": "B", "c3": "A", "c4": None}
    sides = [
        {"label": "For: a four-day week", "comment_ids": ["c1"]},
        {"label": "Against: customers", "comment_ids": ["c2"]},
        {"label": "Other points", "comment_ids": ["c3", "c4"]},
    ]
    score = score_result(gold, sides, [], {})
    assert score.sides == 2
    assert (score.purity, score.coverage, score.forced) == (1.0, pytest.approx(2 / 3), 0)


def test_targets_are_checked_against_the_issue() -> None:
    from bot.bench.sides_bench import targets_met

    good = score_thread(GOLD, {"a1": 0, "a2": 0, "b1": 1}, sides=2, claims_none=False)
    bad = score_thread(GOLD, {cid: 0 for cid in GOLD}, sides=1, claims_none=True)
    assert all(targets_met(score_set([good])).values())
    assert not any(targets_met(score_set([bad])).values())
