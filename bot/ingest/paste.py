"""Pasted text: plain lines or paragraphs (`text`) and chat transcripts (`chat`).

Comment ids are `c1`, `c2`, ... in paste order (from `id_start`). Comment text is the pasted text
with only the format's own markup removed (a chat line's `Name: ` prefix, a Discord header line,
a copied page's headers and buttons: `bot.ingest.copies`) and leading/trailing white space
stripped; inner characters are never changed, because the
summary's quotes are later verified against it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from bot.ingest.copies import Shape, find_shape, parse_copy
from bot.ingest.quotes import resolve_quote_replies
from bot.ingest.timestamps import (
    DATE_PATTERN,
    TIME_PATTERN,
    DateOrder,
    infer_date_order,
    parse_date_time,
)
from bot.thread import Comment

# Only \r\n, \r and \n end a line: str.splitlines() would also split on \x0c, \x1c, U+2028 and
# others, which can sit inside a comment.
_NEWLINE = re.compile(r"\r\n|\r|\n")
_QUOTE_START = re.compile(r"^[ \t]*>")

# A chat name: 1-40 characters, at most four words, no sentence punctuation, so that
# "However, the point is: ..." is not taken for a speaker, nor a quote or list item ("> a: b",
# "- Pros: cheap").
_NAME = r"[^\s.,;:!?\"\u201c\u201d\[\]>*#\u2022-][^.,;:!?\"\u201c\u201d\n]{0,39}?"
_NAME_LINE = re.compile(rf"^(?P<name>{_NAME})[ \t]*:(?:[ \t]+(?P<text>.*))?$")
# `[10:32 AM] Name: text` (Discord's compact mode, IRC logs); the bracket may hold a date too.
_COMPACT_LINE = re.compile(
    rf"^\[(?P<when>(?:{DATE_PATTERN},?\s+)?{TIME_PATTERN})\][ \t]*(?P<name>{_NAME})[ \t]*:"
    rf"(?:[ \t]+(?P<text>.*))?$"
)
# Discord's copy-paste header, `Name — Today at 10:32 AM`, `Name — 03/14/2024 10:32 AM`. A bare
# time (`Name — 10:32 AM`) is accepted only with Discord's em or en dash, being easier to mistake.
_DISCORD_HEADER = re.compile(
    r"^(?P<name>\S.{0,39}?)[ \t]+(?:"
    rf"[\u2014\u2013-][ \t]+(?P<when>(?:Today|Yesterday)[ \t]+at[ \t]+{TIME_PATTERN}"
    rf"|{DATE_PATTERN},?[ \t]+(?:at[ \t]+)?{TIME_PATTERN})"
    rf"|[\u2014\u2013][ \t]+(?P<bare>{TIME_PATTERN})"
    r")[ \t]*$"
)
_MAX_NAME_WORDS = 4
# `chat` is chosen only when this share of non-empty lines starts a message, so that prose with
# an occasional "Note: ..." stays `text`.
CHAT_LINE_SHARE = 0.5
SNIFF_LINES = 5000


def split_lines(text: str) -> list[str]:
    """Split on \\r\\n, \\r and \\n only (see `_NEWLINE`)."""
    # Without a \r, only \n ends a line, and str.split does that several times faster.
    return _NEWLINE.split(text) if "\r" in text else text.split("\n")


def _is_blank(line: str) -> bool:
    return not line.strip()


def _name_ok(name: str) -> bool:
    name = name.strip()
    return bool(name) and len(name.split()) <= _MAX_NAME_WORDS and not _LINE_LABEL.fullmatch(name)


# Labels people write inside a message ("Edit: I meant next sprint", "PS: ...", "Update 2:"):
# a line that starts with one continues the message above it; it is not a speaker.
_LINE_LABEL = re.compile(
    r"(?:edit(?:ed)?|update[sd]?|eta|note|ps|pps|nb|tldr|sources?|links?|fyi|btw|spoilers?"
    r"|disclaimer|correction|addendum|reminder)(?:[ \t]*\d{1,2}|[ \t]*\([^)]*\))?",
    re.IGNORECASE,
)


def _numbered(texts: list[str], id_start: int) -> list[Comment]:
    return [Comment(id=f"c{id_start + n}", text=t) for n, t in enumerate(texts)]


def parse_text(text: str, *, id_start: int = 1) -> list[Comment]:
    """Plain text: one comment per paragraph or per line.

    Paragraphs (blocks between blank lines) are used when there are at least two of them and one
    has more than one line; otherwise every non-blank line is a comment. A `> quoted` line (or
    paragraph) is kept with the line (or paragraph) that follows it, since a quote is not a
    comment of its own. A copy of a Hacker News, Reddit or X page is read by its headers.
    Quoted replies (`> ...`, `"..." - ...`) set `reply_to`; see `bot.ingest.quotes`.
    """
    lines = split_lines(text)
    if _uses_hn_headers(lines):
        return resolve_quote_replies(_parse_hn(lines, id_start))
    shape = _page_copy(lines)
    if shape is not None:
        return resolve_quote_replies(parse_copy(shape, lines, id_start))
    stripped_lines = list(map(str.strip, lines))
    paragraphs: list[list[str]] = [[]]
    if all(stripped_lines):  # no blank line: one paragraph, so a comment per line
        paragraphs = [lines]
    else:
        for line, stripped in zip(lines, stripped_lines, strict=True):
            if not stripped:  # a blank line (`_is_blank`)
                if paragraphs[-1]:
                    paragraphs.append([])
            else:
                paragraphs[-1].append(line)
        paragraphs = [p for p in paragraphs if p]
    if len(paragraphs) >= 2 and any(len(p) > 1 for p in paragraphs):
        items = _join_quote_paragraphs(paragraphs)
    elif ">" not in text:  # no quote to keep with its reply
        items = list(filter(None, stripped_lines))
    else:
        items = []
        pending_quote: list[str] = []
        for line, stripped in zip(lines, stripped_lines, strict=True):
            if not stripped:
                continue
            if stripped[0] == ">" and _QUOTE_START.match(line):
                pending_quote.append(line.rstrip())
                continue
            if pending_quote:
                items.append("\n".join([*pending_quote, line.rstrip()]).strip())
                pending_quote = []
            else:
                items.append(stripped)
        if pending_quote:  # a quote with no reply after it is still text someone pasted
            items.append("\n".join(pending_quote).strip())
    return resolve_quote_replies(_numbered([i for i in items if i], id_start))


def _join_quote_paragraphs(paragraphs: list[list[str]]) -> list[str]:
    """One item per paragraph, except that a paragraph of `> quoted` lines only is kept with the
    paragraph after it: a quote alone is not a comment when the reply follows a blank line."""
    items: list[str] = []
    pending: list[str] = []
    for paragraph in paragraphs:
        if all(_QUOTE_START.match(line) for line in paragraph):
            pending.append("\n".join(paragraph).strip())
            continue
        items.append("\n\n".join([*pending, "\n".join(paragraph).strip()]))
        pending = []
    if pending:  # a quote with no reply after it is still text someone pasted
        items.append("\n\n".join(pending))
    return items


# A copy of a Hacker News comment page: each comment starts with a header line,
# `user 4 hours ago | parent | next [–]` (`12 points by user ...` where the page shows points;
# indented by its depth when the copy keeps it), and ends
# with a `reply` link line. Both are page furniture, not text anyone wrote.
_HN_HEADER = re.compile(
    r"^(?P<indent>[ \t]*)(?:\d{1,7}[ \t]+points?[ \t]+by[ \t]+)?(?P<name>[A-Za-z0-9_\-]{1,40})"
    r"[ \t]+(?P<age>\d{1,4}[ \t]+(?:second|minute|hour|day|week|month|year)s?[ \t]+ago"
    r"|on[ \t]+[A-Z][a-z]{2}[ \t]+\d{1,2},[ \t]+\d{4})"
    r"(?:(?P<links>[ \t]*\|[^|\n]{0,40}(?:\|[^|\n]{0,40})*)|[ \t]+\[[\u2013\u2014+\-]\][ \t]*)$"
)
_HN_REPLY = re.compile(r"^[ \t]*reply[ \t]*$")


def _hn_header(line: str) -> re.Match[str] | None:
    if len(line) > _MAX_HEADER_CHARS or (" ago" not in line and " on " not in line):
        return None
    match = _HN_HEADER.match(line)
    # A bare "alice 3 hours ago" could be a sentence: a header carries the page's links or the
    # collapse button "[–]".
    return match


def _uses_hn_headers(lines: list[str]) -> bool:
    """A Hacker News page copy: it starts with a comment header, or has two of them."""
    first = next((line for line in lines if not _is_blank(line)), "")
    if _hn_header(first):
        return True
    return sum(1 for line in lines[:SNIFF_LINES] if _hn_header(line)) >= 2


def is_hn_copy(text: str) -> bool:
    """Whether a paste is a copy of a Hacker News page (`parse_text` and `parse_chat` read it by
    its headers): its nesting is known, so a comment without `reply_to` is top-level. Only the
    head of the text is looked at, as the readers do."""
    return _uses_hn_headers(split_lines(text[:_HN_SNIFF_CHARS])[:SNIFF_LINES])


_HN_SNIFF_CHARS = 1_000_000  # more than SNIFF_LINES header-length lines


def _parse_hn(lines: list[str], id_start: int) -> list[Comment]:
    """Comments of a Hacker News page copy: the header gives the author; nesting comes from the
    header's indentation where the copy kept it, else a header with `parent` answers the
    comment before it. `reply` lines and the headers are dropped; the text is kept verbatim,
    less the indentation of its depth."""
    found: list[tuple[str, int, bool, list[str]]] = []  # name, indent, has parent, lines
    preamble: list[str] = []
    for line in lines:
        header = _hn_header(line)
        if header:
            links = header["links"].lower()
            indent = len(header["indent"].expandtabs(4))
            found.append((header["name"], indent, "parent" in links, []))
        elif _HN_REPLY.match(line):
            continue
        elif found:
            found[-1][3].append(line)
        else:
            preamble.append(line)
    comments: list[Comment] = []
    stack: list[tuple[int, str]] = []  # (indent, id) of the open comments, shallowest first
    indented = any(indent for _, indent, _, _ in found)
    head = "\n".join(preamble).strip()
    if head:
        comments.append(Comment(id=f"c{id_start}", text=head))
    for name, indent, has_parent, body in found:
        text = _dedent(body, indent)
        if not text:
            continue
        cid = f"c{id_start + len(comments)}"
        parent: str | None = None
        if indented:
            while stack and stack[-1][0] >= indent:
                stack.pop()
            parent = stack[-1][1] if stack else None
            stack.append((indent, cid))
        elif has_parent and comments:
            parent = comments[-1].id
        comments.append(Comment(id=cid, text=text, author=name, reply_to=parent))
    return comments


def _dedent(body: list[str], indent: int) -> str:
    out = []
    for line in body:
        lead = len(line) - len(line.lstrip(" \t"))
        out.append(line[min(lead, indent) :] if indent else line)
    return "\n".join(out).strip()


@dataclass
class _Message:
    author: str | None
    when: str | None
    lines: list[str] = field(default_factory=list)


# A header is a name of at most 40 characters, a dash and a date and time: a longer line is
# text, and is not handed to the regex (whose name-then-blanks search is slow on long blank runs).
_MAX_HEADER_CHARS = 200


def _discord_header(line: str) -> re.Match[str] | None:
    if len(line) > _MAX_HEADER_CHARS:
        return None
    match = _DISCORD_HEADER.match(line)
    return match if match and match["name"].strip() else None


def _name_line(line: str) -> re.Match[str] | None:
    match = _NAME_LINE.match(line)
    return match if match and _name_ok(match["name"]) else None


def _compact_line(line: str) -> re.Match[str] | None:
    match = _COMPACT_LINE.match(line)
    return match if match and _name_ok(match["name"]) else None


def _uses_discord_headers(lines: list[str]) -> bool:
    """Discord copy-paste: the paste starts with a header, or has at least two headers (among
    its first `SNIFF_LINES` lines)."""
    first = next((line for line in lines if not _is_blank(line)), "")
    if _discord_header(first):
        return True
    count = 0
    for line in lines[:SNIFF_LINES]:
        if _discord_header(line):
            count += 1
            if count >= 2:
                return True
    return False


def _chat_starts(lines: list[str]) -> tuple[int, int]:
    """(non-empty lines, lines that start a chat message) among `lines`."""
    non_empty = 0
    starts = 0
    for line in lines:
        if _is_blank(line):
            continue
        non_empty += 1
        if _compact_line(line) or _name_line(line):
            starts += 1
    return non_empty, starts


def _page_copy(lines: list[str]) -> Shape | None:
    """The shape of a Reddit or X page copy (`bot.ingest.copies`), unless the paste has more
    `Name: text` lines than copy headers: a chat that pastes a post or two stays a chat."""
    found = find_shape(lines)
    if found is None:
        return None
    shape, headers = found
    return shape if headers >= _chat_starts(lines[:SNIFF_LINES])[1] else None


def looks_like_chat(text: str) -> bool:
    """True for a Discord copy-paste (headers) or a transcript where most non-empty lines are
    `Name: text` or `[time] Name: text`, with at least two such lines. Only the first
    `SNIFF_LINES` lines are looked at: a paste does not change its kind halfway through."""
    lines = split_lines(text)[:SNIFF_LINES]
    if _uses_discord_headers(lines):
        return True
    if _page_copy(lines) is not None:
        return False  # a Reddit or X page copy (read by `parse_text` and `parse_chat` alike)
    non_empty, starts = _chat_starts(lines)
    return starts >= 2 and starts >= CHAT_LINE_SHARE * non_empty


def _chat_time(when: str | None, order: DateOrder) -> datetime | None:
    # "Today at"/"Yesterday at" and bare times leave the date unknown: we do not guess it.
    if not when or when.startswith(("Today", "Yesterday")):
        return None
    return parse_date_time(when, order)


def parse_chat(text: str, *, id_start: int = 1) -> list[Comment]:
    """A chat transcript: Discord copy-paste headers, `[time] Name: text`, or `Name: text` lines.

    With Discord headers (`Name — Today at 10:32 AM`), the lines under a header up to the next
    header form one comment; `Name: text` lines are then read as message text. Otherwise each
    `Name: text` or `[time] Name: text` line starts a comment and other lines continue it. Lines
    before the first speaker form a comment without an author. Times are set only when a full
    date is given (as UTC). Quoted replies set `reply_to` (see `bot.ingest.quotes`).
    """
    lines = split_lines(text)
    discord_mode = _uses_discord_headers(lines)
    shape = None if discord_mode else _page_copy(lines)
    if shape is not None:
        return resolve_quote_replies(parse_copy(shape, lines, id_start))
    messages: list[_Message] = []
    current: _Message | None = None
    for line in lines:
        header = _discord_header(line) if discord_mode else None
        if header:
            current = _Message(header["name"].strip(), header["when"] or header["bare"])
            messages.append(current)
            continue
        start = _compact_line(line) or (None if discord_mode else _name_line(line))
        if start:
            when = start.groupdict().get("when")
            current = _Message(start["name"].strip(), when, [start["text"] or ""])
            messages.append(current)
            continue
        if current is None:
            current = _Message(None, None)
            messages.append(current)
        current.lines.append(line)

    order = infer_date_order(m.when for m in messages if m.when)
    comments: list[Comment] = []
    for message in messages:
        body = "\n".join(message.lines).strip()
        if not body:
            continue
        comments.append(
            Comment(
                id=f"c{id_start + len(comments)}",
                text=body,
                author=message.author,
                time=_chat_time(message.when, order),
            )
        )
    return resolve_quote_replies(comments)
