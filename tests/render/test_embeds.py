"""The embed renderer enforces every Discord limit, whatever the summary holds."""

from __future__ import annotations

import re

from bot.render import embeds as E
from bot.store.bench import realistic_result
from bot.summarize.schema import DigestResult, Point, Quote, Side, Summary


def page_size(page) -> int:  # noqa: ANN001
    """Characters of a page as Discord counts them against the 6000 limit."""
    return sum(len(e) for e in page)


def assert_within_limits(pages) -> None:  # noqa: ANN001
    assert pages
    for page in pages:
        assert 1 <= len(page) <= E.EMBEDS
        assert page_size(page) <= E.TOTAL
        for embed in page:
            data = embed.to_dict()
            assert len(data.get("title", "")) <= E.TITLE
            assert len(data.get("description", "")) <= E.DESCRIPTION
            fields = data.get("fields", [])
            assert len(fields) <= E.FIELDS
            for field in fields:
                assert 0 < len(field["name"]) <= E.FIELD_NAME
                assert 0 < len(field["value"]) <= E.FIELD_VALUE
            assert len(data.get("footer", {}).get("text", "")) <= E.FOOTER


def huge_result() -> DigestResult:
    base = realistic_result()
    long = "word " * 3000
    cid = base.comments[0].id
    point = Point(
        text="A very long claim " + long,
        comment_ids=[c.id for c in base.comments],
        quotes=[Quote(comment_id=cid, text=long) for _ in range(6)],
    )
    sides = [
        Side(label="L" * 500, position=long, participants=["p"] * 400, points=[point] * 10)
        for _ in range(4)
    ]
    summary = Summary(
        question="Q" * 5000,
        sides=sides,
        common_ground=[point] * 30,
        open_questions=[long] * 40,
    )
    return base.model_copy(update={"summary": summary, "notes": [long] * 8})


def test_realistic_result_fits() -> None:
    pages = E.render_pages(realistic_result(), title="remote work", attachment="x.md")
    assert_within_limits(pages)


def test_huge_result_pages_within_every_limit() -> None:
    pages = E.render_pages(huge_result(), title="T" * 400, attachment="debate-digest.md")
    assert len(pages) > 1
    assert_within_limits(pages)
    footers = [p[-1].footer.text for p in pages]
    assert footers[0].startswith(f"Page 1/{len(pages)}")
    # Every side is present, in order, on some page.
    titles = [e.title for p in pages for e in p]
    assert sum(1 for t in titles if t and t.startswith("Side 1")) >= 1
    assert any(t == "Common ground" for t in titles)


def test_thread_text_is_data_markdown_escaped() -> None:
    base = realistic_result()
    cid = base.comments[0].id
    evil = "[click me](https://evil.example) **bold** # heading @everyone <@&123>"
    summary = Summary(
        question=evil,
        sides=[
            Side(
                label=evil,
                position=evil,
                points=[
                    Point(text=evil, comment_ids=[cid], quotes=[Quote(comment_id=cid, text=evil)])
                ],
            )
        ],
    )
    result = base.model_copy(update={"summary": summary})
    for page in E.render_pages(result):
        for embed in page:
            text = str(embed.to_dict())
            assert not re.search(r"(?<!\\)\[click me\]\(", text)
            assert not re.search(r"(?<!\\)\*\*bold", text)


def test_content_is_clipped_and_mentions_neutralised() -> None:
    text = E.clip_content("@everyone look " + "x" * 5000)
    assert len(text) <= E.CONTENT
    assert "@everyone" not in text


def test_clip() -> None:
    assert E.clip("abc", 3) == "abc"
    assert E.clip("abcd", 3) == "ab…"
