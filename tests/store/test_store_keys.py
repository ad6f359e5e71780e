"""cache_key: stable, sensitive to everything that shapes a summary, blind to option order."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest

from bot.store.keys import KEY_ALGORITHM, cache_key
from bot.thread import Comment, Thread

SMALL = Thread(
    comments=(
        Comment(id="c1", author="ana", text="Tabs are better."),
        Comment(id="c2", author=None, text="Spaces — always «ça va»", reply_to="c1"),
    )
)
SETTINGS: dict = {"engine": "offline", "model": None, "prompt_version": None}
# Computed once and written here: a change means every cached result is silently orphaned.
PINNED = "sha256:9a35b3d187fb5c502e8b4b5a089576c072eec356c1e5b4bf7aa983c314b4299d"


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


@pytest.mark.parametrize("thread", [SMALL, LONG, Thread()], ids=["small", "long", "empty"])
def test_streamed_hash_equals_the_documented_one_shot_json(thread: Thread) -> None:
    document = {
        "v": 1,
        "comments": [[c.id, c.author, c.text, c.reply_to] for c in thread.comments],
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


def test_fields_that_do_not_shape_the_summary_are_not_hashed() -> None:
    decorated = Thread(
        comments=tuple(
            c.model_copy(update={"time": datetime(2024, 5, 1, tzinfo=UTC), "url": "https://x"})
            for c in SMALL.comments
        ),
        title="A title",
        source="paste",
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
