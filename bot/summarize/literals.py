"""What a regular expression needs before it can match: strings that must be in the text.

`needs(pattern)` reads a compiled pattern's syntax tree and returns a test on the lowercased
text that is True whenever the pattern could match in the text: every match holds, for each of a
few clauses, one of the clause's strings (``"can confirm"``; ``"fits" | "checks out" | ...``).
When the test is False the pattern cannot match, so the search can be skipped; when it is True
the pattern still has to run. Running a pattern tries it at every position of the text, while
the test is a few substring searches, which is what makes large threads cheap (issue 13).

The test never changes an answer: it is built only from literal characters the pattern must
consume or see ahead of its start (a lookbehind, a negative assertion, a character class or an
optional part requires nothing), and a case-insensitive literal is looked for lowercased. A text
that holds one of the few characters that match an ASCII letter case-insensitively without
lowercasing to it (``İ``, ``ı``, ``ſ``) is never filtered (see `filterable`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from itertools import product
from typing import Any, NamedTuple

try:  # the parser of the `re` module (CPython 3.11+); without it nothing is filtered
    from re import _compiler as _k  # type: ignore[attr-defined]
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python
    _c = _p = _k = None

Test = Callable[[str], bool]
Clause = tuple[str, ...]  # one of these strings must be in the text

# Product sets beyond this size are cut into separate clauses (each still required).
_MAX_STRINGS = 32
# How many clauses a branch of alternatives gives at most.
_MAX_BRANCH_CLAUSES = 3
# A clause with a string this short says almost nothing about a text: it is dropped.
_MIN_LENGTH = 2
# Non-ASCII characters that match an ASCII letter case-insensitively but do not lowercase to it:
# "ı" and "ſ" stay themselves, "İ" lowercases to "i" and a combining dot (U+0307).
_UNFOLDED = re.compile("[\u0130\u0131\u017f\u0307]")


def _tree(pattern: re.Pattern[str]) -> Any:
    """`pattern`'s syntax tree, or None where it cannot be read (a bytes pattern, no parser in
    this Python, a tree the parser refuses): then no filter, guard or variant is made."""
    if _p is None or not isinstance(pattern.pattern, str):
        return None
    try:
        return _p.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unreadable tree only means no filter
        return None


def filterable(lowered: str) -> bool:
    """Whether `needs` tests are valid on this lowercased text (almost always)."""
    return lowered.isascii() or _UNFOLDED.search(lowered) is None


def _always(_lowered: str) -> bool:
    return True


def needs(pattern: re.Pattern[str], *, thorough: bool = False) -> Test:
    """A test on the lowercased text (`filterable`) that is True whenever `pattern` can match
    in it; it may be True when the pattern does not match. `thorough`: the clauses of
    `required_clauses(pattern, thorough=True)`, for a pattern that often runs in vain."""
    return test_of(required_clauses(pattern, thorough=thorough))


def test_of(clauses: list[Clause], wider: list[Clause] | None = None) -> Test:
    """The test on a lowercased text that one string of each clause is in it. `wider`, when
    given, holds for each clause one with all of its strings and more (the clause it was cut
    from): its cores and groups serve, cut to the clause's strings, with no new reading."""
    if not clauses:
        return _always
    if len(clauses) == 1 and len(clauses[0]) == 1:
        (word,) = clauses[0]
        return lambda lowered: word in lowered

    if wider is None:
        plan = [_clause_plan(clause) for clause in clauses]
    else:
        plan = [_plan_within(clause, w) for clause, w in zip(clauses, wider, strict=True)]

    def test(lowered: str) -> bool:
        for cores, groups in plan:
            for core in cores:
                if core not in lowered:
                    return False  # no string of the clause can be in it: one search, not many
            for cover, group in groups:  # loops, not any(): no generator per clause (issue 13)
                if cover in lowered:
                    if not group:
                        break  # the cover is the string
                    for s in group:
                        if s in lowered:
                            break
                    else:
                        continue
                    break
            else:
                return False
        return True

    return test


