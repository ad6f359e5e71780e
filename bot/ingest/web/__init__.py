"""Linked web discussions: Hacker News, Reddit, Discourse, and any page with comments.

    thread = await fetch_thread("https://news.ycombinator.com/item?id=8863", settings=settings)
    urls = find_urls(message.content)          # for "Summarize linked discussion"

Every request goes through one `WebClient` and so through the URL guard
(`bot.ingest.web.guard`): only http(s), no private/loopback/metadata addresses in any encoding,
checked again on each redirect, connecting only to checked addresses, with time, size and
content-type limits. Every failure is an `InputError` with a one-line message naming the URL
and the reason.

The parsers of saved API responses (`hackernews`, `reddit`, `discourse` formats of
`bot.ingest`) live in the source modules and import nothing of aiohttp, so that reading files
stays light; this module imports the client only when a URL is fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from bot.errors import InputError
from bot.progress import Progress
from bot.thread import Thread

if TYPE_CHECKING:
    from bot.ingest.web.client import WebClient
    from bot.settings import Settings

__all__ = ["Link", "classify_url", "fetch_thread", "find_urls", "is_url"]


# A URL in chat text: http(s), up to white space or a character that cannot end one. Discord's
# `<https://...>` (no embed) and Markdown's `[text](https://...)` are handled by the trimming.
_URL = re.compile(r"https?://[^\s<>\"'`|\\^{}]+", re.IGNORECASE)
_TRAILING = ".,;:!?*_~'\""
_DISCOURSE_PATH = re.compile(
    r"^(?P<prefix>(?:/[^/]+)*?)/t/(?:(?P<slug>[^/]+)/)?(?P<id>[0-9]{1,18})(?:/(?P<post>[0-9]{1,18}))?/?$"
)
_KIND_LABELS = {
    "hackernews": "Hacker News discussion",
    "reddit": "Reddit thread",
    "discourse": "Discourse topic",
    "page": "web page",
}
_REDDIT_PATH = re.compile(r"^(?:/r/[^/]+)?/comments/(?P<id>[a-z0-9]+)(?:/|$)", re.IGNORECASE)


def _is_discord_host(host: str) -> bool:
    return host in ("discord.com", "discordapp.com") or host.endswith(
        (".discord.com", ".discordapp.com")
    )


def looks_like_link(text: str) -> bool:
    """Whether a command-line input is meant as a link of any scheme (`ftp://…`), so that it is
    refused as a link rather than looked for as a file."""
    return bool(re.match(r"^[a-z][a-z0-9+.-]*://", text.strip(), re.IGNORECASE))


def is_url(text: str) -> bool:
    """Whether a command-line input is a web link (http or https) rather than a file."""
    return bool(re.match(r"^https?://", text.strip(), re.IGNORECASE))


def find_urls(text: str) -> list[str]:
    """The http(s) URLs in a message, in order, without repeats.

    Trailing punctuation that ends a sentence is not part of a URL, and a closing parenthesis
    is kept only when the URL opened one (`https://en.wikipedia.org/wiki/Foo_(bar)`), so
    `(see https://x.y/z).` gives `https://x.y/z`.
    """
    found: dict[str, None] = {}
    for match in _URL.finditer(text or ""):
        url = match.group(0)
        while url:
            if url[-1] in _TRAILING:
                url = url[:-1]
            elif url[-1] == ")" and url.count("(") < url.count(")"):
                url = url[:-1]
            elif url[-1] == "]" and url.count("[") < url.count("]"):
                url = url[:-1]
            else:
                break
        if len(url) > len("https://") and urlsplit(url).hostname:
            found.setdefault(url, None)
    return list(found)


@dataclass(frozen=True)
class Link:
    """What a URL points to: `kind` is hackernews, reddit, discourse or page."""

    kind: str
    url: str
    origin: str  # scheme://host[:port] of the URL
    item: str | None = None  # the item, post or topic id
    prefix: str = ""  # Discourse installed under a path (`/forum`)


def classify_url(url: str) -> Link:
    """Which source reads `url`, by host and path (no network). Raises `InputError` for a URL
    that is not http(s) or has no host."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError as err:
        raise InputError(f"{text[:120]}: not a valid URL ({err})") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise InputError(f"{text[:120]}: only http and https links can be summarized")
    if _is_discord_host(host) and parts.path.startswith("/channels/"):
        raise InputError(
            f"{text[:120]}: a Discord link is read by the bot (/summarize link:), which checks "
            "that you may read the channel; here, summarize an export of it "
            "(DiscordChatExporter JSON or TXT)"
        )
    origin = f"{parts.scheme.lower()}://{parts.netloc.rsplit('@', 1)[-1]}"
    query = dict(parse_qsl(parts.query))
    path = parts.path or "/"
    from bot.ingest.web import hackernews

    if host in hackernews.HOSTS:
        item = hackernews.item_id_from_url(path, query)
        if item is None:
            raise InputError(f"{text[:120]}: not a Hacker News discussion (expected .../item?id=N)")
        return Link("hackernews", text, origin, str(item))
    if host in ("redd.it", "reddit.com") or host.endswith(".reddit.com"):
        if host == "redd.it":
            post = path.strip("/").split("/")[0]
            if re.fullmatch(r"[a-z0-9]+", post, re.IGNORECASE):
                return Link("reddit", text, origin, post.lower())
        match = _REDDIT_PATH.match(path)
        if match:
            return Link("reddit", text, origin, match["id"].lower())
        raise InputError(
            f"{text[:120]}: not a Reddit thread (expected .../comments/<id>/...; share links "
            "like /s/... must be opened first)"
        )
    match = _DISCOURSE_PATH.match(path)
    if match:
        return Link("discourse", text, origin, match["id"], prefix=match["prefix"] or "")
    return Link("page", text, origin)


