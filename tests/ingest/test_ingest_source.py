"""read_source and decoding: every bad input is a one-line InputError that names the input."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from bot.errors import InputError
from bot.ingest import InputSource, parse_source, read_source


def _one_line_error(err: pytest.ExceptionInfo[InputError], name: str) -> str:
    message = str(err.value)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(f"{name}: ")
    return message


class Trickle(io.RawIOBase):
    """A stdin that hands out at most `chunk` bytes per read, like a pipe, and counts them."""

    def __init__(self, data: bytes, chunk: int = 3) -> None:
        self._data = data
        self._chunk = chunk
        self.handed_out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        size = min(len(buffer), self._chunk, len(self._data) - self.handed_out)
        buffer[:size] = self._data[self.handed_out : self.handed_out + size]
        self.handed_out += size
        return size


def test_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "thread.txt"
    path.write_bytes(b"one\ntwo\n")
    src = read_source(str(path), max_bytes=100)
    assert src == InputSource(name=str(path), data=b"one\ntwo\n")


def test_reads_stdin_in_short_reads() -> None:
    stream = Trickle(b"a line\nanother line\n")
    src = read_source("-", max_bytes=1000, stdin=stream)  # type: ignore[arg-type]
    assert src == InputSource(name="-", data=b"a line\nanother line\n")


def test_input_source_is_frozen() -> None:
    src = InputSource(name="x", data=b"y")
    with pytest.raises(ValueError):
        src.name = "z"  # type: ignore[misc]


def test_missing_file() -> None:
    with pytest.raises(InputError) as err:
        read_source("no-such-file.txt", max_bytes=100)
    assert "no such file" in _one_line_error(err, "no-such-file.txt")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_source(str(tmp_path), max_bytes=100)
    assert "directory" in _one_line_error(err, str(tmp_path))


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("hidden")
    path.chmod(0)
    try:
        with pytest.raises(InputError) as err:
            read_source(str(path), max_bytes=100)
    finally:
        path.chmod(0o600)
    assert "permission denied" in _one_line_error(err, str(path))


def test_permission_error_while_opening(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The chmod test above cannot run as root; this one stands in for it everywhere.
    path = tmp_path / "locked.txt"
    path.write_text("text")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(InputError) as err:
        read_source(str(path), max_bytes=100)
    assert "permission denied" in _one_line_error(err, str(path))


def test_file_over_the_limit_names_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * (3 * 1024 * 1024))
    with pytest.raises(InputError) as err:
        read_source(str(path), max_bytes=2 * 1024 * 1024)
    message = _one_line_error(err, str(path))
    assert "2 MB" in message
    assert "DEBATE_DIGEST_MAX_INPUT_MB" in message


def test_file_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "exact.txt"
    path.write_bytes(b"x" * 100)
    assert len(read_source(str(path), max_bytes=100).data) == 100


def test_stdin_over_the_limit_reads_no_more_than_limit_plus_one() -> None:
    stream = Trickle(b"y" * 10_000, chunk=7)
    with pytest.raises(InputError) as err:
        read_source("-", max_bytes=50, stdin=stream)  # type: ignore[arg-type]
    message = _one_line_error(err, "-")
    assert "DEBATE_DIGEST_MAX_INPUT_MB" in message
    assert "50 bytes" in message  # a tiny limit is also given in bytes, never as "0 MB"
    assert stream.handed_out == 51


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b"   \n\t\r\n  ", "white space"),
        ("\u3000\u00a0\n".encode(), "white space"),
        (b"\xef\xbb\xbf", "empty"),
        (b"hello\x00world", "binary"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x1b\x02\x03\x04\x05\x06\x07\x08" * 20 + b"abc", "binary"),
        ("Caf\u00e9 au lait, s'il vous pla\u00eet".encode("latin-1"), "offset 3"),
        (b'{"messages": [1, 2,, 3]}', "line 1, column 20"),
        (b'{\n  "guild": {},\n  "messages": [\n    {"id": "1"\n    {"id": "2"}\n  ]\n}', "line 5"),
        (b'{"comments": []}', "not a supported export"),
        (b"[1, 2, 3]", "not a supported export"),
        (b'{"guild": {"id": "1"}, "channel": {"id": "2"}, "messages": []}', "no comments"),
    ],
    ids=[
        "empty",
        "whitespace",
        "unicode-whitespace",
        "bom-only",
        "nul",
        "all-bytes",
        "control-chars",
        "latin-1",
        "malformed-json",
        "malformed-json-multiline",
        "json-not-export",
        "json-array",
        "export-without-messages",
    ],
)
def test_bad_input_is_a_one_line_input_error(data: bytes, expected: str) -> None:
    with pytest.raises(InputError) as err:
        parse_source(InputSource(name="input.dat", data=data))
    assert expected in _one_line_error(err, "input.dat")


def test_not_utf8_names_the_byte_and_offset() -> None:
    data = "na\u00efve".encode("latin-1")
    with pytest.raises(InputError) as err:
        parse_source(InputSource(name="notes.txt", data=data))
    assert str(err.value) == (
        "notes.txt: not valid UTF-8 text (byte 0xef at offset 2); save it as UTF-8 and try again"
    )


def test_malformed_json_message_has_line_and_column() -> None:
    data = b'{\n  "messages": [\n    {"id": "1"} {"id": "2"}\n  ]\n}'
    with pytest.raises(InputError) as err:
        parse_source(InputSource(name="export.json", data=data))
    assert (
        str(err.value) == "export.json: not valid JSON (line 3, column 17): Expecting ',' delimiter"
    )


def test_json_not_an_export_names_the_supported_formats() -> None:
    with pytest.raises(InputError) as err:
        parse_source(InputSource(name="hn.json", data=b'{"by": "pg", "kids": [1, 2]}'))
    message = str(err.value)
    for label in ("DiscordChatExporter JSON", "DiscordChatExporter TXT", "plain text", "chat"):
        assert label in message


def test_unknown_format() -> None:
    with pytest.raises(InputError) as err:
        parse_source(InputSource(name="a.txt", data=b"hello"), "markdown")
    message = _one_line_error(err, "a.txt")
    assert "'markdown'" in message and "discord-json" in message


def test_deeply_nested_json_is_an_input_error() -> None:
    data = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(InputError):
        parse_source(InputSource(name="deep.json", data=data))


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf"])
def test_utf8_bom_is_dropped(bom: bytes) -> None:
    thread = parse_source(InputSource(name="bom.txt", data=bom + b"first\nsecond"))
    assert [c.text for c in thread.comments] == ["first", "second"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(encoding: str) -> None:
    text = "caf\u00e9 first\nsecond \U0001f44d"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    thread = parse_source(InputSource(name="wide.txt", data=data))
    assert [c.text for c in thread.comments] == ["caf\u00e9 first", "second \U0001f44d"]


def test_truncated_utf16_is_an_input_error() -> None:
    with pytest.raises(InputError) as err:
        parse_source(InputSource(name="cut.txt", data="hello".encode("utf-16") + b"\x00"))
    assert "UTF-16" in _one_line_error(err, "cut.txt")


def test_a_name_with_a_newline_still_gives_one_line() -> None:
    with pytest.raises(InputError) as err:
        parse_source(InputSource(name="odd\nname.txt", data=b""))
    assert "\n" not in str(err.value)
