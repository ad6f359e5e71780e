"""Ingest of pasted and exported text: bytes in, a `Thread` out.

    src = read_source("export.json", max_bytes=settings.max_input_bytes)
    thread = load_thread([src])            # or parse_source(src, "discord-json")

Formats (`FORMATS`): `text` (lines or paragraphs), `chat` (`Name: text`, Discord copy-paste),
`discord-json`, `discord-txt` and `discord-csv` (DiscordChatExporter), saved web API answers
`hackernews`, `reddit` and `discourse` (`bot.ingest.web`), and `auto`, which detects them
(`bot.ingest.detect`). Links are fetched by `bot.ingest.web.fetch_thread`.

Every failure the user can fix is an `InputError` whose one-line
message starts with the input's name; no input, whatever its bytes, ends in another exception.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import ValidationError

from bot.errors import InputError
from bot.gcpause import paused_gc
from bot.ingest.schema import scrub_thread
from bot.ingest.source import InputSource, decode_text, fail, read_source
from bot.thread import Comment, Thread

if TYPE_CHECKING:
    # The parsers are imported on first use: reading a file (a cache hit) needs none of them.
    from bot.ingest.detect import FormatSpec, Sample

__all__ = [
    "FORMATS",
    "InputSource",
    "detect_format",
    "load_thread",
    "merge_threads",
    "parse_source",
    "parse_sources",
    "read_source",
]

log = logging.getLogger(__name__)

FORMATS: tuple[str, ...] = (
    "auto",
    "text",
    "chat",
    "discord-json",
    "discord-txt",
    "discord-csv",
    "hackernews",
    "reddit",
    "discourse",
)
MIXED_SOURCE = "mixed"


def detect_format(text: str, name: str = "") -> str:
    """The format of decoded `text` (one of `FORMATS` except `auto`); `name` adds the file suffix.

    Raises `InputError` when the text is JSON but malformed or not a supported JSON format.
    """
    from bot.ingest.detect import Sample, detect

    # A caller that decoded with "utf-8" rather than "utf-8-sig" passes the BOM along.
    return detect(Sample(text.removeprefix("\ufeff"), name)).name


def _prepare(src: InputSource, fmt: str) -> tuple[Sample, FormatSpec]:
    from bot.ingest.detect import SPECS, Sample, detect

    if fmt not in FORMATS:
        raise fail(src.name, f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    sample = Sample(decode_text(src), src.name)
    return sample, detect(sample) if fmt == "auto" else SPECS[fmt]


def _parse(sample: Sample, spec: FormatSpec, id_start: int) -> Thread:
    try:
        with paused_gc():
            thread = spec.parse(sample, id_start)
    except ValidationError as err:
        # Parsers build valid comments; this keeps the promise that no input ends in a traceback.
        # Where, never what: pydantic's message quotes the input (message text).
        where = ", ".join(".".join(map(str, e["loc"])) for e in err.errors()[:3])
        log.warning("%s: %s input failed validation at %s", sample.name, spec.name, where)
        raise fail(sample.name, f"could not be read as {spec.label}") from err
    if not thread.comments:
        raise fail(sample.name, f"no comments found (read as {spec.label})")
    thread = scrub_thread(thread)
    log.debug("%s: %d comments read as %s", sample.name, len(thread.comments), spec.name)
    return thread


def parse_source(src: InputSource, fmt: str = "auto", *, id_start: int = 1) -> Thread:
    """Parse one input into a `Thread` in the format `fmt` (`auto` detects it).

    Pasted comments are numbered `c{id_start}`, ...; TXT/CSV export rows `m{id_start}`, ...; JSON
    export comments keep their message ids. Raises `InputError` for an unknown `fmt`, input that
    is empty, white space only, binary, not UTF-8 (or UTF-16/32 with a BOM), malformed JSON,
    JSON that is no supported export, and input that yields no comments.
    """
    sample, spec = _prepare(src, fmt)
    return _parse(sample, spec, id_start)


def load_thread(sources: Sequence[InputSource], fmt: str = "auto") -> Thread:
    """Parse every input with `fmt` and merge them, in order, into one `Thread`.

    Pasted ids (`c1`, ...) continue from one pasted input to the next, and so do TXT/CSV export
    ids (`m1`, ...), so that two inputs never reuse a made-up id for different comments. Message
    ids repeated across overlapping JSON exports are kept for the dedupe step to count. When every
    comment has a time, the merged comments are sorted by time (stably), so overlapping exports
    read chronologically in whichever order they were given. `source` is `paste`,
    `discord-export` or `mixed`; `title` is the first input's that has one; `url` is kept only
    when every input that has one agrees.
    """
    if not sources:
        raise InputError("no input given")
    return merge_threads(parse_sources(sources, fmt))


def parse_sources(sources: Sequence[InputSource], fmt: str = "auto") -> list[Thread]:
    """Parse every input with `fmt`, one `Thread` each, continuing made-up ids across inputs
    as `load_thread` says."""
    threads: list[Thread] = []
    next_id: dict[str, int] = {}
    for src in sources:
        sample, spec = _prepare(src, fmt)
        start = next_id.get(spec.numbering, 1) if spec.numbering else 1
        thread = _parse(sample, spec, start)
        if spec.numbering:
            next_id[spec.numbering] = start + len(thread.comments)
        threads.append(thread)
    return threads


def merge_threads(threads: Sequence[Thread]) -> Thread:
    """Merge threads, in order, into one (what `load_thread` does after parsing).

    When there are several threads and every comment has a time, the merged comments are sorted
    by time (stably); one thread keeps its order (a web discussion its reading order). `source` is
    the common source or `mixed`; `title` is the first thread's that has one; `url` is kept
    only when every thread that has one agrees; `notes` are all the threads' notes.
    """
    if not threads:
        raise InputError("no input given")
    comments: list[Comment] = []
    kinds: set[str | None] = set()
    titles: list[str] = []
    urls: set[str] = set()
    notes: list[str] = []
    for thread in threads:
        comments.extend(thread.comments)
        kinds.add(thread.source)
        titles.extend([thread.title] if thread.title else [])
        urls.update([thread.url] if thread.url else [])
        notes.extend(n for n in thread.notes if n not in notes)
    if len(threads) > 1 and all(c.time is not None for c in comments):
        comments.sort(key=lambda c: c.time)  # type: ignore[arg-type, return-value]
    return Thread(
        comments=tuple(comments),
        title=titles[0] if titles else None,
        source=kinds.pop() if len(kinds) == 1 else MIXED_SOURCE,
        url=urls.pop() if len(urls) == 1 else None,
        notes=tuple(notes),
    )
