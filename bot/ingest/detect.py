"""The table of input formats: how each is recognised and parsed.

To add a format (Hacker News, Reddit or Discourse JSON, ...), add a `FormatSpec` to `REGISTRY`
and its name to `bot.ingest.FORMATS`. Detection tries the specs in table order: JSON specs on
input that is JSON, text specs on the rest, and the spec without a detector last.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.errors import InputError
from bot.ingest.exports import (
    is_discord_json,
    looks_like_discord_csv,
    looks_like_discord_txt,
    parse_discord_csv,
    parse_discord_json,
    parse_discord_txt,
)
from bot.ingest.paste import is_hn_copy, looks_like_chat, parse_chat, parse_text
from bot.ingest.source import fail, loads_json
from bot.ingest.web.discourse import is_discourse, parse_discourse
from bot.ingest.web.hackernews import is_hackernews, parse_hackernews
from bot.ingest.web.reddit import is_reddit, parse_reddit
from bot.thread import Thread

PASTE_SOURCE = "paste"
# A pasted Hacker News page: read as a paste, but its nesting is known (`paste.is_hn_copy`), so
# the offline engine reads it as the tree it is (a top-level comment answers the story).
HN_COPY_SOURCE = "hackernews-copy"
# Text that opens like a JSON object (`{"` or `{}`) is taken for JSON even when it is malformed,
# so that a broken export gets a JSON error rather than being summarised as prose.
_JSON_OBJECT_START = re.compile(r"\{\s*(?:\"|\})")
_NOT_PARSED = object()


class Sample:
    """The decoded text of one input, with its JSON parsed at most once (exports can be large)."""

    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name
        self._json: object = _NOT_PARSED
        self._json_error: InputError | None = None

    def _parse_json(self) -> None:
        if self._json is not _NOT_PARSED or self._json_error is not None:
            return
        try:
            self._json = loads_json(self.text)
        except json.JSONDecodeError as err:
            self._json_error = fail(
                self.name, f"not valid JSON (line {err.lineno}, column {err.colno}): {err.msg}"
            )
        except RecursionError:
            self._json_error = fail(self.name, "not readable JSON (nested too deeply)")
        except ValueError as err:  # e.g. an integer longer than Python's digit limit
            reason = "a number of more than 4,300 digits" if "digits" in str(err) else str(err)
            self._json_error = fail(self.name, f"not readable JSON ({reason})")

    def json(self) -> object:
        """The parsed JSON; raises `InputError` (with line and column) when it is not JSON."""
        self._parse_json()
        if self._json_error is not None:
            raise self._json_error
        return self._json

    def is_json(self) -> bool:
        """Whether to read this input as JSON: a `.json` name, text that opens like a JSON
        object, or text starting with `[` or `{` that parses as JSON."""
        head = self.text.lstrip()
        if self.name.lower().endswith(".json") or _JSON_OBJECT_START.match(head):
            return True
        if head[:1] in ("[", "{"):
            self._parse_json()
            return self._json_error is None
        return False


@dataclass(frozen=True)
class FormatSpec:
    """One input format: `detect` is None for the fallback; `json` specs only see JSON input.

    `numbering` is the prefix of the ids the parser makes up (`c` pasted, `m` export rows), which
    `load_thread` continues across inputs, or None when the format has its own ids.
    """

    name: str
    label: str
    parse: Callable[[Sample, int], Thread]
    detect: Callable[[Sample], bool] | None = None
    json: bool = False
    numbering: str | None = None


def _paste(parser: Callable[..., list]) -> Callable[[Sample, int], Thread]:
    def parse(sample: Sample, id_start: int) -> Thread:
        comments = tuple(parser(sample.text, id_start=id_start))
        source = HN_COPY_SOURCE if is_hn_copy(sample.text) else PASTE_SOURCE
        return Thread(comments=comments, source=source)

    return parse


REGISTRY: tuple[FormatSpec, ...] = (
    FormatSpec(
        "discord-json",
        "DiscordChatExporter JSON",
        lambda s, start: parse_discord_json(s.json(), s.name),
        lambda s: is_discord_json(s.json()),
        json=True,
    ),
    FormatSpec(
        "hackernews",
        "Hacker News API JSON",
        lambda s, start: parse_hackernews(s.json(), s.name),
        lambda s: is_hackernews(s.json()),
        json=True,
    ),
    FormatSpec(
        "reddit",
        "Reddit thread JSON",
        lambda s, start: parse_reddit(s.json(), s.name),
        lambda s: is_reddit(s.json()),
        json=True,
    ),
    FormatSpec(
        "discourse",
        "Discourse topic JSON",
        lambda s, start: parse_discourse(s.json(), s.name),
        lambda s: is_discourse(s.json()),
        json=True,
    ),
    FormatSpec(
        "discord-txt",
        "DiscordChatExporter TXT",
        lambda s, start: parse_discord_txt(s.text, s.name, id_start=start),
        lambda s: looks_like_discord_txt(s.text),
        numbering="m",
    ),
    FormatSpec(
        "discord-csv",
        "DiscordChatExporter CSV",
        lambda s, start: parse_discord_csv(s.text, s.name, id_start=start),
        lambda s: looks_like_discord_csv(s.text, s.name),
        numbering="m",
    ),
    FormatSpec(
        "chat",
        "chat transcript",
        _paste(parse_chat),
        lambda s: looks_like_chat(s.text),
        numbering="c",
    ),
    FormatSpec("text", "plain text", _paste(parse_text), numbering="c"),
)
SPECS: dict[str, FormatSpec] = {spec.name: spec for spec in REGISTRY}


def detect(sample: Sample) -> FormatSpec:
    """The format of `sample` (see the module docstring for the order).

    Raises `InputError` for JSON that is malformed or is no supported JSON format, naming the
    formats we read.
    """
    if sample.is_json():
        sample.json()  # raises the line-and-column error for malformed JSON
        for spec in REGISTRY:
            if spec.json and spec.detect is not None and spec.detect(sample):
                return spec
        json_labels = ", ".join(s.label for s in REGISTRY if s.json)
        other_labels = ", ".join(s.label for s in REGISTRY if not s.json)
        raise fail(
            sample.name,
            f"JSON, but not a supported export (supported JSON: {json_labels}; "
            f"other inputs: {other_labels})",
        )
    for spec in REGISTRY:
        if not spec.json and spec.detect is not None and spec.detect(sample):
            return spec
    return next(spec for spec in REGISTRY if spec.detect is None)
