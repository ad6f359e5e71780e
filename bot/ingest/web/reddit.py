"""Reddit threads: the `.json` listing of a thread, its `more` stubs expanded up to a limit.

Live: `{base}/comments/<id>/.json?raw_json=1&limit=N` gives two listings (the post, then the
comment tree with `replies` nested); each `more` stub lists the ids of comments not sent, which
`{base}/api/morechildren.json?api_type=json&raw_json=1&link_id=t3_<id>&children=a,b,...` returns
flat (with `parent_id`), up to 100 a request. A "continue this thread" stub (`count` 0, no
ids, `parent_id` the t1 comment whose replies were cut) is followed like the web UI's link:
`{base}/comments/<id>/_/<comment id>/.json?raw_json=1&limit=N` gives the same two listings
with that comment as the root of the second; its replies join the thread under it (stubs in
them are followed too). Both kinds of request count against `more_limit` (morechildren
first: it loads the most comments a request) and stop at `max_comments`. Notes say what was
left unloaded, and which continuations could not be read (the rest of the thread is kept).

Saved files (`--format reddit`, or detected): the two-listing array of the `.json` page.

Ids are `reddit_<fullname>` (`reddit_t3_abc` for the post, `reddit_t1_xyz` for comments); urls
the permalinks on www.reddit.com; `[deleted]` and `[removed]` comments are skipped (their
replies are kept, linked to the nearest kept ancestor); the post's self text is a comment.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from bot.errors import InputError
from bot.ingest.schema import SiteModel, validate, validate_as
from bot.ingest.source import fail
from bot.ingest.web.tree import Node, flatten, unix_time
from bot.progress import Progress
from bot.thread import Thread

if TYPE_CHECKING:
    from yarl import URL

    from bot.ingest.web.client import WebClient

log = logging.getLogger(__name__)

SOURCE = "reddit"
SITE = "https://www.reddit.com"
DEFAULT_BASE = SITE
MORE_BATCH = 100  # morechildren takes at most 100 ids
LISTING_LIMIT = 500  # the most comments Reddit sends in one listing
_GONE = frozenset({"[deleted]", "[removed]"})
_COMMENT_ID = re.compile(r"[a-z0-9]+", re.IGNORECASE)  # base 36, safe in a URL path
# A permalink path as Reddit writes it (`/r/sub/comments/id/slug/`): no characters that could
# end a Markdown link or start another URL.
_PERMALINK = re.compile(r"/[A-Za-z0-9_/%.~+-]*")


class Thing(SiteModel):
    """Any Reddit object (`t1` comment, `t3` post, `more` stub, ...); `data` is read by the
    model of its kind when the walk reaches it (so that nesting costs no recursion)."""

    kind: str
    data: dict[str, Any]


class _ListingData(SiteModel):
    children: list[Thing] = []


class Listing(SiteModel):
    kind: Literal["Listing"]
    data: _ListingData


class _Post(SiteModel):
    id: str
    title: str | None = None
    selftext: str | None = None
    author: str | None = None
    created_utc: int | float | None = None
    permalink: str | None = None


class _Comment(SiteModel):
    id: str
    body: str | None = None
    author: str | None = None
    created_utc: int | float | None = None
    permalink: str | None = None
    parent_id: str | None = None
    replies: Listing | Literal[""] | None = None  # "" when there are none


class _More(SiteModel):
    children: list[str] = []
    count: int = 0
    parent_id: str | None = None


class _MoreData(SiteModel):
    things: list[Thing] = []


class _MoreJson(SiteModel):
    data: _MoreData | None = None  # absent when Reddit answers with `errors`


class MoreAnswer(SiteModel):
    """The `/api/morechildren` answer (api_type=json)."""

    json_: _MoreJson = Field(alias="json")


# The `.json` page of a thread: the post's listing, then the comments' listing.
_PAGE = TypeAdapter(Annotated[list[Listing], Field(min_length=2)])
_WHAT = "Reddit thread listing"


def is_reddit(data: object) -> bool:
    """The `.json` page of a thread: [Listing of the t3 post, Listing of comments]."""
    if not (isinstance(data, list) and len(data) >= 2):
        return False
    if not all(isinstance(x, dict) and x.get("kind") == "Listing" for x in data[:2]):
        return False
    listing = data[0].get("data")
    posts = listing.get("children") if isinstance(listing, dict) else None
    return (
        isinstance(posts, list)
        and bool(posts)
        and isinstance(posts[0], dict)
        and posts[0].get("kind") == "t3"
    )


def _page(data: object, source: str) -> tuple[_Post, list[Thing]]:
    """The post and the top-level things of a thread's `.json` page (`InputError` when it is
    not one)."""
    if not is_reddit(data):
        raise fail(source, "not a Reddit thread listing (expected the two listings of .json)")
    listings: list[Listing] = validate_as(_PAGE, data, source, _WHAT)
    post = validate(_Post, listings[0].data.children[0].data, source, _WHAT, "[0] post: ")
    return post, listings[1].data.children


class _Tree:
    """The comments read so far, the `more` and "continue this thread" stubs still to
    expand, and the post."""

    def __init__(self, post: _Post, source: str) -> None:
        self.post = post
        self.source = source  # names the answer in error messages
        self.post_name = f"t3_{post.id}"
        self.nodes: dict[str, Node] = {}
        self.children: dict[str, list[str]] = {}
        self.more: list[tuple[str, list[str]]] = []  # (parent fullname, comment ids)
        self.continued: list[str] = []  # t1 fullnames behind "continue this thread" stubs
        self._queued: set[str] = set()  # every fullname ever put in `continued`
        self.unfollowed = 0  # comments behind stubs that can be neither expanded nor followed
        text = post.selftext or ""
        self.nodes[self._key(self.post_name)] = Node(
            id=self._key(self.post_name),
            text="" if text.strip() in _GONE else text,
            author=_author(post.author),
            time=unix_time(post.created_utc),
            url=_permalink(post.permalink),
            is_post=True,
        )

    @staticmethod
    def _key(fullname: str) -> str:
        return f"reddit_{fullname}"

    def add(self, thing: Thing, parent_hint: str | None = None, source: str | None = None) -> int:
        """Add a t1 comment (and the replies nested in it) or a `more` stub; returns how many
        comments were added. Raises `InputError` (naming `source`) for a thing that is not
        what Reddit sends."""
        source = source or self.source
        added = 0
        stack: list[tuple[Thing, str | None]] = [(thing, parent_hint)]
        while stack:
            item, hint = stack.pop()
            if item.kind == "more":
                more = validate(_More, item.data, source, _WHAT, "a 'more' stub: ")
                parent = more.parent_id or hint
                if more.children and parent:
                    self.more.append((parent, more.children))
                elif not more.children and parent and _continuable(parent):
                    if parent not in self._queued:  # "continue this thread"
                        self._queued.add(parent)
                        self.continued.append(parent)
                else:
                    self.unfollowed += max(more.count, 0)
                continue
            if item.kind != "t1":
                continue
            data = validate(_Comment, item.data, source, _WHAT, "a comment: ")
            parent = data.parent_id or hint
            name = f"t1_{data.id}"
            key = self._key(name)
            if key in self.nodes:
                continue
            body = data.body or ""
            self.nodes[key] = Node(
                id=key,
                text=body,
                author=_author(data.author),
                time=unix_time(data.created_utc),
                url=_permalink(data.permalink),
                keep=body.strip() not in _GONE,
                is_bot=_is_bot(data.author, body),
            )
            self.children.setdefault(self._key(parent or self.post_name), []).append(key)
            added += 1
            if isinstance(data.replies, Listing):
                stack.extend((reply, name) for reply in reversed(data.replies.data.children))
        return added

    def add_continuation(self, data: object, parent: str, source: str) -> int | None:
        """Add the replies of comment `parent` (a t1 fullname already in the tree) from the
        listing of its "continue this thread" page; None when `data` is not that listing.
        Raises `InputError` when it is malformed."""
        if not is_reddit(data) or self._key(parent) not in self.nodes:
            return None
        post, things = _page(data, source)
        if f"t3_{post.id}" != self.post_name:
            return None
        for thing in things:
            if thing.kind != "t1":
                continue
            comment = validate(_Comment, thing.data, source, _WHAT, "a comment: ")
            if f"t1_{comment.id}" == parent:
                replies = comment.replies
                if not isinstance(replies, Listing):
                    return 0
                # the root is already here: only its replies are new (`add` skips repeats)
                return sum(self.add(r, parent, source) for r in replies.data.children)
        return None

    def pending(self) -> str | None:
        """What the stubs still hold, e.g. `3 more comments and 1 "continue this thread"
        branch`; None when nothing is left."""
        parts = []
        left = sum(len(ids) for _, ids in self.more) + self.unfollowed
        if left:
            parts.append(f"{left} more comments")
        if self.continued:
            count = len(self.continued)
            parts.append(f'{count} "continue this thread" branch{"es" if count > 1 else ""}')
        return " and ".join(parts) or None

    def thread(self, notes: tuple[str, ...] = ()) -> Thread:
        root = self._key(self.post_name)
        return Thread(
            comments=tuple(flatten(self.nodes, self.children, [root])),
            title=self.post.title or None,
            source=SOURCE,
            url=_permalink(self.post.permalink),
            notes=notes,
        )

    @property
    def comment_count(self) -> int:
        return len(self.nodes) - 1


def _permalink(path: str | None) -> str | None:
    """The www.reddit.com URL of a permalink path; None for anything but a path on the site
    (a link is built only from what this parser can vouch for)."""
    if not path or not _PERMALINK.fullmatch(path):
        return None
    return SITE + path


def _continuable(parent: str) -> bool:
    kind, _, comment_id = parent.partition("_")
    return kind == "t1" and _COMMENT_ID.fullmatch(comment_id) is not None


# Reddit's moderation bot, and the line every Reddit bot ends its comments with.
_BOT_AUTHORS = frozenset({"AutoModerator"})
_BOT_FOOTER = re.compile(r"\bI am a bot\b[^\n]{0,40}\bperformed automatically\b", re.IGNORECASE)


def _is_bot(author: str | None, body: str) -> bool:
    """Whether a comment is a bot's: AutoModerator, or any comment signed as Reddit bots sign
    ("*I am a bot, and this action was performed automatically.*")."""
    return author in _BOT_AUTHORS or _BOT_FOOTER.search(body[-400:]) is not None


def _author(author: str | None) -> str | None:
    return author if author and author not in _GONE else None


def _read_listing(data: object, name: str) -> _Tree:
    post, things = _page(data, name)
    tree = _Tree(post, name)
    for thing in things:
        tree.add(thing)
    return tree


def parse_reddit(data: object, name: str) -> Thread:
    """Read a saved `.json` page of a thread (`more` and "continue this thread" stubs are left
    as they are)."""
    tree = _read_listing(data, name)
    notes: tuple[str, ...] = ()
    pending = tree.pending()
    if pending:
        notes = (f"{pending} were not in the saved file.",)
    return tree.thread(notes)


async def fetch_reddit(
    client: WebClient,
    post_id: str,
    *,
    base: str = DEFAULT_BASE,
    max_comments: int = 2000,
    more_limit: int = 10,
    progress: Progress | None = None,
) -> Thread:
    """Fetch thread `post_id`, expand `more` stubs and follow "continue this thread" ones (see
    the module docstring)."""
    from yarl import URL

    root = URL(base.rstrip("/"))
    listing_url = (root / "comments" / post_id / ".json").with_query(
        raw_json="1", limit=str(min(max_comments, LISTING_LIMIT))
    )
    tree = _read_listing(await client.get_json(listing_url), str(listing_url))
    notify = progress or (lambda stage, done, total: None)
    notify("fetching", tree.comment_count, tree.comment_count)
    requests = 0
    unreadable: list[str] = []  # why each failed continuation failed
    more_failed: str | None = None  # why a "load more" request failed (then no more are made)
    while (
        (tree.more or tree.continued)
        and requests < more_limit
        and tree.comment_count < max_comments
    ):
        requests += 1
        if not tree.more:
            await _follow(client, tree, root, post_id, max_comments, unreadable)
        else:
            try:
                await _expand_more(client, tree, root)
            except InputError as err:
                # What was read is kept; the next request would most likely fail the same way
                # (a rate limit, an outage), so no more are made.
                log.warning("reddit %s: load more failed: %s", post_id, err)
                more_failed = str(err)
                break
        notify(
            "fetching",
            tree.comment_count,
            tree.comment_count + len(tree.more) + len(tree.continued),
        )
    notes: list[str] = []
    if tree.comment_count > max_comments:
        notes.append(
            f"Only the first {max_comments} comments were kept (DEBATE_DIGEST_WEB_MAX_COMMENTS)."
        )
    if unreadable:
        count = len(unreadable)
        notes.append(
            f'Part of the Reddit thread could not be read: {count} "continue this thread" '
            f"branch{'es' if count > 1 else ''} failed ({unreadable[0]})."
        )
    if more_failed:
        notes.append(
            'Part of the Reddit thread could not be read: a "load more comments" request '
            f"failed ({more_failed}); no more were asked for."
        )
    pending = tree.pending()
    if pending:
        notes.append(
            f"{pending} on Reddit were not loaded (DEBATE_DIGEST_REDDIT_MORE_LIMIT, which counts "
            '"load more" and "continue this thread" requests alike; '
            "DEBATE_DIGEST_WEB_MAX_COMMENTS)."
        )
    thread = tree.thread(tuple(notes))
    if len(thread.comments) > max_comments:
        thread = thread.model_copy(update={"comments": thread.comments[:max_comments]})
    log.info(
        "reddit %s: %d comments, %d more/continue requests", post_id, len(thread.comments), requests
    )
    return thread


async def _expand_more(client: WebClient, tree: _Tree, root: URL) -> None:
    """One morechildren request for the next (up to) 100 ids of the `more` stubs."""
    batch: list[str] = []
    while tree.more and len(batch) < MORE_BATCH:
        parent, ids = tree.more[0]
        room = MORE_BATCH - len(batch)
        batch.extend(ids[:room])
        if len(ids) > room:
            tree.more[0] = (parent, ids[room:])
        else:
            tree.more.pop(0)
    more_url = (root / "api" / "morechildren.json").with_query(
        api_type="json",
        raw_json="1",
        link_id=tree.post_name,
        children=",".join(batch),
        limit_children="false",
    )
    from bot.ingest.web.guard import display_url

    source = display_url(more_url)
    try:
        answer = validate(MoreAnswer, await client.get_json(more_url), source, "Reddit answer")
    except InputError:
        tree.unfollowed += len(batch)  # still counted as not loaded
        raise
    for thing in answer.json_.data.things if answer.json_.data else []:
        tree.add(thing, source=source)


async def _follow(
    client: WebClient,
    tree: _Tree,
    root: URL,
    post_id: str,
    max_comments: int,
    unreadable: list[str],
) -> None:
    """One "continue this thread" request: the replies of the first queued comment. A failed
    or unexpected answer is noted in `unreadable` (the rest of the thread is still read)."""
    parent = tree.continued.pop(0)
    comment_id = parent.partition("_")[2]
    url = (root / "comments" / post_id / "_" / comment_id / ".json").with_query(
        raw_json="1", limit=str(min(max_comments - tree.comment_count, LISTING_LIMIT))
    )
    try:
        answer = await client.get_json(url)
    except InputError as err:
        log.warning("reddit %s: continuation of %s not read: %s", post_id, parent, err)
        unreadable.append(str(err))
        return
    from bot.ingest.web.guard import display_url

    try:
        added = tree.add_continuation(answer, parent, display_url(url))
    except InputError as err:
        log.warning("reddit %s: continuation of %s not read: %s", post_id, parent, err)
        unreadable.append(str(err))
        return
    if added is None:
        log.warning("reddit %s: continuation of %s is not its listing", post_id, parent)
        unreadable.append(f"{url}: not the listing of comment {comment_id}")
