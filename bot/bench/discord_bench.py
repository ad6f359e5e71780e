"""Benchmark of the Discord bot under load, with no network: the fake Discord and the loopback LLM.

50 members ask `/summarize link:<thread>` at the same moment. The bot is the real one, built as
`debate-digest run` builds it (`bot.discord.app.assembled`: store, guarded web client, litellm
warmed in a worker thread), and discord.py talks to the loopback Discord (`fakes.discord`),
which runs in a process of its own as Discord is remote (`--discord-in-process`: on the bot's
event loop, where its serving of history pages counts as the bot's work). The LLM is the fake
OpenAI-compatible server with a fixed latency (200 ms by default) answering from the prompt
(`debate_responder`).

Reported:
- time from dispatching each interaction to its defer reaching Discord (p50, p99, max; Discord
  allows 3 s), and to the answer;
- event-loop lag: a ticker sleeps 5 ms in a loop and records how late it wakes (max and p99;
  target: no stall over 100 ms);
- LLM calls: every identical request on one thread must cost one LLM run (shared reads and the
  pipeline's single flight), so the burst's calls = the calls of one request alone (measured
  first); a second scenario spreads the 50 requests over several threads (one run each).

With `--offline` the bot has no model: the offline engine answers, in the bot's CPU worker
processes like dedupe (`bot.workers`), and there are no LLM calls.

`--burn N` runs N CPU burners (`python -c 'while True: pass'`) during both scenarios, as a
busy machine would; `--runs N` repeats the whole run and reports the distribution of the loop
lag (each run's max and p99, the median run's, runs with a stall over 100 ms); `--where` samples
the loop thread's stack whenever a tick is `--where-ms` late (`bot.bench.stalls`) and prints
where the loop was, garbage collections included, on stderr.

    python -m bot.bench.discord_bench [--requests 50] [--messages 400] [--threads 5]
                                      [--latency 0.2] [--offline] [--burn 2] [--runs 3]
                                      [--where] [--where-ms 50] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import math
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from fakes.fake_openai import FakeOpenAI, debate_responder

from bot.bench.synth import build_thread

log = logging.getLogger(__name__)

TICK_S = 0.005


class LoopLag:
    """A ticker on the event loop: how late each 5 ms sleep wakes up is the loop's lag."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(TICK_S)
            self.samples.append(max(0.0, time.perf_counter() - started - TICK_S))

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="loop-lag")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    def report(self) -> dict[str, float]:
        if not self.samples:
            return {"max_ms": 0.0, "p99_ms": 0.0, "over_100ms": 0}
        ordered = sorted(self.samples)
        return {
            "max_ms": round(ordered[-1] * 1000, 1),
            "p99_ms": round(percentile(ordered, 0.99) * 1000, 1),
            "p50_ms": round(percentile(ordered, 0.5) * 1000, 2),
            "over_100ms": sum(1 for s in ordered if s > 0.1),
            "ticks": len(ordered),
        }


class _LLMThread:
    """The loopback LLM in a thread of this process."""

    def __init__(self, latency: float) -> None:
        self.server = FakeOpenAI(latency=latency, responder=debate_responder)

    def __enter__(self) -> _LLMThread:
        self.server.start()
        self.url = self.server.url
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    def calls(self) -> int:
        return len(self.server.requests)


# The model the bench's bot is configured with by default: a name litellm does not price, so
# every call also searches litellm's map for a price (see `--model`).
FAKE_MODEL = "openai/fake-model"


def _serve_llm(latency: float, conn: Any) -> None:
    """The loopback LLM in a process of its own: sends its URL, then on any message the number
    of requests it answered, and stops."""
    with FakeOpenAI(latency=latency, responder=debate_responder) as server:
        conn.send(server.url)
        conn.recv()
        conn.send(len(server.requests))


class _LLMProcess:
    """The loopback LLM in a process of its own, as a provider is: its work (reading prompts
    of hundreds of kB, building replies) does not compete with the bot for this process's
    interpreter lock."""

    def __init__(self, latency: float) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve_llm, args=(latency, child), daemon=True)
        self._calls: int | None = None

    def __enter__(self) -> _LLMProcess:
        self._process.start()
        self.url: str = self._conn.recv()
        return self

    def calls(self) -> int:
        if self._calls is None:
            self._conn.send("stop")
            self._calls = int(self._conn.recv())
        return self._calls

    def __exit__(self, *exc: object) -> None:
        self.calls()
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()


