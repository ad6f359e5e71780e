"""The result as Discord embeds, in pages that each fit one message.

Every Discord limit is enforced here, not by the caller: title 256, description 4096, 25 fields,
field name 256, field value 1024, footer 2048, 6000 characters over all the embeds of one
message and 10 embeds a message; message content 2000. A long summary becomes several pages
(the command layer shows them with buttons); nothing is lost, because the full summary is
attached as Markdown (`bot.render.markdown`).

Text from the thread and from the model is data: it goes through `bot.render.safe.escape` (so a
quote cannot turn into a masked link or a heading, and a mention in it is shown, never parsed;
the sender also allows no mentions), and jump links through `bot.render.safe.link`.
"""

from __future__ import annotations

import discord

from bot.render.common import (
    authors_by_id,
    balance_warning,
    copies_by_comment,
    counts_line,
    engine_line,
    no_points_line,
    participants_line,
    position_is_first_point,
    quote_ref,
    repeated_quote,
    side_support,
)
from bot.render.safe import escape, link, neutralize_mentions, sanitize, sanitize_result
from bot.summarize.schema import DigestResult, Point

TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
TOTAL = 6000
EMBEDS = 10
CONTENT = 2000

# Room kept on each page for its footer ("Page 12/12 · ..."), so packing never breaks TOTAL.
_FOOTER_ROOM = 120
# A single embed is kept well under TOTAL so that a page holds a header and a side together.
_EMBED_BUDGET = TOTAL - _FOOTER_ROOM

SIDE_COLOURS = (0x5865F2, 0xED4245, 0x57F287, 0xFEE75C)
HEADER_COLOUR = 0x2B2D31
COMMON_COLOUR = 0x99AAB5
QUESTIONS_COLOUR = 0xEB459E

ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)].rstrip()
    if (len(cut) - len(cut.rstrip("\\"))) % 2:  # a cut escape would escape the ellipsis
        cut = cut[:-1]
    return cut + ELLIPSIS


def safe(text: str) -> str:
    """Thread or model text for an embed: on one line, escaped (`bot.render.safe.escape`), so it
    shows as written."""
    return escape(text)


def clip_content(text: str) -> str:
    """Message content within 2000 characters, with controls removed and mentions neutralised
    (user and role mentions as `discord.utils.escape_mentions` does, plus @everyone/@here in any
    case)."""
    return clip(neutralize_mentions(discord.utils.escape_mentions(sanitize(text))), CONTENT)


class _Context:
    def __init__(self, result: DigestResult) -> None:
        self.authors = authors_by_id(result)
        self.urls = {c.id: c.url for c in result.comments}
        self.copies = copies_by_comment(result)

    def ref(self, comment_id: str) -> str:
        return link(
            safe(quote_ref(comment_id, self.authors.get(comment_id))), self.urls.get(comment_id)
        )


