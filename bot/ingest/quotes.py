"""Finding which earlier comment a pasted comment quotes, to fill `Comment.reply_to`.

Pasted text has no reply links, but people quote: `> quoted line` at the start of a message, or
`"quoted words" - my reply`. The quoted words are looked up, after folding, in the earlier
comments' own words (their text without their own leading quote, so that a reply is not taken
for the comment it quotes). The comment text itself is never changed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from itertools import compress

from bot.textfold import fold_casefold as fold
from bot.thread import Comment

log = logging.getLogger(__name__)

_QUOTE_LINE = re.compile(r"^[ \t]*>+[ \t]?(?P<quoted>.*)$")
# `"quoted words" - reply`: the first closing quote that is followed by a dash and the reply.
_QUOTED_DASH = re.compile(
    r"^\s*[\"\u201c\u201e](?P<quoted>[^\n]+?)[\"\u201d]\s*[-\u2013\u2014]{1,2}\s+\S"
)
# `"quoted words" can mean anything`: a comment that opens by quoting words of an earlier one
# and goes on about them (chat has no dash). Only resolved when the words are found.
_QUOTED_LEAD = re.compile(
    r"^\s*(?:[\"\u201c\u201e](?P<double>[^\"\u201c\u201d\n]{3,200}?)[\"\u201d]"
    r"|['\u2018](?P<single>[^'\u2018\u2019\n]{3,200}?)['\u2019])(?=\s+\S)"
)
# Cheap test before split_quote: only a comment opening with `>` or a quote mark can quote.
_MAY_QUOTE = re.compile(r"\s*[>\"\u201c\u201e'\u2018]")
_EDGE_PUNCTUATION = " .,;:!?\"'"
# A quote of one word ("Yes" - no) matches too much to name a comment.
_MIN_QUOTE_WORDS = 2
# How far back to look: quotes answer recent comments. The budget (characters compared, plus
# a fixed cost per comparison, per input) keeps a huge paste made of quotes from taking minutes;
# past it, later quotes stay unresolved. About a second of work at most.
MAX_LOOKBACK = 2000
SEARCH_BUDGET = 30_000_000
_COMPARISON_COST = 100


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
    match = _QUOTED_LEAD.match(text)
    if match:
        return match["double"] or match["single"], text[match.end() :]
    return None, text


def resolve_quote_replies(comments: Sequence[Comment]) -> list[Comment]:
    """Return `comments` with `reply_to` set on each comment that quotes an earlier one.

    The target is the most recent earlier comment (within `MAX_LOOKBACK`) whose own words
    contain the quoted words, both folded (see `fold`). Comments that already have a
    `reply_to`, or whose quote is not found, are returned unchanged.
    """
    texts = [c.text for c in comments]
    # Only a comment opening with `>` or a quote mark can quote: those are picked out in C, and
    # every other comment's own words are its text.
    may_quote = list(compress(range(len(texts)), map(_MAY_QUOTE.match, texts)))
    if not may_quote:
        return list(comments)
    own_raw = texts
    own_folded: dict[int, str] = {}  # folded lazily: most pastes quote little or nothing
    out = list(comments)
    budget = SEARCH_BUDGET
    for index in may_quote:
        comment = comments[index]
        quoted, rest = split_quote(comment.text)
        if quoted is None:
            continue
        own_raw[index] = rest
        if comment.reply_to is not None or budget <= 0:
            continue
        needle = fold(quoted).strip(_EDGE_PUNCTUATION)
        if len(needle.split()) < _MIN_QUOTE_WORDS:
            continue
        # Earlier comments' own words are final by now: a later comment never changes them.
        for earlier in range(index - 1, max(-1, index - 1 - MAX_LOOKBACK), -1):
            haystack = own_folded.get(earlier)
            if haystack is None:
                haystack = own_folded[earlier] = fold(own_raw[earlier])
            budget -= len(haystack) + _COMPARISON_COST
            if needle in haystack:
                out[index] = comment.model_copy(update={"reply_to": comments[earlier].id})
                break
            if budget <= 0:
                log.info("quote search budget spent; later quotes are not resolved")
                break
    return out
