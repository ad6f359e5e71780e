"""Any other page: its main text and visible comments, extracted with trafilatura.

trafilatura finds the main text and the comment section of most blogs and news sites, but gives
the comments as text paragraphs without authors or reply structure. So a page becomes: the
main text as comment `page` (it frames the question), then each comment paragraph as `w1`,
`w2`, ... in page order, with no authors and no reply links. A page whose comment section is
empty or missing is refused with "page has no discussion to summarize": summarizing an article
is not what this tool is for. trafilatura (and lxml) are imported only here, when a page is read.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.errors import InputError
from bot.ingest.web.guard import display_url
from bot.thread import Comment, Thread

if TYPE_CHECKING:
    from bot.ingest.web.client import WebClient

log = logging.getLogger(__name__)

SOURCE = "web"
# Comment paragraphs shorter than this are UI text ("Reply", "12 likes"), not comments.
MIN_COMMENT_CHARS = 20


def extract_page(html: str | bytes, url: str) -> Thread:
    """The thread of one HTML page (see the module docstring); raises `InputError` when it has
    no comments."""
    import trafilatura

    document = trafilatura.bare_extraction(
        html, url=url, include_comments=True, with_metadata=True, favor_recall=True
    )
    comments_text = getattr(document, "comments", None) or ""
    parts = [p.strip() for p in comments_text.split("\n") if len(p.strip()) >= MIN_COMMENT_CHARS]
    if not parts:
        raise InputError(f"{display_url(url)}: page has no discussion to summarize")
    comments: list[Comment] = []
    main = (getattr(document, "text", None) or "").strip()
    if main:
        author = getattr(document, "author", None)
        comments.append(Comment(id="page", text=main, author=author or None, url=url))
    comments.extend(Comment(id=f"w{i}", text=text) for i, text in enumerate(parts, start=1))
    title = getattr(document, "title", None)
    return Thread(
        comments=tuple(comments),
        title=title or None,
        source=SOURCE,
        url=url,
        notes=(
            "Read from a web page: comments have no authors or reply links "
            "(the page's structure was not kept).",
        ),
    )


async def fetch_page(client: WebClient, url: str) -> Thread:
    """Fetch `url` (HTML only) and extract it off the event loop."""
    fetched = await client.get_html(url)
    # Without a (known) charset in the header, trafilatura reads the page's own <meta charset>.
    html = fetched.text() if fetched.known_charset else fetched.body
    return await asyncio.to_thread(extract_page, html, str(fetched.url))
