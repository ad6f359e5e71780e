"""Benchmark of the LLM engine, with no network: prompt economy and map-reduce wall time.

(a) Prompt economy on the seed thread (53 pasted lines, 27 distinct): tokens of the request we
    send, against the tokens of the distinct comments plus the fixed prompt (target <= 1.15:
    the per-comment framing is cheap) and against the same prompt over the raw paste (target
    <= 0.6: duplicates are not paid for). The same on two Reddit `.json` pages read by the
    Reddit parser and deduplicated: `reddit_casual_listing`, shaped like the real 470-comment
    thread issue 13 measured (short comments, quoted replies, links, copies), and
    `reddit_listing` (whole ArgKP arguments, few copies); against the unique texts plus each
    author's name once plus the fixed prompt (target <= 1.15), and against the naive request,
    every comment as `author: text` under the same instructions (target <= 0.8). `--reddit
    FILE` measures a saved thread. The `response_format` schema is counted in every request.
    Counted with `litellm.token_counter` for a named model (default gpt-4o-mini, offline
    through litellm's local cost map and bundled tokenizer).
(b) Map-reduce against the fake OpenAI-compatible server (`fakes.fake_openai`) with a fixed
    added latency: a thread of real ArgKP arguments (5,000 by default, in reply chains of four)
    and a context window small enough to chunk it. Reports calls, chunks, wall time and the
    ideal (ceil(chunks / concurrency) + reduce rounds) x latency, and their ratio.

    python -m bot.bench.llm_bench [--comments 5000] [--latency 0.2] [--json]
    python -m bot.bench.llm_bench --cold-start   # CPU and RSS of whole processes, and llm's
    python -m bot.bench.llm_bench --reddit FILE  # the prompt economy of a saved Reddit thread
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import logging
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from importlib import resources
from typing import Any

from fakes.fake_openai import FakeOpenAI, Reply, data_block, debate_responder

from bot.bench import ARGKP_DEV
from bot.summarize.llm import (
    LLMConfig,
    _litellm,
    short_names,
    summarize_llm,
    summarize_messages,
    summary_json_schema,
)
from bot.summarize.llm.transport import _CallLoop
from bot.thread import Comment, Copy, Thread

log = logging.getLogger(__name__)

DEFAULT_TOKEN_MODEL = "gpt-4o-mini"
BENCH_CONTEXT_TOKENS = 24_576
"""Small enough that 5,000 comments need about ten chunks, large enough that their partial
summaries fit one reduce request (so calls = chunks + 1)."""


def seed_lines() -> list[str]:
    """The seed paste as shipped with the package (`bot/data/seed-thread.txt`)."""
    text = (resources.files("bot") / "data" / "seed-thread.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


def argkp_arguments() -> list[str]:
    """The `argument` column of the ArgKP dev split (`tests/fixtures/argkp`)."""
    with ARGKP_DEV.open("r", encoding="utf-8", newline="") as handle:
        return [row["argument"] for row in csv.DictReader(handle) if row["argument"].strip()]


def chained_thread(n: int) -> Thread:
    """`n` comments of real arguments (cycled), in reply chains: a root and three replies."""
    texts = argkp_arguments()
    comments = []
    for i in range(n):
        root = i - i % 4
        comments.append(
            Comment(
                id=f"a{i}",
                text=texts[i % len(texts)],
                author=f"user{i % 97}",
                reply_to=None if i == root else f"a{root}",
            )
        )
    return Thread(comments=tuple(comments), source="argkp")


def prompt_economy(model: str = DEFAULT_TOKEN_MODEL) -> dict[str, Any]:
    """Part (a). The distinct comments are the seed lines deduplicated by exact text, which is
    what dedupe keeps for this paste (27 of 53). Every request counts the `response_format`
    schema it carries."""
    llm = _litellm()
    raw = seed_lines()
    unique = list(dict.fromkeys(raw))

    def count(**kwargs: Any) -> int:
        return int(llm.token_counter(model=model, **kwargs))

    schema = count(text=json.dumps(summary_json_schema(), separators=(",", ":")))

    def request(texts: list[str]) -> int:
        thread = Thread(comments=tuple(Comment(id=f"c{i}", text=t) for i, t in enumerate(texts, 1)))
        names = short_names(thread, compact=True)
        messages = summarize_messages(
            names.lines(names.thread.comments),
            route="json_schema",
            max_points=4,
            language=None,
            boundary="0" * 8,
        )
        return count(messages=messages) + schema

    sent = request(unique)
    fixed = request([])
    comments = sum(count(text=t) for t in unique)
    raw_request = request(raw)
    return {
        "token_model": model,
        "lines": len(raw),
        "unique_comments": len(unique),
        "request_tokens": sent,
        "fixed_prompt_tokens": fixed,
        "unique_comment_tokens": comments,
        "raw_paste_request_tokens": raw_request,
        "ratio_vs_unique_plus_prompt": round(sent / (comments + fixed), 3),
        "ratio_vs_raw_paste": round(sent / raw_request, 3),
        "targets": {"ratio_vs_unique_plus_prompt": 1.15, "ratio_vs_raw_paste": 0.6},
    }


# -- a Reddit-shaped thread --------------------------------------------------------------------

_SHORT_REPLIES = (
    "This.", "Source?", "Exactly this.", "Agreed.", "I disagree.", "lol", "Not true at all.",
    "Came here to say this.", "This is the way.", "Underrated comment.", "Well said.",
    "Citation needed.", "Nope.", "100% agree.", "That's not how any of this works.",
)  # fmt: skip
_NAME_WORDS = (
    "pedestrian", "driver", "throwaway", "quiet", "angry", "lazy", "happy", "pixel", "rusty",
    "cosmic", "river", "tiger", "panda", "coffee", "taco", "ninja", "wizard", "potato",
    "forest", "urban", "retired", "night", "owl", "captain", "doctor", "random", "account",
    "reader", "lurker", "gamer", "cyclist", "teacher", "nurse", "engineer", "banana", "moose",
)  # fmt: skip


def _reddit_name(rng: random.Random) -> str:
    """A user name in one of the shapes Reddit users pick (words, digits, underscores)."""
    a, b, c = rng.sample(_NAME_WORDS, 3)
    shape = rng.randrange(6)
    if shape == 0:
        return f"{a}_{b}"
    if shape == 1:
        return f"{a.capitalize()}{b.capitalize()}{rng.randrange(10, 9999)}"
    if shape == 2:
        return f"{a}-{b}-{c}"
    if shape == 3:
        return f"Throwaway_{rng.randrange(1000, 99999)}"
    if shape == 4:
        return f"{a}{rng.randrange(1, 99)}"
    return f"The_{a.capitalize()}_{b.capitalize()}"


def _reddit_text(rng: random.Random, arguments: Sequence[str]) -> str:
    """A comment body: short reactions, part of an argument, one, or several paragraphs (the
    long tail of real threads); now and then a Markdown quote of another argument first."""
    roll = rng.random()
    if roll < 0.12:
        return rng.choice(_SHORT_REPLIES)
    if roll < 0.32:
        words = rng.choice(arguments).split()
        return " ".join(words[: rng.randrange(4, 12)])
    count = 1 if roll < 0.8 else rng.choice((2, 2, 3, 3, 4, 6))
    text = "\n\n".join(rng.sample(list(arguments), count))
    if rng.random() < 0.08:
        text = "> " + " ".join(rng.choice(arguments).split()[:10]) + "\n\n" + text
    return text


def reddit_listing(n: int = 470, *, seed: int = 13) -> list[dict[str, Any]]:
    """A Reddit `.json` thread page (the two listings of the API's documented shape) of `n`
    comments of real ArgKP arguments: reply chains where the one answered often answers back,
    the poster defending the post, a dozen regulars, many who post once, `[deleted]` comments,
    Reddit's base-36 ids."""
    rng = random.Random(seed)
    arguments = argkp_arguments()
    regulars = [_reddit_name(rng) for _ in range(12)]
    post: dict[str, Any] = {
        "id": "5abc12",
        "name": "t3_5abc12",
        "title": "Should we ban the sale of violent video games to minors?",
        "selftext": arguments[0],
        "author": regulars[0],
        "created_utc": 1_700_000_000.0,
        "permalink": "/r/changemyview/comments/5abc12/violent_games/",
    }
    things: list[dict[str, Any]] = []
    by_name: dict[str, dict[str, Any]] = {}
    replies: dict[str, list[dict[str, Any]]] = {}
    for i in range(n):
        cid = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(7))
        parent: str
        if i == 0 or rng.random() < 0.25:
            parent = post["name"]
        elif rng.random() < 0.5:
            parent = things[-1]["name"]
        else:
            parent = rng.choice(things[max(0, len(things) - 60) :])["name"]
        gone = rng.random() < 0.02
        above = by_name.get(parent)
        if above is not None and above["parent_id"] in by_name and rng.random() < 0.4:
            # A back-and-forth: the one answered answers back.
            author = by_name[above["parent_id"]]["author"]
        elif rng.random() < 0.12:
            author = post["author"]  # the poster defends the post
        elif rng.random() < 0.25:
            author = rng.choice(regulars)
        else:
            author = _reddit_name(rng)
        data: dict[str, Any] = {
            "id": cid,
            "name": f"t1_{cid}",
            "parent_id": parent,
            "link_id": post["name"],
            "author": "[deleted]" if gone else author,
            "body": "[deleted]" if gone else _reddit_text(rng, arguments),
            "created_utc": 1_700_000_100.0 + 60 * i,
            "permalink": f"{post['permalink']}{cid}/",
        }
        thing = {"kind": "t1", "data": data}
        things.append(data)
        by_name[data["name"]] = data
        replies.setdefault(parent, []).append(thing)
    for data in things:
        children = replies.get(data["name"], [])
        data["replies"] = {"kind": "Listing", "data": {"children": children}} if children else ""

    def listing(children: list[dict[str, Any]]) -> dict[str, Any]:
        return {"kind": "Listing", "data": {"after": None, "before": None, "children": children}}

    return [listing([{"kind": "t3", "data": post}]), listing(replies.get(post["name"], []))]


