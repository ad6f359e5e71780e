"""Dedupe: fold repeated comments into the comment they repeat, never dropping a view.

`dedupe(thread)` returns the kept thread (each kept comment listing its folded `copies`) and a
`DedupeReport` of every fold. Stages, one module each: `normalize` (the normal form, quotes,
protected word classes), `distance` (misspellings and the meaning guard), `index` (what the walk
keeps, searched in time linear in each comment), `bulk` (numpy help for large threads), `walk`
(the rules, in order) and `report` (the report models). Measured figures:
``python -m bot.bench.dedupe_bench`` and the README.
"""

from bot.dedupe.distance import edit_distance, is_typo, same_meaning
from bot.dedupe.index import (
    MIN_NEAR_WORDS,
    NEAR_MAX_EDITS,
    NEAR_THRESHOLD,
    NEAR_WORDS_PER_EDIT,
    POSTINGS_CAP,
)
from bot.dedupe.normalize import (
    FILLER_WORDS,
    NEGATIONS,
    QUOTE_MIN_WORDS,
    TRIVIAL_MAX_WORDS,
    TRIVIAL_WORDS,
    normalize,
    split_quote,
)
from bot.dedupe.report import (
    MIN_BLOCK,
    DedupeReport,
    DuplicateKind,
    RemovedComment,
    RepeatedBlock,
)
from bot.dedupe.walk import BULK_MIN_COMMENTS, dedupe

__all__ = [
    "BULK_MIN_COMMENTS",
    "FILLER_WORDS",
    "MIN_BLOCK",
    "MIN_NEAR_WORDS",
    "NEAR_MAX_EDITS",
    "NEAR_THRESHOLD",
    "NEAR_WORDS_PER_EDIT",
    "NEGATIONS",
    "POSTINGS_CAP",
    "QUOTE_MIN_WORDS",
    "TRIVIAL_MAX_WORDS",
    "TRIVIAL_WORDS",
    "DedupeReport",
    "DuplicateKind",
    "RemovedComment",
    "RepeatedBlock",
    "dedupe",
    "edit_distance",
    "is_typo",
    "normalize",
    "same_meaning",
    "split_quote",
]
