"""Reading raw input (a file or standard input) and decoding it to text.

Every failure here is an `InputError` whose message is one line and starts with the input's name,
so that the CLI can print it as is and the Discord layer can show it.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import BaseModel, ConfigDict

from bot.errors import InputError

MAX_INPUT_SETTING = "DEBATE_DIGEST_MAX_INPUT_MB"

# Byte-order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

# Control characters that do not occur in text (tab, newlines, form feed and vertical tab do).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
# Every byte but those, to delete: what is left of ASCII text is its control characters.
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not _CONTROL_BYTES.match(bytes([b])))
# Above this share of control characters the input is a binary file, not text with a stray escape.
_BINARY_SHARE = 0.10
_SNIFF_BYTES = 8192


class InputSource(BaseModel):
    """One input as read: `name` is the path as given, `-` for stdin, or a label like `<demo>`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    data: bytes


# Lone surrogates (from a JSON escape such as "\ud83d", or a file name that is not UTF-8)
# cannot be written as UTF-8: the store, the JSON writer and the terminal would all fail on them.
SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD (paired ones never reach a `str`)."""
    return SURROGATE.sub("\ufffd", text) if SURROGATE.search(text) else text


# A JSON escape of a surrogate (`\ud83d`, `\uDC00`): only then can json.loads make a lone one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def loads_json(text: str) -> Any:
    """`json.loads(text)` with every lone surrogate in its strings (keys too) replaced by
    U+FFFD, so that no parser meets one. Raises what json.loads raises."""
    value = json.loads(text)
    if not _SURROGATE_ESCAPE.search(text):
        return value
    # Iterative: the document may be nested as deep as json.loads allows.
    root: list[Any] = [value]
    stack: list[list[Any] | dict[str, Any]] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, str):
                    node[index] = replace_surrogates(item)
                elif isinstance(item, list | dict):
                    stack.append(item)
        else:
            for key in list(node):
                item = node[key]
                if isinstance(item, str):
                    item = replace_surrogates(item)
                elif isinstance(item, list | dict):
                    stack.append(item)
                clean = replace_surrogates(key)
                if clean != key:
                    del node[key]
                node[clean] = item
    return root[0]


def fail(name: str, message: str) -> InputError:
    """An `InputError` reading `name: message`, kept to one line whatever the name contains,
    and printable (no control characters, no lone surrogates)."""
    line = f"{name}: {message}"
    if "\n" in line or "\r" in line:
        line = " ".join(line.splitlines())
    return InputError(_CONTROL.sub("\ufffd", replace_surrogates(line)))


def describe_limit(max_bytes: int) -> str:
    """The size limit in MB (and in bytes when it is under 0.1 MB, so that it never reads 0)."""
    mb = max_bytes / (1024 * 1024)
    if mb >= 0.1:
        return f"{mb:.3g} MB"
    return f"{mb:.2g} MB ({max_bytes} bytes)"


def _too_large(name: str, max_bytes: int) -> InputError:
    return fail(
        name,
        f"larger than the input limit of {describe_limit(max_bytes)}; "
        f"set {MAX_INPUT_SETTING} to raise it",
    )


def _read_bounded(stream: BinaryIO, limit: int) -> bytes:
    """Read at most `limit` bytes; short reads (pipes) are retried until EOF or the limit."""
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_source(arg: str, *, max_bytes: int, stdin: BinaryIO | None = None) -> InputSource:
    """Read a file path, or standard input when `arg` is `-`, into an `InputSource`.

    Never reads more than `max_bytes + 1` bytes, so a huge file or an endless pipe costs nothing
    beyond the limit. Raises `InputError` (one line, starting with `arg`) for a missing file, a
    directory, a file that cannot be read, and input larger than `max_bytes`.
    """
    if arg == "-":
        stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise fail("-", "standard input is not available")
        try:
            data = _read_bounded(stream, max_bytes + 1)
        except OSError as err:
            raise fail("-", f"cannot read standard input ({err.strerror or err})") from err
        if len(data) > max_bytes:
            raise _too_large("-", max_bytes)
        return InputSource(name="-", data=data)

    if not arg:
        raise fail("''", "empty file name")
    path = Path(arg)
    try:
        info = path.stat()
    except FileNotFoundError as err:
        raise fail(arg, "no such file") from err
    except PermissionError as err:
        raise fail(arg, "permission denied") from err
    except (OSError, ValueError) as err:  # ValueError: a NUL in the path
        raise fail(arg, f"cannot read ({getattr(err, 'strerror', None) or err})") from err
    if path.is_dir():
        raise fail(arg, "is a directory, not a file")
    # The size check before opening spares reading a large file; the bounded read below still
    # guards files that grow, FIFOs and devices (whose size reads as 0).
    if info.st_size > max_bytes:
        raise _too_large(arg, max_bytes)
    try:
        with path.open("rb") as handle:
            data = _read_bounded(handle, max_bytes + 1)
    except PermissionError as err:
        raise fail(arg, "permission denied") from err
    except IsADirectoryError as err:
        raise fail(arg, "is a directory, not a file") from err
    except OSError as err:
        raise fail(arg, f"cannot read ({err.strerror or err})") from err
    if len(data) > max_bytes:
        raise _too_large(arg, max_bytes)
    return InputSource(name=arg, data=data)


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SNIFF_BYTES]
    return bool(sample) and len(_CONTROL_BYTES.findall(sample)) > _BINARY_SHARE * len(sample)


def _control_count(text: str, utf8: bytes | None) -> int:
    """How many characters of `text` `_CONTROL` matches. `utf8`, when given, is `text` in UTF-8:
    there the C0 controls and DEL are single bytes that no other character's bytes contain, so
    deleting every other byte counts them, several times faster than the regex; the C1
    controls (U+0080-U+009F) start with 0xC2, and only input with that byte takes the regex."""
    if utf8 is None or b"\xc2" in utf8:
        return len(_CONTROL.findall(text))
    return len(utf8.translate(None, _NOT_CONTROL_BYTES))


def decode_text(src: InputSource) -> str:
    """Decode `src.data` to text: UTF-8 (with or without BOM), or UTF-16/32 when a BOM says so.

    Raises `InputError` for empty or white-space-only input, binary data (NUL bytes or mostly
    control characters) and bytes that are not valid in the encoding (naming the byte offset).
    The BOM is removed; nothing else in the text is changed.
    """
    data, name = src.data, src.name
    if not data:
        raise fail(name, "empty input (0 bytes)")
    encoding, label, offset = "utf-8", "UTF-8", 0
    for bom, codec, codec_label in _BOMS:
        if data.startswith(bom):
            encoding, label, offset = codec, codec_label, len(bom)
            break
    body = data[offset:]
    if label == "UTF-8" and b"\x00" in body:
        raise fail(name, "binary data (contains NUL bytes), not text")
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as err:
        if label == "UTF-8" and _looks_binary(body):
            raise fail(name, "binary data, not text") from err
        bad = body[err.start : err.start + 1].hex()
        raise fail(
            name,
            f"not valid {label} text (byte 0x{bad} at offset {offset + err.start}); "
            "save it as UTF-8 and try again",
        ) from err
    utf8 = body if label == "UTF-8" else None
    if "\x00" in text or _control_count(text, utf8) > _BINARY_SHARE * len(text):
        raise fail(name, "binary data, not text")
    if not text.strip():
        raise fail(name, "empty input (only white space)" if text else "empty input")
    return text
