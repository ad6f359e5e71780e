"""The offline engine: an extractive, deterministic summary with no LLM and no network.

How it works, in order:

1. **Read.** Every comment is split into sentences (spans into its text) and content terms
   (stopwords removed, lightly stemmed), and gets a TF-IDF vector. A leading quotation of another
   comment (``"their words" - my reply`` or ``> their words``) is not the commenter's own words:
   it is skipped for cues and never quoted as theirs.
2. **Link.** A reply whose opening sentences carry an agreement cue ("I agree", "+1", "I'm fully
   on board") says "same side as the parent"; a disagreement cue ("I disagree", "I think the
   opposite", "as far as I know there is no", "Yes and no", or agreement followed by "but"/"yet")
   says "the other side". Without a `reply_to` link (pasted text has only some), a comment whose
   opening carries a clear cue is taken as a reply to a recent comment: the previous one, unless
   one of the few before it shares clearly more words (pasted threads are in reading order, and
   a reply usually answers what it echoes). Opening "But ..." alone is too ambiguous to link
   that way: in pasted text it is as often the same person going on.
3. **Sides.** Comments by one author are one node; anonymous comments are one node each. The
   signed edges are 2-coloured by a maximum spanning forest (strongest evidence first, a
   contradicting weaker edge is dropped), then nodes flip where the weighted majority of their
   edges says so. The largest component with a disagreement defines the two sides; other
   components are oriented, and unlinked comments assigned, by cosine similarity to the sides'
   centroids. Comments that thank or praise and are about little else, or share almost no terms
   with the thread, are left out of the sides.
4. **Extract.** For each side, sentences close to the side's centroid and away from the other
   side's (weighted by replies received and a sane length) are picked with maximal marginal
   relevance, up to the same cap for every side. Each point quotes its sentence verbatim (cut on a
   clause boundary when long). Labels are the side's most distinctive terms; the position is its
   most central sentence. Common ground is agreement ("I fully agree regarding ...") across
   sides; open questions are unanswered or disputed questions, verbatim.

Everything is linear in the number of comments (similarities are to centroids or to a few
recent comments, never all pairs) and sorted with position tie-breakers, so two runs on the same
thread give the same summary.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.summarize.schema import Point, Quote, Side, Summary
from bot.summarize.text import (
    Terms,
    Vector,
    add_into,
    clause_cut,
    document_frequencies,
    dot,
    idf_weights,
    normalized,
    sentence_spans,
    shorten,
    tfidf,
    word_count,
)
from bot.summarize.verify import quote_matches
from bot.textfold import CHAR_TABLE
from bot.thread import Comment, Thread

ENGINE_VERSION = "offline-2"  # 2: sides list their member comments

Progress = Callable[[str, int, int], None]

MAX_QUOTE_CHARS = 300
MAX_POINT_CHARS = 200
MAX_COMMON_GROUND = 3
MAX_OPEN_QUESTIONS = 3
PROGRESS_EVERY = 250
# How many earlier comments a pasted reply without a link may be answering.
REPLY_WINDOW = 6
OPENING_SENTENCES = 3
REFINE_ROUNDS = 3

_I = re.IGNORECASE

_ADVERBS = (
    r"(?:(?:fully|completely|totally|entirely|strongly|absolutely|really|do|also|mostly|largely|"
    r"certainly|definitely|100%|wholeheartedly|would|tend to|kind of|sort of|somewhat|partly|"
    r"partially|generally|broadly|actually|very much|both) )"
)
# Each cue: its kind, words one of which must be in the (lowercased) text for it to match, and
# the pattern. The words are a cheap filter: running every pattern over every comment of a large
# thread costs far more than a few substring tests.
_CUE_TABLE_ROWS: list[tuple[str, tuple[str, ...], str]] = [
    ("disagree", ("disagree",), r"\bdisagree\b(?<!agree to disagree)"),
    ("disagree", ("agree",), r"\bI (?:do not|don'?t|can'?t|cannot) agree\b"),
    (
        "disagree",
        ("sure", "convinced"),
        r"\bnot (?:so |too |that |really |entirely |at all )sure\b|\bnot (?:\w+ )?convinced\b",
    ),
    (
        "disagree",
        ("opposit",),
        r"\b(?:think|believe|would say|'d say|would argue|'d argue|argue) (?:just |quite "
        r"|exactly |rather )?the opposit|\bquite the opposite\b|\bthe opposite is (?:true|the "
        r"case)\b",
    ),
    ("disagree", ("contrary",), r"\bon the contrary\b"),
    (
        "disagree",
        ("wrong", "incorrect", "false", "untrue", "mistaken", "nonsense"),
        r"\b(?:that'?s|that is|this is|you'?re|you are|it'?s|it is) (?:just |simply |completely "
        r"|totally |plain |plainly |flat out |dead )?(?:wrong|incorrect|false|untrue|mistaken"
        r"|nonsense)\b",
    ),
    (
        "disagree",
        ("not true", "not correct", "not right", "not accurate", "not the case"),
        r"\b(?:that'?s|that is|this is|it'?s|it is) not (?:true|correct|right|accurate|the "
        r"case)\b",
    ),
    (
        "disagree",
        ("evidence", "argument", "proof", "reason"),
        r"(?:n't|\bnot|\bhardly) (?:\w+ ){0,4}?(?:strong|good|convincing|compelling|solid"
        r"|sufficient|enough|real) (?:evidence|argument|proof|reason)"
        r"|\b(?:there is|there's|that's|that is) no evidence\b",
    ),
    (
        "disagree",
        ("see why", "see how"),
        r"\bI (?:just |really |still |simply )?(?:do not|don'?t|can'?t|cannot|fail to) see "
        r"(?:why|how)\b",
    ),
    (
        "disagree",
        ("as far as",),
        r"\bas far as I (?:know|can tell|am aware|'m aware),? (?:there (?:is|are|was|were|has "
        r"been|have been) no|nobody|no one)\b",
    ),
    (
        "disagree",
        ("even if you",),
        r"\beven if you (?:\w+ ){0,2}?(?:hold|believe|think|accept|assume|grant|take|buy)\b",
    ),
    (
        "disagree",
        ("different",),
        r"\bwe (?:\w+ )?have (?:very )?different (?:ideas|views|opinions|definitions)\b",
    ),
    ("disagree", ("think so", "believe so"), r"\bI (?:don'?t|do not) (?:think|believe) so\b"),
    ("disagree", ("buy",), r"\bI (?:don'?t|do not) buy (?:it|that|this|the)\b"),
    ("disagree", ("the point",), r"\b(?:miss(?:es|ing)?|missed) the point\b"),
    (
        "disagree",
        ("straw", "dichotomy", "equivalence", "sequitur"),
        r"\bthat(?:'s| is) (?:a |an )?(?:straw ?man|false dichotomy|false equivalence"
        r"|non[- ]sequitur)\b",
    ),
    ("disagree", ("citation needed",), r"\bcitation needed\b"),
    ("partial", ("yes and no",), r"\byes and no\b"),
    ("partial", ("of but", "of, but"), r"\b(?:sort|kind) of,? but\b"),
    ("partial", ("up to a point",), r"\bup to a point\b"),
    ("partial", ("extent",), r"\bto (?:some|a certain) extent\b"),
    (
        "partial",
        ("entirely", "completely", "quite", "necessarily", "always"),
        r"\bnot (?:entirely|completely|quite|necessarily|always) (?:true|right|correct|accurate"
        r"|the case)\b",
    ),
    ("agree", ("agree",), rf"\bI {_ADVERBS}{{0,2}}agree\b(?! to disagree)"),
    ("agree", ("agreed",), r"\bagreed\b"),
    ("agree", ("agree more",), r"\bcould ?n'?t agree more\b"),
    ("agree", ("board",), r"\bI'?m (?:fully |completely |totally |100% |all |so )?on board\b"),
    ("agree", ("point",), r"\b(?:good|great|fair|excellent|valid|strong) point\b"),
    ("agree", ("well said",), r"\bwell said\b"),
    ("agree", ("spot on",), r"\bspot on\b"),
    (
        "agree",
        ("right",),
        r"\byou(?:'re| are) (?:absolutely |so |totally |completely |quite |exactly )?right\b",
    ),
    ("agree", ("+1",), r"\+1\b(?<![\w+]\+1)"),
    ("agree", ("same here",), r"\bsame here\b"),
    (
        "agree",
        ("right", "true", "correct"),
        r"\bthat'?s (?:exactly |so |very )?(?:right|true|correct)\b",
    ),
]
_CUE_ORDER = {"disagree": 0, "partial": 1, "agree": 2}
_CUE_PATTERNS = [(kind, words, re.compile(p, re.IGNORECASE)) for kind, words, p in _CUE_TABLE_ROWS]
_AGREE = re.compile("|".join(p for kind, _, p in _CUE_TABLE_ROWS if kind == "agree"), _I)
# Cues that are a whole sentence or its first words; used with match(text, begin, end).
_AGREE_SENTENCE = re.compile(
    r"\W*(?:exactly|precisely|this|same|so true|true|indeed|correct|yes|yep)\W*$"
    r"|\W*(?:exactly|precisely)\b",
    _I,
)
# "No, ..." but not "No-one ...".
_DISAGREE_SENTENCE = re.compile(r"\W*(?:no|nope|nah|wrong)(?:\s*[,.!:;]|\s+[-\u2013\u2014]\s)", _I)
# After an agreement, these turn it into a concession ("I agree ..., but ...").
# A contrast after a comma or dash ("I agree, but", "on board with you - yet"), or within a
# few words of the agreement ("I agree but"); "no one but the police" is not one.
_CONTRAST = re.compile(
    r"(?P<after_comma>(?:[,;:]|\s[-\u2013\u2014])\s*(?:but(?! also\b| rather\b)|yet|however|though"
    r"|although|that said|having said that)\b)|^\W*(?:\w+\W+){0,3}?(?P<near>(?:but|yet)\b)"
    r"(?! also\b)",
    _I,
)
_CONTRAST_OPENING = re.compile(
    r"\W*(?:but|yet|however|though|still|that said|having said that|then again)\b", _I
)
_WEAK_OPENING = re.compile(r"\W*(?:but|however|actually|well,? actually|except)\b", _I)
_PRAISE = re.compile(
    r"\b(?:thank(?:s| you)|kudos|cheers|bravo|(?:great|super|nice|excellent|wonderful|brilliant|"
    r"fascinating|amazing|awesome|fantastic|good|interesting) (?:article|post|piece|read|write-?up|"
    r"work|job|summary|video)|well written|this is (?:fascinating|great|brilliant|amazing)|"
    r"loved (?:this|it|reading))\b",
    _I,
)
_PRAISE_WORDS = (
    "thank",
    "kudos",
    "cheers",
    "bravo",
    "article",
    "post",
    "piece",
    "read",
    "write",
    "work",
    "job",
    "summary",
    "video",
    "well written",
    "this is",
    "loved",
)
_LEADING_QUOTE = re.compile(
    r"\s*(?:(?:>[^\n]*(?:\n|$))+|[\"\u201c\u201e][^\"\u201c\u201d\u201e\n]{8,}[\"\u201d\u201f]"
    r"\s*[-\u2010-\u2015:,]?)\s*"
)
_SECOND_PERSON = re.compile(r"\byou(?:r|rs|'re|'ve|'d)?\b", _I)
_QUESTION_END = re.compile(r"\?[\"'\u201d\u2019)\]]*$")
_URL = re.compile(r"https?://\S+")
# Leading discourse markers dropped from a point's own text (never from a quote).
_POINT_LEAD = re.compile(
    r"^(?:(?:but|and|so|again|also|yet|however|well|actually|still|plus|then)\b[,:]?\s+"
    r"|(?:\+1|yes|yeah|exactly|indeed|agreed|true|yes and no|(?:good|fair|great) point|well said"
    r"|I (?:fully |totally |completely )?agree|I (?:strongly |respectfully )?disagree"
    r"|(?:I think |I'd say )?(?:quite )?the opposite|on the contrary|I'?m not (?:so )?sure"
    r"|that'?s (?:just |simply )?(?:wrong|not true)|no|nope)\s*[,.!:;\-\u2013\u2014]\s*)+",
    _I,
)
# Terms that say how people argue rather than what about: never a side's label.
_LABEL_STOP = frozenset(
    "agree disagree oppositie opposite fully board point evidence view problem thank thanks "
    "people person comment post article guess sorry lol yeah mean".split()
)


@dataclass(frozen=True, slots=True)
class _Cue:
    sign: int  # +1: same side as the parent; -1: the other side
    weight: float
    weak: bool  # only trusted with an explicit reply link
    kind: str
    addressed: bool  # speaks to someone: an answer, an agreement, or "you"
    agreement: tuple[int, int] | None = None  # the agreeing clause, as a span of the comment


@dataclass(slots=True)
class _Doc:
    index: int
    comment: Comment
    body: int  # where the commenter's own words start (after a leading quotation)
    spans: list[tuple[int, int]]
    vector: Vector
    unit: int = -1
    cue: _Cue | None = None
    parent: int | None = None
    inferred: bool = False
    replies: int = 0
    disputed: bool = False  # received a disagreeing reply
    off_topic: bool = False
    side: int | None = None


@dataclass(slots=True)
class _Unit:
    docs: list[int] = field(default_factory=list)
    author: str | None = None


@dataclass(frozen=True, slots=True)
class _Candidate:
    doc: int
    span: tuple[int, int]
    vector: Vector
    score: float


class _Reporter:
    """Calls the progress callback every `PROGRESS_EVERY` items and at the end of a stage."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._progress is not None and (
            done == total or done == 0 or done % PROGRESS_EVERY == 0
        ):
            self._progress(stage, done, total)