# -- a thread shaped like the real one ----------------------------------------------------

_AUTOMOD = (
    "Hello, users of CMV! This is a footnote from your moderators. We'd just like to remind "
    "you of a couple of things. Firstly, please read through our rules. If you see a comment "
    "that has broken one, it is more effective to report it than downvote it. Speaking of "
    "which, downvotes don't change views! Any questions or concerns? Feel free to message us. "
    "*I am a bot, and this action was performed automatically. Please contact the moderators "
    "of this subreddit if you have any questions or concerns.*"
)
_SOURCES = (
    "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC{n}/",
    "https://www.theguardian.com/games/20{y}/mar/{d}/video-games-violence-study-{n}",
    "https://en.wikipedia.org/wiki/Video_game_controversies#Violence_and_aggression",
    "https://www.apa.org/news/press/releases/20{y}/08/violent-video-games?utm_source=reddit",
    "https://www.reddit.com/r/changemyview/comments/{c}/comment/{n}/?context=3",
)
_EDITS = (
    "Edit: typo", "EDIT: thanks for the replies, I'm reading them all.", "Edit: spelling",
    "Edit: a word", "EDIT: ok, fair point about the ratings board.",
)  # fmt: skip


def _casual_text(rng: random.Random, arguments: Sequence[str], parent: str | None) -> str:
    """A comment of a casual thread: mostly short (reactions, half an argument), now and then a
    whole argument or two; a reply often opens by quoting a sentence of the comment it answers
    (`> …`); some cite a source by a long link, some end with an edit note."""
    roll = rng.random()
    if roll < 0.22:
        text = rng.choice(_SHORT_REPLIES)
    elif roll < 0.62:
        words = rng.choice(arguments).split()
        text = " ".join(words[: rng.randrange(3, 14)])
    elif roll < 0.92:
        text = rng.choice(arguments)
    else:
        text = "\n\n".join(rng.sample(list(arguments), rng.choice((2, 2, 3))))
    if parent and len(parent.split()) >= 12 and rng.random() < 0.18:
        sentence = parent.split("\n\n")[0]
        text = "> " + sentence + "\n\n" + text
    if rng.random() < 0.05:
        link = rng.choice(_SOURCES).format(
            n=rng.randrange(10**6, 10**7), y=rng.randrange(10, 24), d=rng.randrange(1, 28),
            c="".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(6)),
        )  # fmt: skip
        text += f" [source]({link})" if rng.random() < 0.6 else f"\n\n{link}"
    if rng.random() < 0.03:
        text += "\n\n" + rng.choice(_EDITS)
    return text


