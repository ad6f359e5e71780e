"""Large threads in arrays (numpy): encoding every comment's words, and finding which
prefixes and suffixes of each comment may be other comments, and which comments hold each
quote's rarest word.

`analyse(codes, needles)` takes the distinct encoded comments of a thread (one character per
word, see `bot.dedupe.index`) and returns the prefixes and suffixes of each that may be other
comments (for ``repeated_block``, by polynomial hashes of their word numbers from prefix sums)
and each quote's rarest word with the comments that hold it (for ``quote_only``). A hash
collision only adds a candidate, which the walk's exact checks reject. `encode_folded` turns
many folded texts into codes without a Python string per word. Imported lazily: only large
threads need numpy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from rapidfuzz.distance import Hamming
from rapidfuzz.process import cpdist

if TYPE_CHECKING:
    from bot.dedupe.index import Budget

_U64 = np.uint64
_BASE = 0x9E3779B97F4A7C15  # odd, so it has an inverse mod 2**64
_BASE_INV = pow(_BASE, -1, 2**64)
_MIX = 0xBF58476D1CE4E5B9
_TAG = 0x94D049BB133111EB
_CHUNK = 1 << 17  # cuts per chunk: bounds the temporaries (and keeps them in cache)


class _Hashes:
    """Position-independent hashes of the substrings of the concatenated codes, from prefix sums:
    ``hash(s, e) = sum(v[t] * B**(s - t) for t in [s, e))`` mod 2**64."""

    def __init__(self, words: np.ndarray) -> None:
        total = len(words)
        self.power = _powers(_BASE, total + 1)
        # The values are made and summed in place in the prefix array: each array the size of
        # all the words is fresh memory, slow to map on some machines.
        self.prefix = np.empty(total + 1, dtype=_U64)
        self.prefix[0] = 0
        values = self.prefix[1:]
        np.add(words, _U64(1), out=values, dtype=_U64)
        values *= _U64(_MIX)
        values *= _powers(_BASE_INV, total)
        np.cumsum(values, out=values)

    def of(self, s: np.ndarray, e: np.ndarray) -> np.ndarray:
        """Hash of each ``[s, e)``."""
        return (self.prefix[e] - self.prefix[s]) * self.power[s]


def _powers(base: int, count: int) -> np.ndarray:
    """``base ** i`` mod 2**64 for i in [0, count), by doubling: each step multiplies the known
    block by one power (a vector product, several times faster than a running product)."""
    out = np.empty(max(count, 1), dtype=_U64)
    out[0] = 1
    known = 1
    while known < count:
        step = min(known, count - known)
        np.multiply(out[:step], _U64(pow(base, known, 2**64)), out=out[known : known + step])
        known += step
    return out[:count]


class Analysis(NamedTuple):
    """What `analyse` finds; comments are indices into its `codes`.

    `ends` / `starts`: (comment, length) arrays, every proper suffix of a comment that may be
    another of the codes (its hash matches: check before use), and every such prefix of the
    comments that have one (``repeated_block`` needs both).
    `rare`: for each needle, its rarest word (character); `holders`: for each needle, the
    comments that may hold it (its rarest word and, by word sets, all its words), in order.
    `pairs`: (a, b, d) arrays, b < a, every candidate pair of equal length within the
    misspelling budget by Hamming distance ``d`` (the walk applies the meaning guard).
    """

    starts: tuple[np.ndarray, np.ndarray]
    ends: tuple[np.ndarray, np.ndarray]
    rare: list[str]
    holders: list[np.ndarray]
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def analyse(
    codes: list[str], needles: Sequence[str] = (), budget: Budget | None = None
) -> Analysis:
    """The prefixes and suffixes of every code that may be another code (for
    ``repeated_block``) and for each of the `needles` (quoted words, for ``quote_only``) the word
    fewest codes hold. `codes` are distinct and none is empty."""
    empty = np.zeros(0, dtype=np.int64)
    if not codes:
        return Analysis((empty, empty), (empty, empty), [], [], (empty, empty, empty))
    lengths = np.fromiter(map(len, codes), dtype=np.int64, count=len(codes))
    words = np.frombuffer("".join(codes).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    offsets = np.zeros(len(codes) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    hashes = _Hashes(words)
    starts, ends = _parts(hashes, lengths, offsets)
    pairs = None if budget is None else _near_pairs(codes, budget, hashes, lengths, offsets, words)
    del hashes
    counts = np.bincount(words).tolist() if needles else []
    top = len(counts)  # a needle may hold a word no code has (from a repeated id): count 0

    def rarity(ch: str) -> tuple[int, str]:
        return (counts[ord(ch)] if ord(ch) < top else 0, ch)

    rare = [min(needle, key=rarity) for needle in needles]
    return Analysis(starts, ends, rare, _holders(words, offsets, needles, rare), pairs)


def _near_pairs(
    codes: list[str],
    budget: Budget,
    hashes: _Hashes,
    lengths: np.ndarray,
    offsets: np.ndarray,
    words: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The index of `bot.dedupe.index` in bulk: every code of `MIN_NEAR_WORDS` words or more
    hashed by its fixed segments (tagged with its length and segment number); codes sharing a
    segment hash pair up, each with at most `POSTINGS_CAP` earlier ones per segment, and each
    keeps at most `CANDIDATES_CAP` partners (those sharing the most segments); then the
    word-set filter and the Hamming distance (rapidfuzz) keep the pairs within the budget."""
    from bot.dedupe.index import CANDIDATES_CAP, MIN_NEAR_WORDS, POSTINGS_CAP, segments

    empty = np.zeros(0, dtype=np.int64)
    keys: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    # The codes grouped by length (ascending within each), found by one stable sort rather than
    # a pass over every length per length.
    by_length = np.argsort(lengths, kind="stable")
    sizes = lengths[by_length]
    near = int(np.searchsorted(sizes, MIN_NEAR_WORDS))
    groups = np.flatnonzero(np.diff(sizes[near:], prepend=-1, append=-1)) + near
    for lo, hi in zip(groups[:-1].tolist(), groups[1:].tolist(), strict=True):
        n = int(sizes[lo])
        chosen = by_length[lo:hi]
        cuts = np.array(segments(n, budget.max_edits(n)), dtype=np.int64)
        base = offsets[chosen][:, None]
        key = hashes.of(base + cuts[:, 0], base + cuts[:, 1])
        key ^= (np.arange(len(cuts), dtype=np.uint64) * _U64(65536) + _U64(n)) * _U64(_TAG)
        keys.append(key.ravel())
        owners.append(np.repeat(chosen, len(cuts)))
    if not keys:
        return empty, empty, empty
    id_bits = max(1, (len(codes) - 1).bit_length())
    low = (_U64(1) << _U64(id_bits)) - _U64(1)
    packed = np.concatenate(keys)
    packed >>= _U64(id_bits)
    packed <<= _U64(id_bits)
    packed |= np.concatenate(owners).astype(_U64)
    packed.sort()  # by hash, then by code: earlier codes first within a group
    del keys, owners
    group = packed >> _U64(id_bits)
    owner = (packed & low).astype(np.int64)
    del packed
    new = np.empty(len(group), dtype=bool)
    new[:1] = True
    np.not_equal(group[1:], group[:-1], out=new[1:])
    del group
    first = np.flatnonzero(new)
    start = np.repeat(first, np.diff(np.append(first, len(new))))
    rank = np.arange(len(new), dtype=np.int64) - start
    count = np.minimum(rank, POSTINGS_CAP)  # partners of each: earlier ones in its group
    total = int(count.sum())
    if not total:
        return empty, empty, empty
    a = np.repeat(owner, count)
    at = np.repeat(start - (np.cumsum(count) - count), count) + np.arange(total, dtype=np.int64)
    b = owner[at]
    del at, start, rank, count, new
    keep = lengths[a] == lengths[b]  # a hash collision across lengths
    pair = a[keep] * len(codes) + b[keep]
    pair.sort()
    distinct = np.empty(len(pair), dtype=bool)
    distinct[:1] = True
    np.not_equal(pair[1:], pair[:-1], out=distinct[1:])
    first = np.flatnonzero(distinct)
    shared = np.diff(np.append(first, len(pair)))  # segments in common
    pair = pair[first]
    a, b = pair // len(codes), pair % len(codes)
    # At most CANDIDATES_CAP partners per code: those sharing the most segments, then earliest.
    order = np.lexsort((b, -shared, a))
    a, b = a[order], b[order]
    head = np.empty(len(a), dtype=bool)
    head[:1] = True
    np.not_equal(a[1:], a[:-1], out=head[1:])
    starts_at = np.flatnonzero(head)
    rank = np.arange(len(a)) - np.repeat(starts_at, np.diff(np.append(starts_at, len(a))))
    a, b = a[rank < CANDIDATES_CAP], b[rank < CANDIDATES_CAP]
    if not len(a):  # every shared hash was a collision across lengths
        return empty, empty, empty
    limit = np.array([budget.max_edits(k) for k in range(int(lengths.max()) + 1)])[lengths[a]]
    lane = _bitmap(words, offsets, _distinct(np.concatenate([a, b])))
    ok = np.bitwise_count(lane[a] ^ lane[b]) <= 2 * limit  # a misspelling: a word each side
    a, b, limit = a[ok], b[ok], limit[ok]
    if not len(a):
        return empty, empty, empty
    d = cpdist(
        [codes[i] for i in a.tolist()],
        [codes[i] for i in b.tolist()],
        scorer=Hamming.distance,
        score_cutoff=int(limit.max()),
        dtype=np.int64,
        workers=1,
    )
    keep = d <= limit
    return a[keep], b[keep], d[keep]


