"""Large synthetic debate threads built from real text, with the duplicates they contain known.

The text is real: the 932 arguments of the IBM ArgKP dev split (`tests/fixtures/argkp`,
CDLA-Sharing-1.0, Bar-Haim et al., ACL 2020), written by crowd workers on four topics. A thread
of `n` comments holds

* distinct *base* comments: the arguments themselves while there are enough of them; beyond
  that, two or three arguments of one topic joined into one comment (a person making several
  points at once). No pair of arguments is used twice, so two base comments share at most one
  argument; and the dozen ArgKP "twins" (two people's arguments within 3 word edits, see
  `argument_families`) count as one argument, so that no two base comments differ by a word or
  two by construction;
* planted duplicates of every kind dedupe knows, each placed somewhere after its original:
  exact copies (one of them a re-pasted run of consecutive comments), normalized variants
  (case, punctuation, white space, markdown, typographic quotes), near edits (1 to 3 misspelt
  words, within dedupe's budget for the length, maybe with a filler word, case, punctuation or
  markup changed: copies that cannot say anything else), quote-only replies (a `> quote`
  or a `"quote"`, with at most a trivial "+1"), same-id repeats (an overlapping export, the text
  as is or edited) and pasted blocks (one comment that is 2 or 3 consecutive earlier comments).

`meaning_edit` makes the opposite: two texts that differ in a negation, a number, a name or a
content word, which dedupe must keep apart.

`PlantedTruth` says which comment is which. Everything is a pure function of `(n, seed,
dup_rate)`, so the benchmark and the tests see the same threads on every machine.
"""

from __future__ import annotations

import csv
import io
import logging
import random
from collections.abc import Sequence
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.bench import ARGKP_DEV
from bot.dedupe import NEAR_MAX_EDITS, edit_distance, normalize
from bot.dedupe.distance import protected
from bot.dedupe.index import Budget
from bot.dedupe.normalize import FUNCTION_WORDS
from bot.thread import Comment, Thread

log = logging.getLogger(__name__)

PlantedKind = Literal["exact", "normalized", "near", "quote_only", "same_id", "repeated_block"]

# Share of the planted duplicates that each kind gets (the rest of the thread is base comments).
KIND_SHARES: dict[PlantedKind, float] = {
    "exact": 0.20,
    "normalized": 0.20,
    "near": 0.30,
    "quote_only": 0.12,
    "same_id": 0.12,
    "repeated_block": 0.06,
}
# Near edits are only planted on comments long enough to be near duplicates (dedupe's rule).
MIN_NEAR_WORDS = 6
_BUDGET = Budget(0.85)
# One re-pasted run of consecutive exact copies, like the seed thread's second half.
PASTED_RUN = 20

# Filler words people drop into a copy (`bot.dedupe.FILLER_WORDS`: they carry no meaning).
_FILLERS = ("um", "uh", "basically", "honestly", "actually", "literally", "tbh", "lol")
_TRIVIAL = ("+1", "this", "this!", "^", "exactly", "Exactly.", "^ this")
_KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"


class Argument(BaseModel):
    """One ArgKP argument."""

    model_config = ConfigDict(frozen=True)

    arg_id: str
    text: str
    topic: str
    stance: int


class PlantedDuplicate(BaseModel):
    """A comment planted as a duplicate of `original_id`.

    `position` is its index in `thread.comments` (ids repeat for `same_id`, positions do not).
    `edits` is the number of word edits applied (near edits and edited same-id repeats; else 0)
    and `words` the word count of the original.
    """

    model_config = ConfigDict(frozen=True)

    position: int
    id: str
    kind: PlantedKind
    original_id: str
    edits: int = 0
    words: int = 0


class PlantedTruth(BaseModel):
    """What `build_thread` planted: the distinct base comments and every planted duplicate."""

    model_config = ConfigDict(frozen=True)

    seed: int
    base_ids: tuple[str, ...]
    planted: tuple[PlantedDuplicate, ...]
    combined_bases: bool  # True when base comments join 2-3 arguments (more bases than arguments)

    def by_kind(self) -> dict[str, int]:
        """How many duplicates of each kind were planted."""
        out: dict[str, int] = {}
        for dup in self.planted:
            out[dup.kind] = out.get(dup.kind, 0) + 1
        return out


