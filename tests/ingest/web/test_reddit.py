"""Reddit: the saved two-listing page, and the live fetch with `more` and "continue this thread"
stubs expanded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aiohttp import web
from fakes.fake_web import Answer, FakeWeb

from bot.errors import InputError
from bot.ingest import InputSource, detect_format, parse_source
from bot.ingest.web import classify_url, fetch_thread
from bot.settings import Settings

FIXTURES = Path(__file__).parents[2] / "fixtures" / "formats" / "reddit"
LISTING = json.loads((FIXTURES / "thread.json").read_text("utf-8"))
MORE = json.loads((FIXTURES / "morechildren.json").read_text("utf-8"))
MORE_2 = json.loads((FIXTURES / "morechildren-2.json").read_text("utf-8"))
THREAD_URL = "https://www.reddit.com/r/urbanism/comments/abc123/should_cities_ban_cars/"
LIMIT_NOTE = (
    "(DEBATE_DIGEST_REDDIT_MORE_LIMIT, which counts "
    '"load more" and "continue this thread" requests alike; DEBATE_DIGEST_WEB_MAX_COMMENTS).'
)


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
    assert thread.notes == (f"1 more comments on Reddit were not loaded {LIMIT_NOTE}",)


async def test_a_failed_load_more_keeps_the_rest_and_says_so(server: FakeWeb) -> None:
    """A "load more" that fails (here 503) does not lose the thread: what was read is
    summarized, no more requests are made, and the notes say what is missing and why."""
    server.json("/comments/abc123/.json", LISTING)
    asked: list[str] = []

    def more(request: web.Request) -> Answer:
        asked.append(request.query["children"])
        return Answer(body='{"error": "busy"}', status=503)

    server.route("/api/morechildren.json", more)
    thread = await fetch_thread(THREAD_URL, settings=settings_for(server))
    assert set(asked) == {"c9,c7,c8"}  # the client's retries of one batch, no other batch
    assert [c.id for c in thread.comments] == [
        "reddit_t3_abc123", "reddit_t1_c1", "reddit_t1_c2", "reddit_t1_c3", "reddit_t1_c5",
    ]  # fmt: skip
    failed, pending = thread.notes
    assert failed.startswith(
        'Part of the Reddit thread could not be read: a "load more comments" request failed ('
    )
    assert "503" in failed and failed.endswith("no more were asked for.")
    assert pending == f"3 more comments on Reddit were not loaded {LIMIT_NOTE}"


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


# -- "continue this thread" ---------------------------------------------------------------------
# continue-thread.json cuts two chains with `count: 0` stubs: under d3 (whose continuation cuts
# again under d6, and has a `more` stub for d12) and under d4.

TRAM_URL = "https://www.reddit.com/r/transit/comments/def456/should_the_city_build_a_tram/"
TRAM = {
    name: json.loads((FIXTURES / f"continue-{name}.json").read_text("utf-8"))
    for name in ("thread", "d3", "d4", "d6", "morechildren")
}
EVERYTHING = [
    ("reddit_t3_def456", None),
    ("reddit_t1_d1", None),
    ("reddit_t1_d2", "reddit_t1_d1"),
    ("reddit_t1_d3", "reddit_t1_d2"),
    ("reddit_t1_d5", "reddit_t1_d3"),  # from the continuation of d3
    ("reddit_t1_d6", "reddit_t1_d5"),
    ("reddit_t1_d9", "reddit_t1_d6"),  # from the continuation of d6, nested in d3's
    ("reddit_t1_d10", "reddit_t1_d9"),
    ("reddit_t1_d12", "reddit_t1_d5"),  # morechildren, from a stub inside d3's continuation
    ("reddit_t1_d8", "reddit_t1_d3"),  # under the [deleted] d7
    ("reddit_t1_d4", None),
    ("reddit_t1_d11", "reddit_t1_d4"),  # from the continuation of d4 (d13 was [removed])
]


def serve_tram(server: FakeWeb, **answers: Answer) -> None:
    """Serve the thread, its continuations (or `answers[comment id]` instead) and morechildren."""
    server.json("/comments/def456/.json", TRAM["thread"])
    for name in ("d3", "d4", "d6"):
        path = f"/comments/def456/_/{name}/.json"
        server.route(path, answers.get(name) or Answer(body=json.dumps(TRAM[name])))

    def more(request: web.Request) -> Answer:
        assert request.query["link_id"] == "t3_def456" and request.query["children"] == "d12"
        return Answer(body=json.dumps(TRAM["morechildren"]))

    server.route("/api/morechildren.json", more)


def fetched(server: FakeWeb) -> list[str]:
    """The requests made, as `listing`, `more` or the comment whose thread was continued."""
    names = []
    for path in server.requests:
        if path.startswith("/api/morechildren.json"):
            names.append("more")
        elif path.startswith("/comments/def456/_/"):
            names.append(path.split("/")[4])
        else:
            names.append("listing")
    return names


async def test_continue_this_thread_is_followed(server: FakeWeb) -> None:
    serve_tram(server)
    thread = await fetch_thread(TRAM_URL, settings=settings_for(server))
    assert [(c.id, c.reply_to) for c in thread.comments] == EVERYTHING
    assert thread.notes == ()
    # one request per stub, in the documented shape; morechildren before the next continuation
    assert fetched(server) == ["listing", "d3", "more", "d4", "d6"]
    assert server.requests[1] == "/comments/def456/_/d3/.json?raw_json=1&limit=500"
    by_id = thread.by_id()
    assert by_id["reddit_t1_d5"].url == TRAM_URL + "d5/"
    assert by_id["reddit_t1_d11"].url == TRAM_URL + "d11/"
    assert by_id["reddit_t1_d11"].author == "rail_engineer"
    assert by_id["reddit_t1_d3"].text.startswith("Capacity, mostly")  # the root, read once


async def test_nested_continuation(server: FakeWeb) -> None:
    serve_tram(server)
    thread = await fetch_thread(TRAM_URL, settings=settings_for(server))
    assert server.requests[-1] == "/comments/def456/_/d6/.json?raw_json=1&limit=500"
    by_id = thread.by_id()
    assert by_id["reddit_t1_d9"].reply_to == "reddit_t1_d6"
    assert by_id["reddit_t1_d10"].reply_to == "reddit_t1_d9"
    assert by_id["reddit_t1_d10"].url == TRAM_URL + "d10/"
    ids = [c.id for c in thread.comments]
    assert len(ids) == len(set(ids))  # continuation roots (d3, d6) are not repeated


@pytest.mark.parametrize(
    ("limit", "requests", "note"),
    [
        (0, ["listing"], '2 "continue this thread" branches'),
        (1, ["listing", "d3"], '1 more comments and 2 "continue this thread" branches'),
        (2, ["listing", "d3", "more"], '2 "continue this thread" branches'),
        (3, ["listing", "d3", "more", "d4"], '1 "continue this thread" branch'),
    ],
)
async def test_continuations_count_against_the_more_limit(
    server: FakeWeb, limit: int, requests: list[str], note: str
) -> None:
    serve_tram(server)
    settings = settings_for(server, reddit_more_limit=limit)
    thread = await fetch_thread(TRAM_URL, settings=settings)
    assert fetched(server) == requests
    assert thread.notes == (f"{note} on Reddit were not loaded {LIMIT_NOTE}",)
    assert [(c.id, c.reply_to) for c in thread.comments] == [
        pair for pair in EVERYTHING if pair[0] in {c.id for c in thread.comments}
    ]  # what was loaded is in place
    if limit < 3:
        assert "reddit_t1_d11" not in {c.id for c in thread.comments}


async def test_continuations_stop_at_the_comment_cap(server: FakeWeb) -> None:
    serve_tram(server)
    thread = await fetch_thread(TRAM_URL, settings=settings_for(server, web_max_comments=6))
    # 4 comments in the listing: d3's continuation asks for the 2 that fit, then no more
    assert server.requests[1:] == ["/comments/def456/_/d3/.json?raw_json=1&limit=2"]
    assert len(thread.comments) == 6
    assert thread.notes == (
        "Only the first 6 comments were kept (DEBATE_DIGEST_WEB_MAX_COMMENTS).",
        f'1 more comments and 2 "continue this thread" branches on Reddit were not loaded '
        f"{LIMIT_NOTE}",
    )


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Answer(body=b'{"message": "Forbidden", "error": 403}', status=403), "HTTP 403"),
        (Answer(body="<html><p>whoa there, pardner!</p></html>", content_type="text/html"),
         "answered with text/html"),
        (Answer(body=b'{"message": "Not Found", "error": 404}'), "not the listing of comment d4"),
        (Answer(body=json.dumps(TRAM["d6"])), "not the listing of comment d4"),  # another root
    ],
)  # fmt: skip
async def test_a_continuation_that_fails_is_noted(
    server: FakeWeb, answer: Answer, reason: str
) -> None:
    serve_tram(server, d4=answer)
    thread = await fetch_thread(TRAM_URL, settings=settings_for(server))
    assert fetched(server) == ["listing", "d3", "more", "d4", "d6"]  # the rest is still read
    assert [(c.id, c.reply_to) for c in thread.comments] == [
        pair for pair in EVERYTHING if pair[0] != "reddit_t1_d11"
    ]
    [note] = thread.notes
    assert note.startswith(
        'Part of the Reddit thread could not be read: 1 "continue this thread" branch failed ('
    )
    assert "/comments/def456/_/d4/.json" in note and reason in note


def test_saved_listing_notes_continue_this_thread_stubs() -> None:
    data = (FIXTURES / "continue-thread.json").read_bytes()
    thread = parse_source(InputSource(name="continue-thread.json", data=data))
    assert [c.id for c in thread.comments] == [
        "reddit_t3_def456", "reddit_t1_d1", "reddit_t1_d2", "reddit_t1_d3", "reddit_t1_d4"
    ]  # fmt: skip
    assert thread.notes == ('2 "continue this thread" branches were not in the saved file.',)


def test_automoderator_and_signed_bots_are_bots() -> None:
    # A moderation bot's reminder is nobody's view: the engines leave it off every side.
    listing = json.loads(json.dumps(LISTING))
    first = listing[1]["data"]["children"][0]["data"]
    bot_id = f"reddit_t1_{first['id']}"

    def bots() -> list[str]:
        data = json.dumps(listing).encode()
        thread = parse_source(InputSource(name="thread.json", data=data))
        return [c.id for c in thread.comments if c.is_bot]

    assert bots() == []
    first["author"] = "AutoModerator"
    assert bots() == [bot_id]
    signed = "Please keep it civil.\n\n*I am a bot, and this action was performed automatically.*"
    first["author"], first["body"] = "helper_bot_9", signed
    assert bots() == [bot_id]
