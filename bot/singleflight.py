"""Single flight: concurrent identical requests in one process share one run.

The first caller for a key starts the work; later callers for the same key wait for it and get
the same result (or the same exception). The work is shielded, so one impatient caller that is
cancelled does not cancel the run the others wait for.

Callers may subscribe to a run's progress: each passes a `subscriber` (a function taking one
line of text) and the work reports through `flights.progress(key)`, which reaches every caller
still waiting, including those that joined after it started. A caller that leaves (cancelled,
or its run failed) is unsubscribed.

The pipeline keys runs by cache key (one engine run per identical request); the Discord service
keys reads by source (one history read for everyone asking about one thread).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

Subscriber = Callable[[str], None]


class _Flight(Generic[T]):
    """One run in progress and the callers waiting for it."""

    __slots__ = ("future", "subscribers")

    def __init__(self, future: asyncio.Future[T]) -> None:
        self.future = future
        self.subscribers: list[Subscriber] = []


class SingleFlight(Generic[T]):
    """One per purpose and process (the composition root owns the pipeline's and hands it in)."""

    def __init__(self) -> None:
        self._running: dict[Hashable, _Flight[T]] = {}

    def in_flight(self, key: Hashable) -> bool:
        return key in self._running

    def progress(self, key: Hashable) -> Subscriber:
        """A function that tells every caller waiting for `key`'s run (now or later) `text`."""

        def tell(text: str) -> None:
            flight = self._running.get(key)
            for subscriber in list(flight.subscribers) if flight is not None else ():
                subscriber(text)

        return tell

    async def run(
        self,
        key: Hashable,
        work: Callable[[], Awaitable[T]],
        *,
        subscriber: Subscriber | None = None,
    ) -> T:
        """`work()`'s result, run once for all concurrent callers of `key`."""
        flight = self._running.get(key)
        if flight is None:
            future = asyncio.ensure_future(work())
            flight = _Flight(future)
            self._running[key] = flight

            def done(f: asyncio.Future[T]) -> None:
                if self._running.get(key) is flight:
                    del self._running[key]
                # Retrieved here, so that a run whose callers all left logs no warning.
                if not f.cancelled():
                    f.exception()

            future.add_done_callback(done)
        if subscriber is not None:
            flight.subscribers.append(subscriber)
        try:
            return await asyncio.shield(flight.future)
        finally:
            if subscriber is not None:
                flight.subscribers.remove(subscriber)
