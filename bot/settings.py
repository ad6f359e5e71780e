"""One typed settings object, read from the environment (prefix `DEBATE_DIGEST_`) and `.env`.

Provider keys are litellm's own variables (`OPENAI_API_KEY`, …) and are not read here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def default_database_url() -> str:
    """A SQLite file in the user's cache folder (XDG_CACHE_HOME, else ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return f"sqlite:///{Path(base) / 'debate-digest' / 'cache.sqlite3'}"


class Settings(BaseSettings):
    """All configuration. Every field can be set as `DEBATE_DIGEST_<NAME>` in the environment."""

    model_config = SettingsConfigDict(
        env_prefix="DEBATE_DIGEST_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,  # an empty line in .env means "use the default"
        extra="ignore",
    )

    model: str = Field("", description="litellm model string; empty selects the offline engine")
    api_base: str | None = Field(None, description="base URL of an OpenAI-compatible server")
    fallback_models: Annotated[list[str], NoDecode] = Field(default_factory=list)
    llm_timeout_s: float = Field(60.0, gt=0, description="seconds one LLM call may take")
    llm_max_retries: int = Field(
        2, ge=0, le=10, description="retries per model on 429/5xx/timeouts"
    )
    llm_concurrency: int = Field(4, ge=1, le=64, description="chunk requests in flight")
    llm_recheck_sides: bool = Field(
        False,
        description="ask the model once more when its sides go against what comments say "
        "in so many words",
    )
    context_tokens: int | None = Field(
        None,
        gt=512,
        description="context window override; default: litellm's model info, else 8192",
    )
    database_url: str = Field(default_factory=default_database_url)
    discord_token: SecretStr | None = None
    cache_ttl_days: float = Field(30.0, ge=0, description="0 keeps cached results forever")
    max_input_mb: float = Field(
        20.0, gt=0, description="largest input accepted, per file and in total"
    )
    near_duplicate_threshold: float = Field(0.85, gt=0, le=1)
    max_points_per_side: int = Field(4, ge=1, le=10)

    # Web links (bot.ingest.web).
    allow_private_urls: bool = Field(
        False,
        description="UNSAFE: let links reach loopback/private/metadata addresses (tests, "
        "self-hosted mirrors only)",
    )
    web_timeout_s: float = Field(10.0, gt=0, le=300, description="seconds one web request may take")
    web_max_bytes: int = Field(
        5 * 1024 * 1024, ge=1024, description="largest web response read, in bytes"
    )
    web_concurrency: int = Field(8, ge=1, le=64, description="web requests in flight")
    web_max_comments: int = Field(
        2000, ge=1, le=100_000, description="comments fetched per linked discussion"
    )
    reddit_more_limit: int = Field(
        10,
        ge=0,
        le=100,
        description="Reddit 'load more comments' and 'continue this thread' requests per thread",
    )
    user_agent: str = Field(
        "", description="User-Agent of web requests; empty = debate-digest/<version>"
    )
    hn_api_base: str = Field(
        "https://hacker-news.firebaseio.com/v0", description="Hacker News Firebase API base"
    )
    reddit_base: str = Field("https://www.reddit.com", description="Reddit JSON API base")

    # The Discord bot (bot.discord).
    discord_client_id: int | None = Field(
        None, description="application id for invite-url; default: read from the token"
    )
    dev_guild_id: int | None = Field(
        None,
        description="guild `sync-commands` syncs to when no --guild is given (`run` never syncs)",
    )
    history_limit: int = Field(
        2000, ge=1, le=50_000, description="Discord messages read per summary (100 a request)"
    )
    cooldown_s: float = Field(
        30.0, ge=0, description="seconds between one person's fresh (uncached) LLM summaries"
    )
    offline_cooldown_s: float = Field(
        5.0, ge=0, description="seconds between one person's fresh offline-engine summaries"
    )
    guild_daily_tokens: int = Field(
        200_000, ge=0, description="LLM tokens one guild may use per UTC day; 0 = no limit"
    )
    dm_daily_tokens: int = Field(
        50_000,
        ge=0,
        description="LLM tokens one person may use per UTC day in DMs with the bot; 0 = no limit",
    )
    digest_tick_s: float = Field(
        60.0, ge=0, le=3600, description="seconds between two looks for due digests; 0 = off"
    )
    progress_interval_s: float = Field(
        1.5, ge=0, le=60, description="least seconds between two progress edits of a reply"
    )
    purge_interval_minutes: float = Field(
        60.0, gt=0, le=10_080, description="minutes between the bot's purges of expired results"
    )
    cpu_workers: int = Field(
        2,
        ge=1,
        le=32,
        description="worker processes for CPU work in the bot (parse, dedupe, offline engine)",
    )
    request_cpu_s: float = Field(
        30.0,
        gt=0,
        le=3600,
        description="CPU seconds the bot's parse, or its dedupe and offline engine, may take "
        "for one request; beyond it: too large to summarize here",
    )
    message_content_intent: bool = Field(
        True, description="ask for the privileged Message Content intent (needed for links)"
    )
    shard_count: int | None = Field(
        None,
        ge=1,
        le=65_536,
        description="total number of shards of the bot, over all its processes; empty = one "
        "connection (or --auto-shard)",
    )
    shard_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="the shards this process runs, comma-separated ids below SHARD_COUNT; "
        "empty = all of them",
    )
    discord_api_base: str | None = Field(
        None,
        description="base URL of Discord's REST API for every call (interactions and webhooks "
        "too), e.g. a shared rate-limit proxy http://proxy:3000/api/v10; empty = Discord",
    )

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        # "0,1,2" (or a JSON list); a bad id fails validation with the setting's name.
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    # Operations (bot.ops): the optional health and metrics port, the log format.
    health_port: int | None = Field(
        None,
        ge=1,
        le=65535,
        description="serve /healthz and Prometheus /metrics on this port; empty = off",
    )
    health_host: str = Field(
        "127.0.0.1", description="address the health port binds (0.0.0.0: every address)"
    )
    log_format: Literal["text", "json"] = Field(
        "text", description="text, or json: one JSON object per log line"
    )

    @field_validator("fallback_models", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        # A comma-separated list ("a,b") or a JSON list ('["a", "b"]').
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @property
    def max_input_bytes(self) -> int:
        return int(self.max_input_mb * 1024 * 1024)
