"""Stage 3: sides. A signed graph of who agrees or disagrees with whom, split in two camps
relative to the question.

Nodes are people (every comment of one author), anonymous comments (one node each) and the
question itself (the title or the opening claim, which the opening comment stands for in chat).
Each linked cue is an edge: agreement +, disagreement -, its weight how often that kind of cue,
linked that way, joins (or parts) people of the same (or different) camps in the labelled sets
(`EDGE_WEIGHTS`, measured by `python -m bot.bench.edge_bench`). The edges are
2-coloured by a maximum spanning forest (strongest evidence first; a contradicting weaker edge
is dropped and counted), then nodes flip where the weighted majority of their edges says so.
The camp of the question is side 0 ("for"); agreeing with someone who disagrees with the
question is disagreeing with it. Where the question's component holds no disagreement, the
largest component that does defines the two sides. Everything outside that component (no
evidence, or evidence about another exchange) is on no side: never placed by vocabulary.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from bot.summarize.offline.cues import (
    CHOICE_ASKED,
    CONTRAST_WEIGHT,
    OPENING_SENTENCES,
    OWN_RETRACTION,
    TEAM_WORD_SET,
    VERSUS,
    WHICH_WOULD,
    answer_lead,
    answer_options,
    as_option,
    bare_word,
    concedes,
    grants_a_point,
    named_option,
    option_choices,
    ordinal_option,
    pick,
    question_options,
    retracts,
    team_phrase,
    team_word,
)
from bot.summarize.offline.linking import (
    CHAIR_ROLES,
    CLAIM_WEIGHT,
    COUNTER_WEIGHT,
    OPEN_QUESTION,
    POLL,
    REBUTTAL_WEIGHT,
    TREE_SOURCES,
    agenda_opening,
    is_post,
    only_asks,
    only_questions_in,
    opening_index,
    reports_incredulously,
)
from bot.summarize.offline.model import ROOT, Cue, Doc, Unit
from bot.summarize.text import word_count
from bot.thread import Thread

# The opening comment states the question: the strongest evidence there is.
OPENING_WEIGHT = 3.0

# The weight of a linked cue as evidence between two people, by (kind, sign, how its target was
# found): the log-odds that the cue joins two comments of one camp (agreement) or parts two of
# different camps (disagreement), log((right + 1) / (wrong + 1)), divided by 3.9 so that a plain
# "I disagree" with the claim weighs about 1 beside the structural weights here. Measured by
# `python -m bot.bench.edge_bench` on the read sides sets (every set but the blind ones named in
# `edge_bench.BLIND_SETS`: 4,759 linked cues between labelled comments of 1,233 two-camp
# debates, 2026-12-08); a kind seen fewer than 10 times keeps its row's own
# weight (`tests/bench/test_edge_bench.py` fails when the table and the sets part). Before these
# were measured, a bare "But ..." in a reply (0.3) weighed a third of an "agreed" that
# answers the previous speaker (1.0), though the first is right 92% of the time and the second
# 75%: the forest kept the less reliable edge whenever the two contradicted each other.
EDGE_WEIGHTS: dict[tuple[str, int, str], float] = {
    ("contrast", -1, "reply"): 0.626,  # 1368 right, 118 wrong
    ("rebuttal", -1, "reply"): 0.542,  # 702 right, 84 wrong
    ("agree", 1, "named"): 0.939,  # 505 right, 12 wrong
    ("disagree", -1, "root"): 0.924,  # 440 right, 11 wrong
    ("agree", 1, "root"): 0.672,  # 315 right, 22 wrong
    ("agree", 1, "reply"): 0.541,  # 172 right, 20 wrong
    ("query", -1, "root"): 1.088,  # 138 right, 1 wrong
    ("counter", -1, "previous"): 0.785,  # 127 right, 5 wrong
    ("disagree", -1, "previous"): 0.668,  # 121 right, 8 wrong
    ("agree", 1, "previous"): 0.284,  # 93 right, 30 wrong
    ("claim", 1, "root"): 0.350,  # 97 right, 24 wrong
    ("disagree", -1, "reply"): 0.655,  # 89 right, 6 wrong
    ("claim", -1, "root"): 0.530,  # 70 right, 8 wrong
    ("query", -1, "reply"): 0.939,  # 38 right, 0 wrong
    ("concession", -1, "reply"): 0.637,  # 23 right, 1 wrong
    ("concession", -1, "previous"): 0.094,  # 12 right, 8 wrong
    ("denial", -1, "previous"): 0.549,  # 16 right, 1 wrong
    ("proposer", 1, "root"): 0.726,  # 16 right, 0 wrong
    ("concession", -1, "named"): 0.395,  # 13 right, 2 wrong
    ("denial", -1, "root"): 0.437,  # 10 right, 1 wrong
    ("disagree", -1, "named"): 0.437,  # 10 right, 1 wrong
    ("denial", -1, "reply"): 0.615,  # 10 right, 0 wrong
}
# What a kind's rows give a cue in a comment's first sentences: a row's own weight against it
# (a cue further into a comment, a hedged query) scales the measured weight.
KIND_BASE = {
    "contrast": CONTRAST_WEIGHT,
    "rebuttal": REBUTTAL_WEIGHT,
    "counter": COUNTER_WEIGHT,
    "claim": CLAIM_WEIGHT,
    "denial": CLAIM_WEIGHT,
    "query": 0.6,
    "concession": 0.6,
    "partial": 0.6,
}
# A bare yes or no on the question beside a named answer ("nah Cheng said it"): right 30 times,
# wrong 17, so weak evidence.
VOTE_WEIGHT = 0.139
# Two people who name the same camp ("team cats") agree; different camps disagree.
TEAM_WEIGHT = 0.8
# A rival view that others back, answering the opening claim (see `_rival`).
RIVAL_WEIGHT = 0.5
# An answer that picks an option ("I'd go with Python", "the cabins, no question").
PICK_WEIGHT = 0.6
# A change of mind ("I stand corrected") parts a person from what they said before it.
RETRACT_WEIGHT = 1.0
# "mimic tear is kind of a fair point ngl": a point granted to someone is weaker evidence of a
# shared side than agreeing with them (people grant the other side's best point and keep their
# own view; `cues.grants_a_point`).
GRANTED_POINT = 0.5
ANSWERS_READ = 30  # people whose first answers may name a question's options
MAX_TEAMS = 6  # camps named beyond these are chatter, not a dispute (and keep the work linear)
REFINE_ROUNDS = 5


@dataclass(slots=True)
class Camps:
    two_sides: bool
    anchored: bool  # side 0 is the question's side ("for")
    conflicts: int
    # The options of an opening question the two sides picked ("Python", "Rust"), by side.
    names: tuple[str, str] | None = None


def _may_retract(doc: Doc) -> bool:
    """Whether a comment's "my mistake" may take back its author's view: with a cue, one that
    agrees or is about the claim; with none, where it talks about the topic ("my bad, fixing
    now" is about a build, not their view)."""
    cue = doc.cue
    if cue is None:
        return not doc.off_topic
    return cue.sign > 0 or cue.about_claim or doc.target == ROOT


def _takes_back(doc: Doc) -> bool:
    """Whether the poster's later comment takes back the report they opened with ("sorry,
    ignore me", "old screenshot, sorry everyone"): `linking` made it a cue against the claim."""
    cue = doc.cue
    return (
        cue is not None
        and cue.sign < 0
        and cue.about_claim
        and OWN_RETRACTION.search(doc.comment.text[doc.body : doc.body + 600]) is not None
    )


def build_units(docs: list[Doc]) -> list[Unit]:
    """Unit 0 is the question; then one per author, one per anonymous comment. Bots: none."""
    units: list[Unit] = [Unit()]
    by_author: dict[str, int] = {}
    opening = opening_index(docs)
    opener = docs[opening].speaker if opening is not None else None
    for doc in docs:
        if doc.comment.is_bot:
            continue
        author = doc.speaker
        if author:
            index = by_author.get(author)
            if index is not None and (
                (
                    _may_retract(doc)
                    and (
                        retracts(doc.comment.text[doc.body :])
                        or concedes(doc.comment.text[doc.body :])
                    )
                )
                or (author == opener and doc.index != opening and _takes_back(doc))
            ):
                before = index
                index = None  # changed their mind: from here on a person of the other view
            else:
                before = None
            if index is None:
                index = by_author[author] = len(units)
                units.append(Unit(author=author, before=before))
        else:
            index = len(units)
            units.append(Unit())
        doc.unit = index
        units[index].docs.append(doc.index)
    return units


def _edges(
    docs: list[Doc], thread: Thread
) -> tuple[dict[tuple[int, int], float], dict[str, tuple[str, int]]]:
    """The signed evidence between units, and the options of an opening question with the
    first unit that picked each (see `_pick_edges`)."""
    weights: dict[tuple[int, int], float] = {}

    def add(a: int, b: int, w: float) -> None:
        if a < 0 or b < 0 or a == b:
            return
        key = (a, b) if a < b else (b, a)
        weights[key] = weights.get(key, 0.0) + w

    opening = opening_index(docs)
    marked = _marker_edges(docs, add)
    # A chair who opens with the item states the question and takes no side: not with the
    # question, and not by what they say while chairing ("Anyone against? No. Agreed."). Nor
    # does answering them take one: "Then I'm against it" to the chair's "yes, it covers any
    # shared house" parts the speaker from nobody's view.
    chair = opening is not None and agenda_opening(docs[opening])
    if chair:
        chair_unit = docs[opening].unit  # type: ignore[index]
        plain = add

        def add(a: int, b: int, w: float) -> None:
            if a != chair_unit and b != chair_unit:
                plain(a, b, w)

    elif opening is not None and opening not in marked and _states_question(docs[opening], thread):
        add(docs[opening].unit, 0, OPENING_WEIGHT * _respondents_vote(docs[opening]))
    # "How do I keep the data?": its answers add tips and caveats ("just don't run down -v"); a
    # bare contrast there is advice, not a camp.
    asks_how = opening is not None and _asks_how(docs[opening])
    for doc in docs:
        cue = doc.cue
        if cue is None or doc.target is None:
            continue
        if chair and doc.speaker is None and _REPORTED_CHAIR.match(doc.comment.text):
            continue  # minutes: "The Chair put the proposal to the vote ... Anyone against? No."
        if asks_how and (cue.weak or cue.kind == "counter"):
            continue  # an answer to "how do I ...?" is a tip, not a counter-claim
        weight = linked_weight(doc)
        if not weight:
            continue
        other = 0 if doc.target == ROOT else docs[doc.target].unit
        add(doc.unit, other, cue.sign * weight)
        if doc.vote:
            add(doc.unit, 0, doc.vote * VOTE_WEIGHT)
    options = _team_edges(docs, opening, add, thread.title)
    return weights, options


def edge_weight(cue: Cue, link: str) -> float:
    """The weight of `cue` linked by `link` (reply, named, previous, or root for the question):
    its measured weight (`EDGE_WEIGHTS`) scaled by the row's own weight against its kind's, or
    the row's own weight where the kind was not measured."""
    measured = EDGE_WEIGHTS.get((cue.kind, cue.sign, link))
    if measured is None:
        return cue.weight
    return measured * cue.weight / KIND_BASE.get(cue.kind, 1.0)


def linked_weight(doc: Doc) -> float:
    """What the sides stage weighs `doc`'s linked cue (`doc.cue` and `doc.target` set): 0 for a
    weak cue not on a reply link, less for an agreement that only grants a point ("fair point,
    but ..."), else `edge_weight`."""
    cue = doc.cue
    assert cue is not None
    if cue.weak and doc.link != "reply":
        return 0.0
    weight = edge_weight(cue, "root" if doc.target == ROOT else doc.link)
    if (
        cue.kind == "agree"
        and doc.target != ROOT
        and grants_a_point(doc.comment.text, doc.spans, doc.own)
    ):
        weight *= GRANTED_POINT
    return weight


def _respondents_vote(opening: Doc) -> int:
    """-1 where the opening is a consultation response that votes against what was consulted on
    ("Response 1 — resident — I object."): the proposal itself was not pasted, and the votes
    after it ("Support.") are on the proposal, not with the first respondent; else 1."""
    cue = opening.cue
    if opening.label is not None and cue is not None and cue.vote == 2 and cue.sign < 0:
        return -1
    return 1


# An argument list that marks each line pro or con ("(+) ...", "[-] ...", "Pro: ...", "Con -
# ...", "👍 ..."), or sorts them under headings ("Pros:", "Arguments against"): the marks are
# the stance, as a reader takes them.
_PRO = "pro"
_CON = "con"
_MARK = re.compile(
    # A numbered line ("3. (For) ...", "1.1.1. Con: ..." as Kialo exports a discussion).
    r"\s*(?:(?P<number>\d{1,3}(?:\.\d{1,3}){0,8})[.)]?\s+)?"
    r"(?:(?P<pro>\(\+\)|\[\+\]|\+\s*:|pro\s*[:\-\u2013\u2014]|for\s*:|\u2705|\U0001f44d"
    r"|[(\[](?:for|pro|in favou?r)[)\]]|in favou?r\s*:)"
    r"|(?P<con>\(-\)|\(\u2212\)|\[-\]|-\s*:|con\s*[:\-\u2013\u2014]|against\s*:|\u274c"
    r"|\U0001f44e|[(\[](?:against|con)[)\]]))\s*(?=\S)",
    re.IGNORECASE,
)
# A list's heading: "Arguments for:", "PRO", "## Cons" (also `extraction.position`: no position).
LIST_HEADING = re.compile(
    r"\s*(?:#+\s*)?(?:(?P<pro>pros|pro|arguments? for(?: it)?|(?:for|in favou?r|pro)\s*:)"
    r"|(?P<con>cons|con|arguments? against(?: it)?|(?:against|con)\s*:))\s*:?\s*$",
    re.IGNORECASE,
)
# What a text whose first character is not white space must open with for `_MARK` to match
# there (its number's digits aside): its marks' first characters, in both cases, with the two
# that IGNORECASE matches to "i".
_MARK_FIRST = frozenset("([+-pPfFiIcCaA\u0130\u0131\u2705\U0001f44d\u274c\U0001f44e")


def _marked(text: str) -> re.Match[str] | None:
    """``_MARK.match(text)``, with no run where the first character rules it out (most
    comments open with a word that is no mark)."""
    first = text[:1]
    if first in _MARK_FIRST or first.isspace() or first.isdecimal():
        return _MARK.match(text)
    return None


MARK_WEIGHT = 1.0
MIN_MARKED = 2  # one "Pro:" is a word; a list marks several lines


def _marker_edges(docs: list[Doc], add) -> set[int]:
    """Edges to the question from pro / con marks and headings; the docs marked (none unless
    at least `MIN_MARKED` are, with both marks present)."""
    found: dict[int, int] = {}
    numbered: dict[str, int] = {}  # a numbered claim -> its stance on the thesis
    section = 0
    for doc in docs:
        if doc.comment.is_bot or doc.unit < 0:
            continue
        text = doc.comment.text
        # Headings sort a list that nobody signs; in a chat "Pros:" is somebody's message.
        heading = LIST_HEADING.match(text) if len(text) < 40 and not doc.speaker else None
        if heading is not None:
            section = 1 if heading.group("pro") else -1
            continue
        newline = text.find("\n", 0, 40)
        if (
            newline > 0
            and not doc.speaker
            and (heading := LIST_HEADING.match(text, 0, newline)) is not None
            and text[newline + 1 :].strip()
        ):
            # A paragraph that is a heading and its list ("Arguments for:\n- Dogs are ..."):
            # the list is the heading's side, and so is what follows until the next heading.
            section = 1 if heading.group("pro") else -1
            found[doc.index] = section
            continue
        mark = _marked(text)
        if mark is not None:
            sign = 1 if mark.group("pro") else -1
            number = mark.group("number")
            if number is not None:
                # Kialo marks a claim pro or con the one it answers ("1.1.1. Con:" attacks
                # "1.1. Pro:"): its stance on the thesis is the product along the way up.
                parent = number.rpartition(".")[0]
                sign *= numbered.get(parent, 1)
                numbered[number] = sign
            found[doc.index] = sign
        elif section:
            found[doc.index] = section
    if len(found) < MIN_MARKED or len(set(found.values())) < 2:
        return set()
    for index, sign in found.items():
        add(docs[index].unit, 0, sign * MARK_WEIGHT)
        docs[index].link = docs[index].link or "marked"
    return set(found)


def _team_edges(
    docs: list[Doc], opening: int | None, add, title: str | None = None
) -> dict[str, tuple[str, int]]:
    """Camps named by stance phrases ("team cats", "dogs all the way", "cats > dogs"): the first
    person of each camp agrees with every later one and disagrees with the first of every other
    camp. A one-word answer ("dogs.") joins a camp that two or more phrases name, and an opening
    claim that mentions one camp only is on it."""
    first: dict[str, int] = {}
    members: list[tuple[str, int]] = []
    for doc in docs:
        if doc.unit < 0 or doc.comment.is_bot:
            continue
        text = doc.comment.text
        whole = len(doc.spans) <= OPENING_SENTENCES and text.isascii()
        if whole and doc.words.isdisjoint(TEAM_WORD_SET):
            continue  # no camp word in its own words: `team_phrase` finds none (no call)
        word = team_phrase(text, doc.spans, doc.words if whole else None)
        if word is not None:
            first.setdefault(word, doc.unit)
            members.append((word, doc.unit))
            doc.link = doc.link or "team"
    surfaces, asked_in_title = _pick_edges(docs, opening, first, members, add, title)
    options = {w: (surface, first[w]) for w, surface in surfaces.items() if w in first}
    if not first:
        return options
    if len(first) >= 2:
        for doc in docs:
            if doc.unit >= 0 and not doc.comment.is_bot and doc.cue is None:
                word = bare_word(doc.comment.text, doc.spans)
                if word in first and (word, doc.unit) not in members:
                    members.append((word, doc.unit))
                    doc.link = doc.link or "team"
    if opening is not None and docs[opening].unit >= 0 and not asked_in_title:
        # (Where the title asks "A or B?", the asker takes no camp by naming one in the post.)
        text = docs[opening].comment.text
        named = {team_word(w) for w in _WORDS.findall(text)} & set(first)
        if len(named) == 1 and not any(u == docs[opening].unit for _, u in members):
            members.append((named.pop(), docs[opening].unit))
    for word, unit in members:
        if unit != first[word]:
            add(unit, first[word], TEAM_WEIGHT)
    heads = sorted(first.items(), key=lambda item: item[1])[:MAX_TEAMS]
    for i, (_, a) in enumerate(heads):
        for _, b in heads[i + 1 :]:
            add(a, b, -TEAM_WEIGHT)
    return options


_WORDS = re.compile(r"[^\W\d_][\w\-]*")
# A word of a name around an option's word: "VS Code", "Dead Cells", "Pixel 8", "Switch 2".
_NAME_WORD = re.compile(r"(?-i:[a-z]*[A-Z][\w.+#\-]*|\d[\w.]*)$")
_NOT_NAME_WORDS = frozenset(
    "which should shall would could can is are do does did i what who how why when where ok so "
    "hey anyone thoughts or vs and".split()
)


# Words before an option's that do not describe it ("get a", "hire the", "just", "more").
_NOT_DESCRIBING = frozenset(
    "have with from into what which should would could just some more less than then that this "
    "those these them they their there your ours mine about over under after before while "
    "hire rent book take make keep stay want need like prefer choose pick learn play start "
    "doing going using getting buying lugging carrying "
    "good great best better decent actual cheap cheaper proper real basic simple nice".split()
)


def _option_phrase(asked: str, surface: str) -> str:
    """The option as the question names it, where its word is part of a name: "VS Code" for
    "code", "Dead Cells" for "cells" (at most two name words either side); "guinea pigs" for
    "pigs" (one lower-case word before it that describes it); else the word."""
    found = re.search(r"(?<![\w\-])" + re.escape(surface) + r"(?![\w\-])", asked)
    if found is None:
        return surface
    if surface.islower():
        # "cloth or disposable nappies": the word before the option's, when it describes it
        head = asked[: found.start()]
        last = head.rstrip().rsplit(" ", 1)[-1] if head.endswith(" ") else ""
        if last.islower() and last.isalpha() and len(last) > 3 and last not in _NOT_DESCRIBING:
            return f"{last} {surface}"
        return surface
    before = (
        asked[: found.start()].split(" ")[:-1]
        if asked[found.start() - 1 : found.start()] == " "
        else []
    )
    after = (
        asked[found.end() :].split(" ")[1:] if asked[found.end() : found.end() + 1] == " " else []
    )
    words = [surface]
    for word in reversed(before[-2:]):
        if (
            not _NAME_WORD.match(word)
            or (word.lower() in _NOT_NAME_WORDS and word != "VS")
            or word[-1] in ".!?,;:"  # ("Due in March. Cloth or disposables?")
        ):
            break
        words.insert(0, word)
    for word in after[:2]:
        name = word.rstrip("?!.,;:")
        if not _NAME_WORD.match(name) or name.lower() in _NOT_NAME_WORDS:
            break
        words.append(name)
        if name != word:
            break  # (the option ends at its punctuation)
    return " ".join(words)


def _pick_edges(
    docs: list[Doc],
    opening: int | None,
    first: dict[str, int],
    members: list,
    add,
    title: str | None = None,
) -> tuple[dict[str, str], bool]:
    """Answers to an opening question that pick an option. Where it offers options ("Python or
    Rust?"), each pick joins that option's camp (as "team X" does). Where it asks yes or no
    ("Should we read Middlemarch next?"), picking what it names is a yes and picking anything
    else with a choice verb ("I'd keep Java", "I'd go with something shorter") a no. A title
    that asks "A or B?" offers the options when the opening post does not. Returns how the
    question spells each option, and whether the title asked it."""
    if opening is None or docs[opening].unit < 0:
        return {}, False
    doc0 = docs[opening]
    if not doc0.spans:
        return {}, False
    asked = doc0.comment.text[: doc0.spans[min(2, len(doc0.spans)) - 1][1]]
    if len(doc0.spans) > 2 and "?" not in asked:
        # "two offers: a contract ..., or permanent .... which would you take?"
        b, e = doc0.spans[2]
        if WHICH_WOULD.match(doc0.comment.text, b, e):
            asked = doc0.comment.text[:e]
    in_title = bool(
        title
        and ((" or " in title and "?" in title) or VERSUS.search(title))
        and not question_options(asked)
    )
    if in_title:
        asked = (title or "")[:600]  # "Overpay mortgage or invest?", "Sub vs dub": the title
    if "?" not in asked and not VERSUS.search(asked):
        return {}, False
    options, aliases = option_choices(asked)
    led = False  # options read from the answers: only an answer that opens with one picks it
    if not options and CHOICE_ASKED.search(asked):
        # "..., or just keep using splitwise?": the options are what the first answers open
        # with (the first ANSWERS_READ people's first comments: constant work).
        seen: set[int] = {doc0.unit}
        answers: list[tuple[str, list[tuple[int, int]]]] = []
        for doc in docs[opening + 1 :]:
            if len(answers) == ANSWERS_READ:
                break
            if doc.unit < 0 or doc.unit in seen or doc.junk or doc.comment.is_bot:
                continue
            seen.add(doc.unit)
            answers.append((doc.comment.text, doc.spans))
        options = answer_options(asked, answers)
        led = bool(options)
    # How the question spells each option ("the lake cabins" -> "cabins"), for the labels.
    surfaces = {team_word(w): w for w in reversed(_WORDS.findall(asked))}
    surfaces = {w: _option_phrase(asked, surfaces.get(w, w)) for w in options}
    named = {team_word(w) for w in _WORDS.findall(asked)}
    spoke: set[int] = set()  # units that answered already
    for doc in docs[opening + 1 :]:
        first_answer = doc.unit not in spoke and not doc.junk
        if not doc.junk:
            spoke.add(doc.unit)
        if doc.unit < 0 or doc.comment.is_bot or doc.cue is not None:
            continue
        found = pick(doc.comment.text, doc.spans)
        if options:
            word = found[0] if found else bare_word(doc.comment.text, doc.spans)
            if word is not None:
                word = as_option(word, options, aliases) or word  # "kb" for "keyboard"
            if (
                word not in options
                and first_answer
                and doc.link != "team"
                # ("whats a good brand for denim under 80": asks, picks nothing)
                and not _asks_only(doc)
            ):
                # (A camp named in a stance phrase, "canvas every time", is its answer.)
                # Naming one option is a pick only as a person's first answer: later, naming
                # the other option is how people argue against it ("the habits Python lets
                # them get away with").
                word = (
                    answer_lead(doc.comment.text, doc.spans)
                    if led
                    else named_option(doc.comment.text, doc.spans, options, aliases)
                )
                if word is None:
                    word = ordinal_option(doc.comment.text, doc.spans, options)  # "the latter"
            if word in options:
                first.setdefault(word, doc.unit)
                members.append((word, doc.unit))
                doc.link = doc.link or "pick"
        elif found is not None and doc.unit != doc0.unit:
            word, verb = found
            if word in named:
                add(doc.unit, 0, PICK_WEIGHT)
                doc.link = doc.link or "pick"
            elif verb:
                add(doc.unit, 0, -PICK_WEIGHT)
                doc.link = doc.link or "pick"
    return surfaces, in_title and bool(options)


def _asks_only(doc: Doc) -> bool:
    """Whether a comment only asks: each sentence ends with "?", or it opens asking ("anyone
    else find bombers too warm for spring actually", "whats a good brand for denim")."""
    return only_questions_in(doc) or (
        len(doc.spans) == 1 and _ASKING_OPENER.match(doc.comment.text) is not None
    )


_ASKING_OPENER = re.compile(
    r"\W*(?:what|whats|what's|which|who|how|hows|where|wheres|does|do|is|are|can|could|anyone"
    r"|any ?body|has anyone|have you)\b",
    re.IGNORECASE,
)


class _Parity:
    """Union-find that keeps each node's colour parity relative to its root."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.parity = [0] * n

    def find(self, x: int) -> tuple[int, int]:
        up = self.parent[x]
        if up == x:
            return x, 0  # a root (most units: a thread's comments are mostly unlinked)
        if self.parent[up] == up:
            return up, self.parity[x]  # a root's child: nothing to compress
        path = []
        while self.parent[x] != x:
            path.append(x)
            x = self.parent[x]
        acc = 0
        for node in reversed(path):  # compress, accumulating parity from the root down
            acc ^= self.parity[node]
            self.parity[node] = acc
            self.parent[node] = x
        return x, (self.parity[path[0]] if path else 0)

    def union(self, a: int, b: int, different: int) -> bool:
        """Join a and b with colours equal (0) or different (1); False on a contradiction."""
        ra, pa = self.find(a)
        rb, pb = self.find(b)
        if ra != rb:
            self.parent[rb] = ra
            self.parity[rb] = pa ^ pb ^ different
            return True
        return pa ^ pb == different


def _colour(
    n: int, weights: dict[tuple[int, int], float]
) -> tuple[list[int | None], list[int], list[tuple[int, int, float]], int]:
    """(colour per unit or None when unlinked, component root per unit, kept edges,
    contradicted edges)."""
    # Strongest evidence first; ties by position, so the order never depends on hashing.
    edges = sorted(
        ((key, w) for key, w in weights.items() if w != 0.0),
        key=lambda item: (-abs(item[1]), item[0]),
    )
    forest = _Parity(n)
    conflicts = 0
    kept: list[tuple[int, int, float]] = []
    for (a, b), w in edges:
        if not forest.union(a, b, 1 if w < 0 else 0):
            conflicts += 1
        kept.append((a, b, w))
    colour: list[int | None] = [None] * n
    # A unit of no edge is a root of its own (most units: a thread's comments are mostly
    # unlinked), so only the linked ones are looked up (issue 13).
    component = list(range(n))
    linked = sorted({u for a, b, _ in kept for u in (a, b)})
    for u in linked:
        component[u], colour[u] = forest.find(u)
    _refine(colour, linked, kept)
    return colour, component, kept, conflicts


def _refine(
    colour: list[int | None], linked: list[int], kept: list[tuple[int, int, float]]
) -> None:
    """Majority refinement: a node flips when the weight of its edges favours the other colour
    (agreement votes for the neighbour's colour, disagreement against it)."""
    adjacency: dict[int, list[tuple[int, float]]] = {}
    for a, b, w in kept:
        adjacency.setdefault(a, []).append((b, w))
        adjacency.setdefault(b, []).append((a, w))
    # Most units have one edge: its vote is its weight, with no sum to start (issue 13).
    single = {u: edges[0] for u, edges in adjacency.items() if len(edges) == 1}
    for _ in range(REFINE_ROUNDS):
        changed = False
        for u in linked:
            if (one := single.get(u)) is not None:
                vote = one[1] if colour[one[0]] == 0 else -one[1]
            else:
                vote = sum(w if colour[v] == 0 else -w for v, w in adjacency[u])
            mine = colour[u]
            if (vote > 1e-9 and mine == 1) or (vote < -1e-9 and mine == 0):
                colour[u] = 1 - mine
                changed = True
        if not changed:
            break


def place(docs: list[Doc], units: list[Unit], thread: Thread) -> Camps:
    """Put each comment on side 0 or 1 where the evidence connects it to the anchoring dispute;
    every other comment stays on no side (`doc.side` None)."""
    weights, options = _edges(docs, thread)
    opening = opening_index(docs)
    for u, unit in enumerate(units):
        if unit.before is not None:  # "I stand corrected": no longer of their earlier view
            key = (unit.before, u) if unit.before < u else (u, unit.before)
            weights[key] = weights.get(key, 0.0) - RETRACT_WEIGHT
    colour, component, kept, conflicts = _colour(len(units), weights)
    disputed = _disputed(colour, component, kept)
    if not disputed:
        # Two backed views are two camps; else one backed rival answer is the other camp.
        pair = _rival_camps(docs, units, component, thread)
        if pair is None:
            rival = _rival(docs, units, component, thread)
            pair = (0, rival) if rival is not None else None
        if pair is not None:
            weights[pair] = -RIVAL_WEIGHT
            colour, component, kept, conflicts = _colour(len(units), weights)
            disputed = _disputed(colour, component, kept)
    if not disputed:
        return Camps(False, False, conflicts)
    # "Jellyfin or Plex?": where the picks of the question's options are a dispute of their
    # own, that is the thread's dispute, not a cue somewhere else against the question.
    picked = {component[u] for _, u in options.values()} if len(options) >= 2 else set()
    picks_apart = len(picked) == 1 and picked <= disputed and component[0] not in picked
    anchored = component[0] in disputed and not picks_apart
    if anchored and len(disputed) > 1:
        # A dispute over the question that holds a comment or two ("Does anyone have a link
        # to the actual bug?") does not hide a larger one between people that the question's
        # comments never joined: the larger is the thread's.
        held = Counter(component[u] for u, unit in enumerate(units) for _ in unit.docs)
        others = max(held[c] for c in disputed if c != component[0])
        anchored = 2 * held[component[0]] >= others
    if anchored:
        anchor, flip = component[0], colour[0] or 0
    else:
        size: dict[int, int] = {}
        first: dict[int, int] = {}
        for u, unit in enumerate(units):
            if component[u] in disputed and unit.docs:
                size[component[u]] = size.get(component[u], 0) + len(unit.docs)
                first[component[u]] = min(first.get(component[u], unit.docs[0]), unit.docs[0])
        anchor = (
            next(iter(picked))
            if picks_apart
            else min(disputed, key=lambda c: (-size.get(c, 0), first.get(c, 0)))
        )
        # Side 0 holds the earliest comment of the anchoring dispute.
        earliest = docs[first[anchor]].unit
        flip = colour[earliest] or 0
    for doc in docs:
        u = doc.unit
        if u < 0 or component[u] != anchor or (colour_u := colour[u]) is None:
            continue
        if (
            doc.cue is None
            and doc.target is None
            and (
                doc.junk
                # ("apparently Hugh is leaving the choir??" opens with a report)
                or (
                    only_questions_in(doc)
                    and not (doc.index == opening and reports_incredulously(doc))
                )
                # ("Should the club ban phones at camp? Thoughts before Friday please": asks)
                or (doc.index == opening and only_asks(doc) and not reports_incredulously(doc))
                or (not doc.link and _aside(doc, BRIEF_WORDS))
            )
        ):
            # A test post, a greeting, a plain question or a short aside with no stance
            # evidence ("sunday 2 works", "omg the bot lol") takes no side, whoever wrote it.
            continue
        doc.side = colour_u ^ flip
    return Camps(True, anchored, conflicts, _option_names(options, colour, component, anchor, flip))


def _option_names(
    options: dict[str, tuple[str, int]],
    colour: list[int | None],
    component: list[int],
    anchor: int,
    flip: int,
) -> tuple[str, str] | None:
    """The two options of the opening question, by side, when the sides are the answers that
    picked them (each option's first picker on a different side of the anchoring dispute)."""
    by_side: dict[int, str] = {}
    for surface, unit in options.values():
        c = colour[unit]
        if c is None or component[unit] != anchor:
            continue
        by_side.setdefault(c ^ flip, surface)
    if len(by_side) != 2:
        return None
    return by_side[0], by_side[1]


def _disputed(
    colour: list[int | None], component: list[int], kept: list[tuple[int, int, float]]
) -> set[int]:
    return {
        component[a]
        for a, b, w in kept
        if w < 0 and colour[a] is not None and colour[a] != colour[b]
    }


def _rival(docs: list[Doc], units: list[Unit], component: list[int], thread: Thread) -> int | None:
    """With no disagreement cue linked: a person who answers the opening proposal or question
    right after it with a claim of their own (no agreement), whom someone else then backs ("Fitz
    is right", "agree with Ronan", "I agree"), while nobody links them to the opening claim,
    leads a second camp: a reader sees a rival view, not an aside. Their unit, else None."""
    opening = opening_index(docs)
    if opening is None or thread.source in TREE_SOURCES:
        return None
    if not POLL.search(docs[opening].comment.text[:500]) and not _OPINION.search(
        docs[opening].comment.text[:500]
    ):
        # Only a proposal, a question or an opinion put up for a fight has a rival answer
        # ("Release is out": none).
        return None
    if OPEN_QUESTION.search(docs[opening].comment.text[:500]):
        return None  # "how do I ...?" is answered, not opposed: its answers are no rival camp
    # The first answer, passing over answers already joined to the question ("Yes. The
    # lapwings nest right alongside it" before "I walk to work along it. The alternative's the
    # main road"): the first that is not is the rival view, if someone backs it.
    answer = next(
        (
            d
            for d in docs[opening + 1 :]
            if not d.comment.is_bot
            and not d.junk
            and d.unit >= 0
            and not (
                d.cue is not None
                and d.unit != docs[opening].unit
                and component[d.unit] == component[0]
            )
        ),
        None,
    )
    if answer is None or answer.cue is not None or answer.praise or only_questions_in(answer):
        return None
    if answer.spans and _YES_INSIDE.match(answer.comment.text, *answer.spans[0]):
        return None  # "guilty 😅 yes, totally agree, ...": a yes the cues did not open with
    head = answer.unit
    if head == docs[opening].unit or component[head] == component[0] or not units[head].author:
        return None
    backers = {
        d.unit
        for d in docs
        if d.unit >= 0 and d.unit != head and component[d.unit] == component[head]
    }
    return head if backers else None


# A yes inside a first sentence, with no negation before it in the sentence.
_YES_INSIDE = re.compile(
    r"(?:(?!\b(?:not?|never|n't)\b)[^.!?\n])*?\b(?:yes|yeah|yep|agreed?)\b(?!\s*\?)", re.IGNORECASE
)
# An opening that puts up an opinion to be argued with ("hot take: ...", "X is the best house
# rule ever invented, fight me", "unpopular opinion").
_OPINION = re.compile(
    r"\b(?:hot take|unpopular opinion|fight me|change my mind|cmv|controversial opinion"
    r"|(?:is|are) (?:so |massively |hugely )?(?:overrated|underrated)"
    r"|(?:is|are) the (?:best|worst)\b[^.!?\n]{0,40}\bever)\b",
    re.IGNORECASE,
)
_PROPOSED = re.compile(r"\bproposed (?:change|changes|plan|policy|rule|motion|scheme)\b", re.I)


def _rival_camps(
    docs: list[Doc], units: list[Unit], component: list[int], thread: Thread
) -> tuple[int, int] | None:
    """With no disagreement cue linked, in a meeting or chat on a proposal: two people each
    backed by someone else ("Mr Castellano agreed with the Headteacher", "Ms Reid agreed with
    Mrs Harding"), neither of them linked to the opening claim or to each other, lead two
    camps: a reader sees two views, each with its supporters. Their units, else None."""
    opening = opening_index(docs)
    if opening is None or thread.source in TREE_SOURCES:
        return None
    head = docs[opening].comment.text[:500]
    if not (POLL.search(head) or _PROPOSED.search(head)) or OPEN_QUESTION.search(head):
        return None
    root = component[0]
    heads: dict[int, int] = {}  # component -> its earliest unit
    members: dict[int, set[int]] = {}
    for doc in docs:
        u = doc.unit
        if u < 0 or component[u] == root or not units[u].author or doc.comment.is_bot:
            continue
        heads.setdefault(component[u], u)
        members.setdefault(component[u], set()).add(u)
    camps = [heads[c] for c in heads if len(members[c]) >= 2]
    return (camps[0], camps[1]) if len(camps) >= 2 else None


# An open question that asks for help or facts, not for a choice or a verdict.
_ASKS_HOW = re.compile(
    # (not a chair's "Who wants to start?": it hands the floor over)
    r"(?:^|[.!:,]\s+|\n)\W*(?:how|what|why|where|when|whats|what's|hows|how's"
    r"|who(?!\s+(?:wants to (?:start|begin|go first|kick (?:us )?off)|(?:goes|is going) first)\b)"
    r"|(?:does |do )?(?:any ?one|any ?body|someone|somebody|you guys) (?:know|knows|remember)"
    r"|(?:can|could) (?:any ?one|any ?body|someone|somebody) (?:tell|explain|help))\b"
    r"(?![^.!?\n]*\b(?:or|better|best|worse|should|prefer|vs|versus|think|opinion)\b)[^.!?\n]*\?",
    re.IGNORECASE,
)


# An opening that passes on a report ("screenshot going round says ..."): its question ("anyone
# know more?") asks whether the report is true, and the answers take sides on it.
_REPORTS = re.compile(
    r"\b(?:says|said|apparently|reportedly|rumou?red|rumou?rs?|heard|hearing|going (?:round|around)"
    r"|claims?|screenshot|breaking|leaked?)\b",
    re.IGNORECASE,
)


def _asks_how(doc: Doc) -> bool:
    """Whether an opening asks an open question for help or facts ("how do I keep the data?")
    rather than for a choice or a view ("what's better, X or Y?", "what do you think?"), or
    about a report it passes on."""
    head = doc.comment.text[:500]
    return _ASKS_HOW.search(head) is not None and _REPORTS.search(head) is None


def _aside(doc: Doc, brief: int) -> bool:
    """Whether a comment says too little to stand for its author's side: fewer than `brief`
    words of its own, or an off-topic line of fewer than twice that."""
    if doc.comment.reply_to is None and doc.index == 0:
        return False  # (the opening states the question)
    text = doc.comment.text
    own = sum(word_count(text[b:e]) for b, e in doc.spans)
    return own < brief or (doc.off_topic and own < 2 * brief)


# Fewer words than this, with no cue and nothing answered: an aside, on no side.
BRIEF_WORDS = 6
# Minutes reporting the chair, the clerk or a facilitator: they run the meeting, on no side.
_REPORTED_CHAIR = re.compile(rf"\W*(?:the )?(?:{CHAIR_ROLES})\b", re.IGNORECASE)


def _states_question(doc: Doc, thread: Thread) -> bool:
    """Whether the opening comment stands for the question: in chat always; in a web tree only
    the post itself, and not when its title only asks ("Is a hot dog a sandwich?": the poster
    asks, and may answer it either way in the post)."""
    if thread.source not in TREE_SOURCES or not thread.title:
        return True
    return is_post(doc, thread) and "?" not in thread.title
