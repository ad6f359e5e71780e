"""`/digest setup budget:`: which daily budget a digest draws on."""

from __future__ import annotations

import pytest

from bot.digest.config import describe_budget, parse_budget
from bot.errors import InputError


@pytest.mark.parametrize(
    ("text", "tokens"),
    [(None, None), ("shared", None), (" Server ", None), ("50000", 50_000), ("50k", 50_000),
     ("1.5m", 1_500_000), ("20,000 tokens", 20_000)],
)  # fmt: skip
def test_budget_is_shared_or_a_daily_token_count(text: str | None, tokens: int | None) -> None:
    assert parse_budget(text) == tokens


@pytest.mark.parametrize("text", ["lots", "-5", "10", "5k5", "0"])
def test_a_budget_that_is_not_a_count_or_too_small_is_refused(text: str) -> None:
    with pytest.raises(InputError):
        parse_budget(text)


def test_the_budget_is_described_as_shared_or_own() -> None:
    assert "shared with /summarize" in describe_budget(None)
    assert describe_budget(50_000).startswith("its own, 50,000 tokens a day")
