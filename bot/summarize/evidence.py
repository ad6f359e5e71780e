"""An LLM's sides against what the comments say: the check that keeps a model's sides honest.

The LLM engine puts comments on sides by reading them, and nothing else looked at where it put
them. This check reads the same deduplicated thread with the offline engine's cue and linking
stages (`bot.summarize.offline.linked_cues`: "I disagree with Alice", a reply's "But ...", "+1"
to the previous speaker, "source?" to the story) and keeps the strong evidence: linked cues the
sides stage weighs at least `STRONG_WEIGHT` (`sides.EDGE_WEIGHTS`, measured by
`python -m bot.bench.edge_bench`; at that weight a kind of cue was right about nine times in ten
on the labelled sets). A placement goes against that evidence when

- a comment that disagrees with another sits under the same side as it, or one that agrees with
  another sits under a different side (both on a side);
- one side holds a comment that agrees with the question and one that disagrees with it.

The check only reports (`EvidenceCheck`, and a note naming the comments): a model may have read a
partial agreement right where a cue reads it wrong. It also finds who disagrees: the first
comment with a disagreement cue in its own words (the offline engine's own rule for "no
disagreement"), else the first strong linked cue against someone or the question (a reply's "But
...", "source?" to the story); a one-sided answer is called "no disagreement" only when there is
none (issue 9).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from bot.result import Contradiction, EvidenceCheck, Summary
from bot.thread import Thread

if TYPE_CHECKING:
    from bot.summarize.offline import LinkedCue

# The weight (`sides.linked_weight`) from which a linked cue counts as evidence against a
# model's placement: log-odds of about 2.3 (`edge_bench`'s scale, 3.9), right ~91% of the time.
STRONG_WEIGHT = 0.6
NOTE_EXAMPLES = 3  # contradictions a note names; the JSON lists them all
RECHECK_EXAMPLES = 12  # contradictions the model's one re-ask names (`for_recheck`)
LABEL_CHARS = 80  # a side's label as the re-ask quotes it
SHORT_ID = 8  # an id this short ("c7") is shown beside its author's name; a snowflake is not

_SAYS = {1: "agrees", -1: "disagrees"}


def check_sides(thread: Thread, summary: Summary) -> EvidenceCheck:
    """Check `summary`'s sides against the stance evidence of `thread` (the deduplicated thread
    the summary was made from). Comments a side does not list are on no side and not checked."""
    from bot.summarize.offline import stance_evidence

    cues, disagreeing = stance_evidence(thread)
    return check_cues(cues, summary, disagreeing)


def check_cues(
    cues: Sequence[LinkedCue], summary: Summary, disagreeing: str | None
) -> EvidenceCheck:
    """`check_sides` given the thread's reading (`stance_evidence`: its linked cues in thread
    order, and the first comment that says it disagrees): a benchmark checks many placements of
    one thread against one reading of it."""
    # Someone who says they disagree ("No way", "fake"), else a strong linked cue against
    # someone or the question (a reply's "But ...", "source?" to the story).
    disagreement = disagreeing or next(
        (c.comment_id for c in cues if c.sign < 0 and c.weight >= STRONG_WEIGHT), None
    )
    side_of: dict[str, int] = {}
    for index, listed in enumerate(summary.sides):
        for comment_id in listed.comment_ids:
            side_of.setdefault(comment_id, index)
    labels = [listed.label for listed in summary.sides]
    checked = 0
    out: list[Contradiction] = []
    # Per side, the comments that agree (+1) and disagree (-1) with the question, in order.
    on_question: dict[int, dict[int, list[str]]] = {}
    for cue in cues:
        if cue.weight < STRONG_WEIGHT or cue.comment_id not in side_of:
            continue
        side = side_of[cue.comment_id]
        if cue.target is None:
            on_question.setdefault(side, {1: [], -1: []})[cue.sign].append(cue.comment_id)
            checked += 1
            continue
        target_side = side_of.get(cue.target)
        if target_side is None:
            continue
        checked += 1
        if (cue.sign > 0) != (side == target_side):
            out.append(
                Contradiction(
                    comment_id=cue.comment_id,
                    says=_SAYS[cue.sign],
                    target_id=cue.target,
                    side=labels[side],
                    target_side=labels[target_side],
                )
            )
    order = {cue.comment_id: index for index, cue in enumerate(cues)}
    for side, signs in sorted(on_question.items()):
        agree, disagree = signs[1], signs[-1]
        if not (agree and disagree):
            continue
        # The fewer are the ones out of place (on a tie, those who spoke later).
        if len(agree) != len(disagree):
            agree_few = len(agree) < len(disagree)
        else:
            agree_few = order[agree[0]] > order[disagree[0]]
        few, sign, many = (agree, 1, disagree) if agree_few else (disagree, -1, agree)
        for comment_id in few:
            out.append(
                Contradiction(
                    comment_id=comment_id,
                    says=_SAYS[sign],
                    target_id=many[0],
                    question=True,
                    side=labels[side],
                    target_side=labels[side],
                )
            )
    return EvidenceCheck(checked=checked, contradictions=out, disagreement_id=disagreement)


def describe(
    item: Contradiction,
    authors: Mapping[str, str] | None = None,
    *,
    name: Callable[[str], str] | None = None,
) -> str:
    """One contradiction in words: 'Bob (c2) disagrees with Alice (c1), yet both are under
    "For"'. `authors`: comment id → author, where known (else the id alone); `name`: how to
    name a comment instead (the model's re-ask says "comment 7")."""
    named = name or (lambda comment_id: describe_id(comment_id, authors))
    me, them = named(item.comment_id), named(item.target_id)
    if item.question:
        other = "disagrees" if item.says == "agrees" else "agrees"
        both = f'yet both are under "{item.side}"'
        return f"{me} {item.says} with the question and {them} {other}, {both}"
    if item.says == "disagrees":
        return f'{me} disagrees with {them}, yet both are under "{item.side}"'
    return (
        f'{me} agrees with {them}, yet is under "{item.side}" and {them} under "{item.target_side}"'
    )


def notes(
    check: EvidenceCheck | None, summary: Summary, authors: Mapping[str, str] | None = None
) -> list[str]:
    """The reader's notes of `check` (None: the check could not run): whether a one-sided
    summary may say "no disagreement", and the placements that go against what the comments
    say (`authors`: comment id → author, to name them)."""
    out: list[str] = []
    sides = summary.sides
    if len(sides) == 1:
        label = sides[0].label
        if check is None:
            out.append(f'the model gave one side, "{label}"')
        elif check.disagreement_id is None:
            out.append(f'no disagreement found: the summary has one side, "{label}"')
        else:
            speaker = describe_id(check.disagreement_id, authors)
            out.append(
                f'the model gave one side, "{label}", though {speaker} disagrees: the sides '
                "were not told apart"
            )
    # (One side: every disagreement is inside it, and the note above says so.)
    found = check.contradictions if check is not None and len(sides) > 1 else []
    if check is not None and found:
        named = "; ".join(describe(c, authors) for c in found[:NOTE_EXAMPLES])
        more = len(found) - NOTE_EXAMPLES
        rest = f"; and {more} more" if more > 0 else ""
        says = "1 comment says" if len(found) == 1 else f"{len(found)} comments say"
        out.append(
            f"the model's sides may go against what {says} ({check.checked} checked against "
            f"their own words): {named}{rest}"
        )
    return out


def describe_id(comment_id: str, authors: Mapping[str, str] | None) -> str:
    name = (authors or {}).get(comment_id)
    if not name:
        return comment_id
    return f"{name} ({comment_id})" if len(comment_id) <= SHORT_ID else name


def wants_recheck(check: EvidenceCheck | None, summary: Summary) -> bool:
    """Whether the model should be asked once to recheck its sides: they go against what some
    comment says, and there are sides to move it between."""
    return check is not None and len(summary.sides) > 1 and bool(check.contradictions)


def for_recheck(check: EvidenceCheck) -> str:
    """The contradictions of `check` as the model's re-ask lists them, one a line, each comment
    named by its id as the data block gives it ("comment 7 disagrees with comment 2, yet both
    are under "For""); a side's label is the model's own, on one line and cut short."""

    def short(item: Contradiction) -> Contradiction:
        return item.model_copy(
            update={"side": _one_line(item.side), "target_side": _one_line(item.target_side)}
        )

    found = check.contradictions
    lines = [
        "- " + describe(short(c), name=lambda comment_id: f"comment {comment_id}")
        for c in found[:RECHECK_EXAMPLES]
    ]
    if len(found) > RECHECK_EXAMPLES:
        lines.append(f"- and {len(found) - RECHECK_EXAMPLES} more of the same kind")
    return "\n".join(lines)


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= LABEL_CHARS else flat[: LABEL_CHARS - 1].rstrip() + "…"
