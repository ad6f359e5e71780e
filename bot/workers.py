"""CPU work off the event loop: parse, dedupe and the offline engine, in worker processes, with a
cap on the CPU time one request may take.

    pool = CpuPool(workers=2, cap_s=30)       # the bot: `bot.discord.app.assembled` owns it
    await pool.start()
    cpu = pool.request()                      # one per request: the cap is the request's
    thread = await cpu.parse([InputSource(name="paste.txt", data=b"...")], "auto")
    unique, report = await cpu.dedupe(thread, near_threshold=0.85)
    summary, verification, notes = await cpu.offline(unique, max_points_per_side=4)
    check = await cpu.evidence(unique, llm_summary)  # an LLM's sides against the cues
    await pool.close()

`IN_PROCESS` has the same methods and runs them in a worker thread of this process (the
CLI: a single run gains nothing from a process, and pays its start).

Why processes. Worker threads share the interpreter lock with the event loop, so a loop that
needs it back waits behind every busy thread; with five 2,000-message threads at once on a busy
2-core machine it stalled past 100 ms (README, "The Discord bot under load"). A worker process
does not hold the loop's lock at all.

How a request is capped. Each worker arms a CPU-time timer (`ITIMER_PROF`, user + system time
of the worker) for what the request has left; when it fires, the task stops with `CpuCapExceeded`
and the worker stays. Work the timer cannot interrupt (a long call in C, a worker blocked) is
stopped from outside: a task still running `HARD_FACTOR` × the cap in wall-clock time after it
started has its worker killed and replaced, and the rest of the pool never notices (each worker
is its own one-process `ProcessPoolExecutor`, so a kill breaks only that one). Either way the
person reads `TooLarge`: "this thread is too large to summarize here".

What crosses the process boundary is the pydantic models themselves, pickled (by the
executor's own threads, not on the loop): for a 2,000-comment thread pickle takes 10-20 ms each
way, while JSON (`model_dump_json` 3-8 ms, then `model_validate_json` 66-80 ms, which runs the
models' validators again) would cost the receiving side several times more (README). With a
deduplicated thread come its comments serialised for the cache key (`bot.store.keys.prepare`),
so that the loop only hashes them.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from bot.dedupe import DedupeReport
from bot.errors import UserError
from bot.result import EvidenceCheck
from bot.summarize.schema import Summary, Verification
from bot.thread import Thread

if TYPE_CHECKING:
    from bot.ingest.source import InputSource
    from bot.progress import Progress

log = logging.getLogger(__name__)

T = TypeVar("T")

# A task still running this many times its CPU allowance in wall-clock time is killed: the
# timer inside the worker stops pure-Python work on time; this catches what it cannot.
HARD_FACTOR = 3.0
# How much lower the workers' CPU priority is than the bot's process (`os.nice`): on a busy
# machine the event loop then gets a core before its own workers do, rather than waiting behind
# them (stalls measured in `bot.bench.discord_bench --offline --burn 2`, README).
WORKER_NICE = 5
# The largest serialised comments (`_dedupe_keyed`) sent back to the bot's process with a
# deduplicated thread (about 300 bytes a comment): beyond it the loop serialises them itself.
PREPARED_MAX_BYTES = 32 * 1024 * 1024
# Modules every worker needs, imported once in the fork server (forkserver start method), so
# that a replaced worker is ready in milliseconds rather than the second an import takes.
PRELOAD = [
    "bot.workers",
    "bot.store.keys",
    "bot.dedupe",
    "bot.summarize.offline",
    "bot.summarize.verify",
    "bot.ingest",
]


class TooLarge(UserError):
    """The request needed more CPU time than `REQUEST_CPU_S` allows."""

    def __init__(self, cap_s: float) -> None:
        super().__init__(
            "This thread is too large to summarize here "
            f"(it needs more than {cap_s:g} s of computing time)."
        )


class CpuCapExceeded(BaseException):
    """Raised inside a worker when the task's CPU-time timer fires (a `BaseException`, so that
    no `except Exception` in the work can swallow it)."""


class Cpu(Protocol):
    """The CPU steps of one request, wherever they run."""

    async def parse(self, sources: Sequence[InputSource], fmt: str = "auto") -> Thread: ...

    async def dedupe(
        self, thread: Thread, near_threshold: float | None = None
    ) -> tuple[Thread, DedupeReport]: ...

    async def offline(
        self, thread: Thread, *, max_points_per_side: int, progress: Progress | None = None
    ) -> tuple[Summary, Verification, list[str]]: ...

    async def evidence(self, thread: Thread, summary: Summary) -> EvidenceCheck: ...


# -- the work itself (runs in the worker process, or in a thread of this one) ---------------------


def _parse(sources: Sequence[InputSource], fmt: str) -> Thread:
    from bot.ingest import load_thread

    return load_thread(sources, fmt)


def _dedupe(thread: Thread, near_threshold: float | None) -> tuple[Thread, DedupeReport]:
    # Looked up at call time, so that a test's worker initializer can stand in for it.
    import bot.dedupe

    if near_threshold is None:
        return bot.dedupe.dedupe(thread)
    return bot.dedupe.dedupe(thread, near_threshold=near_threshold)


def _dedupe_keyed(
    thread: Thread, near_threshold: float | None
) -> tuple[Thread, DedupeReport, bytes | None]:
    """Dedupe, and serialise the deduplicated comments for the cache key while here: in the
    bot's process that is ~20 ms of CPU per 2,000 comments on the event loop
    (`bot.store.keys.prepare`). Left to the loop past `PREPARED_MAX_BYTES`."""
    from bot.store.keys import comments_bytes

    unique, report = _dedupe(thread, near_threshold)
    data = comments_bytes(unique)
    return unique, report, data if len(data) <= PREPARED_MAX_BYTES else None


def _offline(
    thread: Thread, max_points_per_side: int, progress: Progress | None = None
) -> tuple[Summary, Verification, list[str]]:
    import bot.summarize.offline
    from bot.summarize.verify import verify

    summary, notes = bot.summarize.offline.summarize_offline(
        thread, max_points_per_side=max_points_per_side, progress=progress
    )
    summary, verification = verify(summary, thread.comments)
    return summary, verification, list(notes)


def _evidence(thread: Thread, summary: Summary) -> EvidenceCheck:
    from bot.summarize.evidence import check_sides

    return check_sides(thread, summary)


def _on_cpu_timer(signum: int, frame: object) -> None:
    raise CpuCapExceeded


def _capped(cpu_s: float, task: Callable[..., T], *args: Any) -> tuple[float, T]:
    """Run `task` in this worker with `cpu_s` seconds of CPU time at most; returns the CPU
    seconds it used and its result."""
    started = time.process_time()
    signal.signal(signal.SIGPROF, _on_cpu_timer)
    signal.setitimer(signal.ITIMER_PROF, max(cpu_s, 0.001))
    try:
        result = task(*args)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    return time.process_time() - started, result


def _pid() -> int:
    return os.getpid()


def _start_worker(nice: int, initializer: Callable[[], None] | None) -> None:
    """A worker's first act: yield the CPU to the bot's own process (its event loop) when the
    machine is busy, then the caller's initializer."""
    if nice:
        try:
            os.nice(nice)
        except OSError as err:  # not allowed here (a sandbox): the worker runs as it is
            log.info("CPU worker priority unchanged: %s", err)
    if initializer is not None:
        initializer()


