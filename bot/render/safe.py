"""Thread text made safe to show: one sanitizer, one Markdown escaper, one link builder.

Every renderer (terminal, Markdown, Discord embeds, JSON) goes through this module, so that text
from strangers (and from the model, which read it) cannot act on the reader's screen:

- `sanitize` removes what a terminal or a viewer would obey instead of showing: C0 and C1
  control characters (an ``ESC ] 52`` clipboard write, ``ESC [ 2J``), DEL, and the bidi
  overrides and isolates that reorder what is shown ("Trojan source"); newline and tab stay.
  A lone surrogate (from a JSON escape such as ``"\\ud83d"``) becomes U+FFFD, so no writer fails.
- `escape` makes text show as written in both Discord's Markdown and CommonMark: it is
  sanitized, every character that can start inline syntax is backslash-escaped everywhere
  (links, images, emphasis, code, HTML and autolinks, tables, spoilers), a character that can
  start a block at the start of a line (heading, quote, list, thematic break, setext underline,
  Discord's ``-#`` subtext) is escaped there, and mentions are neutralised (``@everyone`` and
  ``@here`` get a zero-width space, ``<@id>``/``<@&id>``/``<#id>`` lose their ``<`` to an
  escape). Unlike ``discord.utils.escape_markdown`` it has no "leave URLs alone" mode, which let
  a second masked link in the same text through.
- `link` builds ``[label](url)`` only from a URL that `safe_url` accepts (http or https, a host,
  no user part, none of the characters that end a Markdown link or start another); anything
  else is shown as the label alone.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel

if TYPE_CHECKING:
    from bot.summarize.schema import DigestResult

_M = TypeVar("_M", bound=BaseModel)

REPLACEMENT = "\ufffd"
ZWSP = "\u200b"

# Deleted: C0 controls but tab and newline, DEL, C1 controls, the bidi embeddings, overrides and
# isolates (U+202A-202E, U+2066-2069). Mapped: carriage returns become newlines (a bare CR lets
# a line overwrite the one shown before it), lone surrogates U+FFFD.
_SANITIZE: dict[int, str | None] = {
    **{c: None for c in range(0x00, 0x20) if c not in (0x09, 0x0A)},
    0x0D: "\n",
    0x7F: None,
    **{c: None for c in range(0x80, 0xA0)},
    **{c: None for c in range(0x202A, 0x202F)},
    **{c: None for c in range(0x2066, 0x206A)},
    **{c: REPLACEMENT for c in range(0xD800, 0xE000)},
}
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def sanitize(text: str) -> str:
    """`text` without control characters (newline and tab kept, CR as a newline), bidi
    overrides or isolates, and with each lone surrogate replaced by U+FFFD."""
    if not _UNSAFE.search(text):  # the common case: nothing to do, no copy
        return text
    return text.replace("\r\n", "\n").translate(_SANITIZE)


def _sanitize_value(value: Any) -> Any:
    if isinstance(value, str):
        return sanitize(value)
    if isinstance(value, list):
        return [_sanitize_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _sanitize_value(v) for k, v in value.items()}
    return value


def _sanitize_model(model: _M) -> _M:
    data = model.model_dump()
    clean = _sanitize_value(data)
    return model if clean == data else type(model).model_validate(clean)


def sanitize_result(result: DigestResult) -> DigestResult:
    """`result` with `sanitize` applied to every string a renderer shows: the summary, notes,
    model, balance labels, the folded copies and the comments (their text only where another of
    their fields needs it, since no renderer shows a comment's whole text: a 20,000-comment
    result costs no copy).
    The entry of every renderer; `result` itself when nothing needed it."""
    update: dict[str, Any] = {}
    for name in ("summary", "balance"):
        part = getattr(result, name)
        clean = _sanitize_model(part)
        if clean is not part:
            update[name] = clean
    notes = [sanitize(note) for note in result.notes]
    if notes != result.notes:
        update["notes"] = notes
    if result.model is not None and sanitize(result.model) != result.model:
        update["model"] = sanitize(result.model)
    if any(
        _UNSAFE.search(c.id) or _UNSAFE.search(c.author or "") or _UNSAFE.search(c.url or "")
        for c in result.comments
    ):
        update["comments"] = [_sanitize_model(c) for c in result.comments]
    if any(_UNSAFE.search(f"{d.id}{d.author or ''}{d.kind}") for d in result.duplicates):
        update["duplicates"] = [_sanitize_model(d) for d in result.duplicates]
    return result.model_copy(update=update) if update else result


# Inline syntax of CommonMark (and GFM) and Discord, escaped wherever it stands: `\` (escapes,
# hard breaks), `*` `_` (emphasis, thematic breaks), `` ` `` (code), `~` (strikethrough,
# fences), `|` (tables, spoilers), `[` `]` (links, images, footnotes, reference definitions),
# `<` `>` (HTML, autolinks, mentions, timestamps, block quotes), and `#` after white space (a
# closing sequence of an ATX heading would be eaten).
_INLINE = re.compile(r"([\\`*_~|\[\]<>]|(?<!\S)#)")
# Block syntax at the start of a line (and of the text, which may follow a "- " or "> " that
# makes it a line start): ATX headings and Discord's -# subtext, lists (- + and "1." "1)"),
# setext underlines and thematic breaks (= -), block quotes (> is escaped anyway).
_LINE_START = re.compile(r"^([ \t]*)(?:([#=+\-])|(\d{1,9})([.)]))", re.MULTILINE)
# "&amp;" or "&#91;" would show as "&" or "[": a CommonMark entity is escaped to show as written.
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)


def neutralize_mentions(text: str) -> str:
    """`@everyone` and `@here` broken by a zero-width space, so no client reads them as mentions
    (``<@id>``, ``<@&id>`` and ``<#id>`` are neutralised by `escape`'s escape of ``<``)."""
    return _MENTION.sub("@" + ZWSP + r"\1", text)


def _line_start(match: re.Match[str]) -> str:
    indent, mark, number, dot = match.groups()
    if mark is not None:
        return f"{indent}\\{mark}"
    return f"{indent}{number}\\{dot}"


def escape(text: str, *, inline: bool = True) -> str:
    """`text` sanitized and escaped to show as written in Discord Markdown and CommonMark.

    `inline` (the default) folds every run of white space, line breaks included, to one space,
    for a place that must stay one line (a list item, a heading, an embed title). With
    ``inline=False`` line breaks are kept and each line's leading white space is removed (four
    spaces would start a code block); the caller keeps each line inside its container.
    """
    text = sanitize(text)
    if inline:
        text = " ".join(text.split())
    else:
        text = "\n".join(line.strip() for line in text.split("\n"))
    text = _INLINE.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    text = _LINE_START.sub(_line_start, text)
    return neutralize_mentions(text)


# What a link destination may hold: RFC 3986's unreserved and reserved characters and percent
# escapes, minus the ones that end a Markdown link or open another ( ) [ ] < > and quotes.
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+")
_HOST = re.compile(r"[A-Za-z0-9.\-]+")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def safe_url(url: str | None) -> str | None:
    """`url` when it is safe as a Markdown link destination, else None.

    Safe means: http or https, a host name or IPv4 address and no user part (so
    ``https://discord.com@evil.example`` is refused), at most 2000 characters, and only URL
    characters other than ``( ) [ ] < >``, quotes, white space and controls, no ``%`` but in a
    percent escape and nothing a viewer would decode as an HTML entity. Returns the URL
    with any ``@`` after the host percent-encoded.
    """
    if not url or len(url) > 2000 or not _URL_CHARS.fullmatch(url):
        return None
    # A viewer would decode "&amp;" or re-encode a stray "%": the link would not be this URL.
    if _ENTITY.search(url) or _BAD_PERCENT.search(url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or "@" in parts.netloc:
        return None
    host = parts.netloc.rsplit(":", 1)[0]
    if not host or not _HOST.fullmatch(host):
        return None
    # An "@" after the host (a path like /@everyone) is percent-encoded: no client reads a
    # mention in it.
    head, sep, tail = url.partition(parts.netloc)
    return head + sep + tail.replace("@", "%40")


def link(label: str, url: str | None) -> str:
    """``[label](url)`` when `url` is safe (`safe_url`), else `label` alone. `label` must be
    escaped already (`escape`)."""
    target = safe_url(url)
    return f"[{label}]({target})" if target else label


# JSON escapes C0 controls itself; these would still reach a terminal that prints it raw.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def to_json(result: DigestResult, **dump: Any) -> str:
    """`result` as JSON text that is valid UTF-8 and safe to print: lone surrogates become
    U+FFFD, and DEL, C1 controls and bidi overrides are written as ``\\uXXXX`` escapes (the data
    is kept: a JSON reader gets the same strings back). `dump` goes to `model_dump_json`."""
    try:
        text = result.model_dump_json(**dump)
    except ValueError:  # a lone surrogate somewhere: UTF-8 cannot encode it
        text = sanitize_surrogates(result).model_dump_json(**dump)
    if text.isascii() and "\x7f" not in text:
        return text  # nothing to escape: two C scans instead of a regex over every character
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_SURROGATES = {c: REPLACEMENT for c in range(0xD800, 0xE000)}


def _replace_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(_SURROGATES)
    if isinstance(value, list):
        return [_replace_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {k: _replace_surrogates(v) for k, v in value.items()}
    return value


def sanitize_surrogates(result: DigestResult) -> DigestResult:
    """`result` with each lone surrogate replaced by U+FFFD, and nothing else changed."""
    return type(result).model_validate(_replace_surrogates(result.model_dump()))
