"""Provider capabilities and transport, by concern, for one `summarize_llm` call:

* `Provider`: what litellm says the run's models support (route, reasoning, window), token
  counting; each fact looked up once per model and run.
* `Ledger`: usage and cost summed over every call.
* `Transport`: one request with retries, backoff and failure classification, accounted in the
  ledger.
* `RunState`: what the run learned (models that are down, notes, re-ask counters).
* `_Run`: those four and the request's choices; gets one verified structured answer (re-asks
  included).
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import random
import threading
import time
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.ops import metrics
from bot.progress import Progress
from bot.summarize import budget
from bot.summarize.evidence import for_recheck, wants_recheck
from bot.summarize.llm.config import (
    DEFAULT_CONTEXT_TOKENS,
    LLMConfig,
    LLMError,
    MessagesFor,
    Route,
    SidesCheck,
    _CutOff,
    _ModelFailed,
    _Part,
    _RouteRejected,
)
from bot.summarize.llm.messages import (
    _error_text,
    _reask,
    _summary_schema_text,
    canonical_ids,
    parse_summary,
    response_format,
    verification_failures,
)
from bot.summarize.schema import Usage
from bot.summarize.verify import verify
from bot.thread import Comment

log = logging.getLogger(__name__)


# HTTP statuses worth another try: throttling, server trouble, timeouts.
_RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
# How long the exit may wait for litellm's clients to close on their own loop.
CLOSE_TIMEOUT_S = 3.0


def _litellm() -> Any:
    # Offline cost map: no network fetch at import; quiet: litellm prints help text to stdout
    # on errors unless told not to, and stdout belongs to `--json`.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    # litellm's loggers write INFO and below to stdout once the root logger is at INFO
    # (`--verbose`, a bot's log level): their records go to this program's handlers (stderr)
    # instead, and only from WARNING (its INFO lines repeat our own call logs).
    for name in _LITELLM_LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = True
    return litellm


_LITELLM_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy")


class _CallLoop:
    """An event loop of its own, in a daemon thread, where litellm's calls run.

    litellm does tens of milliseconds of Python per call (building the request, its price and
    capability lookups, response objects, success logging). On the bot's event loop that work
    stalls the gateway and every other answer; here the loop thread only waits for the
    interpreter lock, which Python hands over every few milliseconds. Cancelling the awaiting
    task (a timeout, a failed sibling chunk) cancels the call in this loop."""

    _lock = threading.Lock()
    _loop: asyncio.AbstractEventLoop | None = None
    _closing_registered = False

    @classmethod
    def loop(cls) -> asyncio.AbstractEventLoop:
        with cls._lock:
            if cls._loop is None or cls._loop.is_closed():
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="llm-calls", daemon=True).start()
                cls._loop = loop
            if not cls._closing_registered:
                # Exit handlers run last first: this one, registered after litellm's (they are
                # registered on import and on its first attribute looked up), runs before them.
                atexit.register(cls.close)
                cls._closing_registered = True
            return cls._loop

    @classmethod
    def close(cls, timeout: float = CLOSE_TIMEOUT_S) -> None:
        """Flush litellm's logging worker and close its HTTP clients on the loop they belong to,
        then stop it; bounded by `timeout`. litellm's own exit handlers do both on a new loop,
        which can wait for ever on a connection of this one: a CLI run that had printed its
        summary was seen hanging at exit under load. Run at exit; errors are ignored (nothing
        is left to report to)."""
        with cls._lock:
            loop, cls._loop = cls._loop, None  # (a later call starts a loop of its own)
        if loop is None or loop.is_closed() or not loop.is_running():
            return
        try:
            asyncio.run_coroutine_threadsafe(
                asyncio.wait_for(_close_litellm(), timeout), loop
            ).result(timeout + 1)
        except Exception:  # noqa: BLE001 (at exit: a slow or broken close must not hang it)
            log.debug("closing litellm's clients at exit failed", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)

    @classmethod
    async def run(cls, coro: Coroutine[Any, Any, Any]) -> Any:
        future = asyncio.run_coroutine_threadsafe(coro, cls.loop())
        return await asyncio.wrap_future(future)

    @classmethod
    def run_blocking(cls, coro: Coroutine[Any, Any, Any], timeout: float) -> Any:
        """From a thread that is not an event loop's (the bot's start-up warm-up): litellm
        binds its logging worker to the loop of its calls, so every call uses this one."""
        return asyncio.run_coroutine_threadsafe(coro, cls.loop()).result(timeout)


async def _close_litellm() -> None:
    """litellm's logging worker flushed and its cached async HTTP clients closed (each step
    only where this litellm has it)."""
    try:
        from litellm.litellm_core_utils.logging_worker import GLOBAL_LOGGING_WORKER
    except ImportError:
        pass
    else:
        await GLOBAL_LOGGING_WORKER.flush()
        await GLOBAL_LOGGING_WORKER.stop(timeout=1.0)
    try:
        from litellm.llms.custom_httpx.async_client_cleanup import close_litellm_async_clients
    except ImportError:
        return
    await close_litellm_async_clients()


class Provider:
    """What the run's models support and how many tokens a text costs, by litellm's model map;
    each lookup made once per model and run (litellm's capability lookups cost per call)."""

    def __init__(self, config: LLMConfig, llm: Any) -> None:
        self.config = config
        self.llm = llm
        self.models = list(dict.fromkeys([config.model, *config.fallback_models]))
        self.routes: dict[str, Route] = {}
        self.reasoning: dict[str, bool] = {}
        self._selected: tuple[Any] | None = None  # (tokenizer,) once looked up
        self.primary_provider = self._provider(config.model)
        self.context_tokens, max_output = self._limits()
        self.reserve = budget.answer_reserve(self.context_tokens, max_output)

    def _provider(self, model: str) -> str | None:
        try:
            return str(self.llm.get_llm_provider(model=model)[1])
        except Exception:  # unknown provider: litellm raises BadRequestError; decided at call time
            return None

    def _model_info(self, model: str) -> dict[str, Any]:
        try:
            return dict(self.llm.get_model_info(model=model))
        except Exception:  # not in litellm's map (self-hosted, new models): use our defaults
            return {}

    def _limits(self) -> tuple[int, int | None]:
        infos = [self._model_info(m) for m in self.models]
        outputs = [i["max_output_tokens"] for i in infos if i.get("max_output_tokens")]
        max_output = min(outputs) if outputs else None
        if self.config.context_tokens:
            return self.config.context_tokens, max_output
        # The smallest known window: every chunk must fit whichever model ends up answering it.
        windows = [i["max_input_tokens"] for i in infos if i.get("max_input_tokens")]
        if windows:
            return min(windows), max_output
        log.info("context window unknown for %s; assuming %d", self.models, DEFAULT_CONTEXT_TOKENS)
        return DEFAULT_CONTEXT_TOKENS, max_output

    def route(self, model: str) -> Route:
        """How to ask `model` for JSON (decided once per model and run)."""
        if model in self.routes:
            return self.routes[model]
        try:
            schema = bool(self.llm.supports_response_schema(model=model))
        except Exception:  # litellm's capability lookups raise for unknown providers
            schema = False
        self_hosted = bool(self.config.api_base) and self.same_endpoint(model)
        if schema or (model.startswith("openai/") and self_hosted):
            route: Route = "json_schema"
        else:
            try:
                params = self.llm.get_supported_openai_params(model=model) or []
            except Exception:  # as above
                params = []
            route = "json_object" if "response_format" in params else "prompt"
        self.routes[model] = route
        return route

    def reasons(self, model: str) -> bool:
        """Whether `model` is a reasoning model (its hidden reasoning counts against max_tokens)."""
        if model not in self.reasoning:
            try:
                self.reasoning[model] = bool(self.llm.supports_reasoning(model=model))
            except Exception:  # as above: unknown models do not reason as far as we know
                self.reasoning[model] = False
        return self.reasoning[model]

    def same_endpoint(self, model: str) -> bool:
        """Whether `api_base`/`api_key` apply to `model`: the primary model and every model of
        the same provider."""
        return model == self.config.model or (
            self.primary_provider is not None and self._provider(model) == self.primary_provider
        )

    def count(
        self, *, text: str | None = None, messages: list[dict[str, str]] | None = None
    ) -> int:
        """Tokens by the primary model's tokenizer (litellm falls back to tiktoken's).

        Messages go through `token_counter` (it adds the per-message overhead); a data line
        through `encode`, the same tokenizer without `token_counter`'s per-call model lookup,
        which is five times faster: it matters at thousands of comments.
        """
        if messages is not None:
            return int(self.llm.token_counter(model=self.config.model, messages=messages))
        return len(
            self.llm.encode(
                model=self.config.model, text=text or "", custom_tokenizer=self._tokenizer()
            )
        )

    def prompt_cost(self, messages: list[dict[str, str]], route: Route) -> int:
        """Prompt tokens of a request: its messages and, on the json_schema route, the schema
        sent as `response_format` (the provider counts it as prompt)."""
        cost = self.count(messages=messages)
        if route == "json_schema":
            cost += self.count(text=_summary_schema_text())
        return cost

    def _tokenizer(self) -> Any:
        """The tokenizer litellm's `encode` picks for the primary model, picked once per run:
        `encode` looks it up anew on every call, about 40% of the cost of counting a comment
        line. None (`encode` picks it per call) when this litellm does not expose the lookup."""
        if self._selected is None:
            utils = getattr(self.llm, "utils", None)
            select = getattr(utils, "select_tokenizer", None) or getattr(
                utils, "_select_tokenizer", None
            )
            self._selected = (select(model=self.config.model) if select else None,)
        return self._selected[0]


@dataclass
class Ledger:
    """Usage summed over every call of a run; cost is unknown until litellm prices a call."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    cost_known: bool = False
    cost_unknown: set[str] = field(default_factory=set)  # models litellm could not price

    def usage(self) -> Usage:
        return Usage(
            llm_calls=self.calls,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            cost_usd=round(self.cost, 6) if self.cost_known else None,
        )


@dataclass
class RunState:
    """What a run learned along the way: models that are down and why each failed, the notes
    for the reader, and how often it had to re-ask."""

    down: dict[str, str] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    repairs: int = 0
    reasks: int = 0
    shortened: int = 0
    rechecks: int = 0  # answers whose sides the model was asked to recheck
    fallbacks_used: set[str] = field(default_factory=set)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


class Transport:
    """One request with retries: call, classify a failure, back off, account the usage."""

    def __init__(
        self,
        config: LLMConfig,
        llm: Any,
        provider: Provider,
        ledger: Ledger,
        down: dict[str, str] | None = None,
    ) -> None:
        self.config = config
        self.llm = llm
        self.provider = provider
        self.ledger = ledger
        self.semaphore = asyncio.Semaphore(max(1, config.concurrency))
        # The run's models that are down (`RunState.down`), model -> why: a request that was
        # waiting for a slot when its model went down is not sent.
        self.down: dict[str, str] = down if down is not None else {}

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        delay = self.config.backoff_s * (2 ** (attempt - 1)) * (0.5 + random.random() / 2)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, self.config.max_backoff_s)

    def _classify(self, err: BaseException, route: Route, model: str) -> tuple[str, str, bool]:
        """(action, short reason, model is down) for an exception from one call; action is
        "retry", "route" (ask again without response_format) or "fail"."""
        llm = self.llm
        status = getattr(err, "status_code", None)
        if isinstance(err, (asyncio.TimeoutError, llm.Timeout)):
            return "retry", "timed out", True
        if isinstance(err, llm.RateLimitError):
            return "retry", "rate limited (HTTP 429)", True
        if isinstance(err, llm.ContextWindowExceededError):
            return "fail", "context window exceeded", False
        if isinstance(err, llm.APIConnectionError) or _connection_failed(err):
            # litellm reports a refused connection as HTTP 500 "Connection error.": the cause
            # chain says what happened.
            where = self.config.api_base if self.provider.same_endpoint(model) else None
            return (
                "retry",
                "could not connect to the model server" + (f" at {where}" if where else ""),
                True,
            )
        if isinstance(err, llm.AuthenticationError):
            return "fail", "authentication failed (HTTP 401)", True
        if isinstance(err, llm.PermissionDeniedError):
            return "fail", "permission denied (HTTP 403)", True
        if isinstance(err, llm.NotFoundError):
            return "fail", "model not found (HTTP 404)", True
        if isinstance(err, (llm.InternalServerError, llm.ServiceUnavailableError)) or (
            isinstance(status, int) and status in _RETRY_STATUS
        ):
            return "retry", (f"server error (HTTP {status})" if status else "server error"), True
        if isinstance(err, (llm.BadRequestError, llm.UnprocessableEntityError)) or status in (
            400,
            422,
        ):
            action = "route" if route != "prompt" else "fail"
            return action, f"request rejected (HTTP {status})", False
        return "fail", type(err).__name__, False

    @staticmethod
    def _retry_after(err: BaseException) -> float | None:
        headers = getattr(getattr(err, "response", None), "headers", None)
        try:
            value = headers.get("retry-after") if headers is not None else None
            return float(value) if value is not None else None
        except (TypeError, ValueError):  # an HTTP date or junk: use our own backoff
            return None

    async def call(
        self, model: str, messages: list[dict[str, str]], route: Route
    ) -> tuple[str | None, str | None]:
        """One request with retries: (content, finish_reason). Raises `_ModelFailed` when the
        retries are spent or the error is not worth retrying, `_RouteRejected` on a 400/422
        while asking for structured output."""
        cfg = self.config
        kwargs: dict[str, Any] = {
            "model": model,
            "messages": messages,
            "timeout": cfg.timeout_s,
            "num_retries": 0,  # retries are ours (see module docstring)
        }
        if not self.provider.reasons(model):
            # The room we kept for the answer. Not for reasoning models: their hidden reasoning
            # counts against the same limit and would cut every answer off.
            kwargs["max_tokens"] = self.provider.reserve
        if self.provider.same_endpoint(model):
            if cfg.api_base:
                kwargs["api_base"] = cfg.api_base
            if cfg.api_key:
                kwargs["api_key"] = cfg.api_key
        fmt = response_format(route)
        if fmt is not None:
            kwargs["response_format"] = fmt

        attempts = max(0, cfg.max_retries) + 1
        reason = "no attempt made"
        started = time.perf_counter()
        for attempt in range(attempts):
            try:
                async with self.semaphore:
                    if model in self.down:
                        raise _ModelFailed(self.down[model], model_down=True)
                    self.ledger.calls += 1
                    started = time.perf_counter()
                    # Belt and braces over litellm's own timeout, which bounds each read but
                    # not a server that trickles bytes.
                    response = await asyncio.wait_for(
                        _CallLoop.run(self.llm.acompletion(**kwargs)),
                        timeout=cfg.timeout_s * 1.5 + 1,
                    )
            except _ModelFailed:
                raise  # went down while this request waited for a slot: nothing was sent
            except Exception as err:
                action, reason, down = self._classify(err, route, model)
                metrics.llm_call_failed(model, err, started)
                log.info(
                    "llm call model=%s failed: %s (attempt %d/%d, %.0f ms)",
                    model,
                    reason,
                    attempt + 1,
                    attempts,
                    (time.perf_counter() - started) * 1000,
                )
                if action == "route":
                    raise _RouteRejected(reason) from None
                if action == "fail":
                    if down:
                        self.down.setdefault(model, reason)  # before the slot is handed on
                    raise _ModelFailed(reason, model_down=down) from None
                if attempt + 1 < attempts:
                    await asyncio.sleep(self._backoff(attempt + 1, self._retry_after(err)))
                continue
            # litellm's price lookup is 5-10 ms of CPU per call: off the event loop.
            cost = await asyncio.to_thread(self._price, response)
            return self._account(model, response, started, cost)
        raise _ModelFailed(f"{reason} after {attempts} attempts", model_down=True)

    def _price(self, response: Any) -> float | None:
        try:
            cost = self.llm.completion_cost(completion_response=response)
        except Exception:  # litellm raises for models missing from its price map
            return None
        return None if cost is None else float(cost)

    def _account(
        self, model: str, response: Any, started: float, cost: float | None
    ) -> tuple[str | None, str | None]:
        ledger = self.ledger
        usage = getattr(response, "usage", None)
        prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
        ledger.prompt_tokens += prompt_tokens
        ledger.completion_tokens += completion_tokens
        if cost is None:
            ledger.cost_unknown.add(model)
        else:
            ledger.cost += float(cost)
            ledger.cost_known = True
        metrics.llm_call(model, prompt_tokens, completion_tokens, cost, started)
        choices = getattr(response, "choices", None) or []
        content = choices[0].message.content if choices else None
        finish = choices[0].finish_reason if choices else None
        log.info(
            "llm call model=%s prompt_tokens=%d completion_tokens=%d duration_ms=%.0f "
            "finish_reason=%s",
            model,
            prompt_tokens,
            completion_tokens,
            (time.perf_counter() - started) * 1000,
            finish,
        )
        return content, finish


class _Run:
    """One `summarize_llm` call: the request's choices (`max_points`, `language`, `progress`)
    over its `provider`, `transport`, `ledger` and `state`; `answer` gets one verified
    structured answer from the first model that manages one."""

    def __init__(
        self,
        config: LLMConfig,
        progress: Progress | None,
        llm: Any,
        *,
        max_points: int = 4,
        language: str | None = None,
    ) -> None:
        self.config = config
        self.max_points = max_points
        self.language = language
        self.progress: Progress = progress or (lambda stage, done, total: None)
        self.provider = Provider(config, llm)
        self.ledger = Ledger()
        self.state = RunState()
        self.transport = Transport(config, llm, self.provider, self.ledger, self.state.down)

    async def answer(
        self,
        messages_for: MessagesFor,
        known: Mapping[str, Comment],
        *,
        split_on_cutoff: bool = False,
        sides: SidesCheck | None = None,
    ) -> _Part:
        """A verified summary from the first model that manages one; `LLMError` when none
        does. `known` is what quotes and ids are checked against. `sides` checks the answer's
        sides against what the comments say (`_Part.check`); where they go against it, the
        model is asked once to recheck them (`LLMConfig.recheck_sides`) and the answer with
        fewer such placements is kept."""
        state = self.state
        reasons: list[str] = []
        for model in self.provider.models:
            if model in state.down:
                reasons.append(f"{model}: {state.down[model]}")
                continue
            try:
                part = await self._answer_on(model, messages_for, known, split_on_cutoff, sides)
            except _ModelFailed as failed:
                log.warning("model %s failed: %s", model, failed.reason)
                if failed.model_down:
                    state.down.setdefault(model, failed.reason)
                state.failures[model] = failed.reason
                reasons.append(f"{model}: {failed.reason}")
                continue
            if model != self.config.model:
                state.fallbacks_used.add(model)
            return part
        raise LLMError("all models failed: " + "; ".join(reasons) + ".", self.usage())

    async def _answer_on(
        self,
        model: str,
        messages_for: MessagesFor,
        known: Mapping[str, Comment],
        split_on_cutoff: bool,
        sides: SidesCheck | None = None,
    ) -> _Part:
        state = self.state
        route = self.provider.route(model)
        messages = messages_for(route)
        reasked = repaired = shortened = False
        first: _Part | None = None  # the answer whose sides the model was asked to recheck
        while True:
            try:
                try:
                    content, finish = await self.transport.call(model, messages, route)
                except _RouteRejected as rejected:
                    if route == "prompt":  # pragma: no cover - call() never raises it for "prompt"
                        raise _ModelFailed(rejected.args[0]) from None
                    # The server does not take response_format: ask again with the schema in the
                    # prompt, and remember it for the rest of the run.
                    self.note(
                        f"{model} rejected structured output; the JSON schema went in the prompt"
                    )
                    route = self.provider.routes[model] = "prompt"
                    messages = messages_for(route)
                    continue
                if finish == "length":
                    # A cut-off answer is never parsed, even when the cut left valid JSON.
                    if split_on_cutoff:
                        raise _CutOff()
                    if shortened:
                        raise _ModelFailed("answer cut off at the length limit twice")
                    shortened = True
                    state.shortened += 1
                    fewer = max(1, self.max_points // 2)
                    messages = [*messages, _reask("shorter", max_points=fewer)]
                    continue
                try:
                    summary = parse_summary(content)
                except ValueError as err:
                    if reasked:
                        raise _ModelFailed(
                            "reply was not valid JSON for the schema after a re-ask"
                        ) from None
                    reasked = True
                    state.reasks += 1
                    messages = [
                        *messages,
                        {"role": "assistant", "content": content or ""},
                        _reask("invalid", error=_error_text(err)),
                    ]
                    continue
                summary = canonical_ids(summary, known)
                # Folding every cited comment is CPU work: off the event loop (the bot serves
                # other requests meanwhile).
                failures = await asyncio.to_thread(verification_failures, summary, known)
                if failures and not repaired:
                    repaired = True
                    state.repairs += 1
                    messages = [
                        *messages,
                        {"role": "assistant", "content": content or ""},
                        _reask("repair", failures="\n".join(failures)),
                    ]
                    continue
                cleaned, verification = await asyncio.to_thread(verify, summary, known)
                if not any(side.points for side in cleaned.sides):
                    raise _ModelFailed(  # said only when verification dropped something
                        "no point of the answer survived verification"
                        if verification.points_dropped
                        else "the answer has no point"
                    )
                part = _Part(cleaned, verification, model)
            except _ModelFailed as failed:
                if first is None:
                    raise
                # The first answer is verified and paid for: a recheck that fails keeps it.
                log.warning("model %s failed to recheck its sides: %s", model, failed.reason)
                self.note(
                    "the model was asked to recheck its sides and gave no usable answer; its "
                    "first answer was kept"
                )
                return first
            if sides is None:
                return part
            part.check = await sides(part.summary)
            if first is not None:
                return self._kept(first, part)
            if not (self.config.recheck_sides and wants_recheck(part.check, part.summary)):
                return part
            assert part.check is not None  # (`wants_recheck`)
            first = part
            state.rechecks += 1
            messages = [
                *messages,
                {"role": "assistant", "content": content or ""},
                _reask("sides", contradictions=for_recheck(part.check)),
            ]

    def _kept(self, first: _Part, second: _Part) -> _Part:
        """Of an answer and its recheck, the one whose sides go against fewer comments; the
        recheck on a tie (the model read the comments again), but never one that gave up a
        disagreement (fewer than two sides) or could not be checked."""
        assert first.check is not None
        before = len(first.check.contradictions)
        second.rechecked = first.rechecked = before
        after = None if second.check is None else len(second.check.contradictions)
        said = f"the model's sides went against what {_say(before)}; asked once to recheck them,"
        if after is None or len(second.summary.sides) < 2 or after > before:
            self.note(f"{said} it gave no better answer, and its first answer was kept")
            return first
        if after == 0:
            self.note(f"{said} it moved them")
        elif after < before:
            self.note(f"{said} it moved {before - after} of them")
        elif second.check == first.check:
            self.note(f"{said} it kept them")
        else:
            self.note(f"{said} it answered again with as many")
        return second

    def note(self, text: str) -> None:
        """Add a note for the reader (once)."""
        self.state.note(text)

    def usage(self) -> Usage:
        """What the run's calls have consumed so far."""
        return self.ledger.usage()


def _say(count: int) -> str:
    """ "1 comment says", "3 comments say"."""
    return "1 comment says" if count == 1 else f"{count} comments say"


def _connection_failed(err: BaseException) -> bool:
    """Whether `err` or an exception it was raised from is a failure to connect (refused, no
    route, DNS), not a timeout and not an answer from the server."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        name = type(current).__name__
        if isinstance(current, TimeoutError) or "Timeout" in name:
            return False
        if isinstance(current, ConnectionError) or name in ("ConnectError", "APIConnectionError"):
            return True
        current = current.__cause__ or current.__context__
    return False
