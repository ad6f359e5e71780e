"""The result as Markdown: the full summary, for files and for Discord attachments."""

from __future__ import annotations

from bot.render.common import (
    authors_by_id,
    balance_warning,
    counts_line,
    engine_line,
    no_points_line,
    participants_line,
    quote_ref,
    side_support,
    text_repeats_quote,
)
from bot.summarize.schema import DigestResult, Point


def _quote_block(text: str) -> str:
    # Each line of a quote stays inside the blockquote, so a quote cannot start a heading.
    return "\n".join("  > " + line for line in text.splitlines() or [""])


def _point(point: Point, authors: dict[str, str | None], urls: dict[str, str | None]) -> list[str]:
    cites = ", ".join(
        f"[{cid}]({urls[cid]})" if urls.get(cid) else cid for cid in point.comment_ids
    )

    def ref(cid: str) -> str:
        label = quote_ref(cid, authors.get(cid))
        return f"[{label}]({urls[cid]})" if urls.get(cid) else label

    quotes = [f"“{q.text}” — {ref(q.comment_id)}" for q in point.quotes]
    if quotes and text_repeats_quote(point.text, [q.text for q in point.quotes]):
        # The extractive engine's point text is its quote: say it once, as the quote.
        quoted = {q.comment_id for q in point.quotes}
        extra = ", ".join(ref(cid) for cid in point.comment_ids if cid not in quoted)
        lines = [f"- {quotes[0]}" + (f" (also {extra})" if extra else "")]
        return lines + [_quote_block(q) for q in quotes[1:]]
    lines = [f"- {point.text}" + (f" ({cites})" if cites else "")]
    return lines + [_quote_block(q) for q in quotes]


def to_markdown(result: DigestResult) -> str:
    """Render the whole result. Quotes are verbatim; nothing is truncated here."""
    s = result.summary
    authors = authors_by_id(result)
    urls = {c.id: c.url for c in result.comments}
    out = [
        "# Debate digest",
        "",
        f"**Question:** {s.question}",
        "",
        f"_{counts_line(result)}_  ",
        f"_{engine_line(result)}_",
        "",
    ]
    for note in result.notes:
        out.append(f"> **Note:** {note}")
        out.append("")
    if warning := balance_warning(result):
        out += [f"> **{warning}**", ""]
    for number, side in enumerate(s.sides, 1):
        out.append(f"## Side {number}: {side.label}" if len(s.sides) > 1 else f"## {side.label}")
        out.append("")
        lines = [f"**Position:** {side.position}"]
        if support := side_support(side):
            lines.append(f"**Support:** {support}")
        if side.participants:
            lines.append(f"**Participants:** {participants_line(side.participants)}")
        out.append("  \n".join(lines))  # hard line breaks: one paragraph, one line each
        out.append("")
        for point in side.points:
            out.extend(_point(point, authors, urls))
        if not side.points:
            out.append(f"- _{no_points_line(result)}_")
        out.append("")
    if s.other_points:
        out += ["## Other points", "", "_From comments that take no side._", ""]
        for point in s.other_points:
            out.extend(_point(point, authors, urls))
        out.append("")
    if s.common_ground:
        out += ["## Common ground", ""]
        for point in s.common_ground:
            out.extend(_point(point, authors, urls))
        out.append("")
    if s.open_questions:
        out += ["## Open questions", ""]
        out += [f"- {q}" for q in s.open_questions]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
