"""`parse_text`'s fast paths (no blank line; no `>` anywhere) against the line loop they skip,
kept here as the oracle."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.ingest.paste import _QUOTE_START, _join_quote_paragraphs, parse_text, split_lines

_LINE = st.sampled_from(
    ["Cats are better.", "  > quoted words here", ">", "   ", "", "\t", "Dogs > cats", "\u2028x"]
)


def _old_items(text: str) -> list[str]:
    """The comments' texts as the loops read them: paragraphs, else one per line with quotes
    kept with the reply."""
    lines = split_lines(text)
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if not line.strip():
            if paragraphs[-1]:
                paragraphs.append([])
        else:
            paragraphs[-1].append(line)
    paragraphs = [p for p in paragraphs if p]
    if len(paragraphs) >= 2 and any(len(p) > 1 for p in paragraphs):
        return _join_quote_paragraphs(paragraphs)  # a quote-only paragraph joins its reply
    items: list[str] = []
    pending: list[str] = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if stripped[0] == ">" and _QUOTE_START.match(line):
            pending.append(line.rstrip())
            continue
        if pending:
            items.append("\n".join([*pending, line.rstrip()]).strip())
            pending = []
        else:
            items.append(stripped)
    if pending:
        items.append("\n".join(pending).strip())
    return [i for i in items if i]


@given(st.lists(_LINE, min_size=1, max_size=12))
def test_text_reads_as_the_loops(lines: list[str]) -> None:
    text = "\n".join(lines)
    if not any(line.strip() for line in lines):
        return  # nothing to read
    assert [c.text for c in parse_text(text)] == _old_items(text)
