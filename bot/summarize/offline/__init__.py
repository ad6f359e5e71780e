"""The offline engine: an extractive, deterministic summary with no LLM and no network.

Stages, one module each:

0. `reading`: sentences, terms and TF-IDF vectors; where a comment's own words start; junk
   (test posts, greetings, bare links, emoji, bots), thanks and off-topic comments, never quoted.
1. `cues`: the stance evidence in a comment's own words ("I disagree", "No way", "fake",
   "source?", "I agree", "+1", "This.").
2. `linking`: what each cue answers: a named or @mentioned person, a reply link or quote, the
   story (tree threads), else the previous speaker (chat).
3. `sides`: the signed graph of those answers, 2-coloured, relative to the question. A comment
   with no evidence is on no side; it may appear under "Other points".
4. `extraction`: question, labels, positions, points, other points, common ground, open
   questions and notes, all from the commenters' own sentences.

Everything is linear in the size of the thread and sorted with position tie-breakers, so two
runs on the same thread give the same summary.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter

from bot.gcpause import paused_gc
from bot.result import MAIN_POINTS
from bot.summarize.engine import OFFLINE_ENGINE_VERSION
from bot.summarize.offline import extraction
from bot.summarize.offline.cues import grants_a_point
from bot.summarize.offline.linking import agenda_opening, link, only_questions_in, opening_index
from bot.summarize.offline.model import ROOT, Doc, Progress, Reporter, Unit
from bot.summarize.offline.reading import read
from bot.summarize.offline.sides import Camps, build_units, linked_weight, place
from bot.summarize.schema import Side, Summary
from bot.summarize.text import Terms, VectorTable
from bot.textfold import fold_casefold
from bot.thread import Thread

__all__ = [
    "ENGINE_VERSION",
    "LinkedCue",
    "Progress",
    "assign_sides",
    "linked_cues",
    "stance_evidence",
    "summarize_offline",
]

ENGINE_VERSION = OFFLINE_ENGINE_VERSION  # defined beside the Engine protocol (light to import)

MAX_PARTICIPANTS = 50  # a side lists at most this many names (renderers cap further)


@dataclass(slots=True)
class _Analysis:
    docs: list[Doc]
    units: list[Unit]
    terms: Terms
    idf: dict[str, float]
    table: VectorTable  # every comment's vector in arrays (docs[i].index == i)
    camps: Camps
    opening: int | None


def _analyse(thread: Thread, report: Reporter) -> _Analysis:
    terms = Terms()
    docs, idf, table = read(thread, terms, report)
    link(docs, thread, report)
    units = build_units(docs)
    report("assigning", 0, 1)
    camps = place(docs, units, thread)
    opening = opening_index(docs)
    if camps.two_sides:
        posts = Counter(map(attrgetter("unit"), docs))  # (counted in C: issue 13)
        for doc in docs:
            # A person's side is their view, but not every line they post takes it: side talk,
            # a question of fact, thanks or a laugh with no cue of its own, that nobody
            # answered, stays on no side when the person's side comes from their other posts.
            if (
                doc.side is not None
                and doc.cue is None
                and doc.index != opening
                and doc.replies == 0
                and posts[doc.unit] > 1
                and _aside(doc)
            ):
                doc.side = None
        for doc in docs:
            # A comment that agrees with someone on the other side ("ok that's a fair point")
            # takes that side's point, whatever its author argues elsewhere.
            cue, target = doc.cue, doc.target
            if (
                cue is not None
                and cue.sign > 0
                and doc.side is not None
                and target is not None
                and target != ROOT
                and (other := docs[target].side) is not None
                and other != doc.side
                and grants_a_point(doc.comment.text, doc.spans, doc.own)
            ):
                doc.side, doc.granted = other, True
    if not camps.two_sides:
        for doc in docs:
            if extraction.quotable(doc):
                doc.side = 0
    report("assigning", 1, 1)
    return _Analysis(docs, units, terms, idf, table, camps, opening)


def _aside(doc: Doc) -> bool:
    return doc.off_topic or doc.junk or doc.praise or only_questions_in(doc)


# No step makes reference cycles: the collector would only walk the comments' objects again and
# again (`bot.gcpause`).
@paused_gc()
def assign_sides(thread: Thread) -> list[int | None]:
    """The side (an index into `summarize_offline(thread)[0].sides`) of every comment of
    `thread`, in thread order; None for a comment on no side (no stance evidence, a bot, junk).

    This is what the summary's sides are built from; it exists so that side quality can be
    measured against labels, which a summary alone (it quotes only a few comments) cannot show.
    """
    return [doc.side for doc in _analyse(thread, Reporter(None)).docs]


@dataclass(frozen=True, slots=True)
class LinkedCue:
    """One comment's stance evidence as the sides stage weighs it: its cue's `kind` and `sign`,
    what it answers (`target`: a comment id, or None for the question) and how that was found
    (`link`: reply, named, previous, or root for the question), and a bare yes or no on the
    question beside it (`vote`: +1, -1 or 0); `weight` is what the sides stage weighs the edge
    (`sides.linked_weight`: the measured weight of its kind, scaled by its row's; 0 for a weak
    cue the stage does not count)."""

    comment_id: str
    target: str | None
    kind: str
    sign: int
    link: str
    vote: int
    weight: float = field(default=0.0, compare=False)


@paused_gc()
def linked_cues(thread: Thread) -> list[LinkedCue]:
    """Every linked cue of `thread`, in thread order: what `sides.EDGE_WEIGHTS` weighs, listed so
    that its weights can be measured against labelled camps (`bot.bench.edge_bench`)."""
    return stance_evidence(thread)[0]


@paused_gc()
def stance_evidence(thread: Thread) -> tuple[list[LinkedCue], str | None]:
    """`linked_cues`, and the first comment that holds a disagreement cue anywhere in its own
    words (None: none does): where this engine would not say "no disagreement", and so where no
    other engine's answer may either (`bot.summarize.evidence`)."""
    docs = _analyse(thread, Reporter(None)).docs
    cues = [
        LinkedCue(
            doc.comment.id,
            None if doc.target == ROOT else docs[doc.target].comment.id,
            doc.cue.kind,
            doc.cue.sign,
            "root" if doc.target == ROOT else doc.link,
            doc.vote,
            linked_weight(doc),
        )
        for doc in docs
        if doc.cue is not None and doc.target is not None
    ]
    disagreeing = next((d.comment.id for d in docs if d.disagrees and not d.junk), None)
    return cues, disagreeing


