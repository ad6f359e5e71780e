"""What dedupe reports: every fold (`RemovedComment`), runs of them (`RepeatedBlock`), counts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.thread import Comment

DuplicateKind = Literal[
    "exact", "normalized", "near", "truncated", "quote_only", "same_id", "repeated_block"
]
# A run of at least this many consecutive folded comments that copy consecutive kept ones.
MIN_BLOCK = 3


class RemovedComment(BaseModel):
    """One comment folded into a kept one: why (`kind`), which kept comment it repeats
    (`duplicate_of`) and who wrote it (`author`, still counted through the kept comment's
    `copies`). `similarity` is set for ``near`` only: ``1 - misspelt words / words``."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: DuplicateKind
    duplicate_of: str
    author: str | None = None
    similarity: float | None = None


class RepeatedBlock(BaseModel):
    """A run of >= 3 consecutive folded comments that repeat a run of consecutive kept ones.

    `first_id`/`last_id` bound the folded run (in thread order), `original_first_id` and
    `original_last_id` the kept run it repeats; `length` is the number of comments in the run.
    A new comment in the middle of a re-pasted stretch ends one block and starts the next, so
    the seed thread (c27-c53 repeat c1-c26, with c35 new) reports two blocks: c27-c34 and c36-c53.
    """

    model_config = ConfigDict(frozen=True)

    first_id: str
    last_id: str
    length: int
    original_first_id: str
    original_last_id: str


class DedupeReport(BaseModel):
    """What dedupe did: counts, every folded comment, and the repeated blocks."""

    model_config = ConfigDict(frozen=True)

    comments_in: int
    kept: int
    removed: tuple[RemovedComment, ...]
    by_kind: dict[str, int]
    blocks: tuple[RepeatedBlock, ...]
    near_threshold: float


def blocks(
    comments: tuple[Comment, ...], removed_at: list[int | None], kept_ids: list[str]
) -> tuple[RepeatedBlock, ...]:
    """Runs of >= MIN_BLOCK adjacent folded comments (same_id ones excluded: they have no
    kept index here) that repeat adjacent kept comments in order."""
    out: list[RepeatedBlock] = []
    run_start = 0
    run_len = 0
    for pos in range(len(comments) + 1):
        k = removed_at[pos] if pos < len(comments) else None
        prev = removed_at[pos - 1] if pos else None
        if k is not None and run_len and prev is not None and k == prev + 1:
            run_len += 1
            continue
        if run_len >= MIN_BLOCK:
            first_k = removed_at[run_start]
            assert first_k is not None
            out.append(
                RepeatedBlock(
                    first_id=comments[run_start].id,
                    last_id=comments[run_start + run_len - 1].id,
                    length=run_len,
                    original_first_id=kept_ids[first_k],
                    original_last_id=kept_ids[first_k + run_len - 1],
                )
            )
        run_start, run_len = pos, (1 if k is not None else 0)
    return tuple(out)
