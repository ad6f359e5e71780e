"""Discourse: saved topic and posts answers, and the live topic with the rest of its stream."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from aiohttp import web
from fakes.fake_web import Answer, FakeWeb

from bot.errors import InputError
from bot.ingest import InputSource, detect_format, parse_source
from bot.ingest.web import classify_url, fetch_thread
from bot.settings import Settings

FIXTURES = Path(__file__).parents[2] / "fixtures" / "formats" / "discourse"
TOPIC = json.loads((FIXTURES / "topic.json").read_text("utf-8"))
SETTINGS = Settings(allow_private_urls=True)


def test_saved_topic_fixture() -> None:
    data = (FIXTURES / "topic.json").read_bytes()
    assert detect_format(data.decode()) == "discourse"
    thread = parse_source(InputSource(name="topic.json", data=data))
    assert thread.source == "discourse"
    assert thread.title == "THIS SITE IS A SANDBOX -- it is reset every day"
    # p2 is a moderator notice (post_type 2), p3 an image alone: both skipped.
    assert [(c.id, c.author, c.reply_to) for c in thread.comments] == [
        ("p1", "samsaffron", None),
        ("p14", "splattne", "p1"),  # reply_to_post_number kept
    ]
    first = thread.comments[0]
    assert first.text.startswith("Welcome!\n\nTry is a sandbox")
    assert "- For more information on the Discourse project" in first.text
    assert "<" not in first.text
    assert first.time is not None and first.time.isoformat() == "2013-02-04T20:26:26.278000+00:00"
    assert first.url is None  # a saved file does not say which site it came from


def test_saved_posts_answer() -> None:
    data = (FIXTURES / "topic_posts.json").read_bytes()
    thread = parse_source(InputSource(name="posts.json", data=data), "discourse")
    assert [(c.id, c.author, c.text) for c in thread.comments] == [
        ("p2", "Some-username", "Some text.")
    ]


def post(number: int, text: str, **fields) -> dict:
    base = copy.deepcopy(TOPIC["post_stream"]["posts"][0])
    base.update(
        id=1000 + number, post_number=number, username=f"user{number % 7}",
        cooked=f"<p>{text}</p>", reply_to_post_number=None,
        created_at=f"2024-01-01T10:{number % 60:02d}:00.000Z", topic_id=57,
        topic_slug="cars-in-the-centre", post_type=1,
    )  # fmt: skip
    base.update(fields)
    return base


def big_topic(count: int) -> tuple[dict, dict[int, dict]]:
    posts = {
        n: post(n, f"Post number {n} argues point {n} about cars and buses.")
        for n in range(1, count + 1)
    }
    posts[3] = post(
        3,
        "",
        cooked=(
            '<aside class="quote no-group" data-username="user1" data-post="1" data-topic="57">'
            '<div class="title"><div class="quote-controls"></div> user1:</div>'
            "<blockquote><p>Post number 1 argues point 1</p></blockquote></aside>"
            "<p>That is not what the survey found.</p>"
        ),
    )  # quotes p1 and names no reply
    posts[4] = post(4, "I answer two.", reply_to_post_number=2)
    posts[5] = post(5, "gone", deleted_at="2024-01-02T00:00:00Z")
    posts[6] = post(6, "(post withdrawn by author)", user_deleted=True)
    posts[7] = post(7, "answering a deleted post", reply_to_post_number=5)
    topic = copy.deepcopy(TOPIC)
    topic.update(id=57, slug="cars-in-the-centre", title="Cars in the centre?")
    topic["post_stream"] = {
        "posts": [posts[n] for n in range(1, min(count, 20) + 1)],
        "stream": [1000 + n for n in range(1, count + 1)],
    }
    return topic, {1000 + n: p for n, p in posts.items()}


def serve_topic(server: FakeWeb, count: int, prefix: str = "") -> list[list[int]]:
    topic, by_id = big_topic(count)
    server.json(f"{prefix}/t/57.json", topic)
    batches: list[list[int]] = []

    def posts(request: web.Request) -> Answer:
        ids = [int(v) for v in request.query.getall("post_ids[]")]
        batches.append(ids)
        return Answer(
            body=json.dumps({"post_stream": {"posts": [by_id[i] for i in ids]}, "id": 57})
        )

    server.route(f"{prefix}/t/57/posts.json", posts)
    return batches


async def test_live_topic_fetches_the_rest_of_the_stream_in_batches(server: FakeWeb) -> None:
    batches = serve_topic(server, 65)
    thread = await fetch_thread(f"{server.url}/t/cars-in-the-centre/57", settings=SETTINGS)
    assert sorted(len(b) for b in batches) == [5, 20, 20]
    assert sorted(i for b in batches for i in b) == list(range(1021, 1066))
    ids = [c.id for c in thread.comments]
    assert ids == [f"p{n}" for n in range(1, 66) if n not in (5, 6)]
    replies = {c.id: c.reply_to for c in thread.comments}
    assert replies["p3"] == "p1"  # a quote of one earlier post is a reply to it
    assert replies["p4"] == "p2"
    assert replies["p7"] is None  # its target was deleted
    assert thread.by_id()["p3"].text == (
        "> Post number 1 argues point 1\n\nThat is not what the survey found."
    )
    assert thread.by_id()["p40"].url == f"{server.url}/t/cars-in-the-centre/57/40"
    assert thread.url == f"{server.url}/t/cars-in-the-centre/57"
    assert thread.title == "Cars in the centre?"


async def test_topic_under_a_path_and_a_post_link(server: FakeWeb) -> None:
    serve_topic(server, 10, prefix="/forum")
    thread = await fetch_thread(f"{server.url}/forum/t/cars-in-the-centre/57/4", settings=SETTINGS)
    assert len(thread.comments) == 8
    assert server.requests[0] == "/forum/t/57.json"


async def test_comment_limit_skips_the_rest_with_a_note(server: FakeWeb) -> None:
    batches = serve_topic(server, 65)
    settings = Settings(allow_private_urls=True, web_max_comments=30)
    thread = await fetch_thread(f"{server.url}/t/cars-in-the-centre/57", settings=settings)
    assert [len(b) for b in batches] == [10]
    assert thread.notes == (
        "Only the first 30 of 65 posts were fetched (DEBATE_DIGEST_WEB_MAX_COMMENTS).",
    )


async def test_a_t_path_that_is_not_discourse_is_read_as_a_page(server: FakeWeb) -> None:
    server.html("/t/some-article/12", PAGE_WITH_COMMENTS)
    thread = await fetch_thread(f"{server.url}/t/some-article/12", settings=SETTINGS)
    assert thread.source == "web"
    assert server.requests == ["/t/12.json", "/t/some-article/12"]


async def test_a_discourse_that_wants_a_login(server: FakeWeb) -> None:
    server.route("/t/57.json", Answer(status=403, body=b'{"errors": ["not allowed"]}'))
    with pytest.raises(InputError, match="HTTP 403 from 127.0.0.1"):
        await fetch_thread(f"{server.url}/t/private/57", settings=SETTINGS)


def test_discourse_links() -> None:
    assert classify_url("https://meta.discourse.org/t/some-topic/12345").item == "12345"
    assert classify_url("https://meta.discourse.org/t/12345").item == "12345"
    link = classify_url("https://example.org/forum/t/slug/9/3?u=x")
    assert (link.kind, link.item, link.prefix) == ("discourse", "9", "/forum")


PAGE_WITH_COMMENTS = """<html><head><title>Cars out of the centre?</title></head><body>
<article><h1>Cars out of the centre?</h1>
<p>The council proposes a car-free centre by 2030. Supporters point to cleaner air and safer
streets; shopkeepers fear losing customers who drive in from the suburbs.</p>
<p>The plan would add bus lanes and allow deliveries before ten in the morning.</p></article>
<section id="comments" class="comments"><h2>Comments</h2><ol class="commentlist">
<li class="comment"><div class="comment-author">alice</div><div class="comment-content">
<p>Cleaner air is worth it; Ghent saw more people in the centre, not fewer.</p></div></li>
<li class="comment"><div class="comment-author">bob</div><div class="comment-content">
<p>No, my shop depends on people who drive in from the villages around the city.</p></div></li>
</ol></section></body></html>"""


def test_the_system_and_discobot_accounts_are_bots() -> None:
    from bot.ingest.web.discourse import Post, Topic, thread_from_posts

    topic, by_id = big_topic(3)
    posts = [by_id[1001], by_id[1002], by_id[1003]]
    posts[1] = {**posts[1], "username": "system"}
    posts[2] = {**posts[2], "username": "discobot", "cooked": "<p>Hi! Try the tutorial.</p>"}
    thread = thread_from_posts(
        Topic.model_validate(topic), [Post.model_validate(p) for p in posts], None
    )
    assert [(c.id, c.is_bot) for c in thread.comments] == [
        ("p1", False),
        ("p2", True),
        ("p3", True),
    ]
