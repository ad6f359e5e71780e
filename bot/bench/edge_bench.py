"""What each kind of stance evidence is worth: `python -m bot.bench.edge_bench`.

The offline engine's sides stage weighs every linked cue ("But ..." in a reply, "agreed" to the
previous speaker, "source?" to the story) by `bot.summarize.offline.sides.EDGE_WEIGHTS`. This
measures those weights on labelled debates (the sides sets, `tests/fixtures/sides/`): each
debate is deduplicated as the pipeline does it and its linked cues are listed
(`bot.summarize.offline.linked_cues`); a cue is **right** when it agrees with a comment of its own
camp or disagrees with one of the other camp (the question is camp A), **wrong** the other way
round. Comments without a camp, and debates without two camps, are not counted.

For each (kind, sign, link) seen at least `--min` times it prints right, wrong, precision, the
weight `log((right + 1) / (wrong + 1)) / 3.9` (so that "I disagree" with the claim weighs about
1 beside the stage's structural weights) and the weight the engine ships; the same for bare votes
on the question (`VOTE_WEIGHT`). Rerun it after changing the cue rules and paste the printed table
over `EDGE_WEIGHTS` when the weights have drifted. Measure only sets whose misses have been read:
the blind held-out sets are for measuring the result, not for fitting it.

    python -m bot.bench.edge_bench                     # the sets the weights were measured on
    python -m bot.bench.edge_bench --set tests/fixtures/sides/heldout-41 --json
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.bench.sides_bench import SET_DIR, GoldDebate, GoldError, _near_threshold, load_set

# The sets nobody has read the misses of. The shipped weights are measured on every other set
# under `SET_DIR` (`calibration_sets`), so that these still measure what the weights do on
# threads nobody fitted them to. A new blind set goes here when it is merged (else the weights
# test fails: its threads would change what the sets measure).
BLIND_SETS = (
    "heldout-3",
    "heldout-31",
    "heldout-34",
    "heldout-36",
    "heldout-41",
    "heldout-42",
    "heldout-43",
    "heldout-44",
    "heldout-45",
    "heldout-46",
    "heldout-47",
    "heldout-48",
    "heldout-49",
    "heldout-50",
    "heldout-51",
    "heldout-52",
    "heldout-53",
    "heldout-54",
    "heldout-long",
)
SCALE = 3.9  # log-odds of a plain "I disagree" with the claim (430 right, 11 wrong) → about 1
MIN_SEEN = 10
Key = tuple[str, int, str]


@dataclass
class Tally:
    right: int = 0
    wrong: int = 0

    @property
    def seen(self) -> int:
        return self.right + self.wrong

    @property
    def precision(self) -> float:
        return self.right / self.seen if self.seen else 0.0

    @property
    def weight(self) -> float:
        """The measured weight: smoothed log-odds of being right, scaled (never below 0 here:
        a kind of cue that is more often wrong than right needs its rule fixed, not its sign
        flipped by a count)."""
        return round(max(0.0, math.log((self.right + 1) / (self.wrong + 1))) / SCALE, 3)


@dataclass
class Measured:
    cues: dict[Key, Tally] = field(default_factory=dict)
    votes: Tally = field(default_factory=Tally)
    debates: int = 0


def calibration_sets(root: Path = SET_DIR) -> list[Path]:
    """The sets the weights are measured on: the gold set and every held-out set but the blind."""
    held = sorted(p for p in root.glob("heldout*") if p.is_dir() and p.name not in BLIND_SETS)
    return [root, *held]


def measure(debates: Iterable[GoldDebate], near_threshold: float | None = None) -> Measured:
    """Tally every linked cue of every two-camp debate against the debate's labels, deduplicated
    at `near_threshold` (default: the settings', as the CLI dedupes)."""
    from bot.dedupe import dedupe
    from bot.summarize.offline import linked_cues

    if near_threshold is None:
        near_threshold = _near_threshold()
    out = Measured()
    for debate in debates:
        if set(debate.camps) != {"A", "B"}:
            continue
        out.debates += 1
        gold = debate.gold
        unique, _ = dedupe(debate.thread(), near_threshold=near_threshold)
        for cue in linked_cues(unique):
            mine = gold.get(cue.comment_id)
            theirs = "A" if cue.target is None else gold.get(cue.target)
            if mine and cue.vote:
                _count(out.votes, (cue.vote > 0) == (mine == "A"))
            if not mine or not theirs:
                continue
            tally = out.cues.setdefault((cue.kind, cue.sign, cue.link), Tally())
            _count(tally, (mine == theirs) == (cue.sign > 0))
    return out


def _count(tally: Tally, right: bool) -> None:
    if right:
        tally.right += 1
    else:
        tally.wrong += 1


def report(measured: Measured, min_seen: int = MIN_SEEN) -> dict[str, Any]:
    """The figures as plain data: one row per measured kind, most seen first."""
    from bot.summarize.offline.sides import EDGE_WEIGHTS, VOTE_WEIGHT

    rows = [
        {
            "kind": kind,
            "sign": sign,
            "link": link,
            "right": t.right,
            "wrong": t.wrong,
            "precision": round(t.precision, 3),
            "weight": t.weight if t.seen >= min_seen else None,
            "shipped": EDGE_WEIGHTS.get((kind, sign, link)),
        }
        for (kind, sign, link), t in sorted(
            measured.cues.items(), key=lambda item: (-item[1].seen, item[0])
        )
    ]
    votes = measured.votes
    return {
        "debates": measured.debates,
        "cues": rows,
        "votes": {
            "right": votes.right,
            "wrong": votes.wrong,
            "precision": round(votes.precision, 3),
            "weight": votes.weight,
            "shipped": VOTE_WEIGHT,
        },
    }


def _print(figures: dict[str, Any]) -> None:
    out = sys.stdout.write
    out(f"{figures['debates']} two-camp debates\n")
    out(f"{'kind':12} {'sign':>4} {'link':9} {'right':>6} {'wrong':>6} {'prec':>6} ")
    out(f"{'weight':>7} {'shipped':>7}\n")
    for row in figures["cues"]:
        weight = "-" if row["weight"] is None else f"{row['weight']:.3f}"
        shipped = "-" if row["shipped"] is None else f"{row['shipped']:.3f}"
        out(f"{row['kind']:12} {row['sign']:>+4} {row['link']:9} {row['right']:>6} ")
        out(f"{row['wrong']:>6} {row['precision']:>6.3f} {weight:>7} {shipped:>7}\n")
    v = figures["votes"]
    out(f"bare votes: right {v['right']}, wrong {v['wrong']}, precision {v['precision']:.3f}, ")
    out(f"weight {v['weight']:.3f} (shipped {v['shipped']})\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.bench.edge_bench",
        description="How often each kind of linked stance cue joins or parts the right camps "
        "in labelled debates, and the weight that makes it in the offline engine's sides stage.",
    )
    parser.add_argument(
        "--set",
        type=Path,
        action="append",
        dest="sets",
        help="a folder of labelled debates; repeat for several (default: the sets the shipped "
        "weights are measured on: the gold set and every held-out set but BLIND_SETS)",
    )
    parser.add_argument(
        "--min",
        type=int,
        default=MIN_SEEN,
        help=f"cues seen fewer times get no weight (default {MIN_SEEN})",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.min < 1:
        parser.error("--min must be 1 or more")
    debates: list[GoldDebate] = []
    try:
        for folder in args.sets or calibration_sets():
            debates.extend(load_set(folder))
    except GoldError as err:
        sys.stderr.write(f"edge_bench: error: {err}\n")
        return 2
    figures = report(measure(debates), args.min)
    if args.json:
        sys.stdout.write(json.dumps(figures, indent=2) + "\n")
    else:
        _print(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
