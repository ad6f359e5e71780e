"""Discourse topics: `/t/{id}.json`, then the rest of `post_stream.stream` in batches of 20.

Live: a link `https://forum.example/t/slug/123` (or `/t/123`, `/t/slug/123/7`, or under a path
such as `/forum/t/...`) → `{site}/t/123.json`, whose `post_stream.posts` holds the first posts
and `post_stream.stream` the ids of all of them; the others come from
`{site}/t/123/posts.json?post_ids[]=...`, 20 ids a request (Discourse's own page size), the
batches in parallel under the client's limit, until `max_comments`.

Saved files (`--format discourse`, or detected): a `/t/{id}.json` topic, or a
`/t/{id}/posts.json` answer (both have `post_stream.posts`).

Ids are `p<post_number>` (the number shown in the topic, stable and what `reply_to_post_number`
names); `reply_to` is `p<reply_to_post_number>`, or, for a post that quotes one earlier post of
the same topic and names no reply, the quoted post; a reply to nothing (or to a post not in the
thread) has none. The first post is a comment like the others. `cooked` HTML becomes text with
quotes as `> ` lines. Deleted, hidden, withdrawn and non-regular posts (small actions,
moderator notices, whispers) are skipped. urls are `{site}/t/{slug}/{id}/{post_number}` when
the site is known (not for saved files).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from pydantic import Field

from bot.ingest.schema import Id, SiteModel, validate
from bot.ingest.source import fail
from bot.ingest.timestamps import parse_iso
from bot.ingest.web.errors import ContentTypeError, HTTPStatusError
from bot.ingest.web.html import html_text_and_quotes
from bot.ingest.web.tree import first_input_error
from bot.progress import Progress
from bot.thread import Comment, Thread

if TYPE_CHECKING:
    from bot.ingest.web.client import WebClient

log = logging.getLogger(__name__)

SOURCE = "discourse"
BATCH = 20
_REGULAR = 1  # post_type: 1 regular, 2 moderator action, 3 small action, 4 whisper
# A post number in a quote's `data-post` attribute: ASCII digits only ("²" is a digit to
# str.isdigit but not to int), and short (int() refuses past 4,300 digits).
_POST_NUMBER = re.compile(r"[0-9]{1,9}")
MAX_POST_NUMBER = 2**31 - 1


class NotDiscourse(Exception):
    """The site did not answer like Discourse (no JSON topic at /t/{id}.json)."""


# The accounts every Discourse site has that speak for the software, not for a person.
_BOT_USERS = frozenset({"system", "discobot"})


class Post(SiteModel):
    """A post of a topic's `post_stream`, as far as we read it."""

    id: Id | None = None
    post_number: Annotated[int, Field(ge=1, le=MAX_POST_NUMBER)]
    post_type: int = _REGULAR
    cooked: str | None = None
    username: str | None = None
    created_at: Any = None  # read by `parse_iso`: a time it cannot read is no time
    reply_to_post_number: int | None = None
    topic_id: Id | None = None
    topic_slug: str | None = None
    deleted_at: str | None = None
    user_deleted: bool | None = None
    hidden: bool | None = None


class PostStream(SiteModel):
    posts: list[Post]
    stream: list[Id] | None = None


class Topic(SiteModel):
    """A `/t/{id}.json` topic, or a `/t/{id}/posts.json` answer (only `post_stream`)."""

    id: Id | None = None
    slug: str | None = None
    title: str | None = None
    fancy_title: str | None = None
    post_stream: PostStream


_WHAT = "Discourse topic"


