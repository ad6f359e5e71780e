"""Every near-duplicate pair of a large thread at once, in arrays (numpy and rapidfuzz).

`analyse(codes, budget, min_words, needles)` takes the distinct encoded comments of a thread (one
character per word, see `bot.dedupe`) and returns every pair of them whose word edit distance is
within the near budget, with that distance; the prefixes and suffixes of each that may be other
comments (for ``repeated_block``); and each quote's rarest word with the comments that hold it
(for ``quote_only``). The pair search is the same Pass-Join search as the comment-by-comment
index in `bot.dedupe` (the same segments, boundary-swapped segments and position windows, so it
misses no pair within the budget), done in bulk:

1. every segment each comment is cut into, and every substring each comment looks up, is hashed
   (a polynomial hash mod 2**64 of its word numbers, from prefix sums);
2. lookups are joined to segments by sorting packed (hash, length, comment) keys, a lookup
   meeting only partners of its own length or shorter; each pair is kept once;
3. exact length and word-set filters run on all candidate pairs at once (a comment's word set
   as a 256-bit bitmap: an edit adds or removes at most one distinct word on each side);
4. rapidfuzz computes the optimal-string-alignment distance of the survivors (in C).

A hash collision only adds a candidate, which the exact checks then reject, so the result is
exact whatever the text. Work is done in stages and chunks so that the temporaries stay small
(about 150 MB at 100,000 comments). Imported lazily: only large threads need numpy and rapidfuzz.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cpdist

if TYPE_CHECKING:
    from bot.dedupe import _Budget

_U64 = np.uint64
_BASE = 0x9E3779B97F4A7C15  # odd, so it has an inverse mod 2**64
_BASE_INV = pow(_BASE, -1, 2**64)
_MIX = 0xBF58476D1CE4E5B9
_TAG = 0x94D049BB133111EB
_BITMAP_WORDS = 4  # 256 bits
_CHUNK = 1 << 19  # cuts or candidate pairs per chunk, to bound the memory of temporaries
# Past this many candidate pairs (Pass-Join matches), or pairs that pass the filters, `analyse`
# gives up: see there. (The 100,000-comment benchmark: 3.1 M candidates, 17,000 pass.)
_MIN_CANDIDATES = 1 << 24
_CANDIDATES_PER_CODE = 256
_MIN_SURVIVORS = 1 << 18
_SURVIVORS_PER_CODE = 8


class _Hashes:
    """Position-independent hashes of the substrings of the concatenated codes, from prefix sums:
    ``hash(s, e) = sum(v[t] * B**(s - t) for t in [s, e))`` mod 2**64."""

    def __init__(self, words: np.ndarray) -> None:
        total = len(words)
        self.power = _powers(_BASE, total + 1)
        self.inverse = _powers(_BASE_INV, total + 1)
        values = (words.astype(_U64) + _U64(1)) * _U64(_MIX)
        values *= self.inverse[:total]
        self.prefix = np.zeros(total + 1, dtype=_U64)
        np.cumsum(values, out=self.prefix[1:])

    def of(self, s: np.ndarray, e: np.ndarray) -> np.ndarray:
        """Hash of each ``[s, e)``."""
        return (self.prefix[e] - self.prefix[s]) * self.power[s]

    def joined(self, x0: np.ndarray, x1: np.ndarray, y0: np.ndarray, y1: np.ndarray) -> np.ndarray:
        """Hash of each ``[x0, x1)`` followed by ``[y0, y1)``: hash(x) + hash(y) * B**-len(x)."""
        return self.of(x0, x1) + self.of(y0, y1) * self.inverse[x1 - x0]


def _powers(base: int, count: int) -> np.ndarray:
    out = np.full(count, base, dtype=_U64)
    out[0] = 1
    return np.cumprod(out)  # wraps mod 2**64, as the hash wants


def _tagged(key: np.ndarray, segment: np.ndarray, size: np.ndarray) -> np.ndarray:
    """`key` mixed with the segment number and size it stands for (in place)."""
    key ^= (segment * 65536 + size).astype(_U64) * _U64(_TAG)
    return key.ravel()


class Analysis(NamedTuple):
    """What `analyse` finds; comments are indices into its `codes`.

    `pairs`: (a, b, d) arrays, every near pair once (in one order) with its distance.
    `ends` / `starts`: (comment, length) arrays, every proper suffix of a comment that may be
    another of the codes (its hash matches: check before use), and every such prefix of the
    comments that have one (``repeated_block`` needs both).
    `rare`: for each needle, its rarest word (character); `holders`: for each of those words,
    the comments holding it, in order.
    """

    pairs: tuple[np.ndarray, np.ndarray, np.ndarray]
    starts: tuple[np.ndarray, np.ndarray]
    ends: tuple[np.ndarray, np.ndarray]
    rare: list[str]
    holders: dict[str, list[int]]


def near_pairs(codes: list[str], budget: _Budget) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, d): every pair of `codes` (indices, each pair once in one order) whose word edit
    distance ``d`` is at most ``budget.max_edits`` of the longer one's length. `codes` are
    distinct and none is empty."""
    found = analyse(codes, budget, 1)
    if found is None:
        raise ValueError("too many candidate pairs")
    return found.pairs


