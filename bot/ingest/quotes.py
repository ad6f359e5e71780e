"""Finding which earlier comment a pasted comment quotes, to fill `Comment.reply_to`.

Pasted text has no reply links, but people quote: `> quoted line` at the start of a message, or
`"quoted words" - my reply`. The quoted words are looked up, after folding, in the earlier
comments' own words (their text without their own leading quote, so that a reply is not taken
for the comment it quotes). The comment text itself is never changed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.thread import Comment

# Typographic forms folded to ASCII, as the quote verifier does (DESIGN: "A quote is verified when").
_FOLD_TABLE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
    }
)
_SPACE = re.compile(r"\s+")
_QUOTE_LINE = re.compile(r"^[ \t]*>+[ \t]?(?P<quoted>.*)$")
# `"quoted words" - reply`: the first closing quote that is followed by a dash and the reply.
_QUOTED_DASH = re.compile(r"^\s*[\"\u201c\u201e](?P<quoted>[^\n]+?)[\"\u201d]\s*[-\u2013\u2014]{1,2}\s+\S")
_EDGE_PUNCTUATION = " .,;:!?\"'"
# A quote of one word ("Yes" - no) matches too much to name a comment.
_MIN_QUOTE_WORDS = 2
# How far back to look: quotes answer recent comments, and this bounds the work on huge pastes.
MAX_LOOKBACK = 2000


def fold(text: str) -> str:
    """Fold typographic quotes and dashes to ASCII, runs of white space to one space, and case."""
    return _SPACE.sub(" ", text.translate(_FOLD_TABLE)).strip().casefold()


def split_quote(text: str) -> tuple[str | None, str]:
    """Split a comment into (quoted words, own words); quoted is None when it quotes nothing."""
    lines = text.split("\n")
    quoted_lines: list[str] = []
    for line in lines:
        match = _QUOTE_LINE.match(line)
        if not match:
            break
        quoted_lines.append(match["quoted"])
    if quoted_lines:
        return " ".join(quoted_lines), "\n".join(lines[len(quoted_lines) :])
    match = _QUOTED_DASH.match(text)
    if match:
        rest = text[match.end() - 1 :]
        return match["quoted"], rest
    return None, text


def resolve_quote_replies(comments: Sequence[Comment]) -> list[Comment]:
    """Return `comments` with `reply_to` set on each comment that quotes an earlier one.

    The target is the most recent earlier comment whose own words contain the quoted words (both
    folded, see `fold`). Comments that already have a `reply_to`, or whose quote is not found,
    are returned unchanged.
    """
    own: list[str] = []
    out: list[Comment] = []
    for index, comment in enumerate(comments):
        quoted, rest = split_quote(comment.text)
        own.append(fold(rest))
        target = None
        if quoted is not None and comment.reply_to is None:
            needle = fold(quoted).strip(_EDGE_PUNCTUATION)
            if len(needle.split()) >= _MIN_QUOTE_WORDS:
                for earlier in range(index - 1, max(-1, index - 1 - MAX_LOOKBACK), -1):
                    if needle in own[earlier]:
                        target = comments[earlier].id
                        break
        out.append(comment.model_copy(update={"reply_to": target}) if target else comment)
    return out