def reddit_casual_listing(n: int = 470, *, seed: int = 13) -> list[dict[str, Any]]:
    """A Reddit `.json` thread page shaped like the real thread issue 13 measured (470
    comments; median comment 13 tokens; naive request about 11,400 tokens): ArgKP sentences cut
    short or whole, reactions that repeat ("This.", "Source?"), replies that open by quoting
    the comment they answer, long source links, edit notes, the moderators' AutoModerator
    notice at the top, `[deleted]` and `[removed]` comments; most people post once, a few
    regulars and the poster argue back and forth."""
    rng = random.Random(seed)
    arguments = argkp_arguments()
    regulars = [_reddit_name(rng) for _ in range(15)]
    post: dict[str, Any] = {
        "id": "6cmv13",
        "name": "t3_6cmv13",
        "title": "CMV: The sale of violent video games to minors should be banned",
        "selftext": "\n\n".join(arguments[:2]),
        "author": regulars[0],
        "created_utc": 1_700_000_000.0,
        "permalink": "/r/changemyview/comments/6cmv13/cmv_violent_games/",
    }
    things: list[dict[str, Any]] = []
    by_name: dict[str, dict[str, Any]] = {}
    replies: dict[str, list[dict[str, Any]]] = {}
    for i in range(n):
        cid = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(7))
        if i == 0 or rng.random() < 0.3:
            parent = post["name"]
        elif rng.random() < 0.55:
            parent = things[-1]["name"]
        else:
            parent = rng.choice(things[max(0, len(things) - 80) :])["name"]
        above = by_name.get(parent)
        if i == 0:
            author = "AutoModerator"
        elif above is not None and above["parent_id"] in by_name and rng.random() < 0.35:
            author = by_name[above["parent_id"]]["author"]  # the one answered answers back
        elif rng.random() < 0.08:
            author = post["author"]
        elif rng.random() < 0.15:
            author = rng.choice(regulars)
        else:
            author = _reddit_name(rng)
        gone = rng.choice(("[deleted]", "[removed]")) if i and rng.random() < 0.05 else None
        if i == 0:
            body = _AUTOMOD
        else:
            body = gone or _casual_text(rng, arguments, above["body"] if above else None)
        data: dict[str, Any] = {
            "id": cid,
            "name": f"t1_{cid}",
            "parent_id": parent,
            "link_id": post["name"],
            "author": "[deleted]" if gone else author,
            "body": body,
            "created_utc": 1_700_000_100.0 + 60 * i,
            "permalink": f"{post['permalink']}{cid}/",
            "stickied": i == 0,
        }
        thing = {"kind": "t1", "data": data}
        things.append(data)
        by_name[data["name"]] = data
        replies.setdefault(parent, []).append(thing)
    for data in things:
        children = replies.get(data["name"], [])
        data["replies"] = {"kind": "Listing", "data": {"children": children}} if children else ""

    def listing(children: list[dict[str, Any]]) -> dict[str, Any]:
        return {"kind": "Listing", "data": {"after": None, "before": None, "children": children}}

    return [listing([{"kind": "t3", "data": post}]), listing(replies.get(post["name"], []))]


