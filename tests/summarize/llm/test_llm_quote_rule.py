"""The LLM engine under issue 14's quote rule: a claim the thread does not carry in a verified
quote is not shown, and the failure message says what happened."""

from __future__ import annotations

import pytest
from fakes.openai_server import FakeOpenAI, Reply

from bot.summarize.llm import LLMConfig, LLMError, summarize_llm
from bot.thread import Thread

from .conftest import dumps


def _answer(points: list[dict], common: list[dict] | None = None) -> dict:
    return {
        "question": "?",
        "sides": [{"label": "A", "position": "a", "participants": [], "points": points}],
        "common_ground": common or [],
        "open_questions": [],
    }


async def test_an_answer_without_points_is_not_said_to_fail_verification(
    fake_openai: FakeOpenAI, config: LLMConfig, small_thread: Thread
) -> None:
    fake_openai.queue(Reply(content=dumps(_answer([]))), Reply(content=dumps(_answer([]))))
    with pytest.raises(LLMError) as caught:
        await summarize_llm(small_thread, config)
    assert "the answer has no point" in str(caught.value)
    assert "survived verification" not in str(caught.value)


async def test_a_cited_claim_without_a_quote_is_dropped_from_common_ground(
    fake_openai: FakeOpenAI, config: LLMConfig, small_thread: Thread
) -> None:
    first = small_thread.comments[0]
    quote = " ".join(first.text.split()[:6])
    real = {
        "text": "A real point.",
        "comment_ids": [first.id],
        "quotes": [{"comment_id": first.id, "text": quote}],
    }
    invented = {
        "text": "Everyone agrees LLMs secretly plan to deceive.",
        "comment_ids": [first.id],
        "quotes": [],
    }
    answer = dumps(_answer([real], [invented]))
    fake_openai.queue(Reply(content=answer), Reply(content=answer))
    outcome = await summarize_llm(small_thread, config)
    assert outcome.summary.common_ground == []
    assert [p.text for p in outcome.summary.sides[0].points] == ["A real point."]
    assert outcome.verification.points_dropped == 1
