"""Stage 0: reading. Sentences, content terms and a TF-IDF vector per comment; where its own
words start (after a leading quotation of someone else); what is junk, thanks or off-topic.

The vectors only choose which sentences to quote (extraction); they never place a comment on a
side.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from itertools import repeat
from operator import attrgetter
from typing import Any

from bot.summarize.offline.cues import (
    PRAISE,
    PRAISE_WORD_SET,
    is_junk,
    is_praise,
    own_words,
    own_words_of,
)
from bot.summarize.offline.linking import opening_index
from bot.summarize.offline.model import Doc, Reporter
from bot.summarize.text import (
    SUM_IN_ARRAYS,
    Terms,
    VectorTable,
    idf_table,
    idf_table_of_numbers,
    sentence_spans,
    word_count,
    words,
)
from bot.thread import Comment, Thread

_LEADING_QUOTE = re.compile(
    r"\s*(?:(?:>[^\n]*(?:\n|$))+|[\"\u201c\u201e][^\"\u201c\u201d\u201e\n]{8,}[\"\u201d\u201f]"
    r"\s*[-\u2010-\u2015:,]?)\s*"
)
# What `_LEADING_QUOTE` can start with besides white space.
_QUOTE_OPENERS = frozenset('>"\u201c\u201e')


def read(
    thread: Thread, terms: Terms, report: Reporter
) -> tuple[list[Doc], dict[str, float], VectorTable]:
    """One `Doc` per comment, in thread order, the IDF weights of the thread's terms, and the
    comments' vectors in a `VectorTable` (row i is ``docs[i].vector``; built once, shared with
    extraction)."""
    comments = list(thread.comments)
    total = len(comments)
    bodies: list[int] = []
    # Each comment's terms, by number (`Terms.numbers_of_words`): counted with no look-up of
    # each term (`idf_table_of_numbers`), which needs the terms numbered in order of first use
    # here, as a fresh `Terms` numbers them.
    numbered = not terms.vocabulary
    terms_of: Callable[[list[str]], list[Any]] = (
        terms.numbers_of_words if numbered else terms.of_words
    )
    term_lists: list[list[Any]] = []
    span_lists: list[list[tuple[int, int]]] = []
    word_sets: list[frozenset[str]] = []
    junk: list[bool] = []  # bots and junk (test posts, greetings, bare links, emoji): not quoted
    owns: list[str] = []  # `Doc.own`
    labels = respondent_labels(comments)
    report("reading", 0, total)
    for i, comment in enumerate(comments):
        text = comment.text
        body = body_start(text)
        label = labels[i]
        if label is not None:
            body = max(body, label[1])
        bodies.append(body)
        spans = sentence_spans(text, body)
        span_lists.append(spans)
        junk.append(comment.is_bot or is_junk(text[body:]))
        if comment.is_bot:
            term_lists.append([])
            word_sets.append(own_words(text, spans))
            owns.append("")
        elif spans and text.isascii():
            # The words of its own text, split once, serve its terms and its prefilter words
            # (its own sentences are `text[body:]` but white space around them: issue 13).
            lowered = text[body:].lower()
            tokens = words(lowered)
            term_lists.append(terms_of(tokens))
            own = lowered[spans[0][0] - body : spans[-1][1] - body]
            word_sets.append(own_words_of(tokens, own))
            owns.append(own)
        else:
            tokens = words(text[body:].lower())  # `terms(text[body:])`
            term_lists.append(terms_of(tokens))
            word_sets.append(own_words(text, spans))
            owns.append("")
        if report.active:
            report("reading", i + 1, total)
    # A word only one comment uses says nothing about the thread; keeping it would only
    # inflate the norms of long comments.
    least = 2 if total >= 5 else 1
    if numbered:  # row i is docs[i]'s vector
        idf, table = idf_table_of_numbers(term_lists, terms.vocabulary, least)
    else:
        idf, table = idf_table(term_lists, least)
    names = [label[0] if label is not None else None for label in labels]
    # Doc(index, comment, body, spans, source, words, label, weighted, junk, own): by position, the
    # order of its fields, with no loop in Python (issue 13)
    docs = list(
        map(
            Doc,
            range(total),
            comments,
            bodies,
            span_lists,
            repeat(table),
            word_sets,
            names,
            table.sizes(),
            junk,
            owns,
        )
    )
    _mark_off_topic(docs, table)
    return docs, idf, table


# "R1 (resident, Hollins Lane): I object.", "Respondent 12: ...", "Cllr Amadi (Labour): ...":
# a consultation's or a meeting's respondents, each line led by who speaks. A label needs a
# number or a role in brackets, so that "Proposal: ..." or "Edit: ..." is never a speaker.
# What a respondent's label is followed by in a summary of responses: their vote or remark.
_VOTE_VERB = (
    r"(?:supports?|objects?|opposes?|agrees?|disagrees?|welcomes?|does not|doesn't|has no"
    r"|have no|makes no|asks|adds|comments|notes|raises|questions|proposes|suggests)\b"
)
_RESPONDENT = re.compile(
    r"(?P<name>[A-Z][\w'.-]{0,30}(?: [A-Z0-9][\w'.-]{0,30}){0,2})"
    # "Response 4 (resident): ...", "Response 4 (resident) – ...", "Response 4 — resident — ..."
    r"(?:[ \t]+[–—][ \t]+(?P<dashed>[^–—\n:]{1,80}?)[ \t]+[–—]"
    r"|(?: \((?P<role>[^()\n]{1,80})\))?(?::|[ \t]+[–—])"
    # "R1, resident of Church Lane. Objects. ...": a numbered label, its role up to a full stop;
    # "R1, local resident, supports. ...", "R9, objects.": up to the comma before a vote
    r"|,[ \t]+(?P<comma>(?!" + _VOTE_VERB + r")[^.,:;()\n]{1,60}?"
    r"(?:,(?![ \t]+" + _VOTE_VERB + r")[^.,:;()\n]{1,40})?)"
    # ("R1, resident of Tanner Street (flat above the laundrette). ...": an aside in brackets)
    r"(?:[ \t]+\([^()\n]{1,60}\))?(?:\.|,(?=[ \t]+" + _VOTE_VERB + r"))"
    r"|,(?=[ \t]+" + _VOTE_VERB + r"))[ \t]+(?=\S)"
)
_NOT_RESPONDENTS = frozenset(
    "item section page part step point question q a update edit note chapter rule option "
    "proposal motion agenda minute minutes appendix annex table figure source sources".split()
)
MIN_RESPONDENTS = 2  # the format is a thread's, not one line's
_LOOK_FIRST = 50


def respondent_labels(comments: list[Comment]) -> list[tuple[str, int] | None]:
    """For a thread with no authors whose comments open with respondents' labels (at least
    `MIN_RESPONDENTS` of them), each comment's (label, where its words start); None elsewhere."""
    out: list[tuple[str, int] | None] = [None] * len(comments)
    if any(c.author for c in comments):
        return out
    found = 0
    # a label's bracketed role -> the labels that gave it, in order (a dict: a set that keeps
    # order, so that a thousand "resident" responses cost what one does each)
    roles: dict[str, dict[str, None]] = {}
    for i, comment in enumerate(comments):
        if i == _LOOK_FIRST and not found:
            break  # a thread of respondents shows its labels from its first lines
        match = _RESPONDENT.match(comment.text, 0, 200)
        if match is None:
            continue
        name = match.group("name")
        first = name.split()[0].rstrip(".").casefold()
        numbered = any(ch.isdigit() for ch in name)
        role = match.group("role") or match.group("dashed")
        if first in _NOT_RESPONDENTS or not (numbered or role):
            continue
        if match.group("comma") is not None:
            if not numbered:
                continue  # "Honestly, this is bad. ...": a comma after a word labels nobody
            role = match.group("comma")
        if role:
            # "Response 7 (Carver Street Traders, second response)": the Traders again, when
            # one earlier response alone came from them
            base = _LATER_RESPONSE.sub("", role).strip(" ,;").casefold()
            if base != role.casefold():
                earlier = roles.get(base, {})
                if len(earlier) == 1 and " " in base:  # ("resident" alone names nobody)
                    name = next(iter(earlier))
            else:
                roles.setdefault(base, {})[name] = None
        out[i] = (name, match.end())
        found += 1
    return out if found >= MIN_RESPONDENTS else [None] * len(comments)


