"""Benchmarks: `debate-digest bench` runs them all and prints medians and same-run ratios.

Each part lives in its own module with a `run()` returning plain numbers, so a part can also be
run alone (`python -m bot.bench.dedupe_bench`, `offline_bench`, `llm_bench`, `web_bench`,
`bot.store.bench`).
The benchmarks run from a source checkout: their loopback fakes (`tests/fakes`) and data
(`tests/fixtures/argkp`) are test material and are not shipped in the wheel. Importing this
package finds them beside `bot/` or raises `CheckoutMissing` (one line, exit 2 from the CLI).
Machines are shared and noisy: every timing is a median, and speed-ups are ratios against a
baseline measured in the same process.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.errors import UserError

CHECKOUT = Path(__file__).resolve().parents[2]
"""The source checkout this package runs from (the folder holding `bot/` and `tests/`)."""
FAKES = CHECKOUT / "tests" / "fakes"
"""The loopback fakes (OpenAI, web, Discord): test doubles, not shipped in the wheel."""
FIXTURES = CHECKOUT / "tests" / "fixtures"
"""Benchmark and test data (`argkp/`, `sides/`), not shipped in the wheel."""
ARGKP_DEV = FIXTURES / "argkp" / "arguments_dev.csv"

MISSING = (
    f"the benchmarks need a source checkout of debate-digest (its tests/fakes and "
    f"tests/fixtures/argkp); there is none beside {CHECKOUT / 'bot'}: run them from a clone"
)


class CheckoutMissing(UserError):
    """The benchmarks run from a source checkout; an installed wheel ships without their fakes
    and data."""


def _find_checkout() -> bool:
    """Put the checkout's `tests/` on the import path so `fakes` imports; False if absent."""
    if not (FAKES / "__init__.py").is_file() or not ARGKP_DEV.is_file():
        return False
    tests = str(FAKES.parent)
    if tests not in sys.path:
        # Appended, not prepended: test folders (`tests/store`, `tests/digest`, ...) must never
        # shadow an installed module of the same name.
        sys.path.append(tests)
    return True


if not _find_checkout():
    if sys.argv[:1] == ["-m"]:
        # `python -m bot.bench.<part>` (argv[0] is "-m" while runpy imports the parents): one
        # line and exit 2, as the CLI does, rather than a traceback.
        sys.stderr.write(f"debate-digest: error: {MISSING}\n")
        raise SystemExit(2)
    raise CheckoutMissing(MISSING)


def run_all(*, quick: bool = False) -> dict[str, Any]:
    """Run every benchmark; `quick` shrinks the sizes for a smoke run (figures then are not the
    README's)."""
    from bot.bench import cli_bench, dedupe_bench, llm_bench, offline_bench, web_bench
    from bot.store.bench import bench_cache_hit

    report: dict[str, Any] = {"quick": quick}
    report["dedupe"] = dedupe_bench.run(quick=quick)
    report["offline_engine"] = offline_bench.run(
        n=1000 if quick else 10_000, repeats=1 if quick else 3
    )
    report["offline_shapes"] = offline_bench.run_shapes(1 if quick else 3, quick=quick)
    report["cache_hit"] = asyncio.run(bench_cache_hit(50 if quick else 200))
    report["cache_hit_end_to_end"] = asyncio.run(pipeline_cache_hit(20 if quick else 100))
    report["cache_hit_raw_input"] = cli_bench.bench_raw_hit(1 if quick else 20, 2 if quick else 5)
    report["llm"] = asyncio.run(
        llm_bench.run(comments=500 if quick else 5000, latency=0.05 if quick else 0.2)
    )
    report["web_fetch"] = web_bench.run(comments=200 if quick else 1000, repeats=1 if quick else 3)
    return report


async def pipeline_cache_hit(n: int = 100) -> dict[str, Any]:
    """A repeated `summarize` of the seed thread answered from the store: ingest, dedupe, key and
    lookup, as the CLI and the bot run them (median and p95 in ms; target under 50 ms)."""
    import statistics
    import tempfile
    import time
    from importlib import resources
    from pathlib import Path

    from bot.ingest import InputSource, load_thread
    from bot.pipeline import summarize_thread
    from bot.store import open_store

    data = resources.files("bot").joinpath("data/seed-thread.txt").read_bytes()
    samples = []
    with tempfile.TemporaryDirectory(prefix="debate-digest-bench-") as folder:
        async with open_store(str(Path(folder) / "cache.sqlite3")) as store:
            thread = load_thread([InputSource(name="seed", data=data)])
            first = await summarize_thread(thread, store=store)
            for _ in range(n):
                started = time.perf_counter()
                thread = load_thread([InputSource(name="seed", data=data)])
                result = await summarize_thread(thread, store=store)
                samples.append(time.perf_counter() - started)
                if not result.cached:
                    raise RuntimeError("bench: the repeated request was not a cache hit")
    samples.sort()
    return {
        "n": n,
        "fresh_ms": round(first.elapsed_ms, 1),
        "hit_median_ms": round(statistics.median(samples) * 1000, 2),
        "hit_p95_ms": round(samples[max(0, int(0.95 * n) - 1)] * 1000, 2),
        "target_ms": 50.0,
        "within_target": statistics.median(samples) * 1000 < 50.0,
    }


def print_report(report: dict[str, Any]) -> None:
    """Print one table per benchmark part."""
    from rich.console import Console
    from rich.table import Table

    console = Console()

    def rows(prefix: str, value: Any) -> list[tuple[str, str]]:
        if isinstance(value, dict):
            out: list[tuple[str, str]] = []
            for key, inner in value.items():
                out += rows(f"{prefix}.{key}" if prefix else str(key), inner)
            return out
        return [(prefix, str(value))]

    for part, figures in report.items():
        if not isinstance(figures, dict):
            continue
        table = Table(title=part, show_header=False, title_justify="left")
        for name, value in rows("", figures):
            table.add_row(name, value)
        console.print(table)
