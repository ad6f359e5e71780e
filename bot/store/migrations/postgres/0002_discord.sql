-- The Discord bot: what each guild spent per UTC day, and where cached results came from.

-- One row per guild and UTC day (YYYY-MM-DD). `tokens` counts LLM prompt + completion tokens
-- of fresh runs; cached answers are counted in `cached` and cost nothing.
CREATE TABLE guild_usage (
    guild_id BIGINT NOT NULL,
    day TEXT COLLATE "C" NOT NULL,
    requests BIGINT NOT NULL DEFAULT 0,
    cached BIGINT NOT NULL DEFAULT 0,
    llm_calls BIGINT NOT NULL DEFAULT 0,
    tokens BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, day)
);

-- Links from a cached result to what it was made from (NULL channel and message: asked for
-- in the guild from pasted text, a file or a web link).
CREATE TABLE result_sources (
    key TEXT NOT NULL,
    guild_id BIGINT,
    channel_id BIGINT,
    message_id BIGINT
);

-- One row per link (NULLs folded to 0 so that a repeated link is ignored, not duplicated).
CREATE UNIQUE INDEX result_sources_unique ON result_sources (
    key, COALESCE(guild_id, 0), COALESCE(channel_id, 0), COALESCE(message_id, 0)
);
CREATE INDEX result_sources_guild ON result_sources (guild_id);
CREATE INDEX result_sources_channel ON result_sources (channel_id);
CREATE INDEX result_sources_message ON result_sources (message_id);