def llm_server(latency: float, *, separate: bool) -> _LLMThread | _LLMProcess:
    """The loopback LLM (`fakes.fake_openai`), in its own process when `separate`."""
    return _LLMProcess(latency) if separate else _LLMThread(latency)


def _run_delay() -> float:
    """Seconds the calling thread has spent runnable but waiting for a CPU (Linux schedstat;
    0 where it cannot be read). Waiting for the interpreter lock is not in it: that thread
    sleeps."""
    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/schedstat") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def _threads_cpu(before: dict[str, float] | None = None) -> dict[str, float]:
    """CPU seconds of this process's Python threads by name (numbers folded: `digest-cpu_3`
    counts as `digest-cpu`), since `before` when given (threads that ended are missed)."""
    import re

    spent: dict[str, float] = {}
    for thread in threading.enumerate():
        if thread.ident is None or thread is threading.main_thread():
            continue
        try:
            used = time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
        except (OSError, ProcessLookupError):
            continue
        name = re.sub(r"[-_ ]?\d+(?:_\d+)?$", "", re.sub(r" \(.*\)$", "", thread.name))
        spent[name] = spent.get(name, 0.0) + used
    if before is None:
        return spent
    return {
        name: round(used - before.get(name, 0.0), 2)
        for name, used in sorted(spent.items(), key=lambda kv: -kv[1])
        if used - before.get(name, 0.0) >= 0.01
    }


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50_ms": round(percentile(ordered, 0.5) * 1000, 1),
        "p99_ms": round(percentile(ordered, 0.99) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1) if ordered else 0.0,
    }


def _world(fake: Any, *, requests: int, messages: int, threads: int) -> dict[str, Any]:
    """The guild, its members and `threads` debate threads of `messages` messages."""
    guild = fake.add_guild("Bench")
    general = fake.add_channel(guild, "general")
    members = [fake.add_user(f"member{i}") for i in range(requests)]
    # The debate's authors do not depend on how many ask, so one thread is the same text (and
    # the same LLM run) in every scenario.
    debaters = [fake.add_user(f"debater{i}") for i in range(40)]
    for user in members + debaters:
        fake.add_member(guild, user)
    synthetic, _ = build_thread(messages, seed=11)
    debate_threads = []
    for number in range(threads):
        thread = fake.add_thread(general, f"debate {number}", owner=members[0])
        posted: dict[str, dict[str, Any]] = {}
        for index, comment in enumerate(synthetic.comments):
            parent = posted.get(comment.reply_to or "")
            text = comment.text[:1900] + ("" if number == 0 else f" (thread {number})")
            posted.setdefault(
                comment.id,
                fake.add_message(thread, debaters[index % len(debaters)], text, reply_to=parent),
            )
        debate_threads.append(thread)
    return {"guild": guild, "general": general, "members": members, "threads": debate_threads}


async def _burst(fake: Any, world: dict[str, Any]) -> dict[str, Any]:
    """Every member asks `/summarize link:` at once (round-robin over the threads); waits for
    every answer. Returns what Discord saw: time to each defer and answer, history requests,
    limit violations, rejected callbacks."""
    threads = world["threads"]
    guild = world["guild"]
    begin = time.perf_counter()
    handles = await asyncio.gather(
        *(
            fake.interaction(
                user,
                world["general"],
                "summarize",
                {"link": f"https://discord.com/channels/{guild.id}/{threads[i % len(threads)].id}"},
            )
            for i, user in enumerate(world["members"])
        )
    )

    def done() -> bool:
        return all(h.original and (h.original.get("embeds") or h.followups) for h in handles)

    await fake.wait_for(done, timeout=120)
    wall = time.perf_counter() - begin
    defer = []
    answer = []
    for handle in handles:
        callback = next(r for r in handle.callbacks if r.status < 300)
        defer.append(callback.at - handle.dispatched_at)
        edits = [
            r
            for r in fake.requests
            if r.method == "PATCH" and handle.token in r.path and r.json.get("embeds")
        ]
        answer.append(edits[-1].at - handle.dispatched_at)
    return {
        "wall_s": wall,
        "defer": defer,
        "answer": answer,
        "history_requests": sum(len(fake.history_requests(t.id)) for t in threads),
        "limit_violations": len(fake.limit_violations),
        "rejected_callbacks": sum(len(h.rejections) for h in handles),
    }