# A respondent's later response, named in their label's brackets.
_LATER_RESPONSE = re.compile(
    r"[,;]?\s*(?:second|2nd|third|3rd|further|follow-up|later|another|revised) (?:response|reply"
    r"|submission)\b.*$",
    re.IGNORECASE,
)


def body_start(text: str) -> int:
    """Where the commenter's own words start: after a leading quotation of someone else."""
    first = text[:1]
    if first not in _QUOTE_OPENERS and not first.isspace():
        return 0  # `_LEADING_QUOTE` cannot match: no call of the regex engine (most comments)
    match = _LEADING_QUOTE.match(text)
    if match is None or match.end() >= len(text.rstrip()):
        return 0
    return match.end()


_INDEX = attrgetter("index")  # a doc's index, read in C (issue 13)


def _mark_off_topic(docs: list[Doc], table: VectorTable) -> None:
    """Mark comments not worth quoting: thanks or praise with little topic in them, or sharing
    almost no terms with the thread (jokes, asides). The opening post is never one of them (it
    frames the question, whatever thanks it ends with)."""
    opening = opening_index(docs)
    live = [d for d in docs if not d.junk]
    for doc in docs:
        if doc.junk or not doc.weighted:
            doc.off_topic = True
    total = table.sum(map(_INDEX, live))
    total_sq = sum(v * v for v in total.values())
    scored = [doc for doc in live if doc.weighted]
    relevance = _relevance(table.dots(list(map(_INDEX, scored)), total), total_sq)
    values = sorted(relevance)
    enough = len(values) >= 5
    median = values[len(values) // 2] if values else 0.0
    for doc, rel in zip(scored, relevance, strict=True):
        if doc.index == opening:
            continue
        text = doc.comment.text
        # Its own words are the whole text: the words found in them serve (`is_praise`).
        whole = doc.body == 0 and text.isascii()
        # (Own words that hold no praise word: `is_praise` is False, with no call.)
        if (not whole or not doc.words.isdisjoint(PRAISE_WORD_SET)) and is_praise(
            text, doc.words if whole else None
        ):
            # Thanks inside an argument do not make it thanks: count the words said besides.
            own = sum(word_count(text[b:e]) for b, e in doc.spans if not PRAISE.search(text[b:e]))
            if own < 8 or (enough and rel < median and own < 25):
                doc.off_topic = doc.praise = True
                continue
        if enough and rel < 0.35 * median:
            doc.off_topic = True


def _relevance(overlaps: list[float], total_sq: float) -> list[float]:
    """Each comment's relevance to the rest of the thread, from its overlap (dot product) with
    the sum of all vectors, whose squared norm is `total_sq`. Leave-one-out: a comment is not
    relevant to the thread because it is part of it. From `SUM_IN_ARRAYS` comments on, the
    same IEEE operations in arrays (issue 13)."""
    if len(overlaps) < SUM_IN_ARRAYS:
        out = []
        for overlap in overlaps:
            rest_sq = total_sq - 2 * overlap + 1.0
            out.append((overlap - 1.0) / math.sqrt(rest_sq) if rest_sq > 1e-9 else 0.0)
        return out
    import numpy as np

    overlap_all = np.array(overlaps, dtype=np.float64)
    rest_sq_all = total_sq - 2 * overlap_all + 1.0
    kept = rest_sq_all > 1e-9
    root = np.sqrt(np.where(kept, rest_sq_all, 1.0))
    return np.where(kept, (overlap_all - 1.0) / root, 0.0).tolist()
