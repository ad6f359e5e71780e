"""Benchmarks: `debate-digest bench` runs them all and prints medians and same-run ratios.

Each part lives in its own module with a `run()` returning plain numbers, so a part can also be
run alone (`python -m bot.bench.dedupe_bench`, `offline_bench`, `llm_bench`, `bot.store.bench`).
Machines are shared and noisy: every timing is a median, and speed-ups are ratios against a
baseline measured in the same process.
"""

from __future__ import annotations

import asyncio
from typing import Any


def run_all(*, quick: bool = False) -> dict[str, Any]:
    """Run every benchmark; `quick` shrinks the sizes for a smoke run (figures then are not the
    README's)."""
    from bot.bench import dedupe_bench, llm_bench, offline_bench
    from bot.store.bench import bench_cache_hit

    report: dict[str, Any] = {"quick": quick}
    report["dedupe"] = dedupe_bench.run(quick=quick)
    report["offline_engine"] = offline_bench.run(n=1000 if quick else 10_000,
                                                 repeats=1 if quick else 3)
    report["cache_hit"] = asyncio.run(bench_cache_hit(50 if quick else 200))
    report["llm"] = asyncio.run(
        llm_bench.run(comments=500 if quick else 5000, latency=0.05 if quick else 0.2)
    )
    return report


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
