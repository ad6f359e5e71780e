"""Check a summary against the thread it summarizes: quotes verbatim, citations resolve.

Engines (the LLM above all) are untrusted: `verify` drops every quote that is not the cited
comment's own words and every citation of a comment that does not exist, and reports how many it
dropped. It never rewrites words, so a verified summary says nothing the thread did not say.

The rule (DESIGN.md, "A quote is verified when"): after folding runs of white space to one space
and typographic quotes and dashes to their ASCII forms, the quote is a substring of the text of
the comment it cites. An elision (``...`` or ``…``) splits a quote into fragments that must each
appear, in order. Case and words are never changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.summarize.schema import Point, Quote, Side, Summary, Verification
from bot.textfold import fold
from bot.thread import Comment

ELISION = "..."


def _fragments(folded_quote: str) -> list[str]:
    return [part.strip() for part in folded_quote.split(ELISION) if part.strip()]


def quote_matches(quote: str, source: str) -> bool:
    """True when `quote` is verbatim text of `source` under the folding rules of `fold`.

    An elision (``...`` or ``…``) in the quote splits it into fragments that must each appear in
    `source`, in order and without overlapping. An empty quote, or one made only of elisions and
    white space, never matches.
    """
    return _matches_folded(_fragments(fold(quote)), fold(source))


def _matches_folded(fragments: list[str], folded_source: str) -> bool:
    if not fragments:
        return False
    # Leftmost matching of each fragment is optimal: if any in-order placement exists, the one
    # that ends earliest at every step exists too.
    position = 0
    for fragment in fragments:
        found = folded_source.find(fragment, position)
        if found < 0:
            return False
        position = found + len(fragment)
    return True


class _Counts:
    __slots__ = ("checked", "verified", "quotes_dropped", "citations_dropped", "points_dropped")

    def __init__(self) -> None:
        self.checked = 0
        self.verified = 0
        self.quotes_dropped = 0
        self.citations_dropped = 0
        self.points_dropped = 0


def _known_ids(ids: list[str], folded: Mapping[str, str], counts: _Counts) -> dict[str, None]:
    """`ids` that name a comment, in order, once each; the others are counted as dropped."""
    out: dict[str, None] = {}
    for comment_id in ids:
        if comment_id in folded:
            out[comment_id] = None
        else:
            counts.citations_dropped += 1
    return out


def _clean_point(point: Point, folded: Mapping[str, str], counts: _Counts) -> Point | None:
    comment_ids: list[str] = []
    for comment_id in point.comment_ids:
        if comment_id not in folded:
            counts.citations_dropped += 1
        elif comment_id not in comment_ids:
            comment_ids.append(comment_id)
    quotes: list[Quote] = []
    for quote in point.quotes:
        counts.checked += 1
        source = folded.get(quote.comment_id)
        if source is not None and _matches_folded(_fragments(fold(quote.text)), source):
            counts.verified += 1
            quotes.append(quote)
            # A verified quote is support for the point even if the engine forgot to cite it.
            if quote.comment_id not in comment_ids:
                comment_ids.append(quote.comment_id)
        else:
            counts.quotes_dropped += 1
    if not comment_ids:
        counts.points_dropped += 1
        return None
    return Point(text=point.text, comment_ids=comment_ids, quotes=quotes)


def verify(
    summary: Summary, comments: Sequence[Comment] | Mapping[str, Comment]
) -> tuple[Summary, Verification]:
    """Return `summary` cleaned against `comments`, and what was checked and dropped.

    Every quote is checked against the text of the comment it cites (`quote_matches`); a quote
    that does not match, or cites an unknown comment, is dropped. Unknown ids in a point's
    `comment_ids` are dropped (repeated ids are kept once); a verified quote's comment is added to
    its point's `comment_ids`. A point left with no citation (in a side or in common ground) is
    dropped. A side's own `comment_ids` lose unknown ids (counted as dropped citations) and gain
    the ids its remaining points cite. A side left with no points stays, with its label and
    position, so that a lopsided result stays visible. The question, open questions and
    participants are kept as they are.
    Pure and deterministic; where an id repeats in a sequence, the first comment wins.
    """
    items = comments.items() if isinstance(comments, Mapping) else ((c.id, c) for c in comments)
    folded: dict[str, str] = {}
    for comment_id, comment in items:
        if comment_id not in folded:
            folded[comment_id] = fold(comment.text)

    counts = _Counts()
    sides = []
    for side in summary.sides:
        points = [p for p in (_clean_point(p, folded, counts) for p in side.points) if p]
        members = _known_ids(side.comment_ids, folded, counts)
        for point in points:  # a comment a side's point rests on takes that side
            members.update(dict.fromkeys(point.comment_ids))
        sides.append(
            Side(
                label=side.label,
                position=side.position,
                participants=list(side.participants),
                comment_ids=list(members),
                points=points,
            )
        )
    common_ground = [
        p for p in (_clean_point(p, folded, counts) for p in summary.common_ground) if p
    ]
    cleaned = Summary(
        question=summary.question,
        sides=sides,
        common_ground=common_ground,
        open_questions=list(summary.open_questions),
    )
    verification = Verification(
        quotes_checked=counts.checked,
        quotes_verified=counts.verified,
        quotes_dropped=counts.quotes_dropped,
        citations_dropped=counts.citations_dropped,
        points_dropped=counts.points_dropped,
    )
    return cleaned, verification