@paused_gc()
def summarize_offline(
    thread: Thread,
    *,
    max_points_per_side: int = 4,
    progress: Progress | None = None,
) -> tuple[Summary, list[str]]:
    """Summarize a deduplicated `thread` extractively, with no LLM and no network.

    Returns the summary and notes: true sentences about what the engine found (for example
    "No disagreement found: ..." only when no comment holds a disagreement cue). With a
    disagreement whose camps the evidence separates there are two sides with at most
    `max_points_per_side` points each, and comments with no stance evidence give up to as many
    "other points"; otherwise exactly one side, "Main points". Every quote is a verbatim span of
    the comment it cites; point texts, labels and positions are the commenters' sentences,
    shortened, never invented claims. Deterministic, and linear in the size of the thread.
    `progress` is called with (stage, done, total) every few hundred comments.
    """
    report = Reporter(progress)
    cap = max(1, max_points_per_side)
    a = _analyse(thread, report)
    docs, terms, idf = a.docs, a.terms, a.idf
    two = a.camps.two_sides
    n_sides = 2 if two else 1
    agenda = a.opening is not None and agenda_opening(docs[a.opening])
    question = extraction.question(thread.title, docs, a.opening, agenda)

    report("extracting", 0, n_sides)
    # Names with a space ("Big Stu"), longest first: a leading "@Big Stu" is taken off whole.
    names = sorted({n for d in docs for n in _authors(d) if " " in n}, key=lambda n: (-len(n), n))
    table = a.table  # every comment's vector in arrays, built once by `read`
    members = [[d for d in docs if d.side == s] for s in range(n_sides)]
    centroids = [
        extraction.centroid([d for d in m if extraction.quotable(d)], table) for m in members
    ]
    used: set[tuple[int, tuple[int, int]]] = set()
    # For `_spans_of`, made once (in C: issue 13); the last doc of an id wins, as in a loop.
    by_id = dict(zip(map(attrgetter("comment.id"), docs), docs, strict=True))
    positions: list[str] = []
    origins: list[tuple[int, tuple[int, int]] | None] = []
    side_points = []
    for s in range(n_sides):
        text, origin = extraction.position(
            docs, s, terms, a.opening, a.camps.anchored, names, agenda
        )
        if not two and _same_words(text, question):
            # One side whose opening sentence is the question shown above it ("Should X?"):
            # its best point states it instead, once.
            origin = None
        skip = {origin} if origin is not None else set()
        other = centroids[1 - s] if two else {}
        points = extraction.pick_points(
            members[s],
            centroids[s],
            other,
            idf,
            terms,
            cap,
            skip,
            question if two else "",
            table,
            names=names,
        )
        if two and not members[s]:
            text = extraction.NOBODY  # (a side of the question nobody in the thread took)
        elif origin is None and points:
            text = points[0].text  # no opening sentence of its own: the best point states it
        elif origin is not None and not points:
            # The side's only statement is the one its position was cut from: it is also its
            # point, quoted and cited, so that the position is checkable (renderers show it
            # once, see `bot.render.common.position_is_first_point`).
            points = [extraction.position_point(docs[origin[0]], origin[1], text)]
        positions.append(text)
        origins.append(origin)
        side_points.append(points)
        used.update(skip)
        used.update(_spans_of(by_id, points))
        report("extracting", s + 1, n_sides)
    labels = (
        extraction.labels(
            question,
            positions,
            a.camps.anchored,
            marked=any(d.link == "marked" for d in docs if d.side is not None),
            # (a thesis heads the list on side 0, unmarked: "1. Zoos should be abolished" over
            # "1.1. Pro: ..."; a list under headings has none)
            thesis=origins[0] is not None and docs[origins[0][0]].link != "marked",
        )
        if two
        else [MAIN_POINTS]
    )
    if two and a.camps.names:
        # The answers to "Python or Rust?": each side is the option its people picked.
        labels = [name[:1].upper() + name[1:] for name in a.camps.names]
    last = _last_sides(docs)
    sides = [
        Side(
            label=labels[s] or f"Side {s + 1}",
            position=positions[s],
            participants=_participants(members[s], last, s),
            comment_ids=[d.comment.id for d in members[s]],
            points=side_points[s],
        )
        for s in range(n_sides)
    ]
    other_points = []
    if two:
        # A chair's agenda opening is the question shown above, not one of the other points.
        rest = [
            d
            for d in docs
            if d.side is None and extraction.quotable(d) and not (agenda and d.index == a.opening)
        ]
        other_points = extraction.pick_points(
            rest,
            extraction.centroid(rest, table),
            {},
            idf,
            terms,
            cap,
            used,
            table=table,
            names=names,
        )
        used.update(_spans_of(by_id, other_points))
    summary = Summary(
        question=question,
        sides=sides,
        common_ground=extraction.common_ground(docs, terms, used, two, names),
        open_questions=extraction.open_questions(docs, terms, idf, question, used, table),
        other_points=other_points,
    )
    return summary, extraction.notes(docs, two, a.camps.conflicts, bool(other_points))


