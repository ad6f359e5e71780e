"""First-level (raw input) keys in the store: a raw key leads to a stored result and to nothing
once that result is gone, on SQLite and PostgreSQL (see tests/store/conftest.py)."""

from __future__ import annotations

from bot.ingest import InputSource
from bot.pipeline import Options, summarize_sources
from bot.store.bench import realistic_thread
from bot.store.keys import raw_key
from bot.store.sqlite import SQLiteStore
from bot.summarize.schema import DigestResult
from bot.workers import IN_PROCESS

from .conftest import FakeClock

RESULT_KEY = "sha256:" + "a" * 64
RAW = raw_key(
    [("debate.txt", b"one\ntwo\n")],
    fmt="auto",
    engine="offline",
    model=None,
    prompt_version="offline-3",
    options={"max_points_per_side": 4},
    program_version="0",
)


async def raw_rows(store: SQLiteStore) -> int:
    conn = store._conn
    assert conn is not None
    rows = list(await conn.execute_fetchall("SELECT COUNT(*) FROM raw_keys", ()))
    return int(rows[0][0])


async def test_a_raw_key_leads_to_its_result_with_its_input(
    store: SQLiteStore, result: DigestResult
) -> None:
    assert await store.get_raw(RAW) is None
    assert await store.put(RESULT_KEY, result, ttl_seconds=None)
    assert await store.put_raw(RAW, RESULT_KEY, '{"notes": ["n"]}')
    hit = await store.get_raw(RAW)
    assert hit is not None
    served, saved = hit
    assert served.cached and served.summary == result.summary
    assert saved == '{"notes": ["n"]}'
    # Saved again (a later run of the same input): replaced, not duplicated.
    assert await store.put_raw(RAW, RESULT_KEY, '{"notes": []}')
    assert (await store.get_raw(RAW) or (None, ""))[1] == '{"notes": []}'
    assert await raw_rows(store) == 1


async def test_a_raw_key_is_not_saved_without_its_result(store: SQLiteStore) -> None:
    assert not await store.put_raw(RAW, RESULT_KEY, "{}")
    assert await store.get_raw(RAW) is None
    assert await raw_rows(store) == 0
    assert not store.disabled  # not a database failure


async def test_forgetting_the_result_takes_the_raw_key(
    store: SQLiteStore, result: DigestResult
) -> None:
    assert await store.put(RESULT_KEY, result, ttl_seconds=None)
    await store.link_sources(RESULT_KEY, guild_id=1, channel_ids=[10], message_ids=[100])
    assert await store.put_raw(RAW, RESULT_KEY, "{}")
    assert await store.forget_messages([100]) == 1
    assert await store.get_raw(RAW) is None
    assert await raw_rows(store) == 0
    # The same result computed again does not bring the old mapping back.
    assert await store.put(RESULT_KEY, result, ttl_seconds=None)
    assert await store.get_raw(RAW) is None


async def test_purge_and_expiry_reach_the_raw_key(
    store: SQLiteStore, result: DigestResult, clock: FakeClock
) -> None:
    assert await store.put(RESULT_KEY, result, ttl_seconds=60)
    assert await store.put_raw(RAW, RESULT_KEY, "{}")
    clock.advance(61)
    assert await store.get_raw(RAW) is None  # expired: not served through the raw key either
    assert await store.purge(expired_only=True) == 1
    assert await raw_rows(store) == 0
    assert await store.put(RESULT_KEY, result, ttl_seconds=None)
    assert await store.put_raw(RAW, RESULT_KEY, "{}")
    assert await store.purge() == 1
    assert await store.get_raw(RAW) is None
    assert await raw_rows(store) == 0


async def test_an_opt_out_forget_reaches_the_raw_key(
    store: SQLiteStore, result: DigestResult
) -> None:
    assert await store.put(RESULT_KEY, result, ttl_seconds=None)
    await store.link_sources(RESULT_KEY, guild_id=7, author_ids=[42])
    assert await store.put_raw(RAW, RESULT_KEY, "{}")
    assert await store.forget_authors(7, [42]) == 1
    assert await store.get_raw(RAW) is None
    assert await raw_rows(store) == 0


def test_the_raw_key_covers_bytes_names_format_engine_options_and_version() -> None:
    base = {
        "fmt": "auto",
        "engine": "offline",
        "model": None,
        "prompt_version": "offline-3",
        "options": {"max_points_per_side": 4},
        "program_version": "0",
    }
    inputs = [("debate.txt", b"one\ntwo\n")]
    assert raw_key(inputs, **base) == RAW  # type: ignore[arg-type]
    changed = [
        raw_key([("debate.txt", b"one\ntwo!\n")], **base),  # type: ignore[arg-type]
        raw_key([("other.txt", b"one\ntwo\n")], **base),  # type: ignore[arg-type]
        # The same bytes split differently between two inputs.
        raw_key([("debate.txt", b"one\n"), ("debate.txt", b"two\n")], **base),  # type: ignore[arg-type]
    ]
    for field, value in [
        ("fmt", "text"),
        ("engine", "llm"),
        ("model", "openai/x"),
        ("prompt_version", "offline-4"),
        ("options", {"max_points_per_side": 3}),
        ("program_version", "1"),
    ]:
        changed.append(raw_key(inputs, **{**base, field: value}))  # type: ignore[arg-type]
    assert len(set(changed)) == len(changed) and RAW not in changed
    assert RAW.startswith("sha256:") and len(RAW) == 7 + 64


class CountingCpu:
    """The in-process CPU steps, with the parses counted."""

    def __init__(self) -> None:
        self.parsed = 0

    async def parse(self, sources, fmt="auto"):  # noqa: ANN001, ANN201
        self.parsed += 1
        return await IN_PROCESS.parse(sources, fmt)

    async def dedupe(self, thread, near_threshold=None):  # noqa: ANN001, ANN201
        return await IN_PROCESS.dedupe(thread, near_threshold)

    async def offline(self, thread, *, max_points_per_side, progress=None):  # noqa: ANN001, ANN201
        return await IN_PROCESS.offline(
            thread, max_points_per_side=max_points_per_side, progress=progress
        )


async def test_the_pipeline_answers_a_repeat_through_the_raw_key(store: SQLiteStore) -> None:
    cpu = CountingCpu()
    paste = [InputSource(name="t.txt", data=realistic_paste())]
    first, _ = await summarize_sources(paste, store=store, cpu=cpu)
    again, _ = await summarize_sources(paste, store=store, cpu=cpu)
    assert cpu.parsed == 1 and not first.cached and again.cached
    assert again.summary == first.summary and again.input == first.input
    # Other bytes, other options: misses.
    edited = [InputSource(name="t.txt", data=paste[0].data + b"One more comment here.\n")]
    await summarize_sources(edited, store=store, cpu=cpu)
    await summarize_sources(paste, store=store, cpu=cpu, options=Options(max_points_per_side=2))
    assert cpu.parsed == 3
    # Invalidation reaches it: purged, the same input is parsed and summarized again.
    assert await store.purge() >= 1
    fresh, _ = await summarize_sources(paste, store=store, cpu=cpu)
    assert cpu.parsed == 4 and not fresh.cached


def realistic_paste() -> bytes:
    return "".join(f"{c.text}\n" for c in realistic_thread(30).comments).encode()
