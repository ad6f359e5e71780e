"""The working data of the offline engine, shared by its stages (cues, linking, sides,
extraction): one `Doc` per comment, one `Unit` per person, and the progress reporter."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.progress import Progress
from bot.summarize.text import Vector, VectorTable
from bot.thread import Comment

PROGRESS_EVERY = 250
# The question (the title or the opening claim) is a node of the stance graph: this target.
ROOT = -1


@dataclass(frozen=True, slots=True)
class Cue:
    """Stance evidence in one comment: agreement (+1) or disagreement (-1) with what it answers.

    `name` is a person the cue names ("I agree with Alice", "@Bob"): then it answers them.
    `agreement` is the agreeing clause, as a span of the comment (possible common ground).
    """

    sign: int
    weight: float
    kind: str  # agree, disagree, partial, concession, contrast
    weak: bool = False  # only trusted with an explicit reply link ("But ...")
    agreement: tuple[int, int] | None = None
    name: str | None = None
    # Speaks to someone (an answer, "you", a short "No."), rather than about the topic ("I don't
    # see why we should ..."): only then may it answer the previous speaker of a chat.
    addressed: bool = True
    # An opening that votes on the question: 1 a bare "No," / "nah" (a vote where the opening
    # post asks or proposes, else an answer to the last speaker), 2 "Yes," / "It's true" / "I
    # oppose" (about the claim: agreeing with a person takes "exactly", "agreed", "+1").
    vote: int = 0
    # A vote on a proposal in so many words ("I support the policy", "I am against a council"):
    # it answers the question whoever the comment names or replies to.
    about_claim: bool = False


@dataclass(slots=True)
class Doc:
    index: int
    comment: Comment
    body: int  # where the commenter's own words start (after a leading quotation)
    spans: list[tuple[int, int]]
    # Its TF-IDF vector, or the thread's `VectorTable` holding it as row `index`: made a dict
    # only when asked for (`vector`; a large thread's summary needs almost none as dicts).
    source: Vector | VectorTable
    # The prefilter words in its own sentences (`cues.own_words`), found once for every stage.
    words: frozenset[str] = frozenset()
    # A respondent's label before their words ("R1 (resident, Hollins Lane): I object."), in a
    # thread with no authors: who speaks.
    label: str | None = None
    # How many terms its vector has (0: none, it says nothing on the topic); -1 until known.
    # (The fields reading sets come first: it makes each doc with positional arguments, which
    # cost about half of what keywords matched against some twenty parameters do.)
    weighted: int = -1
    junk: bool = False  # test post, greeting, bare link, emoji, bot output: never quoted
    # Its own sentences lowercased, ``text[spans[0][0] : spans[-1][1]].lower()``, of an ASCII
    # comment (reading lowercases its text once for its words; the cue and stance readings
    # take their parts of it), else "" (each reading lowercases its part).
    own: str = ""
    unit: int = -1
    cue: Cue | None = None
    disagrees: bool = False  # holds a disagreement cue anywhere in its own words
    target: int | None = None  # a doc index, ROOT, or None: what the cue answers
    vote: int = 0  # a bare yes (+1) or no (-1) on the question beside a named or reply target
    link: str = ""  # how the target was found: reply, named, previous, root
    replies: int = 0
    disputed: bool = False  # received a disagreeing reply
    praise: bool = False  # thanks or praise with little else
    off_topic: bool = False  # thanks or praise with little else, or shares no terms: not quoted
    side: int | None = None
    # On the other side from its author's view: a point granted to that side ("ok that's a fair
    # point"); its author is still listed on their own side.
    granted: bool = False
    # Who speaks: the author, or in minutes without authors the person a paragraph reports
    # ("Mr Abara said that ..."); None for an anonymous comment.
    speaker: str | None = None

    def __post_init__(self) -> None:
        if self.weighted < 0:
            source = self.source
            self.weighted = (
                source.size(self.index) if isinstance(source, VectorTable) else len(source)
            )

    @property
    def vector(self) -> Vector:
        """Its TF-IDF vector (from its table, made a dict when asked for)."""
        source = self.source
        return source.vector(self.index) if isinstance(source, VectorTable) else source


@dataclass(slots=True)
class Unit:
    """One person (all comments of one author), or one anonymous comment; ROOT's unit is the
    question itself."""

    docs: list[int] = field(default_factory=list)
    author: str | None = None
    # The same author's unit before they changed their mind ("I stand corrected"), if any.
    before: int | None = None


class Reporter:
    """Calls the progress callback every `PROGRESS_EVERY` items and at the end of a stage."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        # Whether anyone listens: a loop over every comment need not call it otherwise.
        self.active = progress is not None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._progress is not None and (
            done == total or done == 0 or done % PROGRESS_EVERY == 0
        ):
            self._progress(stage, done, total)
