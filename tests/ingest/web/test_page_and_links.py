"""Any other page (trafilatura), `find_urls` for the context menu, and URL dispatch."""

from __future__ import annotations

import pytest
from fakes.fake_web import Answer, FakeWeb

from bot.errors import InputError
from bot.ingest.web import classify_url, fetch_thread, find_urls
from bot.ingest.web.html import html_to_text
from bot.settings import Settings

from .test_discourse import PAGE_WITH_COMMENTS

SETTINGS = Settings(allow_private_urls=True)

ARTICLE_ONLY = """<html><head><title>News</title></head><body><article><h1>Budget passed</h1>
<p>The council passed the budget on Tuesday after a long session that ran past midnight.</p>
<p>The vote was 21 to 14, with two abstentions, and the plan takes effect in January.</p>
</article></body></html>"""


async def test_page_with_comments(server: FakeWeb) -> None:
    server.html("/blog/cars", PAGE_WITH_COMMENTS)
    thread = await fetch_thread(f"{server.url}/blog/cars", settings=SETTINGS)
    assert thread.source == "web" and thread.title == "Cars out of the centre?"
    assert thread.url == f"{server.url}/blog/cars"
    assert [c.id for c in thread.comments] == ["page", "w1", "w2"]
    assert thread.comments[0].text.startswith("Cars out of the centre?")
    assert thread.comments[1].text.startswith("Cleaner air is worth it")
    assert thread.comments[2].text.startswith("No, my shop depends")
    assert thread.notes and "no authors or reply links" in thread.notes[0]


async def test_page_without_discussion(server: FakeWeb) -> None:
    server.html("/news", ARTICLE_ONLY)
    with pytest.raises(InputError, match=r"/news: page has no discussion to summarize$"):
        await fetch_thread(f"{server.url}/news", settings=SETTINGS)


async def test_page_that_is_not_html(server: FakeWeb) -> None:
    server.json("/data", {"a": 1})
    with pytest.raises(InputError, match="answered with application/json, expected"):
        await fetch_thread(f"{server.url}/data", settings=SETTINGS)


def test_find_urls_in_chat_messages() -> None:
    text = (
        "see https://news.ycombinator.com/item?id=8863, and (https://en.wikipedia.org/wiki/Foo_(bar))"
        " or <https://www.reddit.com/r/x/comments/abc/slug/> and [the forum](https://meta.discourse.org/t/x/1)."
        " Again: https://news.ycombinator.com/item?id=8863! ftp://no.example http://"
    )
    assert find_urls(text) == [
        "https://news.ycombinator.com/item?id=8863",
        "https://en.wikipedia.org/wiki/Foo_(bar)",
        "https://www.reddit.com/r/x/comments/abc/slug/",
        "https://meta.discourse.org/t/x/1",
    ]
    assert find_urls("") == [] and find_urls("no links here") == []


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://news.ycombinator.com/item?id=8863", "hackernews"),
        ("https://www.reddit.com/r/a/comments/b1/c/", "reddit"),
        ("https://forum.example/t/topic/42", "discourse"),
        ("https://blog.example/2024/01/post", "page"),
    ],
)
def test_dispatch_by_host_and_path(url: str, kind: str) -> None:
    assert classify_url(url).kind == kind


@pytest.mark.parametrize("url", ["ftp://example.com/", "https://", "mailto:a@b.c"])
def test_non_web_links(url: str) -> None:
    with pytest.raises(InputError, match="only http and https"):
        classify_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://discord.com/channels/1/2/3",
        "https://canary.discordapp.com/channels/1/2",
        "http://ptb.discord.com/channels/@me/5",
    ],
)
def test_discord_links_are_left_to_the_bot(url: str) -> None:
    """A Discord link is never fetched as a web page: only the bot can check who may read it."""
    with pytest.raises(InputError, match="read by the bot"):
        classify_url(url)


def test_discord_pages_that_are_not_channels_are_pages() -> None:
    assert classify_url("https://discord.com/blog/some-post").kind == "page"


def test_html_to_text_keeps_paragraphs_and_quotes_and_drops_markup() -> None:
    html = (
        "<p>First <b>bold</b> and <i>it</i>.</p><p>Second<br>line</p>"
        "<blockquote><p>quoted one</p><p>quoted two</p></blockquote>"
        "<pre><code>  indented\n    more</code></pre><script>evil()</script>"
        "<ul><li>a</li><li>b</li></ul>&amp; &lt;tag&gt;"
    )
    assert html_to_text(html) == (
        "First bold and it.\n\nSecond\nline\n\n> quoted one\n> quoted two\n\n"
        "  indented\n    more\n\n- a\n- b\n\n& <tag>"
    )


async def test_page_charset_from_its_meta_tag(server: FakeWeb) -> None:
    page = PAGE_WITH_COMMENTS.replace("<head>", '<head><meta charset="iso-8859-1">').replace(
        "Cleaner air is worth it", "Cleaner air is worth it, café owners say"
    )
    server.route("/latin", Answer(body=page.encode("iso-8859-1"), content_type="text/html"))
    thread = await fetch_thread(f"{server.url}/latin", settings=SETTINGS)
    assert "café owners" in thread.comments[1].text
