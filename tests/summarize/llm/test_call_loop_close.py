"""At exit, litellm's clients are closed on the loop their calls ran on, in bounded time; the
next call after that starts a loop of its own (a CLI run that had printed its summary once hung
at exit, in litellm's own exit handlers, under load)."""

from __future__ import annotations

import time

from fakes.openai_server import FakeOpenAI, Reply

from bot.summarize.llm import LLMConfig, summarize_llm
from bot.summarize.llm.transport import CLOSE_TIMEOUT_S, _CallLoop
from bot.thread import Thread

from .conftest import dumps, good_summary


async def test_closing_the_call_loop_flushes_litellm_and_a_later_call_still_runs(
    fake_openai: FakeOpenAI, config: LLMConfig, small_thread: Thread
) -> None:
    answer = dumps(good_summary(small_thread))
    fake_openai.queue(Reply(content=answer))
    first = await summarize_llm(small_thread, config)
    assert first.summary.sides
    loop = _CallLoop._loop
    assert loop is not None and loop.is_running()

    started = time.monotonic()
    _CallLoop.close()
    assert time.monotonic() - started < CLOSE_TIMEOUT_S + 1.5
    from litellm.litellm_core_utils.logging_worker import GLOBAL_LOGGING_WORKER

    assert GLOBAL_LOGGING_WORKER.pending_count == 0  # (flushed, not left for exit)
    deadline = time.monotonic() + 2
    while loop.is_running() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not loop.is_running()

    calls = len(fake_openai.requests)
    fake_openai.queue(Reply(content=answer))
    again = await summarize_llm(small_thread, config)  # a new loop, not the stopped one
    assert again.summary.sides and len(fake_openai.requests) > calls
    assert _CallLoop._loop is not None and _CallLoop._loop is not loop