_Plan = tuple[tuple[str, ...], tuple[tuple[str, Clause], ...]]


@cache
def _clause_plan(clause: Clause) -> _Plan:
    """A clause's cores and groups (read once per clause: a pattern's clauses are few)."""
    return _cores(clause), _groups(clause)


def _plan_within(clause: Clause, wider: Clause) -> _Plan:
    """The plan of `clause`, cut from that of `wider`, which holds all of its strings: the
    cores of `wider` are in each of them, and each of them stays in its group."""
    if clause == wider:
        return _clause_plan(clause)
    cores, groups = _clause_plan(wider)
    kept = set(clause)
    cut: list[tuple[str, Clause]] = []
    for cover, group in groups:
        if not group:
            if cover in kept:
                cut.append((cover, ()))
            continue
        left = tuple(s for s in group if s in kept)
        if left:
            cut.append((cover, left))
    return cores, tuple(cut)


# A clause of this many strings or more is first tested for what all of them hold (`_cores`).
_MIN_CORED = 3
_MIN_CORE_LENGTH = 3


def _cores(clause: Clause) -> tuple[str, ...]:
    """Up to two strings that every string of `clause` holds (the longest, none inside another):
    a text without one of them holds no string of the clause."""
    if len(clause) < _MIN_CORED:
        return ()
    shortest = min(clause, key=len)
    common = {
        shortest[i:j]
        for i in range(len(shortest))
        for j in range(i + _MIN_CORE_LENGTH, len(shortest) + 1)
        if all(shortest[i:j] in s for s in clause)
    }
    maximal = [c for c in common if not any(c != d and c in d for d in common)]
    return tuple(sorted(maximal, key=lambda c: (-len(c), c))[:2])


# A clause of this many strings or more is searched by groups (`_groups`).
_MIN_GROUPED = 8
_MIN_COVER_LENGTH = 4
_MIN_SHARED = 3  # a cover held by fewer strings saves too few searches


def _groups(clause: Clause) -> tuple[tuple[str, Clause], ...]:
    """The strings of `clause` in groups, each with a cover that all of its strings hold: a
    clause of many strings is then a few searches for covers, and the strings of a group are
    searched only where its cover is found. One of the strings is in a text exactly when, for
    some group, the cover and one of the group's strings are. A group with no strings is one
    string, its cover; a small clause is all such groups."""
    if len(clause) < _MIN_GROUPED:
        return tuple((s, ()) for s in clause)
    left = list(clause)
    groups: list[tuple[str, Clause]] = []
    while left:
        # The cover held by the most strings left (the longer on a tie): a piece of one word
        # (no space), so that it is rarer than the strings' common words' joins.
        counts: dict[str, int] = {}
        for s in left:
            pieces = {
                s[i:j]
                for i in range(len(s))
                for j in range(i + _MIN_COVER_LENGTH, len(s) + 1)
                if " " not in s[i:j]
            }
            for piece in pieces:
                counts[piece] = counts.get(piece, 0) + 1
        cover = max(counts, key=lambda c: (counts[c], len(c), c)) if counts else ""
        if not cover or counts[cover] < _MIN_SHARED:
            groups += [(s, ()) for s in left]  # few share a piece: each string its own group
            break
        groups.append((cover, tuple(s for s in left if cover in s)))
        left = [s for s in left if cover not in s]
    return tuple(groups)


def required_clauses(pattern: re.Pattern[str], *, thorough: bool = False) -> list[Clause]:
    """The clauses of `needs`: each a tuple of lowercased strings, one of which every match
    holds (or sees ahead of its start). [] when nothing is known to be required. `thorough`
    adds, for alternatives, the clauses that `_required` reads with it."""
    tree = _tree(pattern)
    if tree is None:
        return []
    clauses = _sequence(list(tree.data))
    if thorough:
        clauses += _sequence(list(tree.data), thorough=True)  # the same and more
    out: list[Clause] = []
    for clause in clauses:
        if clause and min(map(len, clause)) >= _MIN_LENGTH and clause not in out:
            out.append(clause)
    return out


