"""What a digest says: a header with the period's counts, one entry per debate, and the rest.

Entries are made from verified summary results (`DigestResult`), so each side's line carries a
quote that was checked against its source; jump links are built from numeric ids only. The
messages and the Markdown attachment are worded, escaped and kept within Discord's limits by
`bot.render.digest` (the core imports neither `discord` nor the renderers).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from bot.digest.rank import RANKING, Activity
from bot.digest.schedule import Period
from bot.summarize.schema import DigestResult

CONTENT_LIMIT = 2000
QUOTE_CHARS = 180
QUESTION_CHARS = 200
MORE_SHOWN = 15


class EntrySide(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    quote: str | None = None
    quote_author: str | None = None
    comments: int = 0


class DigestEntry(BaseModel):
    """One debate in a digest."""

    model_config = ConfigDict(frozen=True)

    source_id: int
    name: str
    url: str | None = None
    question: str
    sides: tuple[EntrySide, ...] = ()
    new_messages: int = 0
    people: int = 0
    new_since_last: bool = False  # it was in this digest's previous period too
    one_sided: bool = False
    notes: tuple[str, ...] = ()


class DigestReport(BaseModel):
    """A whole digest, ready to render."""

    model_config = ConfigDict(frozen=True)

    name: str
    period: Period
    tz: str = "UTC"
    threads_active: int = 0
    messages: int = 0
    people: int = 0
    entries: tuple[DigestEntry, ...] = ()
    more: tuple[Activity, ...] = ()
    left_out: tuple[str, ...] = ()  # threads that failed, with why
    notes: tuple[str, ...] = ()
    ranking: str = RANKING
    missed_runs: int = Field(default=0, ge=0)

    @property
    def empty(self) -> bool:
        return not self.entries


def jump_url(guild_id: int, channel_id: int, message_id: int | None = None) -> str:
    """A Discord jump link built from numeric ids only (never from text)."""
    parts = [int(guild_id), int(channel_id)] + ([int(message_id)] if message_id else [])
    return "https://discord.com/channels/" + "/".join(str(p) for p in parts)


def entry_from_result(
    activity: Activity, result: DigestResult, *, new_since_last: bool
) -> DigestEntry:
    """A digest entry from a verified summary: each side with its shortest verified quote."""
    authors = {c.id: c.author for c in result.comments}
    sides: list[EntrySide] = []
    for side in result.summary.sides:
        quotes = [q for point in side.points for q in point.quotes]
        best = _pick_quote([q.text for q in quotes])
        best_quote = next((q for q in quotes if q.text == best), None)
        sides.append(
            EntrySide(
                label=side.label,
                quote=None if best_quote is None else _clip_words(best_quote.text, QUOTE_CHARS),
                quote_author=None if best_quote is None else authors.get(best_quote.comment_id),
                comments=len(side.comment_ids),
            )
        )
    return DigestEntry(
        source_id=activity.source_id,
        name=activity.name,
        url=activity.url,
        question=_clip_words(result.summary.question, QUESTION_CHARS),
        sides=tuple(sides),
        new_messages=activity.new_messages,
        people=activity.people,
        new_since_last=new_since_last,
        one_sided=len(sides) < 2,
        notes=tuple(result.notes),
    )


def _pick_quote(texts: list[str]) -> str | None:
    """The longest quote that fits a line whole; else the shortest (it will be cut)."""
    whole = [t for t in texts if len(" ".join(t.split())) <= QUOTE_CHARS]
    if whole:
        return max(whole, key=len)
    return min(texts, key=len, default=None)


def _clip_words(text: str, limit: int) -> str:
    """`text` on one line, cut on a word boundary to at most `limit` characters, with "…"."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"