def analyse(
    codes: list[str], budget: _Budget, min_words: int, needles: Sequence[str] = ()
) -> Analysis | None:
    """Near pairs among the `codes` of `min_words` words or more; the prefixes and suffixes of
    every code that may be another code (for ``repeated_block``); and for each of the `needles`
    (quoted words, for ``quote_only``) the word fewest codes hold. `codes` are distinct and none
    is empty. None when the near-pair search would meet more than a few hundred candidates per
    code (then comparing comment by comment, against kept comments only, is the better way)."""
    empty = np.zeros(0, dtype=np.int64)
    if not codes:
        return Analysis((empty, empty, empty), (empty, empty), (empty, empty), [], {})
    lengths = np.fromiter(map(len, codes), dtype=np.int64, count=len(codes))
    words = np.frombuffer("".join(codes).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    offsets = np.zeros(len(codes) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    # Stage by stage, each dropping what the next does not need (peak memory).
    hashes = _Hashes(words)
    starts, ends = _parts(hashes, lengths, offsets)
    found = _lookups(budget, min_words, hashes, lengths, offsets)
    del hashes
    pairs = (empty, empty, empty)
    if found is not None:
        index, probes, id_bits = found
        del found
        top = int(lengths.max())
        shortest = np.array([budget.partner_lengths(k)[0] for k in range(top + 1)], dtype=_U64)
        looking, lo, counts = _matches(index, probes, id_bits, lengths, shortest)
        del probes
        # Many comments sharing segments (a spam run of one message with a number changed)
        # make pairs by the square: past a linear bound, leave it to the walk's index, which
        # indexes only the comments it keeps.
        if int(counts.sum()) > max(_MIN_CANDIDATES, _CANDIDATES_PER_CODE * len(codes)):
            return None
        lanes = _bitmaps(words, offsets, len(codes))
        edits = np.array([budget.max_edits(k) for k in range(top + 1)])
        # The candidate pairs a chunk at a time: they are many, the survivors few.
        bounds = np.searchsorted(np.cumsum(counts), np.arange(0, int(counts.sum()), _CHUNK))
        bounds = [*_distinct(bounds).tolist(), len(counts)]
        kept = [(empty, empty)]
        room = max(_MIN_SURVIVORS, _SURVIVORS_PER_CODE * len(codes))
        for i, j in zip(bounds[:-1], bounds[1:], strict=True):
            a, b = _candidates(index, looking[i:j], lo[i:j], counts[i:j], id_bits)
            kept.append(_filtered(a, b, lengths, lanes, edits))
            room -= len(kept[-1][0])
            if room < 0:  # as many near pairs as that: the same square, found later
                return None
        del index, lanes, looking, lo, counts
        a, b = np.concatenate([k[0] for k in kept]), np.concatenate([k[1] for k in kept])
        pairs = _verified(codes, a, b, lengths, edits)
    counts = np.bincount(words).tolist() if needles else []
    top = len(counts)  # a needle may hold a word no code has (from a repeated id): count 0

    def rarity(ch: str) -> tuple[int, str]:
        return (counts[ord(ch)] if ord(ch) < top else 0, ch)

    rare = [min(needle, key=rarity) for needle in needles]
    return Analysis(pairs, starts, ends, rare, _holders(words, lengths, rare))


def _holders(words: np.ndarray, lengths: np.ndarray, chosen: list[str]) -> dict[str, list[int]]:
    """For each of the `chosen` words (characters), the codes that hold it, in order."""
    if not chosen:
        return {}
    at = np.flatnonzero(np.isin(words, np.array([ord(ch) for ch in set(chosen)], np.uint32)))
    owner = np.searchsorted(np.cumsum(lengths), at, side="right")
    key = _distinct((words[at].astype(np.int64) << 32) | owner)  # (word, code), each once
    word, code = key >> 32, key & 0xFFFFFFFF
    cuts = np.flatnonzero(np.diff(word)) + 1
    return {
        chr(int(w[0])): c.tolist()
        for w, c in zip(np.split(word, cuts), np.split(code, cuts), strict=True)
        if len(w)
    }


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


def _lookups(
    budget: _Budget,
    min_words: int,
    hashes: _Hashes,
    lengths: np.ndarray,
    offsets: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, int] | None:
    """The Pass-Join index and lookups of every code of `min_words` words or more, as sorted
    packed keys: (index, lookups, bits of the comment number); None when nothing looks up.

    An indexed key packs (hash, length, comment) into 64 bits, hash on top, so that one plain
    sort orders it and a lookup finds, with two binary searches, the segments with its hash among
    the lengths from its shortest partner's to its own; a lookup key packs (hash, comment).
    """
    from bot.dedupe import _segments

    index_keys: list[np.ndarray] = []
    index_ids: list[np.ndarray] = []
    probe_keys: list[np.ndarray] = []
    probe_ids: list[np.ndarray] = []
    ids = np.arange(len(lengths), dtype=np.int64)
    for n in _distinct(lengths[lengths >= min_words]).tolist():
        chosen = ids[lengths == n]
        base = offsets[chosen][:, None]
        # The segments this length is indexed under, each also with its boundary word swapped:
        # (segment, size, x0, x1, y0, y1) for the string code[x0:x1] + code[y0:y1].
        segs = _segments(n, budget.tau(n))
        last = len(segs) - 1
        cols: list[tuple[int, int, int, int, int, int]] = []
        for i, (start, size) in enumerate(segs):
            end = start + size
            cols.append((i, size, start, end, end, end))
            if i < last:  # its last word replaced by the next segment's first
                cols.append((i, size, start, end - 1, end, end + 1))
            if i:  # the previous segment's last word, then all but its own first
                cols.append((i, size, start - 1, start, start + 1, end))
        seg = np.array(cols, dtype=np.int64)
        key = hashes.joined(base + seg[:, 2], base + seg[:, 3], base + seg[:, 4], base + seg[:, 5])
        index_keys.append(_tagged(key, seg[:, 0], seg[:, 1]))
        index_ids.append(np.repeat(chosen, len(cols)))
        # The substrings this length looks up: Pass-Join's windows for each partner length no
        # longer than itself (each pair is found from both sides; the longer side is enough).
        plan = np.array(budget.plan(n, no_longer=True), dtype=np.int64).reshape(-1, 3)
        if len(plan):
            start = base + plan[:, 1]
            key = hashes.of(start, start + plan[:, 2])
            probe_keys.append(_tagged(key, plan[:, 0], plan[:, 2]))
            probe_ids.append(np.repeat(chosen, len(plan)))
    if not probe_keys:
        return None
    id_bits = max(1, (len(lengths) - 1).bit_length())
    len_bits = (int(lengths.max()) + 2).bit_length()
    shift = _U64(id_bits + len_bits)
    tails = [i.astype(_U64) | (lengths[i].astype(_U64) << _U64(id_bits)) for i in index_ids]
    index = _packed(index_keys, tails, shift)
    del index_keys, index_ids, tails
    probes = _packed(probe_keys, [i.astype(_U64) for i in probe_ids], shift)
    return index, probes, id_bits


def _matches(
    index: np.ndarray, probes: np.ndarray, id_bits: int, lengths: np.ndarray, shortest: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lookup, first, count): for each lookup that finds anything, the comment looking, and
    where its matches start in the index and how many there are."""
    shift = _U64(id_bits + (int(lengths.max()) + 2).bit_length())
    low = (_U64(1) << _U64(id_bits)) - _U64(1)
    top = (probes >> shift) << shift
    n = lengths[(probes & low).astype(np.int64)]
    lo = np.searchsorted(index, top | (shortest[n] << _U64(id_bits)), side="left")
    top |= (n + 1).astype(_U64) << _U64(id_bits)
    counts = np.searchsorted(index, top, side="left") - lo
    del top, n
    hit = np.flatnonzero(counts)
    return (probes[hit] & low).astype(np.int64), lo[hit], counts[hit]


def _candidates(
    index: np.ndarray, looking: np.ndarray, lo: np.ndarray, counts: np.ndarray, id_bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """(a, b): each looking comment (a) with each comment it found in the index (b)."""
    a = np.repeat(looking, counts)
    # Every match of each lookup: positions lo .. lo + count - 1 in the index.
    at = np.repeat(lo - (np.cumsum(counts) - counts), counts)
    at += np.arange(len(a), dtype=np.int64)
    b = index[at]
    del at
    b &= (_U64(1) << _U64(id_bits)) - _U64(1)
    return a, b.astype(np.int64)


def _filtered(
    a: np.ndarray, b: np.ndarray, lengths: np.ndarray, lanes: list[np.ndarray], edits: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs (a, b) that pass the exact length and word-set filters: the 64-bit
    word-set bitmaps first, then the 256-bit ones a 64-bit lane at a time (each a lower bound on
    its own)."""
    la, lb = lengths[a], lengths[b]
    limit = edits[la]  # la >= lb: a lookup finds partners no longer than itself
    keep = (la - lb <= limit) & ((la > lb) | (a > b))  # equal lengths are found from both sides
    a, b, limit = a[keep], b[keep], 2 * limit[keep]
    del la, lb, keep
    # The coarse bitmap is the cheaper first test: it sees every differing word, a lane a quarter.
    keep = np.bitwise_count(lanes[0][a] ^ lanes[0][b]) <= limit
    a, b, limit = a[keep], b[keep], limit[keep]
    diff = np.zeros(len(a), dtype=np.uint16)
    for lane in lanes[1:]:
        diff += np.bitwise_count(lane[a] ^ lane[b])
        keep = diff <= limit
        a, b, limit, diff = a[keep], b[keep], limit[keep], diff[keep]
    return a, b


def _verified(
    codes: list[str], a: np.ndarray, b: np.ndarray, lengths: np.ndarray, edits: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each pair (a, b) once, with its optimal-string-alignment distance (rapidfuzz), when that
    is within the budget."""
    pair = _distinct(a * len(codes) + b)  # each pair once
    a, b = pair // len(codes), pair % len(codes)
    if not len(a):
        return a, b, a
    limit = edits[np.maximum(lengths[a], lengths[b])]
    d = cpdist(
        [codes[i] for i in a.tolist()],
        [codes[i] for i in b.tolist()],
        scorer=OSA.distance,
        score_cutoff=int(limit.max()),
        dtype=np.int64,
        workers=1,
    )
    keep = d <= limit
    return a[keep], b[keep], d[keep]


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (`np.unique` of non-negative integers, by a plain sort)."""
    values = np.sort(values)
    return values[np.diff(values, prepend=-1) != 0]


def _packed(keys: list[np.ndarray], tails: list[np.ndarray], shift: np.uint64) -> np.ndarray:
    """Sorted ``top bits of the hash | tail``, for the concatenated keys and their tails."""
    key = np.concatenate(keys)
    key >>= shift
    key <<= shift
    key |= np.concatenate(tails)
    key.sort()
    return key


def _bitmaps(words: np.ndarray, offsets: np.ndarray, count: int) -> list[np.ndarray]:
    """Each code's word set as 64 bits (a word sets bit ``hash(word) % 64``), then as 256 bits
    in four lanes of 64 (``hash(word) % 256``): one uint64 array by code for each."""
    bit = (words.astype(_U64) * _U64(_MIX)) >> _U64(56)  # 0..255
    first = offsets[:-1]
    out = [np.bitwise_or.reduceat(_U64(1) << (bit & _U64(63)), first)]
    lane = bit >> _U64(6)
    value = _U64(1) << (bit & _U64(63))
    zero = _U64(0)
    out += [
        np.bitwise_or.reduceat(np.where(lane == k, value, zero), first)
        for k in range(_BITMAP_WORDS)
    ]
    return out


_PACK_MASKS = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [2**64 - 1], dtype=_U64)
_LONGEST_PACKED = 24  # bytes: three uint64 per word


def encode_folded(folded: bytes, vocab_get: Callable[[str], str]) -> list[str] | None:
    """The codes of texts already folded (`bot.dedupe`'s ASCII fold: lower-case letters and
    digits, any other byte a space) and joined by \\x01: each word becomes ``vocab_get(word)``.
    The same as ``"".join(map(vocab_get, text.split()))`` for each text, without a Python string
    per word: words are packed into integers (exactly, up to 24 bytes), grouped by a hash of the
    packing and checked to be equal within each group. None (do it word by word) when a word is
    longer than that or two words share a hash."""
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
    bits = max(1, len(starts).bit_length())
    key = ((mixed >> _U64(bits)) << _U64(bits)) | np.arange(len(starts), dtype=_U64)
    key.sort()
    order = (key & ((_U64(1) << _U64(bits)) - _U64(1))).astype(np.int64)
    new = np.diff(key >> _U64(bits), prepend=~(key[:1] >> _U64(bits))) != 0
    group = np.empty(len(order), dtype=np.int64)
    group[order] = np.cumsum(new) - 1
    first = order[new]  # each group's first word (a group's words are sorted by position)
    same = first[group]
    if not all(np.array_equal(p, p[same]) for p in packs):
        return None  # a hash shared by different words
    # Each distinct word once, in order of first appearance, through the vocabulary.
    chars = np.empty(len(first), dtype=np.uint32)
    for g in np.argsort(first).tolist():
        at = int(first[g])
        chars[g] = ord(vocab_get(folded[starts[at] : ends[at]].decode("ascii")))
    text = chars[group].astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    # Words before each text's end (the \x01 after it, or the end).
    cuts = np.searchsorted(starts, np.flatnonzero(arr == 1)).tolist()
    bounds = [0, *cuts, len(starts)]
    return [text[bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1)]
