"""Duplicate removal: keep the first occurrence of everything, say why each other copy went.

`dedupe(thread)` walks the comments in order and checks each one against the comments kept
before it. The first rule that matches removes it, in this order:

1. ``same_id``: its id was already seen (two overlapping exports). Removed whatever its text.
2. ``exact``: the same text, after stripping leading and trailing white space.
3. ``normalized``: the same words after `normalize` (case, punctuation, white space,
   typographic quotes and dashes, markdown emphasis, quote markers, links, list markers).
   A text with no words at all (emoji, "!!!") is only ever an exact duplicate.
4. ``quote_only``: the comment only quotes an earlier comment (``> quoted`` lines, or the
   whole comment in quotation marks), at least `QUOTE_MIN_WORDS` words that occur in that order
   in one earlier kept comment, plus at most `TRIVIAL_MAX_WORDS` words of its own from
   `TRIVIAL_WORDS` ("+1", "this", "exactly", "^"). A quote with a reply of its own is kept.
5. ``repeated_block``: the comment is two or more earlier kept comments one after the other
   (a pasted chunk of the thread), in the sense of `normalize`, and at least one of them has
   `MIN_NEAR_WORDS` words or more. `duplicate_of` is the first of them.
6. ``near``: a few words changed. Both comments have at least `MIN_NEAR_WORDS` words, and the
   word edit distance ``d`` between their normalized forms (optimal string alignment: a
   substituted, inserted or deleted word, or two adjacent words swapped, each count 1) is at
   most the edit budget ``max(NEAR_MAX_EDITS, words // 25)`` and
   ``similarity = 1 - d / max(words)`` is at least `near_threshold`, and the edits are not a
   rewritten phrase: `PHRASE_EDITS` (3) or more edits that all fall in one stretch of at most
   one word more than the edits ("antiquated" -> "a symbol of freedom", "part of our
   constitution" -> "symbol of freedom", a clause added at the end) make a different statement,
   however long the rest that matches. Spelling fixes inside that stretch do not count.
   `duplicate_of` is the closest earlier kept comment (fewest edits; the earliest on a tie).

Short comments (under `MIN_NEAR_WORDS` words) are never near duplicates: two people writing
"I agree" is agreement, which the summary must count. Two comments that make the same point in
different words differ in far more words than the budget allows, and stay.

How near duplicates are found (never all pairs): every kept comment of ``L`` words is cut into
``tau(L) + 1`` segments, where ``tau(L)`` is the largest edit distance any partner of it may
have. A comment within ``tau`` edits of it contains one of those segments unchanged, at a
position that moved by at most ``tau`` (the pigeonhole argument of Pass-Join, Li et al., VLDB
2011, with its multi-match-aware position windows). So each new comment looks up about twenty
substrings of itself, and only comments that share a whole segment at a matching position are
compared. Lookups and comparisons work on comments encoded as one character per word, so that
slicing, hashing and comparing run in C. The candidate rule depends on the two texts only, never
on the rest of the thread, so dedupe is idempotent: deduping its own output removes nothing.
Two adjacent words swapped across a segment boundary are one edit but spoil two segments, so each
segment is also indexed with its boundary word swapped; the search then misses no pair within the
budget (the benchmark checks this against comparing every pair).

Threads of `BULK_MIN_COMMENTS` (2,000) comments or more run the same search in bulk before the
walk (`bot.dedupe_bulk`; numpy and rapidfuzz, imported only then, about 0.1 s): every segment and
lookup of every distinct comment is hashed, lookups are joined to segments by sorting (a lookup
only meets partners of its own length or shorter: each pair is found from both sides), the
exact length and word-set filters run on all candidate pairs at once, and rapidfuzz computes the
optimal-string-alignment distance of the few survivors. The walk then takes, for each comment,
its closest partner kept before it (fewest edits, earliest), checking the rewritten-phrase rule
on that pair only. The same arrays find, for ``repeated_block``, which prefixes and suffixes of a
comment may be whole comments (so the walk only tries those), and for ``quote_only`` each quote's
rarest word, whose holders are the only comments searched. Hash collisions only add candidates
that the exact checks reject, so bulk mode gives the same result as the index (tests compare
both, and both with comparing every pair). On the 100,000-comment benchmark thread the index
spent about 6 s filtering candidates in Python; bulk mode takes about 0.7 s for all of it. Bulk
mode pairs every distinct comment, kept or not, so a run of many copies of one message with a
word changed would pair by the square: past a linear bound on candidate pairs it gives way to
the index, which holds kept comments only.

Choosing `NEAR_THRESHOLD` = 0.85. ``python -m bot.bench.dedupe_bench --sweep`` (seed 0) plants
near edits of 1-3 word edits (typo, swap, insertion, deletion, substitution) in synthetic threads
of real ArgKP arguments and counts recall (edits removed as duplicates of their own original)
and false merges (distinct comments removed): a 20,000-comment thread whose comments join 2-3
arguments (about 40 words), a thread of single arguments (median 17 words), and the 932 ArgKP
arguments themselves, written by different people::

    threshold   joined arguments     single arguments     932 ArgKP arguments
                recall   false       recall   false       merged
      0.70      0.9994   0           0.974    1           1
      0.80      0.9994   0           0.855    1           1
      0.82      0.9983   0           0.786    1           1
      0.85      0.9939   0           0.727    0           0
      0.88      0.9767   0           0.607    0           0
      0.90      0.9289   0           0.444    0           0
      0.95      0.5378   0           0.128    0           0
    similarity alone, without the edit budget and the rewritten-phrase rule:
      0.70      0.9089   1225        0.974    3           3
      0.80      0.9867   145         0.855    2           2
      0.85      0.9922   23          0.727    0           0

0.85 is the lowest threshold at which no two real arguments merge. ArgKP holds 3 pairs of
different people's arguments at similarity >= 0.80 and none at 0.85 or above; the closest,
0.846, is "affirmative action is basically reverse racism, and racism in any form / of any type
is wrong" (2 words in 13): the same point in nearly the same words, by two people, so the
summary must count it twice. Above 0.85 recall falls fast (0.977 at 0.88, 0.929 at 0.90). At
0.85 a comment of n words may differ by floor(0.15 n) edits, capped at 3: one edit from 7
words, two from 14, three from 20. So most 3-word edits of a single short argument stay
(single-argument recall 0.73: 0.98 for one edit, 0.73 for two, 0.41 for three) - three changed
words out of 17 are as far apart as the different people above. On the 100,000-comment
benchmark thread near recall is 0.994 with no false merge (`bot.bench.dedupe_bench`).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from itertools import chain, compress, repeat
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.gcpause import paused_gc
from bot.textfold import CHAR_TABLE
from bot.thread import Comment, Thread

log = logging.getLogger(__name__)

DuplicateKind = Literal["exact", "normalized", "near", "quote_only", "same_id", "repeated_block"]

NEAR_THRESHOLD: float = 0.85
MIN_NEAR_WORDS = 6
NEAR_MAX_EDITS = 3
# Long comments get one more edit per this many words (a 200-word post with 8 typos fixed).
NEAR_WORDS_PER_EDIT = 25
# This many edits or more, all in one stretch of words, are a rewritten phrase: not near.
PHRASE_EDITS = 3
QUOTE_MIN_WORDS = 3
TRIVIAL_MAX_WORDS = 3
TRIVIAL_WORDS = frozenset(
    "this exactly 1 yes yep yeah agreed same ditto true indeed so much 100 that".split()
)
# A run of at least this many consecutive removed comments that copy consecutive kept ones.
MIN_BLOCK = 3
# From this many comments on, near-duplicate pairs are found all at once in arrays
# (`bot.dedupe_bulk`, numpy and rapidfuzz); smaller threads use the index below, in pure Python.
BULK_MIN_COMMENTS = 2000


class RemovedComment(BaseModel):
    """One removed comment: why (`kind`) and which kept comment it repeats (`duplicate_of`).

    `similarity` is set for ``near`` only: ``1 - word edits / words of the longer comment``.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    kind: DuplicateKind
    duplicate_of: str
    similarity: float | None = None


