"""Reddit: the saved two-listing page, and the live fetch with `more` stubs expanded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aiohttp import web

from bot.bench.fake_web import Answer, FakeWeb
from bot.errors import InputError
from bot.ingest import InputSource, detect_format, parse_source
from bot.ingest.web import classify_url, fetch_thread
from bot.settings import Settings

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats" / "reddit"
LISTING = json.loads((FIXTURES / "thread.json").read_text("utf-8"))
MORE = json.loads((FIXTURES / "morechildren.json").read_text("utf-8"))
MORE_2 = json.loads((FIXTURES / "morechildren-2.json").read_text("utf-8"))
THREAD_URL = "https://www.reddit.com/r/urbanism/comments/abc123/should_cities_ban_cars/"


def serve(server: FakeWeb) -> list[str]:
    """Serve the thread and answer morechildren by the ids asked; returns the ids asked for."""
    asked: list[str] = []
    server.json("/comments/abc123/.json", LISTING)

    def more(request: web.Request) -> Answer:
        assert request.query["api_type"] == "json" and request.query["raw_json"] == "1"
        assert request.query["link_id"] == "t3_abc123"
        ids = request.query["children"].split(",")
        asked.append(",".join(ids))
        return Answer(body=json.dumps(MORE_2 if ids == ["c10"] else MORE))

    server.route("/api/morechildren.json", more)
    return asked


def settings_for(server: FakeWeb, **values) -> Settings:
    return Settings(allow_private_urls=True, reddit_base=server.url, **values)


def test_saved_listing_is_detected_and_flattened() -> None:
    data = (FIXTURES / "thread.json").read_bytes()
    assert detect_format(data.decode()) == "reddit"
    thread = parse_source(InputSource(name="thread.json", data=data))
    assert thread.source == "reddit"
    assert thread.title == "Should cities ban cars from the centre?"
    assert thread.url == "https://www.reddit.com/r/urbanism/comments/abc123/should_cities_ban_cars/"
    assert [(c.id, c.author, c.reply_to) for c in thread.comments] == [
        ("reddit_t3_abc123", "civic_minded", None),  # the post's text frames the question
        ("reddit_t1_c1", "pedestrian_pat", None),
        ("reddit_t1_c2", "driver_dan", "reddit_t1_c1"),
        ("reddit_t1_c3", "pedestrian_pat", "reddit_t1_c2"),
        ("reddit_t1_c5", "bus_rider", "reddit_t1_c1"),  # under a [deleted] comment
    ]  # c6 was [removed]
    c3 = thread.by_id()["reddit_t1_c3"]
    assert c3.url == "https://www.reddit.com/r/urbanism/comments/abc123/should_cities_ban_cars/c3/"
    assert c3.time is not None and c3.time.tzinfo is not None
    assert thread.notes == ("3 more comments were not in the saved file.",)


async def test_live_thread_expands_more_stubs(server: FakeWeb) -> None:
    asked = serve(server)
    thread = await fetch_thread(THREAD_URL, settings=settings_for(server))
    assert asked == ["c9,c7,c8", "c10"]
    assert server.requests[0] == "/comments/abc123/.json?raw_json=1&limit=500"
    ids = [c.id for c in thread.comments]
    assert ids == [
        "reddit_t3_abc123", "reddit_t1_c1", "reddit_t1_c2", "reddit_t1_c3", "reddit_t1_c5",
        "reddit_t1_c9", "reddit_t1_c7", "reddit_t1_c8", "reddit_t1_c10",
    ]  # fmt: skip
    replies = {c.id: c.reply_to for c in thread.comments}
    assert replies["reddit_t1_c9"] == "reddit_t1_c1"  # loaded later, still under its parent
    assert replies["reddit_t1_c10"] == "reddit_t1_c8"
    assert replies["reddit_t1_c7"] is None
    assert thread.notes == ()


async def test_more_limit_leaves_a_note(server: FakeWeb) -> None:
    asked = serve(server)
    thread = await fetch_thread(THREAD_URL, settings=settings_for(server, reddit_more_limit=1))
    assert asked == ["c9,c7,c8"]
    assert "reddit_t1_c10" not in {c.id for c in thread.comments}
    assert thread.notes == (
        "1 more comments on Reddit were not loaded "
        "(DEBATE_DIGEST_REDDIT_MORE_LIMIT, DEBATE_DIGEST_WEB_MAX_COMMENTS).",
    )


async def test_comment_limit(server: FakeWeb) -> None:
    serve(server)
    thread = await fetch_thread(THREAD_URL, settings=settings_for(server, web_max_comments=3))
    assert server.requests[0].endswith("limit=3")
    assert len(thread.comments) == 3
    assert any("DEBATE_DIGEST_WEB_MAX_COMMENTS" in note for note in thread.notes)


@pytest.mark.parametrize(
    ("url", "post"),
    [
        (THREAD_URL, "abc123"),
        ("https://old.reddit.com/r/urbanism/comments/abc123/", "abc123"),
        ("https://reddit.com/comments/abc123", "abc123"),
        ("https://www.reddit.com/r/x/comments/AbC123/slug/c3/?context=3", "abc123"),
        ("https://redd.it/abc123", "abc123"),
    ],
)
def test_reddit_links(url: str, post: str) -> None:
    link = classify_url(url)
    assert (link.kind, link.item) == ("reddit", post)


def test_reddit_links_that_are_not_threads() -> None:
    with pytest.raises(InputError, match="not a Reddit thread"):
        classify_url("https://www.reddit.com/r/urbanism/")
    with pytest.raises(InputError, match="share links"):
        classify_url("https://www.reddit.com/r/urbanism/s/AbCdEf")