def _serve_discord(world: dict[str, int], conn: Any) -> None:
    """The loopback Discord in a process of its own: builds the world, sends what a client
    needs to connect, then on "go" runs the burst and sends its outcome; stops on "stop"."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    async def serve() -> None:
        from fakes.discord import FakeDiscord

        async with FakeDiscord() as fake:
            built = _world(fake, **world)
            conn.send(
                {
                    "token": fake.token,
                    "api_base": fake.api_base,
                    "gateway_url": fake.gateway_url,
                    "cdn": f"{fake.base_url}/cdn",
                }
            )
            await asyncio.to_thread(conn.recv)  # "go": the bot is connected
            conn.send(await _burst(fake, built))
            await asyncio.to_thread(conn.recv)  # "stop": the bot has closed

    asyncio.run(serve())


class _DiscordProcess:
    """The loopback Discord in a process of its own, as Discord is remote: serving history
    pages and reading the bot's requests does not run on the bot's event loop."""

    def __init__(self, world: dict[str, int]) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve_discord, args=(world, child), daemon=True)

    def __enter__(self) -> _DiscordProcess:
        self._process.start()
        self.info: dict[str, str] = self._conn.recv()
        return self

    async def burst(self) -> dict[str, Any]:
        self._conn.send("go")
        return dict(await asyncio.to_thread(self._conn.recv))

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self._conn.send("stop")
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()


@contextlib.asynccontextmanager
async def _connected(bot: Any, info: dict[str, str]) -> AsyncIterator[None]:
    """`bot` logged in to the loopback Discord of another process (as `FakeDiscord.run_client`
    does for one of this process)."""
    from fakes.discord.fake_discord import patched_urls

    bot._connection.guild_ready_timeout = 0.05
    with patched_urls(info["api_base"], info["gateway_url"], info["cdn"]):
        task = asyncio.create_task(bot.start(info["token"]), name="bench-client")
        ready = asyncio.create_task(bot.wait_until_ready())
        try:
            done, _ = await asyncio.wait(
                {task, ready}, timeout=30, return_when=asyncio.FIRST_COMPLETED
            )
            if ready not in done:
                task.result() if task in done else None  # the client's error, if any
                raise RuntimeError("the bot did not connect to the loopback Discord")
            yield
        finally:
            ready.cancel()
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=5)


class _Measures:
    """What the benchmark measures on the bot's loop during a burst: lag, and with `where_ms`
    the stall sampler and the CPU of each loop step; with `profile` a cProfile of the loop
    thread's CPU; CPU time of the loop thread, the process and its other threads."""

    def __init__(
        self, where_ms: float | None, profile: Path | None, loop_nice: int | None = None
    ) -> None:
        self.loop_nice = loop_nice
        self._nice_before: int | None = None
        self.lag = LoopLag()
        self.where_ms = where_ms
        self.profile = profile
        self.sampler: Any = None
        self.steps: Any = None
        self._measuring: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
        self._profiler: Any = None

    def start(self) -> None:
        self.lag.start()
        if self.where_ms is not None:
            from bot.bench.stalls import LoopSteps, StallSampler

            self.sampler = StallSampler(threshold_s=self.where_ms / 1000)
            self.sampler.start()
            self.steps = LoopSteps()
            self._measuring = self.steps.measuring()
        self._measuring.__enter__()
        if self.profile is not None:
            import cProfile

            self._profiler = cProfile.Profile(time.thread_time)
            self._profiler.enable()  # this thread only: the loop's
        # CPU time, which a busy machine does not change as it does stalls: of this process
        # (its threads included), and of the loop thread alone.
        self._loop_clock = time.pthread_getcpuclockid(threading.get_ident())
        self.loop_cpu = time.clock_gettime(self._loop_clock)
        self.process_cpu = time.process_time()
        self.threads_cpu = _threads_cpu()
        self.run_delay = _run_delay()
        if self.loop_nice is not None:
            # This thread only (Linux: a thread's own priority), and only now, after every
            # process of the run has started, so that none inherits it.
            tid = threading.get_native_id()
            self._nice_before = os.getpriority(os.PRIO_PROCESS, tid)
            os.setpriority(os.PRIO_PROCESS, tid, self.loop_nice)

    async def stop(self) -> None:
        if self._nice_before is not None:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self._nice_before)
        self.run_delay = _run_delay() - self.run_delay
        self.loop_cpu = time.clock_gettime(self._loop_clock) - self.loop_cpu
        self.process_cpu = time.process_time() - self.process_cpu
        self.threads_cpu = _threads_cpu(self.threads_cpu)
        await self.lag.stop()
        self._measuring.__exit__(None, None, None)
        if self._profiler is not None and self.profile is not None:
            self._profiler.disable()
            self._profiler.dump_stats(self.profile)
        if self.sampler is not None:
            self.sampler.stop()


