"""cache_key: stable, sensitive to everything a cached result shows, blind to option order."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.store.keys import KEY_ALGORITHM, KEY_LAYOUT_VERSION, cache_key
from bot.thread import Comment, Copy, Thread

SMALL = Thread(
    comments=(
        Comment(id="c1", author="ana", text="Tabs are better."),
        Comment(id="c2", author=None, text="Spaces — always «ça va»", reply_to="c1"),
    )
)
SETTINGS: dict = {"engine": "offline", "model": None, "prompt_version": None}
# Computed once and written here: a change means every cached result is silently orphaned.
PINNED = "sha256:5b706bc4fb8e63ac032a88966650ee0c5b4bc8aaa4595f97f52aa776f605f284"


def key(thread: Thread = SMALL, **changes: object) -> str:
    arguments = {**SETTINGS, "options": {"max_points": 4}, **changes}
    return cache_key(thread, **arguments)  # type: ignore[arg-type]


def test_pinned_key_is_stable_across_runs() -> None:
    assert key() == PINNED
    assert KEY_ALGORITHM == "sha256"
    assert key().startswith("sha256:")
    assert len(key().split(":", 1)[1]) == 64


LONG = Thread(
    comments=tuple(
        Comment(id=f"c{i}", author=f"u{i % 7}", text=f"point {i} ✓", reply_to=f"c{i - 1}")
        for i in range(2500)  # more than two hashing chunks, to cross their boundaries
    )
)


DECORATED = Thread(
    comments=(
        Comment(
            id="1182",
            author="ana",
            text="Tabs.",
            url="https://discord.com/channels/1/2/1182",
            time=datetime(2024, 5, 1, 14, tzinfo=timezone(timedelta(hours=2))),
            is_bot=True,
            copies=(
                Copy(id="1190", kind="exact", author="ben", url="https://x.example/1190"),
                Copy(id="1191", kind="near", time=datetime(2024, 5, 1, 13, tzinfo=UTC)),
            ),
        ),
    )
)


@pytest.mark.parametrize(
    "thread", [SMALL, LONG, Thread(), DECORATED], ids=["small", "long", "empty", "every-field"]
)
def test_streamed_hash_equals_the_documented_one_shot_json(thread: Thread) -> None:
    document = {
        "v": 2,
        "comments": [
            [
                c.id,
                c.author,
                c.text,
                c.reply_to,
                c.url,
                c.time.astimezone(UTC).isoformat() if c.time else None,
                c.is_bot,
                [
                    [k.id, k.kind, k.author, k.time and k.time.astimezone(UTC).isoformat(), k.url]
                    for k in c.copies
                ],
            ]
            for c in thread.comments
        ],
        "engine": "offline",
        "model": None,
        "prompt_version": None,
        "options": {"max_points": 4},
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert key(thread) == "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_empty_thread_has_a_key() -> None:
    assert key(Thread()).startswith("sha256:")
    assert key(Thread()) != key()


def _with(index: int, **changes: object) -> Thread:
    comments = list(SMALL.comments)
    comments[index] = comments[index].model_copy(update=changes)
    return Thread(comments=tuple(comments))


@pytest.mark.parametrize(
    "thread",
    [
        _with(0, text="Tabs are better!"),
        _with(0, author="ben"),
        _with(0, author=None),
        _with(0, id="c9"),
        _with(1, reply_to=None),
        _with(1, reply_to="c3"),
        Thread(comments=tuple(reversed(SMALL.comments))),
        Thread(comments=SMALL.comments[:1]),
    ],
    ids=["text", "author", "author-none", "id", "reply-none", "reply-other", "order", "fewer"],
)
def test_any_comment_change_changes_the_key(thread: Thread) -> None:
    assert key(thread) != key()


@pytest.mark.parametrize(
    "changes",
    [
        {"engine": "llm"},
        {"model": "openai/gpt-4o-mini"},
        {"prompt_version": "v2"},
        {"options": {"max_points": 5}},
        {"options": {"max_points": 4, "near": 0.9}},
        {"options": {}},
    ],
    ids=["engine", "model", "prompt_version", "option-value", "option-added", "no-options"],
)
def test_any_setting_change_changes_the_key(changes: dict) -> None:
    assert key(**changes) != key()


def test_option_order_does_not_matter() -> None:
    one = key(options={"a": 1, "b": {"x": 1, "y": [1, 2]}})
    other = key(options={"b": {"y": [1, 2], "x": 1}, "a": 1})
    assert one == other


def test_the_key_layout_version_is_hashed_and_was_bumped_for_urls_and_copies() -> None:
    assert KEY_LAYOUT_VERSION == 2


def test_same_texts_with_other_urls_are_another_key() -> None:
    """A second export of the same messages from another server (or posts p1... of another
    forum) must not be answered with the first one's jump links."""

    def at(server: str) -> Thread:
        return Thread(
            comments=tuple(
                c.model_copy(update={"url": f"https://{server}/t/slug/{c.id}"})
                for c in SMALL.comments
            )
        )

    assert key(at("forum-a.example")) != key(at("forum-b.example"))
    assert key(at("forum-a.example")) != key()  # no url at all is another key too
    assert key(at("forum-a.example")) == key(at("forum-a.example"))


