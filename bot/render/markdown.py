"""The result as Markdown: the full summary, for files and for Discord attachments.

Every piece of thread or model text goes through `bot.render.safe.escape` (one line where it
must stay one line: list items, headings, bold lines), and jump links only through
`bot.render.safe.link`, so nothing from the thread becomes a link, image, heading, list, HTML or
mention in CommonMark or in Discord's Markdown.
"""

from __future__ import annotations

from bot.render.common import (
    authors_by_id,
    balance_warning,
    copies_by_comment,
    counts_line,
    engine_line,
    fold_account,
    fold_lines,
    no_points_line,
    participants_line,
    position_is_first_point,
    quote_ref,
    repeated_quote,
    side_support,
)
from bot.render.safe import escape, link, sanitize_result
from bot.summarize.schema import DigestResult, Point


def _quote_block(text: str) -> str:
    # Each line of a quote stays inside the blockquote, so a quote cannot start a heading.
    return "\n".join("  > " + line for line in text.splitlines() or [""])


def _point(point: Point, authors: dict[str, str | None], urls: dict[str, str | None]) -> list[str]:
    cites = ", ".join(link(escape(cid), urls.get(cid)) for cid in point.comment_ids)

    def ref(cid: str) -> str:
        return link(escape(quote_ref(cid, authors.get(cid))), urls.get(cid))

    first = repeated_quote(point.text, list(point.quotes))
    if first is not None:
        # The extractive engine's point text is its quote: say it once, as the quote.
        rest = [q for q in point.quotes if q is not first]
        quoted = {q.comment_id for q in point.quotes}
        extra = ", ".join(ref(cid) for cid in point.comment_ids if cid not in quoted)
        lines = [
            f"- “{escape(first.text)}” — {ref(first.comment_id)}"
            + (f" (also {extra})" if extra else "")
        ]
    else:
        rest = list(point.quotes)
        lines = [f"- {escape(point.text)}" + (f" ({cites})" if cites else "")]
    for quote in rest:
        body = escape(quote.text, inline=False).splitlines() or [""]
        body[0] = "“" + body[0]
        body[-1] += f"” — {ref(quote.comment_id)}"
        lines.append(_quote_block("\n".join(body)))
    return lines


def to_markdown(result: DigestResult) -> str:
    """Render the whole result. Quotes are verbatim (line breaks kept inside block quotes,
    Markdown escaped so that it shows as written); nothing is truncated here."""
    result = sanitize_result(result)
    s = result.summary
    authors = authors_by_id(result)
    urls = {c.id: c.url for c in result.comments}
    copies = copies_by_comment(result)
    out = [
        "# Debate digest",
        "",
        f"**Question:** {escape(s.question)}",
        "",
        f"_{escape(counts_line(result))}_  ",
        f"_{escape(engine_line(result))}_",
        "",
    ]
    for note in result.notes:
        out.append(f"> **Note:** {escape(note)}")
        out.append("")
    if warning := balance_warning(result):
        out += [f"> **{escape(warning)}**", ""]
    for number, side in enumerate(s.sides, 1):
        label = escape(side.label)
        out.append(f"## Side {number}: {label}" if len(s.sides) > 1 else f"## {label}")
        out.append("")
        lines = [] if position_is_first_point(side) else [f"**Position:** {escape(side.position)}"]
        if support := side_support(side, copies):
            lines.append(f"**Support:** {support}")
        if side.participants:
            lines.append(f"**Participants:** {escape(participants_line(side.participants))}")
        out.append("  \n".join(lines))  # hard line breaks: one paragraph, one line each
        out.append("")
        for point in side.points:
            out.extend(_point(point, authors, urls))
        if not side.points and side.comment_ids:
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
        out += [f"- {escape(q)}" for q in s.open_questions]
        out.append("")
    if result.duplicates:
        out += ["## Appendix: copies folded", "", f"{escape(fold_account(result) or '')}.", ""]
        out += [f"- {escape(line)}" for line in fold_lines(result)]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
