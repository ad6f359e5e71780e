"""One digest's settings, as stored: where it posts, what it reads, when, and how much.

A server may have several digests (by `name`). Sources are channels, categories, forums or the
whole server, minus exclusions; which of them a digest may actually draw on is decided at each
run by the audience rule (a public destination never shows a channel its readers cannot read).
The optional `focus` line reaches the model as data inside the thread's data block, never as an
instruction; it is short and has no markup or control characters.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.digest.schedule import Schedule
from bot.errors import InputError

MAX_DEBATES = 10
MAX_SOURCES = 25
FOCUS_MAX = 200
SourceKind = Literal["channel", "category", "forum", "guild"]


class SourceRef(BaseModel):
    """A channel, category or forum by id, or the whole server (`kind="guild"`, id = guild id)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: SourceKind
    id: int = Field(gt=0)


class DigestConfig(BaseModel):
    """What `/digest setup` stores (the store adds id, enabled, created and run bookkeeping)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    guild_id: int = Field(gt=0)
    name: str = Field(default="digest", min_length=1, max_length=40)
    destination_id: int = Field(gt=0)
    sources: tuple[SourceRef, ...] = Field(min_length=1, max_length=MAX_SOURCES)
    exclude: frozenset[int] = frozenset()
    schedule: Schedule = Schedule()
    max_debates: int = Field(default=5, ge=1, le=MAX_DEBATES)
    language: str | None = Field(default=None, max_length=40)
    focus: str | None = Field(default=None, max_length=FOCUS_MAX)
    quiet_day: bool = False  # post "quiet day" for an empty period instead of nothing
    # Per-server daily token budget: shared with /summarize ("shared") or a digest's own.
    own_budget_tokens: int | None = Field(default=None, ge=0)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        cleaned = " ".join(_printable(value).split())
        if not cleaned:
            raise ValueError("a digest name needs a visible character")
        return cleaned

    @field_validator("focus")
    @classmethod
    def _focus(cls, value: str | None) -> str | None:
        if value is None:
            return None
        cleaned = " ".join(_printable(value).split())
        return cleaned or None


MIN_OWN_BUDGET = 1000
_BUDGET = re.compile(r"(\d+(?:\.\d+)?)\s*([km]?)")


def parse_budget(text: str | None) -> int | None:
    """`/digest setup budget:`: "shared" (or nothing) draws on the server's daily budget shared
    with /summarize (None); a token count like `50000`, `50k` or `1.5m` is the digest's own."""
    if text is None or text.strip().casefold() in ("", "shared", "server"):
        return None
    flat = text.strip().casefold().replace(",", "").replace("_", "")
    match = _BUDGET.fullmatch(flat.removesuffix("tokens").strip())
    if match is None:
        raise InputError(
            f"budget {text[:20]!r}: say shared (the server's budget, with /summarize) or a "
            "daily token count like 50000 or 50k"
        )
    tokens = int(float(match[1]) * {"": 1, "k": 1000, "m": 1_000_000}[match[2]])
    if tokens < MIN_OWN_BUDGET:
        raise InputError(f"a digest's own budget is at least {MIN_OWN_BUDGET:,} tokens a day")
    return tokens


def describe_budget(own: int | None) -> str:
    """Which daily LLM budget a digest draws on, in words."""
    if own is None:
        return "the server's daily budget, shared with /summarize"
    return f"its own, {own:,} tokens a day (not counted against /summarize's)"


def _printable(text: str) -> str:
    # Control, format (bidi overrides) and surrogate characters never reach a prompt or a post.
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
