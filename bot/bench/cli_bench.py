"""The CLI on a repeated input, answered through the first-level (raw input) cache key:
`python -m bot.bench.cli_bench [--mb 20] [--repeats 5]` prints one JSON line.

Target (issue 13): a repeated 20 MB input answered from the cache in under 1 s, in one process
and as a whole process. The seed thread's cache hit and `--help` are measured as whole processes
too, since that is what a user waits for (start and imports included).
"""

from __future__ import annotations

import logging
import random
import statistics
import tempfile
from collections.abc import Sequence
from pathlib import Path
from time import perf_counter, process_time

# Realistic comment text (ASCII), as the store's benchmark uses.
from bot.store.bench import _SENTENCES

log = logging.getLogger(__name__)
RAW_TARGET_S = 1.0


def raw_input(megabytes: float, *, seed: int = 0) -> bytes:
    """A pasted thread of just under `megabytes` MB, one comment per line: two to four of the bench
    sentences with a number that makes most comments unique, and one in five an exact copy of
    an earlier one (so that dedupe has folds to report)."""
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    lines: list[bytes] = []
    size = 0
    while True:
        if lines and rng.random() < 0.2:
            line = lines[rng.randrange(len(lines))]
        else:
            words = " ".join(rng.choice(_SENTENCES) for _ in range(rng.randint(2, 4)))
            line = f"{words} (point {len(lines)})\n".encode()
        if size + len(line) > target:
            break  # at most `megabytes`: 20 MB is the default input limit
        lines.append(line)
        size += len(line)
    return b"".join(lines)


def _cli(args: Sequence[str]) -> tuple[float, float, str]:
    """The CLI in this process: (wall seconds, CPU seconds, stdout)."""
    import io
    from contextlib import redirect_stdout

    from bot.cli import app

    out = io.StringIO()
    started, cpu = perf_counter(), process_time()
    with redirect_stdout(out):
        app(list(args), standalone_mode=False)
    return perf_counter() - started, process_time() - cpu, out.getvalue()


def _process(args: Sequence[str]) -> tuple[float, float]:
    """The CLI as a whole process (`python -m bot ...`, stdout discarded): (wall seconds, CPU
    seconds of the child)."""
    import os
    import resource
    import subprocess
    import sys

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
        env={**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"},
    )
    wall = perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bench_raw_hit(megabytes: float = 20.0, repeats: int = 5) -> dict[str, object]:
    """A repeated `debate-digest summarize FILE --json` of a `megabytes` MB paste answered from
    the cache through the first-level (raw input) key, offline, on a temporary SQLite file.

    Medians of `repeats` runs, in seconds: `read_hash_s` (reading and hashing the input, the
    floor), `hit_in_process_s` (the CLI called in this process: read, hash, open the store, load
    the result, write the JSON), `hit_process_s` (the same as a whole `python -m bot` process,
    start and imports included), and their CPU seconds; `fresh_s` is the first run (parse,
    dedupe, engine). The seed thread's cache hit as a whole process (`seed_hit_process_s`,
    with `--json` and as the terminal view) and `help_process_s` (`--help`) are measured the
    same way. RuntimeError if a repeat is not a cache hit.
    """
    import json

    from bot.ingest import read_source
    from bot.pipeline import Options, source_key
    from bot.settings import Settings

    def median(values: list[float]) -> float:
        return round(statistics.median(values), 3)

    with tempfile.TemporaryDirectory(prefix="debate-digest-bench-") as folder:
        path = Path(folder) / "thread.txt"
        path.write_bytes(raw_input(megabytes))
        size_mb = path.stat().st_size / 1048576
        db = str(Path(folder) / "cache.sqlite3")
        args = ["summarize", str(path), "--json", "--db", db]
        fresh, _, out = _cli([*args, "--model", ""])
        if json.loads(out)["cached"]:
            raise RuntimeError("bench: the first run was a cache hit")
        settings = Settings()
        options = Options.from_settings(settings, model="")
        floor = []
        for _ in range(repeats):
            started = perf_counter()
            source = read_source(str(path), max_bytes=settings.max_input_bytes)
            source_key([source], "auto", options)
            floor.append(perf_counter() - started)
        walls, cpus = [], []
        for _ in range(repeats):
            wall, cpu, out = _cli([*args, "--model", ""])
            if '"cached": true' not in out[:200]:
                raise RuntimeError("bench: a repeat was not a cache hit")
            walls.append(wall)
            cpus.append(cpu)
        runs = [_process([*args, "--model", ""]) for _ in range(repeats)]

        seed = Path(folder) / "seed.txt"
        from importlib import resources

        seed.write_bytes(resources.files("bot").joinpath("data/seed-thread.txt").read_bytes())
        seed_args = ["summarize", str(seed), "--db", db, "--model", ""]
        _process([*seed_args, "--json"])  # fills the cache
        seed_json = [_process([*seed_args, "--json"]) for _ in range(repeats)]
        seed_terminal = [_process(seed_args) for _ in range(repeats)]
        help_runs = [_process(["--help"]) for _ in range(repeats)]
    figures: dict[str, object] = {
        "megabytes": round(size_mb, 1),
        "repeats": repeats,
        "fresh_s": round(fresh, 2),
        "read_hash_s": median(floor),
        "hit_in_process_s": median(walls),
        "hit_in_process_cpu_s": median(cpus),
        "hit_process_s": median([w for w, _ in runs]),
        "hit_process_cpu_s": median([c for _, c in runs]),
        "seed_hit_process_json_s": median([w for w, _ in seed_json]),
        "seed_hit_process_terminal_s": median([w for w, _ in seed_terminal]),
        "seed_hit_process_cpu_s": median([c for _, c in seed_json]),
        "help_process_s": median([w for w, _ in help_runs]),
        "help_process_cpu_s": median([c for _, c in help_runs]),
        "target_s": RAW_TARGET_S,
    }
    figures["meets_target"] = float(figures["hit_process_s"]) < RAW_TARGET_S  # type: ignore[arg-type]
    log.info("raw-key cache hit bench: %s", figures)
    return figures


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m bot.bench.cli_bench [--mb MB] [--repeats N]`: one JSON line."""
    import argparse
    import json
    import sys

    parser = argparse.ArgumentParser(description=bench_raw_hit.__doc__)
    parser.add_argument("--mb", type=float, default=20.0, help="size of the repeated input")
    parser.add_argument("--repeats", type=int, default=5, help="runs per figure")
    args = parser.parse_args(argv)
    sys.stdout.write(json.dumps(bench_raw_hit(args.mb, args.repeats)) + "\n")


if __name__ == "__main__":
    main()
