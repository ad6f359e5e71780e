"""Copies of comment pages pasted as text: old Reddit, new Reddit and X/Twitter.

A page copied with the mouse keeps its furniture: a header line (or a few lines) per comment
with the author and its age, and buttons or counts after the text (`permalink embed save report
reply`, `Reply Share`, `12 Retweets`). Read as plain text, the authors are lost and the furniture
leaks into the comments. Here each shape has a header reader; the lines between two headers are
the comment, less the furniture lines; the text is otherwise kept verbatim.

Reply evidence each copy carries: old Reddit's `parent` link (a reply, read as answering the
comment before, as a flat Hacker News copy is) and `> quotes` (resolved later by
`bot.ingest.quotes`); new Reddit's `level N` lines (nesting); X's `Replying to @a` line (the
latest earlier post by @a, else the first post).

A shape is used when the paste starts with one of its headers or holds at least two of them (in
its first `SNIFF_LINES` lines), so that prose mentioning "5 points 2 hours ago" stays prose. Every
reader looks at a bounded window of lines around each line: the cost is linear in the paste.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.thread import Comment

SNIFF_LINES = 5000
# A header is short; longer lines are text and never reach a regex.
_MAX_HEADER_CHARS = 200
# How many lines a multi-line header may span (name, badge, dot, age), blank lines included.
_WINDOW = 8

_AGE_WORDS = r"(?:second|minute|hour|day|week|month|year)s?"
_DASH_BUTTON = r"\[[\u2013\u2014+\-]\]"


@dataclass
class _Header:
    start: int  # first line of the header
    end: int  # first line after it
    author: str | None
    level: int | None = None  # new Reddit's `level N`
    handle: str | None = None  # X's @handle
    replying: list[str] = field(default_factory=list)


@dataclass
class Shape:
    name: str
    header_at: Callable[[list[str], int], _Header | None]
    # Lines dropped wherever they are (unmistakable furniture).
    furniture: Callable[[str], bool]
    # Lines dropped only at either end of a comment (counts and buttons around the text).
    edge: Callable[[str], bool]


# --- old Reddit ---------------------------------------------------------------------------------

# `[–]name 212 points 6 hours ago`, `[+]name [S] Flair text 1 point 2 hours ago* (3 children)`,
# `[–][deleted] 4 points 2 hours ago`, `[–]name [score hidden] 5 minutes ago`. The collapse button
# may be missing from a copy, and then so must a flair be (a sentence is not a header).
_OLD_SCORE = r"(?:-?\d[\d,]{0,9}[ \t]+points?|\[?score[ \t]+hidden\]?)"
# After the age: an edit mark, `(3 children)` on a collapsed comment, `stickied comment`.
_OLD_AGE = (
    rf"\d{{1,4}}[ \t]+{_AGE_WORDS}[ \t]+ago\*?(?:[ \t]*\(\d{{1,6}}[ \t]+child(?:ren)?\))?"
    r"(?:[ \t]*stickied[ \t]+comment)?"
)
_OLD_NAME = r"(?P<name>\[deleted\]|\[removed\]|[A-Za-z0-9_\-]{2,20})(?:[ \t]*\[[SMA]\])?"
_OLD_HEADER = re.compile(
    rf"^[ \t]*(?:{_DASH_BUTTON}[ \t]*{_OLD_NAME}(?:[ \t]+[^\n]{{1,64}}?)?"
    rf"|{_OLD_NAME.replace('?P<name>', '?P<bare>')})"
    rf"[ \t]+{_OLD_SCORE}[ \t]+{_OLD_AGE}$"
)
# The post's own header: `submitted 6 hours ago by name` (a copy of the whole page).
_OLD_SUBMITTED = re.compile(
    rf"^[ \t]*submitted[ \t]+\d{{1,4}}[ \t]+{_AGE_WORDS}[ \t]+ago\*?[ \t]+by[ \t]+"
    r"(?P<name>[A-Za-z0-9_\-]{2,20})\b[^\n]{0,80}$"
)
# `permalinkembedsavereportgive awardreply`, `permalink embed save parent report reply`, ...: the
# buttons under a comment, with or without the spaces between them.
_OLD_BUTTONS = re.compile(
    r"^[ \t]*permalink(?:[ \t]*(?:embed|save|unsave|parent|report|give[ \t]?award|reply|edit"
    r"|delete|source|context|full[ \t]comments(?:[ \t]*\(\d+\))?|share|hide))*[ \t]*$",
    re.IGNORECASE,
)
_OLD_MORE = re.compile(
    r"^[ \t]*(?:load[ \t]+more[ \t]+comments[ \t]*(?:\(\d+[ \t]+repl(?:y|ies)\))?"
    r"|continue[ \t]+this[ \t]+thread[ \t]*(?:\u2192)?|sorted[ \t]+by:[^\n]{0,40}"
    r"|all[ \t]+\d+[ \t]+comments)[ \t]*$",
    re.IGNORECASE,
)


def _old_header(lines: list[str], i: int) -> _Header | None:
    line = lines[i]
    if len(line) > _MAX_HEADER_CHARS or " ago" not in line:
        return None
    match = _OLD_HEADER.match(line)
    if match:
        name = match["name"] or match["bare"]
        return _Header(i, i + 1, None if name.startswith("[") else name)
    if "submitted" in line:
        match = _OLD_SUBMITTED.match(line)
        if match:
            return _Header(i, i + 1, match["name"])
    return None


def _old_furniture(line: str) -> bool:
    return bool(_OLD_BUTTONS.match(line) or _OLD_MORE.match(line))


# --- new Reddit ---------------------------------------------------------------------------------

_NEW_NAME = re.compile(r"^[ \t]*(?P<name>(?:u/)?[A-Za-z0-9_\-]{3,20}|\[deleted\])[ \t]*$")
_NEW_AGE_CORE = (
    r"\d{1,3}[ \t]*(?:s|m|h|d|w|mo|y|yr|yrs|min|mins|hr|hrs|sec|secs|days?|hours?|minutes?"
    r"|weeks?|months?|years?)\.?(?:[ \t]+ago)?"
    r"(?:[ \t]*[\u00b7\u2022][ \t]*(?:Edited|edited)[^\n]{0,30})?"
)
_NEW_AGE = re.compile(rf"^[ \t]*(?:[\u00b7\u2022][ \t]*)?{_NEW_AGE_CORE}[ \t]*$")
_DOT = re.compile(r"^[ \t]*[\u00b7\u2022][ \t]*$")
_DOTTED_OR_AGO = re.compile(r"[\u00b7\u2022]|\bago\b")
# `name · 6h`, `u/name • 6h ago` on one line.
_NEW_ONE_LINE = re.compile(
    r"^[ \t]*(?P<name>(?:u/)?[A-Za-z0-9_\-]{3,20}|\[deleted\])(?:[ \t]+OP)?"
    rf"[ \t]*[\u00b7\u2022][ \t]*{_NEW_AGE_CORE}[ \t]*$"
)
# Badges a copy puts between the name and the age.
_NEW_BADGE = re.compile(
    r"^[ \t]*(?:OP|MOD|Mod|Top[ \t]+\d{1,2}%[ \t]+(?:Commenter|Poster)|Verified"
    r"|Profile[ \t]+Badge[ \t]+for[^\n]{0,80})[ \t]*$"
)
_LEVEL = re.compile(r"^[ \t]*level[ \t]+(?P<n>\d{1,3})[ \t]*$", re.IGNORECASE)
_NEW_BUTTON_WORDS = (
    r"reply|share|award|give[ \t]award|report|save|follow|upvote|downvote|vote|more[ \t]replies"
    r"|\d+[ \t]+more[ \t]+repl(?:y|ies)|continue[ \t]+this[ \t]+thread|view[ \t]+more[ \t]+comments"
    r"|edited|\.\.\.|\u2026"
)
_NEW_BUTTONS = re.compile(rf"^[ \t]*(?:(?:{_NEW_BUTTON_WORDS})[ \t]*)+$", re.IGNORECASE)
_COUNT = re.compile(r"^[ \t]*[+\-]?\d[\d.,]{0,9}[kKmM]?[ \t]*$")


def _next_filled(lines: list[str], i: int, stop: int) -> int | None:
    while i < stop and i < len(lines):
        if lines[i].strip():
            return i
        i += 1
    return None


def _new_header(lines: list[str], i: int) -> _Header | None:
    line = lines[i]
    if len(line) > _MAX_HEADER_CHARS:
        return None
    if "\u00b7" in line or "\u2022" in line:
        match = _NEW_ONE_LINE.match(line)
        if match:
            return _Header(i, i + 1, _reddit_name(match["name"]))
    match = _NEW_NAME.match(line)
    if not match:
        return None
    # name, then (blank lines,) badges and a lone dot, then the age.
    stop = i + _WINDOW
    j = _next_filled(lines, i + 1, stop)
    dotted = False
    while j is not None and (_NEW_BADGE.match(lines[j]) or _DOT.match(lines[j])):
        dotted = dotted or bool(_DOT.match(lines[j]))
        j = _next_filled(lines, j + 1, stop)
    if j is None or len(lines[j]) > _MAX_HEADER_CHARS or not _NEW_AGE.match(lines[j]):
        return None
    if not dotted and not _DOTTED_OR_AGO.search(lines[j]):
        return None  # "Monday" above "2h" is a timetable, not a comment header
    return _Header(i, j + 1, _reddit_name(match["name"]))


def _reddit_name(name: str) -> str | None:
    return None if name == "[deleted]" else name


def _new_furniture(line: str) -> bool:
    return bool(_LEVEL.match(line))


def _new_edge(line: str) -> bool:
    return bool(_NEW_BUTTONS.match(line) or _COUNT.match(line) or _DOT.match(line))


# --- X / Twitter --------------------------------------------------------------------------------

_X_AGE = (
    r"(?:\d{1,2}[ \t]*(?:s|m|h|d|min|mins|hr|hrs)"
    r"|[A-Z][a-z]{2}[ \t]+\d{1,2}(?:,[ \t]+\d{4})?|\d{1,2}[ \t]+[A-Z][a-z]{2}(?:[ \t]+\d{4})?)"
)
# `Display Name @handle · 2h` on one line. The display name has no `@` (it keeps the regex
# from trying every split of a line full of them).
_X_ONE_LINE = re.compile(
    r"^[ \t]*(?P<display>[^@\s][^@\n]{0,49}?)[ \t]+@(?P<handle>\w{1,15})"
    rf"[ \t]*[\u00b7\u2022][ \t]*{_X_AGE}[ \t]*$"
)
_X_HANDLE = re.compile(
    r"^[ \t]*@(?P<handle>\w{1,15})(?:[ \t]*[\u00b7\u2022][ \t]*" + _X_AGE + ")?$"
)
_X_AGE_LINE = re.compile(rf"^[ \t]*(?:[\u00b7\u2022][ \t]*)?{_X_AGE}[ \t]*$")
_X_REPLYING = re.compile(r"^[ \t]*Replying[ \t]+to\b(?P<rest>[^\n]*)$")
_X_HANDLES_ONLY = re.compile(r"^[ \t]*(?:(?:@\w{1,15}|,|and|\d+[ \t]+others?)[ \t]*)+$")
_HANDLE_IN = re.compile(r"@(\w{1,15})")
_X_BUTTON_WORDS = (
    r"retweets?|reposts?|quote[ \t]tweets?|quotes?|likes?|bookmarks?|views?|replies|reply|share"
    r"|show[ \t]this[ \t]thread|show[ \t]replies|show[ \t]more|translate[ \t](?:post|tweet)"
    r"|copy[ \t]link|post[ \t]your[ \t]reply|show[ \t]additional[ \t]replies[^\n]{0,80}"
)
_X_BUTTONS = re.compile(
    rf"^[ \t]*(?:(?:\d[\d.,]{{0,9}}[kKmM]?[ \t]+)?(?:{_X_BUTTON_WORDS})[ \t]*)+$", re.IGNORECASE
)
# The time line under an opened post: `10:32 AM · Mar 3, 2024` (`· 1.2M Views`).
_X_TIME = re.compile(r"^[ \t]*\d{1,2}:\d{2}[ \t]*[AaPp][Mm][ \t]*[\u00b7\u2022][^\n]{0,60}$")


def _x_header(lines: list[str], i: int) -> _Header | None:
    line = lines[i]
    if len(line) > _MAX_HEADER_CHARS or "@" not in line:
        return None
    match = _X_ONE_LINE.match(line)
    if match:
        return _Header(i, i + 1, match["display"].strip(), handle=match["handle"])
    # Display name, `@handle`, `·`, `2h` each on a line of its own.
    match = _X_HANDLE.match(line)
    if not match or i == 0:
        return None
    display = lines[i - 1].strip()
    if not display or len(display) > 50 or "@" in display:
        return None
    end = i + 1
    if "\u00b7" not in line and "\u2022" not in line:
        stop = i + _WINDOW
        j = _next_filled(lines, i + 1, stop)
        if j is not None and _DOT.match(lines[j]):
            j = _next_filled(lines, j + 1, stop)
        if j is None or len(lines[j]) > _MAX_HEADER_CHARS or not _X_AGE_LINE.match(lines[j]):
            return None
        end = j + 1
    return _Header(i - 1, end, display, handle=match["handle"])


def _x_furniture(line: str) -> bool:
    return bool(_X_TIME.match(line))


def _x_edge(line: str) -> bool:
    return bool(_X_BUTTONS.match(line) or _COUNT.match(line) or _DOT.match(line))


_SHAPES = (
    Shape("old-reddit", _old_header, _old_furniture, lambda line: False),
    Shape("x", _x_header, _x_furniture, _x_edge),
    Shape("new-reddit", _new_header, _new_furniture, _new_edge),
)


# --- reading ------------------------------------------------------------------------------------


def _headers(shape: Shape, lines: list[str], limit: int | None = None) -> list[_Header]:
    found: list[_Header] = []
    i = 0
    stop = len(lines) if limit is None else min(limit, len(lines))
    while i < stop:
        header = shape.header_at(lines, i) if lines[i].strip() else None
        if header is None:
            i += 1
            continue
        if found and header.start < found[-1].end:  # a two-line header read from its 2nd line
            i += 1
            continue
        found.append(header)
        i = header.end
    return found


def find_shape(lines: list[str]) -> tuple[Shape, int] | None:
    """The copy shape of a paste and how many of its headers it has among its first
    `SNIFF_LINES` lines, when its first non-blank line opens a header or it has at least two."""
    sniff = lines[:SNIFF_LINES]
    first = next((n for n, line in enumerate(sniff) if line.strip()), None)
    if first is None:
        return None
    for shape in _SHAPES:
        if shape.header_at(sniff, first) is not None:
            return shape, len(_headers(shape, sniff))
    for shape in _SHAPES:
        count = len(_headers(shape, sniff))
        if count >= 2:
            return shape, count
    return None


def _body(shape: Shape, lines: list[str]) -> list[str]:
    # Furniture lines are short: a long line is text, and never reaches a regex.
    kept = [line for line in lines if len(line) > _MAX_HEADER_CHARS or not shape.furniture(line)]
    start, end = 0, len(kept)
    while start < end and _dropped_at_edge(shape, kept[start]):
        start += 1
    while end > start and _dropped_at_edge(shape, kept[end - 1]):
        end -= 1
    return kept[start:end]


def _dropped_at_edge(shape: Shape, line: str) -> bool:
    return not line.strip() or (len(line) <= _MAX_HEADER_CHARS and shape.edge(line))


def _replying(shape: Shape, body: list[str]) -> tuple[list[str], list[str]]:
    """X's `Replying to @a and @b` at the top of a post (the handles may sit on the next line):
    (the handles, the body without that line)."""
    if shape.name != "x" or not body:
        return [], body
    match = _X_REPLYING.match(body[0]) if len(body[0]) <= _MAX_HEADER_CHARS else None
    if not match:
        return [], body
    handles = _HANDLE_IN.findall(match["rest"])
    rest = 1
    while (
        rest < len(body)
        and rest <= 3
        and len(body[rest]) <= _MAX_HEADER_CHARS
        and _X_HANDLES_ONLY.match(body[rest])
    ):
        handles += _HANDLE_IN.findall(body[rest])
        rest += 1
    while rest < len(body) and not body[rest].strip():
        rest += 1
    return handles, body[rest:]


def parse_copy(shape: Shape, lines: list[str], id_start: int) -> list[Comment]:
    """The comments of a page copy of `shape` (see the module docstring). Text before the first
    header (a post title) is a comment without an author."""
    headers = _headers(shape, lines)
    comments: list[Comment] = []
    head = "\n".join(_body(shape, lines[: headers[0].start] if headers else lines)).strip()
    if head:
        comments.append(Comment(id=f"c{id_start}", text=head))
    levels: dict[int, str] = {}  # new Reddit: the latest comment id at each level
    by_handle: dict[str, str] = {}  # X: the latest comment id of each handle (folded)
    pending_level: int | None = None
    for n, header in enumerate(headers):
        stop = headers[n + 1].start if n + 1 < len(headers) else len(lines)
        raw = lines[header.end : stop]
        level = pending_level
        pending_level = None
        if shape.name == "new-reddit":
            # The `level N` line of the next comment sits in this one's tail.
            pending_level = _first_level(raw)
            if n == 0:
                level = _first_level(lines[: header.start])
        replying, body = _replying(shape, _body(shape, raw))
        text = "\n".join(body).strip()
        cid = f"c{id_start + len(comments)}"
        if level is not None:
            # An empty comment (nothing but buttons) still holds its place for its replies.
            parent = levels.get(level - 1) if level > 1 else None
            for deeper in [k for k in levels if k >= level]:
                del levels[deeper]
            if text:
                levels[level] = cid
            elif parent is not None:
                levels[level] = parent
        if not text:
            continue
        parent = _parent(shape, header, level, levels, replying, by_handle, comments, raw, text)
        if header.handle:
            by_handle[header.handle.casefold()] = cid
        comments.append(Comment(id=cid, text=text, author=header.author, reply_to=parent))
    return comments


def _first_level(before: list[str]) -> int | None:
    """The `level N` among the last lines of `before` (where a copy puts it, above a header)."""
    for line in reversed(before[-_WINDOW:]):
        match = _LEVEL.match(line)
        if match:
            return int(match["n"])
    return None


def _parent(
    shape: Shape,
    header: _Header,
    level: int | None,
    levels: dict[int, str],
    replying: list[str],
    by_handle: dict[str, str],
    comments: list[Comment],
    raw: list[str],
    text: str,
) -> str | None:
    if level is not None:
        return levels.get(level - 1) if level > 1 else None
    if replying and comments:
        for handle in replying:
            if handle.casefold() in by_handle:
                return by_handle[handle.casefold()]
        return next((c.id for c in comments if c.author), comments[0].id)
    if shape.name == "x" and comments:
        lead = re.match(r"@(\w{1,15})\b", text)  # an old-style reply opens with the @handle
        if lead and lead[1].casefold() in by_handle:
            return by_handle[lead[1].casefold()]
    if shape.name == "old-reddit" and comments and not text.lstrip().startswith(">"):
        # Only a reply has a `parent` button; a `> quote` names its comment more surely.
        buttons = [
            line for line in raw if len(line) <= _MAX_HEADER_CHARS and _OLD_BUTTONS.match(line)
        ]
        if buttons and "parent" in buttons[-1].lower():
            return comments[-1].id
    return None
