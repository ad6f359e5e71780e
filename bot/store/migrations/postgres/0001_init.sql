-- The result cache: one row per cache key (see bot/store/keys.py).
-- Times are ISO 8601 UTC text of one fixed width, compared byte-wise, so text order is time order.
CREATE TABLE results (
    key TEXT PRIMARY KEY NOT NULL,
    engine TEXT NOT NULL,
    model TEXT,
    prompt_version TEXT,
    result_json TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C",
    hits BIGINT NOT NULL DEFAULT 0,
    last_hit_at TEXT COLLATE "C",
    prompt_tokens BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
    cost_usd DOUBLE PRECISION,
    elapsed_ms DOUBLE PRECISION NOT NULL DEFAULT 0,
    reading_minutes_saved DOUBLE PRECISION NOT NULL DEFAULT 0,
    size_bytes BIGINT NOT NULL DEFAULT 0
);

-- Expiry checks and `purge --expired` scan by expiry time.
CREATE INDEX results_expires_at ON results (expires_at);
