"""The whole chunk plan at once: a test oracle over `budget.iter_chunks` (the engine plans
incrementally and never needs the list)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.summarize.budget import Chunk, iter_chunks
from bot.thread import Comment


def plan_chunks(
    comments: Sequence[Comment],
    lines: Sequence[str],
    costs: Sequence[int],
    budget: int,
) -> list[Chunk]:
    """Split a thread into chunks of at most `budget` tokens that keep reply chains together.

    `lines[i]` is the rendered data line of `comments[i]` and `costs[i]` its token count (a line
    over budget must already be truncated by the caller). Comments are grouped into conversation
    trees (a comment goes with its `reply_to` ancestor); trees are packed greedily in order of
    their first comment; a tree larger than the budget is split in thread order. Inside a chunk
    comments keep thread order, and chunks are ordered by their first comment. (`iter_chunks`
    with the chunks sorted.)
    """
    planned = iter_chunks(comments, lambda i: (lines[i], costs[i]), budget)
    return [p.chunk for p in sorted(planned, key=lambda p: p.start)]
