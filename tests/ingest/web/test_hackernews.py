"""Hacker News: saved API answers (Firebase items, Algolia tree) and the live tree fetch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes.fake_web import FakeWeb, hn_tree, serve_hn

from bot.errors import InputError
from bot.ingest import InputSource, detect_format, parse_source
from bot.ingest.web import fetch_thread
from bot.ingest.web.hackernews import parse_algolia, parse_firebase
from bot.settings import Settings

FIXTURES = Path(__file__).parents[2] / "fixtures" / "formats" / "hackernews"


def settings_for(server: FakeWeb, **values) -> Settings:
    return Settings(allow_private_urls=True, hn_api_base=f"{server.url}/v0", **values)


def test_ask_hn_fixture_is_one_comment_with_its_text() -> None:
    data = (FIXTURES / "item_121003.json").read_bytes()
    src = InputSource(name="item_121003.json", data=data)
    assert detect_format(data.decode()) == "hackernews"
    thread = parse_source(src)
    assert thread.source == "hackernews" and thread.title == "Ask HN: The Arc Effect"
    (comment,) = thread.comments
    assert comment.id == "hn121003" and comment.author == "tel"
    assert comment.url == "https://news.ycombinator.com/item?id=121003"
    assert comment.time is not None and comment.time.tzinfo is not None
    assert comment.text.startswith("or HN: the Next Iteration\n\nI get the impression")
    assert "<" not in comment.text and "(++ HN)?" in comment.text


def test_a_link_story_alone_has_no_comments() -> None:
    src = InputSource(name="item_8863.json", data=(FIXTURES / "item_8863.json").read_bytes())
    with pytest.raises(InputError, match="item_8863.json: no comments found"):
        parse_source(src)


def test_saved_item_list_rebuilds_the_tree_and_skips_dead_and_deleted() -> None:
    items = [
        {"id": 1, "type": "story", "by": "op", "time": 1, "title": "T", "kids": [2, 3]},
        {"id": 3, "type": "comment", "by": "b", "time": 3, "parent": 1, "text": "Second top."},
        {"id": 2, "type": "comment", "by": "a", "time": 2, "parent": 1, "text": "First top.",
         "kids": [4]},
        {"id": 4, "type": "comment", "deleted": True, "time": 4, "parent": 2, "kids": [5]},
        {"id": 5, "type": "comment", "by": "c", "time": 5, "parent": 4, "text": "Under a deleted."},
        {"id": 6, "type": "comment", "by": "d", "time": 6, "parent": 3, "dead": True,
         "text": "[flagged]"},
        {"id": 7, "type": "comment", "by": "e", "time": 7, "parent": 3, "text": "A &gt; b<p>c"},
    ]  # fmt: skip
    thread = parse_firebase(items, "saved.json")
    assert [(c.id, c.reply_to) for c in thread.comments] == [
        ("hn2", None),  # top-level comments answer the story: no reply_to
        ("hn5", "hn2"),  # its parent was deleted: linked to the nearest kept ancestor
        ("hn3", None),
        ("hn7", "hn3"),
    ]
    assert thread.by_id()["hn7"].text == "A > b\n\nc"
    assert thread.title == "T" and thread.url == "https://news.ycombinator.com/item?id=1"


def test_algolia_tree() -> None:
    tree = {
        "id": 10, "created_at_i": 1700000000, "type": "story", "author": "op", "title": "Poll",
        "text": "<p>Which is better?</p>", "parent_id": None, "story_id": 10,
        "children": [
            {"id": 11, "created_at_i": 1700000060, "type": "comment", "author": "a",
             "text": "Tabs, clearly.", "parent_id": 10, "story_id": 10,
             "children": [
                 {"id": 12, "created_at_i": 1700000120, "type": "comment", "author": None,
                  "text": None, "parent_id": 11, "story_id": 10,
                  "children": [{"id": 13, "created_at_i": 1700000180, "type": "comment",
                                "author": "c", "text": "Spaces.", "parent_id": 12,
                                "story_id": 10, "children": []}]},
             ]},
        ],
    }  # fmt: skip
    assert detect_format(json.dumps(tree)) == "hackernews"
    thread = parse_algolia(tree, "algolia.json")
    assert [(c.id, c.author, c.reply_to) for c in thread.comments] == [
        ("hn10", "op", None),
        ("hn11", "a", None),
        ("hn13", "c", "hn11"),
    ]


async def test_live_tree_is_fetched_whole_in_reading_order(server: FakeWeb) -> None:
    items = hn_tree(120)
    serve_hn(server, items)
    thread = await fetch_thread(
        "https://news.ycombinator.com/item?id=1", settings=settings_for(server)
    )
    assert len(thread.comments) == 121  # the story's text and every comment
    assert len(server.requests) == 121
    assert thread.comments[0].id == "hn1" and thread.comments[0].reply_to is None
    by_id = thread.by_id()
    for comment in thread.comments[1:]:
        parent = items[int(comment.id[2:])]["parent"]
        assert comment.reply_to == (None if parent == 1 else f"hn{parent}")
        if comment.reply_to:  # a reply comes after what it answers
            assert thread.comments.index(by_id[comment.reply_to]) < thread.comments.index(comment)
    assert thread.title.startswith("Ask HN") and thread.notes == ()


async def test_concurrency_is_bounded(server: FakeWeb) -> None:
    server.latency = 0.02
    serve_hn(server, hn_tree(100))
    await fetch_thread(
        "https://news.ycombinator.com/item?id=1", settings=settings_for(server, web_concurrency=4)
    )
    assert 2 <= server.max_in_flight <= 4


async def test_comment_limit_cuts_the_tree_with_a_note(server: FakeWeb) -> None:
    serve_hn(server, hn_tree(100))
    thread = await fetch_thread(
        "https://news.ycombinator.com/item?id=1", settings=settings_for(server, web_max_comments=30)
    )
    assert len(server.requests) == 31
    assert len(thread.comments) == 31
    assert thread.notes == (
        "Only the first 30 of 100 comments were fetched (DEBATE_DIGEST_WEB_MAX_COMMENTS).",
    )


async def test_a_comment_link_fetches_its_subtree(server: FakeWeb) -> None:
    items = hn_tree(60)
    serve_hn(server, items)
    root = next(i for i, item in items.items() if item.get("kids") and i != 1)
    thread = await fetch_thread(
        f"https://news.ycombinator.com/item?id={root}", settings=settings_for(server)
    )
    assert thread.comments[0].id == f"hn{root}"
    assert all(c.reply_to is not None for c in thread.comments[1:])


async def test_missing_item_and_bad_links(server: FakeWeb) -> None:
    server.json("/v0/item/5.json", None)  # Firebase answers null for an item that does not exist
    with pytest.raises(InputError, match="item\\?id=5: no such Hacker News item"):
        await fetch_thread("https://news.ycombinator.com/item?id=5", settings=settings_for(server))
    with pytest.raises(InputError, match="not a Hacker News discussion"):
        await fetch_thread("https://news.ycombinator.com/news", settings=settings_for(server))


async def test_api_refused_without_the_unsafe_setting(server: FakeWeb) -> None:
    serve_hn(server, hn_tree(5))
    settings = Settings(hn_api_base=f"{server.url}/v0")  # allow_private_urls off
    with pytest.raises(InputError, match="refused: 127.0.0.1 is a loopback address"):
        await fetch_thread("https://news.ycombinator.com/item?id=1", settings=settings)
    assert server.requests == []


def test_fetch_benchmark_smoke() -> None:
    from bot.bench.web_bench import run

    report = run(comments=40, latency=0.01, concurrency=4, repeats=1)
    assert report["requests"] == 41 and report["fetched_comments"] == 41
    assert report["peak_in_flight"] <= 4
    assert report["speedup_vs_sequential"] > 1.5