def summarize_offline(
    thread: Thread,
    *,
    max_points_per_side: int = 4,
    progress: Progress | None = None,
) -> tuple[Summary, list[str]]:
    """Summarize a deduplicated `thread` extractively, with no LLM and no network.

    Returns the summary and notes: human-readable sentences about what the engine found or could
    not find (for example "No disagreement found: ..."). With a disagreement there are two sides
    with at most `max_points_per_side` points each; without one, exactly one side, "Main points".
    Every quote is a verbatim span of the comment it cites; point texts, labels and positions are
    the commenters' sentences, shortened, never invented claims. Sides list participants only
    when comments have authors. Deterministic, and linear in the number of comments. `progress`
    is called with (stage, done, total) every few hundred comments.
    """
    report = _Reporter(progress)
    cap = max(1, max_points_per_side)
    analysis = _analyse(thread, report)
    docs, units, terms, idf = analysis.docs, analysis.units, analysis.terms, analysis.idf
    n_sides = 2 if analysis.two_sides else 1

    report("extracting", 0, n_sides)
    centroids = [_centroid(docs, s) for s in range(n_sides)]
    used: set[tuple[int, tuple[int, int]]] = set()
    side_points: list[list[_Candidate]] = []
    for s in range(n_sides):
        others = [centroids[o] for o in range(n_sides) if o != s]
        chosen = _pick_points(docs, s, centroids[s], others, idf, terms, cap)
        side_points.append(chosen)
        used.update((c.doc, c.span) for c in chosen)
        report("extracting", s + 1, n_sides)
    sides = [_side(docs, units, s, side_points[s], n_sides, terms) for s in range(n_sides)]

    question = _question(thread, docs, terms, analysis.two_sides)
    summary = Summary(
        question=question,
        sides=sides,
        common_ground=_common_ground(docs, terms, used, analysis.two_sides),
        open_questions=_open_questions(docs, terms, idf, question, used),
    )
    notes = _notes(docs, analysis.two_sides, analysis.inferred, analysis.conflicts)
    return summary, notes


