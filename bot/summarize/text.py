"""Plain-text helpers for the offline engine: terms, sentences, clauses, sparse vectors.

Everything here is pure Python and linear in the length of its input, so that the offline engine
stays fast on threads of ten thousand comments. Sentence and clause functions return character
spans into the original text: a quote cut from a span is verbatim by construction.
"""

from __future__ import annotations

import math
import re
import struct
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain, repeat
from typing import Any, TypeVar, cast

_T = TypeVar("_T")

Vector = dict[str, float]

# Words in any script; an apostrophe or a hyphen may join parts ("don't", "role-play").
_WORD = re.compile(r"[^\W_]+(?:['\u2019\-\u2010\u2011][^\W_]+)*")
_JOINERS = re.compile(r"[\-\u2010\u2011]")
# ASCII: letters, digits and the two ASCII joiners kept, everything else a space (bytes.translate
# is several times faster than the regex, which the rest of Unicode still takes).
# In a text so kept, an apostrophe or a hyphen that does not stand between two letters or digits
# (one chunk is then not one word). One pattern a joiner, each led by its literal character, so
# that the search jumps from one to the next (led by the class ['-], it tested every character).
_LOOSE_APOSTROPHE = re.compile(r"'(?:(?![A-Za-z0-9])|(?<![A-Za-z0-9]'))")
_LOOSE_HYPHEN = re.compile(r"-(?:(?![A-Za-z0-9])|(?<![A-Za-z0-9]-))")
_ASCII_KEEP = bytes(c if chr(c).isalnum() or chr(c) in "'-" else 32 for c in range(128)) + bytes(
    range(128, 256)
)


def words(text: str) -> list[str]:
    """The words of `text` (`_WORD`: runs of letters or digits, joined by apostrophes or
    hyphens), in order: ``_WORD.findall(text)``, computed by splitting where it can."""
    if not text.isascii():
        return _WORD.findall(text)
    kept = text.encode("ascii").translate(_ASCII_KEEP).decode("ascii")
    chunks = kept.split()
    if not (
        ("'" in text and _LOOSE_APOSTROPHE.search(kept))
        or ("-" in text and _LOOSE_HYPHEN.search(kept))
    ):
        return chunks  # every joiner joins two letters or digits: each chunk is one word
    out: list[str] = []
    for chunk in chunks:
        if "'" in chunk or "-" in chunk:  # a joiner joins only between two letters or digits
            out += _WORD.findall(chunk)
        else:
            out.append(chunk)
    return out


STOPWORDS = frozenset(
    """
    a about above actually after again against all almost also although always am among an and
    another any anyone anything anyway are aren't around as at be became because been before
    being below between both but by can can't cannot could couldn't did didn't do does doesn't
    doing don't done down during each either else enough etc even ever every everyone everything
    few for from further get gets getting go goes going gone got had hadn't has hasn't have
    haven't having he he'd he'll he's her here here's hers herself him himself his how how's
    however i i'd i'll i'm i've ie eg if in into is isn't it it's its itself just let let's like
    likely lot lots made make makes many may maybe me might mine more most much must mustn't my
    myself neither never no nor not nothing now of off often oh ok okay on once one ones only or
    other others otherwise ought our ours ourselves out over own per perhaps please pretty quite
    rather really re same say says said see seem seems seemed shall shan't she she'd she'll she's
    should shouldn't simply since so some someone something sometimes still such sure than that
    that's the their theirs them themselves then there there's these they they'd they'll they're
    they've thing things think this those though through thus to too toward towards under until
    up upon us use used using very via was wasn't way we we'd we'll we're we've well were weren't
    what what's whatever when when's where where's whether which while who who's whom whose why
    why's will with within without won't would wouldn't yeah yes yet you you'd you'll you're
    you've your yours yourself yourselves
    """.split()
)


