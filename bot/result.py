"""The summary schema shared by every engine and renderer, and the result around it: data,
with no engine behind it, so that the store (which saves `DigestResult`) and the renderers
depend on this module and not on `bot.summarize` (which re-exports it as `bot.summarize.schema`).

`Summary` and its parts forbid extra keys: an LLM fills them, and anything it adds that we did
not ask for is a sign the answer is not what we think it is. `DigestResult` is the `--json`
contract of DESIGN.md and what the store saves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quote(_Strict):
    """Verbatim words from one comment. Verified when it is a substring of that comment's text
    after folding white space, typographic quotes and dashes (see `verify`)."""

    comment_id: str
    text: str


class Point(_Strict):
    """One claim, in the engine's words, with the comments it rests on and quotes from them."""

    text: str
    comment_ids: list[str] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)


class Side(_Strict):
    """One camp of the debate: a short label, its position in a sentence, its points, and
    `comment_ids`: every comment that takes this side, cited or not (what the balance check
    weighs its share of the summary against, where comments have no authors)."""

    label: str
    position: str
    participants: list[str] = Field(default_factory=list)
    comment_ids: list[str] = Field(default_factory=list)
    points: list[Point] = Field(default_factory=list)


# The label of the one side of a summary whose engine told no sides apart.
MAIN_POINTS = "Main points"


class Summary(_Strict):
    """The balanced summary. 2-4 sides for a real disagreement; exactly one side ("Main points")
    when an engine found no disagreement or could not tell the camps apart, which it must say in
    the result's notes. `other_points` come from comments on no side."""

    question: str
    sides: list[Side] = Field(default_factory=list, max_length=4)
    common_ground: list[Point] = Field(default_factory=list)
    open_questions: list[str] = Field(default_factory=list)
    # Points from comments that take no side (no stance evidence): shown, never forced onto one.
    # The offline engine fills it; it is left out of the JSON schema, so the LLM's structured
    # output (and its prompt, and its cache keys) stay as they were.
    other_points: SkipJsonSchema[list[Point]] = Field(default_factory=list)


class InputStats(_Strict):
    comments: int
    unique_comments: int
    duplicates_removed: int
    duplicates_by_kind: dict[str, int] = Field(default_factory=dict)
    participants: int = 0


class Verification(_Strict):
    quotes_checked: int = 0
    quotes_verified: int = 0
    quotes_dropped: int = 0
    citations_dropped: int = 0
    points_dropped: int = 0


class Usage(_Strict):
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None


class SideBalance(_Strict):
    """One side's share of the summary against its share of the source comments."""

    label: str
    comments: int
    points: int
    quotes: int
    comment_share: float
    point_share: float
    quote_share: float
    starved: bool


class Balance(_Strict):
    """The balance check (see `bot.summarize.balance`); `flagged` when a side is starved."""

    sides: list[SideBalance] = Field(default_factory=list)
    flagged: bool = False


class Contradiction(_Strict):
    """A placement that goes against what a comment says (see `bot.summarize.evidence`):
    `comment_id` `says` it agrees or disagrees with `target_id` (or, with `question`, with the
    question, where `target_id` is a comment on the same side that says the opposite of it), yet
    sits under `side` while the other sits under `target_side`."""

    comment_id: str
    says: Literal["agrees", "disagrees"]
    target_id: str
    question: bool = False
    side: str
    target_side: str


class EvidenceCheck(_Strict):
    """An LLM's sides against the thread's explicit stance evidence (`bot.summarize.evidence`):
    how many strong cues linked two comments that are both on a side (`checked`), the placements
    that go against them, and the first comment that disagrees (its own cue words, else a strong
    linked cue against someone or the question; None: none does). `rechecked`: how many
    placements of the model's first answer went against the evidence when it was asked once to
    recheck them (0: it was not asked); what is listed is the answer that was kept."""

    checked: int = 0
    contradictions: list[Contradiction] = Field(default_factory=list)
    disagreement_id: str | None = None
    rechecked: int = 0


class CommentOut(_Strict):
    """A deduplicated comment as shown in `--json`, so that every cited id resolves."""

    id: str
    author: str | None = None
    text: str
    url: str | None = None
    reply_to: str | None = None


class Duplicate(_Strict):
    """One comment dedupe folded into a kept one (`duplicate_of`), and who wrote it."""

    id: str
    kind: str
    duplicate_of: str
    author: str | None = None


class DigestResult(_Strict):
    """Everything one summarize run produces. Saved to the store as JSON and loaded back as is,
    with `cached` set to true on the way out."""

    engine: Literal["offline", "llm"]
    model: str | None = None
    cached: bool = False
    prompt_version: str | None = None
    cache_key: str | None = None
    input: InputStats
    summary: Summary
    verification: Verification = Field(default_factory=Verification)
    usage: Usage = Field(default_factory=Usage)
    balance: Balance = Field(default_factory=Balance)
    # The LLM engine's sides checked against what the comments say (None: not checked; the
    # offline engine's sides are built from that evidence).
    evidence: EvidenceCheck | None = None
    comments: list[CommentOut] = Field(default_factory=list)
    duplicates: list[Duplicate] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    elapsed_ms: float = 0.0
    reading_minutes_saved: float = 0.0
    created_at: datetime | None = None
