"""Benchmark of one moderator digest over many active threads, with no network.

The real bot (`bot.discord.app.assembled`) on the loopback Discord (`fakes.discord`), the loopback
LLM with a fixed latency (200 ms by default). A guild has `--threads` active debate threads
(each `--messages` messages from 4-6 people, replies included) in one channel; a digest covering
them all runs once (`/digest now`'s path). Reported: wall time of the run, of which the LLM
phase; LLM calls and tokens; and the ideal for the LLM phase, (debates shown / LLM concurrency
+ 1) × latency: every eligible thread is ranked by an offline summary (no tokens), and only the
debates shown are summarized by the LLM.

    python -m bot.bench.digest_bench [--threads 200] [--messages 20] [--debates 10]
                                     [--latency 0.2] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fakes.fake_openai import FakeOpenAI, debate_responder

LINES = [
    "We should move the weekly meeting to Thursday, Mondays are too busy for everyone.",
    "I disagree, Thursday clashes with the release train and people will skip it.",
    "I agree with the first point, Monday mornings are a mess of catch-up anyway.",
    "No way, the release train matters more than one meeting slot.",
    "Source? I have not seen anyone skip the Thursday calls so far.",
    "Both sides agree the meeting should stay under thirty minutes.",
]


async def run(threads: int, messages: int, debates: int, latency: float, folder: Path) -> dict:
    from fakes.discord import FakeDiscord

    from bot.digest.config import DigestConfig, SourceRef
    from bot.digest.schedule import Schedule
    from bot.discord.app import assembled
    from bot.settings import Settings

    os.environ.setdefault("OPENAI_API_KEY", "bench")
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    with FakeOpenAI(latency=latency, responder=debate_responder) as llm:
        async with FakeDiscord() as fake:
            guild = fake.add_guild("Bench")
            general = fake.add_channel(guild, "general")
            log = fake.add_channel(guild, "mod-log")
            people = [fake.add_user(f"member{i}") for i in range(30)]
            for user in people:
                fake.add_member(guild, user)
            for number in range(threads):
                thread = fake.add_thread(general, f"debate {number}", owner=people[0])
                previous = None
                for index in range(messages):
                    author = people[(number + index % (4 + number % 3)) % len(people)]
                    text = f"{LINES[index % len(LINES)]} (thread {number}, note {index})"
                    previous = fake.add_message(
                        thread, author, text, reply_to=previous if index % 2 else None
                    )
            settings = Settings(
                database_url=f"sqlite:///{folder / 'bench.sqlite3'}",
                model="openai/fake-model",
                api_base=llm.url,
                guild_daily_tokens=0,
                llm_max_retries=0,
                digest_tick_s=0,
            )
            start = datetime(2026, 1, 1, tzinfo=UTC)
            async with assembled(settings) as bot, fake.run_client(bot):
                row_id = await bot.store.save_digest(
                    DigestConfig(
                        guild_id=guild.id,
                        destination_id=log.id,
                        sources=(SourceRef(kind="channel", id=general.id),),
                        schedule=Schedule(tz="UTC"),
                        max_debates=debates,
                    ),
                    created_by=None,
                    next_run=start,
                )
                cog: Any = bot.get_cog("Digests")
                cog.runner.clock = lambda: fake.ids.now + timedelta(minutes=1)
                row = await bot.store.digest(row_id)
                llm_before = len(llm.requests)
                began = time.perf_counter()
                outcome = await cog.runner.run_now(row)
                wall = time.perf_counter() - began
    concurrency = 4
    ideal = (min(debates, threads) / concurrency + 1) * latency
    return {
        "threads": threads,
        "messages_per_thread": messages,
        "debates_shown": debates,
        "llm_latency_s": latency,
        "outcome": outcome.text,
        "wall_s": round(wall, 3),
        "llm_calls": len(llm.requests) - llm_before,
        "tokens": outcome.tokens,
        "llm_phase_ideal_s": round(ideal, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=200)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--debates", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        report = asyncio.run(
            run(args.threads, args.messages, args.debates, args.latency, Path(folder))
        )
    if args.json:
        sys.stdout.write(json.dumps(report) + "\n")
    else:
        for key, value in report.items():
            sys.stdout.write(f"{key:>22}: {value}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
