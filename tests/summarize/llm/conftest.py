"""Fixtures for the LLM engine tests: the fake server, configs pointed at it, threads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes.openai_server import FakeOpenAI
from fakes.openai_server import fake_openai as fake_openai  # the fixture, re-exported

from bot.summarize.llm import LLMConfig
from bot.thread import Comment, Thread

SEED = Path(__file__).parents[2] / "fixtures" / "seed-thread.txt"

MODEL = "openai/fake-model"
FALLBACK = "openai/fake-b"


@pytest.fixture
def config(fake_openai: FakeOpenAI) -> LLMConfig:
    """The engine pointed at the fake server: tiny backoff so retries cost milliseconds."""
    return LLMConfig(
        model=MODEL,
        api_base=fake_openai.url,
        api_key="test",
        timeout_s=5.0,
        max_retries=2,
        backoff_s=0.001,
        max_backoff_s=0.01,
    )


def make_thread(
    texts: list[str], *, authors: bool = True, replies: dict[int, int] | None = None
) -> Thread:
    """Comments c1..cN; author "user<i mod 3>"; `replies` maps a 1-based index to its parent."""
    replies = replies or {}
    return Thread(
        comments=tuple(
            Comment(
                id=f"c{i}",
                text=text,
                author=f"user{i % 3}" if authors else None,
                reply_to=f"c{replies[i]}" if i in replies else None,
            )
            for i, text in enumerate(texts, start=1)
        )
    )


SMALL_THREAD = [
    "School uniforms reduce bullying because nobody stands out for their clothes.",
    "Uniforms take away a way for students to express who they are.",
    "A uniform is cheaper for parents than keeping up with fashion every year.",
    "Buying a whole uniform set is expensive for poor families at the start of the year.",
    "We could agree that dress codes need some limits either way.",
]


@pytest.fixture
def small_thread() -> Thread:
    return make_thread(SMALL_THREAD)


def good_summary(thread: Thread) -> dict:
    """A valid answer for `small_thread`-like threads: every quote verbatim, every id real."""
    c = thread.comments
    return {
        "question": "Should schools require uniforms?",
        "sides": [
            {
                "label": "For uniforms",
                "position": "Uniforms protect students and save money.",
                "participants": [c[0].author, c[2].author],
                "comment_ids": [c[0].id, c[2].id],
                "points": [
                    {
                        "text": "Uniforms reduce bullying.",
                        "comment_ids": [c[0].id],
                        "quotes": [
                            {"comment_id": c[0].id, "text": "School uniforms reduce bullying"}
                        ],
                    },
                    {
                        "text": "Uniforms are cheaper than fashion.",
                        "comment_ids": [c[2].id],
                        "quotes": [{"comment_id": c[2].id, "text": "cheaper for parents"}],
                    },
                ],
            },
            {
                "label": "Against uniforms",
                "position": "Uniforms limit expression and can cost more.",
                "participants": [c[1].author, c[3].author],
                "comment_ids": [c[1].id, c[3].id],
                "points": [
                    {
                        "text": "Uniforms limit self-expression.",
                        "comment_ids": [c[1].id],
                        "quotes": [{"comment_id": c[1].id, "text": "express who they are"}],
                    },
                    {
                        "text": "Uniform sets are expensive for poor families.",
                        "comment_ids": [c[3].id],
                        "quotes": [{"comment_id": c[3].id, "text": "expensive for poor families"}],
                    },
                ],
            },
        ],
        "common_ground": [
            {
                "text": "Some dress limits are needed.",
                "comment_ids": [c[4].id],
                "quotes": [{"comment_id": c[4].id, "text": "dress codes need some limits"}],
            }
        ],
        "open_questions": ["Do uniforms actually reduce bullying?"],
    }


def dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def user_text(request: dict) -> str:
    return "\n".join(m["content"] for m in request["messages"] if m["role"] == "user")


def system_text(request: dict) -> str:
    return "\n".join(m["content"] for m in request["messages"] if m["role"] == "system")