def _bitmap(words: np.ndarray, offsets: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Each code's word set as 64 bits (word ``w`` sets bit ``w % 64``; any mapping keeps the
    filter sound), for the `chosen` codes (distinct, none empty; the others are 0): only those
    in a candidate pair need it. Few and small temporaries: each is fresh memory."""
    size = offsets[chosen + 1] - offsets[chosen]
    ends = np.cumsum(size)
    # The positions of the chosen codes' words, code after code.
    at = np.repeat(offsets[chosen] - (ends - size), size)
    at += np.arange(len(at), dtype=np.int64)
    bit = words[at]
    del at
    bit &= 63
    lane = np.zeros(len(offsets) - 1, dtype=_U64)
    lane[chosen] = np.bitwise_or.reduceat(np.left_shift(_U64(1), bit, dtype=_U64), ends - size)
    return lane


def _holders(
    words: np.ndarray, offsets: np.ndarray, needles: Sequence[str], rare: list[str]
) -> list[np.ndarray]:
    """For each needle, the codes that may hold it, in order: those that hold its `rare` word
    and, by their 64-bit word sets (`_bitmap`), every other word of it (a code holding the
    needle passes both)."""
    if not needles:
        return []
    wanted = sorted({ord(ch) for ch in rare})
    table = np.zeros(max(wanted[-1], int(words.max(initial=0))) + 1, dtype=np.bool_)
    table[wanted] = True
    at = np.flatnonzero(table[words])  # a look-up per word, no sort (as np.isin would)
    owner = np.searchsorted(offsets[1:], at, side="right")
    word = words[at]
    # Grouped by word, positions (so codes) ascending within each: a stable sort, by radix when
    # the words fit in 16 bits.
    order = np.argsort(word.astype(np.uint16) if wanted[-1] < 1 << 16 else word, kind="stable")
    word, owner = word[order], owner[order]
    new = np.empty(len(word), dtype=np.bool_)
    new[:1] = True
    np.not_equal(word[1:], word[:-1], out=new[1:])
    new[1:] |= owner[1:] != owner[:-1]
    word, owner = word[new], owner[new]  # (word, code), each once
    # Each needle's candidates: the codes holding its rare word.
    rare_word = np.fromiter(map(ord, rare), dtype=np.int64, count=len(rare))
    lo = np.searchsorted(word, rare_word)
    found = np.searchsorted(word, rare_word + 1) - lo
    needle = np.repeat(np.arange(len(needles), dtype=np.int64), found)
    code = owner[
        np.arange(len(needle), dtype=np.int64) + np.repeat(lo - np.cumsum(found) + found, found)
    ]
    # ... whose word set covers the needle's.
    flat = np.frombuffer("".join(needles).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    size = np.fromiter(map(len, needles), dtype=np.int64, count=len(needles))
    bits = np.left_shift(_U64(1), flat & 63, dtype=_U64)
    need = np.bitwise_or.reduceat(bits, np.cumsum(size) - size)[needle]
    lane = np.bitwise_or.reduceat(np.left_shift(_U64(1), words & 63, dtype=_U64), offsets[:-1])
    fits = (lane[code] & need) == need
    kept = np.zeros(len(fits) + 1, dtype=np.int64)
    np.cumsum(fits, out=kept[1:])
    ends = np.cumsum(found)
    per_needle = kept[ends] - kept[ends - found]
    return np.split(code[fits], np.cumsum(per_needle)[:-1])


def _parts(
    hashes: _Hashes, lengths: np.ndarray, offsets: np.ndarray
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """(comment, length) of every proper suffix whose hash (with its length) is that of a whole
    code, and the same for prefixes of the comments that have such a suffix."""
    count = len(lengths)
    whole = np.sort(_with_length(hashes.of(offsets[:-1], offsets[1:]), lengths))
    # A table of the whole codes' low hash bits rules out most cuts before the binary search.
    bits = max(16, min(26, (64 * count).bit_length()))
    mask = _U64((1 << bits) - 1)
    table = np.zeros(1 << bits, dtype=np.bool_)
    table[(whole & mask).astype(np.int64)] = True
    # Suffixes first: only the codes that end with another code need their prefixes checked.
    out: list[tuple[np.ndarray, np.ndarray]] = []
    for heads in (False, True):
        chosen = _distinct(out[0][0]) if heads else np.arange(count, dtype=np.int64)
        step = max(1, len(chosen) * _CHUNK // max(1, int((lengths[chosen] - 1).sum())))
        found = [(chosen[:0], chosen[:0])] + [
            _cuts(hashes, lengths, offsets, chosen[i : i + step], whole, table, heads)
            for i in range(0, len(chosen), step)
        ]
        out.append((np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found])))
    return out[1], out[0]


def _cuts(
    hashes: _Hashes,
    lengths: np.ndarray,
    offsets: np.ndarray,
    chosen: np.ndarray,
    whole: np.ndarray,
    table: np.ndarray,
    heads: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """(comment, length) of the proper prefixes (`heads`) or suffixes of the `chosen` codes that
    hash like a whole code (`whole`, sorted; `table`, its low bits)."""
    inner = lengths[chosen] - 1  # cuts per code
    first, stop = offsets[chosen], offsets[chosen + 1]
    owner = np.repeat(chosen, inner)
    # Positions strictly inside each chosen code.
    cut = np.arange(len(owner), dtype=np.int64) + np.repeat(
        first + 1 - np.cumsum(inner) + inner, inner
    )
    # hash(s, e) = (prefix[e] - prefix[s]) * B**s: per-code factors repeated, not gathered.
    if heads:
        size = cut - np.repeat(first, inner)
        key = (hashes.prefix[cut] - np.repeat(hashes.prefix[first], inner)) * np.repeat(
            hashes.power[first], inner
        )
    else:
        size = np.repeat(stop, inner) - cut
        key = (np.repeat(hashes.prefix[stop], inner) - hashes.prefix[cut]) * hashes.power[cut]
    del cut
    key = _with_length(key, size)
    mask = _U64(len(table) - 1)
    maybe = np.flatnonzero(table[(key & mask).astype(np.int64)])
    key = key[maybe]
    at = np.minimum(np.searchsorted(whole, key), len(whole) - 1)
    hit = maybe[whole[at] == key]
    return owner[hit], size[hit]


def _with_length(key: np.ndarray, size: np.ndarray) -> np.ndarray:
    """`key` mixed with a length (in place)."""
    key ^= size.astype(_U64) * _U64(_MIX)
    return key


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (`np.unique` of non-negative integers, by a plain sort)."""
    values = np.sort(values)
    return values[np.diff(values, prepend=-1) != 0]


