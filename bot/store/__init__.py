"""The result store: a content-addressed cache of `DigestResult`s.

    async with open_store(settings.database_url) as store:
        result = await store.get(key)

`open_store` never fails because of the database: a corrupt, unwritable or locked file (or a
PostgreSQL server that cannot be reached) gives a `NullStore` (and one warning), so a broken
cache costs time, never the answer. Only a URL we cannot understand, or a PostgreSQL schema older
than this program (`SchemaOutdated`: run `debate-digest db upgrade`), is an error
(`ConfigError`), because that is something the operator must fix.

`sqlite:///path` (or a bare path) selects `SQLiteStore`, migrated on open (one process);
`postgresql://user@host/db` selects `PostgresStore` (`bot.store.postgres`, imported only then),
migrated on purpose by `debate-digest db upgrade` and shared by several processes.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import AsyncIterator, Awaitable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

from bot.errors import ConfigError
from bot.store.base import (
    CacheStats,
    Cooldown,
    GuildUsage,
    NullStore,
    PostedAnswer,
    SourceRef,
    Store,
    StoreUnavailable,
)
from bot.store.keys import KEY_ALGORITHM, cache_key
from bot.store.sqlite import DATABASE_ERRORS, MEMORY, SQLiteStore

__all__ = [
    "KEY_ALGORITHM",
    "CacheStats",
    "Cooldown",
    "GuildUsage",
    "NullStore",
    "PostedAnswer",
    "SQLiteStore",
    "SourceRef",
    "Store",
    "StoreUnavailable",
    "cache_key",
    "is_postgres_url",
    "postgres_url",
    "open_store",
    "sqlite_path",
]

log = logging.getLogger(__name__)

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+asyncpg")


def is_postgres_url(database_url: str | os.PathLike[str]) -> bool:
    """True for a `postgresql://` (or `postgres://`) URL."""
    match = _SCHEME.match(os.fspath(database_url).strip())
    return match is not None and match[1].lower() in _POSTGRES_SCHEMES


def postgres_url(database_url: str) -> str:
    """The URL asyncpg is given: `postgresql://…` as written (`postgresql+asyncpg://` too, as
    SQLAlchemy writes it). `ConfigError` when it names no host or database path we can read."""
    url = database_url.strip()
    match = _SCHEME.match(url)
    if match is None:
        raise ConfigError(f"not a PostgreSQL URL: {url!r}")
    scheme = match[1].lower()
    if scheme == "postgresql+asyncpg":
        url = "postgresql" + url[match.end(1) :]
    elif scheme not in _POSTGRES_SCHEMES:
        raise ConfigError(
            f"unsupported DATABASE_URL scheme {scheme!r}: use postgresql://user@host/database"
        )
    try:
        urlsplit(url).port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as error:
        raise ConfigError(f"cannot read the PostgreSQL URL: {error}") from None
    return url


def sqlite_path(database_url: str | os.PathLike[str]) -> str:
    """The SQLite file a database URL names, or `":memory:"`.

    Accepted: `sqlite:///relative.sqlite3`, `sqlite:////absolute/path.sqlite3` (as in
    SQLAlchemy: what follows the third slash is the path, so an absolute path shows a fourth;
    `settings.default_database_url` writes that form), `sqlite://:memory:`, `sqlite://`
    (memory too), or a bare path (`~` is expanded). Raises `ConfigError` for a PostgreSQL URL
    (see `is_postgres_url`) and any other scheme.
    """
    if is_postgres_url(database_url):
        raise ConfigError("a postgresql:// DATABASE_URL names no SQLite file")
    url = os.fspath(database_url).strip()
    if not url:
        raise ConfigError("DATABASE_URL is empty; give a SQLite path or sqlite:///path")
    match = _SCHEME.match(url)
    if match is None:
        return MEMORY if url == MEMORY else str(Path(url).expanduser())
    scheme = match[1].lower()
    if scheme != "sqlite":
        raise ConfigError(
            f"unsupported DATABASE_URL scheme {scheme!r}: use sqlite:///path or postgresql://…"
        )
    rest = url[match.end() :]
    if rest in ("", MEMORY, "/" + MEMORY):
        return MEMORY
    if not rest.startswith("/") or rest == "/":
        raise ConfigError(f"cannot read a SQLite path from {url!r}: use sqlite:///path")
    return str(Path(rest[1:]).expanduser())


def open_store(database_url: str) -> AbstractAsyncContextManager[Store]:
    """An async context manager that opens the store `database_url` names and closes it on
    exit. Parent folders are created. The URL is checked at once (`ConfigError`, see
    `sqlite_path`); a database that cannot be used yields a `NullStore` after one warning
    ("cache unavailable (...); continuing without cache") instead of raising. A PostgreSQL
    schema older than this program raises `SchemaOutdated` (a `ConfigError`) on entry: the
    process refuses to start and names `debate-digest db upgrade`.
    """
    if is_postgres_url(database_url):
        return _opened(_open_postgres(postgres_url(database_url)))
    return _opened(_open_sqlite(sqlite_path(database_url)))


@asynccontextmanager
async def _opened(opening: Awaitable[Store]) -> AsyncIterator[Store]:
    store = await opening
    try:
        yield store
    finally:
        await store.close()


async def _open_sqlite(path: str) -> Store:
    try:
        return await SQLiteStore(path).open()
    except DATABASE_ERRORS as error:
        log.warning("cache unavailable (%s); continuing without cache", f"{path}: {error}")
        return NullStore(location=path)


async def _open_postgres(url: str) -> Store:
    from bot.store.postgres import DATABASE_ERRORS as PG_ERRORS
    from bot.store.postgres import PostgresStore

    store = PostgresStore(url)
    try:
        return await store.open()
    except PG_ERRORS as error:
        log.warning(
            "cache unavailable (%s); continuing without cache", f"{store.location}: {error}"
        )
        return NullStore(location=store.location)