async def scenario(
    *,
    requests: int,
    messages: int,
    threads: int,
    latency: float,
    folder: Path,
    offline: bool = False,
    where_ms: float | None = None,
    llm_process: bool = True,
    discord_process: bool = True,
    profile: Path | None = None,
    loop_nice: int | None = None,
    model: str = FAKE_MODEL,
) -> dict[str, Any]:
    """One load run: `requests` members ask at once, spread round-robin over `threads`.
    `where_ms`: sample the loop's stack whenever it is that late (`bot.bench.stalls`).
    `llm_process`, `discord_process`: the loopback LLM, the loopback Discord in a process of
    its own (else on this process's loop or a thread of it).
    `profile`: write a cProfile of the loop thread's CPU time (not wall time) there.
    `loop_nice`: the loop thread's CPU priority during the burst (an experiment: what an
    operator's CPU weight for the bot does; raising it needs the privilege)."""
    from fakes.discord import FakeDiscord

    from bot.discord.app import assembled
    from bot.settings import Settings

    os.environ.setdefault("OPENAI_API_KEY", "bench")
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    sizes = {"requests": requests, "messages": messages, "threads": threads}
    settings = Settings(
        database_url=f"sqlite:///{folder / 'bench.sqlite3'}",
        model="" if offline else model,
        # A model litellm prices keeps its window at the unknown model's 8,192 tokens, so that
        # the burst makes the same calls whichever name is used.
        context_tokens=None if offline or model == FAKE_MODEL else 8192,
        cooldown_s=0,
        offline_cooldown_s=0,
        guild_daily_tokens=0,
        llm_max_retries=0,
        history_limit=max(messages, 100),
    )
    measures = _Measures(where_ms, profile, loop_nice)
    with llm_server(latency, separate=llm_process) as llm:
        settings = settings.model_copy(update={"api_base": llm.url})
        if discord_process:
            with _DiscordProcess(sizes) as remote:
                started = time.perf_counter()
                async with assembled(settings) as bot:
                    startup_s = time.perf_counter() - started
                    async with _connected(bot, remote.info):
                        measures.start()
                        outcome = await remote.burst()
                        await measures.stop()
        else:
            async with FakeDiscord() as fake:
                world = _world(fake, **sizes)
                started = time.perf_counter()
                async with assembled(settings) as bot:
                    startup_s = time.perf_counter() - started
                    async with fake.run_client(bot):
                        measures.start()
                        outcome = await _burst(fake, world)
                        await measures.stop()
        llm_calls = llm.calls()
    sampler, steps = measures.sampler, measures.steps
    lag, wall = measures.lag, outcome["wall_s"]
    loop_cpu, process_cpu = measures.loop_cpu, measures.process_cpu
    threads_cpu = measures.threads_cpu
    defer, answer = outcome["defer"], outcome["answer"]
    return {
        "requests": requests,
        "threads": threads,
        "messages_per_thread": messages,
        "llm_latency_s": latency,
        "engine": "offline" if offline else "llm",
        "startup_s": round(startup_s, 3),
        "wall_s": round(wall, 3),
        "cpu_s": {
            "loop_thread": round(loop_cpu, 2),
            "process": round(process_cpu, 2),
            # the other threads of the process, by name: what competes with the loop for the
            # interpreter lock
            "threads": threads_cpu,
        },
        # how long the loop thread was ready to run but had no CPU (a busy machine)
        "loop_thread_waiting_for_cpu_s": round(measures.run_delay, 2),
        "llm_in_process": not llm_process,
        "time_to_defer": _ms(defer),
        "defers_within_3s": sum(1 for d in defer if d <= 3.0),
        "time_to_answer": _ms(answer),
        "loop_lag": lag.report(),
        "llm_calls": llm_calls,
        "discord_in_process": not discord_process,
        "loop_nice": loop_nice,
        "history_requests": outcome["history_requests"],
        "limit_violations": outcome["limit_violations"],
        "rejected_callbacks": outcome["rejected_callbacks"],
        **({"stalls": sampler.summary()} if sampler is not None else {}),
        **({"loop_steps": steps.summary()} if steps is not None else {}),
    }