_PACK_MASKS = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [2**64 - 1], dtype=_U64)
_LONGEST_PACKED = 24  # bytes: three uint64 per word


_SALTS = (1, _BASE, _TAG, _MIX, _BASE_INV)  # odd multipliers: a new bucket order per round


def _first_of_hash(mixed: np.ndarray) -> np.ndarray | None:
    """For each value, the position of its first occurrence in `mixed`, without sorting: the
    values are scattered into a table by their top bits, each bucket keeping its first position
    (`np.minimum.at`); values whose bucket another value won are placed again, with the table
    indexed by other bits, until every one is placed (None after a few rounds: fall back)."""
    count = len(mixed)
    rep = np.empty(count, dtype=np.int64)
    # A small table stays in the processor's cache; a word is repeated many times, so few
    # distinct values share it even at 2**18 buckets (and those are placed in a next round).
    bits = max(10, min(18, (2 * count).bit_length()))
    table = np.full(1 << bits, count, dtype=np.int64)
    pending = np.arange(count, dtype=np.int64)
    values = mixed
    for salt in _SALTS:
        if not len(pending):
            return rep
        bucket = ((values * _U64(salt)) >> _U64(64 - bits)).astype(np.intp)
        np.minimum.at(table, bucket, pending)
        winner = table[bucket]
        table[bucket] = count  # reset only what was touched
        placed = mixed[winner] == values
        rep[pending[placed]] = winner[placed]
        keep = ~placed
        pending, values = pending[keep], values[keep]
    return rep if not len(pending) else None