class Substrings:
    """Which of a fixed set of strings occur in a text, as substrings: the same answer as
    ``{w for w in words if w in text}``, for many texts, without a search per string.

    A string of letters and digits occurs in a text only inside one of the text's runs of
    letters and digits (ASCII), so the text is split into those runs (in C) and each distinct
    run is looked up: which of the strings it holds is worked out once per run and remembered.
    A string with other characters ("not true", "+1") is searched for only when its longest run
    of letters and digits was found; one with none is always searched for.
    """

    def __init__(self, words: Iterable[str], whole: Iterable[str] = ()) -> None:
        self.words = frozenset(words)
        if "" in self.words:
            raise ValueError("the empty string is in every text")
        self._plain = frozenset(w for w in self.words if _ALNUM_RUN.fullmatch(w))
        # Strings of letters and digits looked for as a whole run of them (between characters
        # that are neither, "op" but not in "people"): each found is reported as `WHOLE` and
        # the string (worked out once per run or word, as the probes are).
        self._whole = {w: WHOLE + w for w in whole}
        if not all(_ALNUM_RUN.fullmatch(w) for w in self._whole):
            raise ValueError("a whole run is letters and digits")
        marks = frozenset(self._whole.values())
        self._reported = self._plain | marks  # the probes that are strings found
        # A string with other characters is keyed by an edge of its longest run of letters and
        # digits: a run that another character of it follows ends a run of the text ("for" of
        # "for it": `_ENDS`), one after another character starts one ("that" of "say that":
        # `_STARTS`), which far fewer runs of a text do than hold it (issue 13: "for it" was
        # searched in each comment with "for", "therefore", "before" or "information").
        self._keyed: dict[str, list[str]] = {}  # a key -> the strings keyed by it
        self._always: list[str] = []
        for word in sorted(self.words - self._plain):
            runs = _ALNUM_RUN.findall(word)
            if edges := _edges_of(word):
                self._keyed.setdefault(max(edges, key=len), []).append(word)
            elif runs:  # (its runs are single letters or digits: "n't", "+1")
                self._keyed.setdefault(max(runs, key=len), []).append(word)
            else:
                self._always.append(word)
        self._keys = frozenset(self._keyed)
        self._probes = sorted(self._plain | {k for k in self._keys if k[0] not in _EDGE_MARKS})
        self._starts, self._ends = _edge_runs(self._keys)
        self._within: dict[str | bytes, frozenset[str]] = {}  # a run -> the probes it holds
        # `found_in_words`: a string of ASCII letters and digits joined by single "'" or "-"
        # ("n't") lies, wherever it occurs in an ASCII text, inside one of its words (a word runs
        # on over such a joiner between two letters or digits): it is found by the words that
        # hold it, with no search of the text (issue 13: "n't" was searched in every comment).
        self._inner = frozenset(w for w in self.words - self._plain if _INNER.fullmatch(w))
        self._word_keyed: dict[str, list[str]] = {}  # `_keyed` less the inner strings
        for key, held in self._keyed.items():
            if rest := [w for w in held if w not in self._inner]:
                self._word_keyed[key] = rest
        self._word_keys = frozenset(self._word_keyed)
        self._word_probes = sorted(
            self._plain | {k for k in self._word_keys if k[0] not in _EDGE_MARKS}
        )
        self._word_starts, self._word_ends = _edge_runs(self._word_keys)
        self._plain_or_inner = self._plain | self._inner | marks
        self._in_word: dict[str, frozenset[str]] = {}  # a word -> its probes and inner strings

    def found_in(self, text: str) -> set[str]:
        """The strings that occur in `text` (case-sensitive: lowercase the text for words);
        and `WHOLE` and each string of `whole` that is a whole run of ASCII letters and digits in
        it (of an ASCII text: between characters that are neither, or its ends)."""
        if text.isascii():
            runs: Sequence[str | bytes] = text.encode("ascii").translate(_ALNUM_ONLY).split()
        else:
            runs = _ALNUM_RUN.findall(text)
        within = self._within
        # Each run's probes, looked up and joined in C (the empty ones left out before the
        # join); a run not seen before is worked out first (no list of them and no search for a
        # missing one in the common case: issue 13).
        try:
            hit: set[str] = set().union(*filter(None, map(within.__getitem__, runs)))
        except KeyError:
            if len(within) > _MAX_RUNS_REMEMBERED:
                within.clear()  # a bound for a long-running process that reads many threads
            for run in set(runs):
                if run not in within:
                    plain = run.decode("ascii") if isinstance(run, bytes) else run
                    within[run] = frozenset(p for p in self._probes if p in plain) | _marks_of(
                        plain, self._starts, self._ends
                    )
                    if plain in self._whole:
                        within[run] |= {self._whole[plain]}
            hit = set().union(*filter(None, map(within.__getitem__, runs)))
        return self._found(hit, text, self._reported, self._keys, self._keyed)

    def found_in_words(self, tokens: Sequence[str], text: str) -> set[str]:
        """``found_in(text)`` of an ASCII `text` whose words (`words(text)`) are `tokens`, found
        already: a string of letters and digits occurs in a text only inside one of its words
        (a word is runs of letters and digits joined by ``'`` or ``-``), so each distinct word
        is looked up instead of each run, with no second split of the text (issue 13)."""
        within = self._in_word
        try:
            hit: set[str] = set().union(*filter(None, map(within.__getitem__, tokens)))
        except KeyError:
            if len(within) > _MAX_RUNS_REMEMBERED:
                within.clear()  # a bound for a long-running process that reads many threads
            for token in set(tokens):
                if token not in within:
                    runs = _ALNUM_RUN.findall(token)
                    # (no generator per probe: a word first seen costs a few microseconds, which
                    # a real thread's thousands of distinct words add up)
                    probes = self._word_probes
                    within[token] = (
                        frozenset({p for run in runs for p in probes if p in run})
                        | frozenset(w for w in self._inner if w in token)
                        | frozenset().union(
                            *(_marks_of(r, self._word_starts, self._word_ends) for r in runs)
                        )
                    )
                    if self._whole:
                        within[token] |= {self._whole[r] for r in runs if r in self._whole}
            hit = set().union(*filter(None, map(within.__getitem__, tokens)))
        return self._found(hit, text, self._plain_or_inner, self._word_keys, self._word_keyed)

    def _found(
        self,
        hit: set[str],
        text: str,
        reported: frozenset[str],
        keys: frozenset[str],
        keyed: dict[str, list[str]],
    ) -> set[str]:
        """The strings found, from the probes `hit` of the runs of `text`: those `reported`
        as they are, and the strings `keyed` under a hit in `keys` that `text` holds."""
        found = hit & reported
        if hit:
            for key in hit & keys:
                for word in keyed[key]:
                    if word in text:
                        found.add(word)
        for word in self._always:
            if word in text:
                found.add(word)
        return found


_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")
WHOLE = "\x00"  # leads a string `Substrings` found as a whole run (no text holds it)
_STARTS = "\x01"  # leads a run of letters and digits that a run of the text starts with
_ENDS = "\x02"  # leads one that a run of the text ends with
_EDGE_MARKS = _STARTS + _ENDS


