"""The first-level cache key on raw inputs (`summarize_sources`): a repeat of the same bytes,
format, options and engine is answered without parsing or dedupe; anything else is a miss; and
what removes a result leaves no raw key leading to it."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fakes.openai_server import FakeOpenAI, Reply, debate_responder
from fakes.openai_server import fake_openai as fake_openai  # the fixture
from typer.testing import CliRunner

from bot.ingest import InputSource
from bot.pipeline import Options, summarize_sources
from bot.store import open_store
from bot.summarize.llm import LLMConfig
from bot.thread import Thread
from bot.workers import IN_PROCESS

SEED = Path(__file__).parent / "fixtures" / "seed-thread.txt"


@dataclass
class CountingCpu:
    """The in-process CPU steps, counted; `parse` adds a reading note to the thread."""

    parsed: int = 0
    deduped: int = 0
    notes: tuple[str, ...] = ("one line was cut at the length limit",)

    async def parse(self, sources: Sequence[InputSource], fmt: str = "auto") -> Thread:
        self.parsed += 1
        thread = await IN_PROCESS.parse(sources, fmt)
        return thread.model_copy(update={"notes": self.notes})

    async def dedupe(self, thread, near_threshold=None):  # noqa: ANN001, ANN201
        self.deduped += 1
        return await IN_PROCESS.dedupe(thread, near_threshold)

    async def offline(self, thread, *, max_points_per_side, progress=None):  # noqa: ANN001, ANN201
        return await IN_PROCESS.offline(
            thread, max_points_per_side=max_points_per_side, progress=progress
        )

    async def evidence(self, thread, summary):  # noqa: ANN001, ANN201
        return await IN_PROCESS.evidence(thread, summary)


def seed(name: str = "seed.txt", data: bytes | None = None) -> list[InputSource]:
    return [InputSource(name=name, data=SEED.read_bytes() if data is None else data)]


def raw_rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM raw_keys").fetchone()[0])


async def test_a_repeat_is_answered_without_parsing_or_dedupe(tmp_path: Path) -> None:
    cpu = CountingCpu()
    async with open_store(str(tmp_path / "c.sqlite3")) as store:
        first, first_notes = await summarize_sources(seed(), store=store, cpu=cpu)
        again, again_notes = await summarize_sources(seed(), store=store, cpu=cpu)
    assert (cpu.parsed, cpu.deduped) == (1, 1)
    assert not first.cached and again.cached
    assert again.model_dump(exclude={"cached"}) == first.model_dump(exclude={"cached"})
    assert first.input.comments == 53 and first.input.unique_comments == 27
    # The reading notes of the input come back with it.
    assert first_notes == again_notes == list(cpu.notes)


async def test_changed_bytes_names_format_or_options_miss(tmp_path: Path) -> None:
    cpu = CountingCpu()
    copy = next(line for line in SEED.read_bytes().splitlines() if line.strip())
    grown = SEED.read_bytes().rstrip(b"\n") + b"\n" + copy + b"\n"
    async with open_store(str(tmp_path / "c.sqlite3")) as store:
        await summarize_sources(seed(), store=store, cpu=cpu)
        # One more copy of a comment: other bytes, a miss (and a new fold, so a fresh run).
        more, _ = await summarize_sources(seed(data=grown), store=store, cpu=cpu)
        assert cpu.parsed == 2 and more.input.comments == 54
        await summarize_sources(seed(name="other.txt"), store=store, cpu=cpu)
        assert cpu.parsed == 3
        await summarize_sources(seed(), "text", store=store, cpu=cpu)
        assert cpu.parsed == 4
        fewer, _ = await summarize_sources(
            seed(), store=store, cpu=cpu, options=Options(max_points_per_side=2)
        )
        assert cpu.parsed == 5 and not fewer.cached
        # Each of them is now a raw hit in turn.
        again, _ = await summarize_sources(seed(data=grown), store=store, cpu=cpu)
    assert cpu.parsed == 5 and again.cached and again.input.comments == 54


async def test_no_cache_neither_reads_nor_writes_raw_keys(tmp_path: Path) -> None:
    cpu = CountingCpu()
    db = tmp_path / "c.sqlite3"
    async with open_store(str(db)) as store:
        await summarize_sources(seed(), store=store, cpu=cpu, options=Options(use_cache=False))
        assert raw_rows(db) == 0
        await summarize_sources(seed(), store=store, cpu=cpu)
        await summarize_sources(seed(), store=store, cpu=cpu, options=Options(use_cache=False))
    assert cpu.parsed == 3


async def test_a_purged_or_forgotten_result_is_not_reached_through_the_raw_key(
    tmp_path: Path,
) -> None:
    cpu = CountingCpu()
    db = tmp_path / "c.sqlite3"
    async with open_store(str(db)) as store:
        first, _ = await summarize_sources(seed(), store=store, cpu=cpu)
        assert raw_rows(db) == 1
        assert await store.purge() == 1
        assert raw_rows(db) == 0
        fresh, _ = await summarize_sources(seed(), store=store, cpu=cpu)
        assert cpu.parsed == 2 and not fresh.cached
        # A result forgotten because a source message went (as the bot links them).
        assert first.cache_key is not None
        await store.link_sources(first.cache_key, guild_id=1, channel_ids=[2], message_ids=[3])
        assert await store.forget_messages([3]) == 1
        again, _ = await summarize_sources(seed(), store=store, cpu=cpu)
    assert cpu.parsed == 3 and not again.cached


def llm_config(server: FakeOpenAI) -> LLMConfig:
    return LLMConfig(
        model="openai/fake-model",
        api_base=server.url,
        api_key="test",
        timeout_s=5.0,
        max_retries=0,
        backoff_s=0.001,
        max_backoff_s=0.01,
    )


async def test_an_offline_fallback_is_not_what_the_llms_raw_key_leads_to(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    fake_openai.responder = lambda request: Reply(status=503)
    options = Options(llm=llm_config(fake_openai))
    cpu = CountingCpu()
    db = tmp_path / "c.sqlite3"
    async with open_store(str(db)) as store:
        fallback, _ = await summarize_sources(seed(), store=store, options=options, cpu=cpu)
        assert fallback.engine == "offline" and raw_rows(db) == 0
        fake_openai.responder = debate_responder
        answer, _ = await summarize_sources(seed(), store=store, options=options, cpu=cpu)
        assert answer.engine == "llm" and not answer.cached
        calls = len(fake_openai.requests)
        again, _ = await summarize_sources(seed(), store=store, options=options, cpu=cpu)
    assert again.engine == "llm" and again.cached and cpu.parsed == 2
    assert len(fake_openai.requests) == calls
    # The offline engine's key is another key: the LLM's raw key did not answer offline.
    assert again.summary == answer.summary


def test_the_cli_answers_a_repeated_file_from_the_raw_key(tmp_path: Path) -> None:
    from bot.cli import app

    db = tmp_path / "c.sqlite3"
    args = ["summarize", str(SEED), "--json", "--db", str(db)]
    first = CliRunner().invoke(app, args)
    second = CliRunner().invoke(app, args)
    assert first.exit_code == 0 and second.exit_code == 0, (first.output, second.output)
    assert '"cached": false' in first.stdout and '"cached": true' in second.stdout
    assert first.stdout.replace('"cached": false', '"cached": true') == second.stdout
    assert raw_rows(db) == 1
