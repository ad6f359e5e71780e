"""Errors of web fetches that callers tell apart (importable without aiohttp)."""

from __future__ import annotations

from bot.errors import InputError

__all__ = ["ContentTypeError", "HTTPStatusError"]


class HTTPStatusError(InputError):
    """The server answered with an error status (after retries)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class ContentTypeError(InputError):
    """The server answered with a content type the caller did not ask for (or bad JSON)."""
