"""The balance check: does every side get a fair share of the summary?

For each side: its share of the summary's points and quotes against its share of the source
comments the summary assigns to it: the comments it lists as taking its side (`comment_ids`),
those written by its participants, and those its points cite. Where comments have no authors
(a pasted thread), `comment_ids` is what shows a side that got one point for twenty comments.
A side is flagged as starved when it has source comments but no point, or when its share of
points is under half its share of the comments.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.summarize.schema import Balance, SideBalance, Summary
from bot.thread import Comment

STARVED_RATIO = 0.5


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def check_balance(summary: Summary, comments: Sequence[Comment]) -> Balance:
    """Per-side shares and the starved flag (see the module docstring). One side: nothing to
    balance, never flagged."""
    assigned: list[set[str]] = []
    for side in summary.sides:
        names = set(side.participants)
        ids = {c.id for c in comments if names.intersection(c.authors)}
        ids.update(side.comment_ids)
        for point in side.points:
            ids.update(point.comment_ids)
            ids.update(q.comment_id for q in point.quotes)
        # A comment's folded copies are comments of its side too (dedupe folds, never deletes).
        ids.update(copy.id for c in comments if c.id in ids for copy in c.copies)
        assigned.append(ids)
    total_comments = sum(len(ids) for ids in assigned)
    total_points = sum(len(side.points) for side in summary.sides)
    total_quotes = sum(len(p.quotes) for side in summary.sides for p in side.points)
    rows = []
    for side, ids in zip(summary.sides, assigned, strict=True):
        points = len(side.points)
        comment_share = _share(len(ids), total_comments)
        point_share = _share(points, total_points)
        starved = (
            len(summary.sides) > 1
            and bool(ids)
            and (points == 0 or point_share < STARVED_RATIO * comment_share)
        )
        rows.append(
            SideBalance(
                label=side.label,
                comments=len(ids),
                points=points,
                quotes=sum(len(p.quotes) for p in side.points),
                comment_share=comment_share,
                point_share=point_share,
                quote_share=_share(sum(len(p.quotes) for p in side.points), total_quotes),
                starved=starved,
            )
        )
    return Balance(sides=rows, flagged=any(r.starved for r in rows))
