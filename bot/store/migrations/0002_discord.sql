-- The Discord bot: what each guild spent per UTC day, and where cached results came from.

-- One row per guild and UTC day (YYYY-MM-DD). `tokens` counts LLM prompt + completion tokens
-- of fresh runs; cached answers are counted in `cached` and cost nothing.
CREATE TABLE guild_usage (
    guild_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    requests INTEGER NOT NULL DEFAULT 0,
    cached INTEGER NOT NULL DEFAULT 0,
    llm_calls INTEGER NOT NULL DEFAULT 0,
    tokens INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, day)
);

-- Links from a cached result to what it was made from, so that a deleted message or channel
-- (or a guild's purge) removes the results that hold its text. `channel_id` and `message_id`
-- are NULL for a result asked for in a guild from pasted text, a file or a web link.
CREATE TABLE result_sources (
    key TEXT NOT NULL,
    guild_id INTEGER,
    channel_id INTEGER,
    message_id INTEGER
);

-- One row per link (NULLs folded to 0 so that a repeated link is ignored, not duplicated).
CREATE UNIQUE INDEX result_sources_unique ON result_sources (
    key, COALESCE(guild_id, 0), COALESCE(channel_id, 0), COALESCE(message_id, 0)
);
CREATE INDEX result_sources_guild ON result_sources (guild_id);
CREATE INDEX result_sources_channel ON result_sources (channel_id);
CREATE INDEX result_sources_message ON result_sources (message_id);