class Alternative(NamedTuple):
    """One alternative of a pattern that is a choice of them (`alternatives`)."""

    clauses: list[Clause]  # what it needs, as `required_clauses` of it alone
    anchored: bool  # every match of it starts at the start of a line (or of the text)
    opening: FirstWords | None  # of an anchored one: its first words, where they can be told


def alternatives(pattern: re.Pattern[str], *, thorough: bool = False) -> list[Alternative] | None:
    """For a pattern that is a choice of alternatives (``a|b|c``; a boundary or another
    assertion before or after the choice is each alternative's), each alternative as a pattern
    of its own: the pattern matches where one of them does, so a text that lacks a clause of
    each cannot match, however many strings their union clauses share ("i take ... point" and
    "i concede ... point" both need " point": the union says little, the alternatives more).
    An alternative's clause may be one character other than a letter, a digit or white space
    ("?" of "which post?"): one fast search. None for any other pattern."""
    tree = _tree(pattern)
    if tree is None:
        return None
    items = list(tree.data)
    choices = [i for i, (op, _) in enumerate(items) if op is _c.BRANCH]
    if len(choices) != 1 or not all(
        op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT) for op, _ in items if op is not _c.BRANCH
    ):
        return None
    at = choices[0]
    out = []
    for alternative in items[at][1][1]:
        sequence = [*items[:at], *alternative.data, *items[at + 1 :]]
        clauses = _sequence(sequence)
        if thorough:
            clauses += _sequence(sequence, thorough=True)
        kept: list[Clause] = []
        for clause in clauses:
            if clause and all(_telling(s) for s in clause) and clause not in kept:
                kept.append(clause)
        anchored = _anchored(sequence)
        out.append(Alternative(kept, anchored, _first_words(sequence) if anchored else None))
    return out


def _telling(string: str) -> bool:
    """Whether an alternative's clause may hold `string` (`alternatives`)."""
    return len(string) >= _MIN_LENGTH or not (string.isalnum() or string.isspace() or string == "")


def _exact(item: tuple[Any, Any]) -> frozenset[str] | None:
    """The finite set of strings one item matches (lowercased), or None when it is not one."""
    op, av = item
    if op is _c.LITERAL:
        char = chr(av)
        return frozenset({char.lower()}) if char.isascii() else None
    if op is _c.SUBPATTERN:
        return _exact_sequence(list(av[3].data))
    if op is _c.BRANCH:
        out: set[str] = set()
        for alternative in av[1]:
            strings = _exact_sequence(list(alternative.data))
            if strings is None:
                return None
            out |= strings
        return frozenset(out) if len(out) <= _MAX_STRINGS else None
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
        inner = _exact_sequence(list(av[2].data))
        return None if inner is None else inner | {""}
    return None