# -- in this process ---------------------------------------------------------------------------


class InProcess:
    """The CPU steps in a worker thread of this process, uncapped (the CLI, the tests)."""

    async def parse(self, sources: Sequence[InputSource], fmt: str = "auto") -> Thread:
        return await asyncio.to_thread(_parse, sources, fmt)

    async def dedupe(
        self, thread: Thread, near_threshold: float | None = None
    ) -> tuple[Thread, DedupeReport]:
        return await asyncio.to_thread(_dedupe, thread, near_threshold)

    async def offline(
        self, thread: Thread, *, max_points_per_side: int, progress: Progress | None = None
    ) -> tuple[Summary, Verification, list[str]]:
        return await asyncio.to_thread(_offline, thread, max_points_per_side, progress)

    async def evidence(self, thread: Thread, summary: Summary) -> EvidenceCheck:
        return await asyncio.to_thread(_evidence, thread, summary)


IN_PROCESS = InProcess()


# -- the pool ----------------------------------------------------------------------------------


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


class _Worker:
    """One worker process: a one-process executor, so that killing it breaks nothing else."""

    def __init__(self, initializer: Callable[[], None] | None, nice: int = 0) -> None:
        self.executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=_context(),
            initializer=functools.partial(_start_worker, nice, initializer),
        )
        self.pid = 0

    async def start(self) -> _Worker:
        # The first submit starts the process (and the fork server, the first time: a second
        # of imports), so it is made from a thread, not on the loop.
        future = await asyncio.to_thread(self.executor.submit, _pid)
        self.pid = await asyncio.wrap_future(future)
        return self

    def kill(self) -> None:
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.executor.shutdown(wait=False, cancel_futures=True)


