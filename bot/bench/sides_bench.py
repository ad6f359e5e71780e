"""Side quality of the offline engine on gold-labelled debates: `python -m bot.bench.sides_bench`.

`--model MODEL` scores the LLM engine the same way (every debate is a model call; the API base
and keys are the CLI's), so that the two engines are measured on the same sets; `llm_usage` then
says what the calls cost and what the sides check found in the answers (strong cues checked,
placements against them, answers with one: `bot.summarize.evidence`).

Three runs, each scored by `bot.bench.sides_metrics` (purity, coverage, threads separated, false
"no disagreement" claims):

- the gold set: the debates in `tests/fixtures/sides/*.toml` (written for this project; the
  format is in that folder's README), each read as the CLI reads it (ingest in its declared
  format → dedupe → engine → verify, through `bot.pipeline.summarize_thread`);
- ArgKP dev: one thread per topic of `tests/fixtures/argkp/arguments_dev.csv` built as
  `bot.bench.offline_bench` builds it (stance 1 is camp A, -1 camp B), once with reply links and
  once pasted (no links, replies right after what they answer);
- the CLI: `python -m bot summarize FILE --json --no-cache` in a subprocess on a few debates of the
  set, scored from the JSON it prints.

The set lives beside the tests, not in the installed package: run this from a checkout (or pass
`--set`). A comment folded by dedupe into another counts on the side of the comment it repeats.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.bench import CHECKOUT, FIXTURES
from bot.bench.sides_metrics import (
    CAMPS,
    Camp,
    SetScore,
    ThreadScore,
    claims_no_disagreement,
    one_side_purity,
    score_set,
    score_thread,
)
from bot.ingest import FORMATS
from bot.thread import Thread

if TYPE_CHECKING:
    from bot.pipeline import Options

SET_DIR = FIXTURES / "sides"
# Formats a gold debate may declare: the ingest formats a person pastes or exports.
GOLD_FORMATS = tuple(f for f in FORMATS if f != "auto")
_JSON_FORMATS = ("discord-json", "hackernews", "reddit", "discourse")
DEFAULT_CLI_RUNS = 6
# Issue 9's targets for the gold set.
SEPARATED_TARGET = 0.95
PURITY_TARGET = 0.9
_OTHER = re.compile(r"\s*other points\b", re.IGNORECASE)


class GoldError(ValueError):
    """A gold data file that does not follow the set's format (the message names the file)."""


@dataclass(frozen=True)
class GoldComment:
    id: str
    camp: Camp
    author: str | None = None


@dataclass(frozen=True)
class GoldDebate:
    """One labelled debate: its input as a person would paste or export it, and the camp of
    every comment the input parses to, in thread order."""

    name: str
    title: str
    format: str
    claim: str
    camps: dict[str, str]
    styles: tuple[str, ...]
    input: str
    comments: tuple[GoldComment, ...]

    @property
    def gold(self) -> dict[str, Camp]:
        return {c.id: c.camp for c in self.comments}

    @property
    def suffix(self) -> str:
        if self.format in _JSON_FORMATS:
            return ".json"
        return ".csv" if self.format == "discord-csv" else ".txt"

    def thread(self) -> Thread:
        """The input parsed in its declared format, as `debate-digest summarize` reads it."""
        from bot.ingest import InputSource, parse_source

        data = self.input.encode("utf-8")
        return parse_source(InputSource(name=self.name + self.suffix, data=data), self.format)