async def fetch_thread(
    url: str,
    *,
    settings: Settings,
    client: WebClient | None = None,
    progress: Progress | None = None,
) -> Thread:
    """Fetch the discussion at `url` and return it as a `Thread`.

    Hacker News item pages, Reddit threads and Discourse topics (`/t/slug/id`) are read through
    their JSON APIs; any other page through trafilatura (its main text and visible comments).
    `client` shares one guarded session (and its concurrency limit) between calls; without it a
    client is made from `settings` and closed afterwards. `progress(stage, done, total)` is
    called as items arrive. Raises `InputError` (one line, naming the URL and the reason) for
    a refused address, a failed or oversized request, or a page with no discussion; notes on
    the thread (`Thread.notes`) say when the discussion was cut at `web_max_comments` or Reddit
    comments were left unexpanded.
    """
    link = classify_url(url)
    if client is None:
        from bot.ingest.web.client import WebClient

        async with WebClient.from_settings(settings) as own:
            return _checked(link, await _fetch(link, settings, own, progress))
    return _checked(link, await _fetch(link, settings, client, progress))


def _checked(link: Link, thread: Thread) -> Thread:
    """Like a file, a link that yields no comments is a clean error, not an empty summary;
    lone surrogates are replaced as on every ingest path."""
    from bot.ingest.schema import scrub_thread
    from bot.ingest.source import fail
    from bot.ingest.web.guard import display_url

    if not thread.comments:
        kind = _KIND_LABELS.get(link.kind, link.kind)
        raise fail(display_url(link.url), f"no comments found (read as a {kind})")
    return scrub_thread(thread)


async def _fetch(
    link: Link, settings: Settings, client: WebClient, progress: Progress | None
) -> Thread:
    if link.kind == "hackernews":
        from bot.ingest.web.hackernews import fetch_hackernews

        return await fetch_hackernews(
            client,
            int(link.item or 0),
            api_base=settings.hn_api_base,
            max_comments=settings.web_max_comments,
            progress=progress,
        )
    if link.kind == "reddit":
        from bot.ingest.web.reddit import fetch_reddit

        return await fetch_reddit(
            client,
            link.item or "",
            base=settings.reddit_base,
            max_comments=settings.web_max_comments,
            more_limit=settings.reddit_more_limit,
            progress=progress,
        )
    if link.kind == "discourse":
        from bot.ingest.web.discourse import NotDiscourse, fetch_discourse

        try:
            return await fetch_discourse(
                client,
                link.origin + link.prefix,
                int(link.item or 0),
                max_comments=settings.web_max_comments,
                progress=progress,
            )
        except NotDiscourse:
            pass  # a /t/.../123 path on a site that is not Discourse: read it as a page
    from bot.ingest.web.page import fetch_page

    return await fetch_page(client, link.url)
