"""Single flight: concurrent identical requests in one process share one run.

The first caller for a key starts the work; later callers for the same key wait for it and get
the same result (or the same exception). The work is shielded, so one impatient caller that is
cancelled does not cancel the run the others wait for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class SingleFlight(Generic[T]):
    """One per process (the composition root owns it and hands it to the pipeline)."""

    def __init__(self) -> None:
        self._running: dict[str, asyncio.Future[T]] = {}

    def in_flight(self, key: str) -> bool:
        return key in self._running

    async def run(self, key: str, work: Callable[[], Awaitable[T]]) -> T:
        future = self._running.get(key)
        if future is None:
            future = asyncio.ensure_future(work())
            self._running[key] = future
            future.add_done_callback(lambda _f: self._running.pop(key, None))
        return await asyncio.shield(future)
