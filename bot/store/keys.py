"""Cache keys: a content address of everything that decides what a cached result shows.

The key is `"sha256:" + hexdigest` of a canonical JSON document::

    {"comments": [[id, author, text, reply_to, url, time, is_bot,
                   [[copy id, kind, author, time, url], ...]], ...],
     "engine": ..., "model": ..., "options": {...}, "prompt_version": ..., "v": 2}

serialised with `sort_keys=True`, `separators=(",", ":")`, `ensure_ascii=False`, UTF-8 (times
as ISO 8601 in UTC, absent ones as null). The algorithm name is part of the key on
purpose: if we ever change the hash (or `v`, the layout of the document), old rows simply stop
matching instead of being confused with new ones, and a reader can tell which function made a
key without guessing from its length.

A cached result is shown as it was stored, jump links and authors included, so every field of
every deduplicated comment that a result can show or count is hashed: two exports of the same
messages from two servers (or posts ``p1``... of two forums) have different URLs, and must not
be answered with each other's links; a different set of folded copies changes who is counted.
The thread's title, url, source and notes are not stored in the result (the caller shows them
from the thread it has), so they are not hashed. The thread must already be deduplicated, so
that dedupe settings that change the comments also change the key.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime

from bot.thread import Comment, Copy, Thread

KEY_ALGORITHM = "sha256"
# Bump when the layout of the hashed document changes; it is hashed too (the "v" member).
KEY_LAYOUT_VERSION = 2
# Comments are serialised this many at a time: one json.dumps call per comment is slow, one
# for the whole thread would build a string as big as the thread.
_CHUNK = 1024
# Comments already serialised for hashing elsewhere (`prepare`), by thread object.
_PREPARED_MAX = 64
# No lock: single dict operations are atomic, and a race only costs a miss (weakref callbacks
# may run in any thread, at any allocation, where a lock could deadlock).
_prepared: dict[int, tuple[weakref.ref[Thread], bytes]] = {}


def _canonical(value: object) -> str:
    # TypeError for values JSON cannot represent: falling back to str() would put object
    # addresses into keys and make them differ from run to run.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _utf8(text: str) -> bytes:
    # surrogatepass: a lone surrogate from a JSON export must give a key, not a crash.
    return text.encode("utf-8", "surrogatepass")


def _time(value: datetime | None) -> str | None:
    # In UTC: two exports of one message written in different local offsets are one instant.
    return value.astimezone(UTC).isoformat() if value is not None else None


def _copy_row(copy: Copy) -> list[object]:
    return [copy.id, copy.kind, copy.author, _time(copy.time), copy.url]


def comment_row(comment: Comment) -> list[object]:
    """The hashed form of one comment: every field a cached result can show or count."""
    return [
        comment.id,
        comment.author,
        comment.text,
        comment.reply_to,
        comment.url,
        _time(comment.time),
        comment.is_bot,
        [_copy_row(copy) for copy in comment.copies],
    ]


def cache_key(
    thread: Thread,
    *,
    engine: str,
    model: str | None,
    prompt_version: str | None,
    options: Mapping[str, object],
) -> str:
    """The cache key of summarising `thread` (already deduplicated) with these settings.

    Returns `"sha256:<64 hex digits>"`, stable across runs, processes and machines. Any change
    to a comment's field (`comment_row`: its copies included), to their order, or to engine, model,
    prompt_version or options gives a different key; the order of `options` does not matter.
    `options` must be JSON-serialisable with string keys (TypeError otherwise).

    The comments are streamed into the hasher in chunks, so a 100k-comment thread never
    becomes one giant string; the bytes hashed are exactly those of the one-shot
    `json.dumps(document, sort_keys=True, ...)`.
    """
    rest = _canonical(
        {
            "engine": engine,
            "model": model,
            "options": dict(options),
            "prompt_version": prompt_version,
            "v": KEY_LAYOUT_VERSION,
        }
    )
    hasher = hashlib.new(KEY_ALGORITHM)
    # "comments" sorts before every other member, so the document starts with it.
    hasher.update(b'{"comments":[')
    data = _prepared_for(thread)
    if data is not None:
        hasher.update(data)
    else:
        for chunk in _comment_chunks(thread.comments):
            hasher.update(chunk)
    hasher.update(b"],")
    hasher.update(_utf8(rest[1:]))  # the other members, without their opening brace
    return f"{KEY_ALGORITHM}:{hasher.hexdigest()}"


RAW_KEY_LAYOUT_VERSION = 1


def raw_key(
    inputs: Sequence[tuple[str, bytes]],
    *,
    fmt: str,
    engine: str,
    model: str | None,
    prompt_version: str | None,
    options: Mapping[str, object],
    program_version: str,
) -> str:
    """The first-level cache key of summarising these raw inputs (name, bytes), in this order.

    Unlike `cache_key` it needs no parsing and no dedupe: `"sha256:"` + the SHA-256 of a
    canonical JSON header (format, engine, model, prompt version, options, program version,
    each input's name and length, layout "raw" version) followed by the bytes of each input.
    The lengths in the header make the boundaries between inputs unambiguous. The program
    version stands for everything parsing and dedupe do: a new version never answers from an
    older one's raw keys. Only for inputs whose bytes are the whole content (files, standard
    input): a link's content can change behind the same address.
    """
    header = _canonical(
        {
            "engine": engine,
            "format": fmt,
            "inputs": [[name, len(data)] for name, data in inputs],
            "model": model,
            "options": dict(options),
            "program": program_version,
            "prompt_version": prompt_version,
            "raw": RAW_KEY_LAYOUT_VERSION,
        }
    )
    hasher = hashlib.new(KEY_ALGORITHM)
    hasher.update(_utf8(header))
    for _, data in inputs:
        hasher.update(data)
    return f"{KEY_ALGORITHM}:{hasher.hexdigest()}"


def _comment_chunks(comments: Sequence[Comment]) -> Iterator[bytes]:
    for start in range(0, len(comments), _CHUNK):
        rows = [comment_row(c) for c in comments[start : start + _CHUNK]]
        chunk = _canonical(rows)[1:-1]  # the rows without the list's brackets
        yield _utf8(chunk if start == 0 else "," + chunk)


def comments_bytes(thread: Thread) -> bytes:
    """The bytes `cache_key` hashes for `thread`'s comments (between `{"comments":[` and the
    other members). Made where CPU time does not hold up anyone (the bot's worker processes) and
    handed to `prepare`."""
    return b"".join(_comment_chunks(thread.comments))


def prepare(thread: Thread, data: bytes) -> None:
    """Remember `data`, which must be `comments_bytes(thread)`, for the keys of this very
    thread object: `cache_key` then hashes it instead of serialising thousands of comments
    again (about 20 ms of CPU for 2,000 of them, on the bot's event loop). A `Thread` and its
    comments are frozen, so the bytes stay right for as long as the object lives; a copy or a
    new thread is serialised as usual. Kept for the `_PREPARED_MAX` latest threads."""

    def gone(ref: weakref.ref[Thread], key: int = id(thread)) -> None:
        if _prepared.get(key, (None,))[0] is ref:
            _prepared.pop(key, None)

    _prepared[id(thread)] = (weakref.ref(thread, gone), data)
    while len(_prepared) > _PREPARED_MAX:
        try:
            _prepared.pop(next(iter(_prepared)), None)
        except (RuntimeError, StopIteration):  # changed meanwhile by another thread
            break


def _prepared_for(thread: Thread) -> bytes | None:
    entry = _prepared.get(id(thread))
    if entry is None or entry[0]() is not thread:
        return None
    return entry[1]
