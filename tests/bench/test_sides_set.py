"""Every debate of the gold sides set (tests/fixtures/sides) loads and parses, in its declared
format, to exactly the comments it labels: same ids, same order, same authors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bench.sides_bench import GOLD_FORMATS, SET_DIR, GoldError, load_debate, load_set
from bot.ingest import detect_format

# The held-out sets (tests/fixtures/sides/heldout, heldout-2, ...) are checked the same way.
HELDOUT_DIRS = (
    "heldout",
    "heldout-2",
    "heldout-3",
    "heldout-4",
    "heldout-5",
    "heldout-6",
    "heldout-7",
    "heldout-8",
    "heldout-9",
    "heldout-10",
    "heldout-11",
    "heldout-12",
    "heldout-13",
    "heldout-14",
    "heldout-15",
    "heldout-16",
    "heldout-17",
    "heldout-18",
    "heldout-19",
    "heldout-20",
    "heldout-21",
    "heldout-22",
    "heldout-23",
    "heldout-24",
    "heldout-25",
    "heldout-26",
    "heldout-27",
    "heldout-28",
    "heldout-29",
    "heldout-30",
    "heldout-31",
    "heldout-32",
    "heldout-33",
    "heldout-34",
    "heldout-35",
    "heldout-36",
    "heldout-37",
    "heldout-38",
    "heldout-39",
    "heldout-40",
    "heldout-41",
    "heldout-42",
    "heldout-43",
    "heldout-44",
    "heldout-45",
    "heldout-46",
    "heldout-47",
    "heldout-48",
    "heldout-49",
    "heldout-50",
    "heldout-51",
    "heldout-52",
    "heldout-53",
    "heldout-54",
    "heldout-long",
)
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


_ALL_FORMATS = set(GOLD_FORMATS)
_CHAT_FORMATS = _ALL_FORMATS - {"hackernews", "reddit", "discourse"}
# The mix of kinds of the blind sets from heldout-9 on (file-name prefixes -> threads).
_MIXED_KINDS = {
    "rumour": 7,
    "deliberation": 6,
    "args": 5,
    "joke": 2,
    "question": 5,
    "casual": 8,
    "no": 4,
}


# Each held-out set as its README describes it: (folder, debates, formats it must have exactly
# or at least, kinds by file-name prefix, two-camp / one-camp / no-camp debates, comments).
@pytest.mark.parametrize(
    ("folder", "debates", "formats", "kinds", "camps", "sizes"),
    [
        (
            "heldout-2",
            30,
            _CHAT_FORMATS,
            {"rumour": 7, "deliberation": 5, "args": 5},
            (25, 3, 2),
            (6, 30),
        ),
        (
            "heldout-3",
            30,
            _CHAT_FORMATS,
            {"rumour": 7, "deliberation": 5, "args": 5, "reddit+hn": 4, "discord": 4},
            (25, 3, 2),
            (6, 30),
        ),
        (
            "heldout-4",
            36,
            {"reddit", "hackernews", "discord-json", "discord-txt", "chat", "text"},
            {"rumour": 9, "deliberation": 9, "args": 9, "reddit+hn": 9},
            (32, 2, 2),
            (6, 40),
        ),
        ("heldout-5", 36, _ALL_FORMATS, {"args": 3}, (32, 2, 2), (6, 40)),
        (
            "heldout-6",
            36,
            _ALL_FORMATS,
            {"args": 3, "deliberation": 5, "reddit+hn": 13, "dce+discord": 14},
            (32, 2, 2),
            (6, 40),
        ),
        # Blind, modelled on the public threads an outside evaluator uses; three long threads.
        (
            "heldout-7",
            36,
            _ALL_FORMATS,
            {"args": 4, "deliberation": 5, "reddit+hn": 12, "dce+discord": 14, "rumour": 1},
            (32, 2, 2),
            (8, 80),
        ),
        # Blind, modelled on public threads (PHEME-like rumours, deliberations, argument
        # collections, option questions, casual arguments); two long threads.
        (
            "heldout-8",
            36,
            _ALL_FORMATS,
            {
                "rumour": 7,
                "deliberation": 6,
                "args": 3,
                "joke": 1,
                "question": 7,
                "casual": 8,
                "no": 4,
            },
            (32, 2, 2),
            (8, 70),
        ),
        # Blind, written without the engine's code or output: the kinds of heldout-8 with a
        # second joke thread, two argument collections unmarked by headings; two long threads.
        (
            "heldout-9",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        # Blind, written without the engine's code or output, new topics in the kinds and
        # formats of heldout-9 (Kialo, debate-site and perspective lists, two unmarked); two long
        # threads.
        (
            "heldout-10",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (9, 50),
        ),
        # Blind, written without the engine's code or output: new topics in the kinds and
        # formats of heldout-10 (a Kialo-style export, a debate-site page, three collections
        # unmarked); two long threads.
        (
            "heldout-11",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        # Blind, written without the engine's code or output: new topics in the kinds and
        # formats of heldout-11 (a Kialo-style export, a debate-site page, three collections
        # unmarked); two long threads.
        (
            "heldout-12",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        # Blind, written without the engine's code or output: new topics in the kinds and
        # formats of heldout-12 (a Kialo-style export, a debate-site page, three collections
        # unmarked); two long threads.
        (
            "heldout-13",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        # Blind, written without the engine's code or output: new topics in the kinds and
        # formats of heldout-13 (a Kialo-style export, a debate-site page, three collections
        # unmarked); two long threads.
        (
            "heldout-14",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        # Blind, written without the engine's code or output; kinds and formats of heldout-14.
        (
            "heldout-15",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        # Blind, written without the engine's code or output; kinds and formats of heldout-15.
        (
            "heldout-16",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        # Blind, written without the engine's code or output; kinds and formats of heldout-15.
        (
            "heldout-17",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        # Blind, written without the engine's code or output; kinds and formats of heldout-15.
        (
            "heldout-18",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        # Blind, written without the engine's code or output; kinds and formats of heldout-18.
        (
            "heldout-19",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        (
            "heldout-20",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        # Blind, written without the engine's code or output; kinds and formats of heldout-20.
        (
            "heldout-21",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        (
            "heldout-22",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        # Blind, written without the engine's code or output; kinds and formats of heldout-22.
        (
            "heldout-23",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        (
            "heldout-24",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        # Blind, written without the engine's code or output; kinds and formats of heldout-24.
        (
            "heldout-25",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        (
            "heldout-26",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        # Blind, written without the engine's code or output; kinds and formats of heldout-24.
        ("heldout-27", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        (
            "heldout-28",
            37,
            _ALL_FORMATS,
            _MIXED_KINDS,
            (33, 2, 2),
            (8, 50),
        ),
        # Blind, written without the engine's code or output; kinds and formats of heldout-24.
        ("heldout-29", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-30", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-31", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-32", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-33", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-34", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-35", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-36", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-37", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-38", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-39", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-40", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-41", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-42", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-43", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-44", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-45", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-46", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-47", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-48", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-49", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-50", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-51", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-52", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-53", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        ("heldout-54", 37, _ALL_FORMATS, _MIXED_KINDS, (33, 2, 2), (8, 50)),
        # Long threads (issue 9): 60 to 150 comments each, one debate per format and kind.
        (
            "heldout-long",
            8,
            {"reddit", "hackernews", "discourse", "discord-json", "chat", "text"},
            {"reddit+hn": 3, "dce": 1, "chat": 1, "deliberation": 1, "discourse": 1, "args": 1},
            (8, 0, 0),
            (60, 150),
        ),
    ],
)
def test_each_heldout_set_is_whole(
    folder: str,
    debates: int,
    formats: set[str],
    kinds: dict[str, int],
    camps: tuple[int, int, int],
    sizes: tuple[int, int],
) -> None:
    found = load_set(SET_DIR / folder)
    assert len(found) == debates
    have = {d.format for d in found}
    assert have == formats if folder != "heldout-4" else formats <= have
    prefixes = [d.name.split("-")[0] for d in found]
    for kind, count in kinds.items():
        assert sum(prefixes.count(k) for k in kind.split("+")) == count, kind
    two = sum(1 for d in found if set(d.camps) == {"A", "B"})
    one = sum(1 for d in found if len(d.camps) == 1)
    none = sum(1 for d in found if not d.camps)
    assert (two, one, none) == camps
    assert all(sizes[0] <= len(d.comments) <= sizes[1] for d in found)
    rumours = {
        "heldout-5": 4,
        "heldout-6": 5,
        "heldout-7": 6,
        "heldout-8": 7,
        "heldout-9": 7,
        "heldout-10": 7,
        "heldout-11": 7,
        "heldout-12": 7,
        "heldout-13": 7,
        "heldout-14": 7,
        "heldout-15": 7,
        "heldout-16": 7,
        "heldout-17": 7,
        "heldout-18": 7,
        "heldout-19": 7,
        "heldout-20": 7,
        "heldout-21": 7,
        "heldout-22": 7,
        "heldout-23": 7,
        "heldout-24": 7,
        "heldout-25": 7,
        "heldout-26": 7,
        "heldout-27": 7,
        "heldout-28": 7,
        "heldout-29": 7,
        "heldout-30": 7,
        "heldout-31": 7,
        "heldout-32": 7,
        "heldout-33": 7,
        "heldout-34": 7,
        "heldout-35": 7,
        "heldout-36": 7,
        "heldout-37": 7,
        "heldout-38": 7,
        "heldout-39": 7,
        "heldout-40": 7,
        "heldout-41": 7,
        "heldout-42": 7,
        "heldout-43": 7,
        "heldout-44": 7,
        "heldout-45": 7,
        "heldout-46": 7,
        "heldout-47": 7,
        "heldout-48": 7,
        "heldout-49": 7,
        "heldout-50": 7,
        "heldout-51": 7,
        "heldout-52": 7,
        "heldout-53": 7,
        "heldout-54": 7,
        "heldout-long": 1,
    }
    if folder in rumours:
        assert sum(1 for d in found if "rumour" in d.styles) == rumours[folder]


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
