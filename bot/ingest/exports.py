"""DiscordChatExporter exports: JSON (`discord-json`), TXT (`discord-txt`) and CSV (`discord-csv`).

Shapes follow Tyrrrz/DiscordChatExporter's writers (`JsonMessageWriter`, `PlainTextMessageWriter`,
`CsvMessageWriter` under `DiscordChatExporter.Core/Exporting/`). Only people's messages are
kept: system notifications (joins, pins, calls, thread starts, ...) and messages with neither text
nor attachments (an embed or a sticker alone) are skipped. A message with attachments but no text
reads `[attachment: name]`, one line per file. JSON comments keep their Discord message ids; TXT
and CSV exports carry no ids, so their comments are numbered `m1`, `m2`, ... from `id_start`.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable
from typing import Any, TypeGuard
from urllib.parse import unquote, urlsplit

from bot.ingest.paste import split_lines
from bot.ingest.quotes import resolve_quote_replies
from bot.ingest.schema import SiteModel, Snowflake, validate
from bot.ingest.source import fail
from bot.ingest.timestamps import infer_date_order, parse_date_time, parse_iso
from bot.thread import BOT_NAME, Comment, Thread

log = logging.getLogger(__name__)

SOURCE = "discord-export"
# Message kinds written by people; every other kind (RecipientAdd, GuildMemberJoin,
# ChannelPinnedMessage, ThreadCreated, ThreadStarterMessage, boosts, ...) is a system message.
# Numbers are Discord's message types, for files that were written with them.
_PEOPLE_KINDS: frozenset[object] = frozenset({"Default", "Reply", 0, 19})
_DISCORD_URL = "https://discord.com/channels"
CSV_HEADER = ("AuthorID", "Author", "Date", "Content", "Attachments", "Reactions")

# The text DiscordChatExporter writes in place of a system message in its TXT and CSV exports
# (`PlainTextMessageExtensions.GetFallbackContent`).
_SYSTEM_TEXT = re.compile(
    r"Added a recipient\.|Added .+ to the group\.|Removed a recipient\.|Removed .+ from the group\."
    r"|Left the group\.|Started a call that lasted [\d,.]+ minutes\."
    r"|Changed the channel name(?:: .*|\.)|Changed the channel icon\.|Pinned a message\."
    r"|Started a thread\.|Joined the server\."
)

_TXT_RULE = re.compile(r"^={10,}[ \t]*$")
_TXT_FOOTER = re.compile(r"^Exported [\d,.\s\u00a0\u202f']+ message\(s\)[ \t]*$")
# `[3/14/2024 10:32 AM] alice` (with ` (pinned)` on pinned messages). The brackets are short
# and hold a time; the length bound keeps a long line of digits from making the match slow.
# The author is the rest of the line, trimmed in Python (`_txt_author`): a lazy `.*?` before an
# optional suffix and trailing blanks made the match quadratic on a line of spaces.
_TXT_HEADER = re.compile(r"^\[(?P<when>[^\[\]\n]{4,60})\] (?P<author>\S.*)$")
_PINNED = " (pinned)"
_HAS_TIME = re.compile(r"\d[:.]\d\d")
_TXT_BLOCK = re.compile(r"^\{(?P<block>Attachments|Embed|Stickers|Reactions)\}[ \t]*$")
_PREAMBLE_KEYS = ("Guild:", "Channel:")


def _attachment_name(url: str) -> str:
    """The file name at the end of an attachment URL (or path); the text itself when it has
    none. Any text is accepted: a URL that does not parse (`http://[x`) is read as a path."""
    text = url.strip()
    try:
        path = urlsplit(text).path or text
    except ValueError:
        path = text.split("?", 1)[0].split("#", 1)[0]
    return unquote(path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]) or text


def _attachment_text(names: Iterable[str]) -> str:
    return "\n".join(f"[attachment: {name}]" for name in names if name)


# --- JSON ---------------------------------------------------------------------------------------


def is_discord_json(data: object) -> TypeGuard[dict[str, Any]]:
    """A DiscordChatExporter JSON export: an object with a `messages` list and a `guild` or
    `channel` object (which tells it from other chat exports that also have `messages`)."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("messages"), list)
        and (isinstance(data.get("guild"), dict) or isinstance(data.get("channel"), dict))
    )


class _Author(SiteModel):
    name: str | None = None
    nickname: str | None = None
    isBot: bool = False  # noqa: N815 - the exporter's key


class _Attachment(SiteModel):
    url: str | None = None
    fileName: str | None = None  # noqa: N815


class _Reference(SiteModel):
    messageId: Snowflake | None = None  # noqa: N815
    type: str | None = None  # "Default" for a reply; a forward also carries a reference


