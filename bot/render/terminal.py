"""The result in a terminal, with rich.

All thread text goes in as `rich.text.Text`, never as markup: a comment that contains
`[bold]` or `[link=…]` must print as written, not restyle the output. And the result is
sanitized first (`bot.render.safe.sanitize_result`): rich passes ESC through, so a comment
carrying ``ESC ] 52`` (a clipboard write) or ``ESC [ 2J`` would act on the terminal.
"""

from __future__ import annotations

from typing import Literal

from rich.columns import Columns
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.text import Text

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
from bot.render.safe import sanitize_result
from bot.summarize.schema import DigestResult, Point, Side

SIDE_COLOURS = ("cyan", "magenta", "green", "yellow")

Layout = Literal["stacked", "columns"]


def _point(point: Point, authors: dict[str, str | None]) -> Text:
    text = Text("• ", style="bold")
    shown = repeated_quote(point.text, list(point.quotes))
    quotes_only = shown is not None
    quotes = list(point.quotes)
    if shown is not None:  # the point is its quote: the verbatim quote leads, once
        quotes = [shown, *(q for q in quotes if q is not shown)]
    else:
        text.append(point.text)
        if point.comment_ids:
            text.append(f"  [{', '.join(point.comment_ids)}]", style="dim")
    for n, quote in enumerate(quotes):
        text.append("“" if quotes_only and n == 0 else "\n    “", style="dim")
        text.append(quote.text, style="italic")
        text.append("”", style="dim")
        text.append(f" — {quote_ref(quote.comment_id, authors.get(quote.comment_id))}", style="dim")
    return text


def _side_panel(
    number: int,
    side: Side,
    colour: str,
    authors: dict[str, str | None],
    empty: str = "No statement of this side could be quoted.",
    copies: dict[str, int] | None = None,
) -> Panel:
    body: list[RenderableType] = (
        [] if position_is_first_point(side) else [Text(side.position, style="bold")]
    )
    support = [side_support(side, copies)] if side.comment_ids else []
    if side.participants:
        support.append("participants: " + participants_line(side.participants))
    if support:
        line = " · ".join(s for s in support if s)
        body.append(Text(line[:1].upper() + line[1:], style="dim"))
    body.extend(_point(p, authors) for p in side.points)
    if not side.points and side.comment_ids:  # (a side nobody took says so in its position)
        body.append(Text(empty, style="dim italic"))
    title = Text(f"Side {number}: ", style=f"bold {colour}")
    title.append(side.label, style=f"bold {colour}")
    return Panel(Group(*body), title=title, title_align="left", border_style=colour)


def render(
    result: DigestResult,
    console: Console,
    *,
    layout: Layout = "stacked",
    show_duplicates: bool = False,
) -> None:
    """Print the whole summary: header, the sides (one after the other or side by side),
    common ground, open questions and notes; with `show_duplicates`, every folded copy."""
    result = sanitize_result(result)
    s = result.summary
    authors = authors_by_id(result)
    header = Text()
    header.append("Question: ", style="bold")
    header.append(s.question)
    header.append("\n" + counts_line(result), style="dim")
    header.append("\n" + engine_line(result), style="dim")
    if account := fold_account(result):
        header.append("\n" + account, style="dim")
    console.print(Panel(header, title="Debate digest", title_align="left"))
    for note in result.notes:
        console.print(Text("Note: ", style="bold yellow") + Text(note))
    if warning := balance_warning(result):
        console.print(Text(warning, style="bold red"))

    copies = copies_by_comment(result)
    panels = [
        _side_panel(
            n,
            side,
            SIDE_COLOURS[(n - 1) % len(SIDE_COLOURS)],
            authors,
            no_points_line(result),
            copies,
        )
        for n, side in enumerate(s.sides, 1)
    ]
    if layout == "columns" and len(panels) > 1:
        width = max(30, (console.width - 2) // len(panels))
        for panel in panels:
            panel.width = width
        console.print(Columns(panels, equal=True, expand=True))
    else:
        for panel in panels:
            console.print(panel)

    if s.other_points:
        console.print(
            Panel(
                Group(*(_point(p, authors) for p in s.other_points)),
                title="Other points (comments that take no side)",
                title_align="left",
                border_style="white",
            )
        )
    if s.common_ground:
        console.print(
            Panel(
                Group(*(_point(p, authors) for p in s.common_ground)),
                title="Common ground",
                title_align="left",
                border_style="blue",
            )
        )
    if s.open_questions:
        body = Group(*(Text("• ") + Text(q) for q in s.open_questions))
        console.print(Panel(body, title="Open questions", title_align="left", border_style="white"))
    if show_duplicates and result.duplicates:
        body = Group(*(Text("• ") + Text(line) for line in fold_lines(result)))
        console.print(Panel(body, title="Copies folded", title_align="left", border_style="white"))
