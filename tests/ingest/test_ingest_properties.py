"""Property: whatever the bytes and the format, ingest returns a Thread or raises InputError."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import InputError
from bot.ingest import FORMATS, InputSource, parse_source
from bot.thread import Thread

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Fragments of every format, so that generated text reaches the parsers and not only the
# decoding checks.
FRAGMENTS = st.sampled_from(
    [
        "\n",
        "\r\n",
        "\n\n",
        "alice: ",
        "Bob \u2014 Today at 10:32 AM\n",
        "Eve - 03/14/2024 10:32 AM\n",
        "[10:32 AM] Ann: ",
        "[3/14/2024 10:32 AM] carol#0001\n",
        "> ",
        '"quoted words here" - ',
        "{Attachments}\n",
        "{Reactions}\n",
        "=" * 62 + "\n",
        "Guild: G\nChannel: c\n",
        "Exported 3 message(s)\n",
        "AuthorID,Author,Date,Content,Attachments,Reactions\n",
        '"1","a","3/14/2024 10:32 AM","hi","",""\n',
        '{"guild": {"id": "0"}, "channel": {"id": "1"}, "messages": [',
        '{"id": "1", "type": "Reply", "content": "x", "reference": {"messageId": 2}}',
        "]}",
        "Joined the server.",
        "\u201c",
        "\u2014",
        "\ufeff",
    ]
)
TEXTS = st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=25).map("".join)
FORMAT = st.sampled_from(FORMATS)


def _check(data: bytes, fmt: str) -> None:
    try:
        thread = parse_source(InputSource(name="x", data=data), fmt)
    except InputError as err:
        message = str(err)
        assert message.startswith("x: ")
        assert "\n" not in message and "\r" not in message
        return
    assert isinstance(thread, Thread)
    assert thread.comments
    for comment in thread.comments:
        assert comment.text == comment.text.strip() and comment.text
    pasted = [c.id for c in thread.comments if thread.source == "paste"]
    assert pasted == [f"c{n}" for n in range(1, len(pasted) + 1)]


@SETTINGS
@given(data=st.binary(max_size=2000), fmt=FORMAT)
def test_arbitrary_bytes(data: bytes, fmt: str) -> None:
    _check(data, fmt)


@SETTINGS
@given(text=st.text(max_size=500), fmt=FORMAT)
def test_arbitrary_text(text: str, fmt: str) -> None:
    _check(text.encode("utf-8"), fmt)


@SETTINGS
@given(text=TEXTS, fmt=FORMAT)
def test_format_shaped_text(text: str, fmt: str) -> None:
    _check(text.encode("utf-8"), fmt)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "type",
                    "content",
                    "author",
                    "attachments",
                    "reference",
                    "messageId",
                    "timestamp",
                    "nickname",
                    "name",
                    "isBot",
                    "fileName",
                    "url",
                    "guild",
                    "channel",
                ]
            )
            | st.text(max_size=5),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(SETTINGS, max_examples=100)  # nested JSON is slow to generate
@given(
    guild=json_values,
    channel=json_values,
    messages=st.lists(json_values, max_size=5),
    fmt=st.sampled_from(["auto", "discord-json"]),
)
def test_export_shaped_json(
    guild: object, channel: object, messages: list[object], fmt: str
) -> None:
    doc = {"guild": guild, "channel": channel, "messages": messages}
    _check(json.dumps(doc).encode(), fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_on_a_nul_byte(fmt: str) -> None:
    with pytest.raises(InputError):
        parse_source(InputSource(name="x", data=b"\x00"), fmt)
