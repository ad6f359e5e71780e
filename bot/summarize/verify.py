"""Check a summary against the thread it summarizes: quotes verbatim, citations resolve.

Engines (the LLM above all) are untrusted: `verify` drops every quote that is not the cited
comment's own words and every citation of a comment that does not exist, and reports how many it
dropped. It never rewrites words, so a verified summary says nothing the thread did not say.

The rule (DESIGN.md, "A quote is verified when"): after folding runs of white space to one space
and typographic quotes and dashes to their ASCII forms (`bot.textfold.fold`), the quote is a
substring of the text of the comment it cites. An elision (``...`` or ``…``) splits a quote into
fragments that must each appear, in order; an elision can change the meaning, so each fragment
is at least three words, a quote has at most two elisions between fragments, and what an elision
leaves out holds no negation (`NEGATIONS`): "I do ... think it is safe" does not verify against
"I do not think it is safe". Case and words are never changed. Every point kept carries at least
one verified quote.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence

from bot.summarize.schema import Point, Quote, Side, Summary, Verification
from bot.textfold import fold
from bot.thread import Comment

ELISION = "..."
MIN_FRAGMENT_WORDS = 3
MAX_ELISIONS = 2

# Words whose omission turns a statement around. Compared case-folded, after `fold` (so a
# typographic apostrophe is already ASCII); any word ending in "n't" counts too, and the
# apostrophe-less spellings of chat ("dont", "isnt") are listed.
NEGATIONS = frozenset(
    """not no never nor neither none nobody nothing nowhere noone without cannot cant
    dont doesnt didnt isnt arent wasnt werent wont wouldnt couldnt shouldnt hasnt havent hadnt
    aint mustnt neednt shant mightnt hardly barely scarcely nope nah""".split()
)
_WORD = re.compile(r"\w+(?:'\w+)*")


def _fragments(folded_quote: str) -> list[str]:
    return [part.strip() for part in folded_quote.split(ELISION) if part.strip()]


def _word_count(fragment: str) -> int:
    return len(_WORD.findall(fragment))


def _negation_spans(folded_source: str) -> tuple[list[int], list[int]]:
    """Start and end offsets of the negation words of `folded_source`, in order."""
    starts: list[int] = []
    ends: list[int] = []
    for match in _WORD.finditer(folded_source):
        word = match.group().casefold()
        if word in NEGATIONS or word.endswith("n't"):
            starts.append(match.start())
            ends.append(match.end())
    return starts, ends


def quote_matches(quote: str, source: str) -> bool:
    """True when `quote` is verbatim text of `source` under the folding rules of `fold`.

    A quote that is a substring of `source` as it stands matches (an ellipsis the comment itself
    wrote is verbatim text). Otherwise an elision (``...`` or ``…``) in the quote splits it into
    fragments that must each appear in `source`, in order and without overlapping, with each
    fragment at least `MIN_FRAGMENT_WORDS` words, at most `MAX_ELISIONS` elisions between
    fragments (one before the first or after the last leaves nothing out of the middle and is not
    counted), and no negation word (`NEGATIONS`), whole or in part, in any text left out between
    two fragments. An empty quote, or one made only of elisions and white space, never matches.
    """
    return _matches_folded(fold(quote), fold(source))


def quote_problem(quote: str, source: str) -> str | None:
    """Why `quote` does not verify against `source` (`quote_matches`), or None when it does: a
    phrase to put between the quote and the comment's id in a re-ask ("is not verbatim text of",
    "leaves out a negation (...) with an elision in"), so the model learns which rule it broke."""
    return _problem(fold(quote), fold(source))


def _matches_folded(folded_quote: str, folded_source: str) -> bool:
    return _problem(folded_quote, folded_source) is None


NOT_VERBATIM = "is not verbatim text of"


def _problem(folded_quote: str, folded_source: str) -> str | None:
    fragments = _fragments(folded_quote)
    if not fragments:
        return "is empty; quote words of"
    if folded_quote in folded_source:  # verbatim, any ellipsis in it included
        return None
    if len(fragments) == 1:  # only leading or trailing elisions: nothing left out between
        return None if fragments[0] in folded_source else NOT_VERBATIM
    if len(fragments) - 1 > MAX_ELISIONS:
        return f"has more than {MAX_ELISIONS} elisions; see"
    if any(_word_count(fragment) < MIN_FRAGMENT_WORDS for fragment in fragments):
        return f"has a part of fewer than {MIN_FRAGMENT_WORDS} words next to an elision in"
    if _placed(fragments, folded_source, _negation_spans(folded_source)):
        return None
    if _placed(fragments, folded_source, ([], [])):
        return "leaves out a negation (not, no, never, n't, without, ...) with an elision in"
    return NOT_VERBATIM


def _placed(
    fragments: list[str], folded_source: str, negations: tuple[list[int], list[int]]
) -> bool:
    """True when `fragments` appear in order, without overlapping, and no text left out
    between two of them overlaps a negation word (`negations`: their starts and ends)."""
    neg_starts, neg_ends = negations

    def gap_is_clean(end: int, start: int) -> bool:
        # Some negation word overlaps [end, start) iff the first one ending after `end`
        # starts before `start`.
        if start <= end:
            return True
        i = bisect_right(neg_ends, end)
        return i == len(neg_starts) or neg_starts[i] >= start

    # Ends of the placements of the fragments so far, ascending. For each occurrence of the next
    # fragment only the latest earlier end matters: a later end leaves out less, and text left
    # out by a shorter gap is part of what a longer one leaves out.
    ends = [p + len(fragments[0]) for p in _occurrences(fragments[0], folded_source)]
    for fragment in fragments[1:]:
        reached: list[int] = []
        for position in _occurrences(fragment, folded_source):
            i = bisect_right(ends, position)
            if i and gap_is_clean(ends[i - 1], position):
                reached.append(position + len(fragment))
        if not reached:
            return False
        ends = reached
    return True


def _occurrences(fragment: str, text: str) -> list[int]:
    """Every start offset of `fragment` in `text`, overlapping ones included, ascending."""
    out: list[int] = []
    position = text.find(fragment)
    while position >= 0:
        out.append(position)
        position = text.find(fragment, position + 1)
    return out


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
        if source is not None and _matches_folded(fold(quote.text), source):
            counts.verified += 1
            quotes.append(quote)
            # A verified quote is support for the point even if the engine forgot to cite it.
            if quote.comment_id not in comment_ids:
                comment_ids.append(quote.comment_id)
        else:
            counts.quotes_dropped += 1
    if not quotes:  # a claim without a verified quote is the model's word, not the thread's
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
    its point's `comment_ids`. A point left with no verified quote (in a side or in common
    ground) is dropped and counted in `points_dropped`, whatever it cites. A side's own
    `comment_ids` lose unknown ids (counted as dropped citations) and gain the ids its remaining
    points cite. A side left with no points stays, with its label and
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
    other_points = [p for p in (_clean_point(p, folded, counts) for p in summary.other_points) if p]
    cleaned = Summary(
        question=summary.question,
        sides=sides,
        common_ground=common_ground,
        open_questions=list(summary.open_questions),
        other_points=other_points,
    )
    verification = Verification(
        quotes_checked=counts.checked,
        quotes_verified=counts.verified,
        quotes_dropped=counts.quotes_dropped,
        citations_dropped=counts.citations_dropped,
        points_dropped=counts.points_dropped,
    )
    return cleaned, verification
