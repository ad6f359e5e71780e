"""How well a summary's sides match gold camps: pure functions, no engine, no I/O.

A gold thread labels every comment with its camp (`"A"`, `"B"`) or none (`None`: no stance
evidence). A prediction places every comment on a side (an index into `Summary.sides`) or on no
side. The figures (`sides_bench` prints them, `tests/bench/test_sides_metrics.py` checks them
by hand):

- purity: the best one-to-one matching of sides to camps; of the camp-labelled comments that are
  on some side, the share on the side matched to their camp. A comment on no side does not count
  against purity (coverage measures that); a side matched to no camp holds only impurity.
- coverage: the share of camp-labelled comments placed on a side.
- forced: the share of camp-none comments placed on a side anyway (lower is better).
- separated: a thread with two camps is separated when each camp's majority (more than half of
  its comments that are on a side) sits on one side, and the two sides differ.
- false "no disagreement": the result says there is no disagreement while the thread has two
  camps. Spurious sides: two or more sides shown for a thread with fewer than two camps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import permutations

Camp = str | None  # "A", "B" or None

CAMPS: tuple[str, ...] = ("A", "B")
_NO_DISAGREEMENT = re.compile(r"\bno disagreement\b", re.IGNORECASE)


@dataclass(frozen=True)
class ThreadScore:
    """One thread's counts. `matched` / `placed` is its purity; `placed` / `labelled` its
    coverage. `separated` is None for a thread without two camps."""

    labelled: int
    placed: int
    matched: int
    unlabelled: int
    forced: int
    two_camps: bool
    separated: bool | None
    claims_none: bool
    sides: int

    @property
    def purity(self) -> float | None:
        return self.matched / self.placed if self.placed else None

    @property
    def coverage(self) -> float | None:
        return self.placed / self.labelled if self.labelled else None

    @property
    def false_no_disagreement(self) -> bool:
        return self.two_camps and self.claims_none

    @property
    def spurious_sides(self) -> bool:
        return not self.two_camps and self.sides >= 2


def side_camp_counts(
    gold: Mapping[str, Camp], placed: Mapping[str, int | None]
) -> dict[int, dict[str, int]]:
    """For every side, how many camp-labelled comments of each camp it holds. A comment missing
    from `placed` is on no side."""
    counts: dict[int, dict[str, int]] = {}
    for comment_id, camp in gold.items():
        side = placed.get(comment_id)
        if camp is not None and side is not None:
            per_side = counts.setdefault(side, {})
            per_side[camp] = per_side.get(camp, 0) + 1
    return counts


def best_matching(counts: Mapping[int, Mapping[str, int]]) -> tuple[int, dict[int, str]]:
    """The one-to-one matching of sides to camps that puts the most comments on their camp's
    side: (comments matched, side → camp). Exhaustive: there are few sides and camps."""
    sides = sorted(counts)
    camps = sorted({camp for per_side in counts.values() for camp in per_side})
    best = 0
    best_map: dict[int, str] = {}
    # Pad with None so that a side may stay unmatched (more sides than camps) and vice versa.
    slots: list[str | None] = [*camps, *([None] * len(sides))]
    for chosen in set(permutations(slots, len(sides))):
        total = sum(counts[s].get(c, 0) for s, c in zip(sides, chosen, strict=True) if c)
        if total > best or (total == best and not best_map):
            best = total
            best_map = {s: c for s, c in zip(sides, chosen, strict=True) if c}
    return best, best_map


def majority_side(camp: str, counts: Mapping[int, Mapping[str, int]]) -> int | None:
    """The side holding more than half of `camp`'s placed comments, if any."""
    placed = sum(per_side.get(camp, 0) for per_side in counts.values())
    for side, per_side in counts.items():
        if placed and per_side.get(camp, 0) * 2 > placed:
            return side
    return None


def claims_no_disagreement(notes: Iterable[str], labels: Iterable[str] = ()) -> bool:
    """Whether a result says the thread holds no disagreement (in a note or a side label)."""
    return any(_NO_DISAGREEMENT.search(text) for text in (*notes, *labels))


def score_thread(
    gold: Mapping[str, Camp],
    placed: Mapping[str, int | None],
    *,
    sides: int,
    claims_none: bool,
) -> ThreadScore:
    """Score one thread: `gold` camp of every comment id, `placed` side of every comment id."""
    counts = side_camp_counts(gold, placed)
    matched, _ = best_matching(counts)
    camps_present = {camp for camp in gold.values() if camp is not None}
    two_camps = all(camp in camps_present for camp in CAMPS)
    separated = None
    if two_camps:
        found = [majority_side(camp, counts) for camp in CAMPS]
        separated = None not in found and found[0] != found[1]
    unlabelled = [cid for cid, camp in gold.items() if camp is None]
    return ThreadScore(
        labelled=sum(1 for camp in gold.values() if camp is not None),
        placed=sum(sum(per_side.values()) for per_side in counts.values()),
        matched=matched,
        unlabelled=len(unlabelled),
        forced=sum(1 for cid in unlabelled if placed.get(cid) is not None),
        two_camps=two_camps,
        separated=separated,
        claims_none=claims_none,
        sides=sides,
    )


@dataclass(frozen=True)
class SetScore:
    """A set's figures: purity, coverage and forced pooled over the set's comments; counts of
    threads for the rest."""

    threads: int
    two_camp_threads: int
    separated: int
    false_no_disagreement: int
    spurious_sides: int
    purity: float | None
    coverage: float | None
    forced: float | None
    mean_purity: float | None
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 3)

        return {
            "threads": self.threads,
            "two_camp_threads": self.two_camp_threads,
            "separated": self.separated,
            "separated_share": r(self.separated / self.two_camp_threads)
            if self.two_camp_threads
            else None,
            "false_no_disagreement": self.false_no_disagreement,
            "spurious_sides": self.spurious_sides,
            "purity": r(self.purity),
            "mean_thread_purity": r(self.mean_purity),
            "coverage": r(self.coverage),
            "forced_unlabelled": r(self.forced),
            "failures": list(self.failures),
        }


def score_set(scores: Sequence[ThreadScore], failures: Sequence[str] = ()) -> SetScore:
    """Pool thread scores. Purity is matched / placed over all threads (a thread with more
    comments weighs more); `mean_purity` is the mean of the threads' own purities."""
    placed = sum(s.placed for s in scores)
    labelled = sum(s.labelled for s in scores)
    unlabelled = sum(s.unlabelled for s in scores)
    purities = [p for s in scores if (p := s.purity) is not None]
    return SetScore(
        threads=len(scores),
        two_camp_threads=sum(1 for s in scores if s.two_camps),
        separated=sum(1 for s in scores if s.separated),
        false_no_disagreement=sum(1 for s in scores if s.false_no_disagreement),
        spurious_sides=sum(1 for s in scores if s.spurious_sides),
        purity=sum(s.matched for s in scores) / placed if placed else None,
        coverage=placed / labelled if labelled else None,
        forced=sum(s.forced for s in scores) / unlabelled if unlabelled else None,
        mean_purity=sum(purities) / len(purities) if purities else None,
        failures=list(failures),
    )


def one_side_purity(golds: Iterable[Mapping[str, Camp]]) -> float | None:
    """The pooled purity of the laziest answer, every comment on one side: the yardstick a
    real split must beat (each thread scores its larger camp's share)."""
    matched = placed = 0
    for gold in golds:
        score = score_thread(gold, dict.fromkeys(gold, 0), sides=1, claims_none=False)
        matched, placed = matched + score.matched, placed + score.placed
    return matched / placed if placed else None