def _exact_sequence(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    strings: frozenset[str] = frozenset({""})
    for item in items:
        part = _exact(item)
        if part is None:
            return None
        strings = frozenset(a + b for a, b in product(strings, part))
        if len(strings) > _MAX_STRINGS:
            return None
    return strings


def _sequence(items: list[tuple[Any, Any]], thorough: bool = False) -> list[Clause]:
    """The clauses a sequence of items requires: each run of exact items gives one clause (the
    strings the run can match); other items give their own clauses."""
    clauses: list[Clause] = []
    run: frozenset[str] = frozenset({""})

    def close() -> None:
        nonlocal run
        if "" not in run:
            clauses.append(_minimal(run))
        run = frozenset({""})

    for item in items:
        if item[0] in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            # Zero-width: the text on either side is contiguous, so a run goes on across it.
            clauses += _required(item, thorough)
            continue
        part = _exact(item)
        if part is not None:
            joined = frozenset(a + b for a, b in product(run, part))
            if len(joined) > _MAX_STRINGS:
                close()
                joined = part
            run = joined
            continue
        close()
        clauses += _required(item, thorough)
    close()
    return clauses


def _required(item: tuple[Any, Any], thorough: bool = False) -> list[Clause]:
    """The clauses a single item that is not exact requires."""
    op, av = item
    if op is _c.SUBPATTERN:
        return _sequence(list(av[3].data), thorough)
    if op is _c.ATOMIC_GROUP:
        return _sequence(list(av.data), thorough)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _sequence(list(av[2].data), thorough)
    if op is _c.ASSERT and av[0] == 1:  # a lookahead sees text after the match's start
        return _sequence(list(av[1].data), thorough)
    if op is _c.BRANCH:
        # One of the alternatives matches, so the union of one clause from each alternative is
        # required; a few such unions, each alternative's clauses taken in order of how much
        # they say (longer shortest string, fewer strings).
        options: list[list[Clause]] = []
        for alternative in av[1]:
            own = [c for c in _sequence(list(alternative.data), thorough) if min(map(len, c)) > 0]
            if not own:
                return []
            options.append(sorted(own, key=lambda c: (-min(map(len, c)), len(c))))
        width = min(_MAX_BRANCH_CLAUSES, max(map(len, options)))
        clauses = [
            _minimal(frozenset(s for own in options for s in own[min(i, len(own) - 1)]))
            for i in range(width)
        ]
        if thorough:
            # Also: each alternative's next clause where it says something, else its best one
            # (an alternative's weak "it" / "?" then spoils no union: "which ... post?" needs a
            # "post" or a "page" as well as its "which ").
            clauses += [
                _minimal(frozenset(s for own in options for s in _or_best(own, i)))
                for i in range(1, width)
            ]
        return clauses
    return []  # a class, an assertion, a lookbehind, a back reference: nothing required


# A clause whose shortest string is shorter says too little to stand for its alternative.
_MIN_TELLING = 3


def _or_best(own: list[Clause], i: int) -> Clause:
    """An alternative's clause `i` (of its clauses, best first) if it has one that says
    something (`_MIN_TELLING`), else its best clause: each of them is required."""
    if i < len(own) and min(map(len, own[i])) >= _MIN_TELLING:
        return own[i]
    return own[0]


def _minimal(strings: frozenset[str]) -> Clause:
    """The strings without those that hold another of them (finding the shorter suffices)."""
    ordered = sorted(strings, key=lambda s: (len(s), s))
    kept: list[str] = []
    for s in ordered:
        if not any(k in s for k in kept):
            kept.append(s)
    return tuple(kept)


# --- first words ---------------------------------------------------------------------------


class FirstWords:
    """What the first word of any match of a pattern can be (`first_words`): `whole`, words a
    match holds entirely; `starts`, strings a match's first word starts with (the match may
    stop inside it); `marks`, characters other than letters and digits that a match may need
    before its first word (``@`` of a mention, ``^`` of "^this")."""

    __slots__ = ("marks", "starts", "whole")

    def __init__(self, whole: frozenset[str], starts: tuple[str, ...], marks: frozenset[str]):
        self.whole = whole
        self.starts = starts
        self.marks = marks

    def allows(self, lead: str, word: str) -> bool:
        """Whether the pattern may match a text that opens with the characters `lead` (none a
        letter, digit or ``_``) and then the word `word` (lowercased, ASCII; the whole run of
        letters, digits and ``_``). False means it cannot match there."""
        if lead and not self.marks.isdisjoint(lead):
            return True
        return word in self.whole or word.startswith(self.starts)


_STEP_BUDGET = 20_000  # steps of the walk in `first_words`; beyond it, no guard


def first_words(pattern: re.Pattern[str]) -> FirstWords | None:
    """The first words of `pattern`'s matches, read from its syntax tree, for a guard that is
    True whenever ``pattern.match`` can succeed: a match consumes the text's leading characters
    that are not word characters (some of which it may need: `FirstWords.marks`), then the
    text's first word, all of it (`whole`) or a start of it (`starts`). None when that cannot
    be told (a match may start with any word character, or hold no word at all). The pattern
    must be matched with an end position at least at the end of the text's first word; a
    text whose lead or first word is not ASCII must not be filtered (case-insensitive letters
    such as ``K`` (Kelvin) or ``ſ``)."""
    tree = _tree(pattern)
    return None if tree is None else _first_words(list(tree.data))


def _first_words(items: list[Any]) -> FirstWords | None:
    """`first_words` of a pattern whose parsed sequence is `items`."""
    whole: set[str] = set()
    starts: set[str] = set()
    marks: set[str] = set()
    stack: list[tuple[Any, str]] = [(_cons(items, None), "")]
    steps = 0
    while stack:
        steps += 1
        if steps > _STEP_BUDGET:
            return None
        rest, word = stack.pop()
        if rest is None:  # the end of the pattern: the text may go on with word characters
            if not word:
                return None  # a match with no word in it
            starts.add(word)
            continue
        (op, av), tail = rest
        if op is _c.LITERAL:
            char = chr(av)
            if _is_word(char):
                if not char.isascii():
                    return None
                stack.append((tail, word + char.lower()))
            elif word:
                whole.add(word)
            elif char.isascii():
                marks.add(char)  # the path needs this character before its first word
            else:
                return None
        elif op in (_c.IN, _c.ANY, _c.NOT_LITERAL):
            if _no_word_char(op, av):
                if word:
                    whole.add(word)
                else:
                    stack.append((tail, word))  # one of the text's leading non-word characters
            elif word:
                starts.add(word)
            else:
                return None  # the first word may start with any character
        elif op is _c.AT:
            if word and av in (_c.AT_BOUNDARY, _c.AT_END, _c.AT_END_STRING):
                whole.add(word)
            elif word and av is _c.AT_NON_BOUNDARY:
                starts.add(word)
            else:
                stack.append((tail, word))
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            stack.append((tail, word))  # zero-width: nothing consumed (a superset of paths)
        elif op is _c.SUBPATTERN:
            stack.append((_cons(list(av[3].data), tail), word))
        elif op is _c.ATOMIC_GROUP:
            stack.append((_cons(list(av.data), tail), word))
        elif op is _c.BRANCH:
            for alternative in av[1]:
                stack.append((_cons(list(alternative.data), tail), word))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            low, high, sub = av
            items = list(sub.data)
            if not word and len(items) == 1 and _no_word_char(*items[0]):
                if items[0][0] is _c.LITERAL and low > 0:
                    marks.add(chr(items[0][1]))  # the path needs it (see LITERAL)
                    if not chr(items[0][1]).isascii():
                        return None
                    continue
                stack.append((tail, word))  # leading non-word characters, however many
                continue
            if low == 0:
                stack.append((tail, word))
            if high != 0:
                again = (op, (max(0, low - 1), high if high is _c.MAXREPEAT else high - 1, sub))
                stack.append((_cons(items, (again, tail)), word))
        else:
            return None  # a back reference or a conditional: no guard
    return FirstWords(frozenset(whole), tuple(sorted(starts)), frozenset(marks))


def _cons(items: list[Any], tail: Any) -> Any:
    """`items` followed by `tail`, as linked pairs (item, rest); None is the end."""
    for item in reversed(items):
        tail = (item, tail)
    return tail


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _no_word_char(op: Any, av: Any) -> bool:
    """Whether a one-character item can match only characters that are not word characters."""
    if op is _c.LITERAL:
        return not _is_word(chr(av))
    if op is not _c.IN:
        return False
    for kind, value in av:
        if kind is _c.LITERAL:
            if _is_word(chr(value)):
                return False
        elif kind is _c.CATEGORY:
            if value not in (_c.CATEGORY_NOT_WORD, _c.CATEGORY_SPACE):
                return False
        elif kind is _c.RANGE:
            low, high = value
            if high - low > 256 or any(_is_word(chr(c)) for c in range(low, high + 1)):
                return False
        else:
            return False  # NEGATE and the rest: may match a word character
    return True


def line_anchored(pattern: re.Pattern[str]) -> bool:
    """Whether every match of `pattern` starts at the start of a line (or of the text): each of
    its alternatives opens with ``^``. False when that cannot be told."""
    tree = _tree(pattern)
    return tree is not None and _anchored(list(tree.data))


def _anchored(items: list[Any]) -> bool:
    if not items:
        return False
    op, av = items[0]
    if op is _c.AT:
        return av in (_c.AT_BEGINNING, _c.AT_BEGINNING_LINE, _c.AT_BEGINNING_STRING)
    if op is _c.SUBPATTERN:
        return _anchored(list(av[3].data))
    if op is _c.BRANCH:
        return all(_anchored(list(alternative.data)) for alternative in av[1])
    return False


class Openings:
    """Which of several patterns may match a text, by its opening (`FirstWords.allows` of each;
    None, a pattern with no guard, always may), answered by one look-up for most texts."""

    def __init__(self, guards: list[FirstWords | None]) -> None:
        self._guards = guards
        self._exact = all(g is not None and not g.starts for g in guards)
        self._marks = frozenset().union(*(g.marks for g in guards if g is not None))
        whole = frozenset().union(*(g.whole for g in guards if g is not None))
        self._of = {w: self._each("", w) for w in whole}
        self._other = tuple(g is None for g in guards)  # a word no pattern opens with

    def _each(self, lead: str, word: str) -> tuple[bool, ...]:
        return tuple(g is None or g.allows(lead, word) for g in self._guards)

    def by_word(self) -> tuple[dict[str, tuple[bool, ...]] | None, tuple[bool, ...]]:
        """`which` of a text with no lead as a look-up: ``which("", word)`` is
        ``table.get(word, other)`` for the (table, other) returned; table is None where a
        look-up does not tell (a pattern with no guard, or a first word it may only start)."""
        return (self._of if self._exact else None), self._other

    def which(self, lead: str, word: str) -> tuple[bool, ...]:
        """`FirstWords.allows(lead, word)` of each pattern, in order."""
        if not self._exact or (lead and not self._marks.isdisjoint(lead)):
            return self._each(lead, word)
        return self._of.get(word, self._other)


# --- lowercased variants -----------------------------------------------------------------------


def lowercased(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """For a pattern compiled with IGNORECASE: the same pattern with its letters lowercased and
    without the flag, which matches the lowercased form of an ASCII text exactly where `pattern`
    matches the text (lowercasing an ASCII text keeps every offset), at less cost per character
    (no case folding). None where that cannot be told: no IGNORECASE, a flag set or cleared
    inside, a letter with case outside ASCII, or a construct not known here."""
    if _k is None or not pattern.flags & re.IGNORECASE:
        return None
    tree = _tree(pattern)
    if tree is None or not _lower_items(tree.data):
        return None
    flags = pattern.flags & ~re.IGNORECASE
    tree.state.flags &= ~re.IGNORECASE
    tree.data = _literal_first(tree.state, list(tree.data))
    compiled: re.Pattern[str] = _k.compile(tree, flags)
    return compiled


# --- a literal first ---------------------------------------------------------------------------
# The regex engine skips ahead to where a pattern can start only when the pattern starts with a
# literal (or each of its alternatives does); "\bI (?:fully|...) agree" starts with a word
# boundary, so it is tried at every position of the text. A boundary or a lookbehind before a
# literal character is the same test made just after it, looking one character further back:
# "\bi" is "i(?<!\wi)" (before a word character, a boundary is a character before it that is
# not one, or none), "(?<!not )\bsure" is "s(?<!not s)(?<!\ws)ure". The same matches, at the
# same offsets, with the same groups (issue 13: the cue patterns run several times faster).


def _literal_first(state: Any, items: list[Any]) -> list[Any]:
    """`items` (a pattern's sequence) with the boundaries and lookbehinds that lead it moved
    after the literal that follows them, or the same in each alternative where it is a choice
    of alternatives that all then start with a literal; else `items` as they are."""
    moved = _hoisted(state, items)
    if moved is not None:
        return moved
    if items and items[0][0] is _c.BRANCH:
        alternatives = []
        for alternative in items[0][1][1]:
            moved = _hoisted(state, list(alternative.data))
            if moved is None:
                if not alternative.data or alternative.data[0][0] is not _c.LITERAL:
                    return items  # an alternative with no literal first: no gain
                moved = list(alternative.data)
            alternatives.append(_p.SubPattern(state, moved))
        return [(_c.BRANCH, (None, alternatives)), *items[1:]]
    return items


def _hoisted(state: Any, items: list[Any]) -> list[Any] | None:
    """`items` led by boundaries and lookbehinds, then a literal: the literal first, each of
    them after it and extended by it. None for any other sequence."""
    lead = 0
    while lead < len(items) and _looks_behind(items[lead]):
        lead += 1
    if not lead or lead == len(items) or items[lead][0] is not _c.LITERAL:
        return None
    char = items[lead][1]
    after = []
    for op, av in items[:lead]:
        if op is _c.AT:  # a word boundary: before a word character, no word character before
            if not _is_word(chr(char)):
                return None
            behind = [(_c.IN, [(_c.CATEGORY, _c.CATEGORY_WORD)]), (_c.LITERAL, char)]
            after.append((_c.ASSERT_NOT, (-1, _p.SubPattern(state, behind))))
        else:
            direction, sub = av
            extended = _p.SubPattern(state, [*sub.data, (_c.LITERAL, char)])
            after.append((op, (direction, extended)))
    return [items[lead], *after, *items[lead + 1 :]]


def _looks_behind(item: Any) -> bool:
    """A word boundary or a lookbehind: a test on what comes before."""
    op, av = item
    if op is _c.AT:
        return bool(av is _c.AT_BOUNDARY)
    return op in (_c.ASSERT, _c.ASSERT_NOT) and av[0] == -1


def _cased(code: int) -> bool:
    char = chr(code)
    return char.lower() != char or char.upper() != char


def _lower_items(items: list[Any]) -> bool:
    """Lowercase the letters of a parsed pattern's items in place; False where it cannot."""
    for i, (op, av) in enumerate(items):
        if op in (_c.LITERAL, _c.NOT_LITERAL):
            if av < 128:
                items[i] = (op, ord(chr(av).lower()))
            elif _cased(av):
                return False
        elif op is _c.IN:
            members = _lower_set(av)
            if members is None:
                return False
            items[i] = (op, members)
        elif op is _c.BRANCH:
            if not all(_lower_items(alternative.data) for alternative in av[1]):
                return False
        elif op is _c.SUBPATTERN:
            if (av[1] | av[2]) & re.IGNORECASE or not _lower_items(av[3].data):
                return False
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            if not _lower_items(av[2].data):
                return False
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            if not _lower_items(av[1].data):
                return False
        elif op is _c.ATOMIC_GROUP:
            if not _lower_items(av.data):
                return False
        elif op not in (_c.AT, _c.ANY, _c.CATEGORY, _c.GROUPREF):
            return False
    return True


_MAX_RANGE_READ = 4096  # a wider range outside ASCII is not read letter by letter


def _lower_set(members: list[Any]) -> list[Any] | None:
    """A character set's members with each ASCII letter lowercased (a range of ASCII characters
    spelt out); None where a member outside ASCII has case."""
    out: list[Any] = []
    for op, av in members:
        if op is _c.LITERAL:
            if av < 128:
                out.append((op, ord(chr(av).lower())))
            elif _cased(av):
                return None
            else:
                out.append((op, av))
        elif op is _c.RANGE:
            low, high = av
            if high >= 128 and (
                high - max(low, 128) > _MAX_RANGE_READ
                or any(_cased(code) for code in range(max(low, 128), high + 1))
            ):
                return None
            out += [(_c.LITERAL, ord(chr(code).lower())) for code in range(low, min(high, 127) + 1)]
            if high >= 128:
                out.append((_c.RANGE, (max(low, 128), high)))
        elif op in (_c.NEGATE, _c.CATEGORY):
            out.append((op, av))
        else:
            return None
    return out
