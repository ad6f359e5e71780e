"""Stage 2: linking. Which comment (or the question itself) each comment answers.

In order of evidence: a person the cue names ("I agree with Alice", "@Bob", "what Carol said")
answers that person's latest comment; then an explicit reply link (exports, web threads, and the
`> quote` / `"quote" - reply` links that ingest finds in pasted text); then, for a comment with a
cue and no link, the thread's shape decides: in a tree (Hacker News, Reddit, Discourse) a
top-level comment answers the story, so the question; in chat it answers the previous speaker
(the latest comment by someone else). The opening comment answers nothing. A comment without a
cue is linked only by an explicit link or a name; it never gets a stance from its neighbours.

One pass, constant work per comment: linear in the thread.
"""

from __future__ import annotations

from collections import deque

from bot.summarize.offline.cues import (
    OPENING_SENTENCES,
    is_junk,
    named_person,
    negates,
    read_cue,
    reply_contrast,
)
from bot.summarize.offline.model import ROOT, Cue, Doc, Reporter
from bot.summarize.text import dot
from bot.textfold import CHAR_TABLE
from bot.thread import Thread

# Sources whose comments without a reply link answer the story (tree.py's convention).
TREE_SOURCES = frozenset({"hackernews", "reddit", "discourse"})
# How many earlier speakers a chat message without a link may be answering.
REPLY_WINDOW = 6


def opening_index(docs: list[Doc]) -> int | None:
    """The opening post: the first comment that is neither a bot's nor junk."""
    return next((d.index for d in docs if not d.comment.is_bot and not d.junk), None)


def link(docs: list[Doc], thread: Thread, report: Reporter) -> None:
    """Set every doc's cue, `disagrees`, `target` and `link`; count replies and disputes."""
    names: dict[str, str] = {}
    for doc in docs:
        if doc.comment.author and not doc.comment.is_bot:
            names.setdefault(doc.comment.author.casefold(), doc.comment.author)
    ids: dict[str, int] = {}
    for doc in docs:
        ids.setdefault(doc.comment.id, doc.index)
    tree = thread.source in TREE_SOURCES
    opening = opening_index(docs)
    latest: dict[str, int] = {}  # author -> their latest comment so far
    recent: deque[tuple[int, str]] = deque(maxlen=2 * REPLY_WINDOW)  # (doc, who), latest last
    total = len(docs)
    report("linking", 0, total)
    for doc in docs:
        report("linking", doc.index + 1, total)
        comment = doc.comment
        if comment.is_bot:
            continue
        who = comment.author or f"#{doc.index}"  # anonymous comments are each their own person
        own = comment.text[doc.body :]
        doc.cue, doc.disagrees = read_cue(comment.text, doc.spans)
        target, how = _explicit_target(doc, ids, names, latest, who)
        if target is None and doc.index != opening and (doc.cue is None or not doc.cue.weak):
            if tree:
                target, how = ROOT, "root"
            elif doc.cue is None or doc.cue.addressed:
                agreeing = doc.cue is not None and doc.cue.sign > 0
                previous = _previous_speaker(docs, doc, recent, who, agreeing)
                if previous is not None:
                    target, how = previous, "previous"
        if doc.cue is None and target is not None and target != ROOT:
            if negates(own, docs[target].comment.text[docs[target].body :]):
                doc.cue, doc.disagrees = Cue(-1, 1.0, "disagree"), True
            elif how == "reply":
                doc.cue = reply_contrast(own, quoted=doc.body > 0)
        if doc.cue is None and how not in ("reply", "named"):
            target, how = None, ""
        if doc.cue is not None and doc.cue.weak and how != "reply":
            target, how = None, ""
        doc.target, doc.link = target, how
        if target is not None and target != ROOT:
            parent = docs[target]
            parent.replies += 1
            if doc.cue is not None and doc.cue.sign < 0:
                parent.disputed = True
        if comment.author:
            latest[comment.author] = doc.index
        if doc.cue is not None or not doc.junk:
            recent.append((doc.index, who))


def _previous_speaker(
    docs: list[Doc], doc: Doc, recent: deque[tuple[int, str]], who: str, agreeing: bool
) -> int | None:
    """The comment a chat message with no link answers: the previous speaker's, unless one of
    the few before shares clearly more words with it (a reply echoes what it answers). An
    agreement ("Yes, ...") never answers a question such as "source?": it answers what was
    asked about."""
    candidates: list[int] = []
    for index, other in reversed(recent):
        if other == who:
            continue
        cue = docs[index].cue
        if agreeing and cue is not None and cue.kind == "query":
            continue
        candidates.append(index)
        if len(candidates) == REPLY_WINDOW:
            break
    if not candidates:
        return None
    nearest = candidates[0]
    near_sim = dot(doc.vector, docs[nearest].vector)
    best, best_sim = nearest, near_sim
    for index in candidates[1:]:
        sim = dot(doc.vector, docs[index].vector)
        if sim > best_sim + 1e-12:
            best, best_sim = index, sim
    # Comments on one topic all share words: only a clearly closer one beats the nearest.
    return best if best_sim >= 2.0 * near_sim + 0.05 else nearest


def _explicit_target(
    doc: Doc, ids: dict[str, int], names: dict[str, str], latest: dict[str, int], who: str
) -> tuple[int | None, str]:
    """A named person's latest comment, else the reply link; (None, "") without either."""
    if doc.spans:
        end = doc.spans[min(len(doc.spans), OPENING_SENTENCES) - 1][1]
        text = doc.comment.text[:end].translate(CHAR_TABLE)
        name = named_person(text, doc.spans[0][0], end, names)
        if name is not None and name != who and name in latest:
            return latest[name], "named"
    reply_to = doc.comment.reply_to
    if reply_to:
        parent = ids.get(reply_to)
        if parent is not None and parent < doc.index:
            return parent, "reply"
    return None, ""


def mark_junk(docs: list[Doc]) -> None:
    """Bots and junk (test posts, greetings, bare links, emoji) are never quoted."""
    for doc in docs:
        doc.junk = doc.comment.is_bot or is_junk(doc.comment.text[doc.body :])
