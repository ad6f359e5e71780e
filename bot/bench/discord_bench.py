"""Benchmark of the Discord bot under load, with no network: the fake Discord and the loopback LLM.

50 members ask `/summarize link:<thread>` at the same moment. The bot is the real one, built as
`debate-digest run` builds it (`bot.discord.app.assembled`: store, guarded web client, litellm
warmed in a worker thread), and discord.py talks to the loopback Discord (`fakes.discord`) on the
same event loop. The LLM is the fake OpenAI-compatible server with a fixed latency (200 ms by
default) answering from the prompt (`debate_responder`).

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

`--burn N` runs N CPU burners (`python -c 'while True: pass'`) for the whole run, as a busy
machine would; `--where` samples what the loop was running while it stalled: a watchdog thread
reads the loop thread's stack whenever a tick is 50 ms late, and the report counts the
innermost frames of the bot and its libraries (`stalls`).

    python -m bot.bench.discord_bench [--requests 50] [--messages 400] [--threads 5]
                                      [--latency 0.2] [--offline] [--burn 2] [--where] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import logging
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fakes.fake_openai import FakeOpenAI, debate_responder

from bot.bench.synth import build_thread

log = logging.getLogger(__name__)

TICK_S = 0.005


# A tick this late has the watchdog read the loop thread's stack (`--where`).
STALL_S = 0.05
# Where a stack's innermost interesting frame may be: ours, and the libraries the bot runs.
_OURS = ("/bot/", "/discord/", "/litellm/", "/pydantic/", "/aiohttp/", "/fakes/", "/aiosqlite/")


class LoopLag:
    """A ticker on the event loop: how late each 5 ms sleep wakes up is the loop's lag. With
    `where`, a watchdog thread samples the loop thread's stack during each stall."""

    def __init__(self, *, where: bool = False) -> None:
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None
        self._where = where
        self._woke = time.perf_counter()
        self._loop_thread = threading.get_ident()
        self._stop = threading.Event()
        self._watchdog: threading.Thread | None = None
        self.stalls: collections.Counter[str] = collections.Counter()

    async def _run(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(TICK_S)
            self._woke = time.perf_counter()
            self.samples.append(max(0.0, self._woke - started - TICK_S))

    def _watch(self) -> None:
        seen = 0.0
        while not self._stop.wait(0.01):
            woke = self._woke
            if time.perf_counter() - woke < STALL_S + TICK_S or woke == seen:
                continue
            seen = woke  # one sample per stall
            frame = sys._current_frames().get(self._loop_thread)
            self.stalls[_where(frame)] += 1

    def start(self) -> None:
        self._loop_thread = threading.get_ident()
        self._woke = time.perf_counter()
        self._task = asyncio.create_task(self._run(), name="loop-lag")
        if self._where:
            self._watchdog = threading.Thread(target=self._watch, name="stall-watch", daemon=True)
            self._watchdog.start()

    async def stop(self) -> None:
        self._stop.set()
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


def _where(frame: Any) -> str:
    """The innermost frames of the bot or its libraries on a stack, as `file:function` from
    the outside in (up to three), or what the thread was doing when none is ours."""
    found: list[str] = []
    while frame is not None and len(found) < 3:
        name = frame.f_code.co_filename
        if any(part in name for part in _OURS):
            short = name.split("/site-packages/")[-1].split("/jobs-2/")[-1]
            found.append(f"{short}:{frame.f_code.co_name}")
        frame = frame.f_back
    if not found:
        return "(no frame of ours: the loop waiting or not scheduled)"
    return " < ".join(found)


# A loop step that used this much CPU is listed (`--where`): CPU time of the loop thread, which
# a busy machine does not inflate (wall-clock lag also counts the time the thread waits for a
# core).
STEP_CPU_S = 0.02


@contextlib.contextmanager
def loop_cpu(steps: collections.Counter[str], worst: list[float]) -> Iterator[None]:
    """Measure the loop thread's CPU time of every callback and task step while inside:
    `worst[0]` is the largest, `steps` counts those over `STEP_CPU_S` by what ran (a task's
    coroutine, or the callback)."""
    from asyncio import events

    original = events.Handle._run

    def timed(handle: Any) -> None:
        started = time.thread_time()
        original(handle)
        used = time.thread_time() - started
        if used > worst[0]:
            worst[0] = used
        if used > STEP_CPU_S:
            steps[f"{_step_name(handle)} ({used * 1000:.0f} ms)"] += 1

    events.Handle._run = timed  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        events.Handle._run = original  # type: ignore[method-assign]


def _step_name(handle: Any) -> str:
    callback = getattr(handle, "_callback", None)
    task = getattr(callback, "__self__", None)
    coro = task.get_coro() if isinstance(task, asyncio.Task) else None
    if coro is not None:
        frame = getattr(coro, "cr_frame", None)
        where = f"{frame.f_code.co_filename.split('/')[-1]}:{frame.f_lineno}" if frame else ""
        return f"task {getattr(coro, '__qualname__', coro)} {where}".strip()
    return getattr(callback, "__qualname__", repr(callback))


@contextlib.contextmanager
def burners(count: int) -> Iterator[None]:
    """`count` CPU burner processes for the duration (a busy machine), stopped after."""
    started = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for process in started:
            process.kill()
        for process in started:
            process.wait()


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


async def scenario(
    *,
    requests: int,
    messages: int,
    threads: int,
    latency: float,
    folder: Path,
    offline: bool = False,
    where: bool = False,
) -> dict[str, Any]:
    """One load run: `requests` members ask at once, spread round-robin over `threads`."""
    from fakes.discord import FakeDiscord

    from bot.discord.app import assembled
    from bot.settings import Settings

    os.environ.setdefault("OPENAI_API_KEY", "bench")
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    with FakeOpenAI(latency=latency, responder=debate_responder) as llm:
        async with FakeDiscord() as fake:
            guild = fake.add_guild("Bench")
            general = fake.add_channel(guild, "general")
            members = [fake.add_user(f"member{i}") for i in range(requests)]
            # The debate's authors do not depend on how many ask, so one thread is the same
            # text (and the same LLM run) in every scenario.
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
                        fake.add_message(
                            thread, debaters[index % len(debaters)], text, reply_to=parent
                        ),
                    )
                debate_threads.append(thread)
            settings = Settings(
                database_url=f"sqlite:///{folder / 'bench.sqlite3'}",
                model="" if offline else "openai/fake-model",
                api_base=llm.url,
                cooldown_s=0,
                offline_cooldown_s=0,
                guild_daily_tokens=0,
                llm_max_retries=0,
                history_limit=max(messages, 100),
            )
            started = time.perf_counter()
            async with assembled(settings) as bot:
                startup_s = time.perf_counter() - started
                async with fake.run_client(bot):
                    lag = LoopLag(where=where)
                    steps: collections.Counter[str] = collections.Counter()
                    worst = [0.0]
                    measuring = loop_cpu(steps, worst) if where else contextlib.nullcontext()
                    measuring.__enter__()
                    lag.start()
                    begin = time.perf_counter()
                    handles = await asyncio.gather(
                        *(
                            fake.interaction(
                                user,
                                general,
                                "summarize",
                                {
                                    "link": "https://discord.com/channels/"
                                    f"{guild.id}/{debate_threads[i % threads].id}"
                                },
                            )
                            for i, user in enumerate(members)
                        )
                    )

                    def done() -> bool:
                        return all(
                            h.original and (h.original.get("embeds") or h.followups)
                            for h in handles
                        )

                    await fake.wait_for(done, timeout=120)
                    wall = time.perf_counter() - begin
                    await lag.stop()
                    measuring.__exit__(None, None, None)
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
            llm_calls = len(llm.requests)
    return {
        "requests": requests,
        "threads": threads,
        "messages_per_thread": messages,
        "llm_latency_s": latency,
        "engine": "offline" if offline else "llm",
        "startup_s": round(startup_s, 3),
        "wall_s": round(wall, 3),
        "time_to_defer": _ms(defer),
        "defers_within_3s": sum(1 for d in defer if d <= 3.0),
        "time_to_answer": _ms(answer),
        "loop_lag": lag.report(),
        "llm_calls": llm_calls,
        "history_requests": sum(len(fake.history_requests(t.id)) for t in debate_threads),
        "limit_violations": len(fake.limit_violations),
        "rejected_callbacks": sum(len(h.rejections) for h in handles),
        **(
            {
                "stalls": dict(lag.stalls.most_common(12)),
                "loop_step_cpu_max_ms": round(worst[0] * 1000, 1),
                "loop_steps_over_20ms_cpu": dict(steps.most_common(12)),
            }
            if where
            else {}
        ),
    }


