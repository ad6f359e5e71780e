"""Each class of input that used to end in an internal error (issue 14), as its own test.

Saved files are parsed directly; where the fetch path matters (an answer of a live site), the
site is the loopback web fake, so the real client, guard and JSON loading run.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fakes.fake_web import Answer, FakeWeb, serve_hn

from bot.errors import InputError
from bot.ingest import InputSource, parse_source
from bot.ingest.exports import _attachment_name
from bot.ingest.timestamps import parse_iso
from bot.ingest.web import classify_url, fetch_thread
from bot.settings import Settings
from bot.thread import Thread

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"
REDDIT = json.loads((FORMATS / "reddit" / "thread.json").read_text("utf-8"))
MORE = json.loads((FORMATS / "reddit" / "morechildren.json").read_text("utf-8"))
MORE_2 = json.loads((FORMATS / "reddit" / "morechildren-2.json").read_text("utf-8"))
ALGOLIA = json.loads((FORMATS / "algolia" / "item_10.json").read_text("utf-8"))
HN_URL = "https://news.ycombinator.com/item?id=1"
REDDIT_URL = "https://www.reddit.com/r/urbanism/comments/abc123/should_cities_ban_cars/"


def parse_json(doc: object, name: str = "x.json", fmt: str = "auto") -> Thread:
    return parse_source(InputSource(name=name, data=json.dumps(doc).encode()), fmt)


def clean_error(doc: object, name: str = "x.json", fmt: str = "auto") -> str:
    with pytest.raises(InputError) as err:
        parse_json(doc, name, fmt)
    message = str(err.value)
    assert message.startswith(f"{name}: ") and "\n" not in message
    return message


def dce(*messages: dict) -> dict:
    return {"guild": {"id": "1"}, "channel": {"id": "2", "name": "c"}, "messages": list(messages)}


def usable(thread: Thread) -> Thread:
    """What the store, the JSON writer and the terminal do next must work."""
    thread.model_dump_json().encode("utf-8")
    return thread


# --- an attachment URL that does not parse ---------------------------------------------------


def test_attachment_url_that_does_not_parse_is_read_as_a_path() -> None:
    assert _attachment_name("http://[x") == "[x"
    assert _attachment_name("https://[::1/files/plan%20b.pdf") == "plan b.pdf"
    message = {"id": "9", "content": "", "attachments": [{"url": "http://[x/a/photo.png"}]}
    (comment,) = usable(parse_json(dce(message))).comments
    assert comment.text == "[attachment: photo.png]"


def test_attachment_url_that_does_not_parse_in_txt_and_csv() -> None:
    txt = (
        "==============================================================\n"
        "Guild: G\nChannel: c\n"
        "==============================================================\n\n"
        "[3/14/2024 10:32 AM] alice\n{Attachments}\nhttp://[x/photo.png\n\n"
    )
    thread = parse_source(InputSource(name="x.txt", data=txt.encode()))
    assert [c.text for c in thread.comments] == ["[attachment: photo.png]"]
    csv = (
        "AuthorID,Author,Date,Content,Attachments,Reactions\n"
        '"1","alice","3/14/2024 10:32 AM","","http://[x/photo.png",""\n'
    )
    thread = parse_source(InputSource(name="x.csv", data=csv.encode()))
    assert [c.text for c in thread.comments] == ["[attachment: photo.png]"]


# --- times out of range ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stamp",
    ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00.5+14:00"],
)
def test_timestamp_out_of_range_is_no_time(stamp: str) -> None:
    assert parse_iso(stamp) is None
    (comment,) = parse_json(dce({"id": "9", "content": "hi", "timestamp": stamp})).comments
    assert comment.time is None and comment.text == "hi"


def test_timestamps_at_the_edges_that_fit_are_kept() -> None:
    assert parse_iso("0001-01-01T00:00:00-01:00") == datetime(1, 1, 1, 1, tzinfo=UTC)
    assert parse_iso("9999-12-31T23:00:00+01:00") == datetime(9999, 12, 31, 22, tzinfo=UTC)


def test_discourse_time_out_of_range_is_no_time() -> None:
    topic = json.loads((FORMATS / "discourse" / "topic.json").read_text("utf-8"))
    topic["post_stream"]["posts"][0]["created_at"] = "0001-01-01T00:00:00+01:00"
    thread = usable(parse_json(topic, "topic.json"))
    assert thread.comments[0].id == "p1" and thread.comments[0].time is None


# --- Discourse quote numbers -------------------------------------------------------------------


@pytest.mark.parametrize("number", ["\u00b2", "9" * 5000, "\u0663", "-1"])
def test_discourse_quote_with_a_post_number_that_is_no_number(number: str) -> None:
    posts = [
        {"post_number": 1, "cooked": "<p>first</p>", "username": "a"},
        {
            "post_number": 2,
            "username": "b",
            "cooked": f'<aside class="quote" data-post="{number}"><blockquote>first'
            "</blockquote></aside><p>reply</p>",
        },
    ]
    thread = usable(parse_json({"post_stream": {"posts": posts}}, "t.json"))
    assert [(c.id, c.reply_to) for c in thread.comments] == [("p1", None), ("p2", None)]


def test_discourse_quote_of_an_earlier_post_is_still_a_reply() -> None:
    posts = [
        {"post_number": 1, "cooked": "<p>first</p>"},
        {
            "post_number": 2,
            "cooked": '<aside class="quote" data-post="1"><blockquote>first</blockquote>'
            "</aside><p>reply</p>",
        },
    ]
    thread = parse_json({"post_stream": {"posts": posts}}, "t.json")
    assert thread.comments[1].reply_to == "p1"


@pytest.mark.parametrize(
    ("post", "place"),
    [
        ({"post_number": "1", "cooked": "<p>x</p>"}, "posts[0].post_number: should be an integer"),
        ({"post_number": 1, "cooked": ["<p>x</p>"]}, "posts[0].cooked: should be a string"),
        ({"post_number": 10**30, "cooked": "<p>x</p>"}, "posts[0].post_number: Input should"),
        ("a post", "posts[0]: should be an object"),
    ],
)
def test_discourse_post_of_the_wrong_shape(post: object, place: str) -> None:
    message = clean_error({"post_stream": {"posts": [post]}}, "t.json")
    assert "not a valid Discourse topic: post_stream." + place in message


def test_discourse_hostile_slug_stays_one_path_segment() -> None:
    posts = [{"post_number": 1, "cooked": "<p>x</p>", "topic_id": 5}]
    topic = {"id": 5, "slug": "x)[Free Nitro](https://evil.example/gift", "post_stream": {}}
    topic["post_stream"] = {"posts": posts}
    from bot.ingest.web.discourse import Topic, thread_from_posts

    model = Topic.model_validate(topic)
    thread = thread_from_posts(model, list(model.post_stream.posts), "https://forum.example")
    url = thread.comments[0].url
    assert url is not None and url.startswith("https://forum.example/t/x%29%5BFree%20Nitro")
    assert not set("()[] ") & set(url)


# --- Hacker News -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [["story"], {"a": 1}, 5, None])
def test_hn_item_type_that_is_not_a_string(kind: object) -> None:
    item = {"id": 1, "type": kind, "by": "a", "time": 1, "text": "hi"}
    # Not recognised as an item: the JSON is no supported format (a clean error, not a crash).
    assert "not a supported export" in clean_error(item)
    assert "not a valid Hacker News API item" in clean_error(
        [{"id": 2, "type": "comment", "by": "b", "time": 1, "text": "x", "kids": {"a": 1}}]
    )
    message = clean_error(item, fmt="hackernews")
    assert "x.json: not Hacker News API JSON" in message


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("kids", [1, "2"], "[0].kids[1]: should be an integer"),
        ("by", 5, "[0].by: should be a string"),
        ("time", "yesterday", "[0].time: should be an integer or a number"),
        ("parent", 2**64, "[0].parent: Input should be less than or equal to"),
        ("deleted", "yes", "[0].deleted: should be true or false"),
    ],
)
def test_hn_item_fields_of_the_wrong_type(field: str, value: object, problem: str) -> None:
    item = {"id": 1, "type": "comment", "by": "a", "time": 1, "text": "hi", field: value}
    assert "not a valid Hacker News API item: " + problem in clean_error(item)


async def test_hn_live_answer_with_a_type_that_is_a_list(server: FakeWeb) -> None:
    serve_hn(
        server,
        {
            1: {"id": 1, "type": "story", "by": "op", "time": 1, "title": "T", "kids": [2]},
            2: {"id": 2, "type": ["comment"], "by": "a", "time": 2, "parent": 1, "text": "x"},
        },
    )
    settings = Settings(allow_private_urls=True, hn_api_base=f"{server.url}/v0")
    with pytest.raises(InputError) as err:
        await fetch_thread(HN_URL, settings=settings)
    assert str(err.value) == (
        f"{server.url}/v0/item/2.json: not a valid Hacker News API item: type: Input should "
        "be 'story', 'comment', 'job', 'poll' or 'pollopt'"
    )


@pytest.mark.parametrize("children", [5, "x", {"id": 3}, [5], [{"id": "3"}]])
def test_algolia_children_of_the_wrong_type(children: object) -> None:
    tree = json.loads(json.dumps(ALGOLIA))
    tree["children"][0]["children"][0]["children"] = children
    message = clean_error(tree, "algolia.json")
    assert re.search(
        r"not a valid Hacker News Algolia item tree: item 1[12]: children\[0\]", message
    )


def test_algolia_root_children_of_the_wrong_type_is_no_supported_format() -> None:
    assert "not a supported export" in clean_error({**ALGOLIA, "children": 5})


def test_algolia_deep_tree_is_read_without_recursion() -> None:
    depth = 450  # two JSON levels a reply: about as deep as json.loads goes by default
    node: dict = {"id": depth + 1, "created_at_i": 1, "author": "z", "text": "end", "children": []}
    for number in range(depth, 0, -1):
        reply = {"id": number, "created_at_i": 1, "author": "a", "text": f"c{number}"}
        node = {**reply, "children": [node]}
    thread = parse_json(node, "deep.json")
    assert len(thread.comments) == depth + 1
    assert thread.comments[-1].reply_to == f"hn{depth}"


# --- Reddit ------------------------------------------------------------------------------------


def _reddit(edit) -> object:  # noqa: ANN001 - a function of the copied listing
    doc = json.loads(json.dumps(REDDIT))
    edit(doc)
    return doc


@pytest.mark.parametrize("post", ["a post", 5, None, ["t3"]])
def test_reddit_post_that_is_not_an_object(post: object) -> None:
    def edit(doc):  # noqa: ANN001, ANN202
        doc[0]["data"]["children"][0] = post

    assert "not a supported export" in clean_error(_reddit(edit))
    assert "not a Reddit thread listing" in clean_error(_reddit(edit), fmt="reddit")


def test_reddit_children_that_are_not_a_list() -> None:
    def edit(doc):  # noqa: ANN001, ANN202
        doc[1]["data"]["children"] = 5

    message = clean_error(_reddit(edit))
    assert (
        message
        == "x.json: not a valid Reddit thread listing: [1].data.children: should be an array"
    )


@pytest.mark.parametrize(
    ("more", "problem"),
    [
        ({"children": 5, "count": 3, "parent_id": "t3_abc123"}, "children: should be an array"),
        ({"children": ["c9"], "count": "3"}, "count: should be an integer"),
        ({"children": [5], "count": 1}, "children[0]: should be a string"),
    ],
)
def test_reddit_more_stub_of_the_wrong_shape(more: dict, problem: str) -> None:
    def edit(doc):  # noqa: ANN001, ANN202
        doc[1]["data"]["children"].append({"kind": "more", "data": more})

    message = clean_error(_reddit(edit))
    assert message.endswith("not a valid Reddit thread listing: a 'more' stub: " + problem)


def test_reddit_replies_of_the_wrong_shape() -> None:
    def edit(doc):  # noqa: ANN001, ANN202
        doc[1]["data"]["children"][0]["data"]["replies"] = {"kind": "Listing", "data": 5}

    assert "a comment: replies" in clean_error(_reddit(edit))


def test_reddit_hostile_permalink_gives_no_link() -> None:
    def edit(doc):  # noqa: ANN001, ANN202
        doc[1]["data"]["children"][0]["data"]["permalink"] = "x)[Free](https://evil.example"

    thread = parse_json(_reddit(edit))
    assert thread.by_id()["reddit_t1_c1"].url is None


async def test_reddit_malformed_continuation_is_noted_and_the_rest_kept(server: FakeWeb) -> None:
    def edit(doc):  # noqa: ANN001, ANN202
        comment = doc[1]["data"]["children"][0]["data"]
        comment["replies"] = {
            "kind": "Listing",
            "data": {"children": [{"kind": "more", "data": {"children": [], "count": 0}}]},
        }

    listing = _reddit(edit)
    server.json("/comments/abc123/.json", listing)
    broken = [listing[0], {"kind": "Listing", "data": {"children": [{"kind": "t1", "data": 5}]}}]
    server.json("/comments/abc123/_/c1/.json", broken)
    server.route(
        "/api/morechildren.json",
        lambda request: Answer(
            body=json.dumps(MORE_2 if request.query["children"] == "c10" else MORE)
        ),
    )
    settings = Settings(allow_private_urls=True, reddit_base=server.url)
    thread = usable(await fetch_thread(REDDIT_URL, settings=settings))
    assert {"reddit_t1_c1", "reddit_t1_c7"} <= set(thread.by_id())  # c7: from morechildren
    notes = " ".join(thread.notes)
    assert '1 "continue this thread" branch failed' in notes
    assert "[1].data.children[0].data: should be an object" in notes


async def test_reddit_malformed_morechildren_is_noted_and_the_rest_kept(server: FakeWeb) -> None:
    server.json("/comments/abc123/.json", REDDIT)
    server.route("/api/morechildren.json", Answer(body=b'{"json": {"data": {"things": 5}}}'))
    settings = Settings(allow_private_urls=True, reddit_base=server.url)
    thread = usable(await fetch_thread(REDDIT_URL, settings=settings))
    assert "reddit_t1_c1" in thread.by_id()
    notes = " ".join(thread.notes)
    assert 'a "load more comments" request failed' in notes
    assert "not a valid Reddit answer: json.data.things: should be an array" in notes


# --- lone surrogates ---------------------------------------------------------------------------


def _with_surrogate(text: str) -> str:
    return text + "\ud83d"


@pytest.mark.parametrize(
    ("name", "edit"),
    [
        ("dce", lambda d: d["messages"][0].update(content=_with_surrogate("hi"))),
        ("dce-author", lambda d: d["messages"][0]["author"].update(name="\udc00")),
        ("reddit", lambda d: d[1]["data"]["children"][0]["data"].update(body="\ud83d x")),
        ("algolia", lambda d: d.update(title="\ud83d", author="op\udfff")),
        ("discourse", lambda d: d["post_stream"]["posts"][0].update(username="\ud800")),
    ],
)
def test_lone_surrogate_from_a_json_escape_is_replaced(name: str, edit) -> None:  # noqa: ANN001
    docs = {
        "dce": dce({"id": "9", "content": "hi", "author": {"name": "a"}}),
        "dce-author": dce({"id": "9", "content": "hi", "author": {"name": "a"}}),
        "reddit": json.loads(json.dumps(REDDIT)),
        "algolia": json.loads(json.dumps(ALGOLIA)),
        "discourse": json.loads((FORMATS / "discourse" / "topic.json").read_text("utf-8")),
    }
    doc = docs[name]
    edit(doc)
    raw = json.dumps(doc)  # ensure_ascii: the surrogate is written as the escape \udXXX
    assert "\\ud" in raw
    thread = usable(parse_source(InputSource(name="x.json", data=raw.encode())))
    assert "\ufffd" in thread.model_dump_json()


def test_paired_surrogate_escapes_are_the_character() -> None:
    raw = json.dumps(dce({"id": "9", "content": "\U0001f600 ok"}))
    assert "\\ud83d\\ude00" in raw
    (comment,) = parse_source(InputSource(name="x.json", data=raw.encode())).comments
    assert comment.text == "\U0001f600 ok"


def test_escaped_backslash_u_is_text() -> None:
    raw = json.dumps(dce({"id": "9", "content": "path C:\\ud83d"}))
    (comment,) = parse_source(InputSource(name="x.json", data=raw.encode())).comments
    assert comment.text == "path C:\\ud83d"


async def test_lone_surrogate_in_a_live_answer(server: FakeWeb) -> None:
    body = b'{"id": 1, "type": "story", "by": "op\\ud83d", "time": 1, "text": "a\\udc00b"}'
    server.route("/v0/item/1.json", Answer(body=body))
    settings = Settings(allow_private_urls=True, hn_api_base=f"{server.url}/v0")
    thread = usable(await fetch_thread(HN_URL, settings=settings))
    assert [(c.author, c.text) for c in thread.comments] == [("op\ufffd", "a\ufffdb")]


def test_json_number_past_the_digit_limit_is_a_clean_error() -> None:
    data = b'{"messages": [{"id": 1' + b"0" * 5000 + b"}]}"
    with pytest.raises(InputError) as err:
        parse_source(InputSource(name="x.json", data=data))
    assert str(err.value) == "x.json: not readable JSON (a number of more than 4,300 digits)"


# --- links whose ids are no numbers ------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://news.ycombinator.com/item?id=\u00b2",
        "https://news.ycombinator.com/item?id=" + "9" * 5000,
        "https://news.ycombinator.com/item?id=\u0663",
    ],
)
def test_hn_link_with_an_id_that_is_no_number(url: str) -> None:
    with pytest.raises(InputError, match="not a Hacker News discussion"):
        classify_url(url)


@pytest.mark.parametrize(
    "path", ["/t/x/" + "9" * 5000, "/t/x/\u0663", "/t/x/1/" + "9" * 5000, "/t/x/\u00b2"]
)
def test_discourse_like_link_with_an_id_that_is_no_number_is_a_page(path: str) -> None:
    link = classify_url("https://forum.example" + path)
    assert link.kind == "page"
    assert classify_url("https://forum.example/t/x/12/3").item == "12"


# --- what a hostile server says about its answer -----------------------------------------------

PAGE = (Path(__file__).parents[1] / "fixtures" / "web" / "page-with-comments.html").read_text()


async def test_unknown_charset_in_the_header(server: FakeWeb) -> None:
    server.route("/blog", Answer(body=PAGE, content_type="text/html; charset=foo-bar"))
    topic = json.dumps({"post_stream": {"posts": [{"post_number": 1, "cooked": "<p>hi</p>"}]}})
    server.route("/t/1.json", Answer(body=topic, content_type="application/json; charset=x-no"))
    settings = Settings(allow_private_urls=True)
    page = await fetch_thread(f"{server.url}/blog", settings=settings)
    assert [c.id for c in page.comments] == ["page", "w1", "w2"]
    topic_thread = await fetch_thread(f"{server.url}/t/x/1", settings=settings)
    assert [c.text for c in topic_thread.comments] == ["hi"]


async def test_a_linked_discussion_without_comments_is_a_clean_error(server: FakeWeb) -> None:
    server.route("/t/1.json", Answer(body=b'{"post_stream": {"posts": []}}'))
    with pytest.raises(InputError) as err:
        await fetch_thread(f"{server.url}/t/x/1", settings=Settings(allow_private_urls=True))
    assert str(err.value) == f"{server.url}/t/x/1: no comments found (read as a Discourse topic)"
