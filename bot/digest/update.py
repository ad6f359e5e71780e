"""A digest's LLM summary of one thread: the first one, or an update of the previous one.

A thread summarized by an earlier digest that has grown is not re-read from the start: its
previous (verified) summary and the comments posted since go to the model with
`prompts/update.v2.md`. The model sees the previous summary in a context block and only the new
comments in the data block; quotes are verified against every comment, old and new, so a quote
kept from the previous summary still has to match its comment. The input is append-only after a
fixed prefix: the system prompt holds no per-request data (the same for every thread with the
same settings, response schema included), then the previous summary, then the new comments; the
boundary of an update is derived from the previous result's key with a per-process secret, so
two updates on the same previous summary send the same prefix and providers' prompt caches hit.
The same update serves `/summarize` (`bot.discord.cogs.summarize.Updates`).

The digest's optional `focus` line and `language` reach the model here: the focus as a
`focus: …` line inside the context data block (never as an instruction; the same rules as
thread text), the language as the summarize prompt's language rule.

Whether the old part can be trusted is the caller's decision (`fingerprint`: the ids and edit
timestamps of the old messages, recorded with the summary; a deleted or edited message changes
it and forces a full re-read).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.dedupe import DedupeReport, dedupe
from bot.pipeline import duplicates, input_stats, reading_minutes_saved
from bot.store.keys import cache_key
from bot.summarize import budget
from bot.summarize.balance import check_balance
from bot.summarize.evidence import check_sides
from bot.summarize.evidence import notes as evidence_notes
from bot.summarize.llm import LLMConfig, LLMError
from bot.summarize.llm.config import PROMPTS, MessagesFor, Route
from bot.summarize.llm.messages import (
    ShortNames,
    _format_rule,
    _language_rule,
    carry_members,
    new_boundary,
    one_line,
    restore_check,
    restore_names,
    short_names,
    sides_check_for,
    thread_lines,
    upper_bound_tokens,
)
from bot.summarize.prompts import load_prompt
from bot.summarize.schema import CommentOut, DigestResult, Point, Summary
from bot.thread import Thread

UPDATE_PROMPT = ("update", 2)
PROMPT_VERSION = load_prompt(*UPDATE_PROMPT).tag + "+" + load_prompt("reask", PROMPTS["reask"]).tag
_SECRET = secrets.token_bytes(16)  # per process: boundaries cannot be guessed from outside


class TooLong(Exception):
    """The request does not fit one call of the model's context window: the caller
    summarizes the thread in parts with the `/summarize` engine instead."""


def fingerprint(messages: Iterable[Any]) -> str:
    """The ids and edit timestamps of `messages`: any deletion or edit changes it."""
    digest = hashlib.sha256()
    for message in messages:
        edited = getattr(message, "edited_at", None)
        stamp = edited.isoformat() if edited is not None else ""
        digest.update(f"{message.id}:{stamp}\n".encode())
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class Mark:
    """What a digest remembers of a thread's last LLM summary: its cache key, the first
    message of the summarized part and the fingerprint of every message in it."""

    key: str
    first_id: int
    fingerprint: str

    def encode(self) -> str:
        return f"{self.key}|{self.first_id}|{self.fingerprint}"

    @classmethod
    def decode(cls, text: str | None) -> Mark | None:
        if not text:
            return None
        parts = text.split("|")
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        return cls(parts[0], int(parts[1]), parts[2])


def short_summary(summary: Summary, names: ShortNames) -> Summary:
    """The previous summary in the short ids the model sees (ids it does not know dropped)."""
    short = {original: s for s, original in names.originals.items()}

    def ids(values: Sequence[str]) -> list[str]:
        return [short[v] for v in values if v in short]

    def point(p: Point) -> Point:
        quotes = [
            q.model_copy(update={"comment_id": short[q.comment_id]})
            for q in p.quotes
            if q.comment_id in short
        ]
        return p.model_copy(update={"comment_ids": ids(p.comment_ids), "quotes": quotes})

    sides = [
        side.model_copy(
            update={
                "comment_ids": ids(side.comment_ids),
                "points": [point(p) for p in side.points],
                "participants": [],
            }
        )
        for side in summary.sides
    ]
    return summary.model_copy(
        update={"sides": sides, "common_ground": [point(p) for p in summary.common_ground]}
    )


# The sides' member lists grow with the thread: the model goes without them, and
# `carry_members` puts them back (as after a reduce step).
_NO_MEMBERS = {"sides": {"__all__": {"comment_ids", "participants"}}}


def _summary_line(summary: Summary) -> str:
    """A previous summary (in short ids) as one compact JSON line: without the sides' members
    and without empty fields."""
    data = _pruned(summary.model_dump(mode="json", exclude=_NO_MEMBERS))
    return one_line(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _pruned(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _pruned(v) for k, v in value.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def update_messages(
    *,
    route: Route,
    boundary: str,
    title: str | None,
    focus: str | None,
    previous: str | None,
    people: Sequence[str],
    lines: Sequence[str],
    max_points: int,
    language: str | None,
) -> list[dict[str, str]]:
    """System and user messages of an update (or a digest's first summary: `previous` None)."""
    prompt = load_prompt(*UPDATE_PROMPT)
    context = [
        *([f"title: {one_line(title)}"] if title else []),
        *([f"focus: {one_line(focus)}"] if focus else []),
        f"summary: {previous}" if previous else "summary: none",
    ]
    system = prompt.render(
        "system",
        boundary=boundary,
        max_points=max_points,
        language_rule=_language_rule(language),
        format_rule=_format_rule(route),
    )
    user = prompt.render(
        "user",
        boundary=boundary,
        context="\n".join(context),
        count=len(lines),
        comments="\n".join([*people, *lines]),
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _boundary(previous_key: str | None, lines: Sequence[str]) -> str:
    if previous_key is None:
        return new_boundary(lines)
    token = hmac.new(_SECRET, previous_key.encode(), "sha256").hexdigest()[:16]
    if any(token in line for line in lines):
        return new_boundary(lines)  # never a boundary a data line could forge
    return token


@dataclass
class DigestCall:
    """A digest's LLM request, read, deduplicated, built and checked to fit: `send` asks the
    model. Preparing is CPU and I/O work that runs before a slot of the LLM concurrency limit
    is taken, so that a slot is held only while a request is in flight."""

    thread: Thread
    unique: Thread
    report: DedupeReport
    run: Any
    ask: MessagesFor
    known: dict[str, Any]
    names: ShortNames
    prev_short: Summary | None
    previous: DigestResult | None
    new: int
    config: LLMConfig
    max_points: int
    language: str | None
    focus: str | None
    started: float

    @property
    def key(self) -> str:
        """The cache key of the result `send` will give."""
        return digest_key(
            self.unique, self.config, self.max_points, self.language, self.focus, self.previous
        )

    async def send(self) -> DigestResult:
        """The verified result; `LLMError` when no model answers."""
        run = self.run
        # Where the answer's sides go against what the comments say, the model is asked once to
        # recheck them, as `LLMEngine` asks (the same check, off the loop).
        sides = sides_check_for(
            self.unique, self.names, lambda thread, s: asyncio.to_thread(check_sides, thread, s)
        )
        part = await run.answer(self.ask, self.known, sides=sides)
        answer = part.summary
        if self.prev_short is not None:
            answer = carry_members(answer, [self.prev_short])
        summary = restore_names(answer, self.names)
        max_points = self.max_points
        if any(len(side.points) > max_points for side in summary.sides):
            summary = summary.model_copy(
                update={
                    "sides": [
                        s.model_copy(update={"points": s.points[:max_points]})
                        for s in summary.sides
                    ]
                }
            )
        if self.previous is not None:
            run.note(
                f"updated from the previous summary with {self.new} new comment"
                + ("" if self.new == 1 else "s")
            )
        if run.state.repairs:
            run.note("some quotes or citations failed verification; what still failed was dropped")
        unique = self.unique
        # The model's sides against what the comments say, as `LLMEngine` checks them: the
        # answer's own check where the summary is the answer (an update carries the previous
        # summary's members in, so it is checked again, off the loop).
        if part.check is not None and self.prev_short is None:
            check = restore_check(part.check, self.names)
        else:
            check = await asyncio.to_thread(check_sides, unique, summary)
        check = check.model_copy(update={"rechecked": part.rechecked})
        authors = {c.id: c.author for c in unique.comments if c.author}
        for note in evidence_notes(check, summary, authors):
            run.note(note)
        key = digest_key(unique, self.config, max_points, self.language, self.focus, self.previous)
        return DigestResult(
            engine="llm",
            model=part.model,
            prompt_version=PROMPT_VERSION,
            cache_key=key,
            input=input_stats(self.thread, unique, self.report),
            summary=summary,
            verification=part.verification,
            usage=run.usage(),
            balance=check_balance(summary, unique.comments),
            evidence=check,
            comments=[
                CommentOut(id=c.id, author=c.author, text=c.text, url=c.url, reply_to=c.reply_to)
                for c in unique.comments
            ],
            duplicates=duplicates(self.report),
            notes=list(run.state.notes),
            elapsed_ms=round((time.perf_counter() - self.started) * 1000, 1),
            reading_minutes_saved=reading_minutes_saved(self.thread, summary),
            created_at=datetime.now(UTC),
        )


async def prepare_digest_llm(
    thread: Thread,
    *,
    old_ids: frozenset[str] = frozenset(),
    previous: DigestResult | None,
    config: LLMConfig,
    max_points: int,
    language: str | None,
    focus: str | None,
    deduped: tuple[Thread, DedupeReport] | None = None,
) -> DigestCall:
    """The request that summarizes `thread` with the LLM: an update of `previous` with the
    comments whose ids are not in `old_ids`, or (`previous` None, no `old_ids`) a first
    summary. `TooLong` when it does not fit one request; `LLMError` when there is nothing new.
    `deduped` is `thread` already deduplicated, when the caller has it.
    """
    from bot.summarize.llm.transport import _litellm, _Run

    started = time.perf_counter()
    if deduped is None:
        deduped = await asyncio.to_thread(dedupe, thread)
    unique, report = deduped
    # Imported (seconds of CPU) off the loop once; after that no thread hop is needed.
    llm = _litellm() if "litellm" in sys.modules else await asyncio.to_thread(_litellm)
    run = _Run(config, None, llm, max_points=max_points, language=language)
    names = short_names(unique)
    known = names.thread.by_id()
    short_comments = names.thread.comments
    new = [s for s, c in zip(short_comments, unique.comments, strict=True) if c.id not in old_ids]
    if not new:
        raise LLMError("there are no new comments to update the summary with.")
    lines = thread_lines(new, names.shown)
    people = names.handle_lines(new)
    prev_short = short_summary(previous.summary, names) if previous is not None else None
    prev_line = _summary_line(prev_short) if prev_short is not None else None
    # The boundary must not occur in any data: the comments, the title, the focus line or the
    # previous summary (which quotes comments).
    data = [*lines, *people, thread.title or "", focus or "", prev_line or ""]
    boundary = _boundary(previous.cache_key if previous is not None else None, data)

    def ask(route: Route) -> list[dict[str, str]]:
        return update_messages(
            route=route,
            boundary=boundary,
            title=thread.title,
            focus=focus,
            previous=prev_line,
            people=people,
            lines=lines,
            max_points=max_points,
            language=language,
        )

    routes = {run.provider.route(m) for m in run.provider.models}
    limit = int((run.provider.context_tokens - run.provider.reserve) * budget.SAFETY)
    # The byte count bounds the token count: only a request that may not fit is counted.
    if any(upper_bound_tokens(ask(r), r) > limit for r in routes) and any(
        run.provider.prompt_cost(ask(r), r) > limit for r in routes
    ):
        raise TooLong(f"{len(unique.comments)} comments do not fit one request")
    return DigestCall(
        thread=thread, unique=unique, report=report, run=run, ask=ask, known=known,
        names=names, prev_short=prev_short, previous=previous, new=len(new), config=config,
        max_points=max_points, language=language, focus=focus, started=started,
    )  # fmt: skip


async def summarize_digest_llm(
    thread: Thread,
    *,
    old_ids: frozenset[str] = frozenset(),
    previous: DigestResult | None,
    config: LLMConfig,
    max_points: int,
    language: str | None,
    focus: str | None,
) -> DigestResult:
    """`prepare_digest_llm`, then `send`: raises `TooLong`, or `LLMError` when no model
    answers (the caller falls back to the offline engine)."""
    call = await prepare_digest_llm(
        thread, old_ids=old_ids, previous=previous, config=config,
        max_points=max_points, language=language, focus=focus,
    )  # fmt: skip
    return await call.send()


def digest_key(
    unique: Thread,
    config: LLMConfig,
    max_points: int,
    language: str | None,
    focus: str | None,
    previous: DigestResult | None,
) -> str:
    """The cache key of a digest's LLM summary (the previous summary it updates included)."""
    return cache_key(
        unique,
        engine="llm-digest",
        model=config.model,
        prompt_version=PROMPT_VERSION,
        options={
            "max_points_per_side": max_points,
            "language": language,
            "focus": focus,
            "previous": previous.cache_key if previous is not None else None,
            "fallback_models": list(config.fallback_models),
        },
    )


def grown_from(previous: DigestResult, thread: Thread, unique: Thread) -> frozenset[str] | None:
    """The ids of the comments `previous` was made from, when `thread` is exactly those
    comments, in the same order and unchanged, followed by new ones only; None when one of them
    was edited, deleted or left out (opt-out, the history limit) or one was inserted among them:
    then the thread must be read again in full. `unique` is `thread` deduplicated (a kept
    comment's text is compared as dedupe left it, which a later comment does not change)."""
    kept = {c.id: c.text for c in previous.comments}
    old = set(kept) | {d.id for d in previous.duplicates}
    ids = [c.id for c in thread.comments]
    if not old or set(ids[: len(old)]) != old:
        return None
    now = {c.id: c.text for c in unique.comments}
    if any(now.get(cid) != text for cid, text in kept.items()):
        return None
    return frozenset(old)


def latest_key(channel_id: int, config: LLMConfig, max_points: int, language: str | None) -> str:
    """Where the latest LLM summary of a channel or thread is kept for `/summarize`'s updates:
    one per channel and everything that changes the output (model, fallbacks, points, language).
    """
    document = {
        "latest": int(channel_id),
        "model": config.model,
        "fallback_models": list(config.fallback_models),
        "max_points_per_side": max_points,
        "language": language,
        "prompt_version": PROMPT_VERSION,
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