def _edges_of(word: str) -> list[str]:
    """The edge marks of the runs of two letters or digits or more in `word` (`Substrings`):
    in a text that holds `word`, a run that another character of it follows ends a run of the
    text, and one that another character comes before starts one."""
    out = []
    for run in _ALNUM_RUN.finditer(word):
        if run.end() - run.start() >= 2:  # (one letter starts or ends too many runs)
            if run.start() > 0:
                out.append(_STARTS + run.group())
            if run.end() < len(word):
                out.append(_ENDS + run.group())
    return out


def _edge_runs(keys: Iterable[str]) -> tuple[list[str], list[str]]:
    """The runs that the edge marks among `keys` say a run of a text starts with, and those
    it ends with."""
    starts = sorted(k[1:] for k in keys if k[0] == _STARTS)
    return starts, sorted(k[1:] for k in keys if k[0] == _ENDS)


def _marks_of(run: str, starts: list[str], ends: list[str]) -> frozenset[str]:
    """The marks of a whole run of a text: the runs of `starts` it starts with, of `ends` it
    ends with."""
    return frozenset(
        [_STARTS + r for r in starts if run.startswith(r)]
        + [_ENDS + r for r in ends if run.endswith(r)]
    )


_INNER = re.compile(r"[A-Za-z0-9]+(?:['\-][A-Za-z0-9]+)+")  # `Substrings.found_in_words`
_ALNUM_ONLY = bytes(c if chr(c).isalnum() else 32 for c in range(128)) + bytes(range(128, 256))
_MAX_RUNS_REMEMBERED = 200_000


