"""Hostile inputs made from real fixtures: structured mutations for the ingest fuzz tests.

A *seed* is one fixture of one input format. JSON seeds are mutated in their structure (a value
replaced by another JSON type, a huge number, deep nesting, a lone surrogate escape, control
characters, an empty value, a key dropped) and then maybe truncated; text seeds get hostile
fragments spliced in, spans cut out, and truncation. `check_outcome` is the property: parsing
ends in a `Thread` that every later step can use, or in the clean `InputError`, nothing else.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from bot.errors import InputError
from bot.ingest import InputSource, parse_source
from bot.thread import Thread

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGE_URL = "https://blog.example/cars"


@dataclass(frozen=True)
class Seed:
    """One fixture: `fmt` is the format it is read as (`page` = an HTML page)."""

    name: str
    fmt: str
    data: bytes

    @property
    def is_json(self) -> bool:
        return self.name.endswith(".json")


def _seed(relative: str, fmt: str) -> Seed:
    path = FIXTURES / relative
    return Seed(path.name, fmt, path.read_bytes())


# Every input format, each from a real (or documented-shape) fixture; see tests/fixtures/README.
SEEDS: tuple[Seed, ...] = (
    _seed("seed-thread.txt", "text"),
    _seed("paste/paragraphs.txt", "text"),
    _seed("paste/name-lines.txt", "chat"),
    _seed("paste/compact.txt", "chat"),
    _seed("paste/discord-copy.txt", "chat"),
    _seed("paste/old-reddit-copy.txt", "text"),
    _seed("paste/new-reddit-copy.txt", "text"),
    _seed("paste/x-copy.txt", "text"),
    _seed("exports/dce-remote-work.json", "discord-json"),
    _seed("exports/dce-dm.json", "discord-json"),
    _seed("exports/dce-remote-work.txt", "discord-txt"),
    _seed("exports/dce-remote-work.csv", "discord-csv"),
    _seed("formats/hackernews/item_8863.json", "hackernews"),
    _seed("formats/hackernews/item_2921983.json", "hackernews"),
    _seed("formats/algolia/item_10.json", "hackernews"),
    _seed("formats/reddit/thread.json", "reddit"),
    _seed("formats/reddit/continue-thread.json", "reddit"),
    _seed("formats/discourse/topic.json", "discourse"),
    _seed("formats/discourse/topic_posts.json", "discourse"),
    _seed("web/page-with-comments.html", "page"),
)
SEED_NAMES = tuple(seed.name for seed in SEEDS)


class Raw:
    """JSON text put in verbatim where a value was (numbers and nesting json.dumps refuses)."""

    def __init__(self, text: str) -> None:
        self.text = text


DEEP = 100_000
HOSTILE_STRINGS = (
    "",
    " ",
    "\ud83d",  # a lone surrogate: json.dumps writes the escape "\ud83d"
    "a\udc00b",
    "\x00",
    "\x1b]52;c;aGVsbG8=\x07",
    "\x1b[2J",
    "\u202e\u2028\u0085",
    "http://[x",
    "https://[::1",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "2024-13-45T99:99:99Z",
    "\u00b2",
    "1" * 5000,
    "-1",
    "t1_",
    "t1_abc",
    "t3_",
    "[deleted]",
    "x)[Free Nitro](https://evil.example/gift",
    '<aside class="quote" data-post="\u00b2"><blockquote>q</blockquote></aside>y',
    '<aside class="quote" data-post="' + "9" * 5000 + '"><blockquote>q</blockquote></aside>y',
    "<p>" * 2000 + "deep",
    "</p>" * 2000,
    "<!--" + "x" * 2000,
    "a" * 20_000,
)
HOSTILE_RAW = (
    "1" + "0" * 5000,  # past Python's int digit limit
    "1" + "0" * 400,
    "-" + "9" * 40,
    "1e999",
    "-1e999",
    "NaN",
    "Infinity",
    "1.5",
    "1e20",
    "9223372036854775808",
    "[" * DEEP + "]" * DEEP,
    '{"a":' * 5000 + "1" + "}" * 5000,
    "[" * 500 + "]" * 500,
)
OTHER_TYPES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    5,
    1.5,
    "x",
    [],
    {},
    [1, "a", None],
    {"a": 1},
    [{}],
    {"kind": "more", "data": {"children": 5, "count": 3}},
    {"kind": "t1", "data": {"id": 5, "replies": 5}},
)

HOSTILE_VALUES = st.one_of(
    st.sampled_from(OTHER_TYPES),
    st.sampled_from(HOSTILE_STRINGS),
    st.sampled_from(HOSTILE_RAW).map(Raw),
    st.integers(),
    st.text(max_size=30),
)


TIMESTAMPS = (
    "0001-01-01T00:00:00+01:00",
    "0001-01-01T00:00:00.000+14:00",
    "9999-12-31T23:59:59-01:00",
    "9999-12-31T23:59:59.999-12:00",
    "2024-02-30T10:00:00Z",
    "2024-03-14T10:32:00",
    "2024-03-14T10:32:00+99:00",
)
HOSTILE_HTML = tuple(s for s in HOSTILE_STRINGS if s.startswith("<"))
HOSTILE_NUMBERS = (
    Raw("1" + "0" * 5000),
    Raw("1e999"),
    Raw("NaN"),
    2**63,
    -(2**63) - 1,
    10**30,
    -1,
    0,
    1.5,
    True,
    "12",
    "\u00b2",
)


def _shaped(old: Any) -> st.SearchStrategy[Any]:
    """A hostile value of the kind the field holds: a time for a time, HTML for HTML, a huge or
    odd number for a number, a surrogate or control character inside a string."""
    if isinstance(old, str) and len(old) >= 19 and old[4:5] == "-" and old[10:11] == "T":
        return st.sampled_from(TIMESTAMPS)
    if isinstance(old, str) and "<" in old:
        return st.sampled_from(HOSTILE_HTML)
    if isinstance(old, int | float):
        return st.sampled_from(HOSTILE_NUMBERS)
    if isinstance(old, str):
        bad = st.sampled_from(("\ud83d", "\udc00", "\x00", "\x1b[2J", "\u2028", "", "http://[x"))
        return st.tuples(st.integers(0, len(old)), bad).map(
            lambda t: old[: t[0]] + t[1] + old[t[0] :]
        )
    return HOSTILE_VALUES


def _paths(value: Any, limit: int = 4000) -> list[tuple[Any, ...]]:
    """Paths (keys and indexes) to every value under `value`, breadth first, at most `limit`."""
    out: list[tuple[Any, ...]] = []
    queue: list[tuple[tuple[Any, ...], Any]] = [((), value)]
    while queue and len(out) < limit:
        path, node = queue.pop(0)
        out.append(path)
        if isinstance(node, dict):
            queue.extend(((*path, key), child) for key, child in node.items())
        elif isinstance(node, list):
            queue.extend(((*path, index), child) for index, child in enumerate(node))
    return out


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def _edit(value: Any, path: tuple[Any, ...], how: str, new: Any) -> Any:
    """`value` with the item at `path` replaced (`set`), dropped (`drop`), wrapped in a list
    (`wrap`) or repeated (`repeat`). The root can only be replaced or wrapped."""
    if not path:
        return [value] if how == "wrap" else new
    parent = _get(value, path[:-1])
    key = path[-1]
    if how == "drop":
        del parent[key]
    elif how == "wrap":
        parent[key] = [parent[key]]
    elif how == "repeat" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]))
    else:
        parent[key] = new
    return value


def _dumps(value: Any, compact: bool) -> str:
    """JSON text of `value`, with each `Raw` written as its text."""
    raws: list[str] = []

    def default(obj: object) -> object:
        if isinstance(obj, Raw):
            raws.append(obj.text)
            return f"\x00RAW{len(raws) - 1}\x00"
        raise TypeError(type(obj).__name__)

    text = json.dumps(value, default=default, separators=(",", ":") if compact else None)
    for index, raw in enumerate(raws):
        text = text.replace(json.dumps(f"\x00RAW{index}\x00"), raw, 1)
    return text


@st.composite
def mutated_json(draw: st.DrawFn, seed: Seed) -> bytes:
    value = json.loads(seed.data)
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(value)
        # Half the edits hit a leaf (a string or number): where ids, times and text live.
        leaves = [p for p in paths if not isinstance(_get(value, p), dict | list)]
        path = draw(st.sampled_from(leaves if leaves and draw(st.booleans()) else paths))
        how = draw(st.sampled_from(("set", "set", "set", "drop", "wrap", "repeat")))
        old = _get(value, path)
        new = draw(_shaped(old) if draw(st.booleans()) else HOSTILE_VALUES)
        value = _edit(value, path, how, copy.deepcopy(new))
    text = _dumps(value, compact=draw(st.booleans()))
    if draw(st.integers(0, 9)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    return text.encode("utf-8")


TEXT_FRAGMENTS = st.sampled_from(
    (
        "\n",
        "\r\n\r\n",
        "alice: ",
        "Bob \u2014 Today at 10:32 AM\n",
        "Eve - 03/14/2024 10:32 AM\n",
        "[10:32 AM] Ann: ",
        "\n[12/31/9999 11:59 PM] zed\n",
        "\n[1/1/0001 00:00] zed\n",
        "\n[31.12.9999 23:59] zed\n",
        "{Attachments}\nhttp://[x\n",
        "{Attachments}\n\n",
        "=" * 62 + "\n",
        "> ",
        '"quoted words here" - ',
        "\x1b]52;c;aGVsbG8=\x07",
        "\x1b[2J",
        "\x00",
        "\u2028",
        "\ufeff",
        " " * 5000,
        "[" * 3000,
        "a:" * 3000,
        '"' * 3000,
        "\t" * 3000 + "x",
    )
)


@st.composite
def mutated_text(draw: st.DrawFn, seed: Seed) -> bytes:
    text = seed.data.decode("utf-8")
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(("insert", "insert", "cut", "random")))
        if action == "insert":
            text = text[:at] + draw(TEXT_FRAGMENTS) + text[at:]
        elif action == "cut":
            text = text[:at] + text[at + draw(st.integers(0, 400)) :]
        else:
            text = text[:at] + draw(st.text(max_size=20)) + text[at:]
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.integers(0, 19)) == 0:
        data += b"\xed\xa0\xbd"  # a surrogate encoded as UTF-8: not valid UTF-8
    return data


def mutated(seed: Seed) -> st.SearchStrategy[bytes]:
    return mutated_json(seed) if seed.is_json else mutated_text(seed)


CASES = st.sampled_from(SEEDS).flatmap(
    lambda seed: st.tuples(
        st.just(seed), mutated(seed), st.sampled_from(("auto", seed.fmt)).map(str)
    )
)


def parse(seed: Seed, data: bytes, fmt: str) -> Thread:
    """Parse as the product does: an HTML page through `extract_page`, the rest through
    `parse_source` with `fmt` (`auto` or the seed's own format)."""
    if seed.fmt == "page":
        from bot.ingest.web.page import extract_page

        return extract_page(data, PAGE_URL)
    return parse_source(InputSource(name=seed.name, data=data), fmt)


def check_outcome(seed: Seed, data: bytes, fmt: str) -> str:
    """The property: a usable `Thread` or the clean `InputError`. Returns "thread" or "clean";
    raises AssertionError (or the stray exception) otherwise."""
    try:
        thread = parse(seed, data, fmt)
    except InputError as err:
        message = str(err)
        assert message and "\n" not in message and "\r" not in message, message
        message.encode("utf-8")  # printable: no lone surrogate
        return "clean"
    assert isinstance(thread, Thread)
    assert thread.comments
    # What the store, the JSON writer and the terminal do next must not fail on it.
    thread.model_dump_json().encode("utf-8")
    return "thread"


Outcome = Callable[[Seed, bytes, str], str]