async def run(
    *,
    requests: int = 50,
    messages: int = 400,
    threads: int = 5,
    latency: float = 0.2,
    offline: bool = False,
    burn: int = 0,
    where: bool = False,
) -> dict[str, Any]:
    """One request alone (the calls of one LLM run), then both scenarios: every request on one
    thread, and spread over `threads` threads (the two under `burn` CPU burners)."""
    with tempfile.TemporaryDirectory(prefix="debate-digest-discord-bench-") as folder:
        # One request alone: what one LLM run of this thread costs.
        solo = await scenario(
            requests=1, messages=messages, threads=1, latency=latency,
            folder=Path(folder) / "solo", offline=offline,
        )  # fmt: skip
        with burners(burn):
            same = await scenario(
                requests=requests, messages=messages, threads=1, latency=latency,
                folder=Path(folder) / "same", offline=offline, where=where,
            )  # fmt: skip
            spread = await scenario(
                requests=requests, messages=messages, threads=threads, latency=latency,
                folder=Path(folder) / "spread", offline=offline, where=where,
            )  # fmt: skip
    return {
        "burners": burn,
        "same_thread": same,
        "spread": spread,
        "calls_per_run": solo["llm_calls"],
        "identical_requests_cost_one_run": same["llm_calls"] == solo["llm_calls"],
    }


