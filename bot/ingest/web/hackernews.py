"""Hacker News: item URLs fetched through the Firebase API, and saved API responses.

Live: `https://news.ycombinator.com/item?id=N` → `{api_base}/item/N.json` for the root, then
every item of the tree, each kid requested as soon as its parent has arrived, with at most
`WebClient.concurrency` requests in flight (one semaphore over all levels, so a deep tree keeps
the pipe full wherever work is ready). Stops scheduling at `max_comments` and says so in a note.

Saved files (`--format hackernews`, or detected): a Firebase item or a JSON list of them (any
order; the tree is rebuilt from `parent`), or the Algolia tree of
`https://hn.algolia.com/api/v1/items/N` (`children` nested).

Ids are `hn<item id>`; urls `https://news.ycombinator.com/item?id=<id>`; dead and deleted items
are skipped (their replies are kept, linked to the nearest kept ancestor); `text` HTML becomes
plain text. A story's (or job's, poll's) text is a comment too; see `bot.ingest.web.tree`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any, Literal, TypeGuard

from pydantic import TypeAdapter

from bot.errors import InputError
from bot.ingest.schema import Id, SiteModel, validate, validate_as
from bot.ingest.source import fail
from bot.ingest.web.html import html_to_text
from bot.ingest.web.tree import Node, first_input_error, flatten, unix_time
from bot.progress import Progress
from bot.thread import Thread

if TYPE_CHECKING:
    from bot.ingest.web.client import WebClient

log = logging.getLogger(__name__)

SOURCE = "hackernews"
ITEM_URL = "https://news.ycombinator.com/item?id={id}"
HOSTS = frozenset({"news.ycombinator.com", "ycombinator.com"})
DEFAULT_API_BASE = "https://hacker-news.firebaseio.com/v0"
_TYPES = frozenset({"story", "comment", "job", "poll", "pollopt"})
_POSTS = frozenset({"story", "job", "poll"})


def item_id_from_url(path: str, query: dict[str, str]) -> int | None:
    """The item id of a Hacker News item page (`/item?id=N`), else None."""
    if path.rstrip("/") != "/item":
        return None
    value = query.get("id", "")
    # ASCII digits, short: "²" is a digit to str.isdigit but not to int, and int() refuses
    # more than 4,300 digits.
    return int(value) if re.fullmatch(r"[0-9]{1,18}", value) else None


class FirebaseItem(SiteModel):
    """An item of the Firebase API (`/v0/item/N.json`); deleted items have little but `id`."""

    id: Id
    type: Literal["story", "comment", "job", "poll", "pollopt"]
    by: str | None = None
    time: int | float | None = None
    text: str | None = None
    title: str | None = None
    kids: list[Id] | None = None
    parent: Id | None = None
    deleted: bool = False
    dead: bool = False
    descendants: int | None = None


class AlgoliaItem(SiteModel):
    """A node of the Algolia tree (`/api/v1/items/N`). Its `children` are read one node at a
    time as the tree is walked (no recursion however deep the thread)."""

    id: Id
    type: str | None = None
    author: str | None = None
    text: str | None = None
    title: str | None = None
    created_at_i: int | float | None = None
    children: list[dict[str, Any]] | None = None


_FIREBASE_LIST = TypeAdapter(list[FirebaseItem | None])
_WHAT = "Hacker News API item"


def _hn_id(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _is_item(value: object) -> TypeGuard[dict[str, Any]]:
    """Looks like a Firebase item (detection only: `FirebaseItem` checks every field)."""
    if not isinstance(value, dict) or _hn_id(value.get("id")) is None:
        return False
    kind = value.get("type")
    return (
        isinstance(kind, str)
        and kind in _TYPES
        and ("time" in value or "deleted" in value or "by" in value)
    )


def is_firebase(data: object) -> bool:
    """A Firebase item, or a non-empty list of them."""
    if isinstance(data, list):
        return (
            bool(data)
            and all(_is_item(item) or item is None for item in data)
            and any(_is_item(item) for item in data)
        )
    return _is_item(data) and "children" not in data


def is_algolia(data: object) -> bool:
    """The Algolia `items/{id}` tree: an item with `children` and `created_at_i`."""
    return (
        isinstance(data, dict)
        and _hn_id(data.get("id")) is not None
        and isinstance(data.get("children"), list)
        and ("created_at_i" in data or "story_id" in data)
    )


def is_hackernews(data: object) -> bool:
    return is_algolia(data) or is_firebase(data)


def _node(item: FirebaseItem) -> Node:
    return Node(
        id=f"hn{item.id}",
        text=html_to_text(item.text or ""),
        author=item.by,
        time=unix_time(item.time),
        url=ITEM_URL.format(id=item.id),
        keep=not item.deleted and not item.dead,
        is_post=item.type in _POSTS,
    )


def thread_from_items(
    items: dict[int, FirebaseItem], root: int | None, notes: tuple[str, ...] = ()
) -> Thread:
    """A thread from Firebase items keyed by id; `root` None = every item whose parent is not
    among them is a root (in id order)."""
    nodes = {f"hn{i}": _node(item) for i, item in items.items()}
    children: dict[str, list[str]] = {}
    # Order replies by the parent's `kids` (the site's ranking); items the parent does not
    # list (a saved list without `kids`) follow in id order.
    for item_id, item in items.items():
        listed = [k for k in item.kids or [] if k in items]
        children[f"hn{item_id}"] = [f"hn{k}" for k in listed]
    for item_id in sorted(items):
        parent = items[item_id].parent
        if parent in items and f"hn{item_id}" not in children[f"hn{parent}"]:
            children[f"hn{parent}"].append(f"hn{item_id}")
    if root is None:
        roots = [i for i in sorted(items) if items[i].parent not in items]
    else:
        roots = [root]
    title = items[roots[0]].title if roots else None
    return Thread(
        comments=tuple(flatten(nodes, children, [f"hn{r}" for r in roots])),
        title=title or None,
        source=SOURCE,
        url=ITEM_URL.format(id=roots[0]) if len(roots) == 1 else None,
        notes=notes,
    )


def parse_firebase(data: object, name: str) -> Thread:
    """Read a saved Firebase item or list of items (see the module docstring)."""
    if not is_firebase(data):
        raise fail(name, "not Hacker News API JSON (expected items with id, type and time)")
    listed = validate_as(_FIREBASE_LIST, data if isinstance(data, list) else [data], name, _WHAT)
    items = {item.id: item for item in listed if item is not None}
    return thread_from_items(items, None)


def parse_algolia(data: object, name: str) -> Thread:
    """Read a saved Algolia `items/{id}` tree."""
    if not is_algolia(data):
        raise fail(name, "not a Hacker News Algolia item tree")
    what = "Hacker News Algolia item tree"
    root = validate(AlgoliaItem, data, name, what)
    nodes: dict[str, Node] = {}
    children: dict[str, list[str]] = {}
    stack: list[AlgoliaItem] = [root]
    while stack:
        item = stack.pop()
        # Algolia keeps deleted items with no author and no text; there is no `dead` flag.
        nodes[f"hn{item.id}"] = Node(
            id=f"hn{item.id}",
            text=html_to_text(item.text or ""),
            author=item.author,
            time=unix_time(item.created_at_i),
            url=ITEM_URL.format(id=item.id),
            keep=bool(item.author),
            is_post=item.type in _POSTS,
        )
        kids = [
            validate(AlgoliaItem, kid, name, what, f"item {item.id}: children[{index}].")
            for index, kid in enumerate(item.children or [])
        ]
        children[f"hn{item.id}"] = [f"hn{kid.id}" for kid in kids]
        stack.extend(kids)
    return Thread(
        comments=tuple(flatten(nodes, children, [f"hn{root.id}"])),
        title=root.title or None,
        source=SOURCE,
        url=ITEM_URL.format(id=root.id),
    )


def parse_hackernews(data: object, name: str) -> Thread:
    """Read either saved shape (Algolia tree, Firebase item or items)."""
    if is_algolia(data):
        return parse_algolia(data, name)
    return parse_firebase(data, name)


async def fetch_hackernews(
    client: WebClient,
    item_id: int,
    *,
    api_base: str = DEFAULT_API_BASE,
    max_comments: int = 2000,
    progress: Progress | None = None,
) -> Thread:
    """Fetch the tree under item `item_id` (a story or a comment) from the Firebase API.

    Every kid is requested as soon as its parent arrives; the client's semaphore bounds the
    requests in flight. At most `max_comments` items below the root are requested; a note says
    when the tree was cut. Raises `InputError` when the root does not exist or a request fails.
    """
    from bot.ingest.web.guard import display_url

    base = api_base.rstrip("/")
    items: dict[int, FirebaseItem] = {}
    scheduled = 0
    cut = False
    notify = progress or (lambda stage, done, total: None)

    async def get(number: int) -> FirebaseItem | None:
        url = f"{base}/item/{number}.json"
        data = await client.get_json(url)
        if data is None:
            return None  # null: an item that does not exist (any more)
        return validate(FirebaseItem, data, display_url(url), _WHAT)

    root = await get(item_id)
    if root is None:
        raise InputError(f"{ITEM_URL.format(id=item_id)}: no such Hacker News item")
    items[item_id] = root

    async def visit(group: asyncio.TaskGroup, item: FirebaseItem) -> None:
        nonlocal scheduled, cut
        for kid in item.kids or []:
            if scheduled >= max_comments:
                cut = True
                return
            scheduled += 1
            group.create_task(fetch(group, kid))

    async def fetch(group: asyncio.TaskGroup, number: int) -> None:
        item = await get(number)
        if item is None:
            return  # null: an item that no longer exists
        items[number] = item
        notify("fetching", len(items), scheduled + 1)
        await visit(group, item)

    try:
        async with asyncio.TaskGroup() as group:
            await visit(group, root)
    except ExceptionGroup as group:
        raise first_input_error(group) from None
    notes: tuple[str, ...] = ()
    if cut:
        total = root.descendants
        of = f" of {total}" if total is not None and total > max_comments else ""
        notes = (
            f"Only the first {max_comments}{of} comments were fetched "
            "(DEBATE_DIGEST_WEB_MAX_COMMENTS).",
        )
    log.info("hacker news %s: %d items in %d requests", item_id, len(items), client.requests)
    return thread_from_items(items, item_id, notes)
