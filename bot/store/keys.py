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
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from bot.thread import Comment, Copy, Thread

KEY_ALGORITHM = "sha256"
# Bump when the layout of the hashed document changes; it is hashed too (the "v" member).
KEY_LAYOUT_VERSION = 2
# Comments are serialised this many at a time: one json.dumps call per comment is slow, one
# for the whole thread would build a string as big as the thread.
_CHUNK = 1024


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
    comments = thread.comments
    for start in range(0, len(comments), _CHUNK):
        rows = [comment_row(c) for c in comments[start : start + _CHUNK]]
        chunk = _canonical(rows)[1:-1]  # the rows without the list's brackets
        hasher.update(_utf8(chunk if start == 0 else "," + chunk))
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