class _Message(SiteModel):
    id: Snowflake
    type: str | int = "Default"
    # Read by `parse_iso`: a time it cannot read is no time, not a reason to refuse the export.
    timestamp: Any = None
    content: str | None = None
    author: _Author = _Author()
    attachments: list[_Attachment] | None = None
    reference: _Reference | None = None


class _Guild(SiteModel):
    id: Snowflake | None = None


class _Channel(SiteModel):
    id: Snowflake | None = None
    type: str | int | None = None
    name: str | None = None


class DiscordExport(SiteModel):
    """A DiscordChatExporter JSON export, as far as we read it (`JsonMessageWriter`)."""

    guild: _Guild | None = None
    channel: _Channel | None = None
    messages: list[_Message]


def _nonempty_str(value: str | None) -> str | None:
    return value if value and value.strip() else None


def parse_discord_json(data: object, name: str) -> Thread:
    """Read a parsed DiscordChatExporter JSON export.

    Keeps messages of type Default and Reply; the author is the nickname, else the user name;
    `reply_to` is `reference.messageId`; `url` links the message when the guild and channel ids
    are known (`@me` for direct messages, whose guild id is 0). Raises `InputError` when `data` is
    not an export, or a part of it is not what the exporter writes (a message without a numeric
    id, a content that is not a string, ...), naming the first such place.
    """
    if not is_discord_json(data):
        raise fail(
            name,
            'not a DiscordChatExporter JSON export (expected an object with "guild", "channel" '
            'and "messages")',
        )
    export = validate(DiscordExport, data, name, "DiscordChatExporter JSON export")
    guild, channel = export.guild or _Guild(), export.channel or _Channel()
    guild_id, channel_id = guild.id, channel.id
    direct = guild_id == "0" or (
        isinstance(channel.type, str) and channel.type.startswith("Direct")
    )
    base = None
    if channel_id and (direct or guild_id):
        base = f"{_DISCORD_URL}/{'@me' if direct else guild_id}/{channel_id}"

    comments: list[Comment] = []
    skipped = 0
    for message in export.messages:
        # bool is an int to Python; strict validation has already refused it.
        if message.type not in _PEOPLE_KINDS:
            skipped += 1
            continue
        message_id = message.id
        text = (message.content or "").strip()
        if not text:
            text = _attachment_text(
                _nonempty_str(a.fileName) or _attachment_name(a.url or "")
                for a in message.attachments or []
            )
        if not text:
            skipped += 1  # an embed, a sticker or a poll with no words of its own
            continue
        reference = message.reference
        # A forward also carries a reference; only a plain reference is a reply.
        reply_to = None
        if reference is not None and reference.type in (None, "Default"):
            reply_to = reference.messageId
        comments.append(
            Comment(
                id=message_id,
                text=text,
                author=_nonempty_str(message.author.nickname) or _nonempty_str(message.author.name),
                time=parse_iso(message.timestamp),
                reply_to=reply_to,
                url=f"{base}/{message_id}" if base else None,
                is_bot=message.author.isBot,
            )
        )
    log.debug("%s: %d messages kept, %d skipped", name, len(comments), skipped)
    return Thread(
        # A message that quotes an earlier one ("> ..." in Discord) without a reply reference
        # answers it, as in a paste.
        comments=tuple(resolve_quote_replies(comments)),
        title=_nonempty_str(channel.name),
        source=SOURCE,
        url=base,
    )


# --- TXT ----------------------------------------------------------------------------------------


def looks_like_discord_txt(text: str) -> bool:
    """The export's preamble: a `====` rule, then `Guild:` and `Channel:` lines."""
    lines = text.lstrip().split("\n", 12)[:12]
    if not lines or not _TXT_RULE.match(lines[0].rstrip("\r")):
        return False
    found = {key for line in lines[1:] for key in _PREAMBLE_KEYS if line.startswith(key)}
    return len(found) == len(_PREAMBLE_KEYS)


def _is_footer(lines: list[str], index: int) -> bool:
    return (
        bool(_TXT_RULE.match(lines[index]))
        and index + 1 < len(lines)
        and bool(_TXT_FOOTER.match(lines[index + 1]))
    )