def _str(data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = data.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise GoldError(f"{where}: {key!r} must be a non-empty string")
    return value


def load_debate(path: Path) -> GoldDebate:
    """Read and check one gold file (see `tests/fixtures/sides/README.md`)."""
    where = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise GoldError(f"{where}: {err}") from err
    fmt = _str(data, "format", where)
    if fmt not in GOLD_FORMATS:
        raise GoldError(f"{where}: format {fmt!r} is not one of {', '.join(GOLD_FORMATS)}")
    camps = data.get("camps", {})
    if not isinstance(camps, dict) or not set(camps) <= set(CAMPS):
        raise GoldError(f"{where}: 'camps' must be a table with keys among {CAMPS}")
    styles = data.get("styles", [])
    if not isinstance(styles, list) or not all(isinstance(s, str) for s in styles):
        raise GoldError(f"{where}: 'styles' must be a list of strings")
    rows = data.get("comments")
    if not isinstance(rows, list) or not rows:
        raise GoldError(f"{where}: 'comments' must be a non-empty list")
    comments = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise GoldError(f"{where}: comment {n} is not a table")
        camp = row.get("camp", "")
        if camp not in ("", *camps):
            raise GoldError(f"{where}: comment {n} has camp {camp!r}, not one of the camps")
        author = row.get("author")
        comments.append(
            GoldComment(
                id=_str(row, "id", f"{where}: comment {n}"),
                camp=camp or None,
                author=author if isinstance(author, str) and author else None,
            )
        )
    if len({c.id for c in comments}) != len(comments):
        raise GoldError(f"{where}: comment ids repeat")
    used = {c.camp for c in comments if c.camp}
    if used != set(camps):
        raise GoldError(f"{where}: camps {sorted(camps)} but comments use {sorted(used)}")
    return GoldDebate(
        name=path.stem,
        title=_str(data, "title", where),
        format=fmt,
        claim=_str(data, "claim", where),
        camps={k: str(v) for k, v in camps.items()},
        styles=tuple(styles),
        input=_str(data, "input", where),
        comments=tuple(comments),
    )


def load_set(folder: Path = SET_DIR) -> list[GoldDebate]:
    """Every debate of the set, by file name. Raises `GoldError` when the folder is missing (it
    ships with the source checkout, not with the installed package) or holds no debate."""
    if not folder.is_dir():
        raise GoldError(
            f"gold set not found at {folder}: it lives in the source checkout "
            "(tests/fixtures/sides), not in the installed package; run from a checkout or "
            "pass --set"
        )
    paths = sorted(folder.glob("*.toml"))
    if not paths:
        raise GoldError(f"no *.toml debates in {folder}")
    return [load_debate(p) for p in paths]


# --- running the engine ---------------------------------------------------------------------


def _near_threshold() -> float:
    from bot.settings import Settings

    return Settings().near_duplicate_threshold


def folded_into(thread: Thread, near_threshold: float) -> dict[str, str]:
    """Each comment id dedupe folds away → the id of the comment it repeats."""
    from bot.dedupe import dedupe

    _unique, report = dedupe(thread, near_threshold=near_threshold)
    return {r.id: r.duplicate_of for r in report.removed}


def placement(
    gold: Mapping[str, Camp], sides: Sequence[Sequence[str]], folded: Mapping[str, str]
) -> dict[str, int | None]:
    """The side of every gold comment: the first side listing it, or the comment it was folded
    into; None when no side lists it."""
    side_of: dict[str, int] = {}
    for index, ids in enumerate(sides):
        for comment_id in ids:
            side_of.setdefault(comment_id, index)
    out: dict[str, int | None] = {}
    for comment_id in gold:
        kept = comment_id
        seen = set()
        while kept in folded and kept not in seen:  # a copy of a copy resolves to the first
            seen.add(kept)
            kept = folded[kept]
        out[comment_id] = side_of.get(comment_id, side_of.get(kept))
    return out


def score_result(
    gold: Mapping[str, Camp],
    sides: Sequence[Mapping[str, Any]],
    notes: Sequence[str],
    folded: Mapping[str, str],
) -> ThreadScore:
    """Score one result given as `--json` shows it (sides as dicts with `comment_ids`).

    A side labelled "Other points" is where an engine lists comments it could not place (issue
    9): those comments count as on no side, and it is not counted as a side.
    """
    labels = [str(s.get("label", "")) for s in sides]
    camps = [s for s, label in zip(sides, labels, strict=True) if not _OTHER.match(label)]
    placed = placement(gold, [s.get("comment_ids", []) for s in camps], folded)
    return score_thread(
        gold, placed, sides=len(camps), claims_none=claims_no_disagreement(notes, labels)
    )


def pipeline_options(near_threshold: float, model: str = "") -> Options:
    """The options of one bench run: the offline engine (whatever `DEBATE_DIGEST_MODEL` says),
    or with `model` the LLM engine as the CLI builds it (`DEBATE_DIGEST_API_BASE`, key, retries
    from the settings); uncached either way, at the bench's dedupe threshold."""
    from bot.pipeline import Options

    if not model.strip():
        return Options(near_threshold=near_threshold, use_cache=False)
    from bot.settings import Settings

    options = Options.from_settings(Settings(), model=model, use_cache=False)
    return dataclasses.replace(options, near_threshold=near_threshold)


@dataclass
class Spent:
    """What the LLM engine's calls of a bench run cost, summed over its results' `usage`, and
    what the sides check (`bot.summarize.evidence`) found in its answers (`evidence`): strong
    cues checked, placements that went against them (in the answers kept), answers with at least
    one, and answers whose sides the model was asked to recheck."""

    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = 0.0  # None once one call's price was unknown
    sides_checked: int = 0
    against_evidence: int = 0
    answers_flagged: int = 0
    answers_rechecked: int = 0  # answers the model was asked once to recheck (`rechecked`)

    def add(self, usage: Mapping[str, Any], evidence: Mapping[str, Any] | None = None) -> None:
        if evidence:
            found = len(evidence.get("contradictions") or ())
            self.sides_checked += int(evidence.get("checked") or 0)
            self.against_evidence += found
            self.answers_flagged += found > 0
            self.answers_rechecked += int(evidence.get("rechecked") or 0) > 0
        self.llm_calls += int(usage.get("llm_calls") or 0)
        self.prompt_tokens += int(usage.get("prompt_tokens") or 0)
        self.completion_tokens += int(usage.get("completion_tokens") or 0)
        cost = usage.get("cost_usd")
        if usage.get("llm_calls") and cost is None:
            self.cost_usd = None
        elif self.cost_usd is not None and cost is not None:
            self.cost_usd += float(cost)

    def as_dict(self) -> dict[str, Any]:
        cost = None if self.cost_usd is None else round(self.cost_usd, 4)
        return {**dataclasses.asdict(self), "cost_usd": cost}


async def score_pipeline(
    thread: Thread,
    gold: Mapping[str, Camp],
    near_threshold: float,
    model: str = "",
    spent: Spent | None = None,
) -> ThreadScore:
    """Run the CLI's pipeline (dedupe → engine → verify) on `thread`, uncached: the offline
    engine, or the LLM engine with `model` (its usage added to `spent`)."""
    from bot.pipeline import summarize_thread
    from bot.store import NullStore

    options = pipeline_options(near_threshold, model)
    result = await summarize_thread(thread, store=NullStore(), options=options)
    if spent is not None:
        evidence = result.evidence
        spent.add(result.usage.model_dump(), evidence.model_dump() if evidence else None)
    summary = result.summary.model_dump()
    return score_result(gold, summary["sides"], result.notes, folded_into(thread, near_threshold))


def run_gold(
    debates: Sequence[GoldDebate],
    near_threshold: float,
    model: str = "",
    spent: Spent | None = None,
) -> tuple[SetScore, dict[str, dict[str, Any]], list[dict]]:
    """Score every debate in process: the set's figures, the same per input format, and one
    row per debate. A debate that fails to run is a miss, not a crash of the bench."""
    scores, failures, rows = [], [], []
    per_format: dict[str, list[ThreadScore]] = {}
    for debate in debates:
        try:
            score = asyncio.run(
                score_pipeline(debate.thread(), debate.gold, near_threshold, model, spent)
            )
        except Exception as err:  # one broken debate must not hide the others' figures
            failures.append(f"{debate.name}: {type(err).__name__}: {err}")
            continue
        scores.append(score)
        per_format.setdefault(debate.format, []).append(score)
        rows.append(_row(debate.name, score))
        failures.extend(_verdicts(debate.name, score))
    by_format = {fmt: _brief(score_set(group)) for fmt, group in sorted(per_format.items())}
    return score_set(scores, failures), by_format, rows


def _brief(score: SetScore) -> dict[str, Any]:
    figures = score.as_dict()
    return {
        "threads": score.threads,
        "separated": f"{score.separated}/{score.two_camp_threads}",
        "false_no_disagreement": score.false_no_disagreement,
        "purity": figures["purity"],
        "coverage": figures["coverage"],
    }


def _row(name: str, score: ThreadScore) -> dict[str, Any]:
    return {
        "thread": name,
        "sides": score.sides,
        "two_camps": score.two_camps,
        "separated": score.separated,
        "says_no_disagreement": score.claims_none,
        "purity": None if score.purity is None else round(score.purity, 3),
        "coverage": None if score.coverage is None else round(score.coverage, 3),
    }


def _verdicts(name: str, score: ThreadScore) -> list[str]:
    out = []
    if score.false_no_disagreement:
        out.append(f"{name}: says no disagreement, but the thread has two camps")
    elif score.two_camps and not score.separated:
        out.append(f"{name}: camps not separated")
    if score.spurious_sides:
        out.append(f"{name}: {score.sides} sides for a thread without two camps")
    return out


def run_argkp(
    near_threshold: float, model: str = "", spent: Spent | None = None
) -> dict[str, dict[str, Any]]:
    """One thread per ArgKP dev topic, linked and pasted, scored against the stance labels."""
    from bot.bench.offline_bench import build_argkp_thread, load_arguments, topics

    arguments = load_arguments()
    out: dict[str, dict[str, Any]] = {}
    for variant, pasted in (("argkp_linked", False), ("argkp_pasted", True)):
        scores, failures, golds = [], [], []
        for n, topic in enumerate(topics(arguments)):
            thread, stances = build_argkp_thread(arguments, topic, pasted=pasted, seed=n)
            gold: dict[str, Camp] = {cid: "A" if s == 1 else "B" for cid, s in stances.items()}
            score = asyncio.run(score_pipeline(thread, gold, near_threshold, model, spent))
            scores.append(score)
            golds.append(gold)
            failures.extend(_verdicts(topic, score))
        out[variant] = {
            **score_set(scores, failures).as_dict(),
            "one_side_baseline_purity": _round(one_side_purity(golds)),
        }
    return out


def targets_met(score: SetScore) -> dict[str, bool]:
    """Issue 9's targets on the gold set: separated >= 95% of the two-camp threads, purity
    >= 0.9, no false "no disagreement" claim."""
    share = score.separated / score.two_camp_threads if score.two_camp_threads else 0.0
    return {
        f"separated>={SEPARATED_TARGET}": share >= SEPARATED_TARGET,
        f"purity>={PURITY_TARGET}": (score.purity or 0.0) >= PURITY_TARGET,
        "no_false_no_disagreement": score.false_no_disagreement == 0,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def cli_picks(debates: Sequence[GoldDebate], k: int) -> list[GoldDebate]:
    """`k` debates for the CLI runs: spread over the formats, then in file order."""
    by_format: dict[str, list[GoldDebate]] = {}
    for debate in debates:
        by_format.setdefault(debate.format, []).append(debate)
    picks: list[GoldDebate] = []
    while len(picks) < min(k, len(debates)):
        for group in by_format.values():
            if group and len(picks) < k:
                picks.append(group.pop(0))
    return picks


def run_cli(
    debates: Sequence[GoldDebate],
    near_threshold: float,
    model: str = "",
    spent: Spent | None = None,
) -> SetScore:
    """`python -m bot summarize FILE --json --no-cache` on each debate in a checkout: offline,
    or `--model MODEL`."""
    scores, failures = [], []
    with tempfile.TemporaryDirectory(prefix="sides-bench-") as folder:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(CHECKOUT), os.environ.get("PYTHONPATH", "")) if p
            ),
            "DEBATE_DIGEST_MODEL": model,
            "DEBATE_DIGEST_DATABASE_URL": str(Path(folder) / "cache.sqlite3"),
        }
        for debate in debates:
            path = Path(folder) / (debate.name + debate.suffix)
            path.write_text(debate.input, encoding="utf-8")
            command = [sys.executable, "-m", "bot", "summarize", str(path), "--json"]
            command += ["--no-cache", "--format", debate.format]
            command += ["--model", model] if model else []
            done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
            if done.returncode != 0:
                failures.append(f"{debate.name}: exit {done.returncode}: {done.stderr.strip()}")
                continue
            try:
                result = json.loads(done.stdout)
            except json.JSONDecodeError as err:
                failures.append(f"{debate.name}: stdout is not JSON ({err})")
                continue
            if spent is not None:
                spent.add(result.get("usage") or {}, result.get("evidence"))
            folded = _folds_in_json(result) or folded_into(debate.thread(), near_threshold)
            score = score_result(
                debate.gold, result["summary"]["sides"], result.get("notes", []), folded
            )
            scores.append(score)
            failures.extend(_verdicts(debate.name, score))
    return score_set(scores, failures)