def _stem(word: str) -> str:
    """A deliberately light suffix stripper: plurals, -ing, -ed. Enough to match "models" with
    "model" and "roleplaying" with "role-play"; never applied to short words."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("ing") and len(word) > 5:
        return word[:-3]
    if word.endswith("ed") and len(word) > 4 and not word.endswith("eed"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class Terms:
    """Term extraction with a cache of expansions.

    One instance per summarize run: the cache makes tokenizing 10,000 comments cheap.
    """

    def __init__(self) -> None:
        self._cache: dict[str, tuple[str, ...]] = {}
        # A word with at most one term -> that term, or "" for none (most words): looked up
        # with no tuple to walk per word (`of_words`).
        self._single: dict[str, str] = {}
        # Every term made, numbered in the order made (`numbers_of_words`); a word's terms as
        # their numbers plus one, so that 0 is a word with none (as "" is above).
        self.vocabulary: list[str] = []
        self._number: dict[str, int] = {}
        self._cache_numbers: dict[str, tuple[int, ...]] = {}
        self._single_number: dict[str, int] = {}

    def _expand(self, token: str) -> tuple[str, ...]:
        out: list[str] = []
        word = token.replace("\u2019", "'")
        if word.endswith("'s"):
            word = word[:-2]
        if word not in STOPWORDS and "'" not in word:
            parts = _JOINERS.split(word)
            # A compound counts as its parts and as the joined word, so that "role-play",
            # "roleplay" and "role play" all share terms.
            candidates = parts + ["".join(parts)] if len(parts) > 1 else parts
            for part in candidates:
                if len(part) < 2 or part.isdigit() or part in STOPWORDS:
                    continue
                out.append(_stem(part))
        result = tuple(out)
        self._cache[token] = result
        number = self._number
        for term in result:
            if term not in number:
                number[term] = len(self.vocabulary)
                self.vocabulary.append(term)
        numbers = tuple(number[term] + 1 for term in result)
        self._cache_numbers[token] = numbers
        if len(result) <= 1:
            self._single[token] = result[0] if result else ""
            self._single_number[token] = numbers[0] if numbers else 0
        return result

    def __call__(self, text: str) -> list[str]:
        """Content terms of `text`, in order: lowercased, stopwords removed, lightly stemmed."""
        return self.of_words(words(text.lower()))

    def of_words(self, tokens: list[str]) -> list[str]:
        """``self(text)`` where `tokens` is ``words(text.lower())``, found already (the words
        serve other scans of the same text: `Substrings.found_in_words`)."""
        return self._look_up(tokens, self._single, self._cache)

    def numbers_of_words(self, tokens: list[str]) -> list[int]:
        """``self.of_words(tokens)`` as numbers: each term's index in `vocabulary` plus one. A
        term is numbered when first made, so the terms of a fresh instance's lists, taken in
        order, are numbered in the order they are first used (`idf_table_of_numbers`)."""
        return self._look_up(tokens, self._single_number, self._cache_numbers)

    def _look_up(
        self, tokens: list[str], single: dict[str, _T], cache: dict[str, tuple[_T, ...]]
    ) -> list[_T]:
        try:  # every word known, with one term or none (a term is never "", a number never 0)
            return list(filter(None, map(single.__getitem__, tokens)))
        except KeyError:  # a compound ("role-play": three terms), or a word not seen before
            pass
        try:
            return list(chain.from_iterable(map(cache.__getitem__, tokens)))
        except KeyError:  # a word not seen before in this run
            for token in tokens:
                if token not in cache:
                    self._expand(token)
            return list(chain.from_iterable(map(cache.__getitem__, tokens)))


def word_count(text: str) -> int:
    """Number of words (runs of letters or digits, joined by apostrophes or hyphens)."""
    return len(words(text))


# A sentence ends at . ! ? or … (possibly repeated, possibly followed by closing quotes or
# brackets) followed by white space; a line break always ends one.
# Written to start with one character class, "[.!?…]+[\"'”’)\]]*(?=\s)|\n" as one alternation:
# the regex engine then skips ahead to candidate characters instead of trying the alternation at
# every position (3x faster; the same matches).
# A mark is an end only where a run of marks begins ("(?<![.!?…].)" after it: the one before
# is no mark): a run that fails from its start fails from every later mark of it, and trying
# each would cost the square of its length (a comment of 80,000 dots took two minutes).
_SENTENCE_END = re.compile(
    r"[.!?\u2026\n](?:(?<=\n)|(?<![.!?\u2026].)[.!?\u2026]*[\"'\u201d\u2019)\]]*(?=\s))"
)
# An end, marked by the empty group, and the white space after it: the next sentence starts at
# the match's end (no white space to strip there).
_SENTENCE_BREAK = re.compile(_SENTENCE_END.pattern + r"()\s*")
# `_SENTENCE_BREAK` in a text with no "!", "?", "\u2026" or line break: the same matches, led by
# a literal full stop, so that the regex engine jumps from one full stop to the next (a pattern led
# by a class of characters tests every character of the text against the class: 2-3x slower).
_FULL_STOP_BREAK = re.compile(r"\.(?<!\.\.)(?:\.*[\"'\u201d\u2019)\]]*(?=\s))()\s*")
_MARKS = ".!?\u2026"
# An abbreviation a number follows, just before a full stop: "no.", "No.", "nos.", "p.", "pp.",
# "vol.", "para.", "fig.", "art.", "sec.", "ch.", "ref.", "approx.".
# ("no." lowercase only in brackets, "(no. 6)": "He said no. 2 people agreed" ends at "no.")
_NUMBERING = re.compile(
    r"(?:(?<=\()nos?|(?<![\w.])(?:Nos?|pp?|[Vv]ol|[Pp]aras?|[Ff]ig|[Aa]rt|[Ss]ec|[Cc]h|[Rr]ef"
    r"|approx))\.\Z"
)
# A full stop with this much white space after it ends a sentence whatever follows.
_LOOK_AHEAD = 40


def sentence_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Spans (begin, end) of the sentences of `text[start:]`, stripped of surrounding white space.

    A full stop followed by a lowercase word does not end a sentence ("e.g. this", "brigade..
    grinding"), which keeps abbreviations and trailing-dot styles in one piece.
    """
    if 0 < start <= len(text) and text[start - 1] in _MARKS:
        # (the end pattern looks behind a mark for another: from `start` on, the text is read
        # as if it began there)
        return [(b + start, e + start) for b, e in sentence_spans(text[start:])]
    spans: list[tuple[int, int]] = []
    size = len(text)
    begin = start
    while begin < size and text[begin].isspace():
        begin += 1
    if not ("\n" in text or "?" in text or "!" in text or "\u2026" in text):
        breaks = _FULL_STOP_BREAK  # (four searches in C cost less than the class at each place)
    else:
        breaks = _SENTENCE_BREAK
    # A sentence starts where a match ends (its white space taken) and ends at the match's
    # mark: white space is stripped only before a line break (no loop per character).
    for match in breaks.finditer(text, start):
        end = match.start(1)
        after = match.end()
        if text[end - 1] != "\n":
            # A lowercase word next (within `_LOOK_AHEAD`, on the same line) goes on with it.
            if (
                after - end < _LOOK_AHEAD
                and after < size
                and text[after].islower()
                and "\n" not in text[end:after]
            ):
                continue
            # So does a number after an abbreviation that numbers it: "Ms Barker (no. 2) said",
            # "see p. 14", "vol. 3".
            if (
                after < size
                and text[after].isdigit()
                and text[end - 1] == "."
                and _NUMBERING.search(text, max(begin, end - 8), end) is not None
            ):
                continue
        else:
            end -= 1
            while end > begin and text[end - 1].isspace():
                end -= 1
        if end > begin:
            spans.append((begin, end))
        begin = after
    end = size
    while end > begin and text[end - 1].isspace():
        end -= 1
    if end > begin:
        spans.append((begin, end))
    return spans


_CLAUSE_END = re.compile(r"[,;:)\u2014\u2013]\s|\s[\u2014\u2013-]\s")


def clause_cut(text: str, begin: int, end: int, limit: int) -> tuple[int, int]:
    """Shorten the span `text[begin:end]` to at most `limit` characters.

    Cuts after the last clause boundary (comma, semicolon, colon, dash) that keeps at least a
    third of the limit, else at the last word boundary; trailing separators are trimmed. The
    result is a span of `text`, so the words stay verbatim.
    """
    if end - begin <= limit:
        return begin, end
    hard = begin + limit
    cut = -1
    for match in _CLAUSE_END.finditer(text, begin, hard + 1):
        if match.start() - begin >= limit // 3:
            cut = match.start() + (1 if text[match.start()] in ",;:)" else 0)
    if cut < 0:
        space = text.rfind(" ", begin, hard + 1)
        cut = space if space > begin else hard
    while cut > begin and (text[cut - 1].isspace() or text[cut - 1] in ",;:-\u2014\u2013"):
        cut -= 1
    if cut <= begin:
        cut = hard
    return begin, cut