async def run(
    *,
    requests: int = 50,
    messages: int = 400,
    threads: int = 5,
    latency: float = 0.2,
    offline: bool = False,
    burn: int = 0,
    where_ms: float | None = None,
    llm_process: bool = True,
    discord_process: bool = True,
    profile: Path | None = None,
    loop_nice: int | None = None,
    model: str = FAKE_MODEL,
) -> dict[str, Any]:
    """One request alone (the calls of one LLM run), then both scenarios: every request on one
    thread, and spread over `threads` threads (the two under `burn` CPU burners)."""
    common: dict[str, Any] = {
        "messages": messages,
        "latency": latency,
        "offline": offline,
        "llm_process": llm_process,
        "discord_process": discord_process,
        "model": model,
    }
    with tempfile.TemporaryDirectory(prefix="debate-digest-discord-bench-") as folder:
        # One request alone: what one LLM run of this thread costs.
        solo = await scenario(requests=1, threads=1, folder=Path(folder) / "solo", **common)
        common["where_ms"] = where_ms
        common["loop_nice"] = loop_nice
        with burners(burn):
            same = await scenario(
                requests=requests,
                threads=1,
                folder=Path(folder) / "same",
                profile=profile.with_suffix(".same.prof") if profile else None,
                **common,
            )
            spread = await scenario(
                requests=requests,
                threads=threads,
                folder=Path(folder) / "spread",
                profile=profile.with_suffix(".spread.prof") if profile else None,
                **common,
            )
    return {
        "burners": burn,
        "same_thread": same,
        "spread": spread,
        "calls_per_run": solo["llm_calls"],
        "identical_requests_cost_one_run": same["llm_calls"] == solo["llm_calls"],
    }


