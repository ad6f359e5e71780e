"""Token budgets, reply-chain grouping, packing and truncation (no litellm here)."""

from __future__ import annotations

import pytest

from bot.summarize import budget
from bot.summarize.budget import (
    DEFAULT_CONTEXT_TOKENS,
    TRUNCATION_MARK,
    answer_reserve,
    data_budget,
    pack,
    reply_roots,
    truncate_to_tokens,
)
from bot.thread import Comment

from .chunk_plan import plan_chunks


def c(cid: str, reply_to: str | None = None) -> Comment:
    return Comment(id=cid, text=f"text of {cid}", reply_to=reply_to)


def words(text: str) -> int:
    return len(text.split())


def test_default_context_is_documented() -> None:
    assert DEFAULT_CONTEXT_TOKENS == 8192
    assert "8192" in (budget.__doc__ or "")


def test_answer_reserve_bounds() -> None:
    assert answer_reserve(128_000) == 4096
    assert answer_reserve(128_000, max_output_tokens=1000) == 1000
    assert answer_reserve(8192) == 2048
    assert answer_reserve(600) == 256
    assert data_budget(8192, 700, 2048) == int((8192 - 700 - 2048) * 0.9)


def test_reply_roots_follow_chains_and_survive_cycles_and_dangling_ids() -> None:
    comments = [
        c("a"),
        c("b", "a"),
        c("c", "b"),
        c("d"),
        c("e", "zzz"),  # answers something not in the thread
        c("f", "g"),
        c("g", "f"),  # a cycle
    ]
    roots = reply_roots(comments)
    assert roots[:5] == ["a", "a", "a", "d", "e"]
    assert roots[5] == roots[6]


def test_pack_is_greedy_and_ordered() -> None:
    assert pack(list("abcde"), [3, 3, 3, 10, 1], 6) == [[0, 1], [2], [3], [4]]


def test_plan_groups_a_late_reply_with_its_parent() -> None:
    comments = [c("c1"), c("c2"), c("c3"), c("c4", "c1"), c("c5")]
    lines = [x.id for x in comments]
    plan = plan_chunks(comments, lines, [10] * 5, budget=20)
    groups = [[x.id for x in chunk.comments] for chunk in plan]
    assert groups == [["c1", "c4"], ["c2", "c3"], ["c5"]]
    assert all(chunk.lines == tuple(x.id for x in chunk.comments) for chunk in plan)
    assert [chunk.tokens for chunk in plan] == [20, 20, 10]


def test_plan_splits_a_tree_bigger_than_the_budget_in_order() -> None:
    comments = [c("r")] + [c(f"x{i}", "r") for i in range(5)] + [c("s")]
    plan = plan_chunks(comments, [x.id for x in comments], [10] * 7, budget=30)
    groups = [[x.id for x in chunk.comments] for chunk in plan]
    assert groups == [["r", "x0", "x1"], ["x2", "x3", "x4"], ["s"]]


def test_plan_rejects_a_non_positive_budget() -> None:
    with pytest.raises(ValueError):
        plan_chunks([c("a")], ["a"], [1], budget=0)


def test_truncation_is_at_a_word_boundary_with_a_marker() -> None:
    text = " ".join(f"w{i}" for i in range(100))
    cut = truncate_to_tokens(text, 11, words)
    assert cut.endswith(TRUNCATION_MARK)
    kept = cut[: -len(TRUNCATION_MARK)]
    assert text.startswith(kept + " ")
    assert words(cut) <= 11
    assert truncate_to_tokens("short text", 11, words) == "short text"
