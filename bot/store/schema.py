"""`debate-digest db upgrade` and `db current`: the schema version of either backend.

PostgreSQL is upgraded only here, on purpose (see `bot.store.postgres.upgrade`); SQLite is
upgraded whenever a store opens it, so `db upgrade` on SQLite just opens it. Every failure is a
`DatabaseError`, a one-line `UserError` that names the database (never its password).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import UserError


class DatabaseError(UserError):
    """The database could not be reached or upgraded."""

    exit_code = 1


@dataclass(frozen=True)
class SchemaReport:
    backend: str
    location: str
    current: int
    latest: int
    applied_now: tuple[int, ...] = ()

    @property
    def line(self) -> str:
        """One line for the terminal."""
        if self.applied_now:
            done = ", ".join(f"{v:04d}" for v in self.applied_now)
            return f"{self.backend} {self.location}: applied {done}; now at version {self.current}"
        state = "up to date" if self.current >= self.latest else "needs `db upgrade`"
        return f"{self.backend} {self.location}: version {self.current} of {self.latest} ({state})"


async def database_schema(database_url: str, *, upgrade: bool) -> SchemaReport:
    """The schema version of the database `database_url` names, after applying the pending
    migrations when `upgrade`. `ConfigError` for a URL we cannot read, `DatabaseError` when the
    database cannot be reached or a migration fails (nothing of that migration is kept)."""
    from bot.store import is_postgres_url, postgres_url, sqlite_path

    if is_postgres_url(database_url):
        return await _postgres(postgres_url(database_url), upgrade=upgrade)
    return await _sqlite(sqlite_path(database_url), upgrade=upgrade)


async def _postgres(url: str, *, upgrade: bool) -> SchemaReport:
    from bot.store import postgres

    location = postgres.redact(url)
    try:
        conn = await postgres.connect(url)
    except postgres.DATABASE_ERRORS as error:
        raise DatabaseError(f"cannot connect to PostgreSQL {location}: {_said(error)}") from None
    try:
        applied = await postgres.upgrade(conn) if upgrade else []
        state = await postgres.schema_state(conn)
    except postgres.DATABASE_ERRORS as error:
        action = "upgrade" if upgrade else "read the schema version of"
        raise DatabaseError(f"cannot {action} PostgreSQL {location}: {_said(error)}") from None
    finally:
        await conn.close()
    return SchemaReport("postgresql", location, state.current, state.latest, tuple(applied))


async def _sqlite(path: str, *, upgrade: bool) -> SchemaReport:
    import aiosqlite

    from bot.store.sqlite import DATABASE_ERRORS, MEMORY, load_migrations, migrate

    latest = max((m.version for m in load_migrations()), default=0)
    applied: list[int] = []
    try:
        if not upgrade and path != MEMORY:
            from pathlib import Path

            if not Path(path).exists():
                return SchemaReport("sqlite", path, 0, latest)
        async with aiosqlite.connect(path, isolation_level=None) as conn:
            if upgrade:
                applied = await migrate(conn)
            exists = await conn.execute_fetchall(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            )
            rows = (
                list(await conn.execute_fetchall("SELECT MAX(version) FROM schema_migrations"))
                if exists
                else []
            )
    except DATABASE_ERRORS as error:
        raise DatabaseError(f"cannot use the SQLite database {path}: {_said(error)}") from None
    current = int(rows[0][0] or 0) if rows else 0
    return SchemaReport("sqlite", path, current, latest, tuple(applied))


def _said(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
