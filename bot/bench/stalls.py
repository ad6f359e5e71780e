"""A dev tool: find what runs on the event loop when it stalls (not part of the product).

    sampler = StallSampler(threshold_s=0.03)
    sampler.start()            # on the running loop
    ...                        # the load
    sampler.stop()
    print(sampler.text())      # where the loop was while it was late

A heartbeat on the loop (`call_later` every 5 ms) stamps the time it ran. A watchdog thread wakes
every 2 ms; when the heartbeat is more than `threshold_s` late it reads the stack of every thread
with `sys._current_frames()`. Each sample is weighted by the time since the previous one, so a
long call in C (which holds the interpreter lock, and so keeps the watchdog from sampling) is
charged to the line that made it, as the first sample after it returns.

What a sample says:
- the loop thread inside our code or a library: that code was on the loop (the report's
  "loop" tables: the innermost frame, and every frame of the stack, by time). Running it, or
  runnable but preempted there on a busy machine: a sample cannot tell, `LoopSteps` can (the
  CPU time of each step against its wall-clock time);
- the loop thread in `select` (waiting for events): it is not running Python. Either the
  process is not scheduled (a busy machine), or the loop thread woke and waits for the
  interpreter lock while another thread of this process holds it: the report's "other threads"
  table shows what the other threads were doing at those moments (a worker thread doing CPU work
  is the usual suspect).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, cast

BEAT_S = 0.005
POLL_S = 0.002
# Frames of these files are waits, not work: a thread whose innermost frame is here holds no
# interpreter lock (it is blocked in the OS).
WAITS = (
    "selectors.py",
    "threading.py",
    "queue.py",
    "connection.py",
    "futures/thread.py:81 ",  # an executor thread waiting for work
    "aiosqlite/core.py:59 ",  # aiosqlite's thread waiting for a statement
)


def _where(frame: FrameType) -> str:
    code = frame.f_code
    name = code.co_filename
    for marker in ("/site-packages/", "/lib/python3"):
        if marker in name:
            name = name.split(marker, 1)[1]
            break
    else:
        if "/bot/" in name:
            name = "bot/" + name.rsplit("/bot/", 1)[1]
        elif "/tests/" in name:
            name = "tests/" + name.rsplit("/tests/", 1)[1]
    return f"{name}:{frame.f_lineno} {code.co_name}"


def _stack(frame: FrameType | None, depth: int = 40) -> tuple[str, ...]:
    """Innermost first."""
    out: list[str] = []
    while frame is not None and len(out) < depth:
        out.append(_where(frame))
        frame = frame.f_back
    return tuple(out)


@dataclass
class Stall:
    """One late heartbeat: when, how late, and the loop's stacks sampled meanwhile."""

    started: float
    late_s: float = 0.0
    samples: list[tuple[float, tuple[str, ...], list[tuple[str, ...]]]] = field(
        default_factory=list
    )


def _idle(stack: tuple[str, ...]) -> bool:
    return bool(stack) and any(w in stack[0] for w in ("selectors.py", "base_events.py:_run_once"))


