"""`debate-digest summarize URL` in a real subprocess against loopback servers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fakes.fake_web import FakeWeb, Trap, hn_tree, serve_hn

HN_URL = "https://news.ycombinator.com/item?id=1"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def hn_env(server: FakeWeb) -> dict[str, str]:
    return {
        "DEBATE_DIGEST_ALLOW_PRIVATE_URLS": "true",
        "DEBATE_DIGEST_HN_API_BASE": f"{server.url}/v0",
    }


def test_hn_link_end_to_end_then_cached_then_grown(server: FakeWeb, tmp_path: Path) -> None:
    items = hn_tree(40)
    serve_hn(server, items)
    db = str(tmp_path / "c.sqlite3")
    first = run("summarize", HN_URL, "--json", "--db", db, env=hn_env(server))
    assert first.returncode == 0, first.stderr
    data = json.loads(first.stdout)
    assert data["cached"] is False
    assert data["input"]["comments"] == 41
    assert data["comments"][0]["id"] == "hn1"
    assert data["comments"][0]["url"] == "https://news.ycombinator.com/item?id=1"
    assert {c["id"] for c in data["comments"]} >= {f"hn{i}" for i in (2, 10, 41)}
    cited = {
        i for side in data["summary"]["sides"] for p in side["points"] for i in p["comment_ids"]
    }
    assert cited and cited <= {c["id"] for c in data["comments"]}

    # The same discussion again: fetched again (the link is not the key), answered from the cache.
    requests_before = len(server.requests)
    again = run("summarize", HN_URL, "--json", "--db", db, env=hn_env(server))
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["cached"] is True
    assert len(server.requests) == 2 * requests_before

    # One new reply: a new key, summarized afresh.
    items[1]["kids"].append(99)
    items[99] = {"id": 99, "type": "comment", "by": "late", "time": 1_800_000_000, "parent": 1,
                 "text": "I changed my mind: offices are worth it for new hires."}  # fmt: skip
    serve_hn(server, items)
    grown = run("summarize", HN_URL, "--json", "--db", db, env=hn_env(server))
    assert grown.returncode == 0, grown.stderr
    grown_data = json.loads(grown.stdout)
    assert grown_data["cached"] is False and grown_data["input"]["comments"] == 42


def test_link_and_file_merge_into_one_thread(
    server: FakeWeb, tmp_path: Path, seed_path: Path
) -> None:
    serve_hn(server, hn_tree(10))
    proc = run(
        "summarize", str(seed_path), HN_URL, "--json", "--no-cache", "--db",
        str(tmp_path / "c.sqlite3"), env=hn_env(server),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["input"]["comments"] == 53 + 11
    ids = [c["id"] for c in data["comments"]]
    assert ids[0] == "c1" and "hn1" in ids


def test_truncation_note_on_stderr_and_in_the_result(server: FakeWeb, tmp_path: Path) -> None:
    serve_hn(server, hn_tree(30))
    env = {**hn_env(server), "DEBATE_DIGEST_WEB_MAX_COMMENTS": "10"}
    proc = run("summarize", HN_URL, "--json", "--db", str(tmp_path / "c.sqlite3"), env=env)
    assert proc.returncode == 0, proc.stderr
    note = "Only the first 10 of 30 comments were fetched (DEBATE_DIGEST_WEB_MAX_COMMENTS)."
    assert note in proc.stderr
    assert json.loads(proc.stdout)["notes"][0] == note


def test_refused_link_is_one_line_and_never_connects(trap: Trap, tmp_path: Path) -> None:
    for url in (
        trap.url,
        f"http://2130706433:{trap.port}/",
        f"http://[::ffff:127.0.0.1]:{trap.port}/",
    ):
        proc = run("summarize", url, "--db", str(tmp_path / "c.sqlite3"))
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in proc.stderr
        assert lines[0].startswith("debate-digest: error: http://")
        assert "refused: " in lines[0] and "loopback" in lines[0]
    assert trap.connections == 0


def test_saved_file_formats_are_choices(tmp_path: Path) -> None:
    saved = tmp_path / "saved.json"
    saved.write_text(json.dumps(list(hn_tree(5).values())))
    proc = run("summarize", "--format", "hackernews", str(saved), "--json", "--no-cache",
               "--db", str(tmp_path / "c.sqlite3"))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["input"]["comments"] == 6
    wrong = run("summarize", "--format", "reddit", str(saved), "--db", str(tmp_path / "c.sqlite3"))
    assert wrong.returncode == 2 and "not a Reddit thread listing" in wrong.stderr


def test_help_does_not_import_the_web_stack() -> None:
    code = (
        "import sys; from typer.testing import CliRunner; from bot.cli import app; "
        "CliRunner().invoke(app, ['summarize', '--help']); "
        "print(sorted(m for m in ('aiohttp', 'trafilatura', 'lxml') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "[]", proc.stderr


def test_reddit_discourse_and_page_links_end_to_end(server: FakeWeb, tmp_path: Path) -> None:
    from .test_discourse import PAGE_WITH_COMMENTS, serve_topic
    from .test_reddit import serve as serve_reddit

    serve_reddit(server)
    serve_topic(server, 45)
    server.html("/blog/cars", PAGE_WITH_COMMENTS)
    env = {"DEBATE_DIGEST_ALLOW_PRIVATE_URLS": "1", "DEBATE_DIGEST_REDDIT_BASE": server.url}
    cases = {
        "https://www.reddit.com/r/urbanism/comments/abc123/should_cities_ban_cars/": (
            "reddit_t3_abc123", 9),
        f"{server.url}/t/cars-in-the-centre/57": ("p1", 43),
        f"{server.url}/blog/cars": ("page", 3),
    }  # fmt: skip
    for url, (first_id, count) in cases.items():
        proc = run("summarize", url, "--json", "--no-cache", "--db", str(tmp_path / "c.sqlite3"),
                   env=env)  # fmt: skip
        assert proc.returncode == 0, (url, proc.stderr)
        data = json.loads(proc.stdout)
        assert data["input"]["comments"] == count, url
        assert data["comments"][0]["id"] == first_id
        assert all(c["url"] for c in data["comments"] if c["id"] != "w1" and first_id != "page")


def test_saved_reddit_and_discourse_files_are_detected(tmp_path: Path) -> None:
    fixtures = Path(__file__).parents[2] / "fixtures" / "formats"
    for path, first in (
        (fixtures / "reddit" / "thread.json", "reddit_t3_abc123"),
        (fixtures / "discourse" / "topic.json", "p1"),
    ):
        proc = run("summarize", str(path), "--json", "--no-cache", "--db", str(tmp_path / "c.db"))
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["comments"][0]["id"] == first