def distribution(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The loop lag over several runs, per scenario: each run's max and p99, the median run's,
    and how many runs stalled over 100 ms."""
    out: dict[str, Any] = {"runs": len(runs)}
    for name in ("same_thread", "spread"):
        maxes = [r[name]["loop_lag"]["max_ms"] for r in runs]
        p99s = [r[name]["loop_lag"]["p99_ms"] for r in runs]
        out[name] = {
            "max_ms": maxes,
            "p99_ms": p99s,
            "median_max_ms": statistics.median(maxes),
            "median_p99_ms": statistics.median(p99s),
            "runs_over_100ms": sum(1 for m in maxes if m > 100),
            "answer_p99_ms": [r[name]["time_to_answer"]["p99_ms"] for r in runs],
            "loop_thread_cpu_s": [r[name]["cpu_s"]["loop_thread"] for r in runs],
            "process_cpu_s": [r[name]["cpu_s"]["process"] for r in runs],
            **(
                {
                    "loop_step_cpu_max_ms": [r[name]["loop_steps"]["worst_ms"] for r in runs],
                    "loop_steps_over_20ms": [r[name]["loop_steps"]["over_20ms"] for r in runs],
                }
                if all("loop_steps" in r[name] for r in runs)
                else {}
            ),
        }
    return out


@contextlib.contextmanager
def burners(count: int) -> Iterator[None]:
    """`count` processes spinning on a CPU each (a busy machine), stopped on the way out."""
    spinning = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for process in spinning:
            process.kill()
            process.wait()


def _line(name: str, r: dict[str, Any]) -> list[str]:
    d, a, lag = r["time_to_defer"], r["time_to_answer"], r["loop_lag"]
    return [
        f"{name}: {r['requests']} concurrent /summarize over {r['threads']} thread(s) of "
        f"{r['messages_per_thread']} messages, LLM latency {r['llm_latency_s'] * 1000:.0f} ms",
        f"  defer: p50 {d['p50_ms']} ms, p99 {d['p99_ms']} ms, max {d['max_ms']} ms "
        f"({r['defers_within_3s']}/{r['requests']} within 3 s)",
        f"  answer: p50 {a['p50_ms']} ms, p99 {a['p99_ms']} ms; wall {r['wall_s']} s; CPU "
        f"{r['cpu_s']['loop_thread']} s on the loop thread, {r['cpu_s']['process']} s in all",
        f"  loop lag: max {lag['max_ms']} ms, p99 {lag['p99_ms']} ms, ticks over 100 ms: "
        f"{lag['over_100ms']} of {lag.get('ticks', 0)}",
        f"  LLM calls: {r['llm_calls']}; history requests: {r['history_requests']}; "
        f"limit violations: {r['limit_violations']}; start-up (store, litellm warm-up) "
        f"{r['startup_s']} s",
    ]


def main(argv: list[str] | None = None) -> int:
    """Command line: prints the report (or `--json`) on stdout."""
    parser = argparse.ArgumentParser(prog="python -m bot.bench.discord_bench", description=__doc__)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--threads", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per LLM reply")
    parser.add_argument(
        "--offline", action="store_true", help="no model: the offline engine answers"
    )
    parser.add_argument("--runs", type=int, default=1, help="repeat; report the distribution")
    parser.add_argument("--burn", type=int, default=0, help="CPU burner processes meanwhile")
    parser.add_argument(
        "--where", action="store_true", help="sample the loop's stack during stalls (stderr)"
    )
    parser.add_argument(
        "--where-ms", type=float, default=50.0, help="how late a tick is a stall (--where)"
    )
    parser.add_argument(
        "--llm-in-process",
        action="store_true",
        help="the loopback LLM in a thread of the bot's process (it competes for its lock)",
    )
    parser.add_argument(
        "--discord-in-process",
        action="store_true",
        help="the loopback Discord on the bot's own event loop (its work counts as the bot's)",
    )
    parser.add_argument(
        "--loop-nice",
        type=int,
        help="the loop thread's nice value during the burst (an experiment; < 0 needs root)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="cProfile the loop thread's CPU time into PATH.same.prof and PATH.spread.prof",
    )
    parser.add_argument(
        "--model",
        default=FAKE_MODEL,
        help="the model name the bot is configured with (the loopback LLM answers any); a name "
        "in litellm's price map (openai/gpt-4o-mini) skips its per-call search for a price",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger("discord").setLevel(logging.ERROR)
    results = []
    for _ in range(max(1, args.runs)):
        result = asyncio.run(
            run(
                requests=args.requests,
                messages=args.messages,
                threads=args.threads,
                latency=args.latency,
                offline=args.offline,
                burn=args.burn,
                where_ms=args.where_ms if args.where else None,
                llm_process=not args.llm_in_process,
                discord_process=not args.discord_in_process,
                profile=args.profile,
                loop_nice=args.loop_nice,
                model=args.model,
            )
        )
        results.append(result)
        if args.where:
            from bot.bench.stalls import format_summary

            for name in ("same_thread", "spread"):
                steps = result[name]["loop_steps"]
                sys.stderr.write(
                    f"== {name}\n{format_summary(result[name]['stalls'])}\n"
                    f"-- loop steps: {steps['steps']}, largest {steps['worst_ms']} ms of CPU, "
                    f"{steps['over_20ms']} over 20 ms:\n"
                    + "".join(f"  {step}\n" for step in steps["largest"])
                    + f"-- loop iterations: callbacks took {steps['callbacks_wall_s']} s "
                    f"(CPU {steps['callbacks_cpu_s']} s); {steps['iterations_over_50ms']} "
                    f"iterations over 50 ms ({steps['iterations_over_50ms_wall_s']} s, CPU "
                    f"{steps['iterations_over_50ms_cpu_s']} s), the worst:\n"
                    + "".join(f"  {line}\n" for line in steps["worst_iterations"])
                )
    report: dict[str, Any] = (
        results[0]
        if len(results) == 1
        else {
            "distribution": distribution(results),
            "runs": results,
        }
    )
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        return 0
    lines = []
    for result in results:
        lines += _line("same thread", result["same_thread"]) + _line("spread", result["spread"])
        lines.append(
            f"one request alone: {result['calls_per_run']} LLM calls; "
            f"{result['same_thread']['requests']} identical requests cost one run: "
            f"{result['identical_requests_cost_one_run']}"
        )
    if len(results) > 1:
        dist = report["distribution"]
        for name in ("same_thread", "spread"):
            d = dist[name]
            lines.append(
                f"{name}, {dist['runs']} runs ({args.burn} burners): loop lag max "
                f"{d['max_ms']} ms (median run {d['median_max_ms']}), p99 {d['p99_ms']} ms "
                f"(median {d['median_p99_ms']}); runs over 100 ms: {d['runs_over_100ms']} of "
                f"{dist['runs']}"
            )
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