def shorten(text: str, limit: int = 200) -> str:
    """`text` with white space folded, cut at a word boundary to at most `limit` characters with
    "…" appended when anything was cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    if cut < limit // 2:
        cut = limit - 1
    return text[:cut].rstrip(" ,;:-\u2014\u2013") + "\u2026"


def document_frequencies(docs: Iterable[Iterable[str]]) -> dict[str, int]:
    """How many documents contain each term."""
    # Each document's terms once, in order of first use, all counted in one call (in C).
    return dict(Counter(chain.from_iterable(map(dict.fromkeys, docs))))


def idf_weights(df: Mapping[str, int], n_docs: int) -> dict[str, float]:
    """Smoothed inverse document frequency, always positive."""
    return {term: math.log((1 + n_docs) / (1 + count)) + 1.0 for term, count in df.items()}


def tfidf(terms: Iterable[str], idf: Mapping[str, float]) -> Vector:
    """A unit-length TF-IDF vector with sublinear term frequency; empty for no known terms."""
    counts: dict[str, int] = {}
    for term in terms:
        counts[term] = counts.get(term, 0) + 1
    vector: Vector = {}
    for term, count in counts.items():
        weight = idf.get(term)
        if weight is not None:
            vector[term] = (1.0 + math.log(count)) * weight
    return normalized(vector)


def tfidf_all(term_lists: Sequence[Sequence[str]], idf: Mapping[str, float]) -> list[Vector]:
    """``[tfidf(terms, idf) for terms in term_lists]``: the same floats in the same key order.
    From `SUM_IN_ARRAYS` lists on, the counts and weights are computed in arrays (numpy); each
    product is the same IEEE operation, and each norm is the same `sum` over the same floats."""
    return tfidf_table(term_lists, idf)[0]


def tfidf_table(
    term_lists: Sequence[Sequence[str]], idf: Mapping[str, float]
) -> tuple[list[Vector], VectorTable]:
    """`tfidf_all` and ``VectorTable`` of its vectors; from `SUM_IN_ARRAYS` lists on, the table
    is made from the arrays the vectors were computed in (not read back from the vectors)."""
    table = tfidf_vectors(term_lists, idf)
    return [table.vector(row) for row in range(len(term_lists))], table


def tfidf_vectors(term_lists: Sequence[Sequence[str]], idf: Mapping[str, float]) -> VectorTable:
    """The ``VectorTable`` of `tfidf_all`: from `SUM_IN_ARRAYS` lists on, made from the arrays
    the vectors are computed in, with no vector made a dict until it is asked for
    (`VectorTable.vector`: a large thread's summary needs the dicts of almost none; issue 13)."""
    if len(term_lists) < SUM_IN_ARRAYS:
        return VectorTable([tfidf(terms, idf) for terms in term_lists])
    import numpy as np

    names = list(idf)
    number = dict(zip(names, range(len(names)), strict=True))
    # A vector has at most as many entries as its list has terms: arrays of that many, filled
    # chunk after chunk (the pages never filled are never touched, so take no memory).
    capacity = sum(map(len, term_lists))
    sizes = np.empty(len(term_lists), np.int64)
    ids = np.empty(capacity, np.int64)
    values = np.empty(capacity, np.float64)
    filled = 0
    for start in range(0, len(term_lists), _TFIDF_CHUNK):  # bounds the temporary lists
        part = _tfidf_arrays(term_lists[start : start + _TFIDF_CHUNK], idf, names, number)
        sizes[start : start + len(part[0])] = part[0]
        ids[filled : filled + len(part[1])] = part[1]
        values[filled : filled + len(part[2])] = part[2]
        filled += len(part[1])
    return VectorTable.from_arrays(names, number, sizes, ids[:filled], values[:filled])


_TFIDF_CHUNK = 10_000  # comments


def _tfidf_arrays(
    term_lists: Sequence[Sequence[str]],
    idf: Mapping[str, float],
    names: list[str],
    number: Mapping[str, int],
) -> tuple[Any, Any, Any]:
    """The rows of a `VectorTable` of the vectors of `term_lists`: each vector's size, and its
    terms (as indices into `names`) and values, vector after vector, in `tfidf`'s key order."""
    import numpy as np

    sizes = np.fromiter(map(len, term_lists), dtype=np.int64, count=len(term_lists))
    flat = np.fromiter(
        map(number.get, chain.from_iterable(term_lists), repeat(-1)),
        dtype=np.int64,
        count=int(sizes.sum()),
    )
    doc = np.repeat(np.arange(len(term_lists), dtype=np.int64), sizes)
    known = flat >= 0  # a term without a weight is left out, as tfidf does
    owner, term, counts = _pairs(doc[known], flat[known], len(names))
    weights = np.array([idf[name] for name in names], dtype=np.float64)
    return _tfidf_rows(len(term_lists), owner, term, counts, weights)


def _pairs(doc: Any, term: Any, width: int) -> tuple[Any, Any, Any]:
    """Each (list, term) of the arrays `doc` and `term` (terms are numbers below `width`) once,
    ordered by its first occurrence (`tfidf`'s key order): its list, its term and how many
    times it occurs."""
    import numpy as np

    width = max(1, width)
    pairs, first, counts = np.unique(doc * width + term, return_index=True, return_counts=True)
    # `first` holds distinct positions: their order is read off a mark at each position, with
    # no sort (the same order as ``np.argsort(first)``; issue 13).
    rank = np.full(len(doc), -1, np.int64)
    rank[first] = np.arange(len(first), dtype=np.int64)
    order = rank[rank >= 0]
    pairs, counts = pairs[order], counts[order]
    owner, term = np.divmod(pairs, width)
    return owner, term, counts


def _tfidf_rows(
    length: int, owner: Any, term: Any, counts: Any, weights: Any
) -> tuple[Any, Any, Any]:
    """The rows of a `VectorTable` of `length` vectors from their (list, term, count) pairs in
    `tfidf`'s key order (`_pairs`, terms numbered as `weights` is)."""
    import numpy as np

    top = int(counts.max(initial=0))
    logs = np.array([1.0 + math.log(c) if c else 0.0 for c in range(top + 1)], dtype=np.float64)
    values = logs[counts] * weights[term]
    # Each norm is `sum` of its squares, in order from 0 (`bincount` adds them so), then the
    # same correctly rounded square root and divisions as `normalized`.
    norms = np.sqrt(np.bincount(owner, weights=values * values, minlength=length))
    zero = norms == 0.0
    sizes = np.bincount(owner, minlength=length)
    if not (zero & (sizes > 0)).any():
        # No vector with terms has a zero norm (the usual case): nothing to leave out.
        return sizes, term, values / norms[owner]
    scaled = values / np.where(zero, 1.0, norms)[owner]
    kept = ~zero[owner]  # a zero vector is empty
    sizes = np.bincount(owner[kept], minlength=length)
    return sizes, term[kept], scaled[kept]


def idf_table(
    term_lists: Sequence[Sequence[str]], least: int = 1
) -> tuple[dict[str, float], VectorTable]:
    """The IDF weights of the terms of `term_lists` (`idf_weights` of `document_frequencies`,
    leaving out terms of fewer than `least` lists) and `tfidf_vectors` of the lists with them.
    From `SUM_IN_ARRAYS` lists on, both come from one count of each (list, term) in arrays:
    the same weights in the same key order, and the same table."""
    if len(term_lists) < SUM_IN_ARRAYS:
        df = document_frequencies(term_lists)
        if least > 1:
            df = {term: count for term, count in df.items() if count >= least}
        idf = idf_weights(df, max(1, len(term_lists)))
        return idf, tfidf_vectors(term_lists, idf)
    # Every term in order of first use: `document_frequencies`' key order.
    vocabulary = list(dict.fromkeys(chain.from_iterable(term_lists)))
    number = dict(zip(vocabulary, range(len(vocabulary)), strict=True))
    return _idf_table_in_arrays(term_lists, vocabulary, least, number)


def idf_table_of_numbers(
    number_lists: Sequence[Sequence[int]], vocabulary: list[str], least: int = 1
) -> tuple[dict[str, float], VectorTable]:
    """`idf_table` of the term lists whose terms are given by number: each term's index in
    `vocabulary` plus one (`Terms.numbers_of_words`). `vocabulary` holds every term of the
    lists and no other, in order of first use in them (a fresh `Terms`' vocabulary after
    numbering them): then no term need be looked up to count them."""
    if len(number_lists) < SUM_IN_ARRAYS:
        return idf_table([[vocabulary[n - 1] for n in numbers] for numbers in number_lists], least)
    return _idf_table_in_arrays(number_lists, vocabulary, least, None)


def _idf_table_in_arrays(
    term_lists: Sequence[Sequence[Any]],
    vocabulary: list[str],
    least: int,
    number: Mapping[str, int] | None,
) -> tuple[dict[str, float], VectorTable]:
    """`idf_table` in arrays, of lists of terms numbered by `number` (indices into
    `vocabulary`, which lists them in order of first use), or, without it, of lists of those
    numbers plus one."""
    import numpy as np

    holding = np.zeros(len(vocabulary), np.int64)  # how many lists hold each term
    parts = []
    for start in range(0, len(term_lists), _TFIDF_CHUNK):  # bounds the temporary arrays
        part = term_lists[start : start + _TFIDF_CHUNK]
        sizes = np.fromiter(map(len, part), np.int64, len(part))
        terms = chain.from_iterable(part)
        count = int(sizes.sum())
        if number is not None:
            flat = np.fromiter(map(number.__getitem__, terms), np.int64, count)
        else:
            # (packed in C and read as an array: a third fewer instructions than `fromiter`)
            flat = np.frombuffer(struct.pack(f"={count}q", *terms), np.int64) - 1
        doc = np.repeat(np.arange(len(part), dtype=np.int64), sizes)
        owner, term, counts = _pairs(doc, flat, len(vocabulary))
        holding += np.bincount(term, minlength=len(vocabulary))
        parts.append((len(part), owner, term, counts))
    kept = holding >= least
    names = [vocabulary[i] for i in np.flatnonzero(kept).tolist()]
    df = dict(zip(names, holding[kept].tolist(), strict=True))
    idf = idf_weights(df, max(1, len(term_lists)))
    renumber = np.full(len(vocabulary), -1, np.int64)  # a term's index in `names`
    renumber[kept] = np.arange(len(names), dtype=np.int64)
    weights = np.array([idf[name] for name in names], dtype=np.float64)
    rows_sizes, rows_ids, rows_values = [], [], []
    for length, owner, term, counts in parts:
        known = kept[term]  # a term without a weight is left out, as tfidf does
        rows = _tfidf_rows(length, owner[known], renumber[term[known]], counts[known], weights)
        rows_sizes.append(rows[0])
        rows_ids.append(rows[1])
        rows_values.append(rows[2])
    table = VectorTable.from_arrays(
        names,
        dict(zip(names, range(len(names)), strict=True)),
        np.concatenate(rows_sizes).astype(np.int64),
        np.concatenate(rows_ids),
        np.concatenate(rows_values),
    )
    return idf, table


def normalized(vector: Mapping[str, float]) -> Vector:
    """`vector` scaled to unit length (an empty or zero vector stays empty)."""
    norm = math.sqrt(sum(v * v for v in vector.values()))
    if norm == 0.0:
        return {}
    return {term: value / norm for term, value in vector.items()}


def dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Sparse dot product; iterates over the smaller vector."""
    if len(a) > len(b):
        a, b = b, a
    total = 0.0
    for term, value in a.items():
        other = b.get(term)
        if other is not None:
            total += value * other
    return total


# From this many vectors on, `sum_vectors` adds in arrays (numpy, imported only then).
SUM_IN_ARRAYS = 2000


def dots(vectors: Sequence[Mapping[str, float]], b: Mapping[str, float]) -> list[float]:
    """``[dot(v, b) for v in vectors]``: the same floats. From `SUM_IN_ARRAYS` vectors on, the
    products are taken in arrays and each vector's are added with `numpy.bincount`, which adds
    them one by one in order from 0.0, as `dot` does (a vector longer than `b`, which `dot`
    walks in `b`'s order, is left to `dot`)."""
    if len(vectors) < SUM_IN_ARRAYS:
        return [dot(v, b) for v in vectors]
    import numpy as np

    # `b` as an array: each key's position (-1: not in `b`), looked up once per term.
    position = dict(zip(b, range(len(b)), strict=True))
    b_values = np.fromiter(b.values(), np.float64, len(b))
    out: list[float] = []
    for start in range(0, len(vectors), _SUM_CHUNK):  # bounds the temporary arrays
        part = vectors[start : start + _SUM_CHUNK]
        short = [v if len(v) <= len(b) else {} for v in part]
        sizes = np.fromiter(map(len, short), np.int64, len(short))
        count = int(sizes.sum())
        at = np.fromiter(map(position.get, chain.from_iterable(short), repeat(-1)), np.int64, count)
        held = at >= 0
        mine = np.fromiter(chain.from_iterable(v.values() for v in short), np.float64, count)
        owner = np.repeat(np.arange(len(short), dtype=np.int64), sizes)
        sums = np.bincount(
            owner[held], weights=mine[held] * b_values[at[held]], minlength=len(short)
        ).tolist()
        out += [
            total if len(v) <= len(b) else dot(v, b) for v, total in zip(part, sums, strict=True)
        ]
    return out


def sum_vectors(vectors: Iterable[Mapping[str, float]]) -> Vector:
    """The sum of `vectors`: the same floats, in the same key order, as `add_into` of each in
    turn into an empty vector. Many vectors are added with `numpy.add.at`, which adds each
    term's values one by one in input order, as `add_into` does (so no rounding differs)."""
    vectors = list(vectors)
    if len(vectors) < SUM_IN_ARRAYS:
        total: Vector = {}
        for vector in vectors:
            add_into(total, vector)
        return total
    import numpy as np

    order = dict.fromkeys(chain.from_iterable(vectors))  # every term, in add_into's order
    number = dict(zip(order, range(len(order)), strict=True))
    sums = np.zeros(len(order), dtype=np.float64)
    for start in range(0, len(vectors), _SUM_CHUNK):  # bounds the temporary arrays
        part = vectors[start : start + _SUM_CHUNK]
        count = sum(map(len, part))
        at = np.fromiter(map(number.__getitem__, chain.from_iterable(part)), np.intp, count)
        values = np.fromiter(chain.from_iterable(v.values() for v in part), np.float64, count)
        np.add.at(sums, at, values)  # unbuffered: term by term, in input order
    return dict(zip(order, sums.tolist(), strict=True))


_SUM_CHUNK = 10_000  # vectors


class VectorTable:
    """Many vectors in arrays, for sums and dot products over subsets of them (the vectors of a
    thread's comments, summed and compared several times): `sum(rows)` is `sum_vectors` and
    `dots(rows, b)` is `dots` of ``[vectors[r] for r in rows]``, the same floats in the same key
    order (`numpy.bincount` adds in input order from 0, as `add_into` and `dot` do). The
    vectors are read into arrays once instead of at every sum."""

    def __init__(self, vectors: Sequence[Mapping[str, float]]) -> None:
        import numpy as np

        # The vectors as given (`vector` returns them): dicts where they come from `tfidf`.
        self._vectors: Sequence[Vector] | None = cast(Sequence[Vector], vectors)
        self._names = list(dict.fromkeys(chain.from_iterable(vectors)))
        self._number = dict(zip(self._names, range(len(self._names)), strict=True))
        self._sizes = np.fromiter(map(len, vectors), np.int64, len(vectors))
        count = int(self._sizes.sum())
        self._starts = np.cumsum(self._sizes) - self._sizes
        terms = chain.from_iterable(vectors)
        self._ids = np.fromiter(map(self._number.__getitem__, terms), np.int64, count)
        values = chain.from_iterable(v.values() for v in vectors)
        self._values = np.fromiter(values, np.float64, count)

    @classmethod
    def from_arrays(
        cls,
        names: list[str],
        number: dict[str, int],
        sizes: Any,
        ids: Any,
        values: Any,
    ) -> VectorTable:
        """The table of vectors given as arrays: each vector's size, and its terms (indices
        into `names`, which may hold terms no vector has) and values, vector after vector.
        Its vectors are made dicts only when asked for (`vector`)."""
        import numpy as np

        table = cls.__new__(cls)
        table._vectors = None
        table._names = names
        table._number = number
        table._sizes = sizes
        table._starts = np.cumsum(sizes) - sizes
        table._ids = ids
        table._values = values
        return table

    def __len__(self) -> int:
        return len(self._sizes)

    def sizes(self) -> list[int]:
        """How many terms each vector has (0: an empty vector), in row order."""
        return self._sizes.tolist()

    def size(self, row: int) -> int:
        """How many terms row `row`'s vector has."""
        return int(self._sizes[row])

    def vector(self, row: int) -> Vector:
        """Row `row`'s vector as a dict: its terms in order, with their values."""
        if self._vectors is not None:
            return self._vectors[row]
        start = int(self._starts[row])
        end = start + int(self._sizes[row])
        terms = map(self._names.__getitem__, self._ids[start:end].tolist())
        return dict(zip(terms, self._values[start:end].tolist(), strict=True))

    def _entries(self, chosen: Any) -> tuple[Any, Any, Any]:
        """The sizes of the rows `chosen` (an array), and their terms and values, row after
        row."""
        import numpy as np

        length = len(chosen)
        if length and length == len(self._sizes) and np.array_equal(chosen, np.arange(length)):
            # Every row in order (a thread with no junk): the arrays themselves, no gathering.
            return self._sizes, self._ids, self._values
        if (
            2 * length > len(self._sizes)
            and chosen[0] >= 0
            and bool(np.all(chosen[1:] > chosen[:-1]))
        ):
            # Most rows, in order (the quotable comments of a thread): their entries picked by a
            # mask, which costs less than gathering them one by one.
            mask = np.zeros(len(self._sizes), dtype=bool)
            mask[chosen] = True
            entries = np.repeat(mask, self._sizes)
            return self._sizes[chosen], self._ids[entries], self._values[entries]
        sizes = self._sizes[chosen]
        ends = np.cumsum(sizes)
        at = np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(
            self._starts[chosen] - (ends - sizes), sizes
        )
        return sizes, self._ids[at], self._values[at]

    def _chunks(self, rows: Iterable[int]) -> Iterator[Any]:
        """`rows` as arrays of at most `_SUM_CHUNK` rows (bounds the temporary arrays)."""
        import numpy as np

        listed = rows if isinstance(rows, list) else list(rows)
        # (packed in C and read as an array: fewer instructions than `fromiter`)
        chosen = np.frombuffer(struct.pack(f"={len(listed)}q", *listed), np.int64)
        for start in range(0, len(chosen), _SUM_CHUNK):
            yield chosen[start : start + _SUM_CHUNK]

    def sum(self, rows: Iterable[int]) -> Vector:
        """`sum_vectors` of the vectors `rows`."""
        import numpy as np

        names = len(self._names)
        sums = np.zeros(names, np.float64)
        first = np.full(names, np.iinfo(np.int64).max, np.int64)  # where each term is first seen
        seen = 0
        for chosen in self._chunks(rows):
            _, ids, values = self._entries(chosen)
            np.minimum.at(first, ids, np.arange(seen, seen + len(ids)))
            np.add.at(sums, ids, values)  # unbuffered: term by term, in input order
            seen += len(ids)
        present = np.flatnonzero(first < seen)
        order = present[np.argsort(first[present], kind="stable")]
        labels = map(self._names.__getitem__, order.tolist())
        return dict(zip(labels, sums[order].tolist(), strict=True))

    def dots(self, rows: Iterable[int], b: Mapping[str, float]) -> list[float]:
        """`dots` of the vectors `rows` with `b`."""
        import numpy as np

        if not b:
            return [0.0 for _ in rows]  # `dot` of any vector with {} is 0.0
        # Each term's position in `b` (-1: not in it); a term of `b` no vector has is never met.
        in_b = np.fromiter(map(self._number.get, b, repeat(-1)), np.int64, len(b))
        position = np.full(len(self._names), -1, np.int64)
        position[in_b[in_b >= 0]] = np.flatnonzero(in_b >= 0)
        b_values = np.fromiter(b.values(), np.float64, len(b))
        out: list[float] = []
        for chosen in self._chunks(rows):
            sizes, ids, values = self._entries(chosen)
            at = position[ids]
            owner = np.repeat(np.arange(len(chosen)), sizes)
            short = int(sizes.max(initial=0)) <= len(b)
            if short and bool((at >= 0).all()):
                # Every term of every row is in `b` (a sum of them): all products are kept.
                sums = np.bincount(owner, weights=values * b_values[at], minlength=len(chosen))
            else:
                # A vector longer than `b` is left to `dot`, which walks `b` (as `dots` does).
                held = (at >= 0) & np.repeat(sizes <= len(b), sizes)
                sums = np.bincount(
                    owner[held], weights=values[held] * b_values[at[held]], minlength=len(chosen)
                )
            if short:
                out += sums.tolist()
                continue
            out += [
                total if size <= len(b) else dot(self.vector(row), b)
                for row, size, total in zip(
                    chosen.tolist(), sizes.tolist(), sums.tolist(), strict=True
                )
            ]
        return out


def add_into(target: Vector, vector: Mapping[str, float], scale: float = 1.0) -> None:
    """target += scale * vector, in place."""
    for term, value in vector.items():
        target[term] = target.get(term, 0.0) + scale * value
