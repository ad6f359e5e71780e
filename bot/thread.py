"""The core data: a thread is an ordered tuple of comments.

Every ingest path returns a `Thread`; dedupe, engines, the store and the renderers take one.
Models are frozen so that a thread can be shared between tasks without copies.
"""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

# A bot's name, for the exports that do not flag bots (DiscordChatExporter's TXT and CSV):
# "BirdLogBot", "Carl-bot", "roll_bot", "Quiz Bot", "BOT", "Yarnbot". Not "Abbot", "Talbot",
# "Turbot" or "robot".
BOT_NAME = re.compile(
    r"(?:[a-z0-9]Bot|[\s_.\-][Bb]ot|BOT|[A-Za-z]{3,}(?<![Tt]al)(?<![Tt]ur)bot)(?:#\d{4})?$"
    r"|^[Bb]ot[\s_.\-]"
)


class Copy(BaseModel):
    """A duplicate folded into the comment it repeats (DESIGN: dedupe folds, never deletes).

    `kind` is the dedupe rule that folded it (``exact``, ``near``, …). The copy's author still
    counts wherever participants, support or balance are counted.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    kind: str
    author: str | None = None
    time: datetime | None = None
    url: str | None = None


class Comment(BaseModel):
    """One message of a debate.

    `id` is stable: `c1`, `c2`, … for pasted text (in paste order), the platform's message id for
    exports and links. `reply_to` names the id of the comment this one answers, when known.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    text: str
    author: str | None = None
    time: datetime | None = None
    reply_to: str | None = None
    url: str | None = None
    is_bot: bool = False
    # Filled by dedupe only: the comments folded into this one, in thread order.
    copies: tuple[Copy, ...] = ()

    @field_validator("time")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        # Naive datetimes make exports from two time zones compare wrongly; we never keep one.
        if value is not None and value.tzinfo is None:
            raise ValueError("comment time must be timezone-aware")
        return value

    @property
    def authors(self) -> list[str]:
        """This comment's author and the authors of its folded copies: distinct, in order."""
        seen: dict[str, None] = {}
        for name in (self.author, *(copy.author for copy in self.copies)):
            if name:
                seen.setdefault(name, None)
        return list(seen)


class Thread(BaseModel):
    """An ordered debate thread. `source` says what it was read from (for messages and stats).

    `notes` are things the reader should know about how the thread was read (for example that a
    linked discussion was cut at the comment limit); they are not part of the cache key.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    comments: tuple[Comment, ...] = ()
    title: str | None = None
    source: str | None = None
    url: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def participants(self) -> list[str]:
        """Distinct authors in order of first appearance, the authors of folded copies included
        (anonymous comments are not counted)."""
        seen: dict[str, None] = {}
        for comment in self.comments:
            for name in comment.authors:
                seen.setdefault(name, None)
        return list(seen)

    def by_id(self) -> dict[str, Comment]:
        """Map of id to comment; the first comment wins where an id repeats (before dedupe)."""
        out: dict[str, Comment] = {}
        for comment in self.comments:
            out.setdefault(comment.id, comment)
        return out
