"""Prometheus metrics of the bot, and the hooks that feed them.

The pipeline, the LLM transport and the interaction error handler call the hooks below
(`observed_summary`, `llm_call`, `llm_call_failed`, `error`). They are no-ops until `enable`
runs, which `bot.ops.server` does when `DEBATE_DIGEST_HEALTH_PORT` is set: only then is
prometheus_client imported, so the CLI and a bot without the port pay nothing.

The active `Metrics` is held here, in one module-level slot, rather than passed through every
call: the hooks sit deep in the pipeline and the transport, whose signatures belong to the
callers. Each `Metrics` has its own registry, so that tests can enable a fresh one.

Labels are bounded: engines, outcomes, configured model names and exception class names. No
label or value ever holds message text, a user or a channel.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ParamSpec

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from bot.result import DigestResult

P = ParamSpec("P")

PREFIX = "debate_digest"
# Seconds: a cached answer takes milliseconds, a fresh LLM summary of a long thread minutes.
SUMMARY_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
LLM_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120)
# Event-loop lag: the bot's own budget is "no stall over 100 ms".
LAG_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)


class Metrics:
    """The bot's metrics in a registry of their own (with the process, platform and garbage
    collector figures of prometheus_client)."""

    def __init__(self) -> None:
        from prometheus_client import (
            CollectorRegistry,
            Counter,
            Gauge,
            GCCollector,
            Histogram,
            PlatformCollector,
            ProcessCollector,
        )

        self.registry: CollectorRegistry = CollectorRegistry()
        reg = self.registry
        ProcessCollector(registry=reg)
        PlatformCollector(registry=reg)
        GCCollector(registry=reg)
        self.summaries = Counter(
            f"{PREFIX}_summaries",
            "Summaries answered, by engine and outcome (fresh, cached, fallback, error).",
            ["engine", "outcome"],
            registry=reg,
        )
        self.summary_seconds = Histogram(
            f"{PREFIX}_summary_seconds",
            "Time to a summary (dedupe, cache, engine, verification), by engine and outcome.",
            ["engine", "outcome"],
            buckets=SUMMARY_BUCKETS,
            registry=reg,
        )
        self.cache_lookups = Counter(
            f"{PREFIX}_cache_lookups",
            "Result cache lookups of summaries, by result (hit or miss).",
            ["result"],
            registry=reg,
        )
        self.llm_calls = Counter(
            f"{PREFIX}_llm_calls",
            "LLM requests (retries included), by model and outcome (ok or the error class).",
            ["model", "outcome"],
            registry=reg,
        )
        self.llm_tokens = Counter(
            f"{PREFIX}_llm_tokens",
            "LLM tokens the provider reported, by model and kind (prompt or completion).",
            ["model", "kind"],
            registry=reg,
        )
        self.llm_cost = Counter(
            f"{PREFIX}_llm_cost_usd",
            "LLM cost in US dollars where litellm knows the price, by model.",
            ["model"],
            registry=reg,
        )
        self.llm_seconds = Histogram(
            f"{PREFIX}_llm_call_seconds",
            "Duration of one LLM request, by model.",
            ["model"],
            buckets=LLM_BUCKETS,
            registry=reg,
        )
        self.errors = Counter(
            f"{PREFIX}_errors",
            "Errors, by where they happened and their kind (the exception class).",
            ["where", "kind"],
            registry=reg,
        )
        self.loop_lag = Histogram(
            f"{PREFIX}_event_loop_lag_seconds",
            "How late the event loop woke a sleeping task (its stalls).",
            buckets=LAG_BUCKETS,
            registry=reg,
        )
        self.loop_lag_last = Gauge(
            f"{PREFIX}_event_loop_lag_last_seconds",
            "The event loop's lag at the last measurement.",
            registry=reg,
        )


_active: Metrics | None = None


def enable() -> Metrics:
    """Start recording into a fresh `Metrics` (imports prometheus_client); returns it."""
    global _active
    _active = Metrics()
    return _active


def disable() -> None:
    """Stop recording; the hooks are no-ops again."""
    global _active
    _active = None


def active() -> Metrics | None:
    """The metrics being recorded, or None."""
    return _active


# --- hooks -------------------------------------------------------------------------------------


def observed_summary(
    fn: Callable[P, Awaitable[DigestResult]],
) -> Callable[P, Awaitable[DigestResult]]:
    """Decorate the pipeline's `summarize_thread`: count each summary by engine and outcome,
    time it, and count cache hits and misses. The outcome is `cached`, `fallback` (the LLM was
    asked for and the offline engine answered), `fresh`, or `error` (it raised)."""

    @functools.wraps(fn)
    async def observed(*args: P.args, **kwargs: P.kwargs) -> DigestResult:
        metrics = _active
        if metrics is None:
            return await fn(*args, **kwargs)
        options: Any = kwargs.get("options")
        wanted = "llm" if getattr(options, "llm", None) is not None else "offline"
        started = time.perf_counter()
        try:
            result = await fn(*args, **kwargs)
        except Exception as err:
            elapsed = time.perf_counter() - started
            metrics.summaries.labels(wanted, "error").inc()
            metrics.summary_seconds.labels(wanted, "error").observe(elapsed)
            metrics.errors.labels("summary", type(err).__name__).inc()
            raise
        elapsed = time.perf_counter() - started
        if result.cached:
            outcome = "cached"
        elif wanted == "llm" and result.engine != "llm":
            outcome = "fallback"
        else:
            outcome = "fresh"
        metrics.summaries.labels(result.engine, outcome).inc()
        metrics.summary_seconds.labels(result.engine, outcome).observe(elapsed)
        if getattr(options, "use_cache", True):
            metrics.cache_lookups.labels("hit" if result.cached else "miss").inc()
        return result

    return observed


def llm_call(
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    cost_usd: float | None,
    started: float,
) -> None:
    """One LLM request answered: its tokens, cost (None: price unknown) and duration since
    `started` (a `time.perf_counter()` reading)."""
    metrics = _active
    if metrics is None:
        return
    metrics.llm_calls.labels(model, "ok").inc()
    metrics.llm_tokens.labels(model, "prompt").inc(max(0, prompt_tokens))
    metrics.llm_tokens.labels(model, "completion").inc(max(0, completion_tokens))
    if cost_usd is not None and cost_usd > 0:
        metrics.llm_cost.labels(model).inc(cost_usd)
    metrics.llm_seconds.labels(model).observe(max(0.0, time.perf_counter() - started))


def llm_call_failed(model: str, error: BaseException, started: float) -> None:
    """One LLM request failed (it may be retried), `started` as in `llm_call`: counted by the
    error's class."""
    metrics = _active
    if metrics is None:
        return
    kind = type(error).__name__
    metrics.llm_calls.labels(model, kind).inc()
    metrics.llm_seconds.labels(model).observe(max(0.0, time.perf_counter() - started))
    metrics.errors.labels("llm", kind).inc()


def error(where: str, err: BaseException) -> None:
    """An error of kind `type(err).__name__` at `where` (a fixed word: "interaction", …)."""
    metrics = _active
    if metrics is None:
        return
    metrics.errors.labels(where, type(getattr(err, "original", err)).__name__).inc()


def loop_lag(seconds: float) -> None:
    """One measurement of the event loop's lag."""
    metrics = _active
    if metrics is None:
        return
    metrics.loop_lag.observe(seconds)
    metrics.loop_lag_last.set(seconds)
