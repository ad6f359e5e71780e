"""Every debate of the gold sides set (tests/fixtures/sides) loads and parses, in its declared
format, to exactly the comments it labels: same ids, same order, same authors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bench.sides_bench import SET_DIR, GoldError, load_debate, load_set
from bot.ingest import detect_format

# The held-out sets (tests/fixtures/sides/heldout, heldout-2, ...) are checked the same way.
HELDOUT_DIRS = ("heldout", "heldout-2", "heldout-3", "heldout-4", "heldout-5")
PATHS = sorted(SET_DIR.glob("*.toml")) + [
    p for d in HELDOUT_DIRS for p in sorted((SET_DIR / d).glob("*.toml"))
]


def test_the_set_is_big_and_varied() -> None:
    debates = load_set()
    assert len(debates) >= 50
    formats = {d.format for d in debates}
    assert {"chat", "text", "discord-json"} <= formats
    two_camps = [d for d in debates if set(d.camps) == {"A", "B"}]
    no_camp = [d for d in debates if not d.camps]
    one_camp = [d for d in debates if len(d.camps) == 1]
    assert len(two_camps) >= 35 and no_camp and one_camp
    sizes = [len({c.author for c in d.comments if c.author}) for d in debates]
    assert min(sizes) <= 3 and max(sizes) >= 15
    styles = {s for d in debates for s in d.styles}
    for wanted in (
        "quoting",
        "@mentions",
        "named agreement",
        "agreement chain",
        "denial words",
        "rumour",
        "joke",
        "junk",
        "no disagreement",
        "discord copy-paste",
        "reply links",
        "typos",
    ):
        assert wanted in styles, wanted


def test_the_second_heldout_set_is_whole() -> None:
    debates = load_set(SET_DIR / "heldout-2")
    assert len(debates) == 30
    assert {d.format for d in debates} == {
        "chat",
        "text",
        "discord-json",
        "discord-txt",
        "discord-csv",
    }
    kinds = [d.name.split("-")[0] for d in debates]
    assert (
        kinds.count("rumour") == 7 and kinds.count("deliberation") == 5 and kinds.count("args") == 5
    )
    assert sum(1 for d in debates if set(d.camps) == {"A", "B"}) == 25
    assert sum(1 for d in debates if len(d.camps) == 1) == 3
    assert sum(1 for d in debates if not d.camps) == 2
    assert all(6 <= len(d.comments) <= 30 for d in debates)


def test_the_third_heldout_set_is_whole() -> None:
    debates = load_set(SET_DIR / "heldout-3")
    assert len(debates) == 30
    assert {d.format for d in debates} == {
        "chat",
        "text",
        "discord-json",
        "discord-txt",
        "discord-csv",
    }
    kinds = [d.name.split("-")[0] for d in debates]
    assert kinds.count("rumour") == 7
    assert kinds.count("deliberation") == 5
    assert kinds.count("args") == 5
    assert kinds.count("reddit") + kinds.count("hn") == 4
    assert kinds.count("discord") == 4
    assert sum(1 for d in debates if set(d.camps) == {"A", "B"}) == 25
    assert sum(1 for d in debates if len(d.camps) == 1) == 3
    assert sum(1 for d in debates if not d.camps) == 2
    assert all(6 <= len(d.comments) <= 30 for d in debates)


def test_the_fifth_heldout_set_is_whole() -> None:
    debates = load_set(SET_DIR / "heldout-5")
    assert len(debates) == 36
    assert {d.format for d in debates} == {
        "chat",
        "text",
        "discord-json",
        "discord-txt",
        "discord-csv",
        "hackernews",
        "reddit",
        "discourse",
    }
    assert sum(1 for d in debates if "rumour" in d.styles) == 4
    assert sum(1 for d in debates if d.name.startswith("args-")) == 3
    assert sum(1 for d in debates if set(d.camps) == {"A", "B"}) == 32
    assert sum(1 for d in debates if len(d.camps) == 1) == 2
    assert sum(1 for d in debates if not d.camps) == 2


def test_the_fourth_heldout_set_is_whole() -> None:
    debates = load_set(SET_DIR / "heldout-4")
    assert len(debates) == 36
    kinds = [d.name.split("-")[0] for d in debates]
    assert kinds.count("rumour") == 9 and kinds.count("deliberation") == 9
    assert kinds.count("args") == 9 and kinds.count("reddit") + kinds.count("hn") == 9
    assert {"reddit", "hackernews", "discord-json", "discord-txt", "chat", "text"} <= {
        d.format for d in debates
    }
    assert sum(1 for d in debates if set(d.camps) == {"A", "B"}) == 32
    assert all(6 <= len(d.comments) <= 40 for d in debates)


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_debate_parses_to_its_labelled_comments(path: Path) -> None:
    debate = load_debate(path)
    thread = debate.thread()
    assert [c.id for c in thread.comments] == [c.id for c in debate.comments]
    for parsed, labelled in zip(thread.comments, debate.comments, strict=True):
        if labelled.author is not None:
            assert parsed.author == labelled.author, parsed.id
    # What a user gets without --format: the declared format is the one detected.
    assert detect_format(debate.input, debate.name + debate.suffix) == debate.format


def test_a_label_outside_the_camps_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'title = "t"\nformat = "chat"\nclaim = "x"\ncamps = { A = "for" }\n'
        'input = "Al: yes\\nBo: no\\n"\n'
        'comments = [{ id = "c1", camp = "A" }, { id = "c2", camp = "B" }]\n',
        encoding="utf-8",
    )
    with pytest.raises(GoldError, match="bad.toml: comment 2 has camp 'B'"):
        load_debate(bad)


def test_a_missing_set_says_where_it_lives(tmp_path: Path) -> None:
    with pytest.raises(GoldError, match="source checkout"):
        load_set(tmp_path / "nowhere")