class RepeatedBlock(BaseModel):
    """A run of >= 3 consecutive removed comments that repeat a run of consecutive kept ones.

    `first_id`/`last_id` bound the removed run (in thread order), `original_first_id` and
    `original_last_id` the kept run it repeats; `length` is the number of comments in the run.
    A new comment in the middle of a re-pasted stretch ends one block and starts the next, so
    the seed thread (c27-c53 repeat c1-c26, with c35 new) reports two blocks: c27-c34 and c36-c53.
    """

    model_config = ConfigDict(frozen=True)

    first_id: str
    last_id: str
    length: int
    original_first_id: str
    original_last_id: str


class DedupeReport(BaseModel):
    """What dedupe did: counts, every removed comment, and the repeated blocks."""

    model_config = ConfigDict(frozen=True)

    comments_in: int
    kept: int
    removed: tuple[RemovedComment, ...]
    by_kind: dict[str, int]
    blocks: tuple[RepeatedBlock, ...]
    near_threshold: float


# --- normalization -------------------------------------------------------------------------------

# ASCII: upper case to lower, every other non-alphanumeric character to a space. A bytes table:
# bytes.translate is several times faster than str.translate with a dict.
_ASCII_FOLD_BYTES = bytes(
    ord(c.lower()) if c.isalnum() else 32 for c in map(chr, range(128))
) + bytes(range(128, 256))
_NON_WORD = re.compile(r"[\W_]+")
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_NUMBERED = re.compile(r"(?m)^([ \t>]*)\d{1,3}[.)](?=[ \t])")
_NUMBERED_HINT = frozenset("0123456789> \t")  # first characters a numbered list may start with


def normalize(text: str) -> str:
    """The words of `text`, lower case, separated by single spaces: the ``normalized`` form.

    Folds case, white space, punctuation (apostrophes vanish: "don't" -> "dont", every other
    mark separates words), typographic quotes and dashes, compatibility forms (NFKC), and
    markdown: emphasis, strike-through and code marks, ``>`` quote markers, ``[text](url)``
    (keeps the text), leading list markers (``-``, ``*``, ``+``, ``1.``, ``1)``).
    """
    return " ".join(_words(text))


def _words(text: str) -> list[str]:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text.translate(CHAR_TABLE))
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "\n" in text or text[:1] in _NUMBERED_HINT:
        text = _NUMBERED.sub(r"\1", text)
    if "'" in text:
        text = text.replace("'", "")
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_FOLD_BYTES).decode("ascii").split()
    return _NON_WORD.sub(" ", text.casefold()).split()


# --- quotes --------------------------------------------------------------------------------------