def test_different_copies_are_another_key() -> None:
    """Copies are who else said it: another folded copy changes the counts a result shows."""
    copies = [
        (),
        (Copy(id="c7", kind="exact", author="ben"),),
        (Copy(id="c7", kind="exact", author="cy"),),  # another author
        (Copy(id="c8", kind="exact", author="ben"),),  # another id
        (Copy(id="c7", kind="near", author="ben"),),  # another kind
        (Copy(id="c7", kind="exact", author="ben", url="https://x.example/c7"),),
        (Copy(id="c7", kind="exact", author="ben", time=datetime(2024, 5, 1, tzinfo=UTC)),),
        (Copy(id="c7", kind="exact", author="ben"), Copy(id="c9", kind="exact")),  # one more
    ]
    assert len({key(_with(0, copies=c)) for c in copies}) == len(copies)
    assert key(_with(0, copies=())) == key()


@pytest.mark.parametrize(
    "changes",
    [
        {"url": "https://x.example/c1"},
        {"time": datetime(2024, 5, 1, tzinfo=UTC)},
        {"is_bot": True},
    ],
    ids=["url", "time", "is_bot"],
)
def test_every_shown_comment_field_is_hashed(changes: dict) -> None:
    assert key(_with(0, **changes)) != key()


def test_one_instant_in_two_offsets_is_one_key() -> None:
    utc = _with(0, time=datetime(2024, 5, 1, 12, tzinfo=UTC))
    paris = _with(0, time=datetime(2024, 5, 1, 14, tzinfo=timezone(timedelta(hours=2))))
    assert key(utc) == key(paris)


def test_thread_fields_kept_out_of_the_result_are_not_hashed() -> None:
    # Title, url, source and notes are shown from the thread in hand, never from the cache.
    decorated = Thread(
        comments=SMALL.comments,
        title="A title",
        source="paste",
        url="https://x.example/t/1",
        notes=("cut at 5,000 comments",),
    )
    assert key(decorated) == key()


def test_unserialisable_options_are_refused() -> None:
    with pytest.raises(TypeError):
        key(options={"when": object()})


def test_a_big_thread_is_hashed_quickly() -> None:
    # One hundred distinct comments repeated: this is about hashing, not building 100k models.
    hundred = tuple(Comment(id=f"c{i}", author=f"user{i}", text="word " * 40) for i in range(100))
    thread = Thread(comments=hundred * 1000)
    assert key(thread).startswith("sha256:")


def test_prepared_comments_give_the_same_key_and_only_to_their_thread() -> None:
    """`prepare` (the CPU workers serialise the comments): the pinned key, for that object only,
    and forgotten with it."""
    import gc

    from bot.store import keys

    thread = SMALL.model_copy()
    keys.prepare(thread, keys.comments_bytes(thread))
    assert keys._prepared_for(thread) is not None
    assert key(thread) == PINNED
    assert keys._prepared_for(SMALL) is None  # equal, but another object
    other = SMALL.model_copy()
    keys.prepare(other, b'["c9"]')  # the key hashes what was prepared, not the comments again
    assert key(other) != PINNED
    ident = id(thread)
    del thread
    gc.collect()
    assert ident not in keys._prepared
