"""Hostile work for the CPU worker processes (`bot.workers`): `hostile` runs in each worker as it
starts and stands in for dedupe there. A thread holding SPIN burns CPU for ever (the worker's
CPU timer stops it); one holding HANG blocks without using CPU (only the wall-clock kill stops
it); one holding EXIT ends the worker process; any other thread is deduplicated as usual."""

from __future__ import annotations

import os
import time

SPIN = "HOSTILE-SPIN"
HANG = "HOSTILE-HANG"
EXIT = "HOSTILE-EXIT"


def hostile() -> None:
    import bot.dedupe

    real = bot.dedupe.dedupe

    def dedupe(thread, **kwargs):  # noqa: ANN001, ANN003, ANN202
        text = " ".join(c.text for c in thread.comments)
        if SPIN in text:
            while True:
                pass
        if HANG in text:
            time.sleep(3600)
        if EXIT in text:
            os._exit(3)
        return real(thread, **kwargs)

    bot.dedupe.dedupe = dedupe
