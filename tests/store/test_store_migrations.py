"""Migrations: a blank database gets the documented schema; migrating again changes nothing."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import aiosqlite
import pytest

from bot.store.sqlite import Migration, SQLiteStore, load_migrations, migrate, split_statements

RESULTS_COLUMNS = {
    # name: (type, not null, primary key)
    "key": ("TEXT", 1, 1),
    "engine": ("TEXT", 1, 0),
    "model": ("TEXT", 0, 0),
    "prompt_version": ("TEXT", 0, 0),
    "result_json": ("TEXT", 1, 0),
    "created_at": ("TEXT", 1, 0),
    "expires_at": ("TEXT", 0, 0),
    "hits": ("INTEGER", 1, 0),
    "last_hit_at": ("TEXT", 0, 0),
    "prompt_tokens": ("INTEGER", 1, 0),
    "completion_tokens": ("INTEGER", 1, 0),
    "cost_usd": ("REAL", 0, 0),
    "elapsed_ms": ("REAL", 1, 0),
    "reading_minutes_saved": ("REAL", 1, 0),
    "size_bytes": ("INTEGER", 1, 0),
}

# 0003: the answers the bot posted, what they quote, members' opt-outs, whose words a result holds;
# 0005: first-level (raw input) keys.
PRIVACY_COLUMNS = {
    "posted_answers": {
        "message_id": ("INTEGER", 1, 1),
        "channel_id": ("INTEGER", 1, 0),
        "guild_id": ("INTEGER", 0, 0),
        "key": ("TEXT", 0, 0),
        "again_url": ("TEXT", 0, 0),
        "posted_at": ("TEXT", 1, 0),
        "withdraw_reason": ("TEXT", 0, 0),
        "withdrawn_at": ("TEXT", 0, 0),
    },
    "posted_sources": {
        "message_id": ("INTEGER", 1, 0),
        "source_guild_id": ("INTEGER", 0, 0),
        "source_channel_id": ("INTEGER", 0, 0),
        "source_message_id": ("INTEGER", 0, 0),
    },
    "opt_outs": {
        "guild_id": ("INTEGER", 1, 1),
        "user_id": ("INTEGER", 1, 2),
        "opted_out_at": ("TEXT", 1, 0),
    },
    "raw_keys": {
        "raw_key": ("TEXT", 1, 1),
        "result_key": ("TEXT", 1, 0),
        "input_json": ("TEXT", 1, 0),
        "created_at": ("TEXT", 1, 0),
    },
    "result_authors": {
        "key": ("TEXT", 1, 1),
        "guild_id": ("INTEGER", 1, 2),
        "user_id": ("INTEGER", 1, 3),
    },
}

# Applied migrations must never change: a file edited after release would leave databases
# that ran the old text with a different schema than new ones. Add a new file instead.
SHIPPED = {
    "0001_init.sql": "e5e29ca419090a73f1e84769191214a7f6a55b752938db09b747ca39981e6782",
    "0002_discord.sql": "66a9adadcba1d07e9dbae5036b75156ca6ac8391c067c595d6f37476a27b7792",
    "0003_privacy.sql": "3ba8ab17d430d4d1845dcad9085c722e937e1b52dea6cf2547085b6f11900539",
    "0004_digests.sql": "837c99f1d52b441ac394a7eb082882bc4e37ff2aeae773c5d5fc09f11e3a94f3",
    "0005_raw_keys.sql": "4816563f1f012f695749c403be68cb3fbb4912dbb9497bbd8b687905da29d63b",
    "0006_cooldowns.sql": "f3c2efbe9c704c525d0d35a33b3bdaf7a13a8fe1f25a64ac27f758c2e6331d01",
}


def schema(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()


async def test_migrate_blank_database(db_path: Path) -> None:
    store = await SQLiteStore(db_path).open()
    await store.close()

    conn = sqlite3.connect(db_path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == {
            "schema_migrations",
            "results",
            "guild_usage",
            "result_sources",
            "posted_answers",
            "posted_sources",
            "opt_outs",
            "result_authors",
            "digests",
            "digest_runs",
            "digest_posts",
            "digest_threads",
            "raw_keys",
            "cooldowns",
            "sqlite_sequence",  # digests.id is AUTOINCREMENT: ids are never reused
        }
        for table, expected in PRIVACY_COLUMNS.items():
            found = {
                name: (kind, notnull, pk)
                for _, name, kind, notnull, _, pk in conn.execute(f"PRAGMA table_info({table})")
            }
            assert found == expected, table
        indexed = {
            (r[1], tuple(c[2] for c in conn.execute(f"PRAGMA index_info({r[1]})")))
            for table in ("posted_sources", "result_authors")
            for r in conn.execute(f"PRAGMA index_list({table})")
        }
        # Every delete event looks answers up by the message, channel or guild they quote.
        assert ("posted_sources_message", ("source_message_id",)) in indexed
        assert ("posted_sources_channel", ("source_channel_id",)) in indexed
        assert ("posted_sources_guild", ("source_guild_id",)) in indexed
        assert ("result_authors_user", ("guild_id", "user_id")) in indexed

        columns = {
            name: (kind, notnull, pk)
            for _, name, kind, notnull, _, pk in conn.execute("PRAGMA table_info(results)")
        }
        assert columns == RESULTS_COLUMNS

        migration_columns = [r[1] for r in conn.execute("PRAGMA table_info(schema_migrations)")]
        assert migration_columns == ["version", "name", "applied_at"]

        indexes = {r[1] for r in conn.execute("PRAGMA index_list(results)")}
        assert "results_expires_at" in indexes
        indexed = [r[2] for r in conn.execute("PRAGMA index_info(results_expires_at)")]
        assert indexed == ["expires_at"]

        cursor = conn.execute("SELECT version, name, applied_at FROM schema_migrations")
        recorded = cursor.fetchall()
        assert [(v, n) for v, n, _ in recorded] == [(m.version, m.name) for m in load_migrations()]
        assert recorded[0][:2] == (1, "init")
        applied_at = datetime.fromisoformat(recorded[0][2])
        assert applied_at.tzinfo is not None and applied_at.utcoffset().total_seconds() == 0

        # WAL is a property of the file, so a fresh connection sees it.
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


async def test_migrating_again_is_a_no_op(db_path: Path) -> None:
    store = await SQLiteStore(db_path).open()
    await store.close()
    before = schema(db_path)
    with sqlite3.connect(db_path) as conn:
        recorded = conn.execute("SELECT * FROM schema_migrations").fetchall()

    async with aiosqlite.connect(db_path, isolation_level=None) as conn:
        assert await migrate(conn) == []
    store = await SQLiteStore(db_path).open()  # and through the store
    await store.close()

    assert schema(db_path) == before
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT * FROM schema_migrations").fetchall() == recorded


async def test_migrations_apply_in_order_each_in_one_transaction(db_path: Path) -> None:
    good = Migration(1, "one", "CREATE TABLE one (x INTEGER);\n")
    broken = Migration(2, "two", "CREATE TABLE two (x INTEGER);\nINSERT INTO nowhere VALUES (1);\n")
    async with aiosqlite.connect(db_path, isolation_level=None) as conn:
        with pytest.raises(sqlite3.OperationalError):
            await migrate(conn, migrations=[good, broken])
        # The first migration stays; the second left nothing behind, not even table two.
        tables = {r[0] for r in await conn.execute_fetchall("SELECT name FROM sqlite_master")}
        assert "one" in tables and "two" not in tables
        versions = await conn.execute_fetchall("SELECT version FROM schema_migrations")
        assert [v for (v,) in versions] == [1]
        assert not conn.in_transaction

        fixed = Migration(2, "two", "CREATE TABLE two (x INTEGER);\n")
        assert await migrate(conn, migrations=[good, fixed]) == [2]


async def test_a_newer_schema_is_used_with_a_warning(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = await SQLiteStore(db_path).open()
    await store.close()
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO schema_migrations VALUES (99, 'future', ?)",
            (datetime.now(UTC).isoformat(),),
        )
    with caplog.at_level(logging.WARNING):
        store = await SQLiteStore(db_path).open()
        await store.close()
    assert "newer than this program" in caplog.text


def test_shipped_migrations_are_numbered_and_unchanged() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    folder = resources.files("bot.store.migrations")
    files = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".sql"))
    hashes = {
        name: hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest() for name in files
    }
    # A new migration needs its hash added here; an old one must keep its hash.
    assert hashes == SHIPPED


def test_split_statements_keeps_strings_and_trigger_bodies_whole() -> None:
    sql = (
        "-- a comment\n"
        "CREATE TABLE t (x TEXT DEFAULT 'a;b');\n"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
        "  UPDATE t SET x = 'c';\n"
        "END;\n"
        "-- trailing comment\n"
    )
    statements = split_statements(sql)
    assert len(statements) == 2
    assert statements[0].endswith("DEFAULT 'a;b');")
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")
    with pytest.raises(RuntimeError):
        split_statements("CREATE TABLE t (x TEXT)")
