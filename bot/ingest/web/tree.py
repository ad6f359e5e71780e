"""Turning a fetched comment tree into `Comment`s in reading order.

Shared by the tree-shaped sources (Hacker News, Reddit). The convention, for every source:

- the story or post is a comment too when it has text (it frames the question), with no
  `reply_to`;
- a top-level comment answers the story, not another comment: its `reply_to` is None;
- a reply's `reply_to` is its parent's id; when the parent was skipped (deleted, dead,
  removed, empty), the nearest kept ancestor's, or None when that is the story;
- comments come in the order a reader sees them: depth first, siblings in the site's order.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.errors import InputError
from bot.thread import Comment

log = logging.getLogger(__name__)


@dataclass
class Node:
    """One item of a tree. `keep` False = skipped (its replies are kept and re-linked)."""

    id: str
    text: str
    author: str | None = None
    time: datetime | None = None
    url: str | None = None
    keep: bool = True
    is_post: bool = False  # a story or post: replies to it are top-level
    is_bot: bool = False  # a moderation bot's message (Reddit's AutoModerator): no one's view


def unix_time(value: object) -> datetime | None:
    """An aware UTC datetime from Unix seconds (int or float); None when missing or absurd."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def flatten(
    nodes: Mapping[str, Node], children: Mapping[str, Sequence[str]], roots: Iterable[str]
) -> list[Comment]:
    """The kept nodes under `roots`, depth first, with `reply_to` as the module docstring says.

    Iterative (a reply chain can be hundreds deep); a node reached twice is taken once.
    """
    out: list[Comment] = []
    seen: set[str] = set()
    # (node id, nearest kept non-post ancestor id or None)
    stack: list[tuple[str, str | None]] = [(root, None) for root in reversed(list(roots))]
    while stack:
        node_id, reply_to = stack.pop()
        if node_id in seen or node_id not in nodes:
            continue
        seen.add(node_id)
        node = nodes[node_id]
        keep = node.keep and bool(node.text.strip())
        if keep:
            out.append(
                Comment(
                    id=node.id,
                    text=node.text.strip(),
                    author=node.author or None,
                    time=node.time,
                    reply_to=None if node.is_post else reply_to,
                    url=node.url,
                    is_bot=node.is_bot,
                )
            )
        below = None if node.is_post else (node.id if keep else reply_to)
        for child in reversed(children.get(node_id, ())):
            stack.append((child, below))
    return out


def first_input_error(group: BaseExceptionGroup) -> BaseException:
    """The first `InputError` in a task group's failure (the user's message), else the group."""
    for error in group.exceptions:
        if isinstance(error, BaseExceptionGroup):
            inner = first_input_error(error)
            if isinstance(inner, InputError):
                return inner
        elif isinstance(error, InputError):
            return error
    return group
