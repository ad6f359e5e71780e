"""One summary of a whole thread: a single request when it fits, else chunks that keep reply
chains together (planned while the first are answered) merged by reduce requests."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from bot.progress import Progress
from bot.summarize import budget
from bot.summarize.llm.config import (
    PROMPT_VERSION,
    LLMConfig,
    LLMError,
    LLMOutcome,
    MessagesFor,
    Route,
    ThreadCheck,
    _add,
    _CutOff,
    _drops_only,
    _Part,
)
from bot.summarize.llm.messages import (
    ShortNames,
    carry_members,
    comment_line,
    new_boundary,
    one_line,
    part_line,
    reduce_messages,
    restore_check,
    restore_names,
    short_names,
    sides_check_for,
    summarize_messages,
    upper_bound_tokens,
)
from bot.summarize.llm.transport import _litellm, _Run
from bot.summarize.schema import Summary, Verification
from bot.thread import Comment, Thread

log = logging.getLogger(__name__)


T = TypeVar("T")


async def _all(coroutines: Iterable[Coroutine[Any, Any, T]]) -> list[T]:
    """Run concurrently; results in submission order. The first failure cancels the rest (no
    point paying for chunks of a summary that cannot be finished) and is raised as itself."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(c) for c in coroutines]
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return [task.result() for task in tasks]


def _cap_points(summary: Summary, cap: int) -> tuple[Summary, int]:
    """Keep at most `cap` points per side (the model was told so; balance depends on it)."""
    cut = sum(max(0, len(side.points) - cap) for side in summary.sides)
    if not cut:
        return summary, 0
    sides = [side.model_copy(update={"points": side.points[:cap]}) for side in summary.sides]
    return summary.model_copy(update={"sides": sides}), cut


def _room(run: _Run, thread: Thread) -> int:
    """The data budget of one map request: the context window less the answer's reserve and the
    fixed prompt (the `response_format` schema included). `LLMError` when that leaves (almost)
    nothing."""
    # The fixed prompt is measured with an empty data block, by the widest route in use.
    fixed = max(
        run.provider.prompt_cost(
            summarize_messages(
                [],
                route=r,
                max_points=run.max_points,
                language=run.language,
                boundary="0" * 16,
                title=thread.title,
            ),
            r,
        )
        for r in {run.provider.route(m) for m in run.provider.models}
    )
    room = budget.data_budget(run.provider.context_tokens, fixed, run.provider.reserve)
    if room < 64:
        raise LLMError(
            f"the context window ({run.provider.context_tokens} tokens) is too small for the "
            f"prompt ({fixed} tokens) and an answer ({run.provider.reserve} tokens).",
            run.usage(),
        )
    return room


def _measure(
    run: _Run, names: ShortNames, room: int, truncated: dict[int, str]
) -> Callable[[int], tuple[str, int]]:
    """`measure(i)` for `budget.iter_chunks`: the data line of comment `i` and its token cost,
    with the `@N name` lines of its authors (counted with every comment of theirs, since a
    chunk lists the authors it holds: an over-estimate, never an under-estimate). A comment
    over the budget is truncated for the prompt (at a word boundary, with a mark), and its note
    goes into `truncated` under its position (the caller adds the notes in thread order:
    comments are measured tree by tree)."""
    comments = names.thread.comments
    handles = names.shown

    handle_costs: dict[str, int] = {}  # an author's `@N name` line, counted once per run

    def handle_cost(author: str) -> int:
        handle = names.shown[author]
        if handle not in names.names:
            return 0  # shown by name in the line itself
        if handle not in handle_costs:
            handle_costs[handle] = run.provider.count(text=f"{handle} {one_line(author)}") + 1
        return handle_costs[handle]

    def measure(index: int) -> tuple[str, int]:
        comment = comments[index]
        people = sum(handle_cost(author) for author in comment.authors)
        line = comment_line(comment, handles, names.text_of(comment))
        cost = run.provider.count(text=line) + 1 + people  # + the newline
        if cost > room:
            shortened = budget.truncate_to_tokens(
                names.text_of(comment),
                room - people,
                lambda t: run.provider.count(text=comment_line(comment, handles, t)) + 1,
            )
            line = comment_line(comment, handles, shortened)
            cost = run.provider.count(text=line) + 1 + people
            truncated[index] = (
                f"comment {names.originals[comment.id]} is longer than one request can hold; "
                "the model saw it truncated (quotes are still checked against the full text)"
            )
        return line, cost

    return measure