@cache
def load_arguments() -> tuple[Argument, ...]:
    """The 932 ArgKP dev arguments, in file order (read once, from the installed package)."""
    raw = ARGKP_DEV.read_text("utf-8")
    rows = csv.DictReader(io.StringIO(raw))
    return tuple(
        Argument(
            arg_id=r["arg_id"],
            text=r["argument"].strip(),
            topic=r["topic"],
            stance=int(r["stance"]),
        )
        for r in rows
    )


def _join(texts: Sequence[str], rng: random.Random) -> str:
    """Join arguments the way one person writes several points: sentences, maybe a new line."""
    parts = []
    for t in texts:
        t = t.strip()
        if t and t[-1] not in ".!?":
            t += "."
        parts.append(t[:1].upper() + t[1:])
    return rng.choice((" ", " ", "\n")).join(parts)


@cache
def argument_families() -> tuple[int, ...]:
    """For each argument, the index of the first argument of its family: arguments that differ
    by at most `NEAR_MAX_EDITS` words (ArgKP has a few such twins, written by different people:
    "racism in any form is wrong" / "racism of any type is wrong")."""
    args = load_arguments()
    words = [normalize(a.text).split() for a in args]
    parent = list(range(len(args)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(args)):
        for j in range(i + 1, len(args)):
            a, b = words[i], words[j]
            if abs(len(a) - len(b)) <= NEAR_MAX_EDITS and args[i].topic == args[j].topic:
                if edit_distance(a, b, NEAR_MAX_EDITS) is not None:
                    ri, rj = root(i), root(j)
                    parent[max(ri, rj)] = min(ri, rj)
    return tuple(root(i) for i in range(len(args)))


def _base_texts(count: int, rng: random.Random) -> tuple[list[str], bool]:
    """`count` distinct base comments: single arguments, or 2-3 joined when more are needed.

    Combinations never reuse a pair of arguments (each pair of one topic is "spent" once), so
    two combined comments share at most one argument. Twins (`argument_families`) count as one
    argument here: "A. X." and "A. X'." with X' two words from X would be two words apart, a
    near duplicate by construction rather than a distinct comment.
    """
    args = load_arguments()
    if count <= len(args):
        picked = rng.sample(range(len(args)), count)
        return [args[i].text for i in picked], False
    family = argument_families()
    by_topic: dict[str, list[int]] = {}
    for i, arg in enumerate(args):
        by_topic.setdefault(arg.topic, []).append(i)
    topics = sorted(by_topic)
    spent: set[tuple[int, int]] = set()
    combos: list[tuple[int, ...]] = []

    def key(a: int, b: int) -> tuple[int, int]:
        fa, fb = family[a], family[b]
        return (fa, fb) if fa < fb else (fb, fa)

    # Triples first (a fifth of the comments), while most pairs are free.
    triples_wanted = count // 5
    tries = 0
    while len(combos) < triples_wanted and tries < triples_wanted * 20:
        tries += 1
        members = by_topic[rng.choice(topics)]
        trio = tuple(rng.sample(members, 3))
        pairs = [key(trio[0], trio[1]), key(trio[0], trio[2]), key(trio[1], trio[2])]
        if len({family[i] for i in trio}) < 3 or any(p in spent for p in pairs):
            continue
        spent.update(pairs)
        combos.append(trio)
    free_pairs = []
    for t in topics:
        for x, a in enumerate(by_topic[t]):
            for b in by_topic[t][x + 1 :]:
                k = key(a, b)
                if k[0] != k[1] and k not in spent:
                    spent.add(k)
                    free_pairs.append((a, b))
    rng.shuffle(free_pairs)
    need = count - len(combos)
    if need > len(free_pairs):
        raise ValueError(f"cannot build {count} distinct base comments from {len(args)} arguments")
    for a, b in free_pairs[:need]:
        combos.append((a, b) if rng.random() < 0.5 else (b, a))
    rng.shuffle(combos)
    return [_join([args[i].text for i in combo], rng) for combo in combos], True


# --- the duplicate makers -----------------------------------------------------------------


def _normalized_variant(text: str, rng: random.Random) -> str:
    """The same words, changed only in ways `normalize` folds."""

    def caps(t: str) -> str:
        return t.upper() if rng.random() < 0.3 else t.swapcase()

    def punct(t: str) -> str:
        t = t.rstrip(".!? ")
        return t + rng.choice(("!!", "?", "...", " !", ""))

    def spaces(t: str) -> str:
        return "  ".join(t.split(" ")) if rng.random() < 0.5 else "  " + t.replace(" ", "\t", 1)

    def bold(t: str) -> str:
        words = t.split(" ")
        i = rng.randrange(len(words))
        mark = rng.choice(("**", "*", "_", "~~", "`"))
        words[i] = f"{mark}{words[i]}{mark}"
        return " ".join(words)

    def typographic(t: str) -> str:
        return t.replace("'", "\u2019").replace('"', "\u201c") + rng.choice((" \u2014", ""))

    def listed(t: str) -> str:
        return rng.choice(("- ", "* ", "1. ")) + t

    makers = (caps, punct, spaces, bold, typographic, listed)
    for _ in range(10):
        out = text
        for fn in rng.sample(makers, rng.choice((1, 2))):
            out = fn(out)
        if out.strip() != text.strip():
            return out
    return text.upper() + "!!"


def _typo(word: str, rng: random.Random) -> str:
    """A realistic misspelling inside the word: two letters swapped, one dropped (words of five
    letters or more), one doubled, or one replaced by another letter; never the first one."""
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    if op == 0 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == 1 and len(word) >= 5:
        return word[:i] + word[i + 1 :]
    if op == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice(_KEYBOARD.replace(word[i].lower(), "")) + word[i + 1 :]


def _typo_slots(words: list[str]) -> list[int]:
    """Where a misspelling cannot change the meaning: a word of letters only, at least four,
    not a negation, number, function word or name (capitalized after the first word)."""
    out = []
    for i, w in enumerate(words):
        core = w.strip('.,!?;:"()')
        low = core.lower()
        if len(core) < 4 or not core.isalpha() or protected(low) or low in FUNCTION_WORDS:
            continue
        if i and core[:1].isupper() and words[i - 1][-1:] not in ".!?":
            continue
        out.append(i)
    return out


def near_edit(text: str, edits: int, rng: random.Random, vocabulary: Sequence[str] = ()) -> str:
    """A copy of `text` with `edits` misspelt words (`_typo`), and maybe changes that carry no
    meaning either: a filler word, different case, punctuation or markup. `vocabulary` is
    unused (kept for callers)."""
    words = text.split()
    slots = _typo_slots(words)
    for i in rng.sample(slots, min(edits, len(slots))):
        core = words[i].strip('.,!?;:"()')
        words[i] = words[i].replace(core, _typo(core, rng), 1)
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words) + 1), rng.choice(_FILLERS))
    out = " ".join(words)
    if rng.random() < 0.3:
        out = _normalized_variant(out, rng)
    return out


