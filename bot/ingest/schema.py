"""What sites and exporters send, checked at the boundary: the base of the schema models.

Each source module describes the answers it reads (a Hacker News item, a Reddit listing, a
Discourse topic, a DiscordChatExporter export) as `SiteModel`s and reads them with `validate`,
so that a value of the wrong type anywhere ends as one clean `InputError` naming the source and
the place, never as a `TypeError` three calls later. Models are strict on types (no `"12"` for
12, no `true` for 1), ignore keys they do not use, and are lenient only where the real API is
(a field it may leave out has a default). Nested trees (replies) are kept as plain objects and
validated one node at a time by the walker, so that depth costs no recursion.
"""

from __future__ import annotations

import re
from itertools import chain, filterfalse
from operator import attrgetter
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, TypeAdapter, ValidationError

from bot.errors import InputError
from bot.ingest.source import SURROGATE, fail, replace_surrogates
from bot.thread import Thread

M = TypeVar("M", bound=BaseModel)

MAX_ID = 2**63 - 1
# Ids that fit a signed 64-bit column (Hacker News items, Discourse posts).
Id = Annotated[int, Field(ge=0, le=MAX_ID)]
_DIGITS = re.compile(r"\s*([0-9]{1,20})\s*")


def _snowflake(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID:
        return str(value)
    match = _DIGITS.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError("should be a Discord id (an integer, or its digits as a string)")
    return match[1]


# A Discord snowflake, as its digits: the exporter writes a string, the API an integer. Only
# digits, so that a jump link built from it cannot carry anything else.
Snowflake = Annotated[str, PlainValidator(_snowflake)]

_LOCATION_CHARS = 80


class SiteModel(BaseModel):
    """A part of a site's answer: strict types, unknown keys ignored, frozen."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


# What a type error asks for, in the words of JSON (pydantic's name the class otherwise).
_WANTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "an array",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "none_required": "null",
}


def _is_tag(part: str) -> bool:
    """A union member's tag that pydantic puts in a location (`int`, `constrained-str`,
    `function-plain[...]`, `_Message`), not a key of the document."""
    return part in ("str", "int", "float", "bool", "none") or (
        "[" in part or part.startswith(("constrained-", "function-", "_", "nullable"))
    )


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _is_tag(part):
            out += f".{part}" if out else part
    out = replace_surrogates(out)  # a key is the sender's text
    return out if len(out) <= _LOCATION_CHARS else out[: _LOCATION_CHARS - 1] + "\u2026"


def _message(problems: list[Any]) -> str:
    wanted = [_WANTED.get(p["type"]) for p in problems]
    if all(wanted):
        return "should be " + " or ".join(dict.fromkeys(w for w in wanted if w))
    first = next(p for p, w in zip(problems, wanted, strict=True) if not w)
    if first["type"] == "missing":
        return "is missing"
    return str(first["msg"]).removeprefix("Value error, ")


def describe(err: ValidationError) -> str:
    """The first problem of `err` on one line: `messages[3].content: should be a string` (and
    how many more there are). The sender's values are not repeated."""
    problems = err.errors(include_url=False, include_input=False, include_context=False)
    by_place: dict[str, list[Any]] = {}
    for problem in problems:
        by_place.setdefault(_location(tuple(problem.get("loc", ()))), []).append(problem)
    where, first = next(iter(by_place.items()))
    more = len(by_place) - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{where + ': ' if where else ''}{_message(first)}{tail}"


def validate(model: type[M], data: object, source: str, what: str, where: str = "") -> M:
    """`data` read as `model`; `InputError` "`source`: not a valid `what`: `where`problem"
    when it does not fit."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise invalid(err, source, what, where) from None


def validate_as(adapter: TypeAdapter[Any], data: object, source: str, what: str) -> Any:
    """Like `validate`, for a type that is not a model (a JSON array of things)."""
    try:
        return adapter.validate_python(data, strict=True)
    except ValidationError as err:
        raise invalid(err, source, what) from None


def invalid(err: ValidationError, source: str, what: str, where: str = "") -> InputError:
    """The clean error for a site answer that does not fit its schema."""
    return fail(source, f"not a valid {what}: {where}{describe(err)}")


def _has_surrogate(value: str | None) -> bool:
    return value is not None and SURROGATE.search(value) is not None


def _any_surrogate(thread: Thread) -> bool:
    """Whether any text field of `thread` holds a surrogate (iterated in C: ASCII values, nearly
    all of them, need no search)."""
    top = filter(None, (thread.title, thread.url, *thread.notes))
    fields = (filter(None, map(attrgetter(f), thread.comments)) for f in _TEXT_FIELDS)
    return any(map(SURROGATE.search, filterfalse(str.isascii, chain(top, *fields))))


_TEXT_FIELDS = ("id", "text", "author", "reply_to", "url")


def _clean(value: str | None) -> str | None:
    return None if value is None else replace_surrogates(value)


def scrub_thread(thread: Thread) -> Thread:
    """`thread` with every lone surrogate in its text replaced by U+FFFD (see `SURROGATE`).

    Every ingest path ends here, whatever the format; a thread without one is returned as is.
    """
    if not _any_surrogate(thread):
        return thread  # the usual case, checked field by field in C rather than comment by comment
    comments = list(thread.comments)
    changed = False
    for index, comment in enumerate(comments):
        fields = {
            "id": comment.id,
            "text": comment.text,
            "author": comment.author,
            "reply_to": comment.reply_to,
            "url": comment.url,
        }
        if any(_has_surrogate(value) for value in fields.values()):
            comments[index] = comment.model_copy(
                update={key: _clean(value) for key, value in fields.items()}
            )
            changed = True
    top = (thread.title, thread.url, *thread.notes)
    if not changed and not any(_has_surrogate(value) for value in top):
        return thread
    return thread.model_copy(
        update={
            "comments": tuple(comments),
            "title": _clean(thread.title),
            "url": _clean(thread.url),
            "notes": tuple(replace_surrogates(note) for note in thread.notes),
        }
    )