def _plan(run: _Run, names: ShortNames, truncated: dict[int, str]) -> Iterator[budget.Planned]:
    """The chunk plan of the thread, chunk by chunk as each closes (see `budget.iter_chunks`);
    the budget is checked on the first step.

    A thread that obviously fits one request (its byte count bounds its token count) is one
    chunk with no token counted and no tokenizer loaded; one that may fit is counted whole,
    once; only a thread that does not fit is measured comment by comment.
    """
    thread = names.thread
    comments = list(thread.comments)
    routes = {run.provider.route(m) for m in run.provider.models}
    limit = int((run.provider.context_tokens - run.provider.reserve) * budget.SAFETY)
    if sum(len(c.text) for c in comments) > 8 * limit:
        # Far too long for one request (see below): plan at once, so that the first chunk's
        # request leaves as early as it can.
        room = _room(run, thread)
        yield from budget.iter_chunks(comments, _measure(run, names, room, truncated), room)
        return
    lines = names.lines(comments)
    people = names.handle_lines(comments)

    def whole(route: Route) -> list[dict[str, str]]:
        return summarize_messages(
            lines,
            route=route,
            max_points=run.max_points,
            language=run.language,
            boundary="0" * 16,
            title=thread.title,
            people=people,
        )

    bound = max(upper_bound_tokens(whole(r), r) for r in routes)
    # Past eight bytes a token on average the exact count cannot fit either: not worth it.
    if bound <= limit or (
        bound <= 8 * limit and max(run.provider.prompt_cost(whole(r), r) for r in routes) <= limit
    ):
        yield budget.Planned(0, budget.Chunk(tuple(comments), tuple(lines), 0), False)
        return
    room = _room(run, thread)
    yield from budget.iter_chunks(comments, _measure(run, names, room, truncated), room)


