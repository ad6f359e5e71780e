"""What the walk keeps, indexed so that each new comment is checked in time bounded by its size.

Comments are encoded one character per word (`Vocab`), so that slicing, hashing and comparing
run in C. Near duplicates have the same length and differ only in misspelt words (see
`bot.dedupe.distance`), at most ``tau`` of them; so a kept comment of ``n`` words is cut into
``tau + 1`` segments at fixed positions, and a partner within ``tau`` misspellings holds one of
them unchanged at the same place (pigeonhole). A new comment looks up its own ``tau + 1``
segments: the work is linear in its length, whatever the length (there are no length windows
or shifted positions to enumerate, as an edit distance with insertions needs).

Candidate caps bound the cost of many similar comments: a segment or opening remembers at most
`POSTINGS_CAP` kept comments (the earliest), and a new comment is compared with at most
`CANDIDATES_CAP` of the kept comments it meets (those sharing the most segments), so each
comment costs at most a constant times its length. The trade-off: a near duplicate is missed
when each of its unchanged segments is shared by `POSTINGS_CAP` earlier comments before its
original, or more than `CANDIDATES_CAP` comments share more segments with it; such a thread is
one message posted over and over with small changes, and each copy is then kept (shown, never
lost) rather than folded.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import chain, compress, islice, repeat
from typing import TypeVar

from rapidfuzz.distance import Hamming

from bot.dedupe.distance import same_meaning
from bot.dedupe.normalize import QUOTE_MIN_WORDS, ends_cut, looks_cut, names_in, words_of

T = TypeVar("T")

NEAR_THRESHOLD: float = 0.85
MIN_NEAR_WORDS = 6
NEAR_MAX_EDITS = 3
# Long comments get one more misspelling per this many words (a 200-word post with 8 typos).
NEAR_WORDS_PER_EDIT = 25
# Each segment, opening or ending remembers at most this many kept comments (see above).
POSTINGS_CAP = 64
# An opening (the first MIN_NEAR_WORDS words) remembers at most this many kept comments for the
# cut-off copy check: a cut-off copy is missed when more comments open the same way before it.
HEADS_CAP = 8
# A new comment is compared with at most this many of the kept comments its segments meet.
CANDIDATES_CAP = 256
# A pasted block is looked for only in comments of at most this many words: splitting a comment
# into kept comments tries each kept length at each reached position.
BLOCK_MAX_WORDS = 5000


class VocabFull(Exception):
    """More distinct words than there are characters to encode them."""


class Vocab(dict[str, str]):
    """Word -> one character, assigned on first sight, so a comment becomes a short string."""

    limit = 0x110000

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []  # character code -> word

    def __missing__(self, word: str) -> str:
        n = len(self)
        if n >= self.limit:
            raise VocabFull
        ch = chr(n)
        self[word] = ch
        self.words.append(word)
        return ch


class Budget:
    """How many misspelt words two comments of `n` words may differ by: ``(1 - threshold) * n``
    rounded down, at least one from `MIN_NEAR_WORDS` words (a misspelling cannot change the
    meaning), and at most ``max(NEAR_MAX_EDITS, n // NEAR_WORDS_PER_EDIT)``."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self._edits: dict[int, int] = {}

    def max_edits(self, n: int) -> int:
        e = self._edits.get(n)
        if e is None:
            e = int((1.0 - self.threshold) * n + 1e-9)
            if self.threshold < 1.0:
                e = max(e, 1)
            e = min(e, max(NEAR_MAX_EDITS, n // NEAR_WORDS_PER_EDIT), n - 1)
            self._edits[n] = e
        return e


def segments(length: int, tau: int) -> list[tuple[int, int]]:
    """(start, end) of the ``tau + 1`` segments of a `length`-word comment (an even partition:
    the last ``length % (tau + 1)`` segments are one word longer)."""
    k = tau + 1
    base, extra = divmod(length, k)
    out = []
    start = 0
    for i in range(k):
        size = base + (1 if i >= k - extra else 0)
        out.append((start, start + size))
        start += size
    return out


class Index:
    """The kept comments of one walk: by text, by normal form, by segment (near), by opening
    (cut-off copies), by word (quotes), by opening and ending words (pasted blocks)."""

    def __init__(self, threshold: float) -> None:
        self.budget = Budget(threshold)
        self.vocab = Vocab()
        self.codes: list[str] = []  # encoded words of each kept comment, by kept index
        self.texts: list[str] = []  # the text each kept comment shows
        self.names: dict[int, frozenset[str]] = {}  # kept index -> `names_in` its text, cached
        self.kept_ids: list[str] = []
        self.kept_pos: list[int] = []  # position in the thread of each kept comment
        self.by_text: dict[str, int] = {}
        self.by_code: dict[str, int] = {}
        self._cuts: dict[int, list[tuple[int, int]]] = {}
        # pasted blocks: lengths of the kept comments that start / end with these (up to three)
        # words, so that only those prefixes and suffixes are looked up (the ends in bulk mode
        # come from `part_ends` instead).
        self.start_lens: dict[str, set[int]] = {}
        self.end_lens: dict[str, set[int]] = {}
        # near: comment length -> per segment number, encoded segment -> kept indices.
        self.tables: dict[int, list[dict[str, list[int]]]] = {}
        # cut-off copies: the first MIN_NEAR_WORDS words -> kept indices.
        self.heads: dict[str, list[tuple[str, int]]] = {}  # ... -> (all but the last word, k)
        self.cut_heads: dict[str, list[tuple[str, int]]] = {}  # the same, kept ones that look cut
        self.plain = False  # exact and normalized only (more distinct words than characters)
        # Bulk mode (`bot.dedupe.bulk`): the lengths of each code's prefixes (suffixes) that may
        # be other codes, and each quote's rarest word -> the codes holding it, in order.
        self.bulk = False
        self.part_starts: dict[str, list[int]] = {}
        self.part_ends: dict[str, list[int]] = {}
        # (Holders as the thread position of each code's first comment, ascending; `quote_codes`
        # is each position's code, and `replaced` the codes a complete text gave an older kept
        # index, see `complete`.)
        self.quote_holders: dict[str, list[int]] = {}  # a quote's encoded words -> ...
        self.quote_codes: list[str] = []
        self.replaced: list[str] = []
        # ... and each code's near candidates, (misspellings, earlier code), fewest first.
        self.partners: dict[str, list[tuple[int, str]]] = {}
        # quotes: encoded word -> kept indices, only for words that some quote looks up.
        self.quote_chars: set[str] = set()
        self.quote_postings: dict[str, list[int]] = {}

    def encode(self, text: str) -> str:
        words = words_of(text)
        return " ".join(words) if self.plain else "".join(map(self.vocab.__getitem__, words))

    # -- checks --------------------------------------------------------------------------------

    def quoted_in(self, quoted: str, pos: int) -> int | None:
        """Kept index of the first kept comment containing `quoted`'s words, in order. `pos`:
        the quoting comment's position in the thread."""
        words = words_of(quoted)
        if len(words) < QUOTE_MIN_WORDS:
            return None
        if any(w not in self.vocab for w in words):
            return None  # a word no earlier comment has
        needle = "".join([self.vocab[w] for w in words])
        lookups = self.quote_chars.intersection(needle)
        if not lookups:
            return None
        if self.bulk:  # the codes that may hold the quote, kept or not
            return self._first_holder(needle, self.quote_holders.get(needle, ()), pos)
        best_list = min((self.quote_postings.get(ch, ()) for ch in lookups), key=len)
        hits = map(str.__contains__, map(self.codes.__getitem__, best_list), repeat(needle))
        return next(compress(best_list, hits), None)

    def _first_holder(self, needle: str, holders: Sequence[int], pos: int) -> int | None:
        """`quoted_in` in bulk mode: the least kept index of the codes in `holders` (first
        positions, ascending) that contain `needle`. A code first seen at or after `pos` is not
        kept yet; and a code first seen at position p was kept at p or later, so its kept index
        is at least the number of comments kept before p: once that reaches the best found, no
        later holder can be earlier. Only a code that a complete text gave to an older kept
        comment (`replaced`) escapes that bound, and those are checked apart."""
        seen = bisect_left(holders, pos)
        codes, kept_pos, get = self.quote_codes, self.kept_pos, self.by_code.get
        # The holders that contain the quote, found in C, lazily: the scan stops at the bound.
        hits = map(str.__contains__, map(codes.__getitem__, islice(holders, seen)), repeat(needle))
        best: int | None = None
        for at in compress(islice(holders, seen), hits):
            if best is not None and bisect_left(kept_pos, at) >= best:
                break
            k = get(codes[at])
            if k is not None and (best is None or k < best):
                best = k
        for code in self.replaced:
            if needle in code:
                k = get(code)
                if k is not None and (best is None or k < best):
                    best = k
        return best

    def block_of(self, code: str) -> int | None:
        """Kept index of the first part when `code` is >= 2 kept comments back to back (at
        least one of them `MIN_NEAR_WORDS` words or longer)."""
        n = len(code)
        if n > BLOCK_MAX_WORDS:
            return None
        kept = self.by_code
        # Endings are more varied than openings ("I think ..."), so that side is checked first.
        if self.bulk:
            cuts = self.part_ends.get(code)
            if not cuts or not any(code[n - e :] in kept for e in cuts):
                return None
            cuts = self.part_starts.get(code)
            if not cuts or not any(code[:e] in kept for e in cuts):
                return None
        elif not self._has_part(code, False) or not self._has_part(code, True):
            return None
        # In bulk mode the first part's lengths are known (`part_starts`): fewer to try.
        parts = _Parts(code, kept, self.start_lens, cuts if self.bulk else None)
        for e in parts.ends(0):
            rest = parts.split(e)
            if rest is not None:
                found = [kept[code[:e]], *rest]
                if any(len(self.codes[i]) >= MIN_NEAR_WORDS for i in found):
                    return found[0]
        return None

    def _has_part(self, code: str, start: bool) -> bool:
        """Whether a kept comment shorter than `code` starts (`start`) or ends it."""
        n = len(code)
        kept = self.by_code
        lens = self.start_lens if start else self.end_lens
        for j in (1, 2, 3):
            for length in lens.get(code[:j] if start else code[n - j :], ()):
                if length < n and (code[:length] if start else code[n - length :]) in kept:
                    return True
        return False

    def near_of(self, code: str, text: str) -> tuple[int, int] | None:
        """(kept index, misspelt words) of the closest near duplicate of `code` (fewest
        misspellings, earliest on a tie), if any. `text` is its original text (for names)."""
        if self.bulk:
            partners = self.partners.get(code)
            # Most comments have no candidate at all.
            return None if partners is None else self._near_partner(code, text, partners)
        n = len(code)
        tables = self.tables.get(n)
        if tables is None:
            return None
        cuts = self.cuts(n, len(tables) - 1)
        hits = filter(None, map(dict.get, tables, [code[s:e] for s, e in cuts]))
        postings = list(hits)
        met = set(chain.from_iterable(postings))
        if not met:
            return None
        if len(met) > CANDIDATES_CAP:  # those sharing the most segments (fewest changes)
            shared = Counter(chain.from_iterable(postings))  # kept index -> segments in common
            found = sorted(k for k, _ in shared.most_common(CANDIDATES_CAP))
        else:
            found = sorted(met)
        limit = self.budget.max_edits(n)
        hamming = Hamming.distance
        codes = self.codes
        best: tuple[int, int] | None = None
        words = self.vocab.words
        mine = _Names(self, text)
        for k in found:
            other = codes[k]
            cutoff = best[1] - 1 if best else limit
            if hamming(code, other, score_cutoff=cutoff) > cutoff:  # in C, stops at the cutoff
                continue
            d = same_meaning(code, other, words, mine.both(k))
            if d is not None and (best is None or d < best[1]):
                best = (k, d)
                if d <= 1:
                    break
        return best

    def _near_partner(
        self, code: str, text: str, partners: list[tuple[int, str]]
    ) -> tuple[int, int] | None:
        """`near_of` in bulk mode: the candidates found before the walk (`partners`) that are
        kept by now, fewest misspellings first, then earliest; the meaning guard decides."""
        mine = _Names(self, text)
        best: tuple[int, int] | None = None
        get = self.by_code.get
        for d, other in partners:
            if best is not None and d > best[1]:
                break
            k = get(other)
            if k is None or (best is not None and k > best[0]):
                continue

            if same_meaning(code, self.codes[k], self.vocab.words, mine.both(k)) is not None:
                best = (k, d)
        return best

    def cut_of(self, code: str, text: str, cut_like: bool | None = None) -> tuple[int, bool] | None:
        """A kept comment that `code` is the complete form of, or a cut-off copy of: (kept
        index, True when the kept one is the cut-off one). Cut off means a prefix of the other
        (all but its last word, which may be cut mid-word) that ends in an ellipsis or with its
        last word cut mid-word; both have at least `MIN_NEAR_WORDS` words. `cut_like`:
        `looks_cut(text)` if the caller knows it."""
        n = len(code)
        if n < MIN_NEAR_WORDS:
            return None
        head = code[:MIN_NEAR_WORDS]
        # All but the last word of the shorter one opens the longer one (in C, per posting): a
        # kept one that looks cut off, or any kept one when this one looks cut off.
        posted = self.cut_heads.get(head)
        found = [k for s, k in posted if code.startswith(s)] if posted else []
        posted = self.heads.get(head)
        if posted and (looks_cut(text) if cut_like is None else cut_like):
            stem = code[:-1]
            found += [k for s, k in posted if s.startswith(stem)]
        if not found:
            return None
        words = self.vocab.words
        for k in sorted(set(found)):
            other = self.codes[k]
            m = len(other)
            if m == n:
                continue
            short, long_, short_text = (
                (other, code, self.texts[k]) if m < n else (code, other, text)
            )
            s = len(short)
            if long_[: s - 1] != short[: s - 1]:
                continue
            last, there = words[ord(short[-1])], words[ord(long_[s - 1])]
            if there.startswith(last) and (last != there or ends_cut(short_text)):
                return k, m < n
        return None

    # -- bookkeeping ---------------------------------------------------------------------------

    def complete(self, k: int, stripped: str, code: str, cut_like: bool | None = None) -> None:
        """Kept comment `k` was cut off and `stripped` is its complete text: it shows that text
        and is findable by it too."""
        self.texts[k] = stripped
        self.names.pop(k, None)
        self.codes[k] = code
        if code:
            self.replaced.append(code)
        self.index(k, stripped, code, cut_like)

    def _post_head(self, code: str, text: str, k: int, cut_like: bool | None) -> None:
        entry = (code[:-1], k)
        _post(self.heads, code[:MIN_NEAR_WORDS], entry, HEADS_CAP)
        if looks_cut(text) if cut_like is None else cut_like:
            _post(self.cut_heads, code[:MIN_NEAR_WORDS], entry, HEADS_CAP)

    def cuts(self, n: int, tau: int) -> list[tuple[int, int]]:
        """`segments(n, tau)`, cached by length."""
        got = self._cuts.get(n)
        if got is None:
            got = self._cuts[n] = segments(n, tau)
        return got

    def keep(self, comment_id: str, stripped: str, code: str, cut_like: bool | None = None) -> int:
        k = len(self.kept_ids)
        self.kept_ids.append(comment_id)
        self.codes.append(code)
        self.texts.append(stripped)
        self.index(k, stripped, code, cut_like)
        return k

    def index(self, k: int, stripped: str, code: str, cut_like: bool | None = None) -> None:
        """Make kept comment `k` findable by `stripped` and `code` (also after its text was
        replaced by a more complete copy). `cut_like`: `looks_cut(stripped)` if known."""
        self.by_text.setdefault(stripped, k)
        n = len(code)
        if not n:
            return
        self.by_code.setdefault(code, k)
        if self.plain:
            return
        j = min(3, n)  # keyed by its first (last) three words, or all of them when shorter
        lens = self.start_lens.get(code[:j])
        if lens is None:
            self.start_lens[code[:j]] = {n}
        else:
            lens.add(n)
        if self.bulk:  # near candidates, pasted parts and quote holders were found before
            if n >= MIN_NEAR_WORDS:
                self._post_head(code, stripped, k, cut_like)
            return
        self.end_lens.setdefault(code[n - j :], set()).add(n)
        if self.quote_chars:
            for ch in self.quote_chars.intersection(code):
                self.quote_postings.setdefault(ch, []).append(k)
        if n < MIN_NEAR_WORDS:
            return
        self._post_head(code, stripped, k, cut_like)
        tables = self.tables.get(n)
        if tables is None:
            tau = self.budget.max_edits(n)
            tables = self.tables[n] = [{} for _ in range(tau + 1)]
        for table, (s, e) in zip(tables, self.cuts(n, len(tables) - 1), strict=True):
            _post(table, code[s:e], k)


class _Parts:
    """Ways to cut `code` into kept comments shorter than it (`kept`: code -> kept index;
    `start_lens`: `Index.start_lens`; `heads`, if known, every length of a prefix of `code` that
    may be a kept comment, as bulk mode's `part_starts`). A class rather than recursive closures,
    which would make a reference cycle per comment (kept alive, with the index, until a full
    garbage collection)."""

    def __init__(
        self,
        code: str,
        kept: dict[str, int],
        start_lens: dict[str, set[int]],
        heads: list[int] | None = None,
    ) -> None:
        self.code = code
        self.kept = kept
        self.start_lens = start_lens
        self.heads = heads
        self.memo: dict[int, list[int] | None] = {}

    def ends(self, p: int) -> list[int]:
        """Every e > p with code[p:e] a kept comment (not all of `code`), longest first."""
        code = self.code
        room = len(code) - p - (p == 0)
        fits: set[int] = set()
        if p == 0 and self.heads is not None:
            fits.update(self.heads)
        else:
            # Only the lengths of kept comments that open like code[p:] (keyed by up to 3 words).
            for j in range(1, min(3, room) + 1):
                lens = self.start_lens.get(code[p : p + j])
                if lens:
                    fits.update(lens)
        kept = self.kept
        return [p + m for m in sorted(fits, reverse=True) if m <= room and code[p : p + m] in kept]

    def split(self, p: int) -> list[int] | None:
        """Kept indices that make up code[p:], longest first part first."""
        memo = self.memo
        if p not in memo:
            memo[p] = None
            for e in self.ends(p):
                rest = [] if e == len(self.code) else self.split(e)
                if rest is not None:
                    memo[p] = [self.kept[self.code[p:e]], *rest]
                    break
        return memo[p]


class _Names:
    """Whether a word is a name in a new comment's text or a kept comment's: `names_in` of a
    text is computed (and for kept comments cached) only when the word is written capitalized
    somewhere in it."""

    def __init__(self, index: Index, text: str) -> None:
        self.index = index
        self.text = text
        self.own: frozenset[str] | None = None

    def both(self, k: int) -> Callable[[str], bool]:
        index = self.index
        theirs = index.texts[k]

        def is_name(word: str) -> bool:
            if _maybe_capitalized(word, self.text):
                if self.own is None:
                    self.own = names_in(self.text)
                if word in self.own:
                    return True
            if _maybe_capitalized(word, theirs):
                names = index.names.get(k)
                if names is None:
                    names = index.names[k] = names_in(theirs)
                if word in names:
                    return True
            return False

        return is_name


def _maybe_capitalized(word: str, text: str) -> bool:
    """False when `word` is surely not written capitalized in `text` (a plain substring test)."""
    if not text.isascii():
        return True
    return (word[:1].upper() + word[1:]) in text or word.upper() in text


def _post(table: dict[str, list[T]], key: str, k: T, cap: int = POSTINGS_CAP) -> None:
    found = table.get(key)
    if found is None:
        table[key] = [k]
    elif len(found) < cap:
        found.append(k)
