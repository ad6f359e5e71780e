"""The command line end to end, in a real subprocess, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.summarize.verify import quote_matches

SEED_LINES = (
    Path(__file__).parent.joinpath("fixtures", "seed-thread.txt").read_text("utf-8").splitlines()
)


def run(
    *args: str,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin.decode("utf-8", "surrogateescape") if stdin is not None else None,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=120,
    )
    return proc


def run_bytes(*args: str, stdin: bytes, db: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args, "--db", str(db)],
        input=stdin,
        capture_output=True,
        env=dict(os.environ),
        timeout=120,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stdout == ""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert lines[0].startswith("debate-digest: error:")
    return lines[0]


def check_faithful(data: dict) -> int:
    """Every quote is verbatim in the comment it cites and every citation resolves."""
    comments = {c["id"]: c["text"] for c in data["comments"]}
    points = [p for side in data["summary"]["sides"] for p in side["points"]]
    points += data["summary"]["common_ground"]
    points += data["summary"].get("other_points", [])
    quotes = 0
    for point in points:
        assert set(point["comment_ids"]) <= set(comments)
        for quote in point["quotes"]:
            assert quote_matches(quote["text"], comments[quote["comment_id"]]), quote
            quotes += 1
    return quotes


def test_seed_thread_json_end_to_end(seed_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    proc = run("summarize", str(seed_path), "--json", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)  # nothing but the JSON on stdout
    assert data["engine"] == "offline"
    assert data["model"] is None
    assert data["cached"] is False
    assert data["input"] == {
        "comments": 53,
        "unique_comments": 27,
        "duplicates_removed": 26,
        "duplicates_by_kind": {"exact": 26},
        "participants": 0,
    }
    assert [c["id"] for c in data["comments"]] == [f"c{i}" for i in range(1, 27)] + ["c35"]
    assert [c["text"] for c in data["comments"]] == SEED_LINES[:26] + [SEED_LINES[34]]
    assert len(data["summary"]["sides"]) >= 2
    quotes = check_faithful(data)
    v = data["verification"]
    assert quotes > 0 and v["quotes_checked"] == v["quotes_verified"] == quotes
    assert v["quotes_dropped"] == 0 and v["citations_dropped"] == 0
    assert data["usage"] == {
        "llm_calls": 0,
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "cost_usd": None,
    }

    again = run("summarize", str(seed_path), "--json", "--db", str(db))
    assert again.returncode == 0, again.stderr
    cached = json.loads(again.stdout)
    assert cached["cached"] is True
    assert cached["summary"] == data["summary"]
    assert cached["input"] == data["input"]

    fresh = run("summarize", str(seed_path), "--json", "--db", str(db), "--no-cache")
    assert json.loads(fresh.stdout)["cached"] is False


def test_cache_key_is_the_content_not_the_paste(seed_path: Path, tmp_path: Path) -> None:
    """The same thread pasted again is a cache hit. More of it pasted again folds more copies,
    which the result shows (who posted what, how often), so it is a miss; so is an edit."""
    db = tmp_path / "c.sqlite3"
    assert run("summarize", str(seed_path), "--json", "--db", str(db)).returncode == 0
    again = run_bytes("summarize", "-", "--json", stdin=seed_path.read_bytes(), db=db)
    assert json.loads(again.stdout)["cached"] is True
    more = "\n".join(SEED_LINES + SEED_LINES[:10]).encode()
    proc = run_bytes("summarize", "-", "--json", stdin=more, db=db)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["cached"] is False
    assert data["input"]["comments"] == 63 and data["input"]["duplicates_removed"] == 36
    assert len(data["duplicates"]) == 36
    edited = "\n".join(SEED_LINES[:-1] + ["A new comment that nobody made before."]).encode()
    miss = json.loads(run_bytes("summarize", "-", "--json", stdin=edited, db=db).stdout)
    assert miss["cached"] is False


def test_stdin_and_markdown(seed_path: Path, tmp_path: Path) -> None:
    proc = run_bytes(
        "summarize", "-", "--markdown", stdin=seed_path.read_bytes(), db=tmp_path / "c.sqlite3"
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert out.startswith("# Debate digest")
    assert "53 comments read" in out and "26 duplicates removed" in out
    assert "## Side 1:" in out and "## Side 2:" in out


def test_terminal_rendering_shows_sides_and_quotes(seed_path: Path, tmp_path: Path) -> None:
    proc = run(
        "summarize", str(seed_path), "--db", str(tmp_path / "c.sqlite3"), env={"COLUMNS": "120"}
    )
    assert proc.returncode == 0, proc.stderr
    assert "Side 1:" in proc.stdout and "Side 2:" in proc.stdout
    assert "quotes verified" in proc.stdout
    side_by_side = run(
        "summarize",
        str(seed_path),
        "--layout",
        "columns",
        "--db",
        str(tmp_path / "c.sqlite3"),
        env={"COLUMNS": "160"},
    )
    assert side_by_side.returncode == 0 and "Side 2:" in side_by_side.stdout


def test_thread_text_is_never_rich_markup(tmp_path: Path) -> None:
    text = (
        "[bold red]I disagree[/bold red], the evidence for [link=http://x]this[/link] is weak.\n"
        "I think the opposite: the evidence is strong and [red]well documented[/red].\n"
    )
    src = tmp_path / "t.txt"
    src.write_text(text)
    proc = run("summarize", str(src), "--db", str(tmp_path / "c.sqlite3"))
    assert proc.returncode == 0, proc.stderr
    assert "[bold red]" in proc.stdout or "[red]" in proc.stdout


def test_demo_runs_offline(tmp_path: Path) -> None:
    proc = run("demo", "--json", "--db", str(tmp_path / "c.sqlite3"))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["input"]["unique_comments"] == 27
    check_faithful(data)


def test_offline_path_imports_neither_litellm_nor_discord(seed_path: Path, tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from bot.cli import app\n"
        f"db = {str(tmp_path / 'c.sqlite3')!r}\n"
        f"args = ['summarize', {str(seed_path)!r}, '--json', '--db', db]\n"
        "r = CliRunner().invoke(app, args)\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in ('litellm', 'discord', 'openai') if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty"),
        (b"   \n\n  \t\n", "empty"),
        (b"\x00\x01\x02binary\x00data", "binary"),
        ("caf\u00e9 d\u00e9bat".encode("latin-1"), "UTF-8"),
    ],
)
def test_bad_file_inputs(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    line = assert_one_line_error(run("summarize", str(path), "--db", str(tmp_path / "c.sqlite3")))
    assert fragment.lower() in line.lower()


def test_bad_json_export(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text('{"messages": [ {"id": "1", ')
    line = assert_one_line_error(run("summarize", str(path), "--db", str(tmp_path / "c.sqlite3")))
    assert "export.json" in line and "JSON" in line


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert "nope.txt" in assert_one_line_error(run("summarize", str(tmp_path / "nope.txt")))
    assert_one_line_error(run("summarize", str(tmp_path)))


def test_input_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("a line of debate text\n" * 60000)  # ~1.3 MB
    line = assert_one_line_error(
        run("summarize", str(path), env={"DEBATE_DIGEST_MAX_INPUT_MB": "1"})
    )
    assert "DEBATE_DIGEST_MAX_INPUT_MB" in line


def test_invalid_setting_is_one_line(seed_path: Path) -> None:
    line = assert_one_line_error(
        run("summarize", str(seed_path), env={"DEBATE_DIGEST_CACHE_TTL_DAYS": "soon"})
    )
    assert "DEBATE_DIGEST_CACHE_TTL_DAYS" in line


def test_unknown_format_is_refused_by_the_cli(seed_path: Path) -> None:
    proc = run("summarize", str(seed_path), "--format", "yaml")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_wrong_format_override(seed_path: Path, tmp_path: Path) -> None:
    assert_one_line_error(
        run("summarize", str(seed_path), "--format", "discord-json", "--db", str(tmp_path / "c"))
    )


def test_corrupt_cache_still_answers(seed_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "broken.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    proc = run("summarize", str(seed_path), "--json", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["input"]["unique_comments"] == 27
    assert "cache" in proc.stderr.lower() and "Traceback" not in proc.stderr


def test_cache_stats_and_purge(seed_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    run("summarize", str(seed_path), "--json", "--db", str(db))
    run("summarize", str(seed_path), "--json", "--db", str(db))
    stats = json.loads(run("cache", "stats", "--json", "--db", str(db)).stdout)
    assert stats["entries"] == 1 and stats["hits"] == 1
    purge = run("cache", "purge", "--db", str(db))
    assert purge.returncode == 0 and "removed 1 cached result" in purge.stdout
    assert json.loads(run("cache", "stats", "--json", "--db", str(db)).stdout)["entries"] == 0


def test_help_lists_the_commands() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    for name in ("summarize", "demo", "cache", "bench"):
        assert name in proc.stdout
    summarize_help = run("summarize", "--help").stdout
    for flag in ("--json", "--format", "--model", "--no-cache", "--db"):
        assert flag in summarize_help


def test_model_setting_runs_the_llm_engine_through_litellm(seed_path: Path, tmp_path: Path) -> None:
    from fakes.openai_server import FakeOpenAI, debate_responder

    with FakeOpenAI(responder=debate_responder) as server:
        env = {
            "DEBATE_DIGEST_MODEL": "openai/fake-model",
            "DEBATE_DIGEST_API_BASE": server.url,
            "OPENAI_API_KEY": "test",
        }
        proc = run(
            "summarize", str(seed_path), "--json", "--db", str(tmp_path / "c.sqlite3"), env=env
        )
        assert proc.returncode == 0, proc.stderr
        data = json.loads(proc.stdout)  # litellm printed nothing on stdout
        assert data["engine"] == "llm" and data["model"] == "openai/fake-model"
        assert data["usage"]["llm_calls"] == len(server.requests) >= 1
        check_faithful(data)
        offline = run(
            "summarize",
            str(seed_path),
            "--json",
            "--model",
            "",
            "--db",
            str(tmp_path / "c.sqlite3"),
            env=env,
        )
        assert json.loads(offline.stdout)["engine"] == "offline"
        assert len(server.requests) == data["usage"]["llm_calls"]


def test_unreachable_llm_falls_back_with_a_visible_note(seed_path: Path, tmp_path: Path) -> None:
    from fakes.openai_server import FakeOpenAI, Reply

    with FakeOpenAI(responder=lambda request: Reply(status=500)) as server:
        env = {
            "DEBATE_DIGEST_MODEL": "openai/fake-model",
            "DEBATE_DIGEST_API_BASE": server.url,
            "OPENAI_API_KEY": "test",
            "DEBATE_DIGEST_LLM_MAX_RETRIES": "0",
        }
        proc = run("summarize", str(seed_path), "--db", str(tmp_path / "c.sqlite3"), env=env)
    assert proc.returncode == 0, proc.stderr
    assert "The LLM was unavailable" in proc.stdout
    assert "offline engine" in proc.stdout


def _long_paste(n: int) -> bytes:
    from bot.bench.llm_bench import argkp_arguments

    args = argkp_arguments()
    return "\n".join(f"{args[i % len(args)]} ({i})" for i in range(n)).encode("utf-8")


def test_progress_display_on_long_input_in_a_terminal(tmp_path: Path) -> None:
    """Rich's progress goes to stderr when it is a terminal (forced here with TTY_COMPATIBLE);
    stdout keeps only the JSON."""
    proc = run(
        "summarize",
        "-",
        "--json",
        "--db",
        str(tmp_path / "c.sqlite3"),
        stdin=_long_paste(1500),
        env={"TTY_COMPATIBLE": "1", "COLUMNS": "100"},
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["input"]["comments"] == 1500
    assert "Deduplicating" in proc.stderr
    assert "Summarizing" in proc.stderr
    assert "1500/1500" in proc.stderr


def test_no_progress_display_when_short_or_not_a_terminal(tmp_path: Path) -> None:
    short = run(
        "summarize",
        "-",
        "--json",
        "--db",
        str(tmp_path / "c.sqlite3"),
        stdin=_long_paste(50),
        env={"TTY_COMPATIBLE": "1"},
    )
    piped = run(
        "summarize",
        "-",
        "--json",
        "--db",
        str(tmp_path / "d.sqlite3"),
        stdin=_long_paste(1500),
        env={"TTY_COMPATIBLE": "0"},
    )
    for proc in (short, piped):
        assert proc.returncode == 0, proc.stderr
        assert "Deduplicating" not in proc.stderr and "Summarizing" not in proc.stderr


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        ("ftp://example.com/thread.txt", "only http and https links"),
        ("https://discord.com/channels/1/2/3", "read by the bot"),
    ],
)
def test_links_the_cli_cannot_read_are_one_line_errors(
    arg: str, message: str, tmp_path: Path
) -> None:
    proc = run("summarize", arg, "--db", str(tmp_path / "c.sqlite3"))
    assert message in assert_one_line_error(proc)