async def summarize_llm(
    thread: Thread,
    config: LLMConfig,
    *,
    max_points_per_side: int = 4,
    language: str | None = None,
    progress: Progress | None = None,
    check_sides: ThreadCheck | None = None,
) -> LLMOutcome:
    """Summarize an already deduplicated `thread` with `config.model` (then its fallbacks).

    Returns the verified summary, the verification counts (final drops, map-step drops
    included), usage summed over every call made, notes for the reader (chunking, truncated
    comments, fallbacks, repairs, dropped extra points) and the number of map chunks.
    `progress(stage, done, total)` is called with stages "summarizing" (chunks) and "merging".
    A thread in chunks is planned while the first chunks are being answered: its first
    "summarizing" report comes when the plan is complete, with the chunks answered so far.
    Raises `LLMError` when no model produced a usable answer; never returns an invented summary.

    `check_sides(thread, summary)` checks an answer's sides against what the comments say
    (`bot.summarize.evidence`; None when it cannot run). A thread that fits one request has
    its answer checked in the terms the model sees; where the sides go against the comments'
    words, the model is asked once to recheck them (`LLMConfig.recheck_sides`), and the
    outcome's `evidence` is the check of the answer kept. A thread in chunks is not checked
    here (its `evidence` is None): the caller checks the merged answer.
    """
    if not thread.comments:
        raise LLMError("the thread has no comments to summarize.")
    # Importing litellm takes seconds: not on the event loop (a Discord gateway would miss
    # heartbeats).
    llm = await asyncio.to_thread(_litellm)
    run = _Run(config, progress, llm, max_points=max_points_per_side, language=language)
    comments = list(thread.comments)
    # The model sees short ids and author handles; the answer is checked in those terms and
    # mapped back to the thread's own ids and names at the end (`restore_names`).
    names = await asyncio.to_thread(short_names, thread, compact=True)  # seconds at 100k
    known = names.thread.by_id()

    def map_messages(chunk: budget.Chunk) -> MessagesFor:
        boundary = new_boundary(chunk.lines)
        people = names.handle_lines(chunk.comments)
        return lambda route: summarize_messages(
            chunk.lines,
            route=route,
            max_points=run.max_points,
            language=run.language,
            boundary=boundary,
            title=thread.title,
            people=people,
        )

    # Counting tokens of thousands of comments is CPU work: off the event loop, one chunk per
    # step, so that the map requests of the first chunks run while the rest is counted.
    truncated: dict[int, str] = {}
    steps = _plan(run, names, truncated)

    async def step() -> budget.Planned | None:
        return await asyncio.to_thread(next, steps, None)

    def planned_notes() -> None:
        # In thread order and ahead of any note of the map step, as when counting came first.
        run.state.notes[0:0] = [t for _, t in sorted(truncated.items()) if t not in run.state.notes]

    first = await step()
    assert first is not None  # the thread has comments
    if not first.split:
        # The whole thread fits one request (the plan ended with its first chunk).
        planned_notes()
        run.progress("summarizing", 0, 1)
        sides = None if check_sides is None else sides_check_for(thread, names, check_sides)
        part = await run.answer(map_messages(first.chunk), known, sides=sides)
        run.progress("summarizing", 1, 1)
        final, carried, chunks = part, Verification(), 1
    else:
        # The total is known once the plan is complete; until then progress is held back (the
        # first report is (chunks answered so far, total)). A cut-off chunk adds one to it.
        planned: int | None = None
        extra = done = 0

        def report() -> None:
            if planned is not None:
                run.progress("summarizing", done, planned + extra)

        async def summarize_chunk(chunk: budget.Chunk) -> list[_Part]:
            nonlocal done, extra
            chunk_known = {c.id: c for c in chunk.comments}
            try:
                part = await run.answer(
                    map_messages(chunk), chunk_known, split_on_cutoff=len(chunk.comments) > 1
                )
            except _CutOff:
                # The answer did not fit: two halves give two shorter answers.
                half = len(chunk.comments) // 2
                halves = [
                    budget.Chunk(chunk.comments[:half], chunk.lines[:half], 0),
                    budget.Chunk(chunk.comments[half:], chunk.lines[half:], 0),
                ]
                extra += 1
                run.note("an answer was cut off at the length limit; its chunk was split in two")
                results = await _all(summarize_chunk(h) for h in halves)
                return [p for r in results for p in r]
            done += 1
            report()
            return [part]

        # Chunks close in planning order; the partial summaries are merged (and numbered) in
        # the order of their first comment (`budget.Planned.start`).
        tasks: list[tuple[int, asyncio.Task[list[_Part]]]] = []
        try:
            async with asyncio.TaskGroup() as group:
                current: budget.Planned | None = first
                while current is not None:
                    tasks.append((current.start, group.create_task(summarize_chunk(current.chunk))))
                    current = await step()
                planned = len(tasks)
                planned_notes()
                log.info("thread of %d comments split into %d chunks", len(comments), planned)
                report()
        except BaseExceptionGroup as failed:
            # The first failure cancels the rest (see `_all`) and is raised as itself.
            raise failed.exceptions[0] from None
        nested = [task.result() for _, task in sorted(tasks, key=lambda t: t[0])]
        parts = [p for group in nested for p in group]
        chunks = len(parts)
        carried = Verification()
        for p in parts:
            carried = _add(carried, _drops_only(p.verification))
        run.note(f"the thread was summarized in {chunks} parts and merged")
        final, reduced_drops = await _reduce(run, [p.summary for p in parts], known)
        final = _Part(
            carry_members(final.summary, [p.summary for p in parts]),
            final.verification,
            final.model,
        )
        carried = _add(carried, reduced_drops)

    summary, cut = _cap_points(final.summary, run.max_points)
    summary = await asyncio.to_thread(restore_names, summary, names)
    if cut:
        run.note(f"{cut} points beyond {run.max_points} per side were left out")
    # (Whether one side may be called "no disagreement" is the sides check's to say:
    # `bot.summarize.evidence`, run by `LLMEngine` on the answer.)
    if run.state.repairs:
        run.note(
            f"quotes or citations failed verification in {run.state.repairs} answer(s); the model "
            "was asked once to fix them, and what still failed was dropped"
        )
    for model in sorted(run.state.fallbacks_used):
        reason = run.state.failures.get(config.model, "it failed")
        run.note(f"{config.model} was unavailable ({reason}); {model} answered instead")
    if run.ledger.cost_known and run.ledger.cost_unknown:
        run.note(
            "cost leaves out calls to "
            + ", ".join(sorted(run.ledger.cost_unknown))
            + " (price unknown to litellm)"
        )
    log.info(
        "llm run model=%s calls=%d chunks=%d reasks=%d repairs=%d shortened=%d rechecks=%d",
        final.model,
        run.ledger.calls,
        chunks,
        run.state.reasks,
        run.state.repairs,
        run.state.shortened,
        run.state.rechecks,
    )
    evidence = None
    if final.check is not None:
        evidence = restore_check(final.check, names).model_copy(
            update={"rechecked": final.rechecked}
        )
    return LLMOutcome(
        summary=summary,
        evidence=evidence,
        verification=_add(final.verification, carried),
        usage=run.usage(),
        notes=run.state.notes,
        model=final.model,
        prompt_version=PROMPT_VERSION,
        chunks=chunks,
    )