def is_discourse(data: object) -> bool:
    """A topic or posts answer: an object with `post_stream.posts` a list."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("post_stream"), dict)
        and isinstance(data["post_stream"].get("posts"), list)
    )


def _slug(value: str | None) -> str | None:
    """A topic slug fit for a URL path: percent-encoded, so that a hostile one (`x)[a](b`)
    stays one path segment and cannot end a Markdown link."""
    return quote(value, safe="-_", errors="replace") if value else None


def _comment(
    post: Post, topic_id: int | None, site: str | None, slug: str | None
) -> Comment | None:
    number = post.post_number
    if post.post_type != _REGULAR:
        return None
    if post.deleted_at or post.user_deleted or post.hidden:
        return None
    text, quotes = html_text_and_quotes(post.cooked or "")
    if not text.strip():
        return None  # an image alone, or nothing
    reply = post.reply_to_post_number
    if reply is None:
        # A quote of one earlier post of this topic is a reply to it.
        quoted = {
            int(p)
            for t, p in quotes
            if p
            and _POST_NUMBER.fullmatch(p)
            and (t is None or topic_id is None or t == str(topic_id))
        }
        if len(quoted) == 1 and (only := quoted.pop()) < number:
            reply = only
    url = None
    post_topic = post.topic_id or topic_id
    post_slug = _slug(post.topic_slug) or slug
    if site and post_topic is not None:
        url = f"{site}/t/{post_slug or 'topic'}/{post_topic}/{number}"
    return Comment(
        id=f"p{number}",
        text=text,
        author=post.username or None,
        time=parse_iso(post.created_at),
        reply_to=f"p{reply}" if reply is not None and reply != number else None,
        url=url,
        # Discourse's own accounts (the "system" notices, the "discobot" tutorial bot)
        is_bot=(post.username or "").casefold() in _BOT_USERS,
    )


def thread_from_posts(
    topic: Topic, posts: list[Post], site: str | None, notes: tuple[str, ...] = ()
) -> Thread:
    """A thread of `posts` (any order; repeats once) of the topic `topic` describes."""
    topic_id = topic.id
    slug = _slug(topic.slug)
    by_number: dict[int, Comment] = {}
    for post in posts:
        if topic_id is None:
            topic_id = post.topic_id
        if slug is None:
            slug = _slug(post.topic_slug)
        comment = _comment(post, topic_id, site, slug)
        if comment is not None:
            by_number.setdefault(post.post_number, comment)
    comments = [by_number[n] for n in sorted(by_number)]
    present = {c.id for c in comments}
    # A reply to a post that is not in the thread (deleted, or past the limit) answers nothing.
    comments = [
        c
        if c.reply_to is None or c.reply_to in present
        else c.model_copy(update={"reply_to": None})
        for c in comments
    ]
    title = topic.title or topic.fancy_title
    url = None
    if site and topic_id is not None:
        url = f"{site}/t/{slug or 'topic'}/{topic_id}"
    return Thread(
        comments=tuple(comments),
        title=title or None,
        source=SOURCE,
        url=url,
        notes=notes,
    )


def parse_discourse(data: object, name: str) -> Thread:
    """Read a saved `/t/{id}.json` topic or `/t/{id}/posts.json` answer."""
    if not is_discourse(data):
        raise fail(name, "not a Discourse topic (expected post_stream.posts)")
    topic = validate(Topic, data, name, _WHAT)
    posts = topic.post_stream.posts
    notes: tuple[str, ...] = ()
    ids = topic.post_stream.stream
    if ids is not None and len(ids) > len(posts):
        notes = (f"The saved topic lists {len(ids)} posts but holds {len(posts)}.",)
    return thread_from_posts(topic, posts, None, notes)


async def fetch_discourse(
    client: WebClient,
    site: str,
    topic_id: int,
    *,
    max_comments: int = 2000,
    progress: Progress | None = None,
) -> Thread:
    """Fetch topic `topic_id` of the Discourse site at `site` (scheme://host[/path]).

    Raises `NotDiscourse` when `/t/{id}.json` is not a Discourse topic (the caller then reads
    the link as a page), `InputError` for refused or failed requests.
    """
    from yarl import URL

    base = URL(site.rstrip("/"))
    from bot.ingest.web.guard import display_url

    try:
        answer = await client.get_json(base / "t" / f"{topic_id}.json")
    except (ContentTypeError, HTTPStatusError) as err:
        # An HTML page or a 404 at /t/{id}.json: this site is not Discourse. (A 403 is a
        # Discourse that wants a login: say so rather than read its login page.)
        if isinstance(err, HTTPStatusError) and err.status in (401, 403):
            raise
        raise NotDiscourse(str(err)) from err
    if not is_discourse(answer):
        raise NotDiscourse(f"{site}: no Discourse topic at /t/{topic_id}.json")
    topic = validate(Topic, answer, display_url(base / "t" / f"{topic_id}.json"), _WHAT)
    posts: list[Post] = list(topic.post_stream.posts)
    have = {p.id for p in posts}
    ids = topic.post_stream.stream or []
    missing = [i for i in ids if i not in have]
    room = max(0, max_comments - len(posts))
    wanted, skipped = missing[:room], missing[room:]
    notify = progress or (lambda stage, done, total: None)
    total = len(posts) + len(wanted)
    notify("fetching", len(posts), total)

    async def batch(numbers: list[int]) -> list[Post]:
        query = [("post_ids[]", str(n)) for n in numbers]
        url = (base / "t" / str(topic_id) / "posts.json").with_query(query)
        answer = await client.get_json(url)
        if not is_discourse(answer):
            return []  # not the posts we asked for: the thread is read without them
        return list(validate(Topic, answer, display_url(url), _WHAT).post_stream.posts)

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [
                group.create_task(batch(wanted[i : i + BATCH]))
                for i in range(0, len(wanted), BATCH)
            ]
    except ExceptionGroup as errors:
        raise first_input_error(errors) from None
    for task in tasks:
        posts.extend(task.result())
    notify("fetching", len(posts), total)
    notes: tuple[str, ...] = ()
    if skipped:
        notes = (
            f"Only the first {max_comments} of {len(ids)} posts were fetched "
            "(DEBATE_DIGEST_WEB_MAX_COMMENTS).",
        )
    thread = thread_from_posts(topic, posts, str(base), notes)
    log.info("discourse %s/t/%s: %d posts", site, topic_id, len(thread.comments))
    return thread
