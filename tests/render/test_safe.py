"""The one sanitizer, escaper and link builder every renderer goes through (issue 14)."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from bot.render import embeds as E
from bot.render.markdown import to_markdown
from bot.render.safe import escape, link, safe_url, sanitize, sanitize_result, to_json
from bot.render.terminal import render
from bot.store.bench import realistic_result
from bot.summarize.schema import CommentOut, DigestResult, Point, Quote, Side, Summary

from .hostile import (
    COMMONMARK,
    check_discord_text,
    commonmark_check,
    control_characters,
    discord_links,
)

CLIPBOARD = "\x1b]52;c;SGVsbG8=\x1b\\"
CLEAR = "\x1b[2J"
TWO_LINKS = "see [docs](https://ok.example) and [Free Nitro](https://evil.example/gift)"
SLUG_URL = "https://forum.example/t/x)[Free Nitro](https://evil.example/gift/12/3"
EXPORT_URL = "https://discord.com/channels/1/2/3)[Free Nitro](https://evil.example/gift"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (f"a{CLIPBOARD}b", "a]52;c;SGVsbG8=\\b"),
        (f"a{CLEAR}b", "a[2Jb"),
        ("a\x9b2Jb\x85c", "a2Jbc"),  # C1 controls (CSI, NEL)
        ("abc\u202edcba\u2066x\u2069", "abcdcbax"),  # bidi override and isolates
        ("line\r\nnext\rover", "line\nnext\nover"),  # a bare CR cannot overwrite a line
        ("keep\ttab\nand newline", "keep\ttab\nand newline"),
        ("bell\x07 del\x7f", "bell del"),
        ("lone \ud83d surrogate", "lone \ufffd surrogate"),
        ("plain text, unchanged", "plain text, unchanged"),
    ],
)
def test_sanitize(raw: str, clean: str) -> None:
    assert sanitize(raw) == clean
    assert sanitize(clean) == clean


def test_escape_keeps_every_masked_link_dead() -> None:
    # discord.utils.escape_markdown escaped only the first of these.
    escaped = escape(TWO_LINKS)
    assert discord_links(escaped) == []
    tokens = COMMONMARK.parseInline(escaped)[0].children
    assert [t.type for t in tokens] == ["text"]
    assert tokens[0].content == TWO_LINKS


@pytest.mark.parametrize(
    "text",
    [
        "# heading",
        "-# subtext",
        "- item",
        "+ item",
        "1. item",
        "7) item",
        "> quote",
        "===",
        "---",
        "***",
        "    code",
        "```js",
        "![img](https://evil.example/i.png)",
        "<https://evil.example>",
        "<b>bold</b>",
        "[ref]: https://evil.example",
        "&amp; &#91;",
        "trailing \\",
        "title ##",
    ],
)
def test_escape_shows_block_and_inline_syntax_as_written(text: str) -> None:
    for where in (text, "first line\n" + text):
        document = f"- {escape(where)}\n"
        plain = commonmark_check(document, {}, [])
        assert plain == " ".join(where.split())


def test_escape_neutralises_mentions() -> None:
    text = escape("@everyone @here <@123456789012345678> <@&1> <#2> </x:3> <t:4:R>")
    assert "@everyone" not in text and "@here" not in text
    check_discord_text(text, {})


def test_escape_keeps_line_breaks_only_when_asked() -> None:
    assert escape("a\n# b") == "a \\# b"
    assert escape("a\n  # b", inline=False) == "a\n\\# b"


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://discord.com/channels/1/2/3", "https://discord.com/channels/1/2/3"),
        ("http://news.example/item?id=42#c7", "http://news.example/item?id=42#c7"),
        ("https://m.example/@user/1", "https://m.example/%40user/1"),
        (SLUG_URL, None),
        (EXPORT_URL, None),
        ("javascript:alert(1)", None),
        ("https://discord.com@evil.example/", None),
        ("https://a.example/with space", None),
        ("https://a.example/<b>", None),
        ("https://a.example/\x1b[2J", None),
        ("http://[x", None),
        ("https://a.example:port/", None),
        ("https:///path", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url(url: str | None, safe: str | None) -> None:
    assert safe_url(url) == safe
    assert link("label", url) == (f"[label]({safe})" if safe else "label")


def _hostile_result() -> DigestResult:
    base = realistic_result()
    comments = [
        CommentOut(
            id="p1", author=f"mallory{CLEAR}", text=f"{TWO_LINKS} {CLIPBOARD}", url=SLUG_URL
        ),
        CommentOut(
            id="3)[Free Nitro](https://evil.example/gift", author="eve", text="hi", url=EXPORT_URL
        ),
        CommentOut(id="c9", author="ann", text="fine", url="https://discord.com/channels/1/2/9"),
    ]
    point = Point(
        text=f"# Heading\n- list {TWO_LINKS}",
        comment_ids=[c.id for c in comments],
        quotes=[
            Quote(comment_id="p1", text=f"{TWO_LINKS} {CLIPBOARD}"),
            Quote(comment_id="c9", text="line one\n# line two\n![i](https://evil.example/i.png)"),
        ],
    )
    summary = Summary(
        question=f"Is it {CLEAR}safe? @everyone",
        sides=[
            Side(label=f"Yes\n# {TWO_LINKS}", position="<@&123> says so", points=[point]),
            Side(label="No \u202etxt.exe", position=CLIPBOARD, points=[]),
        ],
        common_ground=[point],
        open_questions=[f"{TWO_LINKS}\n## More?"],
    )
    return base.model_copy(
        update={"summary": summary, "comments": comments, "notes": [f"note {CLEAR}"]}
    )


LINKS = {"https://discord.com/channels/1/2/9": {"c9", "ann, c9"}}


def test_markdown_of_a_hostile_result() -> None:
    text = to_markdown(_hostile_result())
    assert "\x1b" not in text and not control_characters(text)
    plain = commonmark_check(
        text,
        LINKS,
        [
            "Debate digest",
            f"Side 1: Yes # {TWO_LINKS}",
            "Side 2: No txt.exe",
            "Common ground",
            "Open questions",
        ],
    )
    assert TWO_LINKS in plain and "Free Nitro" in plain
    assert "[ann, c9](https://discord.com/channels/1/2/9)" in text  # the valid jump link stays
    check_discord_text(text, LINKS, headings=False)


def test_terminal_of_a_hostile_result() -> None:
    out = io.StringIO()
    render(_hostile_result(), Console(file=out, width=120, color_system=None), layout="columns")
    text = out.getvalue()
    assert "\x1b" not in text and not control_characters(text)
    assert "Free Nitro" in text  # shown, as text


def test_embeds_of_a_hostile_result() -> None:
    for page in E.render_pages(_hostile_result(), title=f"t {CLEAR}"):
        for embed in page:
            data = embed.to_dict()
            for text in [data.get("title", ""), data.get("description", "")] + [
                v for f in data.get("fields", []) for v in (f["name"], f["value"])
            ]:
                check_discord_text(text, LINKS)


def test_json_survives_a_lone_surrogate_and_escapes_c1_and_bidi() -> None:
    result = _hostile_result()
    comments = [*result.comments, CommentOut(id="s", text="half \ud83d emoji \x9b2J \u202e")]
    text = to_json(result.model_copy(update={"comments": comments}), indent=2)
    text.encode("utf-8")  # valid UTF-8
    assert "\x1b" not in text and not control_characters(text.replace("\n", ""))
    data = json.loads(text)
    assert data["comments"][-1]["text"] == "half \ufffd emoji \x9b2J \u202e"
    assert data["comments"][0]["author"] == f"mallory{CLEAR}"  # the data is kept


def test_sanitize_result_is_identity_on_clean_results() -> None:
    clean = realistic_result()
    assert sanitize_result(clean) is clean


@pytest.mark.parametrize("limit", range(2, 12))
def test_clip_never_leaves_a_dangling_escape(limit: int) -> None:
    clipped = E.clip(escape("a*b*c*d*e*f*g"), limit)
    assert len(clipped) <= limit
    body = clipped.removesuffix(E.ELLIPSIS)
    assert (len(body) - len(body.rstrip("\\"))) % 2 == 0


@pytest.mark.parametrize(
    "url", ["https://h.example/&amp;", "https://h.example/a&#91;b", "https://h.example/%zz"]
)
def test_a_url_a_viewer_would_rewrite_gets_no_link(url: str) -> None:
    # CommonMark decodes entities and re-encodes a stray "%": the link would go elsewhere.
    assert safe_url(url) is None
    assert link("label", url) == "label"