def _folds_in_json(result: Mapping[str, Any]) -> dict[str, str]:
    """The folds a `--json` result lists, if it lists them: `duplicates` (id, duplicate_of), or
    the `copies` each kept comment names (DESIGN's contract for folded duplicates)."""
    folds: dict[str, str] = {}
    listed = result.get("duplicates")
    for d in listed if isinstance(listed, list) else []:
        if isinstance(d, dict) and "id" in d and "duplicate_of" in d:
            folds[str(d["id"])] = str(d["duplicate_of"])
    for comment in result.get("comments") or []:
        copies = comment.get("copies") if isinstance(comment, dict) else None
        for copy in copies if isinstance(copies, list) else []:
            copy_id = copy.get("id") if isinstance(copy, dict) else copy
            if isinstance(copy_id, str) and "id" in comment:
                folds.setdefault(copy_id, str(comment["id"]))
    return folds


# --- the command ----------------------------------------------------------------------------


def run(
    folder: Path = SET_DIR,
    *,
    argkp: bool = True,
    cli_runs: int = DEFAULT_CLI_RUNS,
    model: str = "",
) -> dict[str, Any]:
    """Every figure, as plain data: one entry per set, and the gold set's per-thread rows.
    `model` runs the LLM engine instead of the offline one (every debate is a model call)."""
    debates = load_set(folder)
    threshold = _near_threshold()
    spent = Spent() if model else None
    gold, by_format, rows = run_gold(debates, threshold, model, spent)
    report: dict[str, Any] = {
        "gold_set": {
            "engine": model or "offline",
            "debates": len(debates),
            **gold.as_dict(),
            "one_side_baseline_purity": _round(one_side_purity(d.gold for d in debates)),
            "targets_met": targets_met(gold),
            "by_format": by_format,
        }
    }
    if argkp:
        report.update(run_argkp(threshold, model, spent))
    if cli_runs:
        picks = cli_picks(debates, cli_runs)
        report["cli_json"] = {
            "debates": [d.name for d in picks],
            **run_cli(picks, threshold, model, spent).as_dict(),
        }
    if spent is not None:
        report["llm_usage"] = spent.as_dict()
    report["per_thread"] = rows
    return report


