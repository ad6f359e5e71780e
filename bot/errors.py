"""Errors whose message is meant for the person using the program.

The CLI prints `UserError` messages as one line on stderr and exits non-zero; the Discord layer
shows them ephemerally. Anything that is not a `UserError` is a bug and is logged with context.
"""


class UserError(Exception):
    """A problem the user can fix (bad input, missing setting). `str(err)` is safe to show."""

    exit_code = 2


class InputError(UserError):
    """The input could not be read as a thread (empty, binary, not UTF-8, malformed, too large)."""


class ConfigError(UserError):
    """A setting is missing or invalid."""


class RunRefused(UserError):
    """A fresh engine run refused for the person who asked (their cooldown, their budget: see
    `bot.pipeline.Meter`). Another request that only joined that run is not refused by it: it
    asks again on its own."""
