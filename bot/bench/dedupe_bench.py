"""Dedupe benchmark: speed, memory and quality on synthetic threads of real ArgKP text.

    python -m bot.bench.dedupe_bench            # the figures quoted in bot/dedupe.py
    python -m bot.bench.dedupe_bench --sweep    # recall and false merges across thresholds
    python -m bot.bench.dedupe_bench --quick    # small sizes, a smoke run

What `run()` measures (medians over `repeats`; machines are shared and noisy):

* ``large``: a 100,000-comment thread (`bot.bench.synth`), in a fresh subprocess so that its
  peak RSS is the benchmark's own: the texts pasted one per line, read by
  `bot.ingest.parse_source` and deduplicated, the product's own path. Targets: ingest + dedupe
  under 3 s on one core, peak RSS under 600 MB.
* ``pairwise``: the same dedupe against baselines that compare every earlier kept comment
  (O(n^2)), at 5,000 comments, in one process: with the same similarity function on every pair,
  and with the exact length and word-set filters first; the speed-ups, and whether all three
  removed exactly the same comments (the index must miss nothing).
* ``quality``: on the large thread, the share of planted duplicates of each kind that were
  removed as duplicates of their own original (near target: recall >= 0.99), and false merges:
  distinct base comments that were removed (target 0). ``quality_single_arguments``: the same
  on a 1,300-comment thread whose bases are single arguments (short comments: 3 edits in 17
  words are below the threshold by design).
* ``argkp``: the 932 real ArgKP arguments as one thread: what dedupe removes (target: nothing,
  they were written by different people), and every pair of them within a few word edits.
* ``calibration``: how fast this machine runs a plain Python loop, to compare figures across
  machines.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

from bot.bench.synth import PlantedDuplicate, PlantedTruth, build_thread, load_arguments
from bot.dedupe import (
    MIN_NEAR_WORDS,
    NEAR_MAX_EDITS,
    NEAR_THRESHOLD,
    DedupeReport,
    _dedupe,
    _Deduper,
    _split_quote,
    dedupe,
    edit_distance,
    normalize,
)
from bot.thread import Comment, Thread

TARGET_SECONDS = 3.0
TARGET_PEAK_MB = 600.0
TARGET_NEAR_RECALL = 0.99
SWEEP_THRESHOLDS = (0.70, 0.75, 0.80, 0.82, 0.85, 0.88, 0.90, 0.95)


def calibrate(iterations: int = 3_000_000) -> float:
    """Nanoseconds per iteration of ``for i in range(n): s += i`` (about 35 on a 2023 laptop)."""
    started = time.perf_counter()
    total = 0
    for i in range(iterations):
        total += i
    return round((time.perf_counter() - started) / iterations * 1e9, 1)


# --- accounting against the planted truth ---------------------------------------------------------


def removed_positions(thread: Thread, out: Thread, report: DedupeReport) -> dict[int, Any]:
    """Position in `thread` -> its `RemovedComment`. Kept comments are the first occurrence of
    each kept id; removed ones appear in `report.removed` in thread order."""
    kept = {c.id for c in out.comments}
    seen: set[str] = set()
    positions = []
    for pos, comment in enumerate(thread.comments):
        if comment.id in kept and comment.id not in seen:
            seen.add(comment.id)
        else:
            positions.append(pos)
    return dict(zip(positions, report.removed, strict=True))


def quality(thread: Thread, truth: PlantedTruth, out: Thread, report: DedupeReport) -> dict:
    """Per planted kind: how many, the share removed as a duplicate of their own original
    (`found`; for quotes, of a comment holding the quoted words), and the share removed as
    exactly that kind. Near edits also by number of edits. False merges: base comments removed
    (each is the first copy of a distinct text)."""
    gone = removed_positions(thread, out, report)
    texts: dict[str, str] = {}
    for c in thread.comments:
        texts.setdefault(c.id, c.text)

    def right(d: PlantedDuplicate) -> bool:
        r = gone.get(d.position)
        if r is None:
            return False
        if r.duplicate_of == d.original_id:
            return True
        # A quote is rightly matched to any earlier comment holding the quoted words (combined
        # bases share arguments, so the first holder is often another comment).
        parts = _split_quote(thread.comments[d.position].text) if d.kind == "quote_only" else None
        return parts is not None and normalize(parts[0]) in normalize(texts[r.duplicate_of])

    kinds: dict[str, dict[str, float]] = {}
    by_edits: dict[int, list[int]] = {}
    for kind in sorted(truth.by_kind()):
        planted = [d for d in truth.planted if d.kind == kind]
        found = [d for d in planted if right(d)]
        same_kind = [d for d in found if gone[d.position].kind == kind]
        kinds[kind] = {
            "planted": len(planted),
            "found": round(len(found) / len(planted), 4) if planted else 1.0,
            "as_kind": round(len(same_kind) / len(planted), 4) if planted else 1.0,
        }
    for d in truth.planted:
        if d.kind == "near":
            by_edits.setdefault(d.edits, [0, 0])[right(d)] += 1
    planted_at = {d.position for d in truth.planted}
    false_merges = [
        (thread.comments[p].id, gone[p].kind, gone[p].duplicate_of)
        for p in sorted(gone)
        if p not in planted_at  # a base comment: the first copy of a distinct text
    ]
    return {
        "kinds": kinds,
        "near_recall": kinds.get("near", {}).get("found", 1.0),
        "near_recall_by_edits": {
            str(k): round(v[1] / (v[0] + v[1]), 4) for k, v in sorted(by_edits.items())
        },
        "false_merges": len(false_merges),
        "false_merge_examples": false_merges[:5],
        "base_comments": len(truth.base_ids),
    }


# --- the large run, in a child process ---------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM (reset by exec, unlike ``ru_maxrss``, which
    Linux carries over from the parent that forked us), else ``ru_maxrss``."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _child(path: str, repeats: int, threshold: float) -> dict:
    """Runs in a fresh interpreter: read the JSON lines, then `repeats` times the product's
    path (`parse_source` of the texts pasted one per line, then `dedupe`), and report."""
    from bot.ingest import InputSource, parse_source

    rss_start = peak_rss_mb()
    started = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        comments = [Comment(**json.loads(line)) for line in handle]
    ingest = time.perf_counter() - started
    count = len(comments)
    # The same texts pasted one per line (line breaks inside a comment become spaces).
    pasted = "\n".join(" ".join(c.text.split()) for c in comments).encode("utf-8")
    del comments
    parse_times, dedupe_times, totals = [], [], []
    for _ in range(repeats):
        started = time.perf_counter()
        thread = parse_source(InputSource(name="bench", data=pasted), "text")
        parsed = time.perf_counter()
        _, report = dedupe(thread, near_threshold=threshold)
        done = time.perf_counter()
        parse_times.append(parsed - started)
        dedupe_times.append(done - parsed)
        totals.append(done - started)
        del thread
    return {
        "comments": count,
        # A "> quote" line joins the line after it, so the paste reads as a few fewer comments.
        "pasted_comments": report.comments_in,
        "kept": report.kept,
        "ingest_seconds": round(ingest, 3),
        "parse_source_seconds": round(statistics.median(parse_times), 3),
        "parse_source_seconds_all": [round(t, 3) for t in parse_times],
        "dedupe_seconds": round(statistics.median(dedupe_times), 3),
        "dedupe_seconds_all": [round(t, 3) for t in dedupe_times],
        "ingest_dedupe_seconds": round(statistics.median(totals), 3),
        "ingest_dedupe_seconds_all": [round(t, 3) for t in totals],
        "peak_rss_mb": peak_rss_mb(),
        "rss_after_imports_mb": rss_start,
    }


def measure_large(thread: Thread, repeats: int, threshold: float) -> dict:
    """Write `thread` as JSON lines and time ingest + dedupe in a fresh subprocess."""
    with tempfile.TemporaryDirectory(prefix="dedupe-bench-") as folder:
        path = Path(folder) / "thread.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for c in thread.comments:
                handle.write(json.dumps({"id": c.id, "text": c.text}) + "\n")
        cmd = [sys.executable, "-m", "bot.bench.dedupe_bench", "--child", str(path)]
        cmd += ["--repeats", str(repeats), "--threshold", str(threshold)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True, env=dict(os.environ))
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["target_seconds"] = TARGET_SECONDS
    result["target_peak_mb"] = TARGET_PEAK_MB
    result["within_targets"] = (
        result["ingest_dedupe_seconds"] < TARGET_SECONDS and result["peak_rss_mb"] < TARGET_PEAK_MB
    )
    return result


def measure_pairwise(n: int, repeats: int, threshold: float, seed: int = 0) -> dict:
    """Indexed dedupe against two O(n^2) baselines on the same thread, in one process: every
    earlier kept comment compared with the same similarity function (`plain`, timed once: it is
    slow), and the same with the exact length and word-set filters first (`filtered`)."""
    thread, _ = build_thread(n, seed=seed)
    indexed, filtered = [], []
    same = True
    for _ in range(repeats):
        started = time.perf_counter()
        _, a = _dedupe(thread, _Deduper(threshold))
        indexed.append(time.perf_counter() - started)
        started = time.perf_counter()
        _, b = _dedupe(thread, _Deduper(threshold, pairwise=True))
        filtered.append(time.perf_counter() - started)
        same = same and a.removed == b.removed
    started = time.perf_counter()
    _, c = _dedupe(thread, _Deduper(threshold, pairwise=True, prefilter=False))
    plain = time.perf_counter() - started
    same = same and a.removed == c.removed
    fast = statistics.median(indexed)
    slow = statistics.median(filtered)
    return {
        "comments": n,
        "indexed_seconds": round(fast, 3),
        "pairwise_plain_seconds": round(plain, 3),
        "speedup_vs_plain": round(plain / fast, 1),
        "pairwise_filtered_seconds": round(slow, 3),
        "speedup_vs_filtered": round(slow / fast, 1),
        "identical_result": same,
    }


# --- real arguments ------------------------------------------------------------------------------


def argkp_check(threshold: float = NEAR_THRESHOLD, show: int = 8) -> dict:
    """The 932 ArgKP arguments as one thread, and every pair of them within the near budget of
    a loose threshold (0.7), with its word edit distance and similarity."""
    args = load_arguments()
    thread = Thread(comments=tuple(Comment(id=a.arg_id, text=a.text) for a in args))
    _, report = dedupe(thread, near_threshold=threshold)
    words = [normalize(a.text).split() for a in args]
    sets = [set(w) for w in words]
    close = []
    for i, j in combinations(range(len(args)), 2):
        a, b = words[i], words[j]
        if min(len(a), len(b)) < MIN_NEAR_WORDS:
            continue
        longer = max(len(a), len(b))
        limit = int(0.3 * longer)
        if abs(len(a) - len(b)) > limit or len(sets[i] ^ sets[j]) > 2 * limit:
            continue
        d = edit_distance(a, b, limit)
        if d is not None:
            close.append((round(1 - d / longer, 4), d, args[i], args[j]))
    close.sort(key=lambda x: (-x[0], x[2].arg_id))
    thresholds = sorted({0.7, 0.75, 0.8, 0.85, threshold, 0.9})
    return {
        "arguments": len(args),
        "removed_at_threshold": [(r.id, r.kind, r.duplicate_of) for r in report.removed],
        "pairs_at_or_above": {str(t): sum(1 for c in close if c[0] >= t) for t in thresholds},
        "pairs_within_3_edits_at_or_above": {
            str(t): sum(1 for c in close if c[0] >= t and c[1] <= NEAR_MAX_EDITS)
            for t in thresholds
        },
        "closest_pairs": [
            {
                "similarity": s,
                "edits": d,
                "a": f"{x.arg_id}: {x.text}",
                "b": f"{y.arg_id}: {y.text}",
            }
            for s, d, x, y in close[:show]
        ],
    }


# --- threshold sweep -----------------------------------------------------------------------------


def sweep(
    thresholds: Sequence[float] = SWEEP_THRESHOLDS, *, n: int = 20_000, seed: int = 0
) -> list[dict]:
    """Recall of planted near edits and false merges across thresholds, for the edit budget
    dedupe uses (at most 3 edits, one more per 25 words) and for a relative threshold alone.

    Three populations: a synthetic thread of `n` comments whose bases combine 2-3 arguments, a
    thread whose bases are single real arguments (1,300 comments), and the 932 raw arguments.
    """
    combined, truth_c = build_thread(n, seed=seed)
    singles, truth_s = build_thread(1300, seed=seed)
    args = load_arguments()
    raw = Thread(comments=tuple(Comment(id=a.arg_id, text=a.text) for a in args))
    rows = []
    for budget, floor in (("3 edits + 1/25 words", NEAR_MAX_EDITS), ("relative only", None)):
        for t in thresholds:
            row: dict[str, Any] = {"budget": budget, "threshold": t}
            for name, thread, truth in (
                ("combined", combined, truth_c),
                ("singles", singles, truth_s),
            ):
                out, report = _dedupe(thread, _Deduper(t, edit_floor=floor))
                q = quality(thread, truth, out, report)
                row[f"{name}_near_recall"] = q["near_recall"]
                row[f"{name}_false_merges"] = q["false_merges"]
            _, report = _dedupe(raw, _Deduper(t, edit_floor=floor))
            row["argkp_merged"] = len(report.removed)
            rows.append(row)
    return rows


# --- the whole run -------------------------------------------------------------------------------


def run(
    *,
    quick: bool = False,
    n: int | None = None,
    pairwise_n: int | None = None,
    repeats: int | None = None,
    seed: int = 0,
    threshold: float = NEAR_THRESHOLD,
    with_sweep: bool = False,
) -> dict:
    """Every measurement above, as plain numbers. `quick` uses 10,000 / 1,000 comments and one
    repeat (a smoke run: those are not the quoted figures)."""
    n = n or (10_000 if quick else 100_000)
    pairwise_n = pairwise_n or (1_000 if quick else 5_000)
    repeats = repeats or (1 if quick else 3)
    result: dict[str, Any] = {"threshold": threshold, "calibration_ns_per_loop": calibrate()}
    thread, truth = build_thread(n, seed=seed)
    result["large"] = measure_large(thread, repeats, threshold)
    out, report = dedupe(thread, near_threshold=threshold)
    result["large"]["by_kind"] = report.by_kind
    result["large"]["blocks"] = len(report.blocks)
    result["quality"] = quality(thread, truth, out, report)
    result["quality"]["target_near_recall"] = TARGET_NEAR_RECALL
    del thread, truth, out, report
    # Bases that are single real arguments (median 17 words): near edits of short comments.
    small, small_truth = build_thread(1300, seed=seed)
    small_out, small_report = dedupe(small, near_threshold=threshold)
    result["quality_single_arguments"] = quality(small, small_truth, small_out, small_report)
    result["pairwise"] = measure_pairwise(pairwise_n, repeats, threshold, seed)
    result["argkp"] = argkp_check(threshold)
    if with_sweep:
        result["sweep"] = sweep(n=min(n, 20_000), seed=seed)
    return result


def format_result(result: dict) -> str:
    """The run as a small table, for people."""
    large, pw, q = result["large"], result["pairwise"], result["quality"]
    indexed_label = f"indexed dedupe, s ({pw['comments']} comments)"
    rows = [
        f"threshold {result['threshold']}  (this machine: {result['calibration_ns_per_loop']} ns"
        " per Python loop iteration)",
        f"{'':36}{'value':>12}  target",
        f"{'comments (large thread)':36}{large['comments']:>12}",
        f"{'ingest: parse_source (text), s':36}{large['parse_source_seconds']:>12}",
        f"{'dedupe, s (median)':36}{large['dedupe_seconds']:>12}",
        f"{'ingest + dedupe, s (median)':36}{large['ingest_dedupe_seconds']:>12}"
        f"  < {TARGET_SECONDS}",
        f"{'  each run':36}{' / '.join(map(str, large['ingest_dedupe_seconds_all'])):>12}",
    ]
    rows += [
        f"{'peak RSS, MB (ingest + dedupe)':36}{large['peak_rss_mb']:>12}  < {TARGET_PEAK_MB}",
        f"{'removed by kind':36}{json.dumps(large['by_kind'])}",
        f"{indexed_label:36}{pw['indexed_seconds']:>12}",
        f"{'pairwise, similarity on every pair, s':36}{pw['pairwise_plain_seconds']:>12}",
        f"{'  speed-up':36}{pw['speedup_vs_plain']:>12}",
        f"{'pairwise, exact filters first, s':36}{pw['pairwise_filtered_seconds']:>12}",
        f"{'  speed-up':36}{pw['speedup_vs_filtered']:>12}",
        f"{'same result as pairwise':36}{pw['identical_result']!s:>12}",
        f"{'near recall':36}{q['near_recall']:>12}  >= {TARGET_NEAR_RECALL}",
        f"{'near recall by number of edits':36}{json.dumps(q['near_recall_by_edits'])}",
        f"{'false merges of base comments':36}{q['false_merges']:>12}  0",
    ]
    for kind, figures in q["kinds"].items():
        found = f"{figures['found']} ({figures['as_kind']} as {kind})"
        rows.append(f"{'  planted ' + kind + ' found':36}{found:>12}")
    qs = result["quality_single_arguments"]
    rows.append(
        f"{'single-argument thread: near recall':36}{qs['near_recall']:>12}"
        f"  by edits {json.dumps(qs['near_recall_by_edits'])}, false merges {qs['false_merges']}"
    )
    ak = result["argkp"]
    rows.append(f"{'ArgKP arguments merged':36}{len(ak['removed_at_threshold']):>12}  0")
    rows.append(f"{'ArgKP pairs at or above':36}{json.dumps(ak['pairs_at_or_above'])}")
    for pair in ak["closest_pairs"]:
        rows.append(f"  {pair['similarity']} ({pair['edits']} edits)")
        rows.append(f"    {pair['a']}")
        rows.append(f"    {pair['b']}")
    if "sweep" in result:
        rows.append(format_sweep(result["sweep"]))
    return "\n".join(rows)


def format_sweep(rows: list[dict]) -> str:
    """The sweep as a table: near recall / false merges per population and threshold."""
    out = [
        "budget                threshold  combined recall / false   singles recall / false  argkp"
    ]
    for r in rows:
        out.append(
            f"{r['budget']:22}{r['threshold']:>9}  {r['combined_near_recall']:>8} /"
            f" {r['combined_false_merges']:<14}{r['singles_near_recall']:>8} /"
            f" {r['singles_false_merges']:<12}{r['argkp_merged']:>5}"
        )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: run the benchmark and print a table (or JSON with --json)."""
    parser = argparse.ArgumentParser(prog="python -m bot.bench.dedupe_bench")
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    parser.add_argument("--sweep", action="store_true", help="only the threshold sweep")
    parser.add_argument("--n", type=int, help="comments in the large thread (default 100000)")
    parser.add_argument("--pairwise-n", type=int, help="comments for the pairwise comparison")
    parser.add_argument("--repeats", type=int, help="repeats per timing (default 3)")
    parser.add_argument("--threshold", type=float, default=NEAR_THRESHOLD)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        text = json.dumps(_child(args.child, args.repeats or 1, args.threshold))
    elif args.sweep:
        rows = sweep(n=args.n or 20_000)
        text = json.dumps(rows, indent=2) if args.json else format_sweep(rows)
    else:
        result = run(
            quick=args.quick,
            n=args.n,
            pairwise_n=args.pairwise_n,
            repeats=args.repeats,
            threshold=args.threshold,
        )
        text = json.dumps(result, indent=2) if args.json else format_result(result)
    print(text)  # noqa: T201 - the one place this module writes to stdout


if __name__ == "__main__":
    main()