MeaningKind = Literal["negation", "number", "name", "content"]
MEANING_KINDS: tuple[MeaningKind, ...] = ("negation", "number", "name", "content")
_AUXILIARIES = (
    "is are was were should can could will would do does must has have had might may need"
).split()
_CONTRACTED = {"should": "shouldn't", "can": "can't", "is": "isn't", "are": "aren't",
               "do": "don't", "does": "doesn't", "will": "won't", "would": "wouldn't",
               "was": "wasn't", "were": "weren't", "could": "couldn't", "has": "hasn't",
               "have": "haven't", "must": "mustn't"}  # fmt: skip
_UN = ("legal", "fair", "safe", "ethical", "necessary", "likely", "able", "just", "moral")
_NAME_PAIRS = (("Mark", "Mary"), ("Anna", "Anne"), ("Carl", "Karl"), ("Dave", "Dane"))
_NUMBER_WORDS = ("two", "three", "four", "five", "ten", "twenty", "hundred")


def meaning_edit(
    text: str, kind: MeaningKind, rng: random.Random, vocabulary: Sequence[str]
) -> tuple[str, str]:
    """(original, edited): two texts that differ in what they say, by `kind`: a negation added
    or taken out (often as a contraction: "should" -> "shouldn't", or a prefix: "legal" ->
    "illegal"), a number changed (by one digit where there is one), a name changed (often by
    one letter: "I agree with Mark" / "... Mary"), or one content word swapped for another.
    The original is `text` itself except for names, where both get the name."""
    words = text.split()
    low = [w.strip('.,!?;:"()').lower() for w in words]
    if kind == "negation":
        negs = [i for i, w in enumerate(low) if w in ("not", "no", "never")]
        auxs = [i for i, w in enumerate(low) if w in _AUXILIARIES]
        uns = [i for i, w in enumerate(low) if w in _UN]
        pick = rng.random()
        if negs and pick < 0.3:
            del words[rng.choice(negs)]
        elif uns and pick < 0.6:
            i = rng.choice(uns)
            prefix = "il" if low[i] == "legal" else "im" if low[i] == "moral" else "un"
            words[i] = _swap(words[i], prefix + low[i])
        elif auxs:
            i = rng.choice(auxs)
            if low[i] in _CONTRACTED and rng.random() < 0.6:
                words[i] = _swap(words[i], _CONTRACTED[low[i]])
            else:
                words.insert(i + 1, "not")
        else:
            words.insert(rng.randrange(1, len(words)), "never")
        return text, " ".join(words)
    if kind == "number":
        nums = [i for i, w in enumerate(low) if w.isdigit()]
        if nums:
            i = rng.choice(nums)
            n = int(low[i])
            words[i] = _swap(words[i], str(n + rng.choice((1, -1, 9 * n or 1))))
        else:
            dets = [i for i, w in enumerate(low) if w in ("a", "an", "the", "some", "many")]
            i = rng.choice(dets) if dets else rng.randrange(len(words))
            number = rng.choice(_NUMBER_WORDS + ("2", "3", "10"))
            if dets:
                words[i] = number
            else:
                words.insert(i, number)
        return text, " ".join(words)
    if kind == "name":
        a, b = rng.choice(_NAME_PAIRS)
        if rng.random() < 0.5:
            a, b = b, a
        return f"I agree with {a}: {text}", f"I agree with {b}: {text}"
    slots = _typo_slots(words) or list(range(len(words)))
    i = rng.choice(slots)
    core = words[i].strip('.,!?;:"()').lower()
    words[i] = _swap(words[i], rng.choice([v for v in vocabulary if v != core] or ["other"]))
    return text, " ".join(words)