def _line(name: str, r: dict[str, Any]) -> list[str]:
    d, a, lag = r["time_to_defer"], r["time_to_answer"], r["loop_lag"]
    return [
        f"{name}: {r['requests']} concurrent /summarize over {r['threads']} thread(s) of "
        f"{r['messages_per_thread']} messages, LLM latency {r['llm_latency_s'] * 1000:.0f} ms",
        f"  defer: p50 {d['p50_ms']} ms, p99 {d['p99_ms']} ms, max {d['max_ms']} ms "
        f"({r['defers_within_3s']}/{r['requests']} within 3 s)",
        f"  answer: p50 {a['p50_ms']} ms, p99 {a['p99_ms']} ms; wall {r['wall_s']} s",
        f"  loop lag: max {lag['max_ms']} ms, p99 {lag['p99_ms']} ms, ticks over 100 ms: "
        f"{lag['over_100ms']} of {lag.get('ticks', 0)}",
        f"  LLM calls: {r['llm_calls']}; history requests: {r['history_requests']}; "
        f"limit violations: {r['limit_violations']}; start-up (store, litellm warm-up) "
        f"{r['startup_s']} s",
        *(f"  stalled in ({n}x): {where}" for where, n in r.get("stalls", {}).items()),
        *(
            [f"  loop step CPU: max {r['loop_step_cpu_max_ms']} ms"]
            if "loop_step_cpu_max_ms" in r
            else []
        ),
        *(
            f"  step over 20 ms CPU ({n}x): {s}"
            for s, n in r.get("loop_steps_over_20ms_cpu", {}).items()
        ),
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
    parser.add_argument("--burn", type=int, default=0, help="CPU burner processes meanwhile")
    parser.add_argument(
        "--where", action="store_true", help="sample the loop's stack during stalls"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger("discord").setLevel(logging.ERROR)
    result = asyncio.run(
        run(
            requests=args.requests,
            messages=args.messages,
            threads=args.threads,
            latency=args.latency,
            offline=args.offline,
            burn=args.burn,
            where=args.where,
        )
    )
    if args.json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        lines = _line("same thread", result["same_thread"]) + _line("spread", result["spread"])
        lines.append(
            f"one request alone: {result['calls_per_run']} LLM calls; "
            f"{result['same_thread']['requests']} identical requests cost one run: "
            f"{result['identical_requests_cost_one_run']}"
        )
        sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
