"""The metrics hooks: what the pipeline, the LLM transport and the error handler record, with
the real store and the real litellm against the loopback LLM server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.openai_server import FakeOpenAI, Reply, debate_responder
from fakes.openai_server import fake_openai as fake_openai  # the fixture

from bot.errors import UserError
from bot.ingest import InputSource, load_thread
from bot.ops import metrics
from bot.ops.server import watch_loop_lag
from bot.pipeline import Options, summarize_thread
from bot.store import NullStore, open_store
from bot.summarize.llm import LLMConfig

SEED = Path(__file__).parents[1] / "fixtures" / "seed-thread.txt"


def seed_thread():  # noqa: ANN201
    return load_thread([InputSource(name="seed", data=SEED.read_bytes())])


def llm_config(server: FakeOpenAI, **extra) -> LLMConfig:  # noqa: ANN003
    return LLMConfig(
        model="openai/fake-model",
        api_base=server.url,
        api_key="test",
        timeout_s=5.0,
        max_retries=1,
        backoff_s=0.001,
        max_backoff_s=0.01,
        **extra,
    )


@pytest.fixture
def recorded() -> Iterator[metrics.Metrics]:
    yield metrics.enable()
    metrics.disable()


def value(m: metrics.Metrics, name: str, **labels: str) -> float:
    return m.registry.get_sample_value(name, labels) or 0.0


def test_prometheus_client_is_not_imported_by_the_hooked_modules() -> None:
    code = (
        "import sys, bot.pipeline, bot.summarize.llm.transport, bot.discord.errors, "
        "bot.discord.app, bot.cli; print('prometheus_client' in sys.modules)"
    )
    root = Path(__file__).parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert out.strip() == "False"


async def test_hooks_record_nothing_until_enabled(tmp_path: Path) -> None:
    assert metrics.active() is None
    async with open_store(str(tmp_path / "c.sqlite3")) as store:
        result = await summarize_thread(seed_thread(), store=store)
    assert result.engine == "offline"
    metrics.llm_call("m", 1, 1, None, time.perf_counter())
    metrics.error("interaction", ValueError())
    assert metrics.active() is None  # nothing was turned on by the hooks


async def test_offline_summaries_fresh_then_cached(
    recorded: metrics.Metrics, tmp_path: Path
) -> None:
    async with open_store(str(tmp_path / "c.sqlite3")) as store:
        first = await summarize_thread(seed_thread(), store=store)
        second = await summarize_thread(seed_thread(), store=store)
    assert not first.cached and second.cached
    m = recorded
    assert value(m, "debate_digest_summaries_total", engine="offline", outcome="fresh") == 1
    assert value(m, "debate_digest_summaries_total", engine="offline", outcome="cached") == 1
    assert value(m, "debate_digest_cache_lookups_total", result="miss") == 1
    assert value(m, "debate_digest_cache_lookups_total", result="hit") == 1
    assert value(m, "debate_digest_summary_seconds_count", engine="offline", outcome="fresh") == 1
    assert value(m, "debate_digest_summary_seconds_sum", engine="offline", outcome="fresh") > 0
    assert value(m, "debate_digest_llm_calls_total", model="openai/fake-model", outcome="ok") == 0


async def test_no_cache_is_no_lookup(recorded: metrics.Metrics) -> None:
    await summarize_thread(seed_thread(), store=NullStore(), options=Options(use_cache=False))
    assert value(recorded, "debate_digest_summaries_total", engine="offline", outcome="fresh") == 1
    assert value(recorded, "debate_digest_cache_lookups_total", result="miss") == 0


async def test_llm_calls_tokens_and_duration(
    recorded: metrics.Metrics, fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    fake_openai.responder = debate_responder
    async with open_store(str(tmp_path / "c.sqlite3")) as store:
        result = await summarize_thread(
            seed_thread(), store=store, options=Options(llm=llm_config(fake_openai))
        )
    assert result.engine == "llm"
    m, model = recorded, "openai/fake-model"
    assert value(m, "debate_digest_llm_calls_total", model=model, outcome="ok") == len(
        fake_openai.requests
    )
    assert value(m, "debate_digest_llm_tokens_total", model=model, kind="prompt") == (
        result.usage.prompt_tokens
    )
    assert value(m, "debate_digest_llm_tokens_total", model=model, kind="completion") == (
        result.usage.completion_tokens
    )
    assert value(m, "debate_digest_llm_call_seconds_count", model=model) == len(
        fake_openai.requests
    )
    assert value(m, "debate_digest_summaries_total", engine="llm", outcome="fresh") == 1


async def test_llm_failures_by_kind_and_the_fallback(
    recorded: metrics.Metrics, fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    fake_openai.responder = lambda request: Reply(status=503)
    async with open_store(str(tmp_path / "c.sqlite3")) as store:
        result = await summarize_thread(
            seed_thread(), store=store, options=Options(llm=llm_config(fake_openai))
        )
    assert result.engine == "offline" and result.usage.llm_calls == 2  # one retry
    m = recorded
    failed = [
        s
        for family in m.registry.collect()
        if family.name == "debate_digest_llm_calls"
        for s in family.samples
        if s.name.endswith("_total") and s.labels["outcome"] != "ok"
    ]
    assert sum(s.value for s in failed) == 2
    assert {s.labels["outcome"] for s in failed} <= {
        "ServiceUnavailableError",
        "InternalServerError",
    }
    assert value(m, "debate_digest_summaries_total", engine="offline", outcome="fallback") == 1
    errors = sum(
        s.value
        for family in m.registry.collect()
        if family.name == "debate_digest_errors"
        for s in family.samples
        if s.name.endswith("_total") and s.labels["where"] == "llm"
    )
    assert errors == 2


async def test_a_failing_summary_is_counted_as_an_error(
    recorded: metrics.Metrics, monkeypatch: pytest.MonkeyPatch
) -> None:
    class TooLarge(UserError):
        pass

    async def refuse(*args: object, **kwargs: object) -> None:
        raise TooLarge("too large to summarize here")

    from bot.workers import IN_PROCESS

    monkeypatch.setattr(IN_PROCESS, "dedupe", refuse)
    with pytest.raises(TooLarge):
        await summarize_thread(seed_thread(), store=NullStore())
    m = recorded
    assert value(m, "debate_digest_summaries_total", engine="offline", outcome="error") == 1
    assert value(m, "debate_digest_errors_total", where="summary", kind="TooLarge") == 1


def test_errors_by_where_and_kind_unwrap_the_original(recorded: metrics.Metrics) -> None:
    class Wrapped(Exception):
        def __init__(self, original: BaseException) -> None:
            self.original = original

    metrics.error("interaction", Wrapped(KeyError("x")))
    metrics.error("interaction", KeyError("y"))
    assert value(recorded, "debate_digest_errors_total", where="interaction", kind="KeyError") == 2


async def test_event_loop_lag_shows_a_stall(recorded: metrics.Metrics) -> None:
    task = asyncio.create_task(watch_loop_lag(0.02))
    await asyncio.sleep(0.05)  # let it measure an idle loop first
    time.sleep(0.3)  # a stall: the loop is blocked for 300 ms
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    m = recorded
    assert value(m, "debate_digest_event_loop_lag_seconds_count") >= 2
    # The stall is in the histogram, above 250 ms and not below 100 ms.
    over_100ms = value(m, "debate_digest_event_loop_lag_seconds_count") - value(
        m, "debate_digest_event_loop_lag_seconds_bucket", le="0.1"
    )
    assert over_100ms >= 1
    assert value(m, "debate_digest_event_loop_lag_seconds_sum") >= 0.25