async def _reduce(
    run: _Run, summaries: list[Summary], known: Mapping[str, Comment]
) -> tuple[_Part, Verification]:
    """Merge partial summaries into one, in rounds when they do not fit one request. Returns the
    final part and the drops of intermediate rounds (one round, and so one call, when the
    partial summaries fit one request)."""
    routes = {run.provider.route(m) for m in run.provider.models}

    def fixed_cost() -> int:
        return max(
            run.provider.prompt_cost(
                reduce_messages(
                    [],
                    route=r,
                    max_points=run.max_points,
                    language=run.language,
                    boundary="0" * 16,
                ),
                r,
            )
            for r in routes
        )

    # Token counting is CPU work: off the event loop (it stalled it under load).
    fixed = await asyncio.to_thread(fixed_cost)
    room = max(1, budget.data_budget(run.provider.context_tokens, fixed, run.provider.reserve))

    def messages_for(lines: Sequence[str]) -> MessagesFor:
        boundary = new_boundary(lines)
        return lambda route: reduce_messages(
            lines,
            route=route,
            max_points=run.max_points,
            language=run.language,
            boundary=boundary,
        )

    def line_costs(lines: Sequence[str]) -> list[int]:
        return [run.provider.count(text=line) + 1 for line in lines]

    carried = Verification()
    level = 0
    while True:
        level += 1
        lines = [part_line(i + 1, s) for i, s in enumerate(summaries)]
        costs = await asyncio.to_thread(line_costs, lines)
        groups = budget.pack(lines, costs, room)
        if len(groups) == 1:
            run.progress("merging", 0, 1)
            part = await run.answer(messages_for(lines), known)
            run.progress("merging", 1, 1)
            return part, carried
        if len(groups) == len(summaries):
            # No two partial summaries fit one request: merge pairs anyway (the answer is
            # capped, so each round halves the data) rather than loop forever.
            groups = [list(range(i, min(i + 2, len(lines)))) for i in range(0, len(lines), 2)]
        log.info(
            "reduce round %d: %d partial summaries in %d groups", level, len(lines), len(groups)
        )
        run.progress("merging", 0, len(groups))
        merged = await _all(
            run.answer(messages_for([lines[i] for i in g]), known) for g in groups if len(g) > 1
        )
        it = iter(merged)
        next_round: list[Summary] = []
        for g in groups:
            if len(g) == 1:
                next_round.append(summaries[g[0]])  # nothing to merge it with this round
            else:
                part = next(it)
                carried = _add(carried, _drops_only(part.verification))
                next_round.append(part.summary)
        summaries = next_round
