"""How well the sides check (`bot.summarize.evidence`) catches a model's misplaced comments:
`python -m bot.bench.evidence_bench`.

No model is needed: the placements the check is given are made from the labels of the sides
sets (`tests/fixtures/sides/`), as three kinds of model would answer, and the check runs on each
debate as the LLM engine runs it (deduplicated as the pipeline dedupes, the offline engine's
linked cues, `check_cues`):

- **a model that is right**: a side per camp, listing every comment of that camp. Every
  contradiction the check reports is a false alarm.
- **a model that misplaces one comment**: the same, with one camp-labelled comment moved to the
  other side, once for each such comment. The move is caught when a reported contradiction
  names that comment (as the one that speaks or the one spoken to).
- **a model that sees no sides**: one side listing every comment. On a debate with two camps the
  note must say the thread holds disagreement; on a debate with one camp or none, that it holds
  none.

And what the LLM engine's one recheck (`LLMConfig.recheck_sides`) could do with the first two,
for **a model that follows the check without reading**: asked to recheck, it moves one comment
at a time, whichever of those a contradiction names removes the most contradictions, until no
move removes one (`_obeyed`). Counted: right answers that end wrong, misplaced answers that end
right, and misplaced comments after the recheck. A real model may judge each flag by what the
comments say; this measures what following the check alone gives.

Figures are given for the sets the weights are measured on (`edge_bench.calibration_sets`) and
for the blind sets (`edge_bench.BLIND_SETS`) apart.

    python -m bot.bench.evidence_bench                 # read and blind sets
    python -m bot.bench.evidence_bench --set tests/fixtures/sides --json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.bench.edge_bench import BLIND_SETS, calibration_sets
from bot.bench.sides_bench import SET_DIR, GoldDebate, GoldError, _near_threshold, load_set

if TYPE_CHECKING:
    from bot.result import EvidenceCheck, Summary
    from bot.summarize.offline import LinkedCue


@dataclass
class Figures:
    """Counts over a set of debates (see the module docstring)."""

    debates: int = 0  # with two camps
    right_flagged: int = 0  # debates where the right placement drew a false alarm
    false_alarms: int = 0
    checked: int = 0  # cues checked on the right placements
    moves: int = 0  # one-comment misplacements tried
    caught: int = 0
    one_side_two_camps: int = 0
    one_side_told: int = 0  # ... where the note says the thread holds disagreement
    calm_debates: int = 0  # one camp or none
    calm_told_none: int = 0  # ... where a one-sided answer is said to hold no disagreement
    right_spoiled: int = 0  # right answers an obedient recheck leaves wrong
    right_misplaced_after: int = 0  # ... comments misplaced, summed over right answers
    moves_rechecked: int = 0  # misplaced answers with a contradiction (a recheck is asked)
    moves_fixed: int = 0  # ... that an obedient recheck leaves right
    moves_misplaced_after: int = 0  # comments misplaced after it (one each before it)

    def as_dict(self) -> dict[str, Any]:
        def share(part: int, whole: int) -> float | None:
            return round(part / whole, 3) if whole else None

        return {
            **asdict(self),
            "false_alarm_share": share(self.false_alarms, self.checked),
            "right_flagged_share": share(self.right_flagged, self.debates),
            "caught_share": share(self.caught, self.moves),
            "one_side_told_share": share(self.one_side_told, self.one_side_two_camps),
            "calm_told_none_share": share(self.calm_told_none, self.calm_debates),
            "right_spoiled_share": share(self.right_spoiled, self.debates),
            "moves_fixed_share": share(self.moves_fixed, self.moves),
        }


def _summary(sides: Mapping[str, Sequence[str]]) -> Summary:
    from bot.result import Side, Summary

    return Summary(
        question="?",
        sides=[
            Side(label=label, position=label, comment_ids=list(ids)) for label, ids in sides.items()
        ],
    )


def measure(debates: Iterable[GoldDebate], near_threshold: float | None = None) -> Figures:
    """Run the three kinds of answer (module docstring) through the check on every debate."""
    from bot.dedupe import dedupe
    from bot.summarize.evidence import check_cues
    from bot.summarize.offline import stance_evidence

    if near_threshold is None:
        near_threshold = _near_threshold()
    out = Figures()
    for debate in debates:
        gold = debate.gold
        unique, _ = dedupe(debate.thread(), near_threshold=near_threshold)
        cues, disagreeing = stance_evidence(unique)
        ids = [c.id for c in unique.comments]
        one = check_cues(cues, _summary({"Main points": ids}), disagreeing)
        if set(debate.camps) != {"A", "B"}:
            out.calm_debates += 1
            out.calm_told_none += one.disagreement_id is None
            continue
        out.debates += 1
        out.one_side_two_camps += 1
        out.one_side_told += one.disagreement_id is not None
        camp = {i: gold.get(i) for i in ids}
        right = {c: [i for i in ids if camp[i] == c] for c in ("A", "B")}
        check = check_cues(cues, _summary(right), disagreeing)
        out.checked += check.checked
        out.false_alarms += len(check.contradictions)
        out.right_flagged += bool(check.contradictions)
        side_of = {i: c for c, members in right.items() for i in members}
        after = _obeyed(cues, side_of, check, disagreeing)
        out.right_spoiled += after != side_of
        out.right_misplaced_after += _misplaced(after, side_of)
        for moved in (i for i in ids if camp[i] in ("A", "B")):
            to = "B" if camp[moved] == "A" else "A"
            sides = {c: [i for i in right[c] if i != moved] for c in ("A", "B")}
            sides[to].append(moved)
            first = check_cues(cues, _summary(sides), disagreeing)
            found = first.contradictions
            out.moves += 1
            out.caught += any(moved in (c.comment_id, c.target_id) for c in found)
            out.moves_rechecked += bool(found)
            placed = {**side_of, moved: to}
            after = _obeyed(cues, placed, first, disagreeing)
            out.moves_fixed += after == side_of
            out.moves_misplaced_after += _misplaced(after, side_of)
    return out


def _misplaced(placed: Mapping[str, str], right: Mapping[str, str]) -> int:
    return sum(placed[i] != camp for i, camp in right.items())


def _obeyed(
    cues: Sequence[LinkedCue],
    side_of: Mapping[str, str],
    first: EvidenceCheck,
    disagreeing: str | None,
) -> dict[str, str]:
    """Where the comments end (comment id -> "A" or "B") after one recheck of the placement
    `side_of` (whose check is `first`) by a model that follows the check as well as it can be
    followed without reading: it moves, one at a time, whichever comment a contradiction names
    (the one that speaks or the one spoken to) removes the most contradictions, until no move
    removes one; the engine keeps the answer with fewer (the recheck on a tie, never one that
    leaves a side empty)."""
    placed, found = dict(side_of), len(first.contradictions)
    check = first
    while found:
        named = {n for c in check.contradictions for n in (c.comment_id, c.target_id)}
        best: tuple[int, dict[str, str], EvidenceCheck] | None = None
        for comment_id in sorted(named & placed.keys()):
            moved = {**placed, comment_id: "B" if placed[comment_id] == "A" else "A"}
            again = _check(cues, moved, disagreeing)
            if again is not None and len(again.contradictions) < (
                found if best is None else best[0]
            ):
                best = (len(again.contradictions), moved, again)
        if best is None:
            break
        found, placed, check = best
    return placed


def _check(
    cues: Sequence[LinkedCue], placed: Mapping[str, str], disagreeing: str | None
) -> EvidenceCheck | None:
    """The check of a two-sided placement; None when it leaves a side empty."""
    from bot.summarize.evidence import check_cues

    sides = {c: [i for i, s in placed.items() if s == c] for c in ("A", "B")}
    if not all(sides.values()):
        return None
    return check_cues(cues, _summary(sides), disagreeing)


def _print(name: str, figures: Mapping[str, Any]) -> None:
    f = figures
    out = sys.stdout.write
    out(f"{name}: {f['debates']} two-camp debates, {f['calm_debates']} with one camp or none\n")
    out(
        f"  right answer: {f['false_alarms']} false alarms in {f['checked']} checked cues "
        f"({f['false_alarm_share']}); debates with one: {f['right_flagged']} "
        f"({f['right_flagged_share']})\n"
    )
    out(f"  one comment misplaced: caught {f['caught']} of {f['moves']} ({f['caught_share']})\n")
    out(
        f"  a model following one recheck without reading: right answers left wrong "
        f"{f['right_spoiled']} of {f['debates']} ({f['right_spoiled_share']}); misplaced "
        f"answers rechecked "
        f"{f['moves_rechecked']}, left right {f['moves_fixed']} of {f['moves']} "
        f"({f['moves_fixed_share']}); misplaced comments after it: {f['right_misplaced_after']} "
        f"over the right answers (0 before), {f['moves_misplaced_after']} over the misplaced "
        f"ones ({f['moves']} before)\n"
    )
    out(
        f"  one side: 'holds disagreement' on {f['one_side_told']} of {f['one_side_two_camps']} "
        f"two-camp debates ({f['one_side_told_share']}); 'no disagreement' on "
        f"{f['calm_told_none']} of {f['calm_debates']} debates without two camps "
        f"({f['calm_told_none_share']})\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.bench.evidence_bench",
        description="How often the LLM engine's sides check catches a misplaced comment, and "
        "how often it raises a false alarm, on answers made from the sides sets' labels.",
    )
    parser.add_argument(
        "--set",
        type=Path,
        action="append",
        dest="sets",
        help="a folder of labelled debates (repeatable); default: the read sets and the blind "
        "sets, reported apart",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    groups: dict[str, list[Path]] = (
        {"sets": args.sets}
        if args.sets
        else {
            "read": calibration_sets(),
            "blind": [SET_DIR / name for name in BLIND_SETS],
        }
    )
    figures: dict[str, Any] = {}
    try:
        for name, folders in groups.items():
            debates = [d for folder in folders for d in load_set(folder)]
            figures[name] = measure(debates).as_dict()
    except GoldError as err:
        sys.stderr.write(f"evidence_bench: error: {err}\n")
        return 2
    if args.json:
        sys.stdout.write(json.dumps(figures, indent=2) + "\n")
    else:
        for name, group in figures.items():
            _print(name, group)
    return 0


if __name__ == "__main__":
    sys.exit(main())
