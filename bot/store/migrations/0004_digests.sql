-- Moderator digests: each schedule is a row; each period is claimed once before anything is
-- posted, every posted message is recorded, and the period is marked done when the last one is
-- sent (DESIGN: exactly once).

CREATE TABLE digests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    config TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by INTEGER,
    next_run TEXT,
    last_end TEXT,
    last_outcome TEXT,
    UNIQUE (guild_id, name)
);
CREATE INDEX digests_due ON digests (enabled, next_run);

-- One row per digest and period (`period_key` = the period's end instant). `state` is
-- claimed, done or skipped; a claim whose owner died is taken over after `lease_until`.
CREATE TABLE digest_runs (
    digest_id INTEGER NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
    period_key TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    lease_until TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT,
    PRIMARY KEY (digest_id, period_key)
);

-- Every message a digest run posted, in order (`seq` 0 is the header), with the nonce it was
-- sent with: a restarted run continues after the last recorded message.
CREATE TABLE digest_posts (
    digest_id INTEGER NOT NULL,
    period_key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    nonce TEXT NOT NULL,
    source_id INTEGER,
    PRIMARY KEY (digest_id, period_key, seq),
    FOREIGN KEY (digest_id, period_key) REFERENCES digest_runs (digest_id, period_key)
        ON DELETE CASCADE
);
CREATE INDEX digest_posts_message ON digest_posts (message_id);

-- Where each source thread's last summary for a digest ended, so a growing thread is updated
-- from there and an entry can say "new since last digest".
CREATE TABLE digest_threads (
    digest_id INTEGER NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
    source_id INTEGER NOT NULL,
    last_message_id INTEGER NOT NULL,
    period_key TEXT NOT NULL,
    result_key TEXT,
    PRIMARY KEY (digest_id, source_id)
);