class StallSampler:
    """Samples the event loop thread's stack whenever the loop is over `threshold_s` late."""

    def __init__(self, threshold_s: float = 0.03) -> None:
        self.threshold_s = threshold_s
        self.stalls: list[Stall] = []
        self._beat = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0
        self._handle: asyncio.TimerHandle | None = None
        self._stop = threading.Event()
        self._watchdog: threading.Thread | None = None
        self._current: Stall | None = None
        self._lock = threading.Lock()
        self.gc_pauses: list[tuple[int, float]] = []  # (generation, seconds) on the loop thread
        self._gc_started = 0.0

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if threading.get_ident() != self._loop_thread:
            return
        if phase == "start":
            self._gc_started = time.perf_counter()
        elif self._gc_started:
            self.gc_pauses.append((info["generation"], time.perf_counter() - self._gc_started))

    def start(self) -> None:
        """Start on the running loop (call from a coroutine or callback on it)."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._beat = time.perf_counter()
        self._handle = self._loop.call_later(BEAT_S, self._heartbeat)
        self._watchdog = threading.Thread(target=self._watch, name="stall-watchdog", daemon=True)
        self._watchdog.start()
        gc.callbacks.append(self._on_gc)

    def stop(self) -> None:
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        self._stop.set()
        if self._handle is not None:
            self._handle.cancel()
        if self._watchdog is not None:
            self._watchdog.join()

    def _heartbeat(self) -> None:
        now = time.perf_counter()
        late = now - self._beat - BEAT_S
        with self._lock:
            if self._current is not None:
                self._current.late_s = late
                self._current = None
            self._beat = now
        assert self._loop is not None
        self._handle = self._loop.call_later(BEAT_S, self._heartbeat)

    def _watch(self) -> None:
        last = time.perf_counter()
        while not self._stop.wait(POLL_S):
            now = time.perf_counter()
            weight, last = now - last, now
            with self._lock:
                if now - self._beat - BEAT_S < self.threshold_s:
                    continue
                if self._current is None:
                    self._current = Stall(started=self._beat + BEAT_S)
                    self.stalls.append(self._current)
                    weight = now - self._current.started - self.threshold_s
                current = self._current
            frames = sys._current_frames()
            me = threading.get_ident()
            loop_stack = _stack(frames.get(self._loop_thread))
            others = [_stack(f, 12) for t, f in frames.items() if t not in (me, self._loop_thread)]
            current.samples.append((weight, loop_stack, others))

    # -- the report ----------------------------------------------------------------------------

    def summary(self, top: int = 15, depth: int = 6) -> dict[str, Any]:
        """Where the loop was during stalls, by time (ms); stacks cut to `depth` frames."""
        stalls = [s for s in self.stalls if s.late_s >= self.threshold_s or s.late_s == 0.0]
        inner: collections.defaultdict[str, float] = collections.defaultdict(float)
        inclusive: collections.defaultdict[str, float] = collections.defaultdict(float)
        others: collections.defaultdict[str, float] = collections.defaultdict(float)
        stacks: collections.defaultdict[str, float] = collections.defaultdict(float)
        idle_s = busy_s = fake_s = 0.0
        for stall in stalls:
            for weight, stack, other in stall.samples:
                if not stack:
                    continue
                if _idle(stack):
                    idle_s += weight
                    for o in other:
                        if o and not any(w in o[0] for w in WAITS):
                            # a thread running Python while the loop waits: the lock's holder
                            others[_ours(o)] += weight
                    continue
                busy_s += weight
                if any(f.startswith("tests/fakes/") for f in stack):
                    fake_s += weight
                inner[stack[0]] += weight
                stacks[" < ".join(stack[:depth])] += weight
                for frame in set(stack):
                    inclusive[frame] += weight

        def ms(times: dict[str, float]) -> list[tuple[str, float]]:
            ordered = sorted(times.items(), key=lambda kv: -kv[1])[: top * 2]
            return [(k, round(v * 1000, 1)) for k, v in ordered]

        pauses = sorted((s for g, s in self.gc_pauses), reverse=True)
        return {
            "gc": {
                "collections": len(pauses),
                "full": sum(1 for g, s in self.gc_pauses if g == 2),
                "total_ms": round(sum(pauses) * 1000, 1),
                "worst_ms": [round(s * 1000, 1) for s in pauses[:5]],
            },
            "threshold_ms": self.threshold_s * 1000,
            "stalls": len(stalls),
            "worst_ms": sorted((round(s.late_s * 1000, 1) for s in stalls), reverse=True)[:10],
            "loop_running_ms": round(busy_s * 1000, 1),
            "loop_waiting_ms": round(idle_s * 1000, 1),
            # the loopback fakes (a benchmark's Discord) on the same loop: not the bot's work
            "fakes_ms": round(fake_s * 1000, 1),
            "loop_innermost": ms(inner)[:top],
            # frames on every stack (the loop's own, `main`) say nothing
            "loop_inclusive": ms({k: v for k, v in inclusive.items() if v < 0.98 * busy_s}),
            "loop_stacks": ms(stacks)[: top * 2],
            "other_threads_while_loop_waits": ms(others)[:top],
        }

    def text(self, top: int = 15) -> str:
        return format_summary(self.summary(top))


def format_summary(s: dict[str, Any]) -> str:
    """`StallSampler.summary()` as lines of text."""
    lines = [
        f"stalls over {s['threshold_ms']:.0f} ms: {s['stalls']}; worst {s['worst_ms']} ms",
        f"during them the loop thread was in Python code (running it, or preempted there) for "
        f"{s['loop_running_ms']} ms and in select (not scheduled, or waiting for the "
        f"interpreter lock) for {s['loop_waiting_ms']} ms; of the former, {s['fakes_ms']} ms "
        "was in the loopback fakes (tests/fakes)",
        f"garbage collections on the loop thread: {s['gc']}",
    ]
    for title, key in (
        ("loop thread, innermost frame", "loop_innermost"),
        ("loop thread, any frame of the stack", "loop_inclusive"),
        ("loop thread, innermost frames (< caller)", "loop_stacks"),
        ("other threads running Python while the loop waits", "other_threads_while_loop_waits"),
    ):
        lines.append(f"-- {title} (ms)")
        lines += [f"  {v:8.1f}  {k}" for k, v in s[key]]
    return "\n".join(lines)


# A loop step that used this much CPU is listed (`LoopSteps`).
STEP_CPU_S = 0.02
BATCH_WALL_S = 0.05


class LoopSteps:
    """The CPU time of every step of the event loop (a callback, or one step of a task), in
    the loop thread's own CPU clock: a busy machine stretches stalls, not this. While
    `measuring()`, `worst_s` is the largest step and `over` counts the steps over
    `STEP_CPU_S` by what ran (a task's coroutine and where it stopped, or the callback)."""

    def __init__(self) -> None:
        self.worst_s = 0.0
        self.total = 0
        self.over: collections.Counter[str] = collections.Counter()
        # Loop iterations whose callbacks took over `BATCH_WALL_S` of wall-clock time: (wall,
        # CPU, callbacks, the three longest by wall as (wall, CPU, name)). Wall far above CPU
        # is time the loop thread did not run: not scheduled, or waiting for the interpreter
        # lock inside a callback (a socket write, a lock) while another thread held it.
        self.batches: list[tuple[float, float, int, list[tuple[float, float, str]]]] = []
        self.wall_s = self.cpu_s = 0.0

    @contextlib.contextmanager
    def measuring(self) -> Iterator[None]:
        from asyncio import base_events, events

        original = events.Handle._run
        loop_class: Any = base_events.BaseEventLoop
        original_once = loop_class._run_once
        loop_thread = threading.get_ident()
        clock, wall = time.thread_time, time.perf_counter
        batch: list[tuple[float, float, Any]] = []

        def timed(handle: Any) -> None:
            if threading.get_ident() != loop_thread:  # another loop (a fake's thread)
                original(handle)
                return
            started, started_wall = clock(), wall()
            original(handle)
            used, took = clock() - started, wall() - started_wall
            batch.append((took, used, handle))
            self.total += 1
            if used > self.worst_s:
                self.worst_s = used
            if used > STEP_CPU_S:
                self.over[f"{_step_name(handle)} ({used * 1000:.0f} ms)"] += 1

        def once(loop: Any) -> None:
            batch.clear()
            original_once(loop)
            if threading.get_ident() != loop_thread or not batch:
                return
            took = sum(b[0] for b in batch)
            used = sum(b[1] for b in batch)
            self.wall_s += took
            self.cpu_s += used
            if took > BATCH_WALL_S:
                longest = sorted(batch, key=lambda b: -b[0])[:3]
                named = [(t, u, _step_name(h)) for t, u, h in longest]
                self.batches.append((took, used, len(batch), named))
            batch.clear()

        events.Handle._run = timed  # type: ignore[method-assign,assignment]
        loop_class._run_once = once
        try:
            yield
        finally:
            events.Handle._run = original  # type: ignore[method-assign]
            loop_class._run_once = original_once

    def summary(self, top: int = 15) -> dict[str, Any]:
        worst = sorted(self.batches, key=lambda b: -b[0])[:top]
        return {
            "steps": self.total,
            "worst_ms": round(self.worst_s * 1000, 1),
            "over_20ms": sum(self.over.values()),
            "largest": [
                name for name, _ in sorted(self.over.items(), key=lambda kv: -_ms_of(kv[0]))
            ][:top],
            "callbacks_wall_s": round(self.wall_s, 2),
            "callbacks_cpu_s": round(self.cpu_s, 2),
            "iterations_over_50ms": len(self.batches),
            "iterations_over_50ms_wall_s": round(sum(b[0] for b in self.batches), 2),
            "iterations_over_50ms_cpu_s": round(sum(b[1] for b in self.batches), 2),
            "worst_iterations": [
                f"wall {t * 1000:.0f} ms, CPU {u * 1000:.0f} ms, {n} callbacks; longest: "
                + "; ".join(f"{a * 1000:.0f}/{b * 1000:.0f} ms {name}" for a, b, name in named)
                for t, u, n, named in worst
            ],
        }


def _ms_of(name: str) -> float:
    return float(name.rsplit("(", 1)[1].split(" ", 1)[0])


def _step_name(handle: Any) -> str:
    callback = getattr(handle, "_callback", None)
    task = getattr(callback, "__self__", None)
    coro = task.get_coro() if isinstance(task, asyncio.Task) else None
    if coro is not None:
        # Where the task stopped after this step: the innermost coroutine it awaits (the step
        # ran from the previous stop to here; a task that finished has no frame).
        where, inner = "", cast(Any, coro)
        while inner is not None and getattr(inner, "cr_frame", None) is not None:
            where = _where(inner.cr_frame)
            inner = getattr(inner, "cr_await", None)
        return f"task {getattr(coro, '__qualname__', coro)} @ {where}".strip()
    return getattr(callback, "__qualname__", repr(callback))


def _ours(stack: tuple[str, ...]) -> str:
    """The innermost frame, and the innermost of ours (bot/) when it is not the same."""
    mine = next((f for f in stack if f.startswith("bot/")), None)
    return stack[0] if mine in (None, stack[0]) else f"{stack[0]}  <-  {mine}"
