"""Cache keys: a content address of everything that decides what a summary says.

The key is `"sha256:" + hexdigest` of a canonical JSON document::

    {"comments": [[id, author, text, reply_to], ...], "engine": ..., "model": ...,
     "options": {...}, "prompt_version": ..., "v": 1}

serialised with `sort_keys=True`, `separators=(",", ":")`, `ensure_ascii=False`, UTF-8. The
algorithm name is part of the key on purpose: if we ever change the hash (or `v`, the layout of
the document), old rows simply stop matching instead of being confused with new ones, and a
reader can tell which function made a key without guessing from its length.

Only the comments' id, author, text and reply_to count: timestamps, urls, the thread's title or
source do not change the summary, so two exports of the same debate share one cache entry.
The thread must already be deduplicated, so that dedupe settings that change the comments also
change the key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from bot.thread import Thread

KEY_ALGORITHM = "sha256"
# Bump when the layout of the hashed document changes; it is hashed too (the "v" member).
KEY_LAYOUT_VERSION = 1
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
    to a comment's id, author, text or reply_to, to their order, or to engine, model,
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
        rows = [[c.id, c.author, c.text, c.reply_to] for c in comments[start : start + _CHUNK]]
        chunk = _canonical(rows)[1:-1]  # the rows without the list's brackets
        hasher.update(_utf8(chunk if start == 0 else "," + chunk))
    hasher.update(b"],")
    hasher.update(_utf8(rest[1:]))  # the other members, without their opening brace
    return f"{KEY_ALGORITHM}:{hasher.hexdigest()}"