def assign_sides(thread: Thread) -> list[int | None]:
    """The side (an index into `summarize_offline(thread)[0].sides`) of every comment of
    `thread`, in thread order; None for a comment left out (off-topic, a bot, no content).

    This is what the summary's sides are built from; it exists so that side quality can be
    measured against labels, which a summary alone (it quotes only a few comments) cannot show.
    """
    analysis = _analyse(thread, _Reporter(None))
    return [doc.side for doc in analysis.docs]


@dataclass(slots=True)
class _Analysis:
    docs: list[_Doc]
    units: list[_Unit]
    terms: Terms
    idf: dict[str, float]
    two_sides: bool
    inferred: int
    conflicts: int


def _analyse(thread: Thread, report: _Reporter) -> _Analysis:
    """Read, link and place every comment on a side (steps 1 to 3 of the module docstring)."""
    terms = Terms()
    docs, idf = _read(thread, terms, report)
    _mark_praise_and_noise(docs)
    inferred = _link(docs, terms, idf, report)
    units = _units(docs)
    colour, conflicts = _colour(docs, units)
    two_sides = colour is not None
    if colour is not None:
        _assign(docs, units, colour, report)
        # Sides are numbered in reading order: side 0 holds the earliest placed comment.
        first_side = next((d.side for d in docs if d.side is not None), 0)
        if first_side == 1:
            for doc in docs:
                if doc.side is not None:
                    doc.side = 1 - doc.side
    else:
        for doc in docs:
            if not doc.off_topic and doc.vector:
                doc.side = 0
    return _Analysis(docs, units, terms, idf, two_sides, inferred, conflicts)


# --- 1. Read ---------------------------------------------------------------------------------


def _read(thread: Thread, terms: Terms, report: _Reporter) -> tuple[list[_Doc], dict[str, float]]:
    comments = list(thread.comments)
    total = len(comments)
    bodies: list[int] = []
    term_lists: list[list[str]] = []
    report("reading", 0, total)
    for i, comment in enumerate(comments):
        body = _body_start(comment.text)
        bodies.append(body)
        term_lists.append([] if comment.is_bot else terms(comment.text[body:]))
        report("reading", i + 1, total)
    df = document_frequencies(term_lists)
    if total >= 5:
        # A word only one comment uses says nothing about who agrees with whom; keeping it would
        # only inflate the norms of long comments and of the sides they are on.
        df = {term: count for term, count in df.items() if count >= 2}
    idf = idf_weights(df, max(1, total))
    docs = [
        _Doc(
            index=i,
            comment=comment,
            body=bodies[i],
            spans=sentence_spans(comment.text, bodies[i]),
            vector=tfidf(term_lists[i], idf),
        )
        for i, comment in enumerate(comments)
    ]
    return docs, idf


