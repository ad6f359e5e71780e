"""The result store: a content-addressed cache of `DigestResult`s.

    async with open_store(settings.database_url) as store:
        result = await store.get(key)

`open_store` never fails because of the database: a corrupt, unwritable or locked file gives a
`NullStore` (and one warning), so a broken cache costs time, never the answer. Only a URL we
cannot understand is an error (`ConfigError`), because that is a setting the user must fix.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from bot.errors import ConfigError
from bot.store.base import (
    CacheStats,
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
    "GuildUsage",
    "NullStore",
    "PostedAnswer",
    "SQLiteStore",
    "SourceRef",
    "Store",
    "StoreUnavailable",
    "cache_key",
    "open_store",
    "sqlite_path",
]

log = logging.getLogger(__name__)

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def sqlite_path(database_url: str | os.PathLike[str]) -> str:
    """The SQLite file a database URL names, or `":memory:"`.

    Accepted: `sqlite:///relative.sqlite3`, `sqlite:////absolute/path.sqlite3` (as in
    SQLAlchemy: what follows the third slash is the path, so an absolute path shows a fourth;
    `settings.default_database_url` writes that form), `sqlite://:memory:`, `sqlite://`
    (memory too), or a bare path (`~` is expanded). Raises `ConfigError` for PostgreSQL (not
    built yet) and any other scheme.
    """
    url = os.fspath(database_url).strip()
    if not url:
        raise ConfigError("DATABASE_URL is empty; give a SQLite path or sqlite:///path")
    match = _SCHEME.match(url)
    if match is None:
        return MEMORY if url == MEMORY else str(Path(url).expanduser())
    scheme = match[1].lower()
    if scheme.startswith("postgres"):
        raise ConfigError("PostgreSQL support is not built yet")
    if scheme != "sqlite":
        raise ConfigError(f"unsupported DATABASE_URL scheme {scheme!r}: use sqlite:///path")
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
    ("cache unavailable (...); continuing without cache") instead of raising.
    """
    return _opened(sqlite_path(database_url))


@asynccontextmanager
async def _opened(path: str) -> AsyncIterator[Store]:
    store = await _open_sqlite(path)
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
