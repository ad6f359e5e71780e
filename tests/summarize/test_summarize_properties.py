"""Properties: on any small thread the offline engine answers, and every quote it makes verifies."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.summarize.offline import summarize_offline
from bot.summarize.verify import fold, quote_matches, verify
from bot.thread import Comment, Thread

# Words and cues the engine reacts to, typographic characters that folding changes, and noise.
PIECES = [
    "I disagree.",
    "I agree",
    "I fully agree regarding",
    "Yes and no.",
    "but",
    "However,",
    "+1",
    "Exactly.",
    "Thank you!",
    "I think the opposite",
    "as far as I know there is no",
    "role-play",
    "roleplay",
    "experiments",
    "models",
    "deception",
    "real-world",
    "consequences",
    "\u201cquoted\u201d",
    "\u2018single\u2019",
    "it\u2019s",
    "\u2014",
    "\u2013",
    "\u2026",
    "...",
    "?",
    "!",
    ".",
    ",",
    ";",
    ":",
    "\n",
    "\n\n",
    "  ",
    "\t",
    "> quoted line\n",
    '"leading quote" -',
    "Why?",
    "What now?",
    "\u00e9t\u00e9",
    "\u4e2d\u6587",
    "\u0130stanbul",
    "\U0001f600",
    "",
]
texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=12), max_size=14).map(" ".join)


@st.composite
def threads(draw: st.DrawFn) -> Thread:
    n = draw(st.integers(min_value=0, max_value=9))
    authors = draw(st.sampled_from([None, ["ana", "ben", "cai"]]))
    comments = []
    for i in range(n):
        reply_to = draw(st.sampled_from([None, "missing"] + [f"c{j}" for j in range(i + 1)]))
        comments.append(
            Comment(
                id=f"c{i}",
                text=draw(texts),
                author=draw(st.sampled_from(authors)) if authors else None,
                reply_to=reply_to,
                is_bot=draw(st.booleans()) if i % 4 == 3 else False,
            )
        )
    return Thread(comments=tuple(comments))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(threads(), st.integers(min_value=1, max_value=4))
def test_offline_never_crashes_and_every_quote_verifies(thread: Thread, cap: int) -> None:
    summary, notes = summarize_offline(thread, max_points_per_side=cap)
    assert 1 <= len(summary.sides) <= 2
    assert summary.question.strip()
    assert notes and all(isinstance(n, str) and n for n in notes)
    for side in summary.sides:
        assert len(side.points) <= cap
        assert side.label and side.position
    cleaned, report = verify(summary, thread.comments)
    assert cleaned == summary
    assert report.quotes_checked == report.quotes_verified
    assert report.quotes_dropped == report.citations_dropped == report.points_dropped == 0
    # Participants are authors of the thread, never invented; none is on two sides.
    authors = {c.author for c in thread.comments if c.author}
    seen: set[str] = set()
    for side in summary.sides:
        assert set(side.participants) <= authors
        assert not (set(side.participants) & seen)
        seen |= set(side.participants)
    assert summarize_offline(thread, max_points_per_side=cap) == (summary, notes)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.data())
def test_any_substring_of_a_comment_verifies(source: str, data: st.DataObject) -> None:
    begin = data.draw(st.integers(min_value=0, max_value=len(source)))
    end = data.draw(st.integers(min_value=begin, max_value=len(source)))
    quote = source[begin:end]
    fragments = [f for f in fold(quote).replace("\u2026", "...").split("...") if f.strip()]
    assert quote_matches(quote, source) == bool(fragments)
