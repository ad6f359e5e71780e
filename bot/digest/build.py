"""What a digest says: a header with the period's counts, one entry per debate, and the rest.

Entries are made from verified summary results (`DigestResult`), so each side's line carries a
quote that was checked against its source. Text from threads is escaped for Discord by the same
function as `/summarize` answers; jump links are built from numeric ids only. Every message
stays within Discord's 2,000-character content limit; the whole digest is also rendered as
Markdown for the attachment.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

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


_IRREGULAR = {"person": "people"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word if n == 1 else _IRREGULAR.get(word, word + 's')}"


def _local(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%a %d %b %H:%M")


def header_text(report: DigestReport) -> str:
    """The header message: the period, the counts, how many debates are shown, how it ranks."""
    from bot.render.embeds import safe

    period = f"{_local(report.period.start, report.tz)} – {_local(report.period.end, report.tz)}"
    lines = [f"**{safe(report.name)}** · {period} ({report.tz})"]
    if report.missed_runs:
        lines.append(
            f"Catch-up: {_plural(report.missed_runs, 'scheduled digest')} missed while the bot "
            "was away; this one covers the whole gap."
        )
    lines.append(
        f"{_plural(report.threads_active, 'thread')} with activity · "
        f"{_plural(report.messages, 'message')} · {_plural(report.people, 'person')} · "
        f"{_plural(len(report.entries), 'debate')} shown"
    )
    if report.entries:
        lines.append(f"-# {report.ranking}")
    lines += [f"-# {safe(note)}" for note in report.notes]
    if report.left_out:
        lines.append("Left out: " + "; ".join(safe(x) for x in report.left_out))
    return _fit(lines)


def entry_text(entry: DigestEntry, number: int) -> str:
    """One entry message: the question, each side in a line with one verified quote, counts,
    "new since last digest" and a jump link."""
    from bot.render.embeds import safe

    title = f"**{number}. {safe(entry.question)}**"
    lines = [title]
    for side in entry.sides:
        line = f"• **{safe(side.label)}**"
        if side.comments:
            line += f" ({_plural(side.comments, 'comment')})"
        if side.quote:
            who = f" — {safe(side.quote_author)}" if side.quote_author else ""
            line += f": “{safe(side.quote)}”{who}"
        lines.append(line)
    if entry.one_sided:
        lines.append("-# No opposing side was found in this period's messages.")
    counts = f"{_plural(entry.new_messages, 'new message')} · {_plural(entry.people, 'person')}"
    if entry.new_since_last:
        counts += " · new since last digest"
    # Thread names are never a link's label: a hostile name cannot reshape the link.
    where = safe(entry.name) + (f" · [jump]({entry.url})" if entry.url else "")
    lines.append(f"-# {counts} · {where}")
    lines += [f"-# {safe(note)}" for note in entry.notes[:2]]
    return _fit(lines)


def more_text(report: DigestReport) -> str | None:
    """ "N more active threads" with links, or None."""
    from bot.render.embeds import safe

    if not report.more:
        return None
    shown = report.more[:MORE_SHOWN]
    links = [safe(a.name) + (f" ([jump]({a.url}))" if a.url else "") for a in shown]
    rest = len(report.more) - len(shown)
    tail = f" and {rest} more" if rest else ""
    return _fit([f"{_plural(len(report.more), 'more active thread')}: " + ", ".join(links) + tail])


def messages(report: DigestReport) -> list[str]:
    """Every message of the digest in order: header, entries, then the "more" line."""
    out = [header_text(report)]
    out += [entry_text(entry, n) for n, entry in enumerate(report.entries, 1)]
    more = more_text(report)
    if more:
        out.append(more)
    return out


def to_markdown(report: DigestReport) -> str:
    """The whole digest as Markdown, for the attachment (Discord-safe escaping, same text)."""
    return "\n\n".join(messages(report)) + "\n"


def _fit(lines: list[str]) -> str:
    # Drop whole trailing lines rather than cut inside a link or a quote; the first line stays.
    text = "\n".join(lines)
    while len(text) > CONTENT_LIMIT and len(lines) > 1:
        lines = lines[:-1]
        text = "\n".join(lines)
    return text if len(text) <= CONTENT_LIMIT else _clip_words(text, CONTENT_LIMIT)