def _body_start(text: str) -> int:
    """Where the commenter's own words start: after a leading quotation of someone else."""
    match = _LEADING_QUOTE.match(text)
    if match is None or match.end() >= len(text.rstrip()):
        return 0
    return match.end()


def _mark_praise_and_noise(docs: list[_Doc]) -> None:
    """Provisionally mark comments that are thanks or praise with little topic in them, or that
    share almost no terms with the thread (jokes, asides). A cue-linked comment is kept later."""
    live = [d for d in docs if not d.comment.is_bot]
    for doc in docs:
        if doc.comment.is_bot or not doc.vector:
            doc.off_topic = True
    total: Vector = {}
    for doc in live:
        add_into(total, doc.vector)
    total_sq = _norm_sq(total)
    relevance: dict[int, float] = {}
    for doc in live:
        if not doc.vector:
            continue
        # Leave-one-out: a comment is not relevant to the thread because it is part of it.
        overlap = dot(doc.vector, total)
        rest_sq = total_sq - 2 * overlap + 1.0
        overlap -= 1.0
        relevance[doc.index] = overlap / math.sqrt(rest_sq) if rest_sq > 1e-9 else 0.0
    values = sorted(relevance.values())
    enough = len(values) >= 5
    median = values[len(values) // 2] if values else 0.0
    for doc in live:
        if doc.index not in relevance:
            continue
        rel = relevance[doc.index]
        praise = _is_praise(doc.comment.text)
        if praise and (not enough or rel < median):
            doc.off_topic = True
        elif enough and rel < 0.35 * median:
            doc.off_topic = True


def _is_praise(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in _PRAISE_WORDS) and _PRAISE.search(text) is not None


def _norm_sq(vector: Vector) -> float:
    return sum(v * v for v in vector.values())


# --- 2. Link ---------------------------------------------------------------------------------


def _cue(doc: _Doc) -> _Cue | None:
    """The agreement or disagreement signalled by the opening sentences of `doc`, if any.

    Agreement followed by a contrast or a disagreement ("I agree ..., but ...", "I'm fully on
    board with you - yet ...") is a concession: it counts as partial disagreement, and its
    agreeing clause is kept as possible common ground.
    """
    opening = doc.spans[:OPENING_SENTENCES]
    if not opening:
        return None
    text = doc.comment.text[: opening[-1][1]].translate(CHAR_TABLE)
    found: list[tuple[int, int, str]] = []  # (sentence, position, kind)
    for at, kind in _find_cues(text, opening[0][0]):
        k = next(i for i, (_, e) in enumerate(opening) if at < e or i == len(opening) - 1)
        found.append((k, at, kind))
    for k, (b, e) in enumerate(opening):
        if _AGREE_SENTENCE.match(text, b, e):
            found.append((k, b, "agree"))
        elif _DISAGREE_SENTENCE.match(text, b, e):
            found.append((k, b, "disagree"))
    found.sort()
    if not found:
        b, e = opening[0]
        if _WEAK_OPENING.match(text, b, e):
            return _Cue(-1, 0.35, True, "contrast", True)
        return None
    agree = next((f for f in found if f[2] == "agree"), None)
    if agree is not None:
        k, at, _ = agree
        b, e = opening[k]
        match = _AGREE.match(text, at, e)
        after = match.end() if match is not None else at
        contrast = _CONTRAST.search(text[after:e])
        turned = (
            contrast is not None
            # A disagreement cue turns it only from a later sentence: within the agreeing one,
            # "that is wrong" is usually what is agreed with.
            or any(f[0] > k and f[2] != "agree" for f in found)
            or any(_CONTRAST_OPENING.match(text, b2, e2) for b2, e2 in opening[k + 1 :])
        )
        clause_end = e
        if contrast is not None:
            clause_end = after + contrast.start(contrast.lastgroup or 0)
        clause = _trim_span(text, b, clause_end)
        if turned:
            return _Cue(-1, 0.6, False, "concession", True, clause)
        return _Cue(+1, 1.0 if k == 0 else 0.7, False, "agree", True, clause)
    k, _, kind = found[0]
    if kind == "partial" and not any(f[2] == "disagree" for f in found):
        return _Cue(-1, 0.6, False, "partial", True)
    k = next(f[0] for f in found if f[2] == "disagree") if kind == "partial" else k
    addressed = _SECOND_PERSON.search(text, opening[0][0], opening[k][1]) is not None
    return _Cue(-1, 1.0 if k == 0 else 0.7, False, "disagree", addressed)


def _find_cues(text: str, begin: int) -> list[tuple[int, str]]:
    """(position, kind) of every agreement or disagreement cue in `text[begin:]`, in order; at
    one position disagreement wins ("I don't agree" is never read as agreement)."""
    lowered = text[begin:].lower()
    hits: list[tuple[int, int, str]] = []
    for kind, words, pattern in _CUE_PATTERNS:
        if any(word in lowered for word in words):
            hits.extend((m.start(), _CUE_ORDER[kind], kind) for m in pattern.finditer(text, begin))
    hits.sort()
    out: list[tuple[int, str]] = []
    for at, _, kind in hits:
        if not out or out[-1][0] != at:
            out.append((at, kind))
    return out


def _without_cue(text: str, span: tuple[int, int]) -> str:
    """The agreeing clause `text[span]` without its agreement phrase: what is agreed with."""
    clause = text[span[0] : span[1]]
    match = _AGREE.search(clause.translate(CHAR_TABLE))
    if match is None:
        return clause
    return clause[: match.start()] + " " + clause[match.end() :]


def _trim_span(text: str, begin: int, end: int) -> tuple[int, int]:
    while end > begin and (text[end - 1].isspace() or text[end - 1] in ",;:-"):
        end -= 1
    return begin, end


def _link(docs: list[_Doc], terms: Terms, idf: dict[str, float], report: _Reporter) -> int:
    """Set each doc's cue and parent; returns how many links were inferred from reading order."""
    ids = {}
    for doc in docs:
        ids.setdefault(doc.comment.id, doc.index)
    inferred = 0
    total = len(docs)
    report("linking", 0, total)
    for doc in docs:
        report("linking", doc.index + 1, total)
        if doc.comment.is_bot:
            continue
        doc.cue = _cue(doc)
        parent = ids.get(doc.comment.reply_to) if doc.comment.reply_to else None
        if parent is not None and parent != doc.index:
            doc.parent = parent
        elif doc.cue is not None and not doc.cue.weak:
            doc.parent = _likely_parent(docs, doc, terms, idf)
            if doc.parent is not None:
                doc.inferred = True
                inferred += 1
        if doc.parent is not None:
            parent_doc = docs[doc.parent]
            parent_doc.replies += 1
            if doc.cue is not None and doc.cue.sign < 0:
                parent_doc.disputed = True
    return inferred


def _likely_parent(docs: list[_Doc], doc: _Doc, terms: Terms, idf: dict[str, float]) -> int | None:
    """The comment a pasted reply most likely answers, among the few before it.

    The previous comment, unless an earlier one (within `REPLY_WINDOW`) shares at least twice as
    much: a reply usually follows what it answers, and echoes its words. A concession ("I agree
    the model is role-playing, but ...") restates what it concedes, so its agreeing clause is
    what is compared. A cue that does not address anyone ("I don't see why we should ...") may
    be about the topic rather than a comment: it links only to a comment sharing some terms.
    """
    vector = doc.vector
    cue = doc.cue
    if cue is not None and cue.agreement is not None:
        clause_vector = tfidf(terms(_without_cue(doc.comment.text, cue.agreement)), idf)
        if len(clause_vector) >= 2:
            vector = clause_vector
    author = doc.comment.author
    nearest: tuple[float, int] | None = None
    best: tuple[float, float, int] | None = None
    for distance in range(1, REPLY_WINDOW + 1):
        j = doc.index - distance
        if j < 0:
            break
        other = docs[j]
        if other.comment.is_bot or other.off_topic:
            continue
        if author is not None and other.comment.author == author:
            continue
        sim = dot(vector, other.vector)
        if nearest is None:
            nearest = (sim, j)
        score = sim - 0.01 * (distance - 1)
        if best is None or score > best[0] + 1e-12:
            best = (score, sim, j)
    if nearest is None or best is None:
        return None
    # Comments on one topic all share words: only a clearly closer one beats the nearest.
    sim, chosen = nearest
    if best[2] != chosen and best[1] >= 2.0 * sim + 0.05:
        sim, chosen = best[1], best[2]
    if not (cue is not None and cue.addressed) and sim < 0.05:
        return None
    return chosen


# --- 3. Sides --------------------------------------------------------------------------------


def _units(docs: list[_Doc]) -> list[_Unit]:
    """One node per author; one per anonymous comment. Bots are nobody's side."""
    units: list[_Unit] = []
    by_author: dict[str, int] = {}
    for doc in docs:
        if doc.comment.is_bot:
            continue
        author = doc.comment.author
        if author:
            index = by_author.get(author)
            if index is None:
                index = by_author[author] = len(units)
                units.append(_Unit(author=author))
        else:
            index = len(units)
            units.append(_Unit())
        doc.unit = index
        units[index].docs.append(doc.index)
    return units


def _colour(docs: list[_Doc], units: list[_Unit]) -> tuple[list[int | None] | None, int]:
    """2-colour the signed reply graph over units.

    Returns (colour per unit, relative within its component; None for units with no edge), and
    the number of edges that contradicted stronger evidence. The colouring is None when no edge
    says "the other side": then there is no disagreement to show.
    """
    weights: dict[tuple[int, int], float] = {}
    for doc in docs:
        if doc.parent is None or doc.cue is None:
            continue
        a, b = doc.unit, docs[doc.parent].unit
        if a < 0 or b < 0 or a == b:
            continue
        key = (a, b) if a < b else (b, a)
        weights[key] = weights.get(key, 0.0) + doc.cue.sign * doc.cue.weight
    # Strongest evidence first; ties by position, so the order never depends on hashing.
    edges = sorted(
        ((key, w) for key, w in weights.items() if w != 0.0),
        key=lambda item: (-abs(item[1]), item[0]),
    )
    n = len(units)
    parent = list(range(n))
    parity = [0] * n

    def find(x: int) -> tuple[int, int]:
        path = []
        while parent[x] != x:
            path.append(x)
            x = parent[x]
        root = x
        # Compress, accumulating parity from the root down.
        acc = 0
        for node in reversed(path):
            acc ^= parity[node]
            parity[node] = acc
            parent[node] = root
        return root, (parity[path[0]] if path else 0)

    conflicts = 0
    kept: list[tuple[int, int, float]] = []
    for (a, b), w in edges:
        want = 1 if w < 0 else 0
        ra, pa = find(a)
        rb, pb = find(b)
        if ra != rb:
            parent[rb] = ra
            parity[rb] = pa ^ pb ^ want
        elif pa ^ pb != want:
            conflicts += 1
        kept.append((a, b, w))
    linked = sorted({u for a, b, _ in kept for u in (a, b)})
    colour: list[int | None] = [None] * n
    for u in linked:
        colour[u] = find(u)[1]
    # Majority refinement: a node flips when the weight of its edges favours the other colour.
    adjacency: dict[int, list[tuple[int, float]]] = {}
    for a, b, w in kept:
        adjacency.setdefault(a, []).append((b, w))
        adjacency.setdefault(b, []).append((a, w))
    for _ in range(5):
        changed = False
        for u in linked:
            vote = 0.0
            for v, w in adjacency[u]:
                # Agreement (w > 0) votes for the neighbour's colour, disagreement against it.
                vote += w if colour[v] == 0 else -w
            mine = colour[u]
            if (vote > 1e-9 and mine == 1) or (vote < -1e-9 and mine == 0):
                colour[u] = 0 if mine == 1 else 1
                changed = True
        if not changed:
            break
    if not any(w < 0 and colour[a] != colour[b] for a, b, w in kept):
        return None, conflicts
    return colour, conflicts


def _assign(
    docs: list[_Doc], units: list[_Unit], colour: list[int | None], report: _Reporter
) -> None:
    """Turn the relative colouring into two sides and place every other unit by similarity."""
    n = len(units)
    unit_vec: list[Vector] = []
    for unit in units:
        acc: Vector = {}
        for i in unit.docs:
            if not docs[i].off_topic:
                add_into(acc, docs[i].vector)
        unit_vec.append(acc)

    # Components of the kept edges, found again from the doc links (cheap, and no shared state).
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for doc in docs:
        if doc.parent is None or doc.cue is None or doc.unit < 0:
            continue
        a, b = root(doc.unit), root(docs[doc.parent].unit)
        if a != b and colour[doc.unit] is not None and colour[docs[doc.parent].unit] is not None:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for u in range(n):
        if not units[u].docs:
            continue
        groups.setdefault(root(u) if colour[u] is not None else -1 - u, []).append(u)

    def size(members: list[int]) -> int:
        return sum(len(units[u].docs) for u in members)

    def first(members: list[int]) -> int:
        return min(units[u].docs[0] for u in members)

    ordered = sorted(groups.values(), key=lambda m: (-size(m), first(m)))
    disputed = [len({colour[u] for u in m}) == 2 for m in ordered]

    # Each group contributes one vector per colour (h[0], h[1]); its decision is the side its
    # colour 0 goes to (None: nowhere, for a group that shares no terms with either side).
    halves: list[tuple[Vector, Vector]] = []
    for members in ordered:
        h: tuple[Vector, Vector] = ({}, {})
        for u in members:
            add_into(h[colour[u] or 0], unit_vec[u])
        halves.append(h)
    sq = [(_norm_sq(h0), _norm_sq(h1), dot(h0, h1)) for h0, h1 in halves]
    centroid: list[Vector] = [{}, {}]
    norm_sq = [0.0, 0.0]
    decision: list[int | None] = [None] * len(ordered)

    def move(g: int, new: int | None) -> None:
        old = decision[g]
        if old == new:
            return
        h0, h1 = halves[g]
        for vector, s, sign in ((h0, old, -1.0), (h1, old, -1.0), (h0, new, 1.0), (h1, new, 1.0)):
            if s is None or not vector:
                continue
            side = s if vector is h0 else 1 - s
            norm_sq[side] += sign * 2 * dot(centroid[side], vector) + _norm_sq(vector)
            add_into(centroid[side], vector, sign)
        decision[g] = new

    def decide(g: int) -> int | None:
        """Which side group g's colour 0 fits, against the centroids of everything else
        (its own contribution subtracted algebraically, so nothing moves unless it changes)."""
        h0, h1 = halves[g]
        n0, n1, cross = sq[g]
        d = [[dot(h0, centroid[s]), dot(h1, centroid[s])] for s in (0, 1)]
        c_sq = list(norm_sq)
        old = decision[g]
        if old is not None:
            other = 1 - old
            d[old][0] -= n0
            d[old][1] -= cross
            d[other][0] -= cross
            d[other][1] -= n1
            c_sq[old] = norm_sq[old] - 2 * (d[old][0] + n0) + n0
            c_sq[other] = norm_sq[other] - 2 * (d[other][1] + n1) + n1

        def cos(s: int, c: int, n_c: float) -> float:
            if n_c <= 0.0 or c_sq[s] <= 1e-12:
                return 0.0
            return d[s][c] / math.sqrt(n_c * c_sq[s])

        keep = cos(0, 0, n0) + cos(1, 1, n1)
        flip = cos(1, 0, n0) + cos(0, 1, n1)
        if keep == 0.0 and flip == 0.0:
            return None
        return 1 if flip > keep + 1e-12 else 0

    total = len(ordered)
    report("assigning", 0, total)
    main = disputed.index(True)  # the largest dispute anchors the sides
    move(main, 0)
    # First pass: disputes first, largest first, each oriented by similarity to what is placed
    # so far; then the rest (agreement-only groups and unlinked units) against fixed centroids,
    # so that their reading order does not matter.
    disputes = [g for g in range(total) if g != main and disputed[g]]
    others = [g for g in range(total) if not disputed[g]]
    for done, g in enumerate(disputes, start=1):
        move(g, decide(g))
        report("assigning", done, total)
    for g, d in [(g, decide(g)) for g in others]:
        move(g, d)
    # Then a few rounds in which every group but the anchoring one is decided again against the
    # centroids of all the others (leave-one-out), as in k-means with the reply constraints kept.
    movable = disputes + others
    for _ in range(REFINE_ROUNDS):
        changed = 0
        for g in movable:
            new = decide(g)
            if new != decision[g]:
                move(g, new)
                changed += 1
        if not changed:
            break
    report("assigning", total, total)

    side_of_unit: list[int | None] = [None] * n
    for g, members in enumerate(ordered):
        if decision[g] is None:
            continue
        for u in members:
            side_of_unit[u] = (colour[u] or 0) ^ decision[g]
    for doc in docs:
        if doc.unit < 0:
            continue
        s = side_of_unit[doc.unit]
        if s is None:
            continue
        # A comment with a cue link stays in, whatever it says; others only if on topic.
        if doc.off_topic and doc.parent is None and doc.replies == 0:
            continue
        if not doc.vector and doc.cue is None:
            continue
        doc.side = s
        doc.off_topic = False
    report("assigning", total, total)


def _centroid(docs: list[_Doc], side: int) -> Vector:
    acc: Vector = {}
    for doc in docs:
        if doc.side == side:
            add_into(acc, doc.vector)
    return normalized(acc)


# --- 4. Extract ------------------------------------------------------------------------------


def _sentence_ok(text: str, span: tuple[int, int], terms: Terms, strict: bool = True) -> bool:
    """A sentence worth quoting: five words and three distinct terms (strict), or any content."""
    without_urls = _URL.sub(" ", text[span[0] : span[1]])
    if strict:
        return word_count(without_urls) >= 5 and len(set(terms(without_urls))) >= 3
    return bool(terms(without_urls))


def _length_factor(words: int) -> float:
    if words < 8:
        return 0.7
    if words <= 45:
        return 1.0
    return max(0.5, 45.0 / words)


def _pick_points(
    docs: list[_Doc],
    side: int,
    centroid: Vector,
    others: list[Vector],
    idf: dict[str, float],
    terms: Terms,
    cap: int,
) -> list[_Candidate]:
    """Up to `cap` central, mutually different sentences of the side (maximal marginal
    relevance), most central first."""
    members = [d for d in docs if d.side == side and not d.off_topic and d.vector]
    other = normalized({k: v for o in others for k, v in o.items()}) if others else {}

    def comment_score(d: _Doc) -> float:
        return (dot(d.vector, centroid) - 0.3 * dot(d.vector, other)) * (
            1.0 + 0.1 * min(d.replies, 5)
        )

    # Only the most central comments are split into sentence vectors: linear, and enough.
    ranked = sorted(members, key=lambda d: (-comment_score(d), d.index))[: max(12, 4 * cap)]
    candidates: list[_Candidate] = []
    for strict in (True, False):
        for d in ranked:
            candidates.extend(_candidates(d, centroid, other, idf, terms, strict))
        if candidates:
            break  # short comments only: then any sentence with content will do
    candidates.sort(key=lambda c: (-c.score, c.doc, c.span))
    chosen: list[_Candidate] = []
    per_doc: dict[int, int] = {}
    pool = candidates[: 20 * cap]
    while pool and len(chosen) < cap:
        best_i, best_value = 0, -math.inf
        for i, cand in enumerate(pool):
            redundancy = max((dot(cand.vector, c.vector) for c in chosen), default=0.0)
            value = cand.score - 0.5 * redundancy * max(cand.score, 0.05)
            value -= 0.05 * per_doc.get(cand.doc, 0)
            if value > best_value + 1e-12:
                best_i, best_value = i, value
        pick = pool.pop(best_i)
        if any(dot(pick.vector, c.vector) > 0.9 for c in chosen):
            continue  # a near repeat of a chosen point says nothing new
        chosen.append(pick)
        per_doc[pick.doc] = per_doc.get(pick.doc, 0) + 1
    return chosen


def _candidates(
    d: _Doc, centroid: Vector, other: Vector, idf: dict[str, float], terms: Terms, strict: bool
) -> list[_Candidate]:
    """The quotable sentences of comment `d`, scored: close to the side, away from the other
    side, of a sane length, in a comment people replied to; statements before questions."""
    out: list[_Candidate] = []
    text = d.comment.text
    for b, e in d.spans:
        if text[b] == ">" or not _sentence_ok(text, (b, e), terms, strict):
            continue
        span = clause_cut(text, b, e, MAX_QUOTE_CHARS)
        piece = text[span[0] : span[1]]
        vector = tfidf(terms(piece), idf)
        if not vector:
            continue
        score = dot(vector, centroid) - 0.3 * dot(vector, other)
        score *= _length_factor(word_count(piece)) * (1.0 + 0.1 * min(d.replies, 5))
        if _QUESTION_END.search(piece):
            score *= 0.8
        out.append(_Candidate(d.index, span, vector, score))
    return out


def _point(docs: list[_Doc], cand: _Candidate) -> Point | None:
    comment = docs[cand.doc].comment
    quote = comment.text[cand.span[0] : cand.span[1]]
    if not quote_matches(quote, comment.text):  # only pure punctuation could fail this
        return None
    return Point(
        text=_point_text(quote),
        comment_ids=[comment.id],
        quotes=[Quote(comment_id=comment.id, text=quote)],
    )


def _point_text(quote: str) -> str:
    """A point's own text: its quote without leading connectives and cues ("But", "+1,",
    "That's wrong:"), capitalized and shortened. Never used as a quote."""
    text = " ".join(quote.split())
    text = _POINT_LEAD.sub("", text) or text
    if text[:1].islower():
        text = text[0].upper() + text[1:]
    return shorten(text, MAX_POINT_CHARS)


def _side(
    docs: list[_Doc],
    units: list[_Unit],
    side: int,
    chosen: list[_Candidate],
    n_sides: int,
    terms: Terms,
) -> Side:
    points = [p for p in (_point(docs, c) for c in chosen) if p is not None]
    if n_sides == 1:
        label = "Main points"
    else:
        label = _label(docs, side, terms) or f"Side {side + 1}"
    if points:
        position = points[0].text
    else:
        position = "No statement of this side could be quoted."
    participants: list[str] = []
    for unit in units:
        if unit.author and any(docs[i].side == side for i in unit.docs):
            participants.append(unit.author)
    members = [d.comment.id for d in docs if d.side == side]
    return Side(
        label=label,
        position=position,
        participants=participants,
        comment_ids=members,
        points=points,
    )


def _label(docs: list[_Doc], side: int, terms: Terms) -> str:
    """Two to four of the side's most distinctive terms, by mean TF-IDF weight in the side minus
    the mean in the other sides."""
    mine: Vector = {}
    theirs: Vector = {}
    df_mine: dict[str, int] = {}
    n_mine = n_theirs = 0
    for doc in docs:
        if doc.side is None or doc.off_topic or not doc.vector:
            continue
        if doc.side == side:
            n_mine += 1
            add_into(mine, doc.vector)
            for term in doc.vector:
                df_mine[term] = df_mine.get(term, 0) + 1
        else:
            n_theirs += 1
            add_into(theirs, doc.vector)
    if not n_mine:
        return ""
    min_df = 2 if n_mine >= 4 else 1
    scored = []
    for term, weight in mine.items():
        if term in _LABEL_STOP or len(term) < 3 or df_mine.get(term, 0) < min_df:
            continue
        score = weight / n_mine - (theirs.get(term, 0.0) / n_theirs if n_theirs else 0.0)
        if score > 0:
            scored.append((score, term))
    scored.sort(key=lambda item: (-item[0], item[1]))
    words: list[str] = []
    for _, term in scored:
        word = terms.surface_form(term)
        if any(word in w or w in word for w in words):
            continue  # "role", "play" and "roleplay" are one idea
        words.append(word)
        if len(words) == 3:
            break
    return " \u00b7 ".join(words) if len(words) >= 2 else ""


def _common_ground(
    docs: list[_Doc], terms: Terms, used: set[tuple[int, tuple[int, int]]], two_sides: bool
) -> list[Point]:
    """Up to three agreeing clauses, in thread order: agreement with the other side first ("I
    fully agree regarding ..."), then concessions ("I agree ..., but"); with one side, any
    agreement. Each needs some content besides the cue and is not already a point."""
    found: list[tuple[int, int, Point]] = []
    used_docs_spans = {(d, s) for d, s in used}
    for doc in docs:
        cue = doc.cue
        if doc.off_topic or cue is None or cue.agreement is None:
            continue
        b, e = cue.agreement
        text = doc.comment.text
        clause = text[b:e]
        if any(d == doc.index and not (e <= s[0] or b >= s[1]) for d, s in used_docs_spans):
            continue
        if len(set(terms(_without_cue(text, (b, e))))) < 2 or not quote_matches(clause, text):
            continue
        parent = docs[doc.parent] if doc.parent is not None else None
        across = (
            parent is not None
            and parent.side is not None
            and doc.side is not None
            and parent.side != doc.side
        )
        # With two sides, agreement inside one side is not common ground; a concession is
        # (it grants the other side something, whoever it was addressed to).
        if two_sides and not across and cue.kind != "concession":
            continue
        ids = [doc.comment.id]
        if across and parent is not None and parent.comment.id not in ids:
            ids.append(parent.comment.id)
        point = Point(
            text=_point_text(clause),
            comment_ids=ids,
            quotes=[Quote(comment_id=doc.comment.id, text=clause)],
        )
        found.append((0 if across else 1, doc.index, point))
    found.sort(key=lambda item: (item[0], item[1]))
    chosen = found[:MAX_COMMON_GROUND]
    chosen.sort(key=lambda item: item[1])
    return [point for _, _, point in chosen]


def _questions_in(doc: _Doc) -> list[tuple[tuple[int, int], str]]:
    """Short questions of a comment, verbatim, with their spans."""
    text = doc.comment.text
    out = []
    for b, e in doc.spans:
        sentence = text[b:e]
        if (
            _QUESTION_END.search(sentence)
            and not sentence.startswith(">")
            and 3 <= word_count(sentence) <= 40
            and len(sentence) <= 220
        ):
            out.append(((b, e), sentence))
    return out


def _question(thread: Thread, docs: list[_Doc], terms: Terms, disputed: bool) -> str:
    """The question in dispute: the title if it asks one, else a question from the first
    comments or from the root of the most disputed exchange, else the thread's top terms."""
    if thread.title and thread.title.strip().endswith("?"):
        return " ".join(thread.title.split())
    live = [d for d in docs if not d.off_topic]
    sources = live[:2]
    most = max((d for d in docs if d.disputed), key=lambda d: (d.replies, -d.index), default=None)
    if most is not None:
        root = most
        seen = {root.index}
        while root.parent is not None and root.parent not in seen:
            seen.add(root.parent)
            root = docs[root.parent]
        sources.append(root)
    for doc in sources:
        questions = _questions_in(doc)
        if questions:
            return questions[0][1]
    prefix = "What the thread disagrees about" if disputed else "What the thread discusses"
    if thread.title and thread.title.strip():
        return f"{prefix}: {' '.join(thread.title.split())}"
    top = _top_terms(docs, terms, 3)
    return f"{prefix}: {', '.join(top)}" if top else f"{prefix}: (no text)"


def _top_terms(docs: list[_Doc], terms: Terms, k: int) -> list[str]:
    weight: Vector = {}
    for doc in docs:
        if not doc.off_topic:
            add_into(weight, doc.vector)
    ranked = sorted(
        (t for t in weight if t not in _LABEL_STOP and len(t) >= 3),
        key=lambda t: (-weight[t], t),
    )
    return [terms.surface_form(t) for t in ranked[:k]]


def _open_questions(
    docs: list[_Doc],
    terms: Terms,
    idf: dict[str, float],
    question: str,
    used: set[tuple[int, tuple[int, int]]],
) -> list[str]:
    """Up to three short questions, verbatim, from comments that were disputed or got no
    answer, other than the main question and the points' sentences; the most on-topic three,
    listed in thread order."""
    thread_vec: Vector = {}
    for doc in docs:
        if not doc.off_topic:
            add_into(thread_vec, doc.vector)
    thread_vec = normalized(thread_vec)
    found: list[tuple[float, int, str]] = []
    seen = {question}
    for doc in docs:
        if doc.off_topic or not (doc.disputed or doc.replies == 0):
            continue
        for span, sentence in _questions_in(doc):
            if sentence in seen or any(
                d == doc.index and not (span[1] <= u[0] or span[0] >= u[1]) for d, u in used
            ):
                continue
            seen.add(sentence)
            score = dot(tfidf(terms(sentence), idf), thread_vec)
            if score > 0:
                found.append((score, doc.index, sentence))
    found.sort(key=lambda item: (-item[0], item[1]))
    chosen = sorted(found[:MAX_OPEN_QUESTIONS], key=lambda item: item[1])
    return [sentence for _, _, sentence in chosen]


def _notes(docs: list[_Doc], two_sides: bool, inferred: int, conflicts: int) -> list[str]:
    notes = []
    cue_links = sum(1 for d in docs if d.parent is not None and d.cue is not None)
    if not two_sides:
        if not docs:
            notes.append("No disagreement found: the thread has no comments.")
        elif len(docs) == 1:
            notes.append("No disagreement found: the thread has a single comment.")
        else:
            notes.append(
                "No disagreement found: no reply says it disagrees with another, so the main "
                "points are listed as one side."
            )
    else:
        detail = (
            f" ({inferred} of them inferred from reading order, as the thread has no reply link "
            "for them)"
            if inferred
            else ""
        )
        notes.append(
            f"Sides come from {cue_links} replies that agree or disagree{detail}; the other "
            "comments were placed by word similarity."
        )
    if conflicts:
        notes.append(
            f"{conflicts} agree/disagree cue(s) contradicted stronger evidence and were ignored."
        )
    left_out = [d.comment.id for d in docs if d.side is None and not d.comment.is_bot]
    if left_out and docs:
        shown = ", ".join(left_out[:10]) + (" …" if len(left_out) > 10 else "")
        notes.append(
            f"Left out of the sides as thanks, praise, off-topic or empty: {len(left_out)} "
            f"comment(s) "
            f"({shown})."
        )
    notes.append(
        "Extractive summary: points and positions are commenters' own sentences, shortened; "
        "quotes are verbatim."
    )
    return notes