def parse_discord_txt(text: str, name: str, *, id_start: int = 1) -> Thread:
    """Read a DiscordChatExporter TXT export.

    Each message starts with `[timestamp] author` after a blank line; its text runs to the first
    `{Attachments}`/`{Embed}`/`{Stickers}`/`{Reactions}` block, and the blocks are dropped (an
    attachment's file name stands in for an empty text). The `====` preamble (its `Channel:`
    becomes the title) and the `Exported N message(s)` footer are skipped, and so are system
    lines such as `Joined the server.`. Timestamps are read as UTC (see `bot.ingest.timestamps`).
    """
    lines = split_lines(text)
    title = None
    start = 0
    first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if first < len(lines) and _TXT_RULE.match(lines[first]):
        closing = next((i for i in range(first + 1, len(lines)) if _TXT_RULE.match(lines[i])), None)
        if closing is not None:
            for line in lines[first + 1 : closing]:
                if line.startswith("Channel:"):
                    title = line[len("Channel:") :].strip() or None
            start = closing + 1

    # (author, timestamp, body lines) for each message, in file order.
    raw: list[tuple[str, str, list[str]]] = []
    previous_blank = True
    for index in range(start, len(lines)):
        line = lines[index]
        if _is_footer(lines, index):
            break
        header = _TXT_HEADER.match(line) if previous_blank and line[:1] == "[" else None
        if header and not _HAS_TIME.search(header["when"]):
            header = None
        if header:
            author = header["author"].rstrip(" \t")
            author = author.removesuffix(_PINNED)
            raw.append((author.strip(), header["when"].strip(), []))
        elif raw:
            raw[-1][2].append(line)
        previous_blank = not line.strip()

    order = infer_date_order(when for _, when, _ in raw)
    comments: list[Comment] = []
    for author, when, body in raw:
        content: list[str] = []
        attachments: list[str] = []
        block = None
        for line in body:
            marker = _TXT_BLOCK.match(line)
            if marker:
                block = marker["block"]
            elif block is None:
                content.append(line)
            elif block == "Attachments" and line.strip():
                attachments.append(_attachment_name(line))
        message = "\n".join(content).strip()
        if _SYSTEM_TEXT.fullmatch(message) and not attachments:
            continue
        message = message or _attachment_text(attachments)
        if not message:
            continue
        comments.append(
            Comment(
                id=f"m{id_start + len(comments)}",
                text=message,
                author=author,
                time=parse_date_time(when, order),
                is_bot=BOT_NAME.search(author) is not None,
            )
        )
    return Thread(comments=tuple(resolve_quote_replies(comments)), title=title, source=SOURCE)


# --- CSV ----------------------------------------------------------------------------------------


def _csv_columns(first_line: str) -> list[str]:
    try:
        row = next(csv.reader([first_line]), [])
    except csv.Error:
        return []
    return [cell.strip().lower() for cell in row]


def looks_like_discord_csv(text: str, name: str = "") -> bool:
    """The export's header row `AuthorID,Author,Date,Content,Attachments,Reactions`; for a `.csv`
    file, any header with `Author`, `Date` and `Content` columns (older exporter versions)."""
    first_line = text.lstrip("\r\n").split("\n", 1)[0][:500].rstrip("\r")
    columns = _csv_columns(first_line)
    if columns[: len(CSV_HEADER)] == [c.lower() for c in CSV_HEADER]:
        return True
    return name.lower().endswith(".csv") and {"author", "date", "content"} <= set(columns)


def parse_discord_csv(text: str, name: str, *, id_start: int = 1) -> Thread:
    """Read a DiscordChatExporter CSV export (columns `Author`, `Date`, `Content`, `Attachments`).

    Rows whose content is a system notification are skipped; attachment URLs (comma-separated in
    one cell) give `[attachment: name]` when the content is empty. Raises `InputError` when the
    header lacks those columns or the CSV is malformed.
    """
    reader = csv.reader(io.StringIO(text.lstrip("\r\n"), newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        if not {"author", "date", "content"} <= set(header):
            raise fail(
                name,
                "not a DiscordChatExporter CSV export (expected the header "
                f"{','.join(CSV_HEADER)})",
            )
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as err:
        raise fail(name, f"malformed CSV (line {reader.line_num}): {err}") from err

    def cell(row: list[str], column: str) -> str:
        position = header.index(column) if column in header else -1
        return row[position] if 0 <= position < len(row) else ""

    order = infer_date_order(cell(row, "date") for row in rows)
    comments: list[Comment] = []
    for row in rows:
        content = cell(row, "content").strip()
        attachments = [
            _attachment_name(u) for u in cell(row, "attachments").split(",") if u.strip()
        ]
        if _SYSTEM_TEXT.fullmatch(content) and not attachments:
            continue
        content = content or _attachment_text(attachments)
        if not content:
            continue
        author = cell(row, "author").strip() or None
        comments.append(
            Comment(
                id=f"m{id_start + len(comments)}",
                text=content,
                author=author,
                time=parse_date_time(cell(row, "date"), order),
                is_bot=author is not None and BOT_NAME.search(author) is not None,
            )
        )
    return Thread(comments=tuple(resolve_quote_replies(comments)), source=SOURCE)