def _swap(word: str, new: str) -> str:
    """`word` with its letters and digits replaced by `new`, its punctuation kept."""
    core = word.strip('.,!?;:"()')
    return word.replace(core, new, 1) if core else new


def _word_key(text: str) -> list[str]:
    return normalize(text).split()


def _quote_only(text: str, rng: random.Random) -> str:
    """A reply that only quotes `text` (all of it, or a run of its words), maybe with a "+1"."""
    words = text.split()
    if len(words) > 8 and rng.random() < 0.5:
        size = rng.randrange(6, len(words))
        start = rng.randrange(0, len(words) - size + 1)
        quoted = " ".join(words[start : start + size])
    else:
        quoted = text.strip()
    trivial = rng.choice(_TRIVIAL)
    if rng.random() < 0.6:
        body = "\n".join("> " + line for line in quoted.splitlines())
        return f"{body}\n{trivial}" if rng.random() < 0.8 else body
    return f'"{quoted}" {trivial}' if rng.random() < 0.7 else f'"{quoted}"'


# --- assembly --------------------------------------------------------------------------------


class _Item(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: float
    text: str
    base: int  # index of the base comment (for bases: itself)
    kind: PlantedKind | None = None
    edits: int = 0


def build_thread(n: int, *, seed: int = 0, dup_rate: float = 0.3) -> tuple[Thread, PlantedTruth]:
    """A thread of exactly `n` comments, about `dup_rate` of them planted duplicates.

    Base comments get ids `c1`, `c2`, ... in thread order; so do planted duplicates, except
    `same_id` repeats, which reuse the id of their original. Every duplicate comes after its
    original. Deterministic: the same arguments give the same thread.
    """
    if n < 0 or not 0.0 <= dup_rate < 1.0:
        raise ValueError("need n >= 0 and 0 <= dup_rate < 1")
    rng = random.Random(seed)
    n_dup = round(n * dup_rate) if n > 1 else 0
    n_base = n - n_dup
    bases, combined = _base_texts(n_base, rng)
    words_of = [len(t.split()) for t in bases]
    vocabulary = sorted({w.strip(".,!?").lower() for t in bases[:2000] for w in t.split()} - {""})
    long_bases = [i for i, w in enumerate(words_of) if w >= MIN_NEAR_WORDS] or list(range(n_base))

    items: list[_Item] = [_Item(key=float(i), text=t, base=i) for i, t in enumerate(bases)]
    counts = {k: int(n_dup * share) for k, share in KIND_SHARES.items()}
    counts["exact"] += n_dup - sum(counts.values())

    def after(i: int) -> float:
        # Somewhere after base i and before the end; never equal to a base's key.
        return rng.uniform(i, n_base) + 1e-6

    if n_base >= 2 * PASTED_RUN and counts["exact"] >= PASTED_RUN:
        start = rng.randrange(0, n_base // 2 - PASTED_RUN + 1)
        where = rng.uniform(start + PASTED_RUN, n_base) + 1e-6
        for j in range(PASTED_RUN):
            # The run stays contiguous: keys spaced far less than any other gap.
            items.append(
                _Item(key=where + j * 1e-9, text=bases[start + j], base=start + j, kind="exact")
            )
        counts["exact"] -= PASTED_RUN
    if n_base:
        for _ in range(counts["exact"]):
            i = rng.randrange(n_base)
            items.append(_Item(key=after(i), text=bases[i], base=i, kind="exact"))
        for _ in range(counts["normalized"]):
            i = rng.randrange(n_base)
            items.append(
                _Item(
                    key=after(i), text=_normalized_variant(bases[i], rng), base=i, kind="normalized"
                )
            )
        for _ in range(counts["near"]):
            i = rng.choice(long_bases)
            # Misspelt words within dedupe's budget for the comment's length (15%, at least one).
            k = rng.randint(1, max(1, min(3, _BUDGET.max_edits(len(normalize(bases[i]).split())))))
            text = near_edit(bases[i], k, rng, vocabulary)
            items.append(_Item(key=after(i), text=text, base=i, kind="near", edits=k))
        for _ in range(counts["quote_only"]):
            i = rng.randrange(n_base)
            items.append(
                _Item(key=after(i), text=_quote_only(bases[i], rng), base=i, kind="quote_only")
            )
        for _ in range(counts["same_id"]):
            i = rng.randrange(n_base)
            edited = rng.random() < 0.3 and words_of[i] >= MIN_NEAR_WORDS
            k = 1 if edited else 0
            text = near_edit(bases[i], 1, rng, vocabulary) if edited else bases[i]
            items.append(_Item(key=after(i), text=text, base=i, kind="same_id", edits=k))
        for _ in range(counts["repeated_block"]):
            if n_base < 3:
                i = rng.randrange(n_base)
                items.append(_Item(key=after(i), text=bases[i], base=i, kind="exact"))
                continue
            size = rng.choice((2, 3))
            i = rng.randrange(n_base - size + 1)
            text = rng.choice(("\n", "\n\n", " ")).join(bases[i : i + size])
            items.append(_Item(key=after(i + size - 1), text=text, base=i, kind="repeated_block"))
    items.sort(key=lambda it: it.key)

    base_id: dict[int, str] = {}
    comments: list[Comment] = []
    planted: list[PlantedDuplicate] = []
    next_id = 1
    for pos, it in enumerate(items):
        if it.kind == "same_id":
            cid = base_id[it.base]
        else:
            cid = f"c{next_id}"
            next_id += 1
        if it.kind is None:
            base_id[it.base] = cid
        else:
            planted.append(
                PlantedDuplicate(
                    position=pos,
                    id=cid,
                    kind=it.kind,
                    original_id=base_id[it.base],
                    edits=it.edits,
                    words=words_of[it.base],
                )
            )
        comments.append(Comment(id=cid, text=it.text))
    thread = Thread(
        comments=tuple(comments), title=f"synthetic thread n={n} seed={seed}", source="synthetic"
    )
    truth = PlantedTruth(
        seed=seed,
        base_ids=tuple(base_id[i] for i in range(n_base)),
        planted=tuple(planted),
        combined_bases=combined,
    )
    log.debug("built synthetic thread: %d comments, %d planted", len(comments), len(planted))
    return thread, truth
