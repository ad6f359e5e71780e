"""The LLM engine's configuration, results and errors, and the prompt versions it pins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from bot.result import EvidenceCheck
from bot.summarize import budget
from bot.summarize.engine import EngineUnavailable
from bot.summarize.prompts import load_prompt
from bot.summarize.schema import Summary, Usage, Verification
from bot.thread import Thread

if TYPE_CHECKING:
    from bot.settings import Settings


PROMPTS: Mapping[str, int] = {"summarize": 5, "reduce": 2, "reask": 2}
"""The prompt files this engine uses, pinned by version (see `bot.summarize.prompts`)."""


PROMPT_VERSION: str = "+".join(load_prompt(name, v).tag for name, v in PROMPTS.items())
"""e.g. "summarize-v3+reduce-v2+reask-v1": part of the cache key."""


DEFAULT_CONTEXT_TOKENS = budget.DEFAULT_CONTEXT_TOKENS


Route = Literal["json_schema", "json_object", "prompt"]


@dataclass(frozen=True)
class LLMConfig:
    """How to reach the model(s) and how hard to try.

    `api_base`/`api_key` apply to every model of the primary model's provider (so that
    `openai/a` with fallback `openai/b` both go to one self-hosted server); other providers use
    litellm's defaults and environment variables. `context_tokens` overrides the context window
    from litellm's model info (`DEFAULT_CONTEXT_TOKENS` when unknown). `backoff_s` is the first
    retry delay, doubled each retry (with jitter) up to `max_backoff_s`.
    """

    model: str
    api_base: str | None = None
    api_key: str | None = None
    fallback_models: tuple[str, ...] = ()
    timeout_s: float = 60.0
    max_retries: int = 2
    concurrency: int = 4
    context_tokens: int | None = None
    backoff_s: float = 0.5
    max_backoff_s: float = 8.0
    # Ask the model once more when its sides go against what comments say in so many words
    # (`bot.summarize.evidence`): one more call on about one answer in ten that is right. Off
    # by default: following the check without reading the comments does not place them better
    # (`python -m bot.bench.evidence_bench`); whether a model's own reading does is for
    # `sides_bench --model` to measure with and without it.
    recheck_sides: bool = False

    @classmethod
    def from_settings(cls, settings: Settings, model: str | None = None) -> LLMConfig | None:
        """The configuration the settings give for `model` (default: the configured one), or
        None when that is empty (the offline engine). Shared by the CLI and the bot. The
        per-request choices (points per side, language) are not here: they come from
        `bot.pipeline.Options`, the one place that holds them for both engines."""
        chosen = (settings.model if model is None else model).strip()
        if not chosen:
            return None
        return cls(
            model=chosen,
            api_base=settings.api_base,
            fallback_models=tuple(settings.fallback_models),
            timeout_s=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
            concurrency=settings.llm_concurrency,
            context_tokens=settings.context_tokens,
            recheck_sides=settings.llm_recheck_sides,
        )


class LLMOutcome(BaseModel):
    """What the engine produced: the verified summary and how it got there. `model` is the
    model that wrote the final answer; `chunks` is the number of map-step requests that answered
    (1 when the thread fit one request)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    summary: Summary
    verification: Verification
    usage: Usage
    notes: list[str]
    model: str
    prompt_version: str
    chunks: int
    # The sides check of `summary` when it was checked on the way (`summarize_llm`'s
    # `check_sides`, a thread that fit one request), else None.
    evidence: EvidenceCheck | None = None


class LLMError(EngineUnavailable):
    """No model produced a usable answer. The message is one sentence naming each model and why
    it failed (no secrets, no prompt text). `usage` is what the failed attempts consumed."""


class _ModelFailed(Exception):
    """This model cannot answer this request; `reason` is short and safe to show."""

    def __init__(self, reason: str, *, model_down: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.model_down = model_down


class _CutOff(Exception):
    """A map-step answer hit the length limit: the caller splits the chunk."""


class _RouteRejected(Exception):
    """The server rejected `response_format`: ask again with the schema in the prompt."""


def _add(a: Verification, b: Verification) -> Verification:
    return Verification(
        quotes_checked=a.quotes_checked + b.quotes_checked,
        quotes_verified=a.quotes_verified + b.quotes_verified,
        quotes_dropped=a.quotes_dropped + b.quotes_dropped,
        citations_dropped=a.citations_dropped + b.citations_dropped,
        points_dropped=a.points_dropped + b.points_dropped,
    )


def _drops_only(v: Verification) -> Verification:
    # Map-step drops are added to the final report; map-step quotes that survived are counted
    # when the final summary is verified, so only the dropped ones are carried over.
    return Verification(
        quotes_checked=v.quotes_dropped,
        quotes_dropped=v.quotes_dropped,
        citations_dropped=v.citations_dropped,
        points_dropped=v.points_dropped,
    )


MessagesFor = Callable[[Route], list[dict[str, str]]]


@dataclass
class _Part:
    summary: Summary
    verification: Verification
    model: str
    # The sides check of `summary` (`SidesCheck`; None: not run, or it could not run), and how
    # many placements of the model's first answer went against it when the model was asked to
    # recheck them (0: not asked).
    check: EvidenceCheck | None = None
    rechecked: int = 0


SidesCheck = Callable[[Summary], Awaitable["EvidenceCheck | None"]]
"""Checks an answer's sides (in the terms the model sees) against what the comments say
(`bot.summarize.evidence`); None when the check could not run."""

ThreadCheck = Callable[[Thread, Summary], Awaitable["EvidenceCheck | None"]]
"""`SidesCheck` of the given thread: `bot.summarize.evidence.check_sides` on a request's CPU."""
