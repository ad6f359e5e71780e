"""Token budgets and chunking for long threads (the map step of map-reduce).

Plain functions over numbers and comments: the token counter is passed in, so that this module
never imports litellm and tests can count however they like.

The budget of one request is the model's context window minus the room reserved for the answer
minus the fixed prompt, less a safety margin because our count and the provider's tokenizer can
disagree. When the context window is unknown (litellm has no model info for the model and the
operator gave none) we assume `DEFAULT_CONTEXT_TOKENS` = 8192: small enough for most local
models, and a wrong guess only costs an extra chunk, never a failed request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from bot.thread import Comment

DEFAULT_CONTEXT_TOKENS = 8192
"""Context window assumed when neither the configuration nor litellm's model info gives one."""

MAX_ANSWER_TOKENS = 4096
"""Most room ever reserved for an answer: a summary of 4 sides x 4 points fits in far less."""

MIN_ANSWER_TOKENS = 256
SAFETY = 0.9
"""Fraction of the computed room we fill: token counts differ between tokenizers."""

TRUNCATION_MARK = " [\u2026truncated]"

T = TypeVar("T")


def answer_reserve(context_tokens: int, max_output_tokens: int | None = None) -> int:
    """Tokens reserved for the model's answer (also sent as `max_tokens`).

    A quarter of the context, at least `MIN_ANSWER_TOKENS`, at most `MAX_ANSWER_TOKENS` and at
    most the model's own output limit when known.
    """
    cap = MAX_ANSWER_TOKENS
    if max_output_tokens:
        cap = min(cap, max_output_tokens)
    return max(MIN_ANSWER_TOKENS, min(cap, context_tokens // 4))


def data_budget(context_tokens: int, fixed_prompt_tokens: int, reserve: int) -> int:
    """Tokens left for the data block (comments or partial summaries) of one request."""
    return int((context_tokens - reserve - fixed_prompt_tokens) * SAFETY)


@dataclass(frozen=True)
class Chunk:
    """One map-step request: comments in thread order, and the rendered line of each (a comment
    over budget has a truncated line)."""

    comments: tuple[Comment, ...]
    lines: tuple[str, ...]
    tokens: int


def reply_roots(comments: Sequence[Comment]) -> list[str]:
    """For each comment, the id of the earliest ancestor reachable through `reply_to` within the
    thread (itself when it answers nothing in the thread). Cycles and dangling ids are safe."""
    by_id: dict[str, Comment] = {}
    for comment in comments:
        by_id.setdefault(comment.id, comment)
    roots: dict[str, str] = {}
    out: list[str] = []
    for comment in comments:
        path: list[str] = []
        seen: set[str] = set()
        current = comment
        root = comment.id
        while True:
            if current.id in roots:
                root = roots[current.id]
                break
            path.append(current.id)
            seen.add(current.id)
            parent = by_id.get(current.reply_to) if current.reply_to else None
            if parent is None or parent.id in seen:
                root = current.id
                break
            current = parent
        for node in path:
            roots[node] = root
        out.append(root)
    return out


def pack(items: Sequence[T], costs: Sequence[int], budget: int) -> list[list[int]]:
    """Greedy, order-preserving packing: indices of `items` grouped so that each group's cost is
    at most `budget` (an item costlier than the budget gets a group of its own)."""
    groups: list[list[int]] = []
    current: list[int] = []
    used = 0
    for index, cost in enumerate(costs):
        if current and used + cost > budget:
            groups.append(current)
            current, used = [], 0
        current.append(index)
        used += cost
    if current:
        groups.append(current)
    return groups


class Planned(NamedTuple):
    """One chunk of `iter_chunks`. `start` is the thread position of its first comment (the
    chunk order). `split` is True when the chunk was closed before the end of the input (the
    next tree did not fit, or a tree over budget was cut), which shows that the thread as a whole
    is over budget; the chunk closed at the end of the input has False. So the first chunk has
    False exactly when the whole thread fits one request (its costs sum to at most `budget`)."""

    start: int
    chunk: Chunk
    split: bool


def iter_chunks(
    comments: Sequence[Comment],
    measure: Callable[[int], tuple[str, int]],
    budget: int,
) -> Iterator[Planned]:
    """Split a thread into chunks of at most `budget` tokens that keep reply chains together,
    each chunk as soon as it is closed, measuring comments only as far as needed to close it
    (`measure(i)` gives the data line of `comments[i]` and its token cost, and is called once per
    comment, tree by tree; a line over budget must already be truncated by `measure`).

    Comments are grouped into conversation trees (a comment goes with its `reply_to` ancestor);
    trees are packed greedily in order of their first comment; a tree larger than the budget is
    split in thread order. Inside a chunk comments keep thread order. Chunks come in the order
    they close, which is not always the order of their first comment (the later pieces of a cut
    tree come before the trees that start inside it): sort by `Planned.start` when the order
    matters.
    """
    if budget <= 0:
        raise ValueError("budget must be positive")
    trees: dict[str, list[int]] = {}
    for index, root in enumerate(reply_roots(comments)):
        trees.setdefault(root, []).append(index)

    lines: dict[int, str] = {}
    costs: dict[int, int] = {}

    def chunk(indices: list[int], split: bool) -> Planned:
        indices = sorted(indices)
        made = Chunk(
            comments=tuple(comments[i] for i in indices),
            lines=tuple(lines[i] for i in indices),
            tokens=sum(costs[i] for i in indices),
        )
        return Planned(indices[0], made, split)

    current: list[int] = []
    used = 0
    for members in trees.values():  # dicts keep insertion order: first comment of each tree
        for i in members:
            lines[i], costs[i] = measure(i)
        size = sum(costs[i] for i in members)
        if size > budget:
            # Too big for any chunk: close the current one and cut the tree in thread order.
            if current:
                yield chunk(current, True)
                current, used = [], 0
            for group in pack(members, [costs[i] for i in members], budget):
                yield chunk([members[i] for i in group], True)
            continue
        if current and used + size > budget:
            yield chunk(current, True)
            current, used = [], 0
        current.extend(members)
        used += size
    if current:
        yield chunk(current, False)


def truncate_to_tokens(text: str, max_tokens: int, count: Callable[[str], int]) -> str:
    """`text` cut at a word boundary so that it plus `TRUNCATION_MARK` counts at most
    `max_tokens`; `text` itself when it already fits. Binary search over the word count."""
    if count(text) <= max_tokens:
        return text
    words = text.split(" ")
    low, high = 0, len(words)
    while low < high:
        mid = (low + high + 1) // 2
        if count(" ".join(words[:mid]) + TRUNCATION_MARK) <= max_tokens:
            low = mid
        else:
            high = mid - 1
    return " ".join(words[:low]).rstrip() + TRUNCATION_MARK
