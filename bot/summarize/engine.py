"""The one interface the pipeline runs a summary through: an `Engine`.

An engine turns a deduplicated thread into a verified `Draft` and says who it is: `name`,
`model` and `version` (the engine or prompt version) and the request `options` that change its
output. Those four are the engine's part of the cache key, so an engine's identity and the key
its results are stored under cannot drift apart.

Two engines implement it: `OfflineEngine` (extractive, no network; runs on the request's `Cpu`)
and `LLMEngine` (any model litellm supports). An engine that cannot answer raises
`EngineUnavailable` (the LLM engine's `LLMError` is one), with what the attempt used; the
pipeline then answers with the offline engine. litellm and the offline engine's modules are
imported only when an engine runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal, Protocol

from bot.errors import UserError
from bot.progress import Progress
from bot.result import EvidenceCheck, Summary, Usage, Verification
from bot.thread import Thread

if TYPE_CHECKING:
    from bot.summarize.llm.config import LLMConfig
    from bot.workers import Cpu


log = logging.getLogger(__name__)

EngineName = Literal["offline", "llm"]

# 9: do-support denials, "I don't think X should", granted points, the account as "we"
# 10: show-and-tell threads, compliments and echoes are not arguing back; no rival after a yes
# 11: trailing names, echo denials, consultations answer the proposal, numbered respondents
# 12: reports told with marks, "it goes on" denials, retractions part a person, options picked
# 13: dashed consultation labels, reports asked about, option words that differ
# 14: chat reply links answer back as forum replies do; nobody sides with or against the chair;
#     consultation responses' own votes; minutes' "replied that" and seconded amendments
# 15: "R1, resident." labels, third-person votes, "Keep it.", responses named by number, role or
#     point; minutes' speakers of any role; "still opposed" is no change of view
# 16: bots named in TXT/CSV exports, lettered minutes, "seconded by", views given up, reports
#     asking for news, "whether to recommend a ban", floor questions, "imo" picks
# 17: chat "yeah" agrees with the last statement, handle words, answer-led options, minutes'
#     amendments and changes of view, news-only insider corrections
# 18: each kind of linked cue weighs what it was measured to be worth (`sides.EDGE_WEIGHTS`)
# 19: open questions without a list marker or a leading @name; a side's only statement shown as
#     its position once (its point had the whole raw comment); no unmatched bracket in a label or
#     point ("(leaked…"), an emoticon's bracket left alone; one side never repeats the question
#     as its position, and no open question is the question again; "@Big Stu ..." loses the
#     whole name
# 20: the question of minutes is the item debated (its proposal, "Item 7." subject or numbered
#     heading, read past the header and standing business), not the header; a header with
#     neither "meeting" nor "minutes" in it ("Oakfield Cricket Club - General Committee, 12
#     November 2026") is one; "(no. 2)", "No. 7", "p. 14" no longer end a sentence; a label
#     says the claim, not a chair's "The question for this table is whether ..."; a minutes
#     header, its standing business and bare item headings are never a side's position
OFFLINE_ENGINE_VERSION = "offline-20"
"""The offline engine's version, part of its cache keys: bump it when its output changes. Kept
here, not in `bot.summarize.offline`, so that a cache hit need not import the engine."""


class EngineUnavailable(UserError):
    """The engine produced no usable answer. The message is safe to show; `usage` is what the
    failed attempts consumed."""

    def __init__(self, message: str, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.usage = usage or Usage()


@dataclass(frozen=True)
class Draft:
    """What an engine produced for one thread: the verified summary and how it got there.
    `model` is the model that wrote it (a fallback model, possibly); `prompt_version` what the
    result reports (None for the offline engine)."""

    summary: Summary
    verification: Verification
    notes: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    model: str | None = None
    prompt_version: str | None = None
    evidence: EvidenceCheck | None = None  # the LLM's sides against the comments' own words


class Engine(Protocol):
    """A summarizer of deduplicated threads.

    `name` is the result's `engine`; `name`, `model`, `version` and `options` are everything of
    the engine that the cache key holds (besides the comments and the dedupe settings):
    anything that changes the output must be in one of them.
    """

    @property
    def name(self) -> EngineName: ...

    @property
    def model(self) -> str | None: ...

    @property
    def version(self) -> str: ...

    @property
    def options(self) -> dict[str, object]: ...

    async def summarize(self, thread: Thread, *, progress: Progress | None = None) -> Draft:
        """A verified summary of `thread` (already deduplicated); `EngineUnavailable` when the
        engine cannot make one. Never an invented default."""
        ...


@dataclass(frozen=True)
class OfflineEngine:
    """The extractive engine (`bot.summarize.offline`), verified, on `cpu` (by default a worker
    thread of this process)."""

    cpu: Cpu | None
    max_points_per_side: int = 4

    name: ClassVar[EngineName] = "offline"
    model: ClassVar[None] = None

    version: ClassVar[str] = OFFLINE_ENGINE_VERSION

    @property
    def options(self) -> dict[str, object]:
        return {"max_points_per_side": self.max_points_per_side}

    async def summarize(self, thread: Thread, *, progress: Progress | None = None) -> Draft:
        if progress is not None:
            progress("summarizing", 0, len(thread.comments))
        cpu = self.cpu
        if cpu is None:
            from bot.workers import IN_PROCESS

            cpu = IN_PROCESS
        summary, verification, notes = await cpu.offline(
            thread, max_points_per_side=self.max_points_per_side, progress=progress
        )
        if progress is not None:
            progress("summarizing", len(thread.comments), len(thread.comments))
        return Draft(summary, verification, notes=list(notes))


@dataclass(frozen=True)
class LLMEngine:
    """The LLM engine (`bot.summarize.llm.summarize_llm`): `config.model`, then its fallbacks.
    Its sides are then checked against the thread's explicit stance evidence on `cpu`
    (`bot.summarize.evidence`; by default a worker thread of this process)."""

    config: LLMConfig
    max_points_per_side: int = 4
    language: str | None = None
    cpu: Cpu | None = field(default=None, compare=False)

    name: ClassVar[EngineName] = "llm"

    @property
    def model(self) -> str:
        return self.config.model

    @property
    def version(self) -> str:
        from bot.summarize.llm.config import PROMPT_VERSION

        return PROMPT_VERSION

    @property
    def options(self) -> dict[str, object]:
        return {
            "max_points_per_side": self.max_points_per_side,
            "language": self.language,
            "fallback_models": list(self.config.fallback_models),
            # The sides check reads the thread with the offline engine's cues: its notes, and
            # the sides the model is asked to recheck, change with them.
            "evidence": OFFLINE_ENGINE_VERSION,
            "recheck_sides": self.config.recheck_sides,
        }

    async def summarize(self, thread: Thread, *, progress: Progress | None = None) -> Draft:
        from bot.summarize import evidence
        from bot.summarize.llm import summarize_llm
        from bot.workers import TooLarge

        cpu = self.cpu
        if cpu is None:
            from bot.workers import IN_PROCESS

            cpu = IN_PROCESS
        # What the check says about the sides comes first: a Discord answer shows five notes.
        notes: list[str] = []

        async def check_sides(checked: Thread, summary: Summary) -> EvidenceCheck | None:
            if notes:  # it could not run once: not again
                return None
            try:
                return await cpu.evidence(checked, summary)
            except TooLarge:
                # The model's answer is paid for: keep it, and say what was not checked.
                notes.append(
                    "the sides were not checked against what the comments say: the thread is "
                    "too large for this server's CPU allowance"
                )
            except Exception:  # a bug in the check must not throw away a paid answer
                log.exception(
                    "the sides check failed on a thread of %d comments", len(checked.comments)
                )
                notes.append("the sides were not checked against what the comments say (an error)")
            return None

        outcome = await summarize_llm(
            thread,
            self.config,
            max_points_per_side=self.max_points_per_side,
            language=self.language,
            progress=progress,
            check_sides=check_sides,
        )
        # A thread that fit one request was checked on the way (and its sides rechecked by the
        # model where they went against the comments); a merged answer is checked here.
        check = outcome.evidence
        if check is None:
            check = await check_sides(thread, outcome.summary)
        authors = {c.id: c.author for c in thread.comments if c.author}
        notes.extend(evidence.notes(check, outcome.summary, authors))
        notes.extend(outcome.notes)
        return Draft(
            outcome.summary,
            outcome.verification,
            notes=notes,
            usage=outcome.usage,
            model=outcome.model,
            prompt_version=outcome.prompt_version,
            evidence=check,
        )
