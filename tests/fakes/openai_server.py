"""The fake OpenAI-compatible server as a pytest fixture.

The server itself lives in `fakes.fake_openai`, which the benchmarks import without pytest;
this module re-exports it for tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fakes.fake_openai import (
    FakeOpenAI,
    Reply,
    data_block,
    debate_responder,
    debate_summary,
)

__all__ = ["FakeOpenAI", "Reply", "data_block", "debate_responder", "debate_summary", "fake_openai"]


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A started server on 127.0.0.1 (random free port); stopped after the test."""
    with FakeOpenAI() as server:
        yield server
