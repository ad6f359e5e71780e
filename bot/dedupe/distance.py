"""Distances, and the meaning guard: which differences between two comments cannot change what
they say.

Two comments of the same normal form length are near duplicates when every word in which they
differ is a misspelling of the other (`is_typo`: one character apart, two for words of 8 letters
or more, not a prefix added as in "possible"/"impossible") and neither word is a negation, a
number, a name or one of two different `FUNCTION_WORDS`. A word added, dropped or moved is a
content change (filler words are already gone from the normal form), so near duplicates never
differ in length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import cast

from rapidfuzz.distance import OSA, Hamming

from bot.dedupe.normalize import FUNCTION_WORDS, NEGATIONS, NUMBER_WORDS


def common_prefix(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    if a[:hi] == b[:hi]:
        return hi
    while lo < hi - 1:  # invariant: a[:lo] == b[:lo], a[:hi] != b[:hi]
        mid = (lo + hi) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid
    return lo


def common_suffix(a: str, b: str, limit: int) -> int:
    lo, hi = 0, limit
    if a[len(a) - hi :] == b[len(b) - hi :]:
        return hi
    while lo < hi - 1:
        mid = (lo + hi) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid
    return lo


def _banded(a: str, b: str, limit: int) -> int | None:
    """Optimal-string-alignment distance by dynamic programming in a band of +-`limit` around the
    diagonal (O(len * limit)); None above `limit`."""
    n, m = len(a), len(b)
    if abs(n - m) > limit:
        return None
    big = limit + 1
    prev2: list[int] = []
    prev = [j if j <= limit else big for j in range(m + 1)]
    for i in range(1, n + 1):
        lo, hi = max(1, i - limit), min(m, i + limit)
        cur = [big] * (m + 1)
        if i <= limit:
            cur[0] = i
        ai = a[i - 1]
        best = cur[0] if lo == 1 else big
        for j in range(lo, hi + 1):
            v = prev[j - 1] + (ai != b[j - 1])
            if prev[j] + 1 < v:
                v = prev[j] + 1
            if cur[j - 1] + 1 < v:
                v = cur[j - 1] + 1
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == b[j - 1] and prev2[j - 2] + 1 < v:
                v = prev2[j - 2] + 1
            cur[j] = v if v < big else big
            if v < best:
                best = v
        if best > limit:
            return None
        prev2, prev = prev, cur
    return prev[m] if prev[m] <= limit else None


def osa_distance(a: str, b: str, limit: int) -> int | None:
    """The optimal-string-alignment distance of `a` and `b` (a substitution, insertion, deletion
    or swap of two adjacent items each count 1) if at most `limit`, else None."""
    if limit < 0:
        return None
    p = common_prefix(a, b)
    a, b = a[p:], b[p:]
    s = common_suffix(a, b, min(len(a), len(b)))
    return _banded(a[: len(a) - s], b[: len(b) - s], limit)


def edit_distance(a: Iterable[str], b: Iterable[str], limit: int | None = None) -> int | None:
    """Word-level optimal-string-alignment distance of two word sequences; with `limit`,
    None when it exceeds `limit`. (For the benchmark and its synthetic threads.)"""
    vocab: dict[str, str] = {}
    ea = "".join(vocab.setdefault(w, chr(len(vocab))) for w in a)
    eb = "".join(vocab.setdefault(w, chr(len(vocab))) for w in b)
    return osa_distance(ea, eb, max(len(ea), len(eb)) if limit is None else limit)


def is_typo(a: str, b: str) -> bool:
    """Two spellings of one word: one character apart (two for words of 8 or more letters),
    both of at least 4 characters, not one with a prefix added ("possible"/"impossible",
    "moral"/"amoral"), and neither a negation, a number or a function word swapped for another."""
    if len(a) < 4 or len(b) < 4 or a.endswith(b) or b.endswith(a):
        return False
    if protected(a) or protected(b):
        return False
    if a in FUNCTION_WORDS and b in FUNCTION_WORDS:
        return False
    limit = 2 if max(len(a), len(b)) >= 8 else 1
    return OSA.distance(a, b, score_cutoff=limit) <= limit


def protected(word: str) -> bool:
    """A word no misspelling may stand for: a negation or a number (digits or a number word)."""
    return word in NEGATIONS or word in NUMBER_WORDS or not word.isalpha()


def same_meaning(
    a: str,
    b: str,
    words: list[str],
    is_name: Callable[[str], bool],
) -> int | None:
    """The number of misspelt words by which two encoded comments (one character per word,
    `words` decodes) of equal length differ, when every difference is a misspelling (`is_typo`)
    of a word that is not a name; else None. `is_name(word)` says whether a word is a name in
    either comment's original text (asked only when a pair gets that far)."""
    if len(a) != len(b):
        return None
    # The differing positions, found in C (equal lengths: only substitutions, in order).
    ops = cast("list[tuple[str, int, int]]", Hamming.editops(a, b).as_list())
    diffs = [(a[i], b[i]) for _, i, _ in ops]
    for x, y in diffs:
        if not is_typo(words[ord(x)], words[ord(y)]):
            return None
    if any(is_name(words[ord(x)]) or is_name(words[ord(y)]) for x, y in diffs):
        return None
    return len(diffs)
