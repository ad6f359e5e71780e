"""Format detection (`auto`) and explicit formats."""

from __future__ import annotations

import pytest

from bot.errors import InputError
from bot.ingest import FORMATS, InputSource, detect_format, parse_source
from bot.ingest.detect import REGISTRY, SPECS

from .conftest import FIXTURES, Loader

DETECTION_CASES = [
    ("exports/dce-remote-work.json", "discord-json"),
    ("exports/dce-buses-part1.json", "discord-json"),
    ("exports/dce-buses-part2.json", "discord-json"),
    ("exports/dce-dm.json", "discord-json"),
    ("exports/dce-remote-work.txt", "discord-txt"),
    ("exports/dce-remote-work.csv", "discord-csv"),
    ("paste/discord-copy.txt", "chat"),
    ("paste/compact.txt", "chat"),
    ("paste/name-lines.txt", "chat"),
    ("paste/paragraphs.txt", "text"),
    ("paste/prose-with-note.txt", "text"),
    ("paste/old-reddit-copy.txt", "text"),
    ("paste/new-reddit-copy.txt", "text"),
    ("paste/new-reddit-shreddit-copy.txt", "text"),
    ("paste/x-copy.txt", "text"),
    ("paste/x-copy-multiline.txt", "text"),
    ("seed-thread.txt", "text"),
]


@pytest.mark.parametrize(("relative", "expected"), DETECTION_CASES)
def test_detects_each_fixture(relative: str, expected: str) -> None:
    path = FIXTURES / relative
    text = path.read_text(encoding="utf-8")
    assert detect_format(text, path.name) == expected
    assert detect_format(text) == expected  # the content alone is enough for every fixture


def test_every_fixture_is_detected_by_a_test() -> None:
    listed = {p.relative_to(FIXTURES).as_posix() for p in (FIXTURES / "exports").iterdir()}
    listed |= {p.relative_to(FIXTURES).as_posix() for p in (FIXTURES / "paste").iterdir()}
    assert listed <= {relative for relative, _ in DETECTION_CASES}


def test_a_bom_left_in_decoded_text_is_ignored() -> None:
    assert detect_format('\ufeff{"guild": {}, "messages": []}') == "discord-json"


def test_prose_with_an_occasional_label_is_text() -> None:
    text = (
        "Rent control keeps people in their homes.\n"
        "Note: this is about existing tenants only.\n"
        "Economists mostly say it shrinks supply over time.\n"
        "Update: the city report agrees with the economists.\n"
        "But the report was written by the landlords' association.\n"
    )
    assert detect_format(text) == "text"


def test_a_single_name_line_is_text() -> None:
    assert detect_format("Summary: both sides agree on the facts") == "text"


def test_chat_needs_most_lines_to_be_speakers() -> None:
    chat = "ana: one\nben: two\na continued line\nana: three\n"
    assert detect_format(chat) == "chat"
    prose = "ana: one\nline\nline\nline\nline\nben: two\n"
    assert detect_format(prose) == "text"


def test_one_discord_header_at_the_top_is_chat() -> None:
    assert detect_format("Ana \u2014 Today at 10:32 AM\nhello\nand more\n") == "chat"


def test_csv_needs_the_exporter_header_unless_named_csv() -> None:
    old = "Author,Date,Content,Attachments\nana,3/14/2024 10:32 AM,hello,\n"
    assert detect_format(old, "old-export.csv") == "discord-csv"
    assert detect_format(old, "notes.txt") == "text"


def test_brackets_that_are_not_json_are_text() -> None:
    assert detect_format("[citation needed] is all I have to say\nand this") == "text"
    assert detect_format("{curly} prose, not JSON") == "text"


def test_text_that_opens_like_a_json_object_is_json() -> None:
    with pytest.raises(InputError) as err:
        detect_format('{"messages": [', "pasted")
    assert str(err.value).startswith("pasted: not valid JSON (line 1, column")


def test_json_name_with_other_text_is_a_json_error() -> None:
    with pytest.raises(InputError) as err:
        parse_source(InputSource(name="export.json", data=b"alice: hi\nbob: hello"))
    assert "not valid JSON" in str(err.value)


def test_override_reads_a_discord_copy_paste_as_text(fixture_source: Loader) -> None:
    src = fixture_source("paste/discord-copy.txt")
    assert len(parse_source(src).comments) == len(parse_source(src, "chat").comments) == 4
    thread = parse_source(src, "text")
    # Read as plain text, the blank line splits it into two paragraphs, headers and all.
    assert [c.id for c in thread.comments] == ["c1", "c2"]
    assert thread.comments[0].text.startswith("Priya \u2014 Yesterday at 9:01 PM\nShould")
    assert thread.comments[1].text.startswith("Maya - 03/14/2024 10:41 AM\nNight routes")
    assert all(c.author is None and c.time is None for c in thread.comments)


def test_override_reads_a_name_line_paste_as_text(fixture_source: Loader) -> None:
    thread = parse_source(fixture_source("paste/name-lines.txt"), "text")
    assert thread.comments[0].text == "jordan: School uniforms reduce bullying about clothes."
    assert thread.comments[0].author is None


def test_override_reads_prose_as_chat(fixture_source: Loader) -> None:
    thread = parse_source(fixture_source("paste/prose-with-note.txt"), "chat")
    # Read as chat, yet "Note: ..." is a label inside the message, not a speaker called Note.
    assert [c.author for c in thread.comments] == [None]
    assert "Note: the council's own survey" in thread.comments[0].text


def test_labels_inside_a_chat_message_are_no_speakers() -> None:
    from bot.ingest.paste import parse_chat

    comments = parse_chat(
        "Alice: we should move to Linear\nEdit: I mean next sprint\nBob: no way\n"
        "PS: jira is fine\nUpdate 2: still fine\nCarol: agreed with Bob"
    )
    assert [c.author for c in comments] == ["Alice", "Bob", "Carol"]
    assert comments[0].text == "we should move to Linear\nEdit: I mean next sprint"
    assert comments[1].text.endswith("Update 2: still fine")


def test_override_reads_a_json_export_as_text(fixture_source: Loader) -> None:
    thread = parse_source(fixture_source("exports/dce-dm.json"), "text")
    assert thread.source == "paste"
    assert thread.comments[0].text == "{"


def test_the_registry_covers_formats() -> None:
    assert set(FORMATS) - {"auto"} == set(SPECS)
    assert [spec.name for spec in REGISTRY if spec.detect is None] == ["text"]
    assert FORMATS[0] == "auto"