def _print(report: Mapping[str, Any], verbose: bool) -> None:
    out = sys.stdout.write
    for name, figures in report.items():
        if name == "per_thread":
            continue
        out(f"{name}\n")
        for key, value in figures.items():
            if key in ("failures", "debates") and isinstance(value, list):
                continue
            if isinstance(value, dict) and any(isinstance(v, dict) for v in value.values()):
                out(f"  {key}:\n")
                for inner, nested in value.items():
                    out(f"    {inner}: {_flat(nested) if isinstance(nested, dict) else nested}\n")
                continue
            if isinstance(value, dict):
                value = _flat(value)
            out(f"  {key}: {value}\n")
        failures = figures.get("failures", [])
        if failures:
            out(f"  misses ({len(failures)}):\n")
            for line in failures if verbose else failures[:10]:
                out(f"    {line}\n")
            if not verbose and len(failures) > 10:
                out(f"    ... and {len(failures) - 10} more (--verbose)\n")
    if verbose:
        out("per thread\n")
        for row in report["per_thread"]:
            out("  " + "  ".join(f"{k}={v}" for k, v in row.items()) + "\n")


def _flat(figures: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in figures.items())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.bench.sides_bench",
        description="Side purity, coverage, threads separated and false 'no disagreement' "
        "claims of the offline engine (or, with --model, the LLM engine) on the gold-labelled "
        "debates, ArgKP dev topics and --json runs of the CLI.",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--set", type=Path, default=SET_DIR, help=f"folder of gold debates (default: {SET_DIR})"
    )
    parser.add_argument("--no-argkp", action="store_true", help="skip the ArgKP topics")
    parser.add_argument(
        "--cli-runs",
        type=int,
        default=DEFAULT_CLI_RUNS,
        metavar="N",
        help=f"debates to run through the real CLI (default {DEFAULT_CLI_RUNS}; 0 skips)",
    )
    parser.add_argument(
        "--model",
        default="",
        help="score the LLM engine with this litellm model string (the API base from "
        "DEBATE_DIGEST_API_BASE, keys from litellm's provider variables such as OPENAI_API_KEY); "
        "default: the offline engine",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="every miss, every thread")
    args = parser.parse_args(argv)
    if args.cli_runs < 0:
        parser.error("--cli-runs must be 0 or more")
    try:
        report = run(
            args.set, argkp=not args.no_argkp, cli_runs=args.cli_runs, model=args.model.strip()
        )
    except GoldError as err:
        sys.stderr.write(f"sides_bench: error: {err}\n")
        return 2
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    else:
        _print(report, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
