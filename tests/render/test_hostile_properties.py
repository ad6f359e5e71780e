"""Property: whatever strangers write (names, texts, ids, urls) and whatever the model echoes
(labels, points, quotes), no renderer turns it into a live link, image, heading, mention or
control sequence; and the Markdown shows every quote as written (issue 14)."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from bot.render import embeds as E
from bot.render.common import quote_ref
from bot.render.markdown import to_markdown
from bot.render.safe import safe_url, sanitize
from bot.render.terminal import render
from bot.summarize.schema import (
    CommentOut,
    DigestResult,
    InputStats,
    Point,
    Quote,
    Side,
    Summary,
    Verification,
)

from .hostile import (
    FRAGMENTS,
    check_discord_text,
    collapse,
    commonmark_check,
    control_characters,
)

# Any unicode (surrogates included) mixed with the pieces an attacker would use.
_CHARS = st.characters(codec=None, exclude_categories=())
hostile = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(_CHARS, max_size=6)), max_size=6
).map("".join)
nonempty = hostile.filter(lambda s: s.strip() != "")
urls = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "https://discord.com/channels/1/2/3",
            "https://forum.example/t/x)[Free Nitro](https://evil.example/gift/5",
            "https://discord.com/channels/1/2/1)[Free Nitro](https://evil.example/gift",
            "javascript:alert(1)",
            "https://discord.com@evil.example/x",
            "https://news.example/item?id=42#c7",
            "http://[x",
            "https://a.example/has space",
            "https://a.example/<b>",
        ]
    ),
    st.builds(lambda s: "https://h.example/" + s, hostile),
)


@st.composite
def results(draw: st.DrawFn) -> DigestResult:
    ids = draw(st.lists(nonempty, min_size=1, max_size=4, unique=True))
    comments = [
        CommentOut(id=cid, author=draw(st.none() | hostile), text=draw(hostile), url=draw(urls))
        for cid in ids
    ]

    def point() -> Point:
        cited = draw(st.lists(st.sampled_from(ids), max_size=3))
        quotes = [
            Quote(comment_id=draw(st.sampled_from(ids)), text=draw(nonempty))
            for _ in range(draw(st.integers(0, 2)))
        ]
        return Point(text=draw(hostile), comment_ids=cited, quotes=quotes)

    sides = [
        Side(
            label=draw(hostile),
            position=draw(hostile),
            participants=draw(st.lists(hostile, max_size=3)),
            comment_ids=draw(st.lists(st.sampled_from(ids), max_size=3)),
            points=[point() for _ in range(draw(st.integers(0, 2)))],
        )
        for _ in range(draw(st.integers(1, 3)))
    ]
    summary = Summary(
        question=draw(hostile),
        sides=sides,
        common_ground=[point() for _ in range(draw(st.integers(0, 2)))],
        open_questions=draw(st.lists(hostile, max_size=2)),
    )
    return DigestResult(
        engine="llm",
        model=draw(st.none() | hostile),
        input=InputStats(comments=len(ids), unique_comments=len(ids), duplicates_removed=0),
        summary=summary,
        verification=Verification(points_dropped=draw(st.integers(0, 1))),
        comments=comments,
        notes=draw(st.lists(hostile, max_size=2)),
    )


def allowed_links(result: DigestResult) -> dict[str, set[str]]:
    """Each safe comment url, with the labels a jump link to it may carry."""
    links: dict[str, set[str]] = {}
    for comment in result.comments:
        url = safe_url(sanitize(comment.url)) if comment.url else None
        if url:
            labels = links.setdefault(url, set())
            labels.add(collapse(sanitize(comment.id)))
            labels.add(collapse(sanitize(quote_ref(comment.id, comment.author))))
    return links


def expected_headings(result: DigestResult) -> list[str]:
    s = result.summary
    out = ["Debate digest"]
    for number, side in enumerate(s.sides, 1):
        label = sanitize(side.label)
        out.append(f"Side {number}: {label}" if len(s.sides) > 1 else label)
    if s.common_ground:
        out.append("Common ground")
    if s.open_questions:
        out.append("Open questions")
    return out


# The number of examples comes from the active hypothesis profile (100 by default).
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(results())
def test_markdown_shows_hostile_text_as_text(result: DigestResult) -> None:
    text = to_markdown(result)
    assert not control_characters(text)
    links = allowed_links(result)
    plain = commonmark_check(text, links, expected_headings(result))
    check_discord_text(text, links, headings=False)  # the same file pasted into Discord
    # Shown as written: every quote's words, in order (white space folded).
    for point in [p for side in result.summary.sides for p in side.points]:
        for quote in point.quotes:
            assert collapse(sanitize(quote.text)) in plain, (quote.text, plain)


@SETTINGS
@given(results(), st.none() | hostile)
def test_embeds_show_hostile_text_as_text(result: DigestResult, title: str | None) -> None:
    links = allowed_links(result)
    for page in E.render_pages(result, title=title, attachment="debate-digest.md"):
        for embed in page:
            data = embed.to_dict()
            texts = [data.get("title", ""), data.get("description", "")]
            texts += [data.get("footer", {}).get("text", "")]
            for field in data.get("fields", []):
                texts += [field["name"], field["value"]]
            for text in texts:
                check_discord_text(text, links)


@SETTINGS
@given(results(), st.sampled_from(["stacked", "columns"]))
def test_terminal_output_holds_no_control_sequence(result: DigestResult, layout: str) -> None:
    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None, force_terminal=False)
    render(result, console, layout=layout)  # type: ignore[arg-type]
    assert not control_characters(out.getvalue())


@SETTINGS
@given(hostile)
def test_message_content_holds_no_mention_or_control(text: str) -> None:
    content = E.clip_content(text)
    assert not control_characters(content)
    assert "@everyone" not in content and "@here" not in content
