"""Which debates a digest shows, and in what order.

A candidate is a thread, forum post or channel conversation with new messages in the period.
Skipped: fewer than `MIN_NEW_HUMAN` new messages from people, fewer than `MIN_PEOPLE` distinct
people, or bot-only talk. The rest rank by how much of a debate moved: new messages and people
taking part (both on a log scale, so one flood does not drown everything) times one plus the
disagreement, ``2 × min(side shares)`` of the two largest sides (1 for an even split, 0 for one
side or none). Ties go to the more recent activity, then the id, so a digest is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

MIN_NEW_HUMAN = 3
MIN_PEOPLE = 2
RANKING = (
    "Ranked by new messages and people taking part, weighted up by how evenly each thread "
    "splits between sides."
)


class Activity(BaseModel):
    """What moved in one thread or channel during a period."""

    model_config = ConfigDict(frozen=True)

    source_id: int  # the thread's or channel's id
    name: str
    url: str | None = None
    new_messages: int = Field(ge=0)
    new_human_messages: int = Field(ge=0)
    people: int = Field(ge=0)  # distinct human authors of the new messages
    last_activity: datetime | None = None
    side_shares: tuple[float, ...] = ()  # each side's share of the placed comments, if known


def eligible(activity: Activity) -> bool:
    """True when the thread moved enough to be a debate worth a digest entry."""
    return activity.new_human_messages >= MIN_NEW_HUMAN and activity.people >= MIN_PEOPLE


def disagreement(side_shares: Sequence[float]) -> float:
    """2 × the smaller of the two largest side shares: 1.0 for an even split, 0 for one side."""
    top = sorted((max(0.0, s) for s in side_shares), reverse=True)[:2]
    if len(top) < 2 or sum(top) <= 0:
        return 0.0
    return round(2 * min(top) / sum(top), 6)


def score(activity: Activity) -> float:
    """How much of a debate moved (see the module doc)."""
    moved = math.log2(1 + activity.new_human_messages) + math.log2(1 + activity.people)
    return moved * (1 + disagreement(activity.side_shares))


def rank(activities: Sequence[Activity]) -> list[Activity]:
    """The eligible activities, best first (deterministic)."""
    chosen = [a for a in activities if eligible(a)]
    return sorted(
        chosen,
        key=lambda a: (
            -score(a),
            -(a.last_activity.timestamp() if a.last_activity else 0.0),
            a.source_id,
        ),
    )
