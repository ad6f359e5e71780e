"""Comment HTML (Hacker News `text`, Discourse `cooked`, Reddit `body_html`) to plain text.

The stdlib parser is enough for these small, server-generated fragments: paragraphs become
blank-line breaks, `<br>` a line break, list items `- ` lines, `<pre>` keeps its spacing, and a
`<blockquote>` becomes `> ` lines, the form pasted quotes take, so that the engines treat a
quoted passage as someone else's words (`bot.ingest.quotes`). Discourse's quote header (the
"alice:" title inside `<aside class="quote">`) and image metadata are dropped; emoji images
keep their `:name:`. Scripts and styles are skipped. No markup is left in the result.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "aside", "header", "footer", "h1", "h2", "h3", "h4",
        "h5", "h6", "ul", "ol", "table", "tr", "details", "summary", "figure", "hr",
    }
)  # fmt: skip
_SKIP = frozenset({"script", "style", "template", "noscript", "svg", "head", "title"})
_VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "source", "wbr", "area", "col"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n{3,}")


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.quote_depth = 0
        self.pre = 0
        self.skip = 0  # depth inside elements whose text is not content
        self.stack: list[tuple[str, bool]] = []  # (tag, opened a skip)
        self.quotes: list[tuple[str | None, str | None]] = []  # Discourse (topic, post) quoted
        self.href: str | None = None

    # Text is collected as lines; a quote prefix is applied when a line is finished.
    def _newline(self, count: int = 1) -> None:
        self.out.append("\n" * count)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        skip = False
        if tag in _SKIP or (tag == "div" and ({"title", "meta", "quote-controls"} & classes)):
            skip = True
        if tag == "aside" and "quote" in classes:
            self.quotes.append((attributes.get("data-topic"), attributes.get("data-post")))
        if tag not in _VOID:
            self.stack.append((tag, skip))
        if skip:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "a":
            self.href = attributes.get("href")
        elif tag == "br":
            self._newline()
        elif tag == "blockquote":
            self._newline(2)
            self.quote_depth += 1
        elif tag == "pre":
            self._newline(2)
            self.pre += 1
        elif tag == "li":
            self._newline()
            self.out.append("\x03")  # a bullet for the item's first line of text
        elif tag in ("td", "th"):
            self.out.append(" ")
        elif tag == "img":
            if "emoji" in classes and attributes.get("alt"):
                self.out.append(attributes["alt"] or "")
        elif tag in _BLOCKS:
            self._newline(2)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        # Close up to the matching open tag (HN's `<p>` is never closed; browsers are lenient).
        while self.stack:
            open_tag, skipped = self.stack.pop()
            if skipped:
                self.skip -= 1
            elif not self.skip:
                self._close(open_tag)
            if open_tag == tag:
                break

    def _close(self, tag: str) -> None:
        if tag == "a":
            self.href = None
        elif tag == "blockquote":
            self._newline(2)
            self.quote_depth = max(0, self.quote_depth - 1)
        elif tag == "pre":
            self._newline(2)
            self.pre = max(0, self.pre - 1)
        elif tag in _BLOCKS:
            self._newline(2)

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        href = self.href
        if href and data.endswith("...") and href.startswith(data[:-3]):
            data = href  # Hacker News shortens long link texts to "https://example.com/a..."
        # Markers, resolved when lines are assembled: \x01 = this line is quoted, \x02 = this
        # line is preformatted (keeps its indentation).
        marks = ("\x01" if self.quote_depth else "") + ("\x02" if self.pre else "")
        if not self.pre:
            data = _SPACES.sub(" ", data.replace("\n", " "))
        self.out.append(marks + data.replace("\n", "\n" + marks))

    def text(self) -> str:
        raw = "".join(self.out)
        lines: list[tuple[str, bool]] = []  # (line, quoted)
        bullet = False
        for line in raw.split("\n"):
            quoted, pre = "\x01" in line, "\x02" in line
            bullet = bullet or "\x03" in line
            body = line.replace("\x01", "").replace("\x02", "").replace("\x03", "")
            body = body.rstrip() if pre else body.strip()
            if body and bullet:
                body, bullet = "- " + body, False
            if quoted and body:
                body = "> " + body
            lines.append((body, quoted and bool(body)))
        # Paragraphs inside one quote are kept on consecutive `> ` lines: a blank line would end
        # the quote for `bot.ingest.quotes`.
        kept: list[str] = []
        for index, (body, _quoted) in enumerate(lines):
            if not body and kept and kept[-1].startswith("> "):
                following = next((q for b, q in lines[index + 1 :] if b), False)
                if following:
                    continue
            kept.append(body)
        text = "\n".join(kept)
        return _BLANKS.sub("\n\n", text).strip()


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment (see the module docstring)."""
    return html_text_and_quotes(html)[0]


def html_text_and_quotes(html: str) -> tuple[str, list[tuple[str | None, str | None]]]:
    """Plain text, and the (topic id, post number) of each Discourse quote in the fragment."""
    if not html:
        return "", []
    converter = _Converter()
    converter.feed(html)
    converter.close()
    return converter.text(), converter.quotes