def encode_folded(folded: bytes, vocab_get: Callable[[str], str]) -> list[str] | None:
    """The codes of texts already folded (`bot.dedupe`'s ASCII fold: lower-case letters and
    digits, any other byte a space) and joined by \\x01: each word becomes ``vocab_get(word)``.
    The same as ``"".join(map(vocab_get, text.split()))`` for each text, without a Python string
    per word: words are packed into integers (exactly, up to 24 bytes), grouped by a hash of the
    packing (`_first_of_hash`, no sort) and checked to be equal within each group. None (do it
    word by word) when a word is longer than that or two words share a hash."""
    arr = np.frombuffer(folded, dtype=np.uint8)
    edges = np.diff((arr > 32).view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    del edges
    size = ends - starts
    if len(size) and int(size.max()) > _LONGEST_PACKED:
        return None
    # Unaligned little-endian reads of 8 bytes at any position (zero padding at the end).
    padded = np.concatenate([arr, np.zeros(_LONGEST_PACKED, dtype=np.uint8)])
    view = np.ndarray((len(arr) + 2 * 8 + 1,), dtype="<u8", buffer=padded, strides=(1,))
    packs = [view[starts] & _PACK_MASKS[np.minimum(size, 8)]]
    for i in range(1, _LONGEST_PACKED // 8):  # further bytes: only the longer words have them
        pack = np.zeros(len(starts), dtype=_U64)
        longer = np.flatnonzero(size > 8 * i)
        pack[longer] = (
            view[starts[longer] + 8 * i] & _PACK_MASKS[np.minimum(size[longer] - 8 * i, 8)]
        )
        packs.append(pack)
    mixed = packs[0] * _U64(_MIX) + packs[1] * _U64(_TAG) + packs[2] * _U64(_BASE)
    rep = _first_of_hash(mixed)
    if rep is None or not all(np.array_equal(p, p[rep]) for p in packs):
        return None  # a hash shared by different words
    # Each distinct word once, in order of first appearance, through the vocabulary.
    first = np.flatnonzero(rep == np.arange(len(rep)))
    chars = np.empty(len(rep), dtype=np.uint32)
    for at in first.tolist():
        chars[at] = ord(vocab_get(folded[starts[at] : ends[at]].decode("ascii")))
    text = chars[rep].astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    # Words before each text's end (the \x01 after it, or the end).
    cuts = np.searchsorted(starts, np.flatnonzero(arr == 1)).tolist()
    bounds = [0, *cuts, len(starts)]
    return [text[bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1)]
