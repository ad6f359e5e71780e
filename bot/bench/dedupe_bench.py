"""Dedupe benchmark: speed, memory and quality on synthetic threads of real ArgKP text.

    python -m bot.bench.dedupe_bench            # every figure (README: "Dedupe figures")
    python -m bot.bench.dedupe_bench --quick    # small sizes, a smoke run

What `run()` measures (medians over `repeats`; machines are shared and noisy):

* ``large``: a 100,000-comment thread (`bot.bench.synth`), in a fresh subprocess so that its
  peak RSS is the benchmark's own: the texts pasted one per line, read by
  `bot.ingest.parse_source` and deduplicated, the product's own path. Targets: ingest + dedupe
  under 3 s on one core, peak RSS under 600 MB.
* ``shapes``: the hostile shapes of issue 14: one comment of 16,000 words (target < 0.5 s),
  1,999 and 2,000 long similar comments (200 words, 14 changed words each; target < 5 s, no
  cliff between them), 200 comments of 2,000 words, and the time per word as sizes grow
  (linear: microseconds per word stay about the same).
* ``quality``: on the large thread, the share of planted duplicates of each kind folded into
  their own original (near target: recall >= 0.99), and false merges: distinct base comments
  that were folded (target 0). ``quality_single_arguments``: the same on a 1,300-comment thread
  whose bases are single arguments.
* ``edits``: planted copy edits (misspellings, case, punctuation, filler words, markup) and
  planted meaning edits (negation, number, name, content word) on the real ArgKP arguments:
  recall on copy edits (target >= 0.99), merges of meaning edits (target 0).
* ``argkp``: the 932 real ArgKP arguments as one thread: what dedupe folds (target: nothing,
  they were written by different people).
* ``calibration``: how fast this machine runs a plain Python loop, to compare figures across
  machines.

Figures measured when the meaning guard and the linear index came in (and what the earlier
edit-distance dedupe measured): README, "Dedupe figures".
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.bench.synth import (
    MEANING_KINDS,
    PlantedDuplicate,
    PlantedTruth,
    build_thread,
    load_arguments,
    meaning_edit,
    near_edit,
)
from bot.dedupe import MIN_NEAR_WORDS, NEAR_THRESHOLD, DedupeReport, dedupe, normalize, split_quote
from bot.thread import Comment, Thread

TARGET_SECONDS = 3.0
TARGET_PEAK_MB = 600.0
TARGET_NEAR_RECALL = 0.99
TARGET_LONG_COMMENT_SECONDS = 0.5
TARGET_SIMILAR_SECONDS = 5.0


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
        parts = split_quote(thread.comments[d.position].text) if d.kind == "quote_only" else None
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
    parse_times, dedupe_times, totals, cpu_totals = [], [], [], []
    for _ in range(repeats):
        cpu_started = time.process_time()
        started = time.perf_counter()
        thread = parse_source(InputSource(name="bench", data=pasted), "text")
        parsed = time.perf_counter()
        _, report = dedupe(thread, near_threshold=threshold)
        done = time.perf_counter()
        parse_times.append(parsed - started)
        dedupe_times.append(done - parsed)
        totals.append(done - started)
        # CPU seconds: on a shared machine, less moved by other processes than wall time.
        cpu_totals.append(time.process_time() - cpu_started)
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
        "ingest_dedupe_cpu_seconds": round(statistics.median(cpu_totals), 3),
        "ingest_dedupe_cpu_seconds_all": [round(t, 3) for t in cpu_totals],
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


# --- hostile shapes (issue 14) ---------------------------------------------------------------


def _random_words(rng: random.Random, count: int) -> list[str]:
    vocabulary = sorted({w for a in load_arguments() for w in normalize(a.text).split()})
    return [rng.choice(vocabulary) for _ in range(count)]


def long_comment(words: int, seed: int = 0) -> Thread:
    """One comment of `words` words (real ArgKP words in random order)."""
    rng = random.Random(seed)
    return Thread(comments=(Comment(id="c1", text=" ".join(_random_words(rng, words))),))


def similar_comments(n: int, words: int = 200, changed: int = 14, seed: int = 0) -> Thread:
    """`n` comments of `words` words: one text with `changed` words replaced in each (similar,
    but beyond the misspelling budget: nothing is folded, many pairs are candidates)."""
    rng = random.Random(seed)
    base = _random_words(rng, words)
    pool = _random_words(rng, 2000)
    comments = []
    for i in range(n):
        text = list(base)
        for j in rng.sample(range(words), changed):
            text[j] = rng.choice(pool)
        comments.append(Comment(id=f"c{i + 1}", text=" ".join(text)))
    return Thread(comments=tuple(comments))


def _timed(thread: Thread, repeats: int, threshold: float) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        dedupe(thread, near_threshold=threshold)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 4)


def measure_shapes(repeats: int, threshold: float, *, quick: bool = False) -> dict:
    """Seconds for each hostile shape, and microseconds per word as sizes grow."""
    out: dict[str, Any] = {}
    out["long_comment_16000_words_s"] = _timed(long_comment(16_000), repeats, threshold)
    for n in (1999, 2000):
        out[f"similar_{n}_x_200_words_s"] = _timed(similar_comments(n), repeats, threshold)
    if not quick:
        out["comments_200_x_2000_words_s"] = _timed(
            similar_comments(200, words=2000, changed=140), repeats, threshold
        )
    scaling: list[dict[str, Any]] = []
    for words in (8_000, 16_000, 32_000) if quick else (16_000, 64_000, 256_000):
        scaling.append({"words": words, "seconds": _timed(long_comment(words), repeats, threshold)})
    for n in (500, 1000, 2000) if quick else (1000, 2000, 4000, 8000):
        seconds = _timed(similar_comments(n), repeats, threshold)
        scaling.append({"similar_comments": n, "words": n * 200, "seconds": seconds})
    for row in scaling:
        row["us_per_word"] = round(row["seconds"] / row["words"] * 1e6, 3)
    out["scaling"] = scaling
    out["within_targets"] = (
        out["long_comment_16000_words_s"] < TARGET_LONG_COMMENT_SECONDS
        and out["similar_1999_x_200_words_s"] < TARGET_SIMILAR_SECONDS
        and out["similar_2000_x_200_words_s"] < TARGET_SIMILAR_SECONDS
    )
    return out


# --- copy edits and meaning edits on real arguments -------------------------------------------


def edits_check(threshold: float = NEAR_THRESHOLD, rounds: int = 3, seed: int = 0) -> dict:
    """Planted edits of the real ArgKP arguments, each kind in one thread with the originals.

    Copy edits (1-3 misspelt words, at most dedupe's budget for the length, and at random a
    filler word, case, punctuation or markup) of every argument of `MIN_NEAR_WORDS` words or
    more, `rounds` times: recall is the share folded into their own original. Meaning edits of
    every argument, per kind: a merge is an edited text folded into anything."""
    from bot.dedupe.index import Budget

    args = load_arguments()
    rng = random.Random(seed)
    budget = Budget(threshold)
    vocabulary = sorted({w for a in args for w in normalize(a.text).split() if len(w) >= 4})
    originals = [Comment(id=a.arg_id, text=a.text) for a in args]
    by_id = {a.arg_id: a.text for a in args}
    copies: list[Comment] = []
    source: dict[str, str] = {}
    for r in range(rounds):
        for a in args:
            n = len(normalize(a.text).split())
            if n < MIN_NEAR_WORDS:
                continue
            cid = f"copy{r}-{a.arg_id}"
            typos = rng.randint(1, max(1, min(3, budget.max_edits(n))))
            copies.append(Comment(id=cid, text=near_edit(a.text, typos, rng)))
            source[cid] = a.arg_id
    _, report = dedupe(Thread(comments=(*originals, *copies)), near_threshold=threshold)
    folded = {r.id: r.duplicate_of for r in report.removed}
    found = sum(1 for cid, aid in source.items() if folded.get(cid) == aid)
    text_of = {c.id: c.text for c in copies}
    meaning: dict[str, dict[str, Any]] = {}
    for kind in MEANING_KINDS:
        pairs = [meaning_edit(a.text, kind, rng, vocabulary) for a in args]
        thread = Thread(
            comments=tuple(Comment(id=f"o{i}", text=o) for i, (o, _) in enumerate(pairs))
            + tuple(Comment(id=f"e{i}", text=e) for i, (_, e) in enumerate(pairs))
        )
        _, rep = dedupe(thread, near_threshold=threshold)
        merged = [r for r in rep.removed if r.id.startswith("e")]
        meaning[kind] = {
            "planted": len(pairs),
            "merged": len(merged),
            "examples": [(pairs[int(r.id[1:])][1], r.kind, r.duplicate_of) for r in merged[:3]],
        }
    return {
        "copy_edits": len(source),
        "copy_recall": round(found / len(source), 4) if source else 1.0,
        "copy_folds_by_kind": _kinds(report, set(source)),
        "copies_missed_examples": [
            (by_id[aid], text_of[cid]) for cid, aid in source.items() if folded.get(cid) != aid
        ][:5],
        "originals_merged": sum(1 for r in report.removed if r.id in by_id),
        "meaning_edits": meaning,
        "meaning_merges": sum(m["merged"] for m in meaning.values()),
    }


def _kinds(report: DedupeReport, ids: set[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in report.removed:
        if r.id in ids:
            out[r.kind] = out.get(r.kind, 0) + 1
    return out


def argkp_check(threshold: float = NEAR_THRESHOLD) -> dict:
    """The 932 ArgKP arguments as one thread: what dedupe folds (written by different people:
    nothing should be)."""
    args = load_arguments()
    thread = Thread(comments=tuple(Comment(id=a.arg_id, text=a.text) for a in args))
    _, report = dedupe(thread, near_threshold=threshold)
    return {
        "arguments": len(args),
        "removed_at_threshold": [(r.id, r.kind, r.duplicate_of) for r in report.removed],
    }


# --- the whole run -------------------------------------------------------------------------------


def run(
    *,
    quick: bool = False,
    n: int | None = None,
    repeats: int | None = None,
    seed: int = 0,
    threshold: float = NEAR_THRESHOLD,
) -> dict:
    """Every measurement above, as plain numbers. `quick` uses 10,000 comments, smaller shapes
    and one repeat (a smoke run: those are not the quoted figures)."""
    n = n or (10_000 if quick else 100_000)
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
    result["shapes"] = measure_shapes(repeats, threshold, quick=quick)
    result["edits"] = edits_check(threshold, rounds=1 if quick else 3, seed=seed)
    result["argkp"] = argkp_check(threshold)
    return result


def write_folds(path: Path, *, n: int, threshold: float, seed: int = 0) -> str:
    """Write every fold of the large thread (`n` comments) as JSON rows ``[id, duplicate_of,
    kind]``, in thread order; return a one-line summary. Two versions fold alike when the files
    are equal."""
    thread, _ = build_thread(n, seed=seed)
    _, report = dedupe(thread, near_threshold=threshold)
    rows = [[r.id, r.duplicate_of, r.kind] for r in report.removed]
    path.write_text(json.dumps(rows), encoding="utf-8")
    return f"{len(rows)} folds of {n} comments written to {path}"


def format_result(result: dict) -> str:
    """The run as a small table, for people."""
    large, q, sh, ed = result["large"], result["quality"], result["shapes"], result["edits"]
    rows = [
        f"threshold {result['threshold']}  (this machine: {result['calibration_ns_per_loop']} ns"
        " per Python loop iteration)",
        f"{'':40}{'value':>12}  target",
        f"{'comments (large thread)':40}{large['comments']:>12}",
        f"{'ingest: parse_source (text), s':40}{large['parse_source_seconds']:>12}",
        f"{'dedupe, s (median)':40}{large['dedupe_seconds']:>12}",
        f"{'ingest + dedupe, s (median)':40}{large['ingest_dedupe_seconds']:>12}"
        f"  < {TARGET_SECONDS}",
        f"{'  each run':40}{' / '.join(map(str, large['ingest_dedupe_seconds_all'])):>12}",
        f"{'ingest + dedupe, CPU s (median)':40}{large['ingest_dedupe_cpu_seconds']:>12}",
        f"{'peak RSS, MB (ingest + dedupe)':40}{large['peak_rss_mb']:>12}  < {TARGET_PEAK_MB}",
        f"{'folded by kind':40}{json.dumps(large['by_kind'])}",
        f"{'one comment of 16,000 words, s':40}{sh['long_comment_16000_words_s']:>12}"
        f"  < {TARGET_LONG_COMMENT_SECONDS}",
        f"{'1,999 similar 200-word comments, s':40}{sh['similar_1999_x_200_words_s']:>12}"
        f"  < {TARGET_SIMILAR_SECONDS}",
        f"{'2,000 similar 200-word comments, s':40}{sh['similar_2000_x_200_words_s']:>12}"
        f"  < {TARGET_SIMILAR_SECONDS}",
    ]
    if "comments_200_x_2000_words_s" in sh:
        rows.append(f"{'200 comments of 2,000 words, s':40}{sh['comments_200_x_2000_words_s']:>12}")
    for row in sh["scaling"]:
        what = (
            f"{row['similar_comments']} similar comments"
            if "similar_comments" in row
            else f"one comment of {row['words']} words"
        )
        rows.append(f"{'  ' + what + ', us/word':40}{row['us_per_word']:>12}  ({row['seconds']} s)")
    rows += [
        f"{'near recall (planted misspellings)':40}{q['near_recall']:>12}  >= {TARGET_NEAR_RECALL}",
        f"{'false merges of base comments':40}{q['false_merges']:>12}  0",
    ]
    for kind, figures in q["kinds"].items():
        found = f"{figures['found']} ({figures['as_kind']} as {kind})"
        rows.append(f"{'  planted ' + kind + ' found':40}{found:>12}")
    qs = result["quality_single_arguments"]
    rows.append(
        f"{'single-argument thread: near recall':40}{qs['near_recall']:>12}"
        f"  false merges {qs['false_merges']}"
    )
    rows.append(
        f"{'ArgKP copy edits: recall':40}{ed['copy_recall']:>12}  >= {TARGET_NEAR_RECALL}"
        f"  ({ed['copy_edits']} copies)"
    )
    for kind, m in ed["meaning_edits"].items():
        rows.append(f"{'ArgKP meaning edits (' + kind + '): merged':40}{m['merged']:>12}  0")
    rows.append(
        f"{'ArgKP arguments merged':40}{len(result['argkp']['removed_at_threshold']):>12}  0"
    )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: run the benchmark and print a table (or JSON with --json)."""
    parser = argparse.ArgumentParser(prog="python -m bot.bench.dedupe_bench")
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    parser.add_argument("--n", type=int, help="comments in the large thread (default 100000)")
    parser.add_argument("--repeats", type=int, help="repeats per timing (default 3)")
    parser.add_argument("--threshold", type=float, default=NEAR_THRESHOLD)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--folds",
        metavar="PATH",
        help="only write every fold (id, duplicate_of, kind) of the large thread to PATH as JSON, "
        "to compare two versions' decisions",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        text = json.dumps(_child(args.child, args.repeats or 1, args.threshold))
    elif args.folds:
        text = write_folds(Path(args.folds), n=args.n or 100_000, threshold=args.threshold)
    else:
        result = run(quick=args.quick, n=args.n, repeats=args.repeats, threshold=args.threshold)
        text = json.dumps(result, indent=2) if args.json else format_result(result)
    print(text)  # noqa: T201 - the one place this module writes to stdout


if __name__ == "__main__":
    main()
