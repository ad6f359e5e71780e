"""A digest as Discord messages and as Markdown: the header, one message per debate, the rest.

The digest core (`bot.digest`) decides what a digest says (`DigestReport`); this module words
it. Text from threads and from the model is escaped by the one escaper (`bot.render.safe`), so
it shows as written; jump links come from numeric ids only. Every message stays within
Discord's 2,000-character content limit, cut between whole lines.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.digest.build import CONTENT_LIMIT, MORE_SHOWN, DigestEntry, DigestReport, _clip_words
from bot.render.safe import escape as safe

_IRREGULAR = {"person": "people"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word if n == 1 else _IRREGULAR.get(word, word + 's')}"


def _local(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%a %d %b %H:%M")


def header_text(report: DigestReport) -> str:
    """The header message: the period, the counts, how many debates are shown, how it ranks."""
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
