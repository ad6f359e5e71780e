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
from itertools import product
from typing import Any

try:  # the parser of the `re` module (CPython 3.11+); without it nothing is filtered
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python
    _c = _p = None

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


def filterable(lowered: str) -> bool:
    """Whether `needs` tests are valid on this lowercased text (almost always)."""
    return lowered.isascii() or _UNFOLDED.search(lowered) is None


def _always(_lowered: str) -> bool:
    return True


def needs(pattern: re.Pattern[str]) -> Test:
    """A test on the lowercased text (`filterable`) that is True whenever `pattern` can match
    in it; it may be True when the pattern does not match."""
    clauses = required_clauses(pattern)
    if not clauses:
        return _always
    if len(clauses) == 1 and len(clauses[0]) == 1:
        (word,) = clauses[0]
        return lambda lowered: word in lowered

    plan = [(clause, _cores(clause)) for clause in clauses]

    def test(lowered: str) -> bool:
        for clause, cores in plan:
            for core in cores:
                if core not in lowered:
                    return False  # no string of the clause can be in it: one search, not many
            for s in clause:  # a loop, not any(): no generator per clause (issue 13)
                if s in lowered:
                    break
            else:
                return False
        return True

    return test


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


def required_clauses(pattern: re.Pattern[str]) -> list[Clause]:
    """The clauses of `needs`: each a tuple of lowercased strings, one of which every match
    holds (or sees ahead of its start). [] when nothing is known to be required."""
    if _p is None or not isinstance(pattern.pattern, str):
        return []
    try:
        tree = _p.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unreadable tree only means no filter
        return []
    clauses = _sequence(list(tree.data))
    out: list[Clause] = []
    for clause in clauses:
        if clause and min(map(len, clause)) >= _MIN_LENGTH and clause not in out:
            out.append(clause)
    return out


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


def _sequence(items: list[tuple[Any, Any]]) -> list[Clause]:
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
            clauses += _required(item)
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
        clauses += _required(item)
    close()
    return clauses


def _required(item: tuple[Any, Any]) -> list[Clause]:
    """The clauses a single item that is not exact requires."""
    op, av = item
    if op is _c.SUBPATTERN:
        return _sequence(list(av[3].data))
    if op is _c.ATOMIC_GROUP:
        return _sequence(list(av.data))
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _sequence(list(av[2].data))
    if op is _c.ASSERT and av[0] == 1:  # a lookahead sees text after the match's start
        return _sequence(list(av[1].data))
    if op is _c.BRANCH:
        # One of the alternatives matches, so the union of one clause from each alternative is
        # required; a few such unions, each alternative's clauses taken in order of how much
        # they say (longer shortest string, fewer strings).
        options: list[list[Clause]] = []
        for alternative in av[1]:
            own = [c for c in _sequence(list(alternative.data)) if min(map(len, c)) > 0]
            if not own:
                return []
            options.append(sorted(own, key=lambda c: (-min(map(len, c)), len(c))))
        width = min(_MAX_BRANCH_CLAUSES, max(map(len, options)))
        return [
            _minimal(frozenset(s for own in options for s in own[min(i, len(own) - 1)]))
            for i in range(width)
        ]
    return []  # a class, an assertion, a lookbehind, a back reference: nothing required


def _minimal(strings: frozenset[str]) -> Clause:
    """The strings without those that hold another of them (finding the shorter suffices)."""
    ordered = sorted(strings, key=lambda s: (len(s), s))
    kept: list[str] = []
    for s in ordered:
        if not any(k in s for k in kept):
            kept.append(s)
    return tuple(kept)