def _point_field(point: Point, ctx: _Context) -> tuple[str, str]:
    """(name, value) of one point: its text as the name, quotes with jump links as the value.

    A point that is only its quote (the extractive engine's) is shown as that quote, verbatim,
    once: the quote is the name and its citation the value, so a reader can check the words
    against the comment rather than a cleaned, re-capitalized copy of them."""
    quotes = list(point.quotes)
    shown = repeated_quote(point.text, quotes)
    if shown is not None:
        name = "“" + clip(safe(shown.text), FIELD_NAME - 2) + "”"
        quotes = [q for q in quotes if q is not shown]
    else:
        name = clip(safe(point.text), FIELD_NAME)
    lines: list[str] = [f"— {ctx.ref(shown.comment_id)}"] if shown is not None else []
    quoted = {q.comment_id for q in point.quotes}
    cites = [ctx.ref(cid) for cid in point.comment_ids if cid not in quoted]
    tail = ("Also: " + ", ".join(cites)) if cites else ""
    room = FIELD_VALUE - len(tail) - 1 - sum(len(line) + 1 for line in lines)
    if room < 200:  # too many citations: keep the quotes, cut the list
        tail = clip(tail, 200)
        room = FIELD_VALUE - len(tail) - 1 - sum(len(line) + 1 for line in lines)
    for quote in quotes:
        ref = " — " + ctx.ref(quote.comment_id)
        body = safe(quote.text)
        share = max(40, room // max(1, len(quotes)) - len(ref) - 4)
        lines.append(f"> “{clip(body, share)}”{ref}")
    if tail:
        lines.append(tail)
    value = "\n".join(lines) or "No citation."
    return name, clip(value, FIELD_VALUE)


def _embed(title: str, description: str | None, colour: int) -> discord.Embed:
    return discord.Embed(
        title=clip(title, TITLE),
        description=clip(description, DESCRIPTION) if description else None,
        colour=colour,
    )


def _with_fields(
    title: str, description: str | None, colour: int, fields: list[tuple[str, str]]
) -> list[discord.Embed]:
    """One embed, or several ("continued") when the fields exceed 25 or the size budget."""
    out = [_embed(title, description, colour)]
    for name, value in fields:
        current = out[-1]
        if len(current.fields) >= FIELDS or len(current) + len(name) + len(value) > _EMBED_BUDGET:
            current = _embed(clip(title, TITLE - 12) + " (continued)", None, colour)
            out.append(current)
        current.add_field(name=name, value=value, inline=False)
    return out


def _header(result: DigestResult, title: str | None) -> discord.Embed:
    s = result.summary
    lines = [f"**Question:** {clip(safe(s.question), 1000)}", "", safe(counts_line(result))]
    lines.append(safe(engine_line(result)))
    if result.reading_minutes_saved >= 1:
        lines.append(f"About {result.reading_minutes_saved:.0f} minutes of reading saved.")
    for note in result.notes[:5]:
        lines.append(f"**Note:** {clip(safe(note), 600)}")
    if warning := balance_warning(result):
        lines.append(f"**{clip(safe(warning), 800)}**")
    heading = "Debate digest" + (f": {safe(title)}" if title else "")
    return _embed(heading, clip("\n".join(lines), 3000), HEADER_COLOUR)


def blocks(result: DigestResult, *, title: str | None = None) -> list[discord.Embed]:
    """Every embed of the summary in order (header, one or more per side, common ground, open
    questions), each within the single-embed limits and under 6000 characters."""
    result = sanitize_result(result)
    ctx = _Context(result)
    s = result.summary
    out = [_header(result, title)]
    for number, side in enumerate(s.sides, 1):
        label = f"Side {number}: {safe(side.label)}" if len(s.sides) > 1 else safe(side.label)
        desc = (
            []
            if position_is_first_point(side)
            else [f"**Position:** {clip(safe(side.position), 1200)}"]
        )
        if support := side_support(side, ctx.copies):
            desc.append(f"**Support:** {support}")
        if side.participants:
            desc.append(
                f"**Participants:** {clip(safe(participants_line(side.participants)), 600)}"
            )
        if not side.points and side.comment_ids:
            desc.append(f"_{no_points_line(result)}_")
        fields = [_point_field(p, ctx) for p in side.points]
        colour = SIDE_COLOURS[(number - 1) % len(SIDE_COLOURS)]
        out += _with_fields(label, "\n".join(desc), colour, fields)
    if s.other_points:
        fields = [_point_field(p, ctx) for p in s.other_points]
        out += _with_fields(
            "Other points", "From comments that take no side.", COMMON_COLOUR, fields
        )
    if s.common_ground:
        fields = [_point_field(p, ctx) for p in s.common_ground]
        out += _with_fields("Common ground", None, COMMON_COLOUR, fields)
    if s.open_questions:
        text = "\n".join(f"• {clip(safe(q), 500)}" for q in s.open_questions)
        out.append(_embed("Open questions", clip(text, 3000), QUESTIONS_COLOUR))
    return out


def render_pages(
    result: DigestResult, *, title: str | None = None, attachment: str | None = None
) -> list[list[discord.Embed]]:
    """The summary as pages of embeds, each page one message within every Discord limit.

    Embeds are packed in order, at most 10 and 6000 characters a page. With more than one page
    each page's last embed gets a footer "Page i/n" (and the attachment's name, if any).
    """
    pages: list[list[discord.Embed]] = [[]]
    for embed in blocks(result, title=title):
        page = pages[-1]
        size = sum(len(e) for e in page)
        if page and (len(page) >= EMBEDS or size + len(embed) > TOTAL - _FOOTER_ROOM):
            pages.append([embed])
        else:
            page.append(embed)
    for number, page in enumerate(pages, 1):
        parts = []
        if len(pages) > 1:
            parts.append(f"Page {number}/{len(pages)}")
        if attachment:
            parts.append(f"full summary: {attachment}")
        if parts:
            page[-1].set_footer(text=clip(" · ".join(parts), _FOOTER_ROOM))
    return pages