_QUOTE_LINE = re.compile(r"^[ \t]*>+[ \t]?(.*)$")
_QUOTED_WHOLE = re.compile(
    r"^(?P<pre>[^\"\u201c\u201e\u00ab]*)[\"\u201c\u201e\u00ab](?P<q>.+)[\"\u201d\u201c\u00bb](?P<post>.*)$",
    re.S,
)


def _split_quote(text: str) -> tuple[str, str] | None:
    """(quoted text, the comment's own text) when the comment quotes something, else None."""
    if ">" in text:
        quoted: list[str] = []
        own: list[str] = []
        for line in text.splitlines():
            m = _QUOTE_LINE.match(line)
            (quoted if m else own).append(m.group(1) if m else line)
        if quoted:
            return "\n".join(quoted), "\n".join(own)
    m = _QUOTED_WHOLE.match(text)
    if m:
        return m.group("q"), m.group("pre") + " " + m.group("post")
    return None


def _is_trivial(own: str) -> bool:
    words = _words(own)
    return len(words) <= TRIVIAL_MAX_WORDS and all(w in TRIVIAL_WORDS for w in words)


# --- near duplicates: edit budget, segments, verification ----------------------------------------


class _Budget:
    """The near rule for one threshold: how many word edits a pair may differ by, and the
    lookups (segment number, start, size) a comment of each length makes; all cached by length."""

    def __init__(self, threshold: float, floor: int | None, words_per_edit: int | None) -> None:
        self.threshold = threshold
        self.floor = floor
        self.words_per_edit = words_per_edit
        self._edits: dict[int, int] = {}
        self._tau: dict[int, int] = {}
        self._plans: dict[tuple[int, bool], tuple[tuple[int, int, int], ...]] = {}

    def max_edits(self, longer: int) -> int:
        """Most edits allowed between two comments whose longer one has `longer` words."""
        e = self._edits.get(longer)
        if e is None:
            e = int((1.0 - self.threshold) * longer + 1e-9)
            if self.floor is not None:
                per = longer // self.words_per_edit if self.words_per_edit else 0
                e = min(e, max(self.floor, per))
            self._edits[longer] = e
        return e

    def tau(self, length: int) -> int:
        """Most edits any partner of a `length`-word comment may have (its partners are at most
        ``length / threshold`` words long); capped so that every segment has a word."""
        t = self._tau.get(length)
        if t is None:
            t = min(self.max_edits(int(length / self.threshold + 1e-9)), length - 1)
            self._tau[length] = t
        return t

    def partner_lengths(self, n: int) -> tuple[int, int]:
        """Shortest and longest length a near partner of an `n`-word comment may have (some
        lengths in between may still be out of the budget)."""
        lo = max(MIN_NEAR_WORDS, n - self.max_edits(n))
        return lo, n + self.max_edits(int(n / self.threshold + 1e-9))

    def plan(self, n: int, *, no_longer: bool = False) -> tuple[tuple[int, int, int], ...]:
        """Every (segment number, start, size) that an `n`-word comment looks up: for each
        partner length L within the budget (only L <= n with `no_longer`), the segments of L at
        the positions that Pass-Join's position-aware and multi-match-aware windows allow."""
        plan = self._plans.get((n, no_longer))
        if plan is not None:
            return plan
        out: set[tuple[int, int, int]] = set()
        lo, hi = self.partner_lengths(n)
        for length in range(lo, (n if no_longer else hi) + 1):
            if length > n and length - n > self.max_edits(length):
                continue
            tau = self.tau(length)
            delta = n - length
            for i, (start, size) in enumerate(_segments(length, tau)):
                first = max(0, start - i, start + delta - (tau - i), start - (tau - delta) // 2)
                last = min(
                    n - size, start + i, start + delta + (tau - i), start + (tau + delta) // 2
                )
                out.update((i, p, size) for p in range(first, last + 1))
        plan = tuple(sorted(out))
        self._plans[(n, no_longer)] = plan
        return plan


def _segments(length: int, tau: int) -> list[tuple[int, int]]:
    """(start, size) of the ``tau + 1`` segments of a `length`-word comment (Pass-Join's even
    partition: the last ``length % (tau + 1)`` segments are one word longer)."""
    k = tau + 1
    base, extra = divmod(length, k)
    out = []
    start = 0
    for i in range(k):
        size = base + (1 if i >= k - extra else 0)
        out.append((start, size))
        start += size
    return out


def _common_prefix(a: str, b: str) -> int:
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


def _common_suffix(a: str, b: str, limit: int) -> int:
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


def _within(a: str, b: str, k: int) -> bool:
    """True when the optimal-string-alignment distance of `a` and `b` is at most `k`."""
    p = _common_prefix(a, b)
    if p:
        a, b = a[p:], b[p:]
    s = _common_suffix(a, b, min(len(a), len(b)))
    if s:
        a, b = a[: len(a) - s], b[: len(b) - s]
    if not a or not b:
        return max(len(a), len(b)) <= k
    if k <= 0 or abs(len(a) - len(b)) > k:
        return False
    if k == 1:  # one substitution, deletion, insertion or swap must explain everything left
        return (
            a[1:] == b[1:]
            or a[1:] == b
            or a == b[1:]
            or (len(a) == len(b) == 2 and a[0] == b[1] and a[1] == b[0])
        )
    # a[0] != b[0] and a[-1] != b[-1]: one of the four first moves is in every best alignment.
    if len(a) > 1 and len(b) > 1 and a[0] == b[1] and a[1] == b[0] and _within(a[2:], b[2:], k - 1):
        return True
    return _within(a[1:], b[1:], k - 1) or _within(a[1:], b, k - 1) or _within(a, b[1:], k - 1)


def _banded(a: str, b: str, limit: int) -> int | None:
    """Optimal-string-alignment distance by dynamic programming in a band of +-`limit` around the
    diagonal (O(len * limit)); None above `limit`. For large limits, where `_within` branches."""
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


def _distance(a: str, b: str, limit: int) -> int | None:
    """The optimal-string-alignment distance of `a` and `b` if it is at most `limit`, else None."""
    if limit < 0:
        return None
    if limit > 3:  # the branching search grows as 4**limit; the band as limit
        p = _common_prefix(a, b)
        a, b = a[p:], b[p:]
        s = _common_suffix(a, b, min(len(a), len(b)))
        return _banded(a[: len(a) - s], b[: len(b) - s], limit)
    if not _within(a, b, limit):
        return None
    for d in range(limit):
        if _within(a, b, d):
            return d
    return limit


def _is_typo(a: str, b: str) -> bool:
    """Two spellings of one word: one character apart (two for words of 8 or more letters)."""
    longer = max(len(a), len(b))
    if longer < 4:
        return False
    return _distance(a, b, 2 if longer >= 8 else 1) is not None


def _rewording(a: str, b: str, d: int, words: list[str]) -> bool:
    """True when `d` >= PHRASE_EDITS edits all fall in one stretch of at most ``d + 1`` words
    (a rewritten phrase, which may keep one small word: "part of our constitution" -> "symbol
    of freedom"; an added clause) rather than fixes scattered over the comment. Spelling fixes
    ("saave" -> "save") do not count towards a rewritten phrase. `words` decodes characters."""
    if d < PHRASE_EDITS:
        return False
    p = _common_prefix(a, b)
    a, b = a[p:], b[p:]
    s = _common_suffix(a, b, min(len(a), len(b)))
    a, b = a[: len(a) - s], b[: len(b) - s]
    if max(len(a), len(b)) > d + 1:
        return False
    theirs = [words[ord(c)] for c in b]
    typos = sum(1 for c in a if any(_is_typo(words[ord(c)], w) for w in theirs))
    return d - typos >= PHRASE_EDITS


def edit_distance(a: Iterable[str], b: Iterable[str], limit: int | None = None) -> int | None:
    """Word-level optimal-string-alignment distance of two word sequences; with `limit`,
    None when it exceeds `limit`. (For tests and the benchmark; dedupe uses encoded words.)"""
    vocab: dict[str, str] = {}
    ea = "".join(vocab.setdefault(w, chr(len(vocab))) for w in a)
    eb = "".join(vocab.setdefault(w, chr(len(vocab))) for w in b)
    return _distance(ea, eb, max(len(ea), len(eb)) if limit is None else limit)


class _VocabFull(Exception):
    """More distinct words than there are characters to encode them."""


class _Vocab(dict[str, str]):
    """Word -> one character, assigned on first sight, so a comment becomes a short string.

    `bits` maps each character to one of 128 bits: a comment's word set as an int, whose XOR
    with another's is at most their word-set difference (a free, exact pre-filter).
    """

    limit = 0x110000

    def __init__(self) -> None:
        super().__init__()
        self.bits: dict[str, int] = {}
        self.words: list[str] = []  # character code -> word

    def __missing__(self, word: str) -> str:
        n = len(self)
        if n >= self.limit:
            raise _VocabFull
        ch = chr(n)
        self[word] = ch
        self.bits[ch] = 1 << (n % 128)
        self.words.append(word)
        return ch

    def bitmap(self, code: str) -> int:
        return sum(set(map(self.bits.__getitem__, code)))


_CUTS: dict[int, tuple[tuple[slice, ...], tuple[slice, ...]]] = {}


def _cuts(n: int) -> tuple[tuple[slice, ...], tuple[slice, ...]]:
    """The proper prefixes and suffixes of an `n`-character string, as slices (cached)."""
    cuts = _CUTS.get(n)
    if cuts is None:
        cuts = (tuple(slice(0, e) for e in range(1, n)), tuple(slice(e, n) for e in range(1, n)))
        if n <= 512:
            _CUTS[n] = cuts
    return cuts


# --- the walk ------------------------------------------------------------------------------------


class _Deduper:
    """One pass over a thread. For the benchmark's O(n^2) baselines, `pairwise=True` compares
    every earlier kept comment for ``near`` instead of using the segment index, and
    `prefilter=False` also skips the exact length and word-set filters before the distance."""

    def __init__(
        self,
        threshold: float,
        *,
        pairwise: bool = False,
        prefilter: bool = True,
        edit_floor: int | None = NEAR_MAX_EDITS,
        words_per_edit: int | None = NEAR_WORDS_PER_EDIT,
    ) -> None:
        self.budget = _Budget(threshold, edit_floor, words_per_edit)
        self.pairwise = pairwise
        self.prefilter = prefilter
        self.vocab = _Vocab()
        self.codes: list[str] = []  # encoded words of each kept comment, by kept index
        self.kept_ids: list[str] = []
        self.by_text: dict[str, int] = {}
        self.by_code: dict[str, int] = {}
        # repeated_block guard: lengths of the kept comments that start / end with these (up to
        # three) words, so that only those prefixes and suffixes are looked up.
        self.start_lens: dict[str, set[int]] = {}
        self.end_lens: dict[str, set[int]] = {}
        # near index: per segment number, encoded segment -> kept indices.
        self.segments: list[dict[str, list[int]]] = []
        self._lookups: dict[int, tuple[tuple[dict[str, list[int]], ...], tuple[slice, ...]]] = {}
        self.bitmaps: list[int] = []  # by kept index; 0 for comments too short to be near
        self.long_kept: list[int] = []  # kept indices with >= MIN_NEAR_WORDS words (pairwise)
        self.plain = False  # exact and normalized only (see `_dedupe`)
        # Bulk mode: every code's near partners, found before the walk (`_bulk_tables`):
        # code -> [(edits, partner code)]. None: use the segment index.
        self.partners: dict[str, list[tuple[int, str]]] | None = None
        # ... and the lengths of each code's prefixes (suffixes) that may be other codes.
        self.part_starts: dict[str, list[int]] = {}
        self.part_ends: dict[str, list[int]] = {}
        # ... and for quotes: each quote's rarest word -> the codes holding it, in order.
        self.quote_holders: dict[str, list[str]] = {}
        # quote_only: encoded word -> kept indices, only for words that some quote looks up.
        self.quote_chars: set[str] = set()
        self.quote_postings: dict[str, list[int]] = {}

    # -- checks --------------------------------------------------------------------------------

    def quoted_in(self, quoted: str) -> int | None:
        """Kept index of the first kept comment containing `quoted`'s words, in order."""
        words = _words(quoted)
        if len(words) < QUOTE_MIN_WORDS:
            return None
        if any(w not in self.vocab for w in words):
            return None  # a word no earlier comment has
        needle = "".join([self.vocab[w] for w in words])
        lookups = self.quote_chars.intersection(needle)
        if not lookups:
            return None
        if self.partners is not None:  # bulk mode: the codes holding the word, kept or not
            get = self.by_code.get
            best = None
            for other in min((self.quote_holders.get(ch, ()) for ch in lookups), key=len):
                k = get(other)
                if k is not None and (best is None or k < best) and needle in other:
                    best = k
            return best
        best = min((self.quote_postings.get(ch, ()) for ch in lookups), key=len)
        hits = map(str.__contains__, map(self.codes.__getitem__, best), repeat(needle))
        return next(compress(best, hits), None)

    def block_of(self, code: str) -> int | None:
        """Kept index of the first part when `code` is >= 2 kept comments back to back (at
        least one of them `MIN_NEAR_WORDS` words or longer)."""
        n = len(code)
        kept = self.by_code
        # Endings are more varied than openings ("I think ..."), so that side is checked first.
        if self.partners is not None:
            cuts = self.part_ends.get(code)
            if not cuts or not any(code[n - e :] in kept for e in cuts):
                return None
            cuts = self.part_starts.get(code)
            if not cuts or not any(code[:e] in kept for e in cuts):
                return None
        elif not self._has_part(code, False) or not self._has_part(code, True):
            return None
        memo: dict[int, list[int] | None] = {}

        def ends(p: int) -> list[int]:
            # Every e > p with code[p:e] a kept comment, longest first (membership tests in C).
            stops = range(p + 1, n + 1)
            found = map(kept.__contains__, map(code.__getitem__, map(slice, repeat(p), stops)))
            return sorted(compress(stops, found), reverse=True)

        def split(p: int) -> list[int] | None:
            # Kept indices that make up code[p:], longest first part first.
            if p not in memo:
                memo[p] = None
                for e in ends(p):
                    rest = [] if e == n else split(e)
                    if rest is not None:
                        memo[p] = [kept[code[p:e]], *rest]
                        break
            return memo[p]

        for e in ends(0):
            if e == n:
                continue
            rest = split(e)
            if rest is not None:
                parts = [kept[code[:e]], *rest]
                if any(len(self.codes[i]) >= MIN_NEAR_WORDS for i in parts):
                    return parts[0]
        return None

    def _has_part(self, code: str, start: bool) -> bool:
        """Whether a kept comment shorter than `code` starts (`start`) or ends it."""
        n = len(code)
        kept = self.by_code
        lens = self.start_lens if start else self.end_lens
        # Kept comments are keyed by their first (last) three words, or all of them if shorter.
        for j in (1, 2, 3):
            for length in lens.get(code[:j] if start else code[n - j :], ()):
                if length < n and (code[:length] if start else code[n - length :]) in kept:
                    return True
        return False

    def lookups(self, n: int) -> tuple[tuple[dict[str, list[int]], ...], tuple[slice, ...]]:
        """`Budget.plan` for an `n`-word comment as (segment dict, slice) pairs, cached."""
        got = self._lookups.get(n)
        if got is None:
            plan = self.budget.plan(n)
            segments = self.segments
            while len(segments) <= max((i for i, _, _ in plan), default=0):
                segments.append({})
            got = (
                tuple(segments[i] for i, _, _ in plan),
                tuple(slice(p, p + size) for _, p, size in plan),
            )
            self._lookups[n] = got
        return got

    def near_of(self, code: str, bitmap: int) -> tuple[int, float] | None:
        """(kept index, similarity) of the closest near duplicate of `code` (fewest edits,
        earliest on a tie), if any. `bitmap` is `code`'s word-set bitmap."""
        n = len(code)
        budget = self.budget
        if self.partners is not None:
            return self._near_partner(code)
        if self.pairwise:
            found: Iterable[int] = self.long_kept
        else:
            # Segment lookups, then the bitmap filter, in C: a comment sharing a segment with
            # many others (a popular argument) costs no Python bytecode per candidate.
            dicts, cuts = self.lookups(n)
            hits = filter(None, map(dict.get, dicts, map(code.__getitem__, cuts)))
            found = set(chain.from_iterable(hits))
            if not found:
                return None
        # Each edit adds or removes at most one distinct word on each side.
        bound = 2 * budget.max_edits(int(n / budget.threshold + 1e-9))
        found = tuple(found)
        if self.prefilter:
            diffs = map(int.bit_count, map(bitmap.__xor__, map(self.bitmaps.__getitem__, found)))
            found = tuple(compress(found, map(bound.__ge__, diffs)))
        best: tuple[int, float] | None = None
        best_d = n
        codes = self.codes
        for k in sorted(found):
            other = codes[k]
            m = len(other)
            longer = n if n > m else m
            limit = budget.max_edits(longer)
            if limit >= best_d:
                limit = best_d - 1  # only a strictly closer one can win
            if self.prefilter and (
                abs(n - m) > limit or (bitmap ^ self.bitmaps[k]).bit_count() > 2 * limit
            ):
                continue
            d = _distance(code, other, limit)
            if d is not None and not _rewording(code, other, d, self.vocab.words):
                best_d = d
                best = (k, 1.0 - d / longer)
        return best

    def _near_partner(self, code: str) -> tuple[int, float] | None:
        """`near_of` in bulk mode: the partners found before the walk that are kept by now (all
        earlier ones: the walk keeps comments in order), fewest edits first, then earliest."""
        partners = self.partners.get(code) if self.partners else None
        if not partners:
            return None
        get = self.by_code.get
        best_d, best_k = 0, -1
        for d, other in partners:  # by edits, fewest first
            if best_k >= 0 and d > best_d:
                break
            k = get(other)
            if k is None or (best_k >= 0 and k > best_k):
                continue
            if not _rewording(code, other, d, self.vocab.words):
                best_d, best_k = d, k
        if best_k < 0:
            return None
        return best_k, 1.0 - best_d / max(len(code), len(self.codes[best_k]))

    # -- bookkeeping ---------------------------------------------------------------------------

    def keep(self, comment_id: str, stripped: str, code: str, bitmap: int | None) -> None:
        k = len(self.kept_ids)
        self.kept_ids.append(comment_id)
        self.codes.append(code)
        self.by_text.setdefault(stripped, k)
        n = len(code)
        if not n or self.plain:
            self.bitmaps.append(0)
            if n:
                self.by_code.setdefault(code, k)
            return
        self.by_code.setdefault(code, k)
        j = min(3, n)  # keyed by its first (last) three words, or all of them when shorter
        self.start_lens.setdefault(code[:j], set()).add(n)
        self.end_lens.setdefault(code[n - j :], set()).add(n)
        if self.quote_chars:
            for ch in self.quote_chars.intersection(code):
                self.quote_postings.setdefault(ch, []).append(k)
        if n < MIN_NEAR_WORDS:
            self.bitmaps.append(0)
            return
        self.bitmaps.append(self.vocab.bitmap(code) if bitmap is None else bitmap)
        self.long_kept.append(k)
        if self.pairwise:
            return
        segments = self.segments
        segs = _segments(n, self.budget.tau(n))
        while len(segments) < len(segs):
            segments.append({})
        last = len(segs) - 1
        for i, (start, size) in enumerate(segs):
            end = start + size
            index = segments[i]
            index.setdefault(code[start:end], []).append(k)
            # Two words swapped across a boundary are one edit that spoils both segments;
            # index each segment with its boundary word swapped too.
            if i < last:
                index.setdefault(code[start : end - 1] + code[end], []).append(k)
            if i:
                index.setdefault(code[start - 1] + code[start + 1 : end], []).append(k)


def dedupe(
    thread: Thread, *, near_threshold: float = NEAR_THRESHOLD
) -> tuple[Thread, DedupeReport]:
    """Remove duplicates from `thread`; return the kept thread and a report of what went.

    Contract: the first occurrence is kept, in its place (kept comments keep their order);
    title, source and url carry over. A kept comment whose `reply_to` names a removed comment
    now names the kept comment that one repeated (or None if that is itself); unknown ids stay.
    ``kept + len(removed) == comments_in``; every `duplicate_of` is a kept id; deduping the result
    again removes nothing. Raises ValueError unless ``0 < near_threshold <= 1``.
    """
    walk = _Deduper(_check_threshold(near_threshold))
    with paused_gc():
        return _dedupe(thread, walk)


def _check_threshold(value: float) -> float:
    if not 0.0 < value <= 1.0:
        raise ValueError(f"near_threshold must be in (0, 1], got {value!r}")
    return float(value)


def _dedupe(thread: Thread, walk: _Deduper) -> tuple[Thread, DedupeReport]:
    try:
        return _walk(thread, walk)
    except _VocabFull:
        # Only adversarial input has this many distinct words; stay exact rather than guess.
        log.warning("dedupe: over %d distinct words; exact and normalized only", _Vocab.limit)
        plain = _Deduper(walk.budget.threshold)
        plain.plain = True
        return _walk(thread, plain)


def _walk(thread: Thread, walk: _Deduper) -> tuple[Thread, DedupeReport]:
    comments = thread.comments
    stripped_all = [c.text.strip() for c in comments]
    quote_parts: dict[int, str] = {}
    for pos, text in enumerate(stripped_all):
        if walk.plain:
            break
        if ">" in text or '"' in text or "\u201c" in text or "\u201e" in text or "\u00ab" in text:
            parts = _split_quote(text)
            if parts is not None and _is_trivial(parts[1]):
                quote_parts[pos] = parts[0]
    # Kept comments are indexed for quotes only under each quote's longest word: every kept
    # comment that contains the quote contains that word, so its postings are complete. (Bulk
    # mode then looks quotes up under their rarest word instead: `_bulk_tables`.)
    for quoted in quote_parts.values():
        words = _words(quoted)
        if len(words) >= QUOTE_MIN_WORDS:
            walk.quote_chars.add(walk.vocab[min(words, key=lambda w: (-len(w), w))])

    encoded: list[str] | None = None
    if not walk.plain and not walk.pairwise and len(comments) >= BULK_MIN_COMMENTS:
        encoded = _encode_all(comments, stripped_all, walk.vocab)
        if not _bulk_tables(walk, encoded, quote_parts.values()):
            encoded = None  # too many candidate pairs: the index, as for small threads

    seen_ids: dict[str, str] = {}  # id -> the kept id it stands for
    removed: list[RemovedComment] = []
    removed_at: list[int | None] = [None] * len(comments)  # kept index duplicated, by position
    kept_pos: list[int] = []
    vocab_get = walk.vocab.__getitem__
    by_text, by_code = walk.by_text, walk.by_code
    plain = walk.plain
    kept_ids, kept_codes = walk.kept_ids, walk.codes
    part_starts, part_ends, partners = walk.part_starts, walk.part_ends, walk.partners or {}
    for pos, comment in enumerate(comments):
        cid = comment.id
        if cid in seen_ids:
            removed.append(RemovedComment(id=cid, kind="same_id", duplicate_of=seen_ids[cid]))
            continue
        text = stripped_all[pos]
        bitmap = None
        k = by_text.get(text)
        if k is not None:
            _remove(removed, removed_at, seen_ids, walk, pos, cid, "exact", k)
            continue
        if encoded is not None:
            code = encoded[pos]
        else:
            words = _words(text)
            code = " ".join(words) if plain else "".join(map(vocab_get, words))
        if code:
            k = by_code.get(code)
            if k is not None:
                _remove(removed, removed_at, seen_ids, walk, pos, cid, "normalized", k)
                continue
        if not plain:
            quoted = quote_parts.get(pos)
            if quoted is not None:
                k = walk.quoted_in(quoted)
                if k is not None:
                    _remove(removed, removed_at, seen_ids, walk, pos, cid, "quote_only", k)
                    continue
            # In bulk mode, only codes with a candidate part or partner are looked at.
            if len(code) >= 2 and (encoded is None or (code in part_ends and code in part_starts)):
                k = walk.block_of(code)
                if k is not None:
                    _remove(removed, removed_at, seen_ids, walk, pos, cid, "repeated_block", k)
                    continue
            if len(code) >= MIN_NEAR_WORDS and (encoded is None or code in partners):
                bitmap = 0 if encoded is not None else walk.vocab.bitmap(code)
                near = walk.near_of(code, bitmap)
                if near is not None:
                    k, sim = near
                    _remove(removed, removed_at, seen_ids, walk, pos, cid, "near", k, round(sim, 4))
                    continue
        seen_ids[cid] = cid
        kept_pos.append(pos)
        if encoded is not None:  # `keep` in bulk mode, inline: no index to update
            k = len(kept_ids)
            kept_ids.append(cid)
            kept_codes.append(code)
            by_text.setdefault(text, k)
            if code:
                by_code.setdefault(code, k)
        else:
            walk.keep(cid, text, code, bitmap)

    kept = [_rewire(comments[p], seen_ids) for p in kept_pos]
    by_kind: dict[str, int] = {}
    for r in removed:
        by_kind[r.kind] = by_kind.get(r.kind, 0) + 1
    blocks = _blocks(comments, removed_at, walk.kept_ids)
    out = Thread(comments=tuple(kept), title=thread.title, source=thread.source, url=thread.url)
    report = DedupeReport(
        comments_in=len(comments),
        kept=len(kept),
        removed=tuple(removed),
        by_kind=by_kind,
        blocks=blocks,
        near_threshold=walk.budget.threshold,
    )
    log.debug("dedupe: %d in, %d kept, by kind %s", len(comments), len(kept), by_kind)
    return out, report


def _encode_all(comments: tuple[Comment, ...], stripped: list[str], vocab: _Vocab) -> list[str]:
    """Every comment's encoded words, in thread order ('' for a repeated id, which the walk
    removes unread): the words of every comment the walk reads, so the vocabulary holds the
    same words (in another order, which changes no result)."""
    seen: set[str] = set()
    first: dict[str, None] = {}  # distinct texts, in order
    read: list[str | None] = []
    for comment, text in zip(comments, stripped, strict=True):
        if comment.id in seen:
            read.append(None)
        else:
            seen.add(comment.id)
            first[text] = None
            read.append(text)
    codes = _encode_texts(list(first), vocab)
    return ["" if text is None else codes[text] for text in read]


# `_ASCII_FOLD_BYTES`, keeping \x01 (the separator of `_encode_texts`).
_ASCII_FOLD_KEEP_1 = _ASCII_FOLD_BYTES[:1] + b"\x01" + _ASCII_FOLD_BYTES[2:]
_ENCODE_CHUNK = 10_000  # texts


def _encode_texts(texts: list[str], vocab: _Vocab) -> dict[str, str]:
    """text -> ``"".join(map(vocab.__getitem__, _words(text)))``. Plain ASCII texts (no link, no
    \\x01) take `_words`'s steps together, joined by \\x01, a chunk at a time, and are encoded
    in arrays (`bot.dedupe_bulk.encode_folded`) rather than word by word."""
    from bot.dedupe_bulk import encode_folded

    get = vocab.__getitem__
    out: dict[str, str] = {}
    plain: list[str] = []
    for text in texts:
        if text.isascii() and "](" not in text and "\x01" not in text:
            plain.append(text)
        else:
            out[text] = "".join(map(get, _words(text)))
    for i in range(0, len(plain), _ENCODE_CHUNK):
        chunk = plain[i : i + _ENCODE_CHUNK]
        joined = "\x01".join(
            _NUMBERED.sub(r"\1", t) if "\n" in t or t[:1] in _NUMBERED_HINT else t for t in chunk
        )
        folded = joined.replace("'", "").encode("ascii").translate(_ASCII_FOLD_KEEP_1)
        codes = encode_folded(folded, get)
        if codes is None:  # a very long word, or a hash collision: word by word
            codes = ["".join(map(get, f.split())) for f in folded.decode("ascii").split("\x01")]
        out.update(zip(chunk, codes, strict=True))
    return out


def _bulk_tables(walk: _Deduper, encoded: list[str], quotes: Iterable[str]) -> bool:
    """Fill `walk`'s bulk tables (`bot.dedupe_bulk.analyse`): every code's near partners, the
    lengths of its prefixes and suffixes that may be other codes, and for quotes, the rarest word
    of each (instead of the longest: the same answers from shorter postings). False, leaving
    `walk` as it was, when `analyse` declines (too many candidate pairs)."""
    from bot.dedupe_bulk import analyse  # numpy and rapidfuzz: only for large threads

    codes = [c for c in dict.fromkeys(encoded) if c]
    needles = []
    vocab = walk.vocab
    for quoted in quotes:
        words = _words(quoted)
        if len(words) >= QUOTE_MIN_WORDS and all(w in vocab for w in words):
            needles.append("".join([vocab[w] for w in words]))
    found = analyse(codes, walk.budget, MIN_NEAR_WORDS, needles)
    if found is None:
        log.info("dedupe: too many near-duplicate candidates for bulk mode; comparing one by one")
        return False
    partners: dict[str, list[tuple[int, str]]] = {}
    a, b, d = found.pairs
    for e, i, j in sorted(zip(d.tolist(), a.tolist(), b.tolist(), strict=True)):
        partners.setdefault(codes[i], []).append((e, codes[j]))
        partners.setdefault(codes[j], []).append((e, codes[i]))
    walk.partners = partners  # each list by edits, fewest first
    for table, (owner, size) in ((walk.part_starts, found.starts), (walk.part_ends, found.ends)):
        for i, n in zip(owner.tolist(), size.tolist(), strict=True):
            table.setdefault(codes[i], []).append(n)
    walk.quote_chars = set(found.rare)
    walk.quote_holders = {ch: [codes[i] for i in held] for ch, held in found.holders.items()}
    return True


def _remove(
    removed: list[RemovedComment],
    removed_at: list[int | None],
    seen_ids: dict[str, str],
    walk: _Deduper,
    pos: int,
    cid: str,
    kind: DuplicateKind,
    k: int,
    similarity: float | None = None,
) -> None:
    target = walk.kept_ids[k]
    seen_ids[cid] = target
    removed_at[pos] = k
    removed.append(RemovedComment(id=cid, kind=kind, duplicate_of=target, similarity=similarity))


def _rewire(comment: Comment, stands_for: dict[str, str]) -> Comment:
    to = comment.reply_to
    if to is None or to not in stands_for:
        return comment
    target = stands_for[to]
    if target == to:
        return comment
    # A reply to a copy of itself is no reply.
    return comment.model_copy(update={"reply_to": None if target == comment.id else target})


def _blocks(
    comments: tuple[Comment, ...], removed_at: list[int | None], kept_ids: list[str]
) -> tuple[RepeatedBlock, ...]:
    """Runs of >= MIN_BLOCK adjacent removed comments (same_id ones excluded: they have no
    kept index here) that repeat adjacent kept comments in order."""
    out: list[RepeatedBlock] = []
    run_start = 0
    run_len = 0
    for pos in range(len(comments) + 1):
        k = removed_at[pos] if pos < len(comments) else None
        prev = removed_at[pos - 1] if pos else None
        if k is not None and run_len and prev is not None and k == prev + 1:
            run_len += 1
            continue
        if run_len >= MIN_BLOCK:
            first_k = removed_at[run_start]
            assert first_k is not None
            out.append(
                RepeatedBlock(
                    first_id=comments[run_start].id,
                    last_id=comments[run_start + run_len - 1].id,
                    length=run_len,
                    original_first_id=kept_ids[first_k],
                    original_last_id=kept_ids[first_k + run_len - 1],
                )
            )
        run_start, run_len = pos, (1 if k is not None else 0)
    return tuple(out)
