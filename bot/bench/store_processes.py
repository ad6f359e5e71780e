"""Two bot processes on one PostgreSQL: identical requests cost one LLM run.

    python -m bot.bench.store_processes --postgres URL [--processes 2] [--requests 50]

Each worker is `python -m bot.store.bench --worker` (the store's own code); the loopback
OpenAI-compatible server counts the requests it receives. A benchmark of a checkout: it uses the
test fakes, which the installed package does not ship.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from time import perf_counter

log = logging.getLogger(__name__)


async def bench_processes(
    postgres_url: str, *, processes: int = 2, requests: int = 50, latency: float = 1.0
) -> dict[str, object]:
    """`requests` identical LLM requests spread over `processes` bot processes sharing one
    PostgreSQL (a temporary schema), against the loopback OpenAI-compatible server with
    `latency` seconds per call. `llm_requests` is what the server received: one run's calls
    when the cross-process claim holds."""
    import asyncio
    import json
    import sys

    from fakes.fake_openai import FakeOpenAI, debate_responder

    from bot.store.postgres import connect, upgrade

    schema = f"bench_{secrets.token_hex(6)}"
    url = f"{postgres_url}{'&' if '?' in postgres_url else '?'}search_path={schema}"
    admin = await connect(postgres_url)
    await admin.execute(f"CREATE SCHEMA {schema}")
    try:
        migrating = await connect(url)
        try:
            await upgrade(migrating)
        finally:
            await migrating.close()
        with FakeOpenAI(latency=latency, responder=debate_responder) as server:
            shares = [requests // processes + (i < requests % processes) for i in range(processes)]
            workers = [
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bot.store.bench",
                    "--worker",
                    url,
                    server.url,
                    str(share),
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                )
                for share in shares
            ]
            for worker in workers:
                assert worker.stdout is not None
                if (await worker.stdout.readline()).strip() != b"ready":
                    raise RuntimeError("bench: a worker process did not start")
            started = perf_counter()
            outputs = await asyncio.gather(*(worker.communicate(b"go\n") for worker in workers))
            wall = perf_counter() - started
            if any(worker.returncode for worker in workers):
                raise RuntimeError("bench: a worker process failed")
            reports = [json.loads(out.decode().strip().splitlines()[-1]) for out, _ in outputs]
            llm_requests = len(server.requests)
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()
    figures: dict[str, object] = {
        "processes": processes,
        "requests": requests,
        "answers": sum(r["answers"] for r in reports),
        "cached_answers": sum(r["cached"] for r in reports),
        "engines": sorted({e for r in reports for e in r["engines"]}),
        "llm_requests": llm_requests,
        "wall_s": round(wall, 2),
        "per_process": reports,
    }
    log.info("two-process bench: %s", figures)
    return figures


def main(argv: Sequence[str] | None = None) -> None:
    import argparse
    import asyncio
    import json
    import sys

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", required=True)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args(argv)
    figures = asyncio.run(
        bench_processes(args.postgres, processes=args.processes, requests=args.requests)
    )
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main()