def _with_copies(unique: Thread, raw: Thread, report: Any) -> Thread:
    """`unique` with each kept comment's folded copies, where dedupe has not filled them."""
    if any(c.copies for c in unique.comments):
        return unique
    by_id = raw.by_id()
    copies: dict[str, list[Copy]] = {}
    for removed in report.removed:
        source = by_id[removed.id]
        copies.setdefault(removed.duplicate_of, []).append(
            Copy(id=removed.id, kind=str(removed.kind), author=source.author)
        )
    comments = tuple(
        c.model_copy(update={"copies": tuple(copies.get(c.id, ()))}) for c in unique.comments
    )
    return unique.model_copy(update={"comments": comments})


def reddit_economy(
    model: str = DEFAULT_TOKEN_MODEL,
    comments: int = 470,
    *,
    listing: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Prompt economy on a Reddit thread: `listing` (a `.json` page), by default
    `reddit_listing(comments)`; read by the Reddit parser and deduplicated. The request the
    engine sends (the `response_format` schema counted) against (a) the unique texts plus each
    author's name once plus the fixed prompt, (b) the naive request: every comment the parser
    keeps as `author: text`, duplicates included, under the same instructions and schema."""
    from bot.dedupe import dedupe
    from bot.ingest.web.reddit import parse_reddit

    llm = _litellm()
    raw = parse_reddit(listing or reddit_listing(comments), "reddit-shaped.json")
    unique, report = dedupe(raw)
    unique = _with_copies(unique, raw, report)
    names = short_names(unique, compact=True)
    shown = names.thread

    def count(**kwargs: Any) -> int:
        return int(llm.token_counter(model=model, **kwargs))

    schema = count(text=json.dumps(summary_json_schema(), separators=(",", ":")))

    def request(lines: list[str], people: list[str]) -> int:
        messages = summarize_messages(
            lines,
            route="json_schema",
            max_points=4,
            language=None,
            boundary="0" * 8,
            title=unique.title,
            people=people,
        )
        return count(messages=messages) + schema

    sent = request(names.lines(shown.comments), names.handle_lines(shown.comments))
    fixed = request([], [])
    text_tokens = [count(text=c.text) for c in raw.comments]
    texts = sum(count(text=c.text) for c in unique.comments)
    everyone = {a for c in unique.comments for a in c.authors}
    authors = sum(count(text=a) for a in everyone)
    naive_lines = [f"{c.author or '[deleted]'}: {c.text}" for c in raw.comments]
    naive = request(naive_lines, [])
    old_lines = [_v2_line(c) for c in unique.comments]
    old = request(old_lines, [])
    return {
        "token_model": model,
        "comments": len(raw.comments),
        "unique_comments": len(unique.comments),
        "median_comment_tokens": statistics.median(text_tokens),
        "authors": len(everyone),
        "authors_shown_by_handle": len(names.names),
        "authors_not_shown": sum(1 for v in names.shown.values() if not v),
        "texts_shortened": len(names.texts),
        "request_tokens": sent,
        "fixed_prompt_tokens": fixed,
        "schema_tokens": schema,
        "unique_text_tokens": texts,
        "author_name_tokens": authors,
        "naive_request_tokens": naive,
        "json_lines_request_tokens": old,
        "ratio_vs_unique_plus_authors_plus_prompt": round(sent / (texts + authors + fixed), 3),
        "ratio_vs_naive": round(sent / naive, 3),
        # The unique texts, every name once and the prompt against the naive request: what a
        # framing that shows every text and name whole cannot beat.
        "floor_vs_naive": round((texts + authors + fixed) / naive, 3),
        "json_lines_vs_naive": round(old / naive, 3),
        "targets": {"ratio_vs_unique_plus_authors_plus_prompt": 1.15, "ratio_vs_naive": 0.8},
    }


def _v2_line(comment: Comment) -> str:
    # The framing of prompt summarize v2 (one JSON object per comment, platform ids), for the
    # before/after figure.
    given = {"id": comment.id, "author": comment.author, "reply_to": comment.reply_to}
    obj = {k: v for k, v in given.items() if v} | {"text": comment.text}
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


async def map_reduce(
    *,
    comments: int = 5000,
    latency: float = 0.2,
    concurrency: int = 4,
    context_tokens: int = BENCH_CONTEXT_TOKENS,
) -> dict[str, Any]:
    """Part (b): one summarize run against the fake server; wall time from the call to the
    outcome, after a warm-up call (litellm's one-off first-call set-up is reported apart).
    `planning_s` is when the chunk plan was complete (the first "summarizing" progress report;
    the map requests of the chunks closed first run meanwhile), `map_s` the map step after it,
    `reduce_s` the merge."""
    llm = await asyncio.to_thread(_litellm)
    thread = chained_thread(comments)
    with FakeOpenAI(latency=latency, responder=debate_responder) as server:
        # A long-running bot pays litellm's first-call set-up (lazy imports, HTTP client,
        # tokenizer load) once per process: measure it apart from the run.
        warm = time.perf_counter()
        llm.encode(model="openai/fake-model", text="warm up")
        server.queue(Reply(content="{}", delay=-latency))  # no added latency for this one
        # On the loop where the run's calls go: litellm binds its logging worker to the loop
        # of a call and, called from another, leaves the first worker's task pending there.
        await _CallLoop.run(
            llm.acompletion(
                model="openai/fake-model",
                messages=[{"role": "user", "content": "warm up"}],
                api_base=server.url,
                api_key="bench",
                num_retries=0,
            )
        )
        warmup = time.perf_counter() - warm
        server.requests.clear()
        config = LLMConfig(
            model="openai/fake-model",
            api_base=server.url,
            api_key="bench",
            concurrency=concurrency,
            context_tokens=context_tokens,
            max_retries=0,
            timeout_s=30.0,
        )
        marks: dict[str, float] = {}
        rounds = 0
        started = time.perf_counter()

        def progress(stage: str, done: int, total: int) -> None:
            nonlocal rounds
            marks.setdefault(stage, time.perf_counter() - started)
            if stage == "merging" and done == 0:
                rounds += 1

        outcome = await summarize_llm(thread, config, progress=progress)
        wall = time.perf_counter() - started
        reduce_calls = len(server.requests) - outcome.chunks
        max_in_flight = server.max_in_flight
    # Map waves plus reduce rounds, each costing one latency; one round when the partial
    # summaries fit one request (then calls = chunks + 1).
    ideal = (math.ceil(outcome.chunks / concurrency) + rounds) * latency
    return {
        "comments": comments,
        "latency_s": latency,
        "concurrency": concurrency,
        "context_tokens": context_tokens,
        "chunks": outcome.chunks,
        "calls": outcome.usage.llm_calls,
        "reduce_calls": reduce_calls,
        "reduce_rounds": rounds,
        "calls_equal_chunks_plus_one": outcome.usage.llm_calls == outcome.chunks + 1,
        "max_in_flight": max_in_flight,
        "first_call_setup_s": round(warmup, 3),
        "planning_s": round(marks.get("summarizing", 0.0), 3),
        "map_s": round(marks.get("merging", wall) - marks.get("summarizing", 0.0), 3),
        "reduce_s": round(wall - marks.get("merging", wall), 3),
        "wall_s": round(wall, 3),
        "ideal_s": round(ideal, 3),
        "wall_over_ideal": round(wall / ideal, 3) if ideal else None,
        "quotes_verified": outcome.verification.quotes_verified,
        "quotes_dropped": outcome.verification.quotes_dropped,
    }


_RAW_CALL = """
import sys, httpx
text = open(sys.argv[2], encoding="utf-8").read()
body = {"model": "x", "messages": [{"role": "user", "content": text}]}
httpx.post(sys.argv[1] + "/chat/completions", json=body, timeout=30)
"""


# A child's peak RSS counts the memory image it was forked from, so children are started by a
# small launcher (python -S) rather than by this process (tens of MB of imports).
_LAUNCHER = """
import json, os, sys
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps([os.waitstatus_to_exitcode(status), cpu, usage.ru_maxrss]))
"""


def _child(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, peak RSS in MB) of one child process, from its own rusage."""
    proc = subprocess.run(
        [sys.executable, "-S", "-c", _LAUNCHER, *cmd],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        code, cpu, rss_kb = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        code, cpu, rss_kb = proc.returncode or 1, 0.0, 0
    if code != 0:
        raise RuntimeError(f"{cmd[1:4]} failed: {proc.stderr[-300:]}")
    return cpu, rss_kb / 1024  # kilobytes on Linux


LLM_CLI = os.environ.get("DEBATE_DIGEST_BENCH_LLM", "/work/venv-llm/bin/llm")
"""simonw's `llm` for the comparison, installed in a venv of its own (never a dependency of
this project); its run is skipped where it is not installed."""


def _reply_anything(body: dict[str, Any]) -> Reply:
    """The debate answer for our requests; a short text for a request with no data block
    (`llm`'s plain prompt)."""
    if data_block(body) is None:
        return Reply(content="A short summary of the thread.")
    return debate_responder(body)


def cold_start(runs: int = 3) -> dict[str, Any]:
    """CPU and peak RSS of whole processes (medians of `runs` after one run not counted): a
    seed summary with a model set against the loopback server (an unknown window, so the
    thread is counted once; and `openai/gpt-4o-mini`, whose 128k window needs no counting),
    `import litellm` alone, simonw's `llm` sending the seed to the same server (where it is
    installed, see `LLM_CLI`), one raw `httpx` POST of the seed, the offline summary, and
    `--help`."""
    seed = str(resources.files("bot") / "data" / "seed-thread.txt")
    with (
        FakeOpenAI(responder=_reply_anything) as server,
        tempfile.TemporaryDirectory() as llm_home,
    ):
        # Bytecode is written and a first run of each command is not counted, as for an
        # installed package (pip compiles it): a checkout run with PYTHONDONTWRITEBYTECODE=1
        # would compile this package's modules on every start (about 0.3 s CPU).
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "OPENAI_API_KEY": "bench",
            "DEBATE_DIGEST_API_BASE": server.url,
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "LLM_USER_PATH": llm_home,
        }
        with open(os.path.join(llm_home, "extra-openai-models.yaml"), "w") as handle:
            handle.write(
                f'- model_id: fake\n  model_name: fake-model\n  api_base: "{server.url}"\n'
            )
        summary = [sys.executable, "-m", "bot", "summarize", seed, "--json", "--no-cache"]
        commands = {
            "summary_model_unknown_window": [*summary, "--model", "openai/x"],
            "summary_model_known_window": [*summary, "--model", "openai/gpt-4o-mini"],
            "import_litellm": [sys.executable, "-c", "import litellm"],
            "raw_http_call": [sys.executable, "-c", _RAW_CALL, server.url, seed],
            "summary_offline": [*summary, "--model", ""],
            "help": [sys.executable, "-m", "bot", "--help"],
        }
        if os.access(LLM_CLI, os.X_OK):
            # `llm -m fake -n --no-stream "$(cat seed)"`: one call, no log database.
            text = open(seed, encoding="utf-8").read()
            commands["llm_cli_same_call"] = [LLM_CLI, "-m", "fake", "-n", "--no-stream", text]
        out: dict[str, Any] = {}
        for name, cmd in commands.items():
            _child(cmd, env)  # writes bytecode and warms the page cache
            measured = [_child(cmd, env) for _ in range(runs)]
            out[name] = {
                "cpu_s": round(statistics.median(m[0] for m in measured), 2),
                "rss_mb": round(statistics.median(m[1] for m in measured)),
            }
    model_cpu = out["summary_model_unknown_window"]["cpu_s"]
    out["model_over_raw_cpu"] = round(model_cpu / out["raw_http_call"]["cpu_s"], 1)
    if "llm_cli_same_call" in out:
        out["model_over_llm_cli_cpu"] = round(model_cpu / out["llm_cli_same_call"]["cpu_s"], 2)
    return out


async def run(
    *,
    comments: int = 5000,
    latency: float = 0.2,
    concurrency: int = 4,
    context_tokens: int = BENCH_CONTEXT_TOKENS,
    token_model: str = DEFAULT_TOKEN_MODEL,
) -> dict[str, Any]:
    """Both parts; a dict of plain numbers (see the module docstring)."""
    economy = await asyncio.to_thread(prompt_economy, token_model)
    reddit = await asyncio.to_thread(reddit_economy, token_model)
    casual = await asyncio.to_thread(
        lambda: reddit_economy(token_model, listing=reddit_casual_listing())
    )
    speed = await map_reduce(
        comments=comments, latency=latency, concurrency=concurrency, context_tokens=context_tokens
    )
    return {
        "prompt_economy": economy,
        "reddit_economy": reddit,
        "reddit_casual_economy": casual,
        "map_reduce": speed,
    }


def _reddit_report(name: str, r: dict[str, Any]) -> list[str]:
    return [
        f"prompt economy ({name}: {r['comments']} comments, {r['unique_comments']} unique, "
        f"median {r['median_comment_tokens']} tokens, {r['authors']} authors of whom "
        f"{r['authors_not_shown']} not shown, {r['texts_shortened']} texts shortened; "
        "schema counted):",
        f"  request {r['request_tokens']} = {r['ratio_vs_unique_plus_authors_plus_prompt']} x "
        f"(unique texts {r['unique_text_tokens']} + authors {r['author_name_tokens']} + "
        f"fixed prompt {r['fixed_prompt_tokens']})  [target <= 1.15]",
        f"  request / naive request ({r['naive_request_tokens']}, every comment as "
        f"'author: text') = {r['ratio_vs_naive']}  [target <= 0.8; texts and names whole "
        f"would be {r['floor_vs_naive']} x; JSON lines with platform ids were "
        f"{r['json_lines_vs_naive']} x]",
    ]


def _report(result: dict[str, Any]) -> str:
    e, m, r = result["prompt_economy"], result["map_reduce"], result["reddit_economy"]
    return "\n".join(
        [
            f"prompt economy (seed thread, {e['token_model']} tokens):",
            f"  request {e['request_tokens']} = {e['ratio_vs_unique_plus_prompt']} x "
            f"(unique comments {e['unique_comment_tokens']} + fixed prompt "
            f"{e['fixed_prompt_tokens']})  [target <= 1.15]",
            f"  request / raw paste request ({e['raw_paste_request_tokens']}) = "
            f"{e['ratio_vs_raw_paste']}  [target <= 0.6]",
            *_reddit_report("Reddit-shaped thread of long arguments", r),
            *_reddit_report(
                "Reddit thread shaped like the issue's", result["reddit_casual_economy"]
            ),
            f"map-reduce ({m['comments']} comments, {m['latency_s'] * 1000:.0f} ms latency, "
            f"concurrency {m['concurrency']}, context {m['context_tokens']}):",
            f"  chunks {m['chunks']}, calls {m['calls']} (reduce {m['reduce_calls']}), "
            f"max in flight {m['max_in_flight']}",
            f"  wall {m['wall_s']} s (plan complete at {m['planning_s']} s, map {m['map_s']} s "
            f"more, reduce "
            f"{m['reduce_s']} s in {m['reduce_rounds']} round(s)), ideal {m['ideal_s']} s, "
            f"ratio {m['wall_over_ideal']}; one-off first-call set-up {m['first_call_setup_s']} s",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: prints the report (or `--json`) on stdout."""
    parser = argparse.ArgumentParser(prog="python -m bot.bench.llm_bench", description=__doc__)
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds added per reply")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--context", type=int, default=BENCH_CONTEXT_TOKENS)
    parser.add_argument("--token-model", default=DEFAULT_TOKEN_MODEL)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--reddit",
        metavar="FILE",
        help="only the prompt economy of a saved Reddit thread (its .json page)",
    )
    parser.add_argument(
        "--cold-start",
        action="store_true",
        help="measure whole processes instead: CPU and RSS of a summary with a model set, "
        "of import litellm, of simonw's llm making the same call (where installed, see "
        "DEBATE_DIGEST_BENCH_LLM), of a raw HTTP call, offline, --help (a few minutes)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if args.reddit:
        with open(args.reddit, encoding="utf-8") as handle:
            page = json.load(handle)
        figures = reddit_economy(args.token_model, listing=page)
        out = (
            json.dumps(figures, indent=2)
            if args.json
            else "\n".join(_reddit_report(args.reddit, figures))
        )
        sys.stdout.write(out + "\n")
        return 0
    if args.cold_start:
        figures = cold_start()
        sys.stdout.write(json.dumps(figures, indent=2) + "\n")
        return 0
    result = asyncio.run(
        run(
            comments=args.comments,
            latency=args.latency,
            concurrency=args.concurrency,
            context_tokens=args.context,
            token_model=args.token_model,
        )
    )
    out = json.dumps(result, indent=2) if args.json else _report(result)
    sys.stdout.write(out + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