def _same_words(a: str, b: str) -> bool:
    return fold_casefold(a).rstrip(" .?!") == fold_casefold(b).rstrip(" .?!")


def _spans_of(index: dict[str, Doc], points) -> set[tuple[int, tuple[int, int]]]:
    """The (doc, span) of every point's quote, so that nothing is quoted twice (`index`: each
    comment id's doc, the last of any that share one)."""
    out = set()
    for point in points:
        for quote in point.quotes:
            doc = index[quote.comment_id]
            at = doc.comment.text.find(quote.text)
            if at >= 0:
                out.add((doc.index, (at, at + len(quote.text))))
    return out


def _last_sides(docs: list[Doc]) -> dict[str, int]:
    """The side of each person's last comment on a side (their folded copies' authors too); a
    point granted to the other side counts only for someone with no other comment on a side."""
    last: dict[str, int] = {}
    granted: list[Doc] = []
    for doc in docs:
        if doc.side is not None:
            if doc.granted:
                granted.append(doc)
                continue
            for name in _authors(doc):
                last[name] = doc.side
    for doc in granted:
        for name in _authors(doc):
            last.setdefault(name, doc.side)  # type: ignore[arg-type]  # on a side
    return last


def _participants(members: list[Doc], last: dict[str, int], side: int) -> list[str]:
    """Everyone on the side (its `members`, in thread order), the authors of folded copies
    included, in order of first comment. Someone who changed their mind ("I was for it, but
    ...") is listed where they ended up (`last`, from `_last_sides`): their earlier comments
    stay on the side they argued, but a person is on one side only."""
    seen: dict[str, None] = {}
    for doc in members:
        for name in _authors(doc):
            if last[name] == side:
                seen.setdefault(name, None)
    return list(seen)


def _authors(doc: Doc) -> list[str] | tuple[str, ...]:
    """``doc.comment.authors``, with no list built for a comment without copies (most)."""
    comment = doc.comment
    if comment.copies:
        return comment.authors
    return (comment.author,) if comment.author else ()