class CpuPool:
    """`workers` worker processes shared by every request; each request may use `cap_s`
    seconds of CPU time. `initializer` runs in each worker as it starts (tests use it). Workers
    run `nice` steps below this process's priority (`WORKER_NICE`)."""

    def __init__(
        self,
        workers: int,
        cap_s: float,
        *,
        initializer: Callable[[], None] | None = None,
        hard_factor: float = HARD_FACTOR,
        nice: int = WORKER_NICE,
    ) -> None:
        if workers < 1 or cap_s <= 0:
            raise ValueError("a pool needs at least one worker and a positive cap")
        self.size = workers
        self.cap_s = cap_s
        self.hard_factor = hard_factor
        self._initializer = initializer
        self.nice = nice
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._replacing: set[asyncio.Task[None]] = set()
        self._all: set[_Worker] = set()
        self._closed = False
        self.replaced = 0  # workers killed and replaced since start (for tests and logs)

    async def start(self) -> CpuPool:
        """Start every worker and wait until each has imported what it needs."""
        workers = await asyncio.gather(*(self._new() for _ in range(self.size)))
        for worker in workers:
            self._idle.put_nowait(worker)
        return self

    async def _new(self) -> _Worker:
        worker = await asyncio.to_thread(_Worker, self._initializer, self.nice)
        self._all.add(worker)
        return await worker.start()

    async def close(self) -> None:
        self._closed = True
        for task in list(self._replacing):
            task.cancel()
        await asyncio.gather(*self._replacing, return_exceptions=True)
        for worker in list(self._all):
            worker.executor.shutdown(wait=False, cancel_futures=True)
        await asyncio.gather(
            *(asyncio.to_thread(w.executor.shutdown, wait=True) for w in self._all)
        )
        self._all.clear()

    async def __aenter__(self) -> CpuPool:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def request(self) -> PooledRequest:
        """The CPU steps of one request, sharing one allowance of `cap_s` CPU seconds."""
        return PooledRequest(self, self.cap_s)

    def _replace(self, worker: _Worker, *, kill: bool = True) -> None:
        """Kill `worker` (unless it is dead already: its process id may be someone else's by
        now) and put a fresh one in its place (in the background)."""
        if kill:
            worker.kill()
        else:
            worker.executor.shutdown(wait=False, cancel_futures=True)
        self._all.discard(worker)
        self.replaced += 1
        if self._closed:
            return

        async def replace() -> None:
            while not self._closed:
                try:
                    self._idle.put_nowait(await self._new())
                    return
                except Exception:  # a failed start (out of memory?) is tried again
                    log.exception("could not start a CPU worker; trying again")
                    await asyncio.sleep(1.0)

        task = asyncio.create_task(replace(), name="cpu-worker-replace")
        self._replacing.add(task)
        task.add_done_callback(self._replacing.discard)

    async def run(self, allowance_s: float, task: Callable[..., T], *args: Any) -> tuple[float, T]:
        """Run `task(*args)` in a worker with `allowance_s` CPU seconds; returns the CPU
        seconds used and the result. `CpuCapExceeded` when the allowance runs out."""
        if self._closed:
            raise RuntimeError("the CPU pool is closed")
        if allowance_s <= 0:
            raise CpuCapExceeded
        worker = await self._idle.get()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(worker.executor, _capped, allowance_s, task, *args)
        keep = dead = False
        try:
            async with asyncio.timeout(allowance_s * self.hard_factor):
                result = await future
            keep = True
            return result
        except TimeoutError:
            log.warning("CPU worker %s ran over %.1f s of wall time: killed", worker.pid,
                        allowance_s * self.hard_factor)  # fmt: skip
            raise CpuCapExceeded from None
        except CpuCapExceeded:
            keep = True
            raise
        except BrokenProcessPool:
            log.error("CPU worker %s died; replacing it", worker.pid)
            dead = True
            raise
        except BaseException:
            # The task's own exception (a bad input: keep the worker), or this request was
            # cancelled while the worker runs on (kill it: nobody waits for its answer).
            keep = future.done() and not future.cancelled()
            raise
        finally:
            if keep:
                self._idle.put_nowait(worker)
            else:
                self._replace(worker, kill=not dead)


class PooledRequest:
    """One request's CPU steps in the pool, with one CPU allowance across all of them."""

    def __init__(self, pool: CpuPool, cap_s: float) -> None:
        self.pool = pool
        self.cap_s = cap_s
        self.used_s = 0.0

    async def _run(self, task: Callable[..., T], *args: Any) -> T:
        try:
            used, result = await self.pool.run(self.cap_s - self.used_s, task, *args)
        except CpuCapExceeded:
            self.used_s = self.cap_s
            raise TooLarge(self.cap_s) from None
        self.used_s += used
        return result

    async def parse(self, sources: Sequence[InputSource], fmt: str = "auto") -> Thread:
        return await self._run(_parse, list(sources), fmt)

    async def dedupe(
        self, thread: Thread, near_threshold: float | None = None
    ) -> tuple[Thread, DedupeReport]:
        unique, report, data = await self._run(_dedupe_keyed, thread, near_threshold)
        if data is not None:
            from bot.store.keys import prepare

            prepare(unique, data)  # the cache key of `unique` hashes these bytes
        return unique, report

    async def offline(
        self, thread: Thread, *, max_points_per_side: int, progress: Progress | None = None
    ) -> tuple[Summary, Verification, list[str]]:
        # No progress from another process: the reply says "summarizing" until it is done.
        return await self._run(_offline, thread, max_points_per_side)

    async def evidence(self, thread: Thread, summary: Summary) -> EvidenceCheck:
        return await self._run(_evidence, thread, summary)
