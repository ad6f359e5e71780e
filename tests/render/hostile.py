"""Checkers for rendered output: what a reader's terminal, CommonMark viewer or Discord client
would turn into something other than text. Shared by the render tests."""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt

ZWSP = "\u200b"
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# Pieces an attacker would put into names, texts, ids, urls and quotes (issue 14).
FRAGMENTS = (
    "[docs](https://ok.example)",
    " and [Free Nitro](https://evil.example/gift)",
    "![img](https://evil.example/i.png)",
    "x)[Free Nitro](https://evil.example/gift",
    "<https://evil.example>",
    "[ref]: https://evil.example\n",
    "[ref]",
    "# heading",
    "\n# heading\n",
    "\n## ",
    "\n-# subtext\n",
    "\n===\n",
    "\n---\n",
    "\n- item\n",
    "\n1. item\n",
    "\n> quoted\n",
    "\n    indented code\n",
    "```\ncode\n```",
    "~~~",
    "`tick`",
    "**bold**",
    "__under__",
    "||spoiler||",
    "~~strike~~",
    "<b>html</b>",
    "<img src=x onerror=alert(1)>",
    "&amp;",
    "&#91;",
    "\\",
    "\\[",
    "@everyone",
    "@here",
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&123456789012345678>",
    "<#123456789012345678>",
    "</cmd:123456789012345678>",
    "<t:1700000000:R>",
    "\x1b]52;c;SGVsbG8=\x1b\\",
    "\x1b]52;c;SGVsbG8=\x07",
    "\x1b[2J",
    "\x1b[31m",
    "\x9b2J",
    "\x07",
    "\r",
    "\u202e",
    "\u2066",
    "\ud83d",
    "\t",
    "  ",
    "\n",
    "word",
    "1)",
    "+",
    "|a|b|\n|-|-|",
)


def control_characters(text: str) -> list[str]:
    """Characters a terminal or a viewer would obey: controls (but newline and tab), bidi
    overrides, lone surrogates."""
    return [
        ch
        for ch in text
        if ch not in "\n\t" and (unicodedata.category(ch) in ("Cc", "Cs") or ch in BIDI)
    ]


def collapse(text: str) -> str:
    return " ".join(text.replace(ZWSP, "").split())


# -- Discord's Markdown --------------------------------------------------------------------------

_DISCORD_MENTION = re.compile(r"<(?:@[!&]?|#|/[^<>\s]+:|t:|a?:\w+:)\d")
_EVERYONE = re.compile(r"@(?:everyone|here)")
_DISCORD_HEADING = re.compile(r"^\s*(?:#{1,3}|-#)\s")


def _unescape_discord(text: str) -> str:
    return re.sub(r"\\([^0-9A-Za-z\s])", r"\1", text).replace(ZWSP, "")


def discord_links(text: str) -> list[tuple[str, str]]:
    """(label, url) of every masked link Discord would render: an unescaped ``[`` with its
    unescaped ``]`` followed by ``(`` and a ``)``. Escapes are simple-markdown's: a backslash
    before any character but a letter, digit or space."""
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            j = i + 1
            depth = 1
            while j < len(text) and depth:
                if text[j] == "\\":
                    j += 2
                    continue
                depth += {"[": 1, "]": -1}.get(text[j], 0)
                j += 1
            if depth == 0 and text[j : j + 1] == "(":
                end = text.find(")", j)
                if end > 0 and not re.search(r"\s", text[j + 1 : end]):
                    out.append((_unescape_discord(text[i + 1 : j - 1]), text[j + 1 : end]))
        i += 1
    return out


def discord_mentions(text: str) -> list[str]:
    """Mentions Discord would parse: unescaped ``<@id>``, ``<@&id>``, ``<#id>``, ``</cmd:id>``,
    timestamps and custom emoji, and @everyone/@here not broken by a zero-width space."""
    found = []
    for match in _DISCORD_MENTION.finditer(text):
        start = match.start()
        backslashes = len(text[:start]) - len(text[:start].rstrip("\\"))
        if backslashes % 2 == 0:
            found.append(match.group())
    found += _EVERYONE.findall(text)
    return found


def discord_headings(text: str) -> list[str]:
    return [line for line in text.split("\n") if _DISCORD_HEADING.match(line)]


def check_discord_text(text: str, links: dict[str, set[str]], *, headings: bool = True) -> None:
    """No control character, heading (unless `headings` is false: a Markdown file has its own)
    or mention, and only the jump links we made: `links` maps each safe comment URL to the
    labels it may carry."""
    assert not control_characters(text), (text, control_characters(text))
    if headings:
        assert not discord_headings(text), text
    assert not discord_mentions(text), (text, discord_mentions(text))
    for label, url in discord_links(text):
        assert url in links, (url, text)
        assert collapse(label) in links[url], (label, url, links[url])


# -- CommonMark ----------------------------------------------------------------------------------

COMMONMARK = MarkdownIt("commonmark")
FORBIDDEN_TOKENS = {
    "image",
    "html_inline",
    "html_block",
    "code_inline",
    "code_block",
    "fence",
    "hr",
}


def _walk(tokens):  # noqa: ANN001, ANN202
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def commonmark_check(text: str, links: dict[str, set[str]], headings: list[str]) -> str:
    """Parse `text` as CommonMark and assert: no image, HTML, code or thematic break; every link
    one of ours (`links`: safe url -> allowed labels); exactly `headings` as headings, in order.
    Returns the document's plain text (white space collapsed) for faithfulness checks."""
    tokens = COMMONMARK.parse(text)
    found_headings = []
    plain = []
    tokens_list = list(tokens)
    for index, token in enumerate(tokens_list):
        if token.type == "heading_open":
            inline = tokens_list[index + 1].children or []
            found_headings.append("".join(c.content for c in inline if c.type == "text"))
    flat = list(_walk(tokens_list))
    for index, token in enumerate(flat):
        assert token.type not in FORBIDDEN_TOKENS, (token.type, token.content, text)
        if token.type == "link_open":
            href = token.attrGet("href")
            label = []
            for inner in flat[index + 1 :]:
                if inner.type == "link_close":
                    break
                label.append(inner.content)
            assert href in links, (href, text)
            assert collapse("".join(label)) in links[href], (label, href)
        if token.type == "text":
            plain.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            plain.append(" ")
        elif token.type == "inline":
            plain.append(" ")
    assert [collapse(h) for h in found_headings] == [collapse(h) for h in headings], (
        found_headings,
        headings,
    )
    return collapse("".join(plain))
