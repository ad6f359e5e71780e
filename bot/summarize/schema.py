"""The summary schema now lives in `bot.result` (data the store saves, no engine behind it);
this module re-exports it so that existing imports keep working."""

from bot.result import (
    Balance,
    CommentOut,
    DigestResult,
    Duplicate,
    InputStats,
    Point,
    Quote,
    Side,
    SideBalance,
    Summary,
    Usage,
    Verification,
)

__all__ = [
    "Quote",
    "Point",
    "Side",
    "Summary",
    "InputStats",
    "Verification",
    "Usage",
    "SideBalance",
    "Balance",
    "CommentOut",
    "Duplicate",
    "DigestResult",
]
